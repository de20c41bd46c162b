"""Daily posts: the ledger, the scheduler and the commands' rules, on real SQLite files.

Discord is a fake :class:`~bot.services.daily.Poster` that behaves like it where it matters: a
nonce resent within its window returns the first message, and failures can be queued.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from msgspec.structs import replace

from bot.clock import ManualClock, iso
from bot.config import Config
from bot.core import Core
from bot.errors import UserError
from bot.records import DailySchedule, NewPost
from bot.services.daily import (
    LATE_GRACE,
    Configured,
    DailyService,
    OutgoingPost,
    PermanentSendError,
    Reminder,
    TransientSendError,
    decode_note,
)
from bot.storage.sqlite.daily import DailyRepository
from bot.storage.sqlite.database import Database
from tests.clocks import WatchedClock
from tests.support import found, retire, schema_at
from tests.template_db import seeded

GUILD = 1001
OTHER_GUILD = 1002
CHANNEL = 2001
OTHER_CHANNEL = 2002
ROLE = 3001
NONCE_WINDOW = timedelta(minutes=5)


class Crash(BaseException):
    """The process dies: nothing after this point runs (not even except Exception blocks)."""


@dataclass
class Sent:
    id: int
    post: OutgoingPost
    at: datetime


class FakePoster:
    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.messages: list[Sent] = []
        self.failures: list[BaseException] = []
        self.crash_after_send = False
        self.history_readable = True
        self.deleted_channels: set[int] = set()
        self.threads: dict[int, str] = {}
        self.thread_failures: list[BaseException] = []
        self.sends = 0
        self._next_id = 900_000

    def in_channel(self, channel_id: int) -> list[Sent]:
        return [m for m in self.messages if m.post.channel_id == channel_id]

    async def send(self, post: OutgoingPost) -> int:
        self.sends += 1
        if post.channel_id in self.deleted_channels:
            raise PermanentSendError("The channel was deleted.")
        if self.failures:
            raise self.failures.pop(0)
        now = self.clock.now()
        for sent in self.messages:
            if sent.post.nonce == post.nonce and now - sent.at <= NONCE_WINDOW:
                return sent.id  # enforce_nonce: the same message, not a new one
        self._next_id += 1
        self.messages.append(Sent(self._next_id, post, now))
        if self.crash_after_send:
            self.crash_after_send = False
            raise Crash
        return self._next_id

    async def find_sent(self, post: OutgoingPost, since: datetime) -> int | None:
        if not self.history_readable:
            return None
        for sent in self.messages:
            if (sent.post.channel_id == post.channel_id and sent.post.item.id == post.item.id
                    and sent.post.kind == post.kind and sent.at >= since):
                return sent.id
        return None

    async def open_thread(self, channel_id: int, message_id: int, name: str) -> int:
        if self.thread_failures:
            raise self.thread_failures.pop(0)
        self.threads[message_id] = name
        return message_id


async def settle(service: DailyService) -> None:
    """Wait until the service can do nothing more before the clock moves: its sends are done or
    wait on the ManualClock for a retry, and its scheduler (if running) waits for its next time.

    This waits for work to finish (database I/O on aiosqlite's thread), never for time to pass.
    """
    assert isinstance(service.clock, WatchedClock)
    await asyncio.wait_for(service.clock.quiet(), 10)


@pytest.fixture
def start() -> datetime:
    # A Saturday in winter: London is on UTC.
    return datetime(2026, 1, 10, 8, 0, tzinfo=UTC)


@pytest.fixture
def clock(start: datetime) -> ManualClock:
    return WatchedClock(start)


@pytest.fixture
def poster(clock: ManualClock) -> FakePoster:
    return FakePoster(clock)


async def open_core(config: Config, clock: ManualClock) -> Core:
    return await Core.open(config, clock=clock, rng=random.Random(7))


@pytest.fixture
async def core(config: Config, clock: ManualClock) -> AsyncIterator[Core]:
    opened = await open_core(await seeded(config), clock)
    try:
        yield opened
    finally:
        await shut_down(opened)


async def set_daily(core: Core, guild: int = GUILD, channel: int = CHANNEL, at: str = "09:00",
                    tz: str = "Europe/London", kinds: str = "discussion", role: int | None = None,
                    thread: bool = True, days: str = "every day") -> Configured:
    return await core.daily.setup.configure(guild, channel_id=channel, time_text=at, timezone=tz, kinds=kinds,
                                            role_id=role, thread=thread, days_text=days)


async def only_schedule(core: Core, guild: int = GUILD) -> DailySchedule:
    """The server's one schedule (the test set up one)."""
    [schedule] = await core.storage.daily.schedules(guild)
    return schedule


async def run_at(core: Core, clock: ManualClock, poster: FakePoster, when: datetime) -> None:
    await clock.set(when)
    await core.daily.scheduler.run_due(poster)
    await settle(core.daily)


async def crash_at_nine(core: Core, clock: ManualClock, poster: FakePoster) -> None:
    """Run the 09:00 post into the :class:`Crash` the test has set up, which ends its send task."""
    await clock.set(datetime(2026, 1, 10, 9, 0, tzinfo=UTC))
    await core.daily.scheduler.run_due(poster)
    with pytest.raises(Crash):
        await next(iter(core.daily.delivery._tasks))


async def shut_down(core: Core) -> None:
    await core.daily.stop()
    await core.close()


@asynccontextmanager
async def restarted(config: Config, clock: ManualClock, when: datetime) -> AsyncIterator[Core]:
    """The bot back at ``when`` on the same database (the test shut the first one down)."""
    await clock.set(when)
    again = await open_core(config, clock)
    try:
        yield again
    finally:
        await shut_down(again)


# --- the clock ---------------------------------------------------------------------------------------

async def test_the_manual_clock_returns_once_the_sleepers_it_woke_have_run(clock: ManualClock,
                                                                          start: datetime) -> None:
    woke: list[str] = []

    async def sleeper(name: str, seconds: int) -> None:
        await clock.sleep_until(start + timedelta(seconds=seconds))
        woke.append(name)

    tasks = [asyncio.create_task(sleeper("a", 10)), asyncio.create_task(sleeper("b", 20))]
    await asyncio.sleep(0)  # let the tasks start: they were scheduled before us
    assert clock.sleepers == [start + timedelta(seconds=10), start + timedelta(seconds=20)]
    await clock.advance(9)
    assert woke == []
    await clock.advance(1)
    assert woke == ["a"] and clock.sleepers == [start + timedelta(seconds=20)]
    tasks[1].cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    assert clock.sleepers == []
    await clock.advance(60)
    assert woke == ["a"]
    # A time already passed returns at once.
    await clock.sleep_until(start)


# --- /daily set --------------------------------------------------------------------------------------

async def test_set_validates_and_saves_nothing_on_bad_input(core: Core) -> None:
    for attempt, message in [
        (lambda: set_daily(core, at="25:00"), "not a time of day"),
        (lambda: set_daily(core, at="nine"), "not a time"),
        (lambda: set_daily(core, tz="Europe/Atlantis"), "not a time zone"),
        (lambda: set_daily(core, kinds="memes"), "not a kind"),
    ]:
        with pytest.raises(UserError, match=message):
            await attempt()
    assert await core.storage.daily.schedules(GUILD) == []
    assert (await core.storage.settings.get(GUILD)).timezone == "UTC"


async def test_set_stores_the_zone_and_answers_the_next_post(core: Core) -> None:
    configured = await set_daily(core, at="9:30", tz="america/new_york")
    assert configured.timezone == "America/New_York"
    assert (await core.storage.settings.get(GUILD)).timezone == "America/New_York"
    # 08:00 UTC is 03:00 in New York: 09:30 today is still to come.
    assert configured.next_due == datetime(2026, 1, 10, 14, 30, tzinfo=UTC)
    assert configured.schedule.post_time == "09:30"


async def test_a_time_already_passed_today_first_posts_tomorrow(core: Core, clock: ManualClock,
                                                                poster: FakePoster) -> None:
    configured = await set_daily(core, at="07:00")
    assert configured.next_due == datetime(2026, 1, 11, 7, 0, tzinfo=UTC)
    await run_at(core, clock, poster, datetime(2026, 1, 10, 23, 0, tzinfo=UTC))
    assert poster.messages == []
    await run_at(core, clock, poster, datetime(2026, 1, 11, 7, 0, tzinfo=UTC))
    assert len(poster.messages) == 1


# --- claim -> send -> record ----------------------------------------------------------------------------

async def test_post_at_the_set_time_is_recorded_once(core: Core, clock: ManualClock, poster: FakePoster) -> None:
    await set_daily(core)
    await run_at(core, clock, poster, datetime(2026, 1, 10, 8, 59, tzinfo=UTC))
    assert poster.messages == []
    await run_at(core, clock, poster, datetime(2026, 1, 10, 9, 0, tzinfo=UTC))
    assert len(poster.messages) == 1
    [post] = await core.storage.daily.posts_on(GUILD, date(2026, 1, 10))
    assert (post.status, post.message_id, post.attempts) == ("sent", poster.messages[0].id, 1)
    # The same topic /discussion today shows that day.
    today = await core.picks.of_the_day("discussion", GUILD, local_date=date(2026, 1, 10))
    assert post.item_id == today.id == poster.messages[0].post.item.id
    # The thread is named after the topic.
    assert poster.threads == {post.message_id: today.title}
    assert found(await core.storage.daily.get_post(post.id), "the post").thread_id == post.message_id
    # Running again the same minute, or later that day, posts nothing more.
    await run_at(core, clock, poster, datetime(2026, 1, 10, 9, 0, 30, tzinfo=UTC))
    await run_at(core, clock, poster, datetime(2026, 1, 10, 22, 0, tzinfo=UTC))
    assert len(poster.messages) == 1
    schedule = await only_schedule(core)
    assert schedule.next_date == date(2026, 1, 11)


async def test_no_topic_repeats_until_the_pool_is_used(core: Core, clock: ManualClock, poster: FakePoster) -> None:
    await set_daily(core)
    pool = (await core.daily.setup.status(GUILD)).remaining["discussion"]
    moment = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
    for day in range(pool):
        await run_at(core, clock, poster, moment + timedelta(days=day))
    ids = [m.post.item.id for m in poster.messages]
    assert len(ids) == pool == len(set(ids))
    assert (await core.daily.setup.status(GUILD)).remaining["discussion"] == 0


async def test_both_kinds_ping_and_thread_once(core: Core, clock: ManualClock, poster: FakePoster) -> None:
    await set_daily(core, kinds="both", role=ROLE)
    await run_at(core, clock, poster, datetime(2026, 1, 10, 9, 0, tzinfo=UTC))
    kinds = [(m.post.kind, m.post.role_id, m.post.thread_name is not None) for m in poster.messages]
    assert kinds == [("discussion", ROLE, True), ("joke", None, False)]
    assert len(poster.threads) == 1


async def test_crash_between_send_and_record_resends_with_the_same_nonce(
        config: Config, core: Core, clock: ManualClock, poster: FakePoster) -> None:
    await set_daily(core)
    poster.crash_after_send = True
    poster.history_readable = False  # only the nonce can save us here
    await crash_at_nine(core, clock, poster)
    [post] = await core.storage.daily.posts_on(GUILD, date(2026, 1, 10))
    assert (post.status, post.attempts, post.message_id) == ("sending", 1, None)
    await shut_down(core)

    # The bot comes back a minute later: the row is resumed and Discord hands back the same message.
    async with restarted(config, clock, datetime(2026, 1, 10, 9, 1, tzinfo=UTC)) as again:
        await again.daily.scheduler.recover(poster)
        await settle(again.daily)
        [post] = await again.storage.daily.posts_on(GUILD, date(2026, 1, 10))
        assert len(poster.messages) == 1
        assert (post.status, post.message_id, post.attempts) == ("sent", poster.messages[0].id, 2)
        await again.daily.scheduler.run_due(poster)
        await settle(again.daily)
        assert len(poster.messages) == 1


async def test_crash_then_a_late_restart_finds_the_message_instead_of_resending(
        config: Config, core: Core, clock: ManualClock, poster: FakePoster) -> None:
    await set_daily(core)
    poster.crash_after_send = True
    await crash_at_nine(core, clock, poster)
    await shut_down(core)

    # An hour later the nonce is forgotten, but the message is in the channel's history.
    async with restarted(config, clock, datetime(2026, 1, 10, 10, 0, tzinfo=UTC)) as again:
        await again.daily.scheduler.recover(poster)
        await settle(again.daily)
        [post] = await again.storage.daily.posts_on(GUILD, date(2026, 1, 10))
        assert (post.status, post.message_id) == ("sent", poster.messages[0].id)
        assert len(poster.messages) == 1
        assert poster.sends == 1


async def test_claim_without_a_send_is_resumed_after_a_restart(
        config: Config, core: Core, clock: ManualClock, poster: FakePoster) -> None:
    await set_daily(core)
    poster.failures.append(Crash())  # dies just before the request leaves
    await crash_at_nine(core, clock, poster)
    await shut_down(core)
    async with restarted(config, clock, datetime(2026, 1, 10, 9, 2, tzinfo=UTC)) as again:
        await again.daily.scheduler.recover(poster)
        await settle(again.daily)
        assert len(poster.messages) == 1
        [post] = await again.storage.daily.posts_on(GUILD, date(2026, 1, 10))
        assert post.status == "sent"


# --- failures -------------------------------------------------------------------------------------------

async def test_transient_failures_are_retried_with_backoff(core: Core, clock: ManualClock,
                                                           poster: FakePoster) -> None:
    await set_daily(core)
    poster.failures += [TransientSendError("Discord had a server error (503)."),
                        TransientSendError("Rate limited.", retry_after=120)]
    await run_at(core, clock, poster, datetime(2026, 1, 10, 9, 0, tzinfo=UTC))
    [post] = await core.storage.daily.posts_on(GUILD, date(2026, 1, 10))
    assert post.status == "sending" and "503" in found(post.error, "the error")
    status = await core.daily.setup.status(GUILD)
    assert [p.id for p in status.problems] == [post.id]
    await clock.advance(14)
    await settle(core.daily)
    assert poster.sends == 1
    await clock.advance(1)  # 15 s: the first backoff
    await settle(core.daily)
    assert poster.sends == 2
    await clock.advance(60)  # the 429 asked for 120 s, more than the 30 s backoff
    await settle(core.daily)
    assert poster.sends == 2
    await clock.advance(60)
    await settle(core.daily)
    assert await _status(core, "sent")
    assert len(poster.messages) == 1
    assert (await core.daily.setup.status(GUILD)).problems == []


async def test_transient_failures_give_up_at_the_end_of_the_catch_up_window(
        core: Core, clock: ManualClock, poster: FakePoster) -> None:
    await set_daily(core)
    poster.failures += [TransientSendError("Discord had a server error (503).") for _ in range(100)]
    await run_at(core, clock, poster, datetime(2026, 1, 10, 9, 0, tzinfo=UTC))
    for _ in range(40):
        await clock.advance(timedelta(minutes=30))
        await settle(core.daily)
    [post] = await core.storage.daily.posts_on(GUILD, date(2026, 1, 10))
    assert post.status == "failed"
    assert str(decode_note(post.error)).startswith("Discord kept failing (")
    assert poster.messages == []
    tries = poster.sends
    assert 3 <= tries <= 20
    poster.failures.clear()
    await clock.advance(timedelta(hours=6))
    await settle(core.daily)
    assert poster.sends == tries  # not retried forever
    # The next day is a post of its own.
    await run_at(core, clock, poster, datetime(2026, 1, 11, 9, 0, tzinfo=UTC))
    assert poster.sends == tries + 1 and len(poster.messages) == 1


async def test_permanent_failure_is_recorded_and_other_servers_still_post(
        core: Core, clock: ManualClock, poster: FakePoster) -> None:
    await set_daily(core)
    await set_daily(core, guild=OTHER_GUILD, channel=OTHER_CHANNEL)
    poster.deleted_channels.add(CHANNEL)
    await run_at(core, clock, poster, datetime(2026, 1, 10, 9, 0, tzinfo=UTC))
    [failed] = await core.storage.daily.posts_on(GUILD, date(2026, 1, 10))
    assert (failed.status, failed.error, failed.attempts) == ("failed", "The channel was deleted.", 1)
    assert [m.post.guild_id for m in poster.messages] == [OTHER_GUILD]
    status = await core.daily.setup.status(GUILD)
    assert [p.error for p in status.problems] == ["The channel was deleted."]
    await clock.advance(timedelta(hours=3))
    await core.daily.scheduler.run_due(poster)
    await settle(core.daily)
    assert poster.sends == 2  # not retried


async def test_thread_failure_is_recorded_but_the_post_stands(core: Core, clock: ManualClock,
                                                               poster: FakePoster) -> None:
    await set_daily(core)
    poster.thread_failures.append(PermanentSendError("I lack the Create Public Threads permission."))
    await run_at(core, clock, poster, datetime(2026, 1, 10, 9, 0, tzinfo=UTC))
    [post] = await core.storage.daily.posts_on(GUILD, date(2026, 1, 10))
    assert post.status == "sent" and post.thread_id is None
    assert "Create Public Threads" in found(post.thread_error, "the thread error")
    assert [p.id for p in (await core.daily.setup.status(GUILD)).problems] == [post.id]


async def test_nothing_to_post_is_a_recorded_failure(core: Core, clock: ManualClock, poster: FakePoster) -> None:
    await set_daily(core)
    for item in await core.storage.items.find(kind="discussion"):
        await retire(core, item.id)
    await run_at(core, clock, poster, datetime(2026, 1, 10, 9, 0, tzinfo=UTC))
    [post] = await core.storage.daily.posts_on(GUILD, date(2026, 1, 10))
    assert post.status == "failed" and "no discussion topics" in found(post.error, "the error")
    assert (await core.daily.setup.status(GUILD)).running_low


async def test_thread_gives_up_after_its_last_try_without_waiting_again(core: Core, clock: ManualClock,
                                                                     poster: FakePoster) -> None:
    await set_daily(core)
    poster.thread_failures += [TransientSendError("Discord had a server error (503).") for _ in range(3)]
    await run_at(core, clock, poster, datetime(2026, 1, 10, 9, 0, tzinfo=UTC))
    await clock.advance(15)
    await settle(core.daily)
    assert clock.sleepers == [datetime(2026, 1, 10, 9, 0, 45, tzinfo=UTC)]
    await clock.advance(30)
    await settle(core.daily)
    # The third try failed too: recorded at once, with no wait after it.
    assert clock.sleepers == []
    [post] = await core.storage.daily.posts_on(GUILD, date(2026, 1, 10))
    assert post.thread_id is None and "503" in found(post.thread_error, "the thread error")


async def test_an_item_retired_before_a_retry_is_replaced(core: Core, clock: ManualClock,
                                                          poster: FakePoster) -> None:
    await set_daily(core)
    poster.failures.append(TransientSendError("Discord had a server error (503)."))
    await run_at(core, clock, poster, datetime(2026, 1, 10, 9, 0, tzinfo=UTC))
    [post] = await core.storage.daily.posts_on(GUILD, date(2026, 1, 10))
    first = post.item_id
    assert first is not None and poster.messages == []
    await retire(core, first)
    await clock.advance(15)
    await settle(core.daily)
    [message] = poster.messages
    assert message.post.item.id != first
    [post] = await core.storage.daily.posts_on(GUILD, date(2026, 1, 10))
    assert (post.status, post.item_id) == ("sent", message.post.item.id)
    assert poster.threads == {message.id: message.post.item.title}


async def test_an_item_hidden_after_the_preview_is_not_posted(core: Core, clock: ManualClock,
                                                              poster: FakePoster) -> None:
    await set_daily(core)
    [previewed] = (await core.daily.setup.preview(GUILD)).items
    await core.storage.moderation.hide(guild_id=GUILD, item_id=previewed.id, reason="moderator",
                                    now="2026-01-10T08:30:00.000000Z")
    await run_at(core, clock, poster, datetime(2026, 1, 10, 9, 0, tzinfo=UTC))
    [message] = poster.messages
    assert message.post.item.id != previewed.id
    # The day's pick follows: /discussion today shows what was posted.
    today = await core.picks.of_the_day("discussion", GUILD, local_date=date(2026, 1, 10))
    assert today.id == message.post.item.id


# --- downtime -------------------------------------------------------------------------------------------

async def test_downtime_inside_the_catch_up_window_posts_once(core: Core, clock: ManualClock,
                                                              poster: FakePoster) -> None:
    await set_daily(core)
    await run_at(core, clock, poster, datetime(2026, 1, 10, 14, 0, tzinfo=UTC))  # 5 h late; window 6 h
    assert len(poster.messages) == 1
    await run_at(core, clock, poster, datetime(2026, 1, 10, 14, 5, tzinfo=UTC))
    assert len(poster.messages) == 1


async def test_downtime_outside_the_catch_up_window_is_recorded_as_missed(core: Core, clock: ManualClock,
                                                                          poster: FakePoster) -> None:
    await set_daily(core)
    late = datetime(2026, 1, 10, 9, 0, tzinfo=UTC) + timedelta(minutes=360) + LATE_GRACE + timedelta(seconds=1)
    await run_at(core, clock, poster, late)
    assert poster.messages == []
    [post] = await core.storage.daily.posts_on(GUILD, date(2026, 1, 10))
    assert post.status == "missed" and "offline" in str(decode_note(post.error))
    assert (await only_schedule(core)).next_date == date(2026, 1, 11)


async def test_days_of_downtime_post_only_the_latest_day(core: Core, clock: ManualClock,
                                                         poster: FakePoster) -> None:
    await set_daily(core)
    await run_at(core, clock, poster, datetime(2026, 1, 13, 10, 0, tzinfo=UTC))
    assert [m.post.local_date for m in poster.messages] == [date(2026, 1, 13)]
    statuses = {d: (await core.storage.daily.posts_on(GUILD, d))[0].status
                for d in (date(2026, 1, 10), date(2026, 1, 11), date(2026, 1, 12), date(2026, 1, 13))}
    assert statuses == {date(2026, 1, 10): "missed", date(2026, 1, 11): "missed", date(2026, 1, 12): "missed",
                        date(2026, 1, 13): "sent"}


async def test_a_claimed_post_resumed_too_late_is_missed(config: Config, core: Core, clock: ManualClock,
                                                         poster: FakePoster) -> None:
    await set_daily(core)
    poster.failures.append(Crash())
    await crash_at_nine(core, clock, poster)
    await shut_down(core)
    async with restarted(config, clock, datetime(2026, 1, 10, 20, 0, tzinfo=UTC)) as again:
        await again.daily.scheduler.recover(poster)
        await settle(again.daily)
        assert poster.messages == []
        [post] = await again.storage.daily.posts_on(GUILD, date(2026, 1, 10))
        assert post.status == "missed"


async def test_catch_up_zero_still_posts_on_time(config: Config, clock: ManualClock, poster: FakePoster) -> None:
    strict = await seeded(replace(config, daily_catch_up_minutes=0))
    core = await open_core(strict, clock)
    try:
        await set_daily(core)
        await run_at(core, clock, poster, datetime(2026, 1, 10, 9, 0, 20, tzinfo=UTC))
        assert len(poster.messages) == 1
        await run_at(core, clock, poster, datetime(2026, 1, 11, 9, 30, tzinfo=UTC))
        assert len(poster.messages) == 1
        assert (await core.storage.daily.posts_on(GUILD, date(2026, 1, 11)))[0].status == "missed"
    finally:
        await shut_down(core)


# --- daylight saving, end to end through the ledger ------------------------------------------------------

async def test_a_skipped_local_time_posts_at_the_next_valid_minute(core: Core, clock: ManualClock,
                                                                    poster: FakePoster) -> None:
    await clock.set(datetime(2026, 3, 28, 12, 0, tzinfo=UTC))
    configured = await set_daily(core, at="01:30")
    assert configured.next_due == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)  # 02:00 BST
    await run_at(core, clock, poster, datetime(2026, 3, 29, 0, 59, tzinfo=UTC))
    assert poster.messages == []
    await run_at(core, clock, poster, datetime(2026, 3, 29, 1, 0, tzinfo=UTC))
    assert [m.post.local_date for m in poster.messages] == [date(2026, 3, 29)]


