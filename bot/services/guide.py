"""What a member may know about how Banter is set up in their server (for /help): plain data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.services.cooldowns import CooldownService
from bot.storage import Storage


@dataclass(frozen=True)
class DailyLine:
    channel_id: int
    kinds: str  # discussion, joke or both
    next_due: datetime  # the next daily post, as scheduled


@dataclass(frozen=True)
class ServerGuide:
    safe_mode: bool
    languages: tuple[str, ...]
    suggestions_enabled: bool
    daily: tuple[DailyLine, ...]  # the server's schedules that are on, oldest first
    joke_cooldown: int  # seconds; 0: none
    mood_cooldown: int
    moderators_exempt: bool  # moderators have no cooldown


class GuideService:
    def __init__(self, storage: Storage, cooldowns: CooldownService) -> None:
        self.settings = storage.settings
        self.daily = storage.daily
        self.cooldowns = cooldowns

    async def server(self, guild_id: int) -> ServerGuide:
        settings = await self.settings.get(guild_id)
        schedules = await self.daily.schedules(guild_id)
        return ServerGuide(
            safe_mode=settings.safe_mode, languages=settings.languages,
            suggestions_enabled=settings.suggestions_enabled,
            daily=tuple(DailyLine(s.channel_id, s.kinds, s.next_due) for s in schedules if s.enabled),
            joke_cooldown=await self.cooldowns.seconds(guild_id, "joke"),
            mood_cooldown=await self.cooldowns.seconds(guild_id, "mood"),
            moderators_exempt=self.cooldowns.exempt_moderators,
        )
