"""Moderators change the server's library: add, edit, flag, remove (retire or hide) and restore
items, and look at one item's whole story."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Literal

from msgspec import Struct
from msgspec.structs import replace

from bot.errors import Command, Term, UserError
from bot.models import ContentEntry, GuildSettings, Item, Kind, VoteTally
from bot.records import ActionRecord, AuditEntry, Case, Version, daily_scope, entry_to_json
from bot.services.moderation.access import Access, Actor, changed_meanwhile, item_label
from bot.services.moderation.audit import Acting, acting, on_item
from bot.services.moderation.text import (
    check_categories,
    check_duplicate,
    check_flag,
    check_reason,
    fingerprint,
    form_of,
    parse_form,
)
from bot.services.picker import fts_query


class EditForm(Struct, frozen=True):
    """What an edit form opens with, and which content it was made from."""

    kind: Kind
    prefill: dict[str, str]
    base: str  # the content hash of what the form shows: the edit applies only while it is current
    item_id: int | None = None  # the item being edited; None for a suggestion
    case_number: int | None = None  # the suggestion's number in its server, for a suggestion


class ActionResult(Struct, frozen=True):
    record: ActionRecord
    item: Item | None = None


NotShownReason = Literal["removed", "withdrawn", "hidden-moderator", "hidden-reports", "safe-mode", "blocked-flag",
                         "blocked-category", "language"]


class NotShown(Struct, frozen=True):
    """One reason an item does not show in a server: removed, withdrawn from its pack, hidden there,
    or kept out by the server's settings (``names``: the flags, categories or language concerned)."""

    reason: NotShownReason
    names: tuple[str, ...] = ()
    action: ActionRecord | None = None  # the removal or hide as recorded: who, when, and its reason


class ItemDetails(Struct, frozen=True):
    item: Item
    server_tally: VoteTally
    hidden: str | None
    places: tuple[tuple[int | None, str], ...]  # (channel id, or None for the day's pick; when)
    versions: tuple[Version, ...]
    open_reports: int
    not_shown: tuple[NotShown, ...] = ()  # empty: the item shows in this server

    @property
    def scope(self) -> str:
        return "global" if self.item.guild_id is None else "server"

    @property
    def shows_here(self) -> bool:
        return not self.not_shown


def not_shown(item: Item, settings: GuildSettings, hidden: str | None,
              taken_down: ActionRecord | None) -> tuple[NotShown, ...]:
    """Every reason ``item`` does not show in the server with ``settings`` (the rules of a pick:
    see ``eligible`` in the storage); ``taken_down`` is the last removal or hide recorded there."""
    reasons: list[NotShown] = []
    if item.status != "active":
        own = item.guild_id is not None
        reasons.append(NotShown("removed" if own else "withdrawn", action=taken_down if own else None))
    if hidden is not None:
        reasons.append(NotShown("hidden-moderator" if hidden == "moderator" else "hidden-reports",
                                action=taken_down if hidden == "moderator" else None))
    if settings.safe_mode and item.flags:
        reasons.append(NotShown("safe-mode", tuple(sorted(item.flags))))
    elif blocked := item.flags & settings.blocked_flags:
        reasons.append(NotShown("blocked-flag", tuple(sorted(blocked))))
    if blocked_categories := [c for c in item.categories if c in settings.blocked_categories]:
        reasons.append(NotShown("blocked-category", tuple(blocked_categories)))
    if item.guild_id is None and settings.languages and item.language not in settings.languages:
        reasons.append(NotShown("language", (item.language,)))
    return tuple(reasons)


def server_key(guild_id: int, case_id: int) -> str:
    """The stable key of server content: its server and the case it came from."""
    return f"g{guild_id}-{case_id}"


def item_form(item: Item) -> EditForm:
    entry = item.entry()
    return EditForm(item.kind, form_of(entry), entry.content_hash(), item.id)


def check_base(current: ContentEntry, base: str, what: Term) -> None:
    """Refuse an edit made from content (``base``, a content hash) that is no longer current."""
    if current.content_hash() != base:
        raise changed_meanwhile(what)


