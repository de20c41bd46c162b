"""SQL for per-server settings and small key-value facts about the bot itself."""

from __future__ import annotations

import json
from typing import Any

from bot.cache import ReadCache
from bot.models import GuildSettings, flags_to_mask, mask_to_flags
from bot.storage.sqlite.sql import Sql

SETTING_COLUMNS = {
    "safe_mode", "timezone", "moderator_role_id", "suggestions_enabled", "report_threshold",
    "modlog_channel_id", "blocked_categories", "blocked_flags", "languages", "joke_cooldown", "mood_cooldown",
    "public_page",
}


class SettingsRepository:
    """Settings are read on every command and change rarely: reads are kept in the storage's
    :class:`~bot.cache.ReadCache`, whose rule (nothing written since) every change here
    keeps by being a write."""

    def __init__(self, sql: Sql, cache: ReadCache) -> None:
        self.sql = sql
        self.cache = cache

    async def get(self, guild_id: int) -> GuildSettings:
        """A server's settings; defaults when it never changed any."""
        key = ("settings", guild_id)
        cached: GuildSettings | None = self.cache.get(key)
        if cached is None:
            read_at = self.cache.reading()
            cached = await self._read(guild_id)
            self.cache.put(key, cached, read_at)
        return cached

    async def _read(self, guild_id: int) -> GuildSettings:
        row = await self.sql.fetch_one("SELECT * FROM guild_settings WHERE guild_id = ?", (guild_id,))
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
            languages=tuple(json.loads(row["languages"])),
            blocked_flags=mask_to_flags(row["blocked_flags"]),
            joke_cooldown=row["joke_cooldown"],
            mood_cooldown=row["mood_cooldown"],
            public_page=bool(row["public_page"]),
        )

    async def update(self, guild_id: int, **changes: Any) -> GuildSettings:
        """Change some settings, creating the row with defaults first if needed."""
        await self.apply(guild_id, **changes)
        return await self.get(guild_id)

    async def apply(self, guild_id: int, **changes: Any) -> None:
        """Change some settings (in one transaction, or as part of the caller's)."""
        async with self.sql.atomic() as sql:
            await self._write(sql, guild_id, changes)

    async def _write(self, sql: Sql, guild_id: int, changes: dict[str, Any]) -> None:
        unknown = set(changes) - SETTING_COLUMNS
        if unknown:
            raise ValueError(f"unknown settings: {sorted(unknown)}")
        values = dict(changes)
        for listed in ("blocked_categories", "languages"):
            if listed in values:
                values[listed] = json.dumps(sorted(values[listed]))
        if "blocked_flags" in values:
            values["blocked_flags"] = flags_to_mask(values["blocked_flags"])
        await sql.execute("INSERT OR IGNORE INTO guild_settings (guild_id) VALUES (?)", (guild_id,))
        if values:
            assignments = ", ".join(f"{column} = ?" for column in values)
            await sql.execute(
                f"UPDATE guild_settings SET {assignments} WHERE guild_id = ?", [*values.values(), guild_id]
            )


class MetaRepository:
    def __init__(self, sql: Sql) -> None:
        self.sql = sql

    async def get(self, key: str) -> str | None:
        value: str | None = await self.sql.scalar("SELECT value FROM meta WHERE key = ?", (key,))
        return value

    async def set(self, key: str, value: str) -> None:
        """Store a value; an existing one is replaced."""
        await self.sql.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