async def test_a_repeated_local_time_posts_once(core: Core, clock: ManualClock, poster: FakePoster) -> None:
    await clock.set(datetime(2026, 10, 24, 12, 0, tzinfo=UTC))
    await set_daily(core, at="01:30")
    await run_at(core, clock, poster, datetime(2026, 10, 25, 0, 30, tzinfo=UTC))  # 01:30 BST
    await run_at(core, clock, poster, datetime(2026, 10, 25, 1, 30, tzinfo=UTC))  # 01:30 GMT
    await run_at(core, clock, poster, datetime(2026, 10, 25, 23, 0, tzinfo=UTC))
    assert [m.post.local_date for m in poster.messages] == [date(2026, 10, 25)]
    await run_at(core, clock, poster, datetime(2026, 10, 26, 1, 30, tzinfo=UTC))
    assert [m.post.local_date for m in poster.messages] == [date(2026, 10, 25), date(2026, 10, 26)]


# --- the scheduler ------------------------------------------------------------------------------------

async def test_one_scheduler_sleeps_until_the_next_due_time_and_wakes_on_change(
        core: Core, clock: ManualClock, poster: FakePoster) -> None:
    await set_daily(core, at="12:00")
    await set_daily(core, guild=OTHER_GUILD, channel=OTHER_CHANNEL, at="09:00")
    runner = core.daily.scheduler.start(poster)
    try:
        await settle(core.daily)
        # The scheduler sleeps on the clock towards the soonest post, 09:00.
        assert clock.sleepers == [datetime(2026, 1, 10, 9, 0, tzinfo=UTC)]
        await clock.set(datetime(2026, 1, 10, 8, 59, tzinfo=UTC))
        await settle(core.daily)
        assert poster.messages == []
        await clock.set(datetime(2026, 1, 10, 9, 0, tzinfo=UTC))
        await settle(core.daily)
        assert [m.post.guild_id for m in poster.messages] == [OTHER_GUILD]
        # Moving the first server's time earlier wakes the scheduler, which now aims at 10:00.
        await set_daily(core, at="10:00")
        await settle(core.daily)
        assert clock.sleepers == [datetime(2026, 1, 10, 10, 0, tzinfo=UTC)]
        await clock.set(datetime(2026, 1, 10, 10, 0, tzinfo=UTC))
        await settle(core.daily)
        assert [m.post.guild_id for m in poster.messages] == [OTHER_GUILD, GUILD]
        # Nothing else happens at 12:00: the first server's post for today is done.
        await clock.set(datetime(2026, 1, 10, 12, 0, tzinfo=UTC))
        await settle(core.daily)
        assert len(poster.messages) == 2
    finally:
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)


