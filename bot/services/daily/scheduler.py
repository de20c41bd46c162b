"""The one scheduler for every server: it sleeps until the soonest post is due (or a schedule
changes), claims what is due and hands it to :class:`~bot.services.daily.delivery.Delivery`.

Claiming is what makes a post happen once: when an occurrence falls due, its ledger rows (one per
kind) are inserted with status ``sending`` and a fresh nonce *in the same transaction* that moves
the schedule past the occurrence; ``UNIQUE (schedule_id, kind, local_date)`` means whoever comes
second (a restart, ``/daily post-now``) finds the row instead of making another post. Rows still
``sending`` at start-up are resumed.

Downtime: an occurrence handled more than ``catch_up`` after its moment is recorded as
``missed`` instead of being posted; within the window, only the latest one is posted. Days a
schedule does not post on (not one of its days, or paused) have no occurrence at all.

Clusters: a process running only some of the bot's shards (:class:`~bot.sharding.Shards`)
schedules, resumes and posts only for its own shards' servers; the others' schedules are left to
their clusters. The claim stays the guarantee that a post is made once, whoever runs it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta

from bot.clock import Clock, iso
from bot.records import DailySchedule, NewPost
from bot.services.daily.activity import activity_of, start_watched
from bot.services.daily.delivery import LATE_GRACE, Delivery, Poster, claim, missed_reason
from bot.services.daily.setup import DailySetup
from bot.services.schedule import first_open, moments, next_occurrence, occurrence, parse_time
from bot.sharding import Shards
from bot.storage import Storage

log = logging.getLogger(__name__)

# After a long downtime, at most this many missed days are written to the ledger.
MAX_MISSED_DAYS = 14
# How long the scheduler waits before trying again after an unexpected error (a bug, the database).
ERROR_PAUSE = timedelta(minutes=1)
# How far ahead a cluster looks for its own next post. The storage's soonest-due is every
# cluster's, and another cluster's overdue schedule (that cluster down) must not keep this one
# awake; so a cluster reads the schedules due within this window and picks its own soonest.
CLUSTER_LOOKAHEAD = timedelta(hours=1)


class Scheduler:
    def __init__(self, storage: Storage, clock: Clock, setup: DailySetup, delivery: Delivery, *,
                 catch_up: timedelta, shards: Shards | None = None) -> None:
        self.storage = storage
        self.shards = shards or Shards()
        self.clock = clock
        self.setup = setup
        self.delivery = delivery
        self.catch_up = catch_up
        self.activity = activity_of(clock)
        self._wake = asyncio.Event()
        self._parked = False  # waiting for its next time or a wake, and counted as waiting

    def wake(self) -> None:
        """Make the scheduler re-read the schedules (one changed)."""
        if self._parked and not self._wake.is_set():
            self._parked = False
            self.activity.working()
        self._wake.set()

    def start(self, poster: Poster, ready: Callable[[], Awaitable[object]] | None = None) -> asyncio.Task[None]:
        """Start the scheduler as a task (it counts as working from this moment); cancel it to stop."""
        return start_watched(self.activity, self._run(poster, ready), "daily-scheduler")

    async def _run(self, poster: Poster, ready: Callable[[], Awaitable[object]] | None) -> None:
        """Sleep until the soonest post is due (or a schedule changes), post what is due, repeat.
        Runs until cancelled."""
        if ready is not None:
            await ready()
        log.info("daily: scheduler started")
        try:
            await self.recover(poster)
        except Exception:
            log.exception("daily: could not resume interrupted posts")
        while True:
            self._wake.clear()
            try:
                await self.run_due(poster)
                next_due = await self.next_due()
            except Exception:
                log.exception("daily: the scheduler hit an error; trying again shortly")
                next_due = self.clock.now() + ERROR_PAUSE
            await self._sleep(next_due)

    async def _sleep(self, until: datetime | None) -> None:
        """Sleep until ``until`` (forever if None) or until :meth:`wake`, whichever comes first."""
        if until is not None and until <= self.clock.now():
            return
        alarm = asyncio.ensure_future(self._alarm(until)) if until is not None else None
        try:
            if alarm is not None:
                # One turn of the loop: the alarm, scheduled before us, is now on the clock (or, if
                # the time came meanwhile, has called wake()). Only then is the scheduler parked.
                await asyncio.sleep(0)
            if not self._wake.is_set():
                self._parked = True
                self.activity.waiting()
            await self._wake.wait()
        finally:
            if self._parked:  # cancelled while parked; a wake() has already counted it otherwise
                self._parked = False
                self.activity.working()
            if alarm is not None:
                alarm.cancel()

    async def _alarm(self, until: datetime) -> None:
        await self.clock.sleep_until(until)
        self.wake()

    async def next_due(self) -> datetime | None:
        """When this process's next post falls due (None: no schedule of its own)."""
        if not self.shards.is_cluster:
            return await self.storage.daily.earliest_due()
        horizon = self.clock.now() + CLUSTER_LOOKAHEAD
        for schedule in await self.storage.daily.due_schedules(iso(horizon)):
            if self.shards.owns(schedule.guild_id):
                return schedule.next_due
        return horizon  # nothing of its own within the window: look again then

    async def recover(self, poster: Poster) -> None:
        """Resume posts that were being sent when the bot stopped, and threads not yet opened
        (this process's own servers only: another cluster resumes its own)."""
        by_day: dict[tuple[int, int | None, date], list[int]] = {}
        for post in await self.storage.daily.sending():
            if not self.shards.owns(post.guild_id):
                continue
            by_day.setdefault((post.guild_id, post.schedule_id, post.local_date), []).append(post.id)
        for key, post_ids in by_day.items():
            log.info("daily: resuming %d interrupted post(s) for guild %s, schedule %s, %s", len(post_ids), *key)
            self.delivery.spawn(self.delivery.deliver_rows(post_ids, poster))
        since = iso(self.clock.now() - timedelta(days=2))
        for post in await self.storage.daily.threads_pending(since):
            if not self.shards.owns(post.guild_id):
                continue
            self.delivery.spawn(self.delivery.open_thread(post.id, poster))

    async def run_due(self, poster: Poster) -> None:
        """Handle every schedule of this process's servers whose next occurrence has come; each
        server's sending runs on its own."""
        now = self.clock.now()
        for schedule in await self.storage.daily.due_schedules(iso(now)):
            if not self.shards.owns(schedule.guild_id):
                continue
            try:
                await self._take(schedule, now, poster)
            except Exception:
                # One server's problem must not hold up the others; skip its occurrence.
                log.exception("daily: could not handle schedule %s of guild %s", schedule.id, schedule.guild_id)
                await self._skip_after_error(schedule, now)

    async def _skip_after_error(self, schedule: DailySchedule, now: datetime) -> None:
        tz = await self.setup.zone_of(schedule.guild_id)
        day, due = next_occurrence(now, parse_time(schedule.post_time), tz, schedule.opens)
        await self.storage.daily.move_cursor(schedule.id, next_date=day, next_due=iso(due), now=iso(now))

    async def _take(self, schedule: DailySchedule, now: datetime, poster: Poster) -> None:
        tz = await self.setup.zone_of(schedule.guild_id)
        at = parse_time(schedule.post_time)
        if occurrence(schedule.next_date, at, tz) != schedule.next_due or not schedule.opens(schedule.next_date):
            # The time zone changed without telling us (or the cursor sits on a day it no longer
            # posts on): plan afresh from now.
            log.info("daily: schedule %s of guild %s re-planned", schedule.id, schedule.guild_id)
            day, due = await self.setup.next_open(schedule, tz, after=now)
            await self.storage.daily.move_cursor(schedule.id, next_date=day, next_due=iso(due), now=iso(now))
            return
        due_now = moments(schedule.next_date, at, tz, until=now, opens=schedule.opens)
        if not due_now:
            return
        following, following_due = first_open(due_now[-1][0] + timedelta(days=1), at, tz, schedule.opens)
        rows: list[NewPost] = []
        # Within the catch-up window only the latest occurrence is posted; the rest are missed.
        latest_day, latest_due = due_now[-1]
        post_latest = now - latest_due <= self.catch_up + LATE_GRACE
        for day, due in due_now[-MAX_MISSED_DAYS:]:
            for position, kind in enumerate(schedule.kind_list):
                if day == latest_day and post_latest:
                    rows.append(claim(schedule, position, kind, day, iso(due)))
                else:
                    superseded = post_latest and day != latest_day
                    rows.append(NewPost(
                        kind=kind, local_date=day, status="missed", channel_id=schedule.channel_id,
                        due_at=iso(due), error=missed_reason(now - due, self.catch_up, superseded),
                    ))
        claimed = await self.storage.daily.take_occurrences(
            schedule, rows=rows, next_date=following, next_due=iso(following_due), now=iso(now)
        )
        if claimed is None:
            return  # the schedule changed meanwhile; the next round reads it again
        missed = sum(1 for r in rows if r.status == "missed")
        if missed:
            log.warning("daily: schedule %s of guild %s missed %d post(s) while the bot was away", schedule.id,
                        schedule.guild_id, missed)
        if claimed:
            self.delivery.spawn(self.delivery.deliver_rows([p.id for p in claimed], poster))
