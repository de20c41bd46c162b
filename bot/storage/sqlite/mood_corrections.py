"""SQL for members' corrections of the mood reader, kept per server."""

from __future__ import annotations

from bot.records import MoodCorrection
from bot.storage.sqlite.sql import Row, Sql

COLUMNS = "id, guild_id, user_id, text, read_as, chosen, created_at"


def _correction(row: Row) -> MoodCorrection:
    return MoodCorrection(*row)


class MoodCorrectionRepository:
    def __init__(self, sql: Sql) -> None:
        self.sql = sql

    async def add(self, *, guild_id: int, user_id: int, text: str, read_as: str, chosen: str,
                  now: str) -> MoodCorrection:
        """Store one correction. A member correcting the same text again replaces their earlier
        correction of it (the newest choice is what they mean), so a text counts once per member."""
        async with self.sql.atomic() as tx:
            await tx.execute("DELETE FROM mood_corrections WHERE guild_id = ? AND user_id = ? AND text = ?",
                             (guild_id, user_id, text))
            row = await tx.fetch_one(
                f"""INSERT INTO mood_corrections (guild_id, user_id, text, read_as, chosen, created_at)
                    VALUES (?, ?, ?, ?, ?, ?) RETURNING {COLUMNS}""",
                (guild_id, user_id, text, read_as, chosen, now),
            )
        assert row is not None
        return _correction(row)

    async def for_guild(self, guild_id: int, *, limit: int | None = None) -> list[MoodCorrection]:
        """The server's corrections, newest first (all of them, or the ``limit`` newest)."""
        sql = f"SELECT {COLUMNS} FROM mood_corrections WHERE guild_id = ? ORDER BY id DESC"
        params: list[object] = [guild_id]
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        rows = await self.sql.fetch_all(sql, params)
        return [_correction(r) for r in rows]

    async def guilds(self) -> list[int]:
        """The servers that have corrections, in id order."""
        rows = await self.sql.fetch_all("SELECT DISTINCT guild_id FROM mood_corrections ORDER BY guild_id")
        return [r[0] for r in rows]

    async def clear(self, guild_id: int, correction_id: int | None = None) -> list[MoodCorrection]:
        """Delete one correction of the server (or, with no id, all of them); returns what was
        deleted (nothing if the id is not this server's)."""
        if correction_id is None:
            rows = await self.sql.fetch_all(
                f"DELETE FROM mood_corrections WHERE guild_id = ? RETURNING {COLUMNS}", (guild_id,))
        else:
            rows = await self.sql.fetch_all(
                f"DELETE FROM mood_corrections WHERE guild_id = ? AND id = ? RETURNING {COLUMNS}",
                (guild_id, correction_id))
        return sorted((_correction(r) for r in rows), key=lambda c: -c.id)