async def test_two_servers_at_the_same_minute(core: Core, clock: ManualClock, poster: FakePoster) -> None:
    await set_daily(core)
    await set_daily(core, guild=OTHER_GUILD, channel=OTHER_CHANNEL)
    await run_at(core, clock, poster, datetime(2026, 1, 10, 9, 0, tzinfo=UTC))
    assert sorted(m.post.guild_id for m in poster.messages) == [GUILD, OTHER_GUILD]


async def test_the_scheduler_resumes_on_start(config: Config, core: Core, clock: ManualClock,
                                              poster: FakePoster) -> None:
    await set_daily(core)
    await shut_down(core)
    # The bot was down at 09:00.
    async with restarted(config, clock, datetime(2026, 1, 10, 9, 30, tzinfo=UTC)) as again:
        runner = again.daily.scheduler.start(poster)
        try:
            await settle(again.daily)
            assert len(poster.messages) == 1
        finally:
            runner.cancel()
            await asyncio.gather(runner, return_exceptions=True)


# --- post-now, off, status, preview ---------------------------------------------------------------------

async def test_post_now_counts_as_todays_post(core: Core, clock: ManualClock, poster: FakePoster) -> None:
    with pytest.raises(UserError, match="daily set"):
        await core.daily.delivery.post_now(GUILD, poster)
    await set_daily(core)
    [result] = await core.daily.delivery.post_now(GUILD, poster)
    assert (result.kind, result.outcome, result.post.status) == ("discussion", "sent", "sent")
    assert result.post.manual
    [again] = await core.daily.delivery.post_now(GUILD, poster)
    assert again.outcome == "already" and again.post.message_id == result.post.message_id
    await run_at(core, clock, poster, datetime(2026, 1, 10, 9, 0, tzinfo=UTC))
    assert len(poster.messages) == 1
    assert (await core.daily.setup.status(GUILD)).next_due == datetime(2026, 1, 11, 9, 0, tzinfo=UTC)


