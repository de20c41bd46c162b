"""Daily posts when the bot runs as clusters: each process schedules, resumes and posts only for its
own shards' servers, and the ledger's claim still makes every post once.

Two cores on one SQLite file stand for two clusters (shard 0 and shard 1 of 2); each has its own
fake Discord (:class:`FakePoster`) so a test can tell which cluster posted.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta

import msgspec
import pytest

from bot.config import Config
from bot.core import Core
from bot.services.daily.scheduler import CLUSTER_LOOKAHEAD
from bot.sharding import Shards, shard_of
from tests.clocks import WatchedClock
from tests.template_db import seeded
from tests.test_daily_service import MODLOG, Crash, FakePoster, FakeSender, open_case, set_daily, settle, shut_down

# Servers on shard 0 and on shard 1 of 2: a server's shard is (id >> 22) % 2.
SHARD0_GUILD = 40 << 22 | 5
SHARD1_GUILD = 41 << 22 | 5
CHANNEL0, CHANNEL1 = 2001, 2002
NINE = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> WatchedClock:
    return WatchedClock(datetime(2026, 1, 10, 8, 0, tzinfo=UTC))


@asynccontextmanager
async def cluster(config: Config, clock: WatchedClock, shard: int) -> AsyncIterator[Core]:
    core = await Core.open(msgspec.structs.replace(config, shards=Shards(2, (shard,))), clock=clock,
                           rng=random.Random(shard))
    try:
        yield core
    finally:
        await shut_down(core)


async def running(core: Core, poster: FakePoster) -> asyncio.Task[None]:
    task = core.daily.scheduler.start(poster)
    await settle(core.daily)
    return task


async def stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


def test_the_servers_are_on_the_shards_the_tests_say() -> None:
    assert (shard_of(SHARD0_GUILD, 2), shard_of(SHARD1_GUILD, 2)) == (0, 1)


async def test_each_cluster_posts_only_in_its_own_servers(config: Config, clock: WatchedClock) -> None:
    config = await seeded(config)
    posters = [FakePoster(clock), FakePoster(clock)]
    async with cluster(config, clock, 0) as first, cluster(config, clock, 1) as second:
        await set_daily(first, guild=SHARD0_GUILD, channel=CHANNEL0)
        await set_daily(second, guild=SHARD1_GUILD, channel=CHANNEL1)
        tasks = [await running(first, posters[0]), await running(second, posters[1])]
        try:
            await clock.set(NINE)
            await settle(first.daily)
            assert [m.post.guild_id for m in posters[0].messages] == [SHARD0_GUILD]
            assert [m.post.guild_id for m in posters[1].messages] == [SHARD1_GUILD]
            for guild in (SHARD0_GUILD, SHARD1_GUILD):
                [post] = await first.storage.daily.posts_on(guild, date(2026, 1, 10))
                assert post.status == "sent"
        finally:
            for task in tasks:
                await stop(task)


async def test_another_clusters_overdue_post_neither_posts_here_nor_keeps_this_one_awake(
        config: Config, clock: WatchedClock) -> None:
    config = await seeded(config)
    poster = FakePoster(clock)
    async with cluster(config, clock, 0) as first:
        await set_daily(first, guild=SHARD0_GUILD, channel=CHANNEL0, at="12:00")
        await set_daily(first, guild=SHARD1_GUILD, channel=CHANNEL1, at="09:00")
        task = await running(first, poster)
        try:
            # Shard 1's cluster is down: its 09:00 comes and goes, and this one does not post it.
            # It sleeps towards its own 12:00 (looking again within the hour), never spinning on
            # the other's overdue schedule.
            assert clock.sleepers == [NINE - timedelta(hours=1) + CLUSTER_LOOKAHEAD]
            await clock.set(NINE + timedelta(minutes=30))
            await settle(first.daily)
            assert poster.messages == []
            assert clock.sleepers == [NINE + timedelta(minutes=30) + CLUSTER_LOOKAHEAD]
            await clock.set(datetime(2026, 1, 10, 12, 0, tzinfo=UTC))
            await settle(first.daily)
            assert [m.post.guild_id for m in poster.messages] == [SHARD0_GUILD]
            assert await first.storage.daily.posts_on(SHARD1_GUILD, date(2026, 1, 10)) == []
        finally:
            await stop(task)
    # Shard 1's cluster comes back within the catch-up window and posts its own, once.
    other = FakePoster(clock)
    async with cluster(config, clock, 1) as second:
        task = await running(second, other)
        await stop(task)
    assert [m.post.guild_id for m in other.messages] == [SHARD1_GUILD]


async def test_a_claim_cut_short_is_finished_by_its_own_clusters_successor_only(
        config: Config, clock: WatchedClock) -> None:
    config = await seeded(config)
    poster = FakePoster(clock)
    async with cluster(config, clock, 1) as doomed:
        await set_daily(doomed, guild=SHARD1_GUILD, channel=CHANNEL1)
        poster.failures.append(Crash())  # the cluster dies between the claim and the send
        await clock.set(NINE)
        await doomed.daily.scheduler.run_due(poster)
        with pytest.raises(Crash):
            await next(iter(doomed.daily.delivery._tasks))
    await clock.set(NINE + timedelta(minutes=2))
    # The other cluster starting up leaves the claim alone: the server is not on its shards.
    bystander = FakePoster(clock)
    async with cluster(config, clock, 0) as other:
        await other.daily.scheduler.recover(bystander)
        await settle(other.daily)
        assert bystander.sends == 0
        [post] = await other.storage.daily.posts_on(SHARD1_GUILD, date(2026, 1, 10))
        assert post.status == "sending"
    # Its replacement (the same shard) finishes it, once.
    async with cluster(config, clock, 1) as successor:
        await successor.daily.scheduler.recover(poster)
        await settle(successor.daily)
        [post] = await successor.storage.daily.posts_on(SHARD1_GUILD, date(2026, 1, 10))
        assert post.status == "sent"
        assert [m.post.guild_id for m in poster.messages] == [SHARD1_GUILD]


async def test_a_review_reminder_is_sent_by_its_own_servers_cluster_only(config: Config, clock: WatchedClock) -> None:
    config = await seeded(config)
    senders = [FakeSender(), FakeSender()]
    async with cluster(config, clock, 0) as first, cluster(config, clock, 1) as second:
        for guild in (SHARD0_GUILD, SHARD1_GUILD):
            await first.storage.settings.update(guild, modlog_channel_id=MODLOG)
            await open_case(first, guild, "suggestion", NINE - timedelta(days=2))
        await clock.set(NINE)
        # Shard 0's cluster checks first and reminds its own server alone: the other server's
        # reminder is its cluster's to send (in that server's language, with what it knows of it).
        assert await first.daily.reminders.run_once(senders[0]) == 1
        assert await second.daily.reminders.run_once(senders[1]) == 1
        assert [[r.guild_id for r in s.sent] for s in senders] == [[SHARD0_GUILD], [SHARD1_GUILD]]
