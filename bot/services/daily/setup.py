"""Setting daily posts up, and what a moderator sees of them: the schedule and time zone, the
next post, the status and a preview."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock, iso
from bot.errors import Code, Command, UserError
from bot.models import Item, Kind
from bot.records import DailyPost, DailySchedule, daily_scope, kind_list
from bot.services.picker import PickService
from bot.services.schedule import ScheduleError, format_time, next_occurrence, occurrence, parse_time, zone
from bot.storage import Storage

log = logging.getLogger(__name__)

KIND_CHOICES = ("discussion", "joke", "both")
LOW_CONTENT_DAYS = 7
PROBLEM_DAYS = 14


@dataclass(frozen=True)
class Configured:
    schedule: DailySchedule
    timezone: str
    next_due: datetime


@dataclass(frozen=True)
class DailyStatus:
    schedule: DailySchedule | None
    timezone: str
    next_due: datetime | None
    last: DailyPost | None
    problems: list[DailyPost]
    remaining: dict[Kind, int]

    @property
    def running_low(self) -> frozenset[Kind]:
        """The kinds with less than :data:`LOW_CONTENT_DAYS` days of unused content left."""
        return frozenset(kind for kind, days in self.remaining.items() if days < LOW_CONTENT_DAYS)


@dataclass(frozen=True)
class Preview:
    schedule: DailySchedule
    local_date: date
    due: datetime
    items: list[Item]


def no_schedule() -> UserError:
    return UserError("There is no daily post here yet: set one up with {command}.", command=Command("daily set"))


def zone_or_utc(guild_id: int, name: str) -> ZoneInfo:
    try:
        return zone(name)
    except ScheduleError:
        log.warning("daily: guild %s has an unknown time zone %r; using UTC", guild_id, name)
        return ZoneInfo("UTC")


class DailySetup:
    def __init__(self, storage: Storage, picker: PickService, clock: Clock, wake: Callable[[], None]) -> None:
        self.storage = storage
        self.picker = picker
        self.clock = clock
        self.wake = wake  # tells the scheduler a schedule changed

    async def configure(self, guild_id: int, *, channel_id: int, time_text: str, timezone: str,
                        kinds: str = "discussion", role_id: int | None = None, thread: bool = True) -> Configured:
        """Validate and store a server's schedule and time zone; nothing is saved if anything is wrong.

        A time that has already passed today first posts tomorrow.
        """
        at = parse_time(time_text)
        tz = zone(timezone)
        if kinds not in KIND_CHOICES:
            raise UserError("{kinds} is not a kind of daily post: choose discussion, joke or both.", kinds=Code(kinds))
        now = self.clock.now()
        next_date, next_due = await self.next_open(guild_id, at, tz, kind_list(kinds), after=now)
        schedule = DailySchedule(
            guild_id=guild_id, channel_id=channel_id, post_time=format_time(at), kinds=kinds, role_id=role_id,
            thread=thread, enabled=True, next_date=next_date, next_due=next_due,
        )
        # The schedule and the server's time zone change together or not at all.
        async with self.storage.transaction() as tx:
            await tx.settings.apply(guild_id, timezone=tz.key)
            await tx.daily.save_schedule(schedule, now=iso(now))
        log.info("daily: guild %s posts %s at %s %s in channel %s (next %s)", guild_id, kinds,
                 schedule.post_time, tz.key, channel_id, iso(next_due))
        self.wake()
        return Configured(schedule, tz.key, next_due)

    async def turn_off(self, guild_id: int) -> bool:
        """Stop a server's daily posts; return whether they were on."""
        stopped = await self.storage.daily.disable(guild_id, iso(self.clock.now()))
        self.wake()
        return stopped

    async def zone_of(self, guild_id: int) -> ZoneInfo:
        return zone_or_utc(guild_id, (await self.storage.settings.get(guild_id)).timezone)

    async def next_open(self, guild_id: int, at: time, tz: ZoneInfo, kinds: Sequence[Kind], *,
                        after: datetime) -> tuple[date, datetime]:
        """The first occurrence after ``after`` whose date is not already settled for every kind."""
        day, due = next_occurrence(after, at, tz)
        return await self.skip_settled(guild_id, day, due, at, tz, kinds)

    async def skip_settled(self, guild_id: int, day: date, due: datetime, at: time, tz: ZoneInfo,
                           kinds: Sequence[Kind]) -> tuple[date, datetime]:
        # Only today and tomorrow can be settled early (post-now); the bound is a safety net.
        for _ in range(7):
            done = {p.kind for p in await self.storage.daily.posts_on(guild_id, day)}
            if not set(kinds) <= done:
                break
            day += timedelta(days=1)
            due = occurrence(day, at, tz)
        return day, due

    async def status(self, guild_id: int) -> DailyStatus:
        daily = self.storage.daily
        schedule = await daily.get_schedule(guild_id)
        settings = await self.storage.settings.get(guild_id)
        next_due = None
        if schedule is not None and schedule.enabled:
            tz = zone_or_utc(guild_id, settings.timezone)
            _, next_due = await self.skip_settled(guild_id, schedule.next_date, schedule.next_due,
                                                  parse_time(schedule.post_time), tz, schedule.kind_list)
        since = iso(self.clock.now() - timedelta(days=PROBLEM_DAYS))
        kinds = schedule.kind_list if schedule is not None else ("discussion",)
        remaining: dict[Kind, int] = {}
        for kind in kinds:
            f = await self.picker.filters(kind, guild_id, settings=settings)
            remaining[kind] = await self.storage.items.count_unshown(f, scope_id=daily_scope(guild_id))
        return DailyStatus(
            schedule=schedule, timezone=settings.timezone, next_due=next_due, last=await daily.last_sent(guild_id),
            problems=await daily.recent_problems(guild_id, since), remaining=remaining,
        )

    async def preview(self, guild_id: int) -> Preview:
        """The next post as it will go out (its items are chosen now and kept for that date)."""
        schedule = await self.storage.daily.get_schedule(guild_id)
        if schedule is None:
            raise no_schedule()
        tz = await self.zone_of(guild_id)
        at = parse_time(schedule.post_time)
        if schedule.enabled:
            day, due = await self.skip_settled(guild_id, schedule.next_date, schedule.next_due, at, tz,
                                               schedule.kind_list)
        else:
            day, due = await self.next_open(guild_id, at, tz, schedule.kind_list, after=self.clock.now())
        items = [await self.picker.of_the_day(kind, guild_id, local_date=day) for kind in schedule.kind_list]
        return Preview(schedule, day, due, items)
