"""SQL for per-server settings and small key-value facts about the bot itself."""

from __future__ import annotations

import json
from typing import Any

import aiosqlite

from bot.db import Database
from bot.models import GuildSettings, flags_to_mask, mask_to_flags

SETTING_COLUMNS = {
    "safe_mode", "timezone", "moderator_role_id", "suggestions_enabled", "report_threshold",
    "modlog_channel_id", "blocked_categories", "blocked_flags",
}


class SettingsRepository:
    """Every write to ``guild_settings`` goes through :meth:`apply`, which is what lets :meth:`get`
    answer from memory: settings are read on every command and change rarely."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._cache: dict[int, GuildSettings] = {}
        # Bumped by every change: a read that a change overtook is returned but not cached.
        self._generation: dict[int, int] = {}

    async def get(self, guild_id: int) -> GuildSettings:
        """A server's settings; defaults when it never changed any."""
        cached = self._cache.get(guild_id)
        if cached is None:
            generation = self._generation.get(guild_id, 0)
            cached = await self._read(guild_id)
            if self._generation.get(guild_id, 0) == generation:
                self._cache[guild_id] = cached
        return cached

    def _forget(self, guild_id: int) -> None:
        self._cache.pop(guild_id, None)
        self._generation[guild_id] = self._generation.get(guild_id, 0) + 1

    async def _read(self, guild_id: int) -> GuildSettings:
        row = await self.db.fetch_one("SELECT * FROM guild_settings WHERE guild_id = ?", (guild_id,))
        if row is None:
            return GuildSettings(guild_id=guild_id)
        return GuildSettings(
            guild_id=guild_id,
            safe_mode=bool(row["safe_mode"]),
            timezone=row["timezone"],
            moderator_role_id=row["moderator_role_id"],
            suggestions_enabled=bool(row["suggestions_enabled"]),
            report_threshold=row["report_threshold"],
            modlog_channel_id=row["modlog_channel_id"],
            blocked_categories=tuple(json.loads(row["blocked_categories"])),
            blocked_flags=mask_to_flags(row["blocked_flags"]),
        )

    async def update(self, guild_id: int, **changes: Any) -> GuildSettings:
        """Change some settings, creating the row with defaults first if needed."""
        async with self.db.transaction() as conn:
            await self.apply(conn, guild_id, **changes)
        return await self.get(guild_id)

    async def apply(self, conn: aiosqlite.Connection, guild_id: int, **changes: Any) -> None:
        """:meth:`update` inside the caller's transaction (to record the change in the same one)."""
        # Forget the cached copy now and again when the transaction ends, committed or rolled
        # back: a read that started in between (seeing the old row) is then never cached.
        self._forget(guild_id)
        self.db.after_transaction(lambda: self._forget(guild_id))
        unknown = set(changes) - SETTING_COLUMNS
        if unknown:
            raise ValueError(f"unknown settings: {sorted(unknown)}")
        values = dict(changes)
        if "blocked_categories" in values:
            values["blocked_categories"] = json.dumps(sorted(values["blocked_categories"]))
        if "blocked_flags" in values:
            values["blocked_flags"] = flags_to_mask(values["blocked_flags"])
        await conn.execute("INSERT OR IGNORE INTO guild_settings (guild_id) VALUES (?)", (guild_id,))
        if values:
            assignments = ", ".join(f"{column} = ?" for column in values)
            await conn.execute(
                f"UPDATE guild_settings SET {assignments} WHERE guild_id = ?", [*values.values(), guild_id]
            )


class MetaRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, key: str) -> str | None:
        return await self.db.scalar("SELECT value FROM meta WHERE key = ?", (key,))

    async def set(self, key: str, value: str) -> None:
        """Store a value; an existing one is replaced."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