async def test_post_now_retries_a_failed_day_and_reports_trouble(core: Core, clock: ManualClock,
                                                                 poster: FakePoster) -> None:
    await set_daily(core)
    poster.deleted_channels.add(CHANNEL)
    [result] = await core.daily.delivery.post_now(GUILD, poster)
    assert result.outcome == "failed" and result.post.error == "The channel was deleted."
    poster.deleted_channels.clear()
    poster.failures.append(TransientSendError("Discord had a server error (503)."))
    [result] = await core.daily.delivery.post_now(GUILD, poster)
    assert result.outcome == "retrying"
    await clock.advance(15)
    await settle(core.daily)
    assert await _status(core, "sent")
    assert len(poster.messages) == 1


class BlockingPoster(FakePoster):
    """Discord never answers the send."""

    def __init__(self, clock: ManualClock) -> None:
        super().__init__(clock)
        self.sending = asyncio.Event()

    async def send(self, post: OutgoingPost) -> int:
        self.sending.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


async def test_post_now_answers_when_its_delivery_is_stopped(core: Core, clock: ManualClock) -> None:
    await set_daily(core)
    poster = BlockingPoster(clock)
    command = asyncio.create_task(core.daily.delivery.post_now(GUILD, poster))
    await asyncio.wait_for(poster.sending.wait(), 10)
    await core.daily.stop()  # the bot shuts down while the post is on its way
    [result] = await asyncio.wait_for(command, 10)
    assert (result.outcome, result.post.status) == ("already", "sending")


