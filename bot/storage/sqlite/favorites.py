"""SQL for members' favourites (the ⭐ Save button); the saves tallies follow by trigger."""

from __future__ import annotations

from bot.members import Favorite
from bot.records import item_of
from bot.storage.sqlite.items import I_COLUMNS
from bot.storage.sqlite.sql import Sql


class FavoriteRepository:
    def __init__(self, sql: Sql) -> None:
        self.sql = sql

    async def toggle(self, *, user_id: int, guild_id: int, item_id: int, now: str) -> bool | None:
        """Save the item for the member in this server, or unsave it if it was saved. Returns
        whether it is saved afterwards, or None if the item does not exist (nothing changes)."""
        async with self.sql.exclusive() as statements:
            removed = await statements.fetch_all(
                "DELETE FROM favorites WHERE user_id = ? AND guild_id = ? AND item_id = ? RETURNING 1",
                (user_id, guild_id, item_id),
            )
            if removed:
                return False
            added = await statements.fetch_all(
                """INSERT INTO favorites (user_id, guild_id, item_id, saved_at)
                   SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM items WHERE id = ?) RETURNING 1""",
                (user_id, guild_id, item_id, now, item_id),
            )
        return True if added else None

    async def remove(self, *, user_id: int, guild_id: int, item_id: int) -> bool:
        """Unsave an item; False if it was not saved (nothing changes)."""
        changed = await self.sql.execute(
            "DELETE FROM favorites WHERE user_id = ? AND guild_id = ? AND item_id = ?", (user_id, guild_id, item_id)
        )
        return changed == 1

    async def count(self, *, user_id: int, guild_id: int) -> int:
        count: int = await self.sql.scalar(
            "SELECT count(*) FROM favorites WHERE user_id = ? AND guild_id = ?", (user_id, guild_id)
        )
        return count

    async def page(self, *, user_id: int, guild_id: int, offset: int, limit: int) -> list[Favorite]:
        """The member's favourites in this server, the most recently saved first."""
        rows = await self.sql.fetch_all(
            f"""SELECT {I_COLUMNS}, f.saved_at FROM favorites f JOIN items i ON i.id = f.item_id
                 WHERE f.user_id = ? AND f.guild_id = ?
                 ORDER BY f.saved_at DESC, f.item_id DESC LIMIT ? OFFSET ?""",
            (user_id, guild_id, limit, offset),
        )
        return [Favorite(item_of(r), r["saved_at"]) for r in rows]

    async def saves(self, item_id: int, guild_id: int) -> int:
        """How many members saved the item in this server."""
        count: int | None = await self.sql.scalar(
            "SELECT saves FROM guild_item_stats WHERE guild_id = ? AND item_id = ?", (guild_id, item_id)
        )
        return count or 0
