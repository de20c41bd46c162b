"""Daily posts: the discussion (and joke) of the day, posted once per server and local date, on time.

Nothing here knows about Discord. The cog hands in a :class:`Poster` that sends a post and
answers with the message id, raising :class:`PermanentSendError` (the channel is gone, a
permission is missing: retrying will not help) or :class:`TransientSendError` (5xx, 429, the
network: it may work later).

How a post is made exactly once:

1. **Claim before sending.** When an occurrence falls due, its ledger rows (one per kind) are
   inserted with status ``sending`` and a fresh nonce *in the same transaction* that moves the
   schedule past the occurrence. ``UNIQUE (guild_id, kind, local_date)`` means whoever comes
   second (a restart, ``/daily post-now``) finds the row instead of making another post.
2. **Count the attempt, then send with the nonce.** ``attempts`` is committed before each send,
   and the message goes out with the row's nonce and ``enforce_nonce``, so if the bot dies
   after Discord created the message but before the id was recorded, the resend returns the
   same message instead of a second one. The item is asked of the picker before each send, so
   one retired or hidden in the server since it was picked is replaced rather than posted.
3. **Look before resending.** Discord only remembers a nonce for a few minutes, so a row that
   may have been sent (``attempts > 0``) is first looked for in the channel's recent messages
   (which is why ``/daily set`` asks for Read Message History).
4. **Record the message id** (status ``sent``). Rows still ``sending`` at start-up are resumed.

Downtime: an occurrence handled more than ``catch_up`` after its moment is recorded as
``missed`` instead of being posted; within the window, only the latest one is posted.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from bot.clock import Clock, iso
from bot.db import Database
from bot.errors import UserError
from bot.models import Item, Kind
from bot.repositories.daily import DailyPost, DailyRepository, DailySchedule, NewPost, kind_list
from bot.repositories.items import ItemRepository
from bot.repositories.settings import SettingsRepository
from bot.services.picker import PickService
from bot.services.schedule import (
    ScheduleError,
    format_time,
    local_date,
    moments,
    next_occurrence,
    occurrence,
    parse_time,
    zone,
)

log = logging.getLogger(__name__)

KIND_CHOICES = ("discussion", "joke", "both")
# How long after the moment a post may still be made, beyond the configured catch-up, so that a
# scheduler waking a little late (or a restart of a few seconds) never turns a post into a miss.
LATE_GRACE = timedelta(minutes=2)
# Waits between sends that failed for a reason that may pass (5xx, 429, network).
BACKOFF = tuple(timedelta(seconds=s) for s in (15, 30, 60, 120, 300, 600, 900, 1800))
# Tries made even when the catch-up window is already over (with catch_up_minutes: 0, say).
MIN_ATTEMPTS = 3
THREAD_ATTEMPTS = 3
# After a long downtime, at most this many missed days are written to the ledger.
MAX_MISSED_DAYS = 14
LOW_CONTENT_DAYS = 7
PROBLEM_DAYS = 14
THREAD_NAME_LIMIT = 100
# How long the scheduler waits before trying again after an unexpected error (a bug, the database).
ERROR_PAUSE = timedelta(minutes=1)


class SendError(Exception):
    """Sending a daily post failed; the message says why in words a moderator understands."""


class PermanentSendError(SendError):
    """Retrying will not help: the channel is gone, or a permission is missing."""


class TransientSendError(SendError):
    """It may work later: Discord had a server error, rate-limited us, or the network failed."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class OutgoingPost:
    """Everything the cog needs to send one daily post."""

    post_id: int
    guild_id: int
    channel_id: int
    kind: Kind
    item: Item
    local_date: date
    nonce: str
    role_id: int | None
    thread_name: str | None


class Poster(Protocol):
    async def send(self, post: OutgoingPost) -> int:
        """Send the post with its nonce (enforced); return the message id."""
        ...

    async def find_sent(self, post: OutgoingPost, since: datetime) -> int | None:
        """The id of this post's message if it is already in the channel (``since``: when it was claimed)."""
        ...

    async def open_thread(self, channel_id: int, message_id: int, name: str) -> int:
        """Open a thread on the message (or return the one already there); return its id."""
        ...