class LibraryAdmin:
    def __init__(self, access: Access) -> None:
        self.access = access
        self.storage = access.storage

    async def own_item(self, guild_id: int, item_id: int, verb: str) -> Item:
        """An item of this server's own, which its moderators may change."""
        item = await self.access.visible_item(guild_id, item_id)
        if item.guild_id is None:
            raise UserError("{item} is global content from a pack, so it cannot be {verb} here. {remove} hides it "
                            "in this server.", item=item_label(item), verb=Term(f"verb.{verb}", verb),
                            remove=Command("content remove"))
        return item

    async def add(self, guild_id: int, actor: Actor, kind: Kind, form: Mapping[str, str], *,
                  new_categories: Collection[str] = ()) -> ActionResult:
        """A moderator adds content to the server's library, approved at once. A category the
        library does not have yet is refused (:class:`NewCategories`) unless in ``new_categories``."""
        await self.access.require_moderator(guild_id, actor)
        entry = parse_form(kind, form)
        entry = await check_categories(self.storage, guild_id, entry, confirmed=new_categories, confirmable=True)
        await check_duplicate(self.storage, guild_id, entry)
        async with acting(self.access, guild_id, actor) as act:
            case_id = await act.tx.moderation.add_case(
                guild_id=guild_id, type="addition", kind=kind, user_id=actor.user_id, now=act.now, proposal=entry,
                fingerprint=fingerprint(entry), status="approved")
            entry = replace(entry, key=server_key(guild_id, case_id))
            item_id, _ = await act.tx.items.upsert(entry, origin="moderator", guild_id=guild_id, now=act.now)
            await act.tx.moderation.set_case_item(case_id, item_id)
            record = await act.record(AuditEntry(action="add", target=f"item:{item_id}", kind=kind, item_id=item_id,
                                                 case_id=case_id, after=entry_to_json(entry)))
        return ActionResult(record, await self.storage.items.get(item_id))

    async def item_form(self, guild_id: int, actor: Actor, item_id: int) -> EditForm:
        """The edit form of an item of this server, prefilled with its content."""
        await self.access.require_moderator(guild_id, actor)
        return item_form(await self.own_item(guild_id, item_id, "edited"))

    async def edit_item(self, guild_id: int, actor: Actor, item_id: int, form: Mapping[str, str], *,
                        base: str, new_categories: Collection[str] = ()) -> ActionResult:
        """Edit an item of this server; ``base`` is the :attr:`EditForm.base` of the form (:meth:`item_form`)
        the moderator filled in. The previous content is kept as a version. ``new_categories``: as
        in :meth:`add`."""
        await self.access.require_moderator(guild_id, actor)
        item = await self.own_item(guild_id, item_id, "edited")
        check_base(item.entry(), base, item_label(item))
        entry = parse_form(item.kind, form, key=item.key, keep=item.entry())
        entry = await check_categories(self.storage, guild_id, entry, keep=item.entry(), confirmed=new_categories,
                                       confirmable=True)
        return await self.replace_content(guild_id, actor, item, entry)

    async def set_item_flag(self, guild_id: int, actor: Actor, item_id: int, flag: str, on: bool) -> ActionResult:
        await self.access.require_moderator(guild_id, actor)
        check_flag(flag)
        return await self.flag_item(guild_id, actor, await self.own_item(guild_id, item_id, "changed"), flag, on)

    async def flag_item(self, guild_id: int, actor: Actor, item: Item, flag: str, on: bool) -> ActionResult:
        flags = item.flags | {flag} if on else item.flags - {flag}
        if flags == item.flags:
            raise UserError("{item} already has {flag} on." if on else "{item} already has {flag} off.",
                            item=item_label(item), flag=flag)
        return await self.replace_content(guild_id, actor, item, replace(item.entry(), flags=frozenset(flags)),
                                          flag=flag, on=on)

    async def replace_content(self, guild_id: int, actor: Actor, item: Item, entry: ContentEntry, *,
                              flag: str | None = None, on: bool = False) -> ActionResult:
        """Give ``item`` the content ``entry``, provided it still has the content it was read with;
        that content is kept as a version. ``flag``: the edit is that flag turned ``on`` or off."""
        removed = UserError("{item} was removed; {restore} it first.", item=item_label(item),
                            restore=Command("content restore"))
        if item.status != "active":
            raise removed
        old = item.entry()
        base = old.content_hash()
        if entry.content_hash() == base:
            raise UserError("Nothing changed.")
        if fingerprint(entry) != fingerprint(old):
            await check_duplicate(self.storage, guild_id, entry, exclude_item=item.id)
        async with acting(self.access, guild_id, actor) as act:
            # Read again under the write lock, so what is kept as the previous version is what the
            # item holds now, and another moderator's edit that landed meanwhile is never overwritten.
            state = await act.tx.moderation.item_state(item.id)
            if state is None or state.status != "active":
                raise removed
            if state.content_hash != base:
                raise changed_meanwhile(item_label(item))
            version = await act.tx.moderation.save_version(item_id=item.id, entry=old, edited_by=actor.user_id,
                                                           now=act.now)
            # Same key and origin: the item keeps its id, rand and votes; only its content changes.
            await act.tx.items.upsert(entry, origin=item.origin, guild_id=item.guild_id, now=act.now)
            details: dict[str, object] = {"version": version}
            if flag is not None:
                details |= {"flag": flag, "on": on}
            record = await act.record(on_item("edit", item, before=entry_to_json(old), after=entry_to_json(entry),
                                              details=details))
        return ActionResult(record, await self.storage.items.get(item.id))

    async def take_down(self, act: Acting, item: Item, reason: str | None, case: Case | None = None) -> ActionRecord:
        """Retire this server's own item, or hide a global one in this server, as part of ``act``
        (``case``: the report case that decided it)."""
        case_id, number = (case.id, case.number) if case is not None else (None, None)
        if item.guild_id == act.guild_id:
            await act.tx.moderation.set_item_status(item_id=item.id, guild_id=act.guild_id, status="retired",
                                                    now=act.now)
            return await act.record(on_item("retire", item, case_id=case_id, case_number=number,
                                            before={"status": item.status}, after={"status": "retired"},
                                            reason=reason))
        before = await act.tx.moderation.hidden_reason(act.guild_id, item.id)
        await act.tx.moderation.hide(guild_id=act.guild_id, item_id=item.id, reason="moderator", now=act.now)
        return await act.record(on_item("hide", item, case_id=case_id, case_number=number, before={"hidden": before},
                                        after={"hidden": "moderator"}, reason=reason))

    async def remove_item(self, guild_id: int, actor: Actor, item_id: int, reason: str | None = None) -> ActionResult:
        """Retire this server's item (hidden, votes kept), or hide a global item in this server."""
        await self.access.require_moderator(guild_id, actor)
        text = check_reason(reason, required=False)
        item = await self.access.visible_item(guild_id, item_id)
        if item.guild_id == guild_id and item.status != "active":
            raise UserError("{item} is removed already.", item=item_label(item))
        if item.guild_id is None and await self.storage.moderation.hidden_reason(guild_id, item_id) == "moderator":
            raise UserError("{item} is hidden in this server already.", item=item_label(item))
        async with acting(self.access, guild_id, actor) as act:
            record = await self.take_down(act, item, text)
            # Open reports on it are settled by the removal.
            await act.tx.moderation.close_report_case(guild_id=guild_id, item_id=item_id, status="removed",
                                                      actor_id=actor.user_id, now=act.now, reason=text)
        return ActionResult(record, await self.storage.items.get(item_id))

    async def restore_item(self, guild_id: int, actor: Actor, item_id: int) -> ActionResult:
        """Undo a removal or a hide: the item shows in this server again."""
        await self.access.require_moderator(guild_id, actor)
        item = await self.access.visible_item(guild_id, item_id)
        hidden = await self.storage.moderation.hidden_reason(guild_id, item_id)
        retired = item.guild_id == guild_id and item.status != "active"
        if not retired and hidden is None:
            raise UserError("{item} is not removed or hidden here.", item=item_label(item))
        async with acting(self.access, guild_id, actor) as act:
            if retired:
                await act.tx.moderation.set_item_status(item_id=item_id, guild_id=guild_id, status="active",
                                                        now=act.now)
            await act.tx.moderation.unhide(guild_id=guild_id, item_id=item_id)
            await act.tx.moderation.close_report_case(guild_id=guild_id, item_id=item_id, status="kept",
                                                      actor_id=actor.user_id, now=act.now, reason=None)
            record = await act.record(on_item("restore", item, before={"status": item.status, "hidden": hidden},
                                              after={"status": "active", "hidden": None}))
        return ActionResult(record, await self.storage.items.get(item_id))

    async def search(self, guild_id: int, actor: Actor, words: str | None, *,
                     limit: int = 30) -> list[tuple[Item, str | None]]:
        """The library as its moderators see it, with why each item is hidden here (None: it shows):
        items matching ``words`` as /joke search matches them (the server's own and global ones,
        removed ones too), or with no words the server's own items, newest first."""
        await self.access.require_moderator(guild_id, actor)
        query = None
        if words is not None and words.strip():
            query = fts_query(words)
            if query is None:
                raise UserError("Give a word or two to search for.")
        return await self.storage.moderation.library(guild_id, query=query, limit=limit)

    async def show_item(self, guild_id: int, actor: Actor, item_id: int) -> ItemDetails:
        await self.access.require_moderator(guild_id, actor)
        found = await self.storage.items.get(item_id)
        if found is not None and found.guild_id not in (None, guild_id):
            # Why it does not show here, and nothing more: not its server, its text or its kind.
            raise UserError("Item #{id} does not show in this server: it is another server's own content, "
                            "and only that server sees it.", id=item_id)
        item = await self.access.visible_item(guild_id, item_id)
        places = tuple((None if scope == daily_scope(guild_id) else scope, when)
                       for scope, where, when in await self.storage.history.places(item_id, limit=50)
                       if where == guild_id)[:10]
        moderation = self.storage.moderation
        case_id = await moderation.open_report_case_for(guild_id, item_id)
        reports = len(await moderation.reports(case_id)) if case_id is not None else 0
        hidden = await moderation.hidden_reason(guild_id, item_id)
        taken_down = None
        for record in await self.storage.audit.actions(guild_id, target=f"item:{item_id}", limit=20):
            if record.action in ("retire", "hide", "restore"):
                taken_down = record if record.action != "restore" else None
                break
        return ItemDetails(
            item=item,
            server_tally=await self.storage.votes.tally(item_id, guild_id),
            hidden=hidden,
            places=places,
            versions=tuple(await moderation.versions(item_id, item.kind, item.key)),
            open_reports=reports,
            not_shown=not_shown(item, await self.storage.settings.get(guild_id), hidden, taken_down),
        )