async def test_post_now_cancelled_itself_leaves_the_delivery_running(core: Core, clock: ManualClock) -> None:
    await set_daily(core)
    poster = BlockingPoster(clock)
    command = asyncio.create_task(core.daily.delivery.post_now(GUILD, poster))
    await asyncio.wait_for(poster.sending.wait(), 10)
    command.cancel()
    with pytest.raises(asyncio.CancelledError):
        await command
    assert [t for t in core.daily.delivery._tasks if not t.done()]  # still sending


async def test_off_stops_posts(core: Core, clock: ManualClock, poster: FakePoster) -> None:
    assert not await core.daily.setup.turn_off(GUILD)
    await set_daily(core)
    assert await core.daily.setup.turn_off(GUILD)
    await run_at(core, clock, poster, datetime(2026, 1, 10, 9, 0, tzinfo=UTC))
    assert poster.messages == []
    status = await core.daily.setup.status(GUILD)
    [shown] = status.schedules
    assert not shown.schedule.enabled and shown.next_due is None and status.next_due is None
    # Set again later the same day: today's time has passed, so tomorrow.
    configured = await set_daily(core)
    assert configured.next_due == datetime(2026, 1, 11, 9, 0, tzinfo=UTC)


async def test_status_reports_schedule_last_post_and_content_left(core: Core, clock: ManualClock,
                                                                  poster: FakePoster) -> None:
    empty = await core.daily.setup.status(GUILD)
    assert empty.schedules == [] and empty.last is None and empty.problems == []
    await set_daily(core, kinds="both")
    before = await core.daily.setup.status(GUILD)
    assert set(before.remaining) == {"discussion", "joke"}
    await run_at(core, clock, poster, datetime(2026, 1, 10, 9, 0, tzinfo=UTC))
    after = await core.daily.setup.status(GUILD)
    assert after.last is not None and after.last.message_id in {m.id for m in poster.messages}
    assert after.remaining["discussion"] == before.remaining["discussion"] - 1
    assert after.next_due == datetime(2026, 1, 11, 9, 0, tzinfo=UTC)
    assert bool(after.running_low) == (min(after.remaining.values()) < 7)


