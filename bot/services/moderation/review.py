"""The review queue: the server's pending suggestions and report cases, decided one at a time.

A decision is one conditional update of a pending case (:meth:`Review._decide`), so of two
moderators deciding at once one wins and the other is told (:class:`AlreadyDecided`); what the
decision does comes in the same transaction, and an error raised there undoes the decision too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Mapping

from msgspec import Struct
from msgspec.structs import replace

from bot.errors import UserError
from bot.models import ContentEntry, Item
from bot.records import ActionRecord, Case, Report, entry_to_json
from bot.services.moderation.access import Access, Actor, EditConflict, suggestion_label
from bot.services.moderation.audit import Acting, acting, on_case, on_item
from bot.services.moderation.library_admin import EditForm, LibraryAdmin, check_base, item_form, server_key
from bot.services.moderation.text import (
    check_categories,
    check_duplicate,
    check_flag,
    check_reason,
    fingerprint,
    form_of,
    known_categories,
    parse_form,
)


class CaseDetails(Struct, frozen=True):
    """A case as /review shows it."""

    case: Case
    item: Item | None  # the reported item, or the item an approved suggestion became
    reports: tuple[Report, ...]
    hidden: str | None  # why the item is hidden in this server, if it is
    waiting: int  # pending cases in the server, this one included
    new_categories: tuple[str, ...] = ()  # a suggestion's categories the library does not have yet

    @property
    def editable(self) -> bool:
        """Edit and the flag toggles apply: a pending suggestion, or a report on this server's own item."""
        return self.case.pending and (
            self.case.type == "suggestion" or (self.item is not None and self.item.guild_id == self.case.guild_id)
        )

    @property
    def categories(self) -> tuple[str, ...]:
        """The suggestion's categories, or the reported item's."""
        if self.case.proposal is not None:
            return self.case.proposal.categories
        return self.item.categories if self.item is not None else ()

    @property
    def flags(self) -> frozenset[str]:
        if self.case.proposal is not None:
            return self.case.proposal.flags
        return self.item.flags if self.item is not None else frozenset()


class Decision(Struct, frozen=True):
    case: Case
    record: ActionRecord
    item: Item | None = None


class CaseUpdate(Struct, frozen=True):
    """A pending case after an edit or a flag toggle, and the action recorded for it."""

    details: CaseDetails
    record: ActionRecord


