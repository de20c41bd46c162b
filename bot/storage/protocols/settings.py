"""What services ask of servers' settings and of the bot's own small facts."""

from __future__ import annotations

from typing import Any, Protocol

from bot.models import GuildSettings


class Settings(Protocol):
    """Settings are read on every command and change rarely; a backend may keep them in memory
    as long as a change made anywhere (this process or another) is seen by the next read."""

    async def get(self, guild_id: int) -> GuildSettings:
        """A server's settings; defaults when it never changed any."""
        ...

    async def update(self, guild_id: int, **changes: Any) -> GuildSettings:
        """Change some settings, creating the row with defaults first if needed."""
        ...

    async def apply(self, guild_id: int, **changes: Any) -> None:
        """Change some settings (in one transaction, or as part of the caller's)."""
        ...


class Meta(Protocol):
    async def get(self, key: str) -> str | None: ...

    async def set(self, key: str, value: str) -> None:
        """Store a value; an existing one is replaced."""
        ...
