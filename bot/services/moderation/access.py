"""Who moderates, who is acting, and what every part of moderation shares: the storage, the clock,
the server's view of items and the errors of two moderators acting at once."""

from __future__ import annotations

from msgspec import Struct

from bot.clock import Clock, iso
from bot.errors import Mention, Term, UserError
from bot.models import Item
from bot.records import Case
from bot.storage import Storage

NOT_A_MODERATOR = ("Only moderators can do that: it needs the Manage Server permission or the server's "
                   "moderator role.")


class Actor(Struct, frozen=True):
    """Who is acting, as plain values: the cog reads them from the interaction."""

    user_id: int
    manage_guild: bool = False
    role_ids: frozenset[int] = frozenset()


class AlreadyDecided(UserError):
    """Another moderator decided the case first; the fields say who and how."""

    def __init__(self, case_id: int, case: Case | None) -> None:
        self.case_id = case_id
        self.case = case
        which = "suggestion" if case is None or case.type == "suggestion" else "report"
        english = "Suggestion" if which == "suggestion" else "Report case"
        if case is None:
            super().__init__("That {what} is gone.", what=Term(f"case_lower.{which}", english.lower()))
            return
        what = Term(f"case.{which}", english)
        status = Term(f"status.{case.status}", case.status)
        if case.decided_by:
            super().__init__("{what} #{number} was already {status} by {by}.", what=what, number=case.number,
                             status=status, by=Mention("user", case.decided_by))
        else:
            super().__init__("{what} #{number} was already {status}.", what=what, number=case.number,
                             status=status)


class EditConflict(UserError):
    """The content changed after the editor's form was made from it; the edit was not applied."""


def item_label(item: Item) -> Term:
    """"Joke #4" at the start of a sentence, in the reader's language."""
    return Term(f"label.{item.kind}", f"{item.kind.capitalize()} #{item.id}", (("id", item.id),))


def suggestion_label(number: int) -> Term:
    return Term("label.suggestion", f"Suggestion #{number}", (("id", number),))


def changed_meanwhile(what: Term) -> EditConflict:
    return EditConflict("{what} was changed by someone else meanwhile, so this edit was not saved; open it again.",
                        what=what)


class Access:
    """What the parts of moderation share, and the rule of who moderates."""

    def __init__(self, storage: Storage, clock: Clock, *, hide_after: int, daily_limit: int) -> None:
        self.storage = storage
        self.clock = clock
        self.hide_after = hide_after  # reports that hide an item, unless the server set its own number
        self.daily_limit = daily_limit  # suggestions per member and server in 24 hours

    def now(self) -> str:
        return iso(self.clock.now())

    async def is_moderator(self, guild_id: int, actor: Actor) -> bool:
        """Manage Server, or the server's moderator role."""
        if actor.manage_guild:
            return True
        settings = await self.storage.settings.get(guild_id)
        return settings.moderator_role_id is not None and settings.moderator_role_id in actor.role_ids

    async def require_moderator(self, guild_id: int, actor: Actor) -> None:
        if not await self.is_moderator(guild_id, actor):
            raise UserError(NOT_A_MODERATOR)

    async def report_threshold(self, guild_id: int) -> int:
        settings = await self.storage.settings.get(guild_id)
        return settings.report_threshold or self.hide_after

    async def visible_item(self, guild_id: int, item_id: int) -> Item:
        """An item the server can see (global or its own); anything else is as good as missing."""
        item = await self.storage.items.get(item_id)
        if item is None or item.guild_id not in (None, guild_id):
            raise UserError("There is no item #{id} in this server.", id=item_id)
        return item

    async def already_decided(self, guild_id: int, case_id: int) -> AlreadyDecided:
        """The error that tells a moderator who decided a case before them, and how."""
        return AlreadyDecided(case_id, await self.storage.moderation.get_case(case_id, guild_id))
