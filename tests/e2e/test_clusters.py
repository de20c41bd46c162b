"""Banter as two shard clusters, end to end: two real bot processes, shard 0 and shard 1 of 2, each
started as ``python -m bot run`` starts it (:mod:`tests.e2e.cluster_child`), on one PostgreSQL
database, against one emulator in this process that requires sharding.

- Twenty servers, ten on each shard, all with a daily post due at 12:00: each gets exactly one post,
  sent by the cluster that runs its shard, even when shard 0's cluster is killed (SIGKILL) just
  after claiming its ten posts and before sending any: its replacement finishes those very claims.
- Members of servers on both shards vote on the same joke: every cluster counts every vote.

PostgreSQL only: several processes on one SQLite file are refused by design. Nothing sleeps: the
test waits on the clusters' own lines, their exits and the emulator, each with a deadline.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.sharding import shard_of
from discord_emulator import Channel, DiscordEmulator, Member, Message, Permissions
from tests.e2e.clusters import Cluster, Processes, cluster_config, cluster_of, processes
from tests.e2e.harness import assert_no_pings, fresh_config
from tests.e2e.seen import Shown, shipped_entry
from tests.support import joke_body

pytestmark = pytest.mark.backends("postgres")

SHARDS = 2
DUE = datetime(2026, 3, 14, 12, 0, tzinfo=UTC)
# Where the clusters' clocks stand while the servers are set up; released, they reach 12:00 a second later.
JUST_BEFORE = DUE - timedelta(seconds=1)
# How long a step that involves the clusters may take on a busy machine (never waited out: each
# wait ends as soon as what it waits for happens).
DEADLINE = 30.0


@dataclass
class Server:
    emu: DiscordEmulator
    number: int
    channel: Channel
    people: list[Member]

    @property
    def shard(self) -> int:
        assert self.channel.guild_id is not None
        return shard_of(self.channel.guild_id, SHARDS)

    async def run(self, who: Member, command: str, **options: Any) -> Shown:
        """``who`` runs ``/command`` in the server's channel: the answer they see."""
        ix = await self.emu.slash(who, self.channel, command, **options)
        assert await ix.outcome(timeout=DEADLINE) is not None, f"the bot refused {command} in server {self.number}"
        return Shown(self.emu, await ix.original_message(timeout=DEADLINE))

    async def click(self, who: Member, message: Shown, emoji: str) -> None:
        """``who`` clicks the button with ``emoji`` on ``message``, and the bot answers."""
        [button] = [b for b in message.buttons if b.emoji == emoji]
        ix = await self.emu.click(who, message.id, custom_id=button.custom_id)
        assert await ix.outcome(timeout=DEADLINE) is not None, f"the bot refused a click in server {self.number}"

    def daily_posts(self) -> list[Message]:
        return [m for m in self.emu.channel_messages(self.channel) if "of the day**" in m.text()]

    async def daily_post(self) -> Message:
        """The server's daily post, once it is there."""
        return await self.emu.wait_for_message(self.channel, lambda m: "of the day**" in m.text(), timeout=DEADLINE)


def add_servers(emu: DiscordEmulator, count: int, people: int, *, moderators: bool = False) -> list[Server]:
    """``count`` servers, alternately on shard 0 and shard 1, each with a channel and ``people``
    members (Manage Server, through an Admins role, with ``moderators``)."""
    servers = []
    for n in range(count):
        guild = emu.add_guild(f"Server {n}", shard=(n % SHARDS, SHARDS))
        roles = [emu.add_role(guild, "Admins", int(Permissions.MANAGE_GUILD))] if moderators else []
        members = [emu.add_member(guild, f"member{n}-{k}", roles=roles) for k in range(people)]
        servers.append(Server(emu, n, emu.add_text_channel(guild, "daily"), members))
    return servers


@asynccontextmanager
async def discord_and_database(tmp_path: Path) -> AsyncIterator[tuple[DiscordEmulator, Path]]:
    """The emulator (sharding required, the bot's traffic checked against Discord's spec) and the
    clusters' shared config on a PostgreSQL database of the test's own."""
    database = (await fresh_config(tmp_path)).database_url
    assert database is not None, "the clusters need PostgreSQL"
    emu = DiscordEmulator(require_sharding=True)
    await emu.start()
    try:
        yield emu, cluster_config(tmp_path, database, SHARDS)
    finally:
        await emu.stop()
    assert emu.spec_violations == []
    assert_no_pings(emu)


async def both_ready(emu: DiscordEmulator, *clusters: Cluster) -> None:
    await asyncio.gather(*(c.ready() for c in clusters))
    assert sorted(s.shard for s in emu.gateway.live_sessions() if s.connection is not None) == [(0, 2), (1, 2)]


async def start_both(clusters: Processes) -> tuple[Cluster, Cluster]:
    """Shard 0's and shard 1's clusters, their clocks running from 12:00."""
    return (await clusters.start(0, "shard0", clock=DUE), await clusters.start(1, "shard1", clock=DUE))


