"""Setting daily posts up, and what a moderator sees of them: a server's schedules (one per
channel, each on its own days, with an optional pause) in the server's time zone, their next
posts, the status and a preview."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from msgspec import Struct
from msgspec.structs import replace

from bot.clock import Clock, iso
from bot.errors import Code, Command, UserError
from bot.models import Item, Kind
from bot.records import DailyPost, DailySchedule, Pause, daily_scope, kind_list
from bot.services.daily.days import parse_days, parse_pause
from bot.services.picker import PickService
from bot.services.schedule import (
    ScheduleError,
    first_open,
    format_time,
    local_date,
    next_occurrence,
    occurrence,
    parse_time,
    zone,
)
from bot.storage import Storage

log = logging.getLogger(__name__)

KIND_CHOICES = ("discussion", "joke", "both")
LOW_CONTENT_DAYS = 7
PROBLEM_DAYS = 14
MAX_SCHEDULES = 10


class Configured(Struct, frozen=True):
    schedule: DailySchedule
    timezone: str
    next_due: datetime
    replaced: bool  # the channel's earlier schedule was changed rather than a new one added


class ScheduleStatus(Struct, frozen=True):
    schedule: DailySchedule
    next_due: datetime | None  # None when it is off
    paused: bool  # a pause is set and not over yet


class DailyStatus(Struct, frozen=True):
    schedules: list[ScheduleStatus]
    timezone: str
    last: DailyPost | None
    problems: list[DailyPost]
    remaining: dict[Kind, int]

    @property
    def next_due(self) -> datetime | None:
        """The soonest next post of any schedule."""
        return min((s.next_due for s in self.schedules if s.next_due is not None), default=None)

    @property
    def running_low(self) -> frozenset[Kind]:
        """The kinds with less than :data:`LOW_CONTENT_DAYS` days of unused content left."""
        return frozenset(kind for kind, days in self.remaining.items() if days < LOW_CONTENT_DAYS)


class Preview(Struct, frozen=True):
    schedule: DailySchedule
    local_date: date
    due: datetime
    items: list[Item]


def no_schedule() -> UserError:
    return UserError("There is no daily post here yet: set one up with {command}.", command=Command("daily set"))


def unknown_schedule(schedule_id: int) -> UserError:
    return UserError("This server has no daily schedule {number}: {command} lists them.",
                     number=Code(f"#{schedule_id}"), command=Command("daily status"))


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

    async def configure(self, guild_id: int, *, channel_id: int, time_text: str, timezone: str | None = None,
                        kinds: str = "discussion", role_id: int | None = None, thread: bool = True,
                        days_text: str = "every day") -> Configured:
        """Validate and store a schedule, and the server's time zone (``None`` keeps the server's);
        nothing is saved if anything is wrong. A channel that has a schedule already gets this
        one in its place; another channel gets one more schedule.

        A time that has already passed today first posts tomorrow (or on the next chosen day).
        """
        at = parse_time(time_text)
        tz = zone(timezone) if timezone is not None else await self.zone_of(guild_id)
        if kinds not in KIND_CHOICES:
            raise UserError("{kinds} is not a kind of daily post: choose discussion, joke or both.", kinds=Code(kinds))
        now = self.clock.now()
        # "Every N days" counts from the first day this time comes.
        first_day, _ = next_occurrence(now, at, tz)
        days = parse_days(days_text, first_day)
        existing = await self.storage.daily.schedules(guild_id)
        same_channel = next((s for s in existing if s.channel_id == channel_id), None)
        if same_channel is None and len(existing) >= MAX_SCHEDULES:
            raise UserError("A server can have at most {most} daily schedules: remove one with {command} first.",
                            most=MAX_SCHEDULES, command=Command("daily remove"))
        draft = DailySchedule(
            id=0, guild_id=guild_id, channel_id=channel_id, post_time=format_time(at), kinds=kinds,
            role_id=role_id, thread=thread, enabled=True, next_date=first_day, next_due=now, days=days,
            pause=same_channel.pause if same_channel else None,
        )
        next_date, next_due = await self.next_open(draft, tz, after=now,
                                                   schedule_id=same_channel.id if same_channel else None)
        # The schedule and the server's time zone change together or not at all.
        async with self.storage.transaction() as tx:
            await tx.settings.apply(guild_id, timezone=tz.key)
            saved = await tx.daily.save_schedule(
                replace(draft, next_date=next_date, next_due=next_due), now=iso(now))
        log.info("daily: guild %s schedule %s posts %s at %s %s %s in channel %s (next %s)", guild_id, saved.id,
                 kinds, saved.post_time, tz.key, days.describe(), channel_id, iso(next_due))
        self.wake()
        return Configured(saved, tz.key, next_due, replaced=same_channel is not None)

    async def turn_off(self, guild_id: int) -> bool:
        """Stop a server's daily posts (every schedule; they are kept); return whether any was on."""
        stopped = await self.storage.daily.disable(guild_id, iso(self.clock.now()))
        self.wake()
        return stopped > 0

    async def schedule(self, guild_id: int, schedule_id: int) -> DailySchedule:
        """One of the server's schedules; a clear error for a number it does not have."""
        found = await self.storage.daily.get_schedule(schedule_id)
        if found is None or found.guild_id != guild_id:
            raise unknown_schedule(schedule_id)
        return found

    async def schedules(self, guild_id: int) -> list[DailySchedule]:
        return await self.storage.daily.schedules(guild_id)

    async def remove(self, guild_id: int, schedule_id: int) -> DailySchedule:
        """Remove one schedule; what it posted stays in the ledger and the archive."""
        found = await self.schedule(guild_id, schedule_id)
        if not await self.storage.daily.remove_schedule(guild_id, schedule_id):
            raise unknown_schedule(schedule_id)
        log.info("daily: guild %s removed schedule %s", guild_id, schedule_id)
        self.wake()
        return found

    async def pause(self, guild_id: int, start_text: str, end_text: str,
                    schedule_id: int | None = None) -> tuple[Pause, list[DailySchedule]]:
        """Pause one schedule, or all the server's, from one local date to another (both included).
        Nothing is posted or recorded as missed on those days; the schedules stay."""
        tz = await self.zone_of(guild_id)
        pause = parse_pause(start_text, end_text, local_date(self.clock.now(), tz))
        targets = await self._targets(guild_id, schedule_id)
        return pause, await self._set_pause(targets, pause, tz)

    async def resume(self, guild_id: int, schedule_id: int | None = None) -> list[DailySchedule]:
        """Clear the pause of one schedule, or of all the server's; return those that had one."""
        targets = [s for s in await self._targets(guild_id, schedule_id) if s.pause is not None]
        return await self._set_pause(targets, None, await self.zone_of(guild_id))

    async def _targets(self, guild_id: int, schedule_id: int | None) -> list[DailySchedule]:
        if schedule_id is not None:
            return [await self.schedule(guild_id, schedule_id)]
        found = await self.storage.daily.schedules(guild_id)
        if not found:
            raise no_schedule()
        return found

    async def _set_pause(self, targets: list[DailySchedule], pause: Pause | None,
                         tz: ZoneInfo) -> list[DailySchedule]:
        now = self.clock.now()
        changed = []
        for schedule in targets:
            updated = replace(schedule, pause=pause)
            day, due = await self.next_open(updated, tz, after=now)
            if await self.storage.daily.set_pause(schedule.id, pause, next_date=day, next_due=iso(due), now=iso(now)):
                changed.append(replace(updated, next_date=day, next_due=due))
        self.wake()
        return changed

    async def zone_of(self, guild_id: int) -> ZoneInfo:
        return zone_or_utc(guild_id, (await self.storage.settings.get(guild_id)).timezone)

    async def next_open(self, schedule: DailySchedule, tz: ZoneInfo, *, after: datetime,
                        schedule_id: int | None = None) -> tuple[date, datetime]:
        """The first occurrence after ``after`` on one of the schedule's open days that is not
        already settled for every kind (``schedule_id``: whose ledger to look at, if not its own)."""
        at = parse_time(schedule.post_time)
        day, due = next_occurrence(after, at, tz, schedule.opens)
        return await self.skip_settled(schedule, day, due, tz, schedule_id=schedule_id)

    async def skip_settled(self, schedule: DailySchedule, day: date, due: datetime, tz: ZoneInfo, *,
                           schedule_id: int | None = None) -> tuple[date, datetime]:
        """Move past the days already settled for every kind: by this schedule's own ledger rows
        (``schedule_id``, if not its own id), or by a post of that kind in its channel that day (a
        schedule removed and set again must not post twice in a day)."""
        owner = schedule_id if schedule_id is not None else schedule.id
        at = parse_time(schedule.post_time)
        # Only today and tomorrow can be settled early (post-now); the bound is a safety net.
        for _ in range(7):
            done = {p.kind for p in await self.storage.daily.posts_on(schedule.guild_id, day)
                    if p.schedule_id == owner or (p.channel_id == schedule.channel_id and p.status == "sent")}
            if not set(schedule.kind_list) <= done:
                break
            day, due = first_open(day + timedelta(days=1), at, tz, schedule.opens)
        return day, due

    async def upcoming(self, schedule: DailySchedule, tz: ZoneInfo) -> tuple[date, datetime]:
        """When an enabled schedule posts next, as the scheduler will see it."""
        at = parse_time(schedule.post_time)
        day, due = schedule.next_date, schedule.next_due
        if occurrence(day, at, tz) != due or not schedule.opens(day):
            return await self.next_open(schedule, tz, after=self.clock.now())
        return await self.skip_settled(schedule, day, due, tz)

    async def status(self, guild_id: int) -> DailyStatus:
        daily = self.storage.daily
        schedules = await daily.schedules(guild_id)
        settings = await self.storage.settings.get(guild_id)
        tz = zone_or_utc(guild_id, settings.timezone)
        today = local_date(self.clock.now(), tz)
        shown = []
        for schedule in schedules:
            next_due = (await self.upcoming(schedule, tz))[1] if schedule.enabled else None
            paused = schedule.pause is not None and schedule.pause.end >= today
            shown.append(ScheduleStatus(schedule, next_due, paused))
        since = iso(self.clock.now() - timedelta(days=PROBLEM_DAYS))
        wanted = {kind for s in schedules for kind in s.kind_list} or {"discussion"}
        remaining: dict[Kind, int] = {}
        for kind in kind_list("both"):
            if kind in wanted:
                f = await self.picker.filters(kind, guild_id, settings=settings)
                remaining[kind] = await self.storage.items.count_unshown(f, scope_id=daily_scope(guild_id))
        return DailyStatus(
            schedules=shown, timezone=settings.timezone, last=await daily.last_sent(guild_id),
            problems=await daily.recent_problems(guild_id, since), remaining=remaining,
        )

    async def preview(self, guild_id: int, schedule_id: int | None = None) -> Preview:
        """The next post of a schedule (by default the soonest of any that is on) as it will go out
        (its items are chosen now and kept for that date)."""
        tz = await self.zone_of(guild_id)
        if schedule_id is not None:
            candidates = [await self.schedule(guild_id, schedule_id)]
        else:
            candidates = await self.storage.daily.schedules(guild_id)
            if not candidates:
                raise no_schedule()
            candidates = [s for s in candidates if s.enabled] or candidates[:1]
        planned = []
        for schedule in candidates:
            if schedule.enabled:
                day, due = await self.upcoming(schedule, tz)
            else:
                day, due = await self.next_open(schedule, tz, after=self.clock.now())
            planned.append((due, schedule.id, schedule, day))
        due, _, schedule, day = min(planned, key=lambda p: (p[0], p[1]))
        items = [await self.picker.of_the_day(kind, guild_id, local_date=day) for kind in schedule.kind_list]
        return Preview(schedule, day, due, items)
