"""Small ways for tests to arrange or look at stored state that no command offers."""

from __future__ import annotations

import sqlite3

import asyncpg

from bot.core import Core
from bot.models import Item, Kind
from bot.storage.postgres.database import translate


async def item_by_key(core: Core, kind: Kind, key: str) -> Item | None:
    """The item a pack entry (or a server's content) became, by its key, whatever its status."""
    found = [item for item in await core.storage.items.find(kind=kind, status=None) if item.key == key]
    return found[0] if found else None


async def retire(core: Core, item_id: int) -> None:
    """Retire an item behind the bot's back, as an import that dropped its entry would."""
    await core.storage.db.execute(
        "UPDATE items SET status = 'retired', updated_at = '2026-01-01T00:00:00.000000Z' WHERE id = ?", (item_id,)
    )


async def vote_of(core: Core, item_id: int, guild_id: int, user_id: int) -> int:
    """A member's stored vote on an item in a server: 1, -1, or 0 for none."""
    value = await core.storage.db.scalar(
        "SELECT value FROM votes WHERE item_id = ? AND guild_id = ? AND user_id = ?", (item_id, guild_id, user_id)
    )
    return int(value or 0)


async def write_as_another_process(core: Core, sql: str, params: tuple[object, ...] = ()) -> None:
    """Run one statement on a connection of its own, as ``python -m bot import`` (or a second bot
    process) would: behind the storage's back, so nothing it keeps hears of it."""
    if core.config.database_url is None:
        other = sqlite3.connect(core.config.database_path, isolation_level=None)
        try:
            other.execute(sql, params)
        finally:
            other.close()
        return
    conn = await asyncpg.connect(core.config.database_url)
    try:
        await conn.execute(translate(sql), *params)
    finally:
        await conn.close()