def sends_to(emu: DiscordEmulator, server: Server) -> list[str | None]:
    """Which cluster made each message request to the server's channel (by its User-Agent)."""
    return [cluster_of(r.user_agent) for r in emu.requests_to("POST", rf"/channels/{server.channel.id}/messages$")]


async def test_each_server_gets_one_post_from_its_own_cluster_even_when_one_dies_after_claiming(
        tmp_path: Path) -> None:
    async with discord_and_database(tmp_path) as (emu, config), processes(emu, config, tmp_path) as clusters:
        servers = add_servers(emu, 20, 1, moderators=True)
        theirs = {shard: [s for s in servers if s.shard == shard] for shard in range(SHARDS)}
        assert [len(theirs[0]), len(theirs[1])] == [10, 10]
        doomed = await clusters.start(0, "shard0", clock=JUST_BEFORE, held=True, die_after_claims=True)
        other = await clusters.start(1, "shard1", clock=JUST_BEFORE, held=True)
        await both_ready(emu, doomed, other)

        # Every server's moderator sets a daily post for 12:00, all at once: each server's
        # interaction reaches its own cluster.
        answers = await asyncio.gather(*(s.run(s.people[0], "daily set", channel=s.channel, time="12:00",
                                               thread=False) for s in servers))
        for answer in answers:
            assert "every day at **12:00**" in answer.content

        doomed.release_clock()
        other.release_clock()
        # Shard 0's cluster claims its ten posts and is killed before it sends any.
        nonces = await doomed.said("claimed", DEADLINE)
        assert await doomed.ended() == -signal.SIGKILL
        assert len(set(nonces)) == 10
        posts = {s.number: await s.daily_post() for s in theirs[1]}
        assert all(s.daily_posts() == [] for s in theirs[0])

        # Its replacement (shard 0 again, a minute later) finishes those claims: their nonces.
        replacement = await clusters.start(0, "shard0-again", clock=DUE + timedelta(minutes=1))
        await replacement.ready()
        posts |= {s.number: await s.daily_post() for s in theirs[0]}
        assert sorted(str(posts[s.number].nonce) for s in theirs[0]) == sorted(nonces)

        # Asked to post now, each cluster finds today's post already made (or in hand), in every server.
        answers = await asyncio.gather(*(s.run(s.people[0], "daily post-now") for s in servers))
        for server, answer in zip(servers, answers, strict=True):
            assert answer.ephemeral
            assert (f"already posted: https://discord.com/channels/{server.channel.guild_id}/{server.channel.id}/"
                    f"{posts[server.number].id}" in answer.content
                    or "is being posted already" in answer.content), answer.content

        # Once both have stopped, nothing more can come: one post per server, each sent once, by the
        # cluster that runs its shard.
        assert await other.stop() == 0
        assert await replacement.stop() == 0
        for server in servers:
            assert [m.id for m in server.daily_posts()] == [posts[server.number].id]
            assert sends_to(emu, server) == ["shard0-again" if server.shard == 0 else "shard1"]


async def test_votes_from_both_clusters_on_one_joke_add_up(tmp_path: Path) -> None:
    async with discord_and_database(tmp_path) as (emu, config), processes(emu, config, tmp_path) as clusters:
        servers = add_servers(emu, 4, 3)
        first, second = await start_both(clusters)
        await both_ready(emu, first, second)
        setup = joke_body(shipped_entry("joke", "pun-001").body).setup
        assert setup is not None
        # The same joke in every server, each shown by its own cluster.
        jokes = [await s.run(s.people[0], "joke", search=setup) for s in servers]
        [item] = {joke.item_id for joke in jokes}

        async def votes(server: Server, joke: Shown) -> None:
            # One after another within a server: each answer redraws the buttons with the count its
            # vote saw, and answers to clicks at the same moment may reach Discord in either order.
            for who in server.people:
                await server.click(who, joke, "👍")

        def ranked(count: int) -> str:
            return f"#{item} · 👍 {count} · 👎 0"

        # Server 0's members (shard 0) vote: shard 1's cluster counts them at once.
        await votes(servers[0], jokes[0])
        assert jokes[0].votes == (3, 0)
        assert ranked(3) in (await servers[1].run(servers[1].people[0], "top", kind="jokes", scope="global")).embed.text

        # Everyone else votes at the same time, the three servers at once, through both clusters.
        await asyncio.gather(*(votes(s, j) for s, j in zip(servers[1:], jokes[1:], strict=True)))
        for server, joke in zip(servers, jokes, strict=True):
            assert joke.votes == (3, 0)  # the buttons count the server's own votes
            top = await server.run(server.people[1], "top", kind="jokes", scope="global")
            assert ranked(12) in top.embed.text, f"server {server.number} (shard {server.shard}) sees {top.embed.text}"
        assert await first.stop() == 0
        assert await second.stop() == 0