async def test_preview_shows_what_will_be_posted(core: Core, clock: ManualClock, poster: FakePoster) -> None:
    with pytest.raises(UserError):
        await core.daily.setup.preview(GUILD)
    await set_daily(core, kinds="both")
    preview = await core.daily.setup.preview(GUILD)
    assert preview.local_date == date(2026, 1, 10)
    assert [i.kind for i in preview.items] == ["discussion", "joke"]
    await run_at(core, clock, poster, datetime(2026, 1, 10, 9, 0, tzinfo=UTC))
    assert [m.post.item.id for m in poster.messages] == [i.id for i in preview.items]


async def test_time_zone_changed_elsewhere_is_followed(core: Core, clock: ManualClock, poster: FakePoster) -> None:
    await set_daily(core)
    await core.storage.settings.update(GUILD, timezone="Asia/Kolkata")
    # Nobody told the scheduler; at the old time it notices and re-plans instead of posting.
    await run_at(core, clock, poster, datetime(2026, 1, 10, 9, 0, tzinfo=UTC))
    assert poster.messages == []
    schedule = await only_schedule(core)
    assert schedule.next_due == datetime(2026, 1, 11, 3, 30, tzinfo=UTC)
    await run_at(core, clock, poster, datetime(2026, 1, 11, 3, 30, tzinfo=UTC))  # 09:00 in Kolkata
    assert [m.post.local_date for m in poster.messages] == [date(2026, 1, 11)]


async def _status(core: Core, status: str) -> bool:
    return any(p.status == status for p in await core.storage.daily.posts_on(GUILD, date(2026, 1, 10)))


# --- days, several schedules, pauses ----------------------------------------------------------------

def nine(day: int, month: int = 1, hour: int = 9) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


async def run_days(core: Core, clock: ManualClock, poster: FakePoster, first: int, last: int,
                   hours: tuple[int, ...] = (9,)) -> None:
    """Let the scheduler run at each hour of each January day from ``first`` to ``last``."""
    for day in range(first, last + 1):
        for hour in hours:
            await run_at(core, clock, poster, nine(day, hour=hour))


async def test_a_schedule_posts_only_on_its_weekdays(core: Core, clock: ManualClock, poster: FakePoster) -> None:
    configured = await set_daily(core, days="mon, wed")
    # Saturday 10 January: the first Monday is the 12th.
    assert configured.next_due == nine(12)
    assert configured.schedule.days.describe() == "on Mon and Wed"
    await run_days(core, clock, poster, 10, 21)
    assert [m.post.local_date.day for m in poster.messages] == [12, 14, 19, 21]
    # Days it does not post on leave no trace in the ledger (nothing "missed").
    assert await core.storage.daily.posts_on(GUILD, date(2026, 1, 13)) == []


async def test_every_n_days_counts_from_the_first_post_across_a_restart(config: Config, core: Core,
                                                                        clock: ManualClock,
                                                                        poster: FakePoster) -> None:
    await set_daily(core, days="every 3 days")
    await run_days(core, clock, poster, 10, 14)
    await shut_down(core)
    async with restarted(config, clock, nine(15, hour=8)) as again:
        await run_days(again, clock, poster, 15, 20)
    assert [m.post.local_date.day for m in poster.messages] == [10, 13, 16, 19]


async def test_bad_days_change_nothing(core: Core) -> None:
    await set_daily(core, days="weekdays")
    before = await core.storage.daily.schedules(GUILD)
    for days, message in [("funday", "not a day of the week"), ("every 0 days", "from 1 to 365")]:
        with pytest.raises(UserError, match=message):
            await set_daily(core, days=days)
    with pytest.raises(UserError, match="not a day of the week"):
        await set_daily(core, channel=OTHER_CHANNEL, days="mon, fryday")
    assert await core.storage.daily.schedules(GUILD) == before


