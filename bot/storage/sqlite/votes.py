"""SQL for votes and the tallies kept beside them."""

from __future__ import annotations

from bot.models import VoteTally
from bot.storage.sqlite.sql import Sql


class VoteRepository:
    def __init__(self, sql: Sql) -> None:
        self.sql = sql

    async def toggle(self, *, item_id: int, guild_id: int, user_id: int, value: int,
                     now: str, mood: str | None = None) -> tuple[int, VoteTally] | None:
        """Apply a click: a new vote is cast, the same vote again is withdrawn, the other one switches.

        ``mood`` is the mood the item was picked for (None for a plain pick): the vote is kept
        with it, and the server's tally for that mood follows by trigger in the same statement.

        Returns the member's vote afterwards (1, -1 or 0) and the server's tally, or None if the
        item does not exist. Each change is one statement, the tallies following it by trigger,
        so a click is two or three statements; holding the write lock across them keeps one
        member's rapid clicks in order.
        """
        async with self.sql.exclusive() as statements:
            withdrawn = await statements.fetch_all(
                "DELETE FROM votes WHERE item_id = ? AND guild_id = ? AND user_id = ? AND value = ? RETURNING 1",
                (item_id, guild_id, user_id, value),
            )
            if withdrawn:
                current = 0
            else:
                cast = await statements.fetch_all(
                    """INSERT INTO votes (item_id, guild_id, user_id, value, voted_at, mood)
                       SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM items WHERE id = ?)
                       ON CONFLICT (item_id, guild_id, user_id)
                       DO UPDATE SET value = excluded.value, voted_at = excluded.voted_at, mood = excluded.mood
                       RETURNING 1""",
                    (item_id, guild_id, user_id, value, now, mood, item_id),
                )
                if not cast:
                    return None
                current = value
            rows = await statements.fetch_all(
                "SELECT up, down FROM guild_item_stats WHERE guild_id = ? AND item_id = ?", (guild_id, item_id)
            )
        tally = VoteTally(*rows[0]) if rows else VoteTally(0, 0)
        return current, tally

    async def tally(self, item_id: int, guild_id: int) -> VoteTally:
        row = await self.sql.fetch_one(
            "SELECT up, down FROM guild_item_stats WHERE guild_id = ? AND item_id = ?", (guild_id, item_id)
        )
        return VoteTally(row["up"], row["down"]) if row else VoteTally(0, 0)

    async def mood_tally(self, item_id: int, guild_id: int, mood: str) -> VoteTally:
        """The server's votes on an item cast while it was picked for ``mood``."""
        row = await self.sql.fetch_one(
            "SELECT up, down FROM mood_item_stats WHERE guild_id = ? AND mood = ? AND item_id = ?",
            (guild_id, mood, item_id),
        )
        return VoteTally(row["up"], row["down"]) if row else VoteTally(0, 0)
