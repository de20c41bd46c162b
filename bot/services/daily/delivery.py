"""Sending daily posts: each claimed ledger row is sent once, retried while failures may pass,
looked for in the channel before any resend, and given its thread.

Nothing here knows about Discord. The cog hands in a :class:`Poster` that sends a post and
answers with the message id, raising :class:`PermanentSendError` (the channel is gone, a
permission is missing: retrying will not help) or :class:`TransientSendError` (5xx, 429, the
network: it may work later).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable, Coroutine, Sequence
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from msgspec import Struct

from bot.clock import Clock, iso
from bot.errors import UserError
from bot.models import Item, Kind
from bot.records import DailyPost, DailySchedule, NewPost
from bot.services.daily.activity import activity_of, nap
from bot.services.daily.notes import Note, note_english
from bot.services.daily.setup import DailySetup, no_schedule
from bot.services.picker import PickService
from bot.services.schedule import local_date
from bot.storage import Storage

log = logging.getLogger(__name__)

# How long after the moment a post may still be made, beyond the configured catch-up, so that a
# scheduler waking a little late (or a restart of a few seconds) never turns a post into a miss.
LATE_GRACE = timedelta(minutes=2)
# Waits between sends that failed for a reason that may pass (5xx, 429, network).
BACKOFF = tuple(timedelta(seconds=s) for s in (15, 30, 60, 120, 300, 600, 900, 1800))
# Tries made even when the catch-up window is already over (with catch_up_minutes: 0, say).
MIN_ATTEMPTS = 3
THREAD_ATTEMPTS = 3
THREAD_NAME_LIMIT = 100


class SendError(Exception):
    """Sending a daily post failed; ``note`` says why, as data each edge words (plain words are
    kept as they are)."""

    def __init__(self, note: Note | str) -> None:
        self.note = note if isinstance(note, Note) else Note.text(note)
        super().__init__(note_english(self.note))


class PermanentSendError(SendError):
    """Retrying will not help: the channel is gone, or a permission is missing."""


class TransientSendError(SendError):
    """It may work later: Discord had a server error, rate-limited us, or the network failed."""

    def __init__(self, note: Note | str, retry_after: float | None = None) -> None:
        super().__init__(note)
        self.retry_after = retry_after


class OutgoingPost(Struct, frozen=True):
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


class Attempt(Struct, frozen=True):
    """What one try at a post came to: a settled status, or a time to try again."""

    status: str
    retry_at: datetime | None = None


class PostNowResult(Struct, frozen=True):
    kind: Kind
    outcome: str  # 'sent', 'already', 'failed', 'retrying'
    post: DailyPost


def thread_name(item: Item) -> str:
    name = item.title.strip() or "Discussion of the day"
    return name if len(name) <= THREAD_NAME_LIMIT else name[: THREAD_NAME_LIMIT - 1] + "…"


def new_nonce() -> str:
    # Discord accepts a nonce of up to 25 characters; 63 random bits are 19 digits at most.
    return str(secrets.randbits(63))


def claim(schedule: DailySchedule, position: int, kind: Kind, day: date, due_at: str) -> NewPost:
    """A ledger row claiming ``kind`` for sending: the first kind carries the ping, the discussion the thread."""
    return NewPost(
        kind=kind, local_date=day, status="sending", channel_id=schedule.channel_id, due_at=due_at,
        role_id=schedule.role_id if position == 0 else None,
        want_thread=schedule.thread and kind == "discussion", nonce=new_nonce(),
    )


def outgoing(post: DailyPost, item: Item) -> OutgoingPost:
    # The nonce was claimed with the row; a fresh one per try would defeat the double-post guard.
    assert post.nonce, f"daily post {post.id} has no nonce"
    return OutgoingPost(
        post_id=post.id, guild_id=post.guild_id, channel_id=post.channel_id, kind=post.kind, item=item,
        local_date=post.local_date, nonce=post.nonce, role_id=post.role_id,
        thread_name=thread_name(item) if post.want_thread else None,
    )


def missed_reason(late: timedelta, catch_up: timedelta, superseded: bool) -> str:
    """Why a post was not sent, as the ledger stores it (a :class:`Note`)."""
    if superseded:
        return Note("superseded").encode()
    hours, minutes = divmod(int(late.total_seconds()) // 60, 60)
    window = int(catch_up.total_seconds()) // 60
    return Note("missed", {"hours": hours, "minutes": minutes, "window": window}).encode()


class Delivery:
    def __init__(self, storage: Storage, picker: PickService, clock: Clock, setup: DailySetup, *,
                 catch_up: timedelta, wake: Callable[[], None]) -> None:
        self.storage = storage
        self.picker = picker
        self.clock = clock
        self.setup = setup
        self.catch_up = catch_up
        self.wake = wake
        self.activity = activity_of(clock)
        self._tasks: set[asyncio.Task[Any]] = set()
        self._inflight: set[int] = set()

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run a send on its own; :meth:`stop` cancels what is still running."""
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        self.activity.working()
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        self.activity.waiting()

    async def _nap(self, until: datetime) -> None:
        """A send's wait for its next try, on the injected clock."""
        await nap(self.activity, self.clock, until)

    async def deliver_rows(self, post_ids: Sequence[int], poster: Poster,
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
            await self.open_thread(post_id, poster)

    def _deadline(self, post: DailyPost) -> datetime:
        return max(post.due_at, post.claimed_at) + self.catch_up + LATE_GRACE

    async def _attempt(self, post_id: int, poster: Poster, *, resumed: bool) -> Attempt:
        """One try at a claimed post. ``resumed``: the first try of this delivery, which may follow
        a restart, so the catch-up window is checked before sending."""
        ledger = self.storage.daily
        post = await ledger.get_post(post_id)
        if post is None or post.status != "sending":
            return Attempt(post.status if post else "missing")
        if post.attempts > 0:
            # A send was started before: the message may exist although its id was never recorded.
            found = await self._find_earlier_send(post, poster)
            if found is not None:
                await ledger.record_sent(post.id, found, iso(self.clock.now()))
                log.info("daily: post %s was already in channel %s as message %s", post.id, post.channel_id, found)
                return Attempt("sent")
        now = self.clock.now()
        if resumed and now > self._deadline(post):
            await ledger.record_unsent(post.id, "missed", missed_reason(now - post.due_at, self.catch_up, False))
            log.warning("daily: post %s for guild %s is too late to send; recorded as missed", post.id, post.guild_id)
            return Attempt("missed")
        try:
            item = await self._item_for(post)
        except UserError as exc:
            await ledger.record_unsent(post.id, "failed", Note.error(exc).encode())
            log.warning("daily: guild %s has nothing to post: %s", post.guild_id, exc)
            return Attempt("failed")
        attempts = await ledger.begin_attempt(post.id)
        try:
            message_id = await self._send(poster, post, item)
        except PermanentSendError as exc:
            await ledger.record_unsent(post.id, "failed", exc.note.encode())
            log.warning("daily: post %s for guild %s failed for good: %s", post.id, post.guild_id, exc)
            return Attempt("failed")
        except TransientSendError as exc:
            return await self._retry_or_give_up(post, attempts, exc)
        await ledger.record_sent(post.id, message_id, iso(self.clock.now()))
        log.info("daily: posted %s of %s for guild %s as message %s", post.kind, post.local_date, post.guild_id,
                 message_id)
        return Attempt("sent")

    async def _send(self, poster: Poster, post: DailyPost, item: Item) -> int:
        try:
            return await poster.send(outgoing(post, item))
        except SendError:
            raise
        except Exception as exc:
            # A bug, not Discord: log it, and treat it like a failure that may pass.
            log.exception("daily: sending post %s raised unexpectedly", post.id)
            raise TransientSendError(Note("unexpected", {"error": type(exc).__name__})) from exc

    async def _retry_or_give_up(self, post: DailyPost, attempts: int, exc: TransientSendError) -> Attempt:
        wait = BACKOFF[min(attempts, len(BACKOFF)) - 1]
        if exc.retry_after is not None:
            wait = max(wait, timedelta(seconds=exc.retry_after))
        retry_at = self.clock.now() + wait
        if retry_at > self._deadline(post) and attempts >= MIN_ATTEMPTS:
            await self.storage.daily.record_unsent(post.id, "failed",
                                                   Note("gave-up", {"attempts": attempts, "cause": exc.note}).encode())
            log.warning("daily: post %s for guild %s gave up after %d tries: %s", post.id, post.guild_id,
                        attempts, exc)
            return Attempt("failed")
        retrying = Note("retrying", {"attempts": attempts, "cause": exc.note})
        await self.storage.daily.note_error(post.id, retrying.encode())
        log.info("daily: post %s try %d failed (%s); again at %s", post.id, attempts, exc, iso(retry_at))
        return Attempt("sending", retry_at)

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
            await self.storage.daily.set_item(post.id, item.id)
        return item

    async def _find_earlier_send(self, post: DailyPost, poster: Poster) -> int | None:
        """The message an earlier try may have created, looked for by the item that try sent."""
        item = await self.storage.items.get(post.item_id) if post.item_id is not None else None
        if item is None:
            return None
        try:
            return await poster.find_sent(outgoing(post, item), post.claimed_at)
        except SendError as exc:
            log.info("daily: could not look for post %s in channel %s: %s", post.id, post.channel_id, exc)
            return None

    async def open_thread(self, post_id: int, poster: Poster) -> None:
        post = await self.storage.daily.get_post(post_id)
        if (post is None or post.status != "sent" or not post.want_thread or post.message_id is None
                or post.thread_id is not None or post.thread_error is not None or post.item_id is None):
            return
        item = await self.storage.items.get(post.item_id)
        name = thread_name(item) if item else "Discussion of the day"
        error = Note.text("?")
        for attempt in range(THREAD_ATTEMPTS):
            try:
                thread_id = await poster.open_thread(post.channel_id, post.message_id, name)
            except PermanentSendError as exc:
                error = exc.note
                break
            except TransientSendError as exc:
                error = exc.note
                if attempt + 1 < THREAD_ATTEMPTS:  # no wait after the last try
                    await self._nap(self.clock.now() + BACKOFF[attempt])
                continue
            await self.storage.daily.record_thread(post.id, thread_id=thread_id, error=None)
            return
        log.warning("daily: could not open a thread on post %s: %s", post.id, error)
        await self.storage.daily.record_thread(post.id, thread_id=None,
                                               error=Note("no-thread", {"cause": error}).encode())

    async def stop(self) -> None:
        """Cancel sends in progress. Their rows stay 'sending' and are resumed at the next start."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._inflight.clear()

    async def post_now(self, guild_id: int, poster: Poster, schedule_id: int | None = None) -> list[PostNowResult]:
        """Post today's post(s) of one schedule, or of every schedule that is on, at once. It counts
        as today's: the scheduled time posts nothing more that day."""
        if schedule_id is not None:
            schedules = [await self.setup.schedule(guild_id, schedule_id)]
        else:
            every = await self.storage.daily.schedules(guild_id)
            if not every:
                raise no_schedule()
            schedules = [s for s in every if s.enabled] or every
        tz = await self.setup.zone_of(guild_id)
        now = self.clock.now()
        today = local_date(now, tz)
        results: list[PostNowResult] = []
        for schedule in schedules:
            for position, kind in enumerate(schedule.kind_list):
                post, claimed = await self.storage.daily.claim_now(
                    schedule, claim(schedule, position, kind, today, iso(now)), now=iso(now))
                if not claimed:
                    results.append(PostNowResult(kind, "already", post))
                    continue
                attempt = await self._first_try(post, poster)
                settled = await self.storage.daily.get_post(post.id)
                assert settled is not None
                if attempt is None:
                    outcome = "already"
                else:
                    outcome = "retrying" if attempt.retry_at is not None else attempt.status
                results.append(PostNowResult(kind, outcome, settled))
        self.wake()
        return results

    async def _first_try(self, post: DailyPost, poster: Poster) -> Attempt | None:
        """Start delivering a claimed post and wait for its first try; None if the delivery stopped
        first (the bot is shutting down) or someone else is sending it."""
        first: asyncio.Future[Attempt] = asyncio.get_running_loop().create_future()
        task = self.spawn(self.deliver_rows([post.id], poster, first))
        # A delivery cancelled before it started never runs its own clean-up: answer anyway.
        task.add_done_callback(lambda _: first.cancel())
        try:
            # Shielded, so that a cancelled command does not cancel the delivery's answer and
            # a cancelled answer can be told from a cancelled command.
            return await asyncio.shield(first)
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if not first.cancelled() or (current is not None and current.cancelling()):
                raise  # the command itself is being cancelled
            return None