@dataclass(frozen=True)
class Attempt:
    """What one try at a post came to: a settled status, or a time to try again."""

    status: str
    retry_at: datetime | None = None


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

    @property
    def low_content(self) -> bool:
        return bool(self.running_low)


@dataclass(frozen=True)
class Preview:
    schedule: DailySchedule
    local_date: date
    due: datetime
    items: list[Item]


@dataclass(frozen=True)
class PostNowResult:
    kind: Kind
    outcome: str  # 'sent', 'already', 'failed', 'retrying'
    post: DailyPost


def thread_name(item: Item) -> str:
    name = item.title.strip() or "Discussion of the day"
    return name if len(name) <= THREAD_NAME_LIMIT else name[: THREAD_NAME_LIMIT - 1] + "…"


def new_nonce() -> str:
    # Discord accepts a nonce of up to 25 characters; 63 random bits are 19 digits at most.
    return str(secrets.randbits(63))


class DailyService:
    def __init__(self, db: Database, repo: DailyRepository, settings: SettingsRepository, picker: PickService,
                 items: ItemRepository, clock: Clock, *, catch_up_minutes: int) -> None:
        self.db = db
        self.repo = repo
        self.settings = settings
        self.picker = picker
        self.items = items
        self.clock = clock
        self.catch_up = timedelta(minutes=catch_up_minutes)
        self._wake = asyncio.Event()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._inflight: set[int] = set()
        # Whether there is work to do before the clock moves, kept up to date as the state changes
        # (see :meth:`wait_idle`): the scheduler is 'off', 'busy' or 'parked' (waiting for its next
        # time or a wake), and ``_working`` counts the sends not waiting on the clock for a retry.
        self._scheduler_state = "off"
        self._working = 0
        self._idle = asyncio.Event()
        self._idle.set()

    # --- schedules -------------------------------------------------------------------------------

    async def configure(self, guild_id: int, *, channel_id: int, time_text: str, timezone: str,
                        kinds: str = "discussion", role_id: int | None = None, thread: bool = True) -> Configured:
        """Validate and store a server's schedule and time zone; nothing is saved if anything is wrong.

        A time that has already passed today first posts tomorrow.
        """
        try:
            at = parse_time(time_text)
            tz = zone(timezone)
        except ScheduleError as exc:
            raise UserError(str(exc)) from None
        if kinds not in KIND_CHOICES:
            raise UserError(f"`{kinds}` is not a kind of daily post: choose discussion, joke or both.")
        now = self.clock.now()
        next_date, next_due = await self._next_open(guild_id, at, tz, kind_list(kinds), after=now)
        schedule = DailySchedule(
            guild_id=guild_id, channel_id=channel_id, post_time=format_time(at), kinds=kinds, role_id=role_id,
            thread=thread, enabled=True, next_date=next_date, next_due=next_due,
        )
        # The schedule and the server's time zone change together or not at all.
        async with self.db.atomic() as sql:
            await SettingsRepository(sql, self.settings.cache).apply(guild_id, timezone=tz.key)
            await DailyRepository(sql).save_schedule(schedule, now=iso(now))
        log.info("daily: guild %s posts %s at %s %s in channel %s (next %s)", guild_id, kinds,
                 schedule.post_time, tz.key, channel_id, iso(next_due))
        self.wake()
        return Configured(schedule, tz.key, next_due)

    async def turn_off(self, guild_id: int) -> bool:
        """Stop a server's daily posts; return whether they were on."""
        stopped = await self.repo.disable(guild_id, iso(self.clock.now()))
        self.wake()
        return stopped

    async def _zone_of(self, guild_id: int) -> ZoneInfo:
        return _zone_or_utc(guild_id, (await self.settings.get(guild_id)).timezone)

    async def _next_open(self, guild_id: int, at: time, tz: ZoneInfo, kinds: Sequence[Kind], *,
                         after: datetime) -> tuple[date, datetime]:
        """The first occurrence after ``after`` whose date is not already settled for every kind."""
        day, due = next_occurrence(after, at, tz)
        return await self._skip_settled(guild_id, day, due, at, tz, kinds)

    async def _skip_settled(self, guild_id: int, day: date, due: datetime, at: time, tz: ZoneInfo,
                            kinds: Sequence[Kind]) -> tuple[date, datetime]:
        # Only today and tomorrow can be settled early (post-now); the bound is a safety net.
        for _ in range(7):
            done = {p.kind for p in await self.repo.posts_on(guild_id, day)}
            if not set(kinds) <= done:
                break
            day += timedelta(days=1)
            due = occurrence(day, at, tz)
        return day, due

    # --- the scheduler ---------------------------------------------------------------------------

    def wake(self) -> None:
        """Make the scheduler re-read the schedules (one changed)."""
        self._wake.set()
        self._note()

    def start(self, poster: Poster, ready: Callable[[], Awaitable[Any]] | None = None) -> asyncio.Task[None]:
        """Start :meth:`run` as a task (the scheduler counts as busy from this moment); cancel it to stop."""
        self._scheduler_state = "busy"
        self._note()
        task = asyncio.create_task(self.run(poster, ready), name="daily-scheduler")
        task.add_done_callback(self._scheduler_ended)
        return task

    async def run(self, poster: Poster, ready: Callable[[], Awaitable[Any]] | None = None) -> None:
        """The one scheduler for all servers: sleep until the soonest post is due (or a schedule
        changes), post what is due, repeat. Runs until cancelled."""
        self._scheduler_state = "busy"
        self._note()
        try:
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
                    next_due = await self.repo.earliest_due()
                except Exception:
                    log.exception("daily: the scheduler hit an error; trying again shortly")
                    next_due = self.clock.now() + ERROR_PAUSE
                await self._sleep(next_due)
        finally:
            self._scheduler_ended()

    def _scheduler_ended(self, _task: asyncio.Task[None] | None = None) -> None:
        self._scheduler_state = "off"
        self._note()

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
            self._scheduler_state = "parked"
            self._note()
            await self._wake.wait()
        finally:
            self._scheduler_state = "busy"
            self._note()
            if alarm is not None:
                alarm.cancel()

    async def _alarm(self, until: datetime) -> None:
        await self.clock.sleep_until(until)
        self.wake()

    async def _nap(self, until: datetime) -> None:
        """A send's wait for its next try, on the injected clock: while it lasts, the send is idle."""
        self._working -= 1
        self._note()
        try:
            await self.clock.sleep_until(until)
        finally:
            self._working += 1
            self._note()

    def _note(self) -> None:
        """Bring the idle event up to date; called on every change of the state it depends on."""
        scheduler_idle = self._scheduler_state == "off" or (
            self._scheduler_state == "parked" and not self._wake.is_set())
        if scheduler_idle and self._working == 0:
            self._idle.set()
        else:
            self._idle.clear()

    async def wait_idle(self) -> None:
        """Return once nothing can happen here until the clock moves: the scheduler (if running)
        waits for its next time, and every send either is done or waits on the clock for its next
        try. Woken by those changes, not by a timer: with a test's ManualClock it is the point at
        which to move the clock again."""
        # Checked again after each wake-up: the event may have been cleared before we ran.
        while not self._idle.is_set():
            await self._idle.wait()

    async def recover(self, poster: Poster) -> None:
        """Resume posts that were being sent when the bot stopped, and threads not yet opened."""
        by_day: dict[tuple[int, date], list[int]] = {}
        for post in await self.repo.sending():
            by_day.setdefault((post.guild_id, post.local_date), []).append(post.id)
        for key, post_ids in by_day.items():
            log.info("daily: resuming %d interrupted post(s) for guild %s, %s", len(post_ids), *key)
            self._spawn(self._deliver_rows(post_ids, poster))
        since = iso(self.clock.now() - timedelta(days=2))
        for post in await self.repo.threads_pending(since):
            self._spawn(self._open_thread(post.id, poster))

    async def run_due(self, poster: Poster) -> None:
        """Handle every schedule whose next occurrence has come; each server's sending runs on its own."""
        now = self.clock.now()
        for schedule in await self.repo.due_schedules(iso(now)):
            try:
                await self._take(schedule, now, poster)
            except Exception:
                # One server's problem must not hold up the others; skip its occurrence.
                log.exception("daily: could not handle the schedule of guild %s", schedule.guild_id)
                await self._skip_after_error(schedule, now)

    async def _skip_after_error(self, schedule: DailySchedule, now: datetime) -> None:
        tz = await self._zone_of(schedule.guild_id)
        day, due = next_occurrence(now, parse_time(schedule.post_time), tz)
        await self.repo.move_cursor(schedule.guild_id, next_date=day, next_due=iso(due), now=iso(now))

    async def _take(self, schedule: DailySchedule, now: datetime, poster: Poster) -> None:
        tz = await self._zone_of(schedule.guild_id)
        at = parse_time(schedule.post_time)
        if occurrence(schedule.next_date, at, tz) != schedule.next_due:
            # The time zone changed without telling us: plan afresh from now.
            log.info("daily: guild %s changed time zone; re-planning", schedule.guild_id)
            day, due = await self._next_open(schedule.guild_id, at, tz, schedule.kind_list, after=now)
            await self.repo.move_cursor(schedule.guild_id, next_date=day, next_due=iso(due), now=iso(now))
            return
        due_now = moments(schedule.next_date, at, tz, until=now)
        if not due_now:
            return
        following = due_now[-1][0] + timedelta(days=1)
        following_due = occurrence(following, at, tz)
        rows: list[NewPost] = []
        # Within the catch-up window only the latest occurrence is posted; the rest are missed.
        latest_day, latest_due = due_now[-1]
        post_latest = now - latest_due <= self.catch_up + LATE_GRACE
        for day, due in due_now[-MAX_MISSED_DAYS:]:
            for position, kind in enumerate(schedule.kind_list):
                if day == latest_day and post_latest:
                    rows.append(_claim(schedule, position, kind, day, iso(due)))
                else:
                    superseded = post_latest and day != latest_day
                    rows.append(NewPost(
                        kind=kind, local_date=day, status="missed", channel_id=schedule.channel_id,
                        due_at=iso(due), error=_missed_reason(now - due, self.catch_up, superseded),
                    ))
        claimed = await self.repo.take_occurrences(
            schedule, rows=rows, next_date=following, next_due=iso(following_due), now=iso(now)
        )
        if claimed is None:
            return  # the schedule changed meanwhile; the next round reads it again
        missed = sum(1 for r in rows if r.status == "missed")
        if missed:
            log.warning("daily: guild %s missed %d post(s) while the bot was away", schedule.guild_id, missed)
        if claimed:
            self._spawn(self._deliver_rows([p.id for p in claimed], poster))

    # --- sending ---------------------------------------------------------------------------------

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        self._working += 1
        self._note()
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        self._working -= 1
        self._note()

    async def _deliver_rows(self, post_ids: Sequence[int], poster: Poster,
                            first: asyncio.Future[Attempt] | None = None) -> None:
        """Send a server's posts for one date, one after the other (the discussion first)."""
        try:
            for post_id in post_ids:
                if post_id in self._inflight:
                    continue
                self._inflight.add(post_id)
                try:
                    await self._deliver(post_id, poster, first)
                except Exception as exc:
                    log.exception("daily: post %s failed unexpectedly", post_id)
                    if first is not None and not first.done():
                        first.set_exception(exc)
                finally:
                    self._inflight.discard(post_id)
        finally:
            # Whoever waits for the first try (post-now) must not wait forever on a skip or a stop.
            if first is not None and not first.done():
                first.cancel()

    async def _deliver(self, post_id: int, poster: Poster, first: asyncio.Future[Attempt] | None = None) -> None:
        resumed = True
        while True:
            result = await self._attempt(post_id, poster, resumed=resumed)
            resumed = False
            if first is not None and not first.done():
                first.set_result(result)
            if result.retry_at is None:
                break
            await self._nap(result.retry_at)
        if result.status == "sent":
            await self._open_thread(post_id, poster)

    def _deadline(self, post: DailyPost) -> datetime:
        return max(post.due_at, post.claimed_at) + self.catch_up + LATE_GRACE

    async def _attempt(self, post_id: int, poster: Poster, *, resumed: bool) -> Attempt:
        """One try at a claimed post. ``resumed``: the first try of this delivery, which may follow
        a restart, so the catch-up window is checked before sending."""
        post = await self.repo.get_post(post_id)
        if post is None or post.status != "sending":
            return Attempt(post.status if post else "missing")
        if post.attempts > 0:
            # A send was started before: the message may exist although its id was never recorded.
            found = await self._find_earlier_send(post, poster)
            if found is not None:
                await self.repo.record_sent(post.id, found, iso(self.clock.now()))
                log.info("daily: post %s was already in channel %s as message %s", post.id, post.channel_id, found)
                return Attempt("sent")
        now = self.clock.now()
        if resumed and now > self._deadline(post):
            await self.repo.record_unsent(post.id, "missed", _missed_reason(now - post.due_at, self.catch_up, False))
            log.warning("daily: post %s for guild %s is too late to send; recorded as missed", post.id, post.guild_id)
            return Attempt("missed")
        try:
            item = await self._item_for(post)
        except UserError as exc:
            await self.repo.record_unsent(post.id, "failed", str(exc))
            log.warning("daily: guild %s has nothing to post: %s", post.guild_id, exc)
            return Attempt("failed")
        outgoing = _outgoing(post, item)
        attempts = await self.repo.begin_attempt(post.id)
        try:
            try:
                message_id = await poster.send(outgoing)
            except SendError:
                raise
            except Exception as exc:
                # A bug, not Discord: log it, and treat it like a failure that may pass.
                log.exception("daily: sending post %s raised unexpectedly", post.id)
                raise TransientSendError(f"Unexpected error while sending ({type(exc).__name__}).") from exc
        except PermanentSendError as exc:
            await self.repo.record_unsent(post.id, "failed", str(exc))
            log.warning("daily: post %s for guild %s failed for good: %s", post.id, post.guild_id, exc)
            return Attempt("failed")
        except TransientSendError as exc:
            wait = BACKOFF[min(attempts, len(BACKOFF)) - 1]
            if exc.retry_after is not None:
                wait = max(wait, timedelta(seconds=exc.retry_after))
            retry_at = self.clock.now() + wait
            if retry_at > self._deadline(post) and attempts >= MIN_ATTEMPTS:
                await self.repo.record_unsent(post.id, "failed", f"Discord kept failing ({attempts} tries): {exc}")
                log.warning("daily: post %s for guild %s gave up after %d tries: %s", post.id, post.guild_id,
                            attempts, exc)
                return Attempt("failed")
            await self.repo.note_error(post.id, f"{exc} (try {attempts}; trying again)")
            log.info("daily: post %s try %d failed (%s); again at %s", post.id, attempts, exc, iso(retry_at))
            return Attempt("sending", retry_at)
        await self.repo.record_sent(post.id, message_id, iso(self.clock.now()))
        log.info("daily: posted %s of %s for guild %s as message %s", post.kind, post.local_date, post.guild_id,
                 message_id)
        return Attempt("sent")

    async def _item_for(self, post: DailyPost) -> Item:
        """The item to send now: the picker's item of the day for the post's date, asked before
        every try, so an item retired, hidden or filtered out here since it was picked is replaced
        (the picker decides what may still be shown). Stored on the row for the thread's name.

        A resend after a try that may have gone out first looks for that try's message by its
        item (:meth:`_find_earlier_send`, which is why Read Message History is required), so
        switching items cannot make a second post."""
        item = await self.picker.of_the_day(post.kind, post.guild_id, local_date=post.local_date)
        if item.id != post.item_id:
            if post.item_id is not None:
                log.info("daily: post %s now carries item %s instead of %s", post.id, item.id, post.item_id)
            await self.repo.set_item(post.id, item.id)
        return item

    async def _find_earlier_send(self, post: DailyPost, poster: Poster) -> int | None:
        """The message an earlier try may have created, looked for by the item that try sent."""
        item = await self.items.get(post.item_id) if post.item_id is not None else None
        if item is None:
            return None
        try:
            return await poster.find_sent(_outgoing(post, item), post.claimed_at)
        except SendError as exc:
            log.info("daily: could not look for post %s in channel %s: %s", post.id, post.channel_id, exc)
            return None

    async def _open_thread(self, post_id: int, poster: Poster) -> None:
        post = await self.repo.get_post(post_id)
        if (post is None or post.status != "sent" or not post.want_thread or post.message_id is None
                or post.thread_id is not None or post.thread_error is not None or post.item_id is None):
            return
        item = await self.items.get(post.item_id)
        name = thread_name(item) if item else "Discussion of the day"
        error = "?"
        for attempt in range(THREAD_ATTEMPTS):
            try:
                thread_id = await poster.open_thread(post.channel_id, post.message_id, name)
            except PermanentSendError as exc:
                error = str(exc)
                break
            except TransientSendError as exc:
                error = str(exc)
                if attempt + 1 < THREAD_ATTEMPTS:  # no wait after the last try
                    await self._nap(self.clock.now() + BACKOFF[attempt])
                continue
            await self.repo.record_thread(post.id, thread_id=thread_id, error=None)
            return
        log.warning("daily: could not open a thread on post %s: %s", post.id, error)
        await self.repo.record_thread(post.id, thread_id=None, error=f"The thread could not be opened: {error}")

    async def stop(self) -> None:
        """Cancel sends in progress. Their rows stay 'sending' and are resumed at the next start."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._inflight.clear()

    # --- commands --------------------------------------------------------------------------------

    async def post_now(self, guild_id: int, poster: Poster) -> list[PostNowResult]:
        """Post today's post(s) at once. It counts as today's: the scheduled time posts nothing more."""
        schedule = await self.repo.get_schedule(guild_id)
        if schedule is None:
            raise UserError("There is no daily post here yet: set one up with `/daily set`.")
        tz = await self._zone_of(guild_id)
        now = self.clock.now()
        today = local_date(now, tz)
        results: list[PostNowResult] = []
        for position, kind in enumerate(schedule.kind_list):
            post, claimed = await self.repo.claim_now(guild_id, _claim(schedule, position, kind, today, iso(now)),
                                                      now=iso(now))
            if not claimed:
                results.append(PostNowResult(kind, "already", post))
                continue
            first: asyncio.Future[Attempt] = asyncio.get_running_loop().create_future()
            task = self._spawn(self._deliver_rows([post.id], poster, first))
            # A delivery cancelled before it started never runs its own clean-up: answer anyway.
            task.add_done_callback(lambda _, first=first: first.cancel())
            try:
                # Shielded, so that a cancelled command does not cancel the delivery's answer and
                # a cancelled answer can be told from a cancelled command.
                attempt: Attempt | None = await asyncio.shield(first)
            except asyncio.CancelledError:
                current = asyncio.current_task()
                if not first.cancelled() or (current is not None and current.cancelling()):
                    raise  # the command itself is being cancelled
                # The delivery stopped (the bot is shutting down) or someone else is sending it.
                attempt = None
            settled = await self.repo.get_post(post.id)
            assert settled is not None
            if attempt is None:
                outcome = "already"
            else:
                outcome = "retrying" if attempt.retry_at is not None else attempt.status
            results.append(PostNowResult(kind, outcome, settled))
        self.wake()
        return results

    async def status(self, guild_id: int) -> DailyStatus:
        schedule = await self.repo.get_schedule(guild_id)
        settings = await self.settings.get(guild_id)
        next_due = None
        if schedule is not None and schedule.enabled:
            tz = _zone_or_utc(guild_id, settings.timezone)
            _, next_due = await self._skip_settled(guild_id, schedule.next_date, schedule.next_due,
                                                   parse_time(schedule.post_time), tz, schedule.kind_list)
        since = iso(self.clock.now() - timedelta(days=PROBLEM_DAYS))
        kinds = schedule.kind_list if schedule is not None else ("discussion",)
        remaining: dict[Kind, int] = {}
        for kind in kinds:
            f = await self.picker.filters(kind, guild_id, settings=settings)
            remaining[kind] = await self.repo.unused(kind=kind, guild_id=guild_id, excluded_flags=f.excluded_flags,
                                                     blocked_tags=f.blocked_tags)
        return DailyStatus(
            schedule=schedule, timezone=settings.timezone, next_due=next_due,
            last=await self.repo.last_sent(guild_id),
            problems=await self.repo.recent_problems(guild_id, since), remaining=remaining,
        )

    async def preview(self, guild_id: int) -> Preview:
        """The next post as it will go out (its items are chosen now and kept for that date)."""
        schedule = await self.repo.get_schedule(guild_id)
        if schedule is None:
            raise UserError("There is no daily post here yet: set one up with `/daily set`.")
        tz = await self._zone_of(guild_id)
        at = parse_time(schedule.post_time)
        if schedule.enabled:
            day, due = await self._skip_settled(guild_id, schedule.next_date, schedule.next_due, at, tz,
                                                schedule.kind_list)
        else:
            day, due = await self._next_open(guild_id, at, tz, schedule.kind_list, after=self.clock.now())
        items = [await self.picker.of_the_day(kind, guild_id, local_date=day) for kind in schedule.kind_list]
        return Preview(schedule, day, due, items)


def _zone_or_utc(guild_id: int, name: str) -> ZoneInfo:
    try:
        return zone(name)
    except ScheduleError:
        log.warning("daily: guild %s has an unknown time zone %r; using UTC", guild_id, name)
        return ZoneInfo("UTC")


def _claim(schedule: DailySchedule, position: int, kind: Kind, day: date, due_at: str) -> NewPost:
    """A ledger row claiming ``kind`` for sending: the first kind carries the ping, the discussion the thread."""
    return NewPost(
        kind=kind, local_date=day, status="sending", channel_id=schedule.channel_id, due_at=due_at,
        role_id=schedule.role_id if position == 0 else None,
        want_thread=schedule.thread and kind == "discussion", nonce=new_nonce(),
    )


def _outgoing(post: DailyPost, item: Item) -> OutgoingPost:
    # The nonce was claimed with the row; a fresh one per try would defeat the double-post guard.
    assert post.nonce, f"daily post {post.id} has no nonce"
    return OutgoingPost(
        post_id=post.id, guild_id=post.guild_id, channel_id=post.channel_id, kind=post.kind, item=item,
        local_date=post.local_date, nonce=post.nonce, role_id=post.role_id,
        thread_name=thread_name(item) if post.want_thread else None,
    )


def _missed_reason(late: timedelta, catch_up: timedelta, superseded: bool) -> str:
    if superseded:
        return "Skipped: the bot was offline and a later day's post replaced it."
    hours, minutes = divmod(int(late.total_seconds()) // 60, 60)
    window = int(catch_up.total_seconds()) // 60
    return (f"Missed: the bot was offline at the time and came back {hours} h {minutes:02d} min late "
            f"(posts are caught up within {window} min).")
