"""Banter as one cluster of a sharded bot, end to end: started as ``python -m bot run`` starts it with
``discord.shard_count: 2`` and ``discord.shard_ids: [1]``, against an emulator that requires
sharding and holds servers on both shards. It connects as shard 1 alone, answers commands in shard
1's servers (shard 0's have no session to reach), and its daily posts go only to its own servers,
leaving shard 0's to the cluster that runs them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec
import pytest

from bot.sharding import shard_of
from discord_emulator import InvocationError
from tests.e2e.harness import Banter, Person, Server, banter, make_config

DUE = datetime(2026, 3, 14, 12, 30, tzinfo=UTC)
CLUSTER = "discord:\n  shard_count: 2\n  shard_ids: [1]\n"
OTHER_CLUSTER = "discord:\n  shard_count: 2\n  shard_ids: [0]\n"


def runs_here(server: Server) -> bool:
    return shard_of(server.id, 2) == 1


async def someone(b: Banter, name: str, server: Server) -> Person:
    """A moderator in a server this cluster runs; in shard 0's servers the bot never learns of roles,
    so there it is just someone (nothing they run reaches this cluster anyway)."""
    return await b.moderator(name, server=server) if runs_here(server) else await b.join(name, server=server)


async def test_a_cluster_answers_and_posts_only_in_its_own_shards_guilds(tmp_path: Path) -> None:
    async with banter(tmp_path, config_extra=CLUSTER, channels=("daily",), members=("alice",),
                      require_sharding=True) as b:
        servers = [b.home] + [await b.add_server(f"Server {n}", ("daily",), shard=(n % 2, 2)) for n in range(4)]
        people = {server.id: await someone(b, f"mod{n}", server) for n, server in enumerate(servers)}
        mine = [s for s in servers if runs_here(s)]
        theirs = [s for s in servers if not runs_here(s)]
        assert len(mine) >= 2 and len(theirs) >= 2

        # One session, shard 1 of 2, holding shard 1's servers and no others.
        assert [s.shard for s in b.emu.gateway.live_sessions()] == [(1, 2)]
        assert sorted(g.id for g in b.bot.guilds) == sorted(s.id for s in mine)

        for server in mine:
            mod = people[server.id]
            joke = await mod.run_in(server.channel("daily"), "joke")
            assert joke.embeds and not joke.ephemeral
            daily = await mod.run_in(server.channel("daily"), "daily set", channel=server.channel("daily"),
                                     time="12:30", timezone="Europe/London", thread=False)
            assert "every day at **12:30**" in daily.content
        for server in theirs:
            # Nobody here runs shard 0: its interactions cannot reach this cluster.
            with pytest.raises(InvocationError, match="shard 0 of 2"):
                await people[server.id].run_in(server.channel("daily"), "joke")
            # Shard 0's cluster set its daily posts up in the shared database (as its moderators'
            # /daily set would have): this cluster must leave them to it.
            await b.core.daily.setup.configure(server.id, channel_id=server.channel("daily").id, time_text="12:30",
                                               timezone="Europe/London", kinds="discussion", role_id=None,
                                               thread=False)
        await b.settle()

        await b.at(DUE - timedelta(seconds=1))
        await b.at(DUE)
        for server in mine:
            posts = [m for m in b.messages(server.channel("daily")) if "of the day**" in m.content]
            assert len(posts) == 1 and posts[0].author_id == b.emu.bot_user.id
        for server in theirs:
            # Left to shard 0's cluster: nothing posted there by this one.
            assert b.messages(server.channel("daily")) == []

        # Neither claimed: when shard 0's cluster comes up on the same database, it posts them.
        # The same database (SQLite file or PostgreSQL), now as shard 0's cluster.
        b.config = msgspec.structs.replace(b.config, shards=make_config(tmp_path, OTHER_CLUSTER).shards)
        await b.restart()
        assert [s.shard for s in b.emu.gateway.live_sessions()] == [(0, 2)]
        for server in theirs:
            posts = [m for m in b.messages(server.channel("daily")) if "of the day**" in m.content]
            assert len(posts) == 1 and posts[0].author_id == b.emu.bot_user.id