async def test_two_schedules_in_one_server_each_post_once(config: Config, core: Core, clock: ManualClock,
                                                          poster: FakePoster) -> None:
    talk = await set_daily(core, days="mon")
    jokes = await set_daily(core, channel=OTHER_CHANNEL, at="18:00", kinds="joke", days="weekdays")
    assert talk.schedule.id != jokes.schedule.id and not jokes.replaced
    status = await core.daily.setup.status(GUILD)
    assert [(s.schedule.channel_id, s.next_due) for s in status.schedules] == [
        (CHANNEL, nine(12)), (OTHER_CHANNEL, nine(12, hour=18))]
    assert status.next_due == nine(12)
    await run_days(core, clock, poster, 10, 12, hours=(9, 18))
    # A restart after both posted on Monday: nothing again.
    await shut_down(core)
    async with restarted(config, clock, nine(12, hour=19)) as again:
        runner = again.daily.scheduler.start(poster)
        try:
            await settle(again.daily)
        finally:
            runner.cancel()
            await asyncio.gather(runner, return_exceptions=True)
        await run_days(again, clock, poster, 13, 13, hours=(9, 18))
        assert [(m.post.channel_id, m.post.kind, m.post.local_date.day) for m in poster.messages] == [
            (CHANNEL, "discussion", 12), (OTHER_CHANNEL, "joke", 12), (OTHER_CHANNEL, "joke", 13)]
        # Each schedule's rows are its own.
        rows = await again.storage.daily.posts_on(GUILD, date(2026, 1, 12))
        assert sorted((r.schedule_id, r.kind) for r in rows) == [
            (talk.schedule.id, "discussion"), (jokes.schedule.id, "joke")]
        # /daily set in a channel that has a schedule changes that one.
        changed = await set_daily(again, channel=OTHER_CHANNEL, at="17:00", kinds="joke", days="every day")
        assert changed.replaced and changed.schedule.id == jokes.schedule.id
        assert len(await again.storage.daily.schedules(GUILD)) == 2


async def test_post_now_of_one_schedule(core: Core, clock: ManualClock, poster: FakePoster) -> None:
    await set_daily(core)
    jokes = await set_daily(core, channel=OTHER_CHANNEL, kinds="joke")
    [result] = await core.daily.delivery.post_now(GUILD, poster, jokes.schedule.id)
    assert (result.kind, result.outcome, result.post.channel_id) == ("joke", "sent", OTHER_CHANNEL)
    await run_at(core, clock, poster, nine(10))
    assert [m.post.channel_id for m in poster.messages] == [OTHER_CHANNEL, CHANNEL]
    with pytest.raises(UserError, match="no daily schedule"):
        await core.daily.delivery.post_now(GUILD, poster, 999)


async def test_remove_one_schedule_keeps_the_other_and_the_ledger(core: Core, clock: ManualClock,
                                                                  poster: FakePoster) -> None:
    talk = await set_daily(core)
    jokes = await set_daily(core, channel=OTHER_CHANNEL, kinds="joke")
    await run_at(core, clock, poster, nine(10))
    removed = await core.daily.setup.remove(GUILD, talk.schedule.id)
    assert removed.channel_id == CHANNEL
    assert [s.id for s in await core.storage.daily.schedules(GUILD)] == [jokes.schedule.id]
    assert len(await core.storage.daily.posts_on(GUILD, date(2026, 1, 10))) == 2
    # Set again the same day in the same channel: today's discussion is already there.
    again = await set_daily(core)
    assert again.schedule.id != talk.schedule.id and again.next_due == nine(11)
    with pytest.raises(UserError, match="no daily schedule"):
        await core.daily.setup.remove(GUILD, talk.schedule.id)
    with pytest.raises(UserError, match="no daily schedule"):
        await core.daily.setup.remove(OTHER_GUILD, jokes.schedule.id)  # not that server's


async def test_a_pause_over_a_holiday_posts_nothing_and_misses_nothing(config: Config, core: Core,
                                                                       clock: ManualClock,
                                                                       poster: FakePoster) -> None:
    await set_daily(core)
    await set_daily(core, channel=OTHER_CHANNEL, kinds="joke", at="18:00")
    await run_days(core, clock, poster, 10, 10, hours=(9, 18))
    pause, paused = await core.daily.setup.pause(GUILD, "2026-01-12", "2026-01-14")
    assert (pause.start, pause.end) == (date(2026, 1, 12), date(2026, 1, 14)) and len(paused) == 2
    status = await core.daily.setup.status(GUILD)
    assert all(s.paused for s in status.schedules)
    await run_days(core, clock, poster, 11, 12, hours=(9, 18))
    # A restart during the holiday changes nothing.
    await shut_down(core)
    async with restarted(config, clock, nine(13)) as again:
        await run_days(again, clock, poster, 13, 15, hours=(9, 18))
        days = [(m.post.kind, m.post.local_date.day) for m in poster.messages]
        assert days == [("discussion", 10), ("joke", 10), ("discussion", 11), ("joke", 11),
                        ("discussion", 15), ("joke", 15)]
        for day in (12, 13, 14):
            assert await again.storage.daily.posts_on(GUILD, date(2026, 1, day)) == []
        # Over, the pause is no longer shown as one.
        assert not any(s.paused for s in (await again.daily.setup.status(GUILD)).schedules)


async def test_a_pause_can_be_lifted_early_and_bad_pauses_change_nothing(core: Core, clock: ManualClock,
                                                                        poster: FakePoster) -> None:
    talk = await set_daily(core)
    await core.daily.setup.pause(GUILD, "2026-01-10", "2026-01-20", talk.schedule.id)
    assert (await core.daily.setup.status(GUILD)).next_due == nine(21)
    before = await core.storage.daily.schedules(GUILD)
    for start, end, message in [("2026-01-20", "2026-01-12", "would end"), ("soon", "2026-01-12", "not a date"),
                                ("2026-01-01", "2026-01-02", "already over")]:
        with pytest.raises(UserError, match=message):
            await core.daily.setup.pause(GUILD, start, end)
    with pytest.raises(UserError, match="no daily schedule"):
        await core.daily.setup.pause(GUILD, "2026-01-12", "2026-01-13", 999)
    assert await core.storage.daily.schedules(GUILD) == before
    [resumed] = await core.daily.setup.resume(GUILD)
    assert resumed.pause is None and resumed.next_due == nine(10)
    assert await core.daily.setup.resume(GUILD) == []
    await run_at(core, clock, poster, nine(10))
    assert len(poster.messages) == 1


