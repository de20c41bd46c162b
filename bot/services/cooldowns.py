"""Per-member cooldowns on /joke and /mood: a member waits a few seconds between two uses in a
server. The wait is the server's own (``/settings cooldown``) or the configured default;
moderators have none unless ``cooldowns.exempt_moderators`` is off. Time is the bot's clock.

Kept in memory: a restart forgets who used a command a moment ago, which costs at most one extra
joke each. discord.py's own ``app_commands.checks.dynamic_cooldown`` was not used because its
buckets read the real time, not the injected clock, so tests could only sleep through them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Literal

from bot.clock import Clock
from bot.services.moderation.access import Access, Actor
from bot.storage import Storage

Limited = Literal["joke", "mood"]
# Above this many remembered uses, the expired ones are dropped before another is added.
PRUNE_AT = 10_000


class CooldownService:
    def __init__(self, storage: Storage, clock: Clock, access: Access, *, joke_seconds: int, mood_seconds: int,
                 exempt_moderators: bool = True) -> None:
        self.settings = storage.settings
        self.clock = clock
        self.access = access
        self.defaults: dict[Limited, int] = {"joke": joke_seconds, "mood": mood_seconds}
        self.exempt_moderators = exempt_moderators
        # (guild, member, command) -> when the member may use it again
        self._free_at: dict[tuple[int, int, Limited], datetime] = {}

    async def seconds(self, guild_id: int, command: Limited) -> int:
        """The cooldown of ``command`` in this server, in seconds (0: none)."""
        settings = await self.settings.get(guild_id)
        own = settings.joke_cooldown if command == "joke" else settings.mood_cooldown
        return self.defaults[command] if own is None else own

    async def use(self, guild_id: int, user_id: int, command: Limited, actor: Callable[[], Actor]) -> float | None:
        """The member uses ``command`` now: None if they may (the wait starts again), else how
        many seconds are left before they may (and nothing is counted). ``actor`` says who they
        are, asked only when they would have to wait: every /joke passes here, and reading the
        member's roles and permissions is wasted where the server has no cooldown."""
        seconds = await self.seconds(guild_id, command)
        if seconds <= 0:
            return None
        now = self.clock.now()
        key = (guild_id, user_id, command)
        free_at = self._free_at.get(key)
        if free_at is not None and now < free_at:
            if not (self.exempt_moderators and await self.access.is_moderator(guild_id, actor())):
                return (free_at - now).total_seconds()
        if len(self._free_at) >= PRUNE_AT:
            self._free_at = {k: when for k, when in self._free_at.items() if when > now}
        self._free_at[key] = now + timedelta(seconds=seconds)
        return None

    def refund(self, guild_id: int, user_id: int, command: Limited) -> None:
        """A use that came to nothing (the member asked for something that cannot be done): it does
        not count. Any use before it had already run out, or this one would have been refused."""
        self._free_at.pop((guild_id, user_id, command), None)
