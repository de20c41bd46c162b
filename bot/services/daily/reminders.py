"""Reminding moderators of the review queue: when suggestions or reports have waited longer than
``review.remind_after_hours``, the server's mod-log channel is told once a day (the server's local
day) how many wait and for how long, pinging the moderator role if one is set.

A reminder is claimed in the database before it is sent, so that a restart (or a second check
the same day) never sends another that day; a reminder whose send fails is not made up for until
the next day. Nothing is sent for an empty queue or a server without a mod-log channel.

A cluster (a process running only some of the bot's shards) reminds only its own shards'
servers: it knows the others' language and roles only through their cluster.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Protocol

from msgspec import Struct

from bot.clock import Clock, iso
from bot.services.daily.activity import activity_of, nap, start_watched
from bot.services.daily.setup import DailySetup
from bot.services.schedule import local_date
from bot.sharding import Shards
from bot.storage import Storage

log = logging.getLogger(__name__)

# How often the queues are looked at: on every whole hour.
CHECK_EVERY = timedelta(hours=1)


class Reminder(Struct, frozen=True):
    guild_id: int
    channel_id: int  # the mod-log channel
    role_id: int | None  # the moderator role, pinged if set
    suggestions: int
    reports: int
    oldest: datetime  # when the oldest waiting case was made
    waited: timedelta  # how long it has waited

    @property
    def size(self) -> int:
        return self.suggestions + self.reports


class ReminderSender(Protocol):
    async def remind(self, reminder: Reminder) -> None:
        """Post the reminder in its channel; raise if that fails."""
        ...


def next_check(now: datetime) -> datetime:
    """The next whole hour after ``now``."""
    return now.replace(minute=0, second=0, microsecond=0) + CHECK_EVERY


class ReviewReminders:
    def __init__(self, storage: Storage, clock: Clock, setup: DailySetup, *, remind_after: timedelta,
                 shards: Shards | None = None) -> None:
        self.storage = storage
        self.shards = shards or Shards()
        self.clock = clock
        self.setup = setup
        self.remind_after = remind_after
        self.activity = activity_of(clock)

    async def due(self) -> list[Reminder]:
        """The reminders to send now: servers with a mod-log channel whose queue has waited long
        enough and that have had no reminder yet on their local date (this process's servers only)."""
        now = self.clock.now()
        found = []
        for guild_id, suggestions, reports, oldest in await self.storage.moderation.waiting_queues(
                iso(now - self.remind_after)):
            if not self.shards.owns(guild_id):
                continue
            settings = await self.storage.settings.get(guild_id)
            if settings.modlog_channel_id is None:
                continue
            last = await self.storage.daily.last_reminder(guild_id)
            if last is not None and last >= local_date(now, await self.setup.zone_of(guild_id)):
                continue
            found.append(Reminder(guild_id, settings.modlog_channel_id, settings.moderator_role_id, suggestions,
                                  reports, oldest, now - oldest))
        return found

    async def run_once(self, sender: ReminderSender) -> int:
        """Send the reminders due now; return how many were sent."""
        sent = 0
        for reminder in await self.due():
            now = self.clock.now()
            today = local_date(now, await self.setup.zone_of(reminder.guild_id))
            if not await self.storage.daily.claim_reminder(reminder.guild_id, today, iso(now)):
                continue  # another check got there first
            try:
                await sender.remind(reminder)
            except Exception:
                log.exception("review reminder for guild %s could not be posted in channel %s", reminder.guild_id,
                              reminder.channel_id)
                continue
            log.info("review reminder for guild %s: %d waiting", reminder.guild_id, reminder.size)
            sent += 1
        return sent

    def start(self, sender: ReminderSender, ready: Callable[[], Awaitable[object]] | None = None) -> asyncio.Task[None]:
        """Check the queues now and on every whole hour, as a task (cancel it to stop)."""
        return start_watched(self.activity, self._run(sender, ready), "review-reminders")

    async def _run(self, sender: ReminderSender, ready: Callable[[], Awaitable[object]] | None) -> None:
        if ready is not None:
            await ready()
        while True:
            try:
                await self.run_once(sender)
            except Exception:
                log.exception("review reminders: the check failed; trying again at the next hour")
            await nap(self.activity, self.clock, next_check(self.clock.now()))
