"""SQL for votes and the tallies kept beside them."""

from __future__ import annotations

from dataclasses import dataclass

from bot.db import Database
from bot.models import Kind, VoteTally


@dataclass(frozen=True)
class RankedItem:
    item_id: int
    up: int
    down: int
    score: float


class VoteRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def toggle(self, *, item_id: int, guild_id: int, user_id: int, value: int,
                     now: str) -> tuple[int, VoteTally] | None:
        """Apply a click: a new vote is cast, the same vote again is withdrawn, the other one switches.

        Returns the member's vote afterwards (1, -1 or 0) and the server's tally, or None if the
        item does not exist. The vote, the item's global tally and the server's tally change in
        one transaction, each statement a single trip to the database thread.
        """
        async with self.db.transaction() as conn:
            rows = await conn.execute_fetchall(
                "SELECT value FROM votes WHERE item_id = ? AND guild_id = ? AND user_id = ?",
                (item_id, guild_id, user_id),
            )
            previous = rows[0][0] if rows else 0
            current = 0 if previous == value else value
            d_up = (current == 1) - (previous == 1)
            d_down = (current == -1) - (previous == -1)
            rows = await conn.execute_fetchall(
                """UPDATE items SET up = up + ?, down = down + ?, score = wilson(up + ?, down + ?)
                    WHERE id = ? RETURNING kind""",
                (d_up, d_down, d_up, d_down, item_id),
            )
            if not rows:
                return None
            kind = rows[0][0]
            if current == 0:
                await conn.execute_fetchall(
                    "DELETE FROM votes WHERE item_id = ? AND guild_id = ? AND user_id = ?",
                    (item_id, guild_id, user_id),
                )
            else:
                await conn.execute_fetchall(
                    """INSERT INTO votes (item_id, guild_id, user_id, value, voted_at) VALUES (?, ?, ?, ?, ?)
                       ON CONFLICT (item_id, guild_id, user_id)
                       DO UPDATE SET value = excluded.value, voted_at = excluded.voted_at""",
                    (item_id, guild_id, user_id, current, now),
                )
            rows = await conn.execute_fetchall(
                """INSERT INTO guild_item_stats (guild_id, item_id, kind, up, down, score)
                   VALUES (?, ?, ?, ?, ?, wilson(?, ?))
                   ON CONFLICT (guild_id, item_id) DO UPDATE SET
                       up = up + excluded.up, down = down + excluded.down,
                       score = wilson(up + excluded.up, down + excluded.down)
                   RETURNING up, down""",
                (guild_id, item_id, kind, d_up, d_down, max(d_up, 0), max(d_down, 0)),
            )
            g_up, g_down = rows[0]
        return current, VoteTally(g_up, g_down)

    async def tally(self, item_id: int, guild_id: int) -> VoteTally:
        row = await self.db.fetch_one(
            "SELECT up, down FROM guild_item_stats WHERE guild_id = ? AND item_id = ?", (guild_id, item_id)
        )
        return VoteTally(row["up"], row["down"]) if row else VoteTally(0, 0)

    async def vote_of(self, item_id: int, guild_id: int, user_id: int) -> int:
        value = await self.db.scalar(
            "SELECT value FROM votes WHERE item_id = ? AND guild_id = ? AND user_id = ?",
            (item_id, guild_id, user_id),
        )
        return value or 0

    async def top_global(self, kind: Kind, guild_id: int, limit: int) -> list[RankedItem]:
        """Best-rated active items visible in the guild, by the Wilson lower bound of all votes."""
        rows = await self.db.fetch_all(
            """SELECT id, up, down, score FROM items
                WHERE kind = ? AND status = 'active' AND up + down > 0
                  AND (guild_id IS NULL OR guild_id = ?)
                  AND NOT EXISTS (SELECT 1 FROM guild_hidden g WHERE g.guild_id = ? AND g.item_id = items.id)
                ORDER BY score DESC, up DESC, id LIMIT ?""",
            (kind, guild_id, guild_id, limit),
        )
        return [RankedItem(r["id"], r["up"], r["down"], r["score"]) for r in rows]

    async def top_in_guild(self, kind: Kind, guild_id: int, limit: int) -> list[RankedItem]:
        """Best-rated active items by this server's votes alone."""
        rows = await self.db.fetch_all(
            """SELECT s.item_id, s.up, s.down, s.score FROM guild_item_stats s JOIN items i ON i.id = s.item_id
                WHERE s.guild_id = ? AND s.kind = ? AND s.up + s.down > 0 AND i.status = 'active'
                  AND NOT EXISTS (SELECT 1 FROM guild_hidden g WHERE g.guild_id = s.guild_id AND g.item_id = i.id)
                ORDER BY s.score DESC, s.up DESC, s.item_id LIMIT ?""",
            (guild_id, kind, limit),
        )
        return [RankedItem(r["item_id"], r["up"], r["down"], r["score"]) for r in rows]
