"""What services ask about members: their favourites, and what is stored about them (``/mydata``)."""

from __future__ import annotations

from typing import Protocol

from bot.members import AgedOut, Deletion, Favorite, MemberData


class Favorites(Protocol):
    async def toggle(self, *, user_id: int, guild_id: int, item_id: int, now: str) -> bool | None:
        """Save the item for the member in this server, or unsave it if it was saved. Returns
        whether it is saved afterwards, or None if the item does not exist (nothing changes)."""
        ...

    async def remove(self, *, user_id: int, guild_id: int, item_id: int) -> bool:
        """Unsave an item; False if it was not saved (nothing changes)."""
        ...

    async def count(self, *, user_id: int, guild_id: int) -> int: ...

    async def page(self, *, user_id: int, guild_id: int, offset: int, limit: int) -> list[Favorite]:
        """The member's favourites in this server, the most recently saved first."""
        ...

    async def saves(self, item_id: int, guild_id: int) -> int:
        """How many members saved the item in this server."""
        ...


class Privacy(Protocol):
    async def member_data(self, user_id: int, *, recent: int = 5) -> MemberData:
        """Everything stored under ``user_id``, in every server: counts, and the newest entries."""
        ...

    async def delete_member(self, user_id: int) -> Deletion:
        """Remove what is stored under ``user_id`` and anonymise the moderation records, in one
        transaction (see the module's docstring for what happens to each table)."""
        ...

    async def age_out(self, *, history_before: str, reports_before: str) -> AgedOut:
        """Forget showings older than ``history_before`` and report cases decided before
        ``reports_before`` (with their reports; the moderation log keeps the decision).

        No transaction: each statement stands on its own. The scopes with old showings are found
        by a read (which holds no lock), then each scope's are deleted through the history_age
        index, one short statement each, so votes and picks are never held up behind one long
        delete that scans the whole table with the write lock held."""
        ...