async def test_schedules_in_two_zones_over_daylight_saving_through_restarts(config: Config, core: Core,
                                                                           clock: ManualClock,
                                                                           poster: FakePoster) -> None:
    # London on Sundays at 01:30 (skipped on 29 March: posted at 02:00 BST); New York on weekdays at
    # 09:00 (EST until 8 March, EDT after).
    await set_daily(core, at="01:30", days="sun")
    await set_daily(core, guild=OTHER_GUILD, channel=OTHER_CHANNEL, tz="America/New_York", days="weekdays")
    moments = [datetime(2026, 3, d, h, m, tzinfo=UTC) for d, h, m in
               [(6, 14, 0), (8, 1, 30), (9, 13, 0), (22, 1, 30), (27, 13, 0), (29, 1, 0), (30, 13, 0)]]
    for moment in moments:
        # The bot is restarted before each post.
        await shut_down(core)
        core = await open_core(config, clock)
        await run_at(core, clock, poster, moment - timedelta(minutes=1))
        await run_at(core, clock, poster, moment)
    await shut_down(core)
    core = await open_core(config, clock)
    sent = [(m.post.guild_id, m.at) for m in poster.messages]
    assert sent == [(OTHER_GUILD, moments[0]), (GUILD, moments[1]), (OTHER_GUILD, moments[2]),
                    (GUILD, moments[3]), (OTHER_GUILD, moments[4]), (GUILD, moments[5]), (OTHER_GUILD, moments[6])]
    await shut_down(core)


async def test_a_schedule_from_before_migration_8_keeps_its_settings_and_ledger(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with schema_at(path, 7) as old:
        old.execute("""INSERT INTO daily_schedules (guild_id, channel_id, post_time, kinds, role_id, thread, enabled,
                                                    next_date, next_due, updated_at)
                       VALUES (?, ?, '09:00', 'both', ?, 1, 1, '2026-01-11', '2026-01-11T09:00:00.000000Z',
                               '2026-01-10T08:00:00.000000Z')""", (GUILD, CHANNEL, ROLE))
        old.execute("""INSERT INTO daily_posts (guild_id, kind, local_date, status, channel_id, nonce, due_at,
                                                claimed_at, message_id)
                       VALUES (?, 'discussion', '2026-01-10', 'sent', ?, '12', '2026-01-10T09:00:00.000000Z',
                               '2026-01-10T09:00:00.000000Z', 777)""", (GUILD, CHANNEL))
    db = await Database.open(path)
    try:
        daily = DailyRepository(db)
        [schedule] = await daily.schedules(GUILD)
        assert (schedule.channel_id, schedule.post_time, schedule.kinds, schedule.role_id, schedule.thread,
                schedule.enabled, schedule.next_date) == (CHANNEL, "09:00", "both", ROLE, True, True, date(2026, 1, 11))
        assert schedule.days.describe() == "every day" and schedule.pause is None
        [post] = await daily.posts_on(GUILD, date(2026, 1, 10))
        assert (post.schedule_id, post.message_id, post.status) == (schedule.id, 777, "sent")
        # The migrated row still settles its date for that schedule: a second claim finds it.
        found, claimed = await daily.claim_now(schedule, NewPost(
            kind="discussion", local_date=date(2026, 1, 10), status="sending", channel_id=CHANNEL,
            due_at="2026-01-10T10:00:00.000000Z", nonce="13"), now="2026-01-10T10:00:00.000000Z")
        assert not claimed and found.id == post.id
    finally:
        await db.close()


# --- review reminders -------------------------------------------------------------------------------

MODLOG = 2009


class FakeSender:
    def __init__(self) -> None:
        self.sent: list[Reminder] = []
        self.fail = False

    async def remind(self, reminder: Reminder) -> None:
        if self.fail:
            raise PermanentSendError("Missing Access")
        self.sent.append(reminder)


async def open_case(core: Core, guild: int, type: str, when: datetime, item_id: int | None = None) -> int:
    return await core.storage.moderation.add_case(guild_id=guild, type=type, kind="joke", user_id=5, now=iso(when),
                                                  item_id=item_id)


async def test_reminders_once_a_local_day_only_for_an_old_queue_with_a_mod_log(config: Config, core: Core,
                                                                               clock: ManualClock) -> None:
    sender = FakeSender()
    reminders = core.daily.reminders
    assert await reminders.run_once(sender) == 0  # nothing waits anywhere
    await core.storage.settings.update(GUILD, modlog_channel_id=MODLOG, timezone="Asia/Kolkata")
    await open_case(core, GUILD, "suggestion", nine(10, hour=8))
    await open_case(core, OTHER_GUILD, "suggestion", nine(9))  # no mod-log channel there: never reminded
    await clock.set(nine(11, hour=7))  # 23 hours
    assert await reminders.run_once(sender) == 0
    item = await core.picks.of_the_day("joke", GUILD, local_date=date(2026, 1, 10))
    await open_case(core, GUILD, "report", nine(11, hour=7), item_id=item.id)
    await clock.set(nine(11, hour=9))
    assert await reminders.run_once(sender) == 1
    [first] = sender.sent
    assert (first.guild_id, first.channel_id, first.suggestions, first.reports, first.size) == (GUILD, MODLOG, 1, 1, 2)
    assert first.waited == timedelta(hours=25) and first.oldest == nine(10, hour=8)
    # Later that local day, and after a restart, nothing more.
    await clock.set(nine(11, hour=18))
    assert await reminders.run_once(sender) == 0
    await shut_down(core)
    async with restarted(config, clock, nine(11, hour=18)) as again:
        assert await again.daily.reminders.run_once(sender) == 0
        # 18:30 UTC is midnight in Kolkata: a new local day, a new reminder.
        await clock.set(datetime(2026, 1, 11, 18, 30, tzinfo=UTC))
        assert await again.daily.reminders.run_once(sender) == 1
        # A failed send is not retried that day (at most one a day), but the next day tries again.
        await clock.set(datetime(2026, 1, 12, 18, 30, tzinfo=UTC))
        sender.fail = True
        assert await again.daily.reminders.run_once(sender) == 0
        sender.fail = False
        assert await again.daily.reminders.run_once(sender) == 0
        await clock.set(datetime(2026, 1, 13, 18, 30, tzinfo=UTC))
        assert await again.daily.reminders.run_once(sender) == 1
        assert [r.guild_id for r in sender.sent] == [GUILD] * 3
