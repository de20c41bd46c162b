"""What a member may know about how Banter is set up in their server (for /help): plain data."""

from __future__ import annotations

from datetime import datetime

from msgspec import Struct

from bot.services.cooldowns import CooldownService
from bot.services.daily.setup import DailySetup, zone_or_utc
from bot.storage import Storage


class DailyLine(Struct, frozen=True):
    channel_id: int
    kinds: str  # discussion, joke or both
    next_due: datetime  # the next daily post, as /daily status says (past pauses and days already posted)


class ServerGuide(Struct, frozen=True):
    safe_mode: bool
    languages: tuple[str, ...]
    suggestions_enabled: bool
    daily: tuple[DailyLine, ...]  # the server's schedules that are on, oldest first
    joke_cooldown: int  # seconds; 0: none
    mood_cooldown: int
    moderators_exempt: bool  # moderators have no cooldown


class GuideService:
    def __init__(self, storage: Storage, cooldowns: CooldownService, daily: DailySetup) -> None:
        self.settings = storage.settings
        self.cooldowns = cooldowns
        self.daily = daily

    async def server(self, guild_id: int) -> ServerGuide:
        settings = await self.settings.get(guild_id)
        tz = zone_or_utc(guild_id, settings.timezone)
        # When each posts next as the scheduler will see it: the stored cursor can still sit on a day
        # a /daily post-now already settled, or on a time from before the zone changed.
        daily = [DailyLine(s.channel_id, s.kinds, (await self.daily.upcoming(s, tz))[1])
                 for s in await self.daily.schedules(guild_id) if s.enabled]
        return ServerGuide(
            safe_mode=settings.safe_mode, languages=settings.languages,
            suggestions_enabled=settings.suggestions_enabled,
            daily=tuple(daily),
            joke_cooldown=await self.cooldowns.seconds(guild_id, "joke"),
            mood_cooldown=await self.cooldowns.seconds(guild_id, "mood"),
            moderators_exempt=self.cooldowns.exempt_moderators,
        )
