"""Banter as one cluster of a sharded bot, end to end: started as ``python -m bot run`` starts it with
``discord.shard_count: 2`` and ``discord.shard_ids: [1]``, against an emulator that requires
sharding and holds guilds on both shards. It connects as shard 1 alone, answers commands in shard
1's guilds (shard 0's have no session to reach), and its daily posts go only to its own guilds.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.sandbox.app import run_banter
from bot.sharding import shard_of
from discord_emulator import Channel, Guild, InvocationError, Member
from discord_emulator import Permissions as P
from discord_emulator.driver import sandbox
from tests.clocks import WatchedClock
from tests.e2e.harness import START, fresh_config

DUE = datetime(2026, 3, 14, 12, 30, tzinfo=UTC)
CLUSTER = "discord:\n  shard_count: 2\n  shard_ids: [1]\n"


def daily_channel(guild: Guild) -> Channel:
    return next(c for c in guild.channels.values() if c.name == "daily")


async def test_a_cluster_answers_and_posts_only_in_its_own_shards_guilds(tmp_path: Path) -> None:
    config = await fresh_config(tmp_path, CLUSTER)
    clock = WatchedClock(START)
    async with sandbox(channels=("daily",), members=("alice",), require_sharding=True) as sb:
        emu = sb.emu
        mods: dict[int, Member] = {}
        guilds = [sb.guild] + [emu.add_guild(f"Server {n}", shard=(n % 2, 2)) for n in range(4)]
        for guild in guilds:
            if guild is not sb.guild:
                emu.add_text_channel(guild, "daily")
            role = emu.add_role(guild, "Admins", int(P.MANAGE_GUILD))
            mods[guild.id] = emu.add_member(guild, f"mod{len(mods)}", roles=[role])
        mine = [g for g in guilds if shard_of(g.id, 2) == 1]
        theirs = [g for g in guilds if shard_of(g.id, 2) == 0]
        assert len(mine) >= 2 and len(theirs) >= 2

        async with run_banter(emu, config, clock) as bot:
            await emu.wait_for_commands(["joke", "daily"])
            # One session, shard 1 of 2, holding shard 1's guilds and no others.
            assert [s.shard for s in emu.gateway.live_sessions()] == [(1, 2)]
            assert sorted(g.id for g in bot.guilds) == sorted(g.id for g in mine)

            for guild in mine:
                ix = await emu.slash(mods[guild.id], daily_channel(guild), "joke")
                answer = await ix.original_message()
                assert answer.embeds and not answer.ephemeral
                ix = await emu.slash(mods[guild.id], daily_channel(guild), "daily set", channel=daily_channel(guild),
                                     time="12:30", timezone="Europe/London", thread=False)
                assert "every day at **12:30**" in (await ix.original_message()).content
            for guild in theirs:
                # Nobody here runs shard 0: its interactions cannot reach this cluster.
                with pytest.raises(InvocationError, match="shard 0 of 2"):
                    await emu.slash(mods[guild.id], daily_channel(guild), "joke")
                # Shard 0's cluster set its daily posts up in the shared database.
                await bot.core.daily.setup.configure(guild.id, channel_id=daily_channel(guild).id, time_text="12:30",
                                                     timezone="Europe/London", kinds="discussion", role_id=None,
                                                     thread=False)
            await asyncio.wait_for(clock.quiet(), 10)

            await clock.set(DUE - timedelta(seconds=1))
            await asyncio.wait_for(clock.quiet(), 10)
            await clock.set(DUE)
            await asyncio.wait_for(clock.quiet(), 10)
            for guild in mine:
                posts = [m for m in emu.channel_messages(daily_channel(guild)) if "of the day**" in m.content]
                assert len(posts) == 1 and posts[0].author_id == emu.bot_user.id
            for guild in theirs:
                # Left to shard 0's cluster: not posted, and not claimed either.
                assert emu.channel_messages(daily_channel(guild)) == []
                assert await bot.core.storage.daily.posts_on(guild.id, DUE.date()) == []
        assert emu.spec_violations == []