class Review:
    def __init__(self, access: Access, library: LibraryAdmin) -> None:
        self.access = access
        self.storage = access.storage
        self.library = library

    async def _details(self, case: Case) -> CaseDetails:
        moderation = self.storage.moderation
        item = await self.storage.items.get(case.item_id) if case.item_id is not None else None
        reports = tuple(await moderation.reports(case.id)) if case.type == "report" else ()
        hidden = await moderation.hidden_reason(case.guild_id, item.id) if item is not None else None
        new: tuple[str, ...] = ()
        if case.proposal is not None and case.pending and case.proposal.categories:
            known = set(await known_categories(self.storage, case.guild_id, case.kind))
            new = tuple(c for c in case.proposal.categories if c not in known)
        return CaseDetails(case, item, reports, hidden, await moderation.pending_count(case.guild_id), new)

    async def next_case(self, guild_id: int, actor: Actor) -> CaseDetails | None:
        """The oldest pending suggestion or report in the server, or None when the queue is empty."""
        await self.access.require_moderator(guild_id, actor)
        case = await self.storage.moderation.next_pending(guild_id)
        return None if case is None else await self._details(case)

    async def queue(self, guild_id: int, actor: Actor, *, limit: int = 20) -> list[CaseDetails]:
        """The server's pending suggestions and reports, oldest first: the whole queue, as the
        dashboard lists it (``/review`` shows them one at a time)."""
        await self.access.require_moderator(guild_id, actor)
        return [await self._details(case) for case in await self.storage.moderation.pending(guild_id, limit=limit)]

    async def case_details(self, guild_id: int, actor: Actor, case_id: int) -> CaseDetails:
        await self.access.require_moderator(guild_id, actor)
        return await self._details(await self._case(guild_id, case_id))

    async def _case(self, guild_id: int, case_id: int) -> Case:
        case = await self.storage.moderation.get_case(case_id, guild_id)
        if case is None or case.type == "addition":
            raise UserError("There is no case #{id} in this server's review queue.", id=case_id)
        return case

    async def _pending_case(self, guild_id: int, actor: Actor, case_id: int, type: str | None = None) -> Case:
        """A pending case of the server's review queue (of ``type``, when given), for a moderator."""
        await self.access.require_moderator(guild_id, actor)
        case = await self._case(guild_id, case_id)
        if type is not None and case.type != type:
            if type == "suggestion":
                raise UserError("Reports are decided with Keep or Remove.")
            raise UserError("Suggestions are decided with Approve or Reject.")
        if not case.pending:
            raise await self.access.already_decided(guild_id, case_id)
        return case

    async def _decide(self, case: Case, actor: Actor, status: str, apply: Callable[[Acting], Awaitable[ActionRecord]],
                      reason: str | None = None) -> tuple[Case, ActionRecord]:
        """Decide ``case`` and do what the decision means (``apply``) in one transaction; raise
        :class:`AlreadyDecided` if another moderator decided it first."""
        record = None
        async with acting(self.access, case.guild_id, actor) as act:
            if await act.tx.moderation.decide(case_id=case.id, guild_id=case.guild_id, status=status,
                                              actor_id=actor.user_id, now=act.now, reason=reason):
                record = await apply(act)
        if record is None:
            raise await self.access.already_decided(case.guild_id, case.id)
        decided = await self.storage.moderation.get_case(case.id, case.guild_id)
        assert decided is not None
        return decided, record

    async def approve(self, guild_id: int, actor: Actor, case_id: int) -> Decision:
        """Approve a suggestion: it becomes this server's item at once."""
        case = await self._pending_case(guild_id, actor, case_id, "suggestion")
        proposal = case.proposal
        assert proposal is not None
        entry = replace(proposal, key=server_key(guild_id, case.id))
        # Something like it may have been added since it was suggested.
        try:
            await check_duplicate(self.storage, guild_id, entry, pending=False)
        except UserError:
            # Or another moderator approved it a moment ago, and the "duplicate" is its own item.
            now = await self.storage.moderation.get_case(case_id, guild_id)
            if now is not None and not now.pending:
                raise await self.access.already_decided(guild_id, case_id) from None
            raise

        async def apply(act: Acting) -> ActionRecord:
            # An edit may have landed while the duplicate check ran: approve what was reviewed, or nothing
            # (raising here undoes the decision as well).
            current = await act.tx.moderation.get_case(case_id, guild_id)
            now_proposed = current.proposal if current is not None else None
            if now_proposed is None or now_proposed.content_hash() != proposal.content_hash():
                raise EditConflict("Suggestion #{number} was edited by someone else meanwhile, so it was not "
                                   "approved; look at it again.", number=case.number)
            item_id, _ = await act.tx.items.upsert(entry, origin="suggestion", guild_id=guild_id, now=act.now)
            await act.tx.moderation.set_case_item(case_id, item_id)
            return await act.record(on_case("approve", case, item_id=item_id, before={"status": "pending"},
                                            after={"status": "approved", "item": item_id, **entry_to_json(entry)}))

        decided, record = await self._decide(case, actor, "approved", apply)
        assert decided.item_id is not None
        return Decision(decided, record, await self.storage.items.get(decided.item_id))

    async def reject(self, guild_id: int, actor: Actor, case_id: int, reason: str) -> Decision:
        await self.access.require_moderator(guild_id, actor)
        text = check_reason(reason, required=True)
        case = await self._pending_case(guild_id, actor, case_id, "suggestion")

        async def apply(act: Acting) -> ActionRecord:
            return await act.record(on_case("reject", case, before={"status": "pending"},
                                            after={"status": "rejected"}, reason=text))

        decided, record = await self._decide(case, actor, "rejected", apply, reason=text)
        return Decision(decided, record)

    async def keep(self, guild_id: int, actor: Actor, case_id: int) -> Decision:
        """Decide that a reported item is fine: the reports are closed and a hide by reports is lifted."""
        case = await self._pending_case(guild_id, actor, case_id, "report")
        item = await self.storage.items.get(case.item_id) if case.item_id is not None else None
        assert item is not None

        async def apply(act: Acting) -> ActionRecord:
            shown = await act.tx.moderation.unhide(guild_id=guild_id, item_id=item.id, reason="reports")
            return await act.record(on_item("keep", item, case_id=case_id, case_number=case.number,
                                            before={"hidden": "reports" if shown else None}, after={"hidden": None}))

        decided, record = await self._decide(case, actor, "kept", apply)
        return Decision(decided, record, await self.storage.items.get(item.id))

    async def remove_reported(self, guild_id: int, actor: Actor, case_id: int, reason: str) -> Decision:
        """Decide that a reported item goes: this server's own is retired, a global one hidden here."""
        await self.access.require_moderator(guild_id, actor)
        text = check_reason(reason, required=True)
        case = await self._pending_case(guild_id, actor, case_id, "report")
        item = await self.storage.items.get(case.item_id) if case.item_id is not None else None
        assert item is not None

        async def apply(act: Acting) -> ActionRecord:
            return await self.library.take_down(act, item, text, case)

        decided, record = await self._decide(case, actor, "removed", apply, reason=text)
        return Decision(decided, record, await self.storage.items.get(item.id))

    async def case_form(self, guild_id: int, actor: Actor, case_id: int) -> EditForm:
        """The edit form behind a case's Edit button: the suggestion, or the reported item of this server."""
        case = await self._pending_case(guild_id, actor, case_id)
        if case.type == "report":
            assert case.item_id is not None
            return item_form(await self.library.own_item(guild_id, case.item_id, "edited"))
        assert case.proposal is not None
        return EditForm(case.kind, form_of(case.proposal), case.proposal.content_hash(), case_number=case.number)

    async def edit_case(self, guild_id: int, actor: Actor, case_id: int, form: Mapping[str, str], *,
                        base: str, new_categories: Collection[str] = ()) -> CaseUpdate:
        """Edit what a pending case is about: a suggestion's content, or a reported item of this server.

        ``base`` is the :attr:`EditForm.base` of the form (:meth:`case_form`) the moderator filled in;
        a category the library does not have yet must be confirmed, in ``new_categories``.
        """
        case = await self._pending_case(guild_id, actor, case_id)
        if case.type == "report":
            assert case.item_id is not None
            record = (await self.library.edit_item(guild_id, actor, case.item_id, form, base=base,
                                                   new_categories=new_categories)).record
        else:
            assert case.proposal is not None
            check_base(case.proposal, base, suggestion_label(case.number))
            entry = parse_form(case.kind, form, keep=case.proposal)
            entry = await check_categories(self.storage, guild_id, entry, keep=case.proposal, confirmed=new_categories,
                                           confirmable=True)
            if entry.content_hash() == base:
                raise UserError("Nothing changed.")
            record = await self._change_proposal(actor, case, entry)
        return CaseUpdate(await self._details(await self._case(guild_id, case_id)), record)

    async def toggle_case_flag(self, guild_id: int, actor: Actor, case_id: int, flag: str) -> CaseUpdate:
        await self.access.require_moderator(guild_id, actor)
        check_flag(flag)
        case = await self._pending_case(guild_id, actor, case_id)
        if case.type == "report":
            assert case.item_id is not None
            item = await self.library.own_item(guild_id, case.item_id, "changed")
            record = (await self.library.flag_item(guild_id, actor, item, flag, flag not in item.flags)).record
        else:
            assert case.proposal is not None
            flags = case.proposal.flags ^ {flag}
            record = await self._change_proposal(actor, case, replace(case.proposal, flags=flags),
                                                 {"flag": flag, "on": flag in flags})
        return CaseUpdate(await self._details(await self._case(guild_id, case_id)), record)

    async def _change_proposal(self, actor: Actor, case: Case, entry: ContentEntry,
                               details: dict[str, object] | None = None) -> ActionRecord:
        """Replace a pending suggestion's content with ``entry``, provided it is still the content
        ``case`` was read with."""
        proposal = case.proposal
        assert proposal is not None
        if fingerprint(entry) != fingerprint(proposal):
            await check_duplicate(self.storage, case.guild_id, entry, exclude_case=case.id)
        record = None
        async with acting(self.access, case.guild_id, actor) as act:
            # Read again under the write lock: another moderator's edit may have landed since.
            current = await act.tx.moderation.pending_proposal(case_id=case.id, guild_id=case.guild_id)
            if current is not None:
                check_base(current, proposal.content_hash(), suggestion_label(case.number))
                await act.tx.moderation.update_proposal(case_id=case.id, guild_id=case.guild_id, proposal=entry,
                                                        fingerprint=fingerprint(entry))
                record = await act.record(on_case("edit-suggestion", case, before=entry_to_json(proposal),
                                                  after=entry_to_json(entry), details=details or {}))
        if record is None:
            raise await self.access.already_decided(case.guild_id, case.id)
        return record
