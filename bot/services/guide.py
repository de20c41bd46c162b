"""What a member may know about how Banter is set up in their server (for /help): plain data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.services.cooldowns import CooldownService
from bot.storage import Storage


@dataclass(frozen=True)
class ServerGuide:
    safe_mode: bool
    languages: tuple[str, ...]
    suggestions_enabled: bool
    daily_channel_id: int | None  # None: no daily post here
    daily_kinds: str | None  # discussion, joke or both
    daily_next: datetime | None  # the next daily post, as scheduled
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
        schedule = await self.daily.get_schedule(guild_id)
        posting = schedule is not None and schedule.enabled
        return ServerGuide(
            safe_mode=settings.safe_mode, languages=settings.languages,
            suggestions_enabled=settings.suggestions_enabled,
            daily_channel_id=schedule.channel_id if posting and schedule else None,
            daily_kinds=schedule.kinds if posting and schedule else None,
            daily_next=schedule.next_due if posting and schedule else None,
            joke_cooldown=await self.cooldowns.seconds(guild_id, "joke"),
            mood_cooldown=await self.cooldowns.seconds(guild_id, "mood"),
            moderators_exempt=self.cooldowns.exempt_moderators,
        )
