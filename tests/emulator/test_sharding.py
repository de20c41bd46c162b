"""Sharding on the emulator, as on Discord: GET /gateway/bot recommends a shard count, IDENTIFY names
``shard: [id, count]``, each guild's events (GUILD_CREATE, messages, interactions) reach only the
session of its shard ``(guild_id >> 22) % count``, and a session that must shard and does not is
closed with 4011 (an invalid shard with 4010)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands

from discord_emulator import DiscordEmulator
from discord_emulator.driver import Sandbox, running_bot, sandbox
from discord_emulator.errors import InvocationError
from discord_emulator.models import Guild


class ShardBot(discord.AutoShardedClient):
    """A sharded bot whose /where says which shard answered, and which remembers the messages it saw."""

    def __init__(self, **options: Any) -> None:
        super().__init__(intents=discord.Intents.default(), guild_ready_timeout=0.01, **options)
        self.tree = app_commands.CommandTree(self)
        self.seen: list[tuple[int | None, int]] = []  # (shard, guild) of each message heard

        @self.tree.command()
        async def where(interaction: discord.Interaction) -> None:
            """Which shard this is."""
            assert interaction.guild is not None
            await interaction.response.send_message(f"shard {interaction.guild.shard_id}")

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        # discord.py waits 5 s between shards' IDENTIFYs to respect Discord's limit; the emulator
        # has none to respect.
        return None

    async def setup_hook(self) -> None:
        await self.tree.sync()

    async def on_message(self, message: discord.Message) -> None:
        if message.guild is not None and message.author != self.user:
            self.seen.append((message.guild.shard_id, message.guild.id))


def shard_of(guild: Guild, count: int) -> int:
    return (guild.id >> 22) % count


@pytest.fixture
async def world() -> AsyncIterator[Sandbox]:
    """Four guilds in one emulator (the sandbox's own and three more), checked against the spec."""
    async with sandbox(shard_count=2, strict_spec=True) as sb:
        for n in range(3):
            guild = sb.emu.add_guild(f"Guild {n}")
            sb.emu.add_text_channel(guild, "general")
            sb.emu.add_member(guild, "alice")
        yield sb


def general(emu: DiscordEmulator, guild: Guild) -> Any:
    return next(c for c in guild.channels.values() if c.name == "general")


def test_guilds_made_one_after_another_spread_over_the_shards() -> None:
    emu = DiscordEmulator(spec_path=None)
    guilds = [emu.add_guild(f"g{n}") for n in range(12)]
    for count in (2, 3, 4):
        # Consecutive guilds take consecutive milliseconds (or later): every shard gets some.
        assert {shard_of(g, count) for g in guilds} == set(range(count))
    placed = [emu.add_guild(f"on {n}", shard=(n % 3, 3)) for n in range(6)]
    assert [shard_of(g, 3) for g in placed] == [0, 1, 2, 0, 1, 2]
    assert len({g.id for g in guilds + placed}) == 18
    with pytest.raises(ValueError, match="shard 3 is not one of 3"):
        emu.add_guild("nowhere", shard=(3, 3))


async def test_gateway_bot_gives_the_shard_count_and_the_session_start_limit(world: Sandbox) -> None:
    async with running_bot(world.emu, ShardBot) as client:
        shards, url, limit = await client.http.get_bot_gateway()
        assert shards == 2 == client.shard_count
        assert url == world.emu.gateway_url
        assert limit["total"] == 1000 and limit["max_concurrency"] == 1
        assert limit["remaining"] == 1000 - 2  # one IDENTIFY per shard so far


async def test_the_recommended_count_follows_the_guilds() -> None:
    emu = DiscordEmulator(spec_path=None)
    assert emu.world.recommended_shards() == 1
    for n in range(1001):
        emu.add_guild(f"g{n}")
    assert emu.world.recommended_shards() == 2


async def test_each_shard_gets_only_its_guilds(world: Sandbox) -> None:
    emu = world.emu
    async with running_bot(emu, ShardBot) as client:
        await emu.wait_until_connected(sessions=2)
        await emu.wait_for_commands(["where"])
        sessions = {s.shard: s for s in emu.gateway.live_sessions()}
        assert set(sessions) == {(0, 2), (1, 2)}
        guilds = list(emu.guilds.values())
        assert {shard_of(g, 2) for g in guilds} == {0, 1}
        for shard_id, session in ((0, sessions[(0, 2)]), (1, sessions[(1, 2)])):
            events = [json.loads(text) for _, text in session.events]
            [ready] = [e["d"] for e in events if e["t"] == "READY"]
            assert ready["shard"] == [shard_id, 2]
            mine = {str(g.id) for g in guilds if shard_of(g, 2) == shard_id}
            assert {g["id"] for g in ready["guilds"]} == mine
            assert {e["d"]["id"] for e in events if e["t"] == "GUILD_CREATE"} == mine
        # discord.py files each guild under the shard that sent it.
        assert {g.id: g.shard_id for g in client.guilds} == {g.id: shard_of(g, 2) for g in guilds}

        # Interactions and messages reach the guild's own shard.
        alice = emu.world.user_named("alice")
        assert alice is not None
        for guild in guilds:
            ix = await emu.slash(alice, general(emu, guild), "where")
            assert (await ix.original_message()).content == f"shard {shard_of(guild, 2)}"
            await emu.send_message(alice, general(emu, guild), "hello")
        await emu.wait_for(lambda: len(client.seen) == len(guilds))
        assert sorted(client.seen) == sorted((shard_of(g, 2), g.id) for g in guilds)
        # A guild joined later goes to its shard alone.
        later = emu.add_guild("Later", shard=(1, 2))
        await emu.wait_for(lambda: client.get_guild(later.id) is not None)
        found = client.get_guild(later.id)
        assert found is not None and found.shard_id == 1


async def test_a_cluster_hears_nothing_of_the_other_shards_guilds(world: Sandbox) -> None:
    emu = world.emu
    async with running_bot(emu, lambda: ShardBot(shard_count=2, shard_ids=[1])) as client:
        await emu.wait_for_commands(["where"])
        guilds = list(emu.guilds.values())
        assert {g.id for g in client.guilds} == {g.id for g in guilds if shard_of(g, 2) == 1}
        [session] = emu.gateway.live_sessions()
        assert session.shard == (1, 2)
        alice = emu.world.user_named("alice")
        assert alice is not None
        for guild in guilds:
            channel = general(emu, guild)
            if shard_of(guild, 2) == 1:
                ix = await emu.slash(alice, channel, "where")
                assert (await ix.original_message()).content == "shard 1"
            else:
                # Nobody runs shard 0: the interaction has nowhere to go, as on Discord.
                with pytest.raises(InvocationError, match="on shard 0 of 2"):
                    await emu.slash(alice, channel, "where")
            await emu.send_message(alice, channel, "hello")
        await emu.wait_for(lambda: len(client.seen) == sum(shard_of(g, 2) == 1 for g in guilds))
        assert all(shard == 1 for shard, _ in client.seen)
        # What reached the session itself: discord.py drops a message of a guild it does not know,
        # so ``seen`` alone would not show one that leaked.
        events = [json.loads(text) for _, text in session.events]
        heard = {e["d"]["guild_id"] for e in events if e["t"] == "MESSAGE_CREATE"}
        assert heard == {str(g.id) for g in guilds if shard_of(g, 2) == 1}


async def test_requests_say_which_client_sent_them(world: Sandbox) -> None:
    """Two clusters share one token; the User-Agent each sends (discord.py's, on its REST calls) is
    what tells their requests apart."""
    emu = world.emu

    def cluster(shard: int) -> ShardBot:
        client = ShardBot(shard_count=2, shard_ids=[shard])
        client.http.user_agent += f" cluster/{shard}"
        return client

    async with running_bot(emu, lambda: cluster(0)) as first, running_bot(emu, lambda: cluster(1)) as second:
        for guild in emu.guilds.values():
            client = (first, second)[shard_of(guild, 2)]
            channel = general(emu, guild)
            sent = await client.get_partial_messageable(channel.id, guild_id=guild.id).send("hello")
            [request] = [r for r in emu.requests_to("POST", rf"/channels/{channel.id}/messages$")
                         if r.response["id"] == str(sent.id)]
            assert request.user_agent.startswith("DiscordBot (")
            assert request.user_agent.endswith(f" cluster/{shard_of(guild, 2)}")


async def identify(emu: DiscordEmulator, **fields: Any) -> int | None:
    """Open a raw gateway socket, IDENTIFY with ``fields`` and return the close code (None: READY)."""
    async with aiohttp.ClientSession() as http, http.ws_connect(f"{emu.gateway_url}?v=10&encoding=json") as ws:
        hello = await ws.receive_json()
        assert hello["op"] == 10
        await ws.send_json({"op": 2, "d": {"token": emu.token, "intents": 1, "properties": {}, **fields}})
        message = await ws.receive()
        if message.type == aiohttp.WSMsgType.TEXT:
            assert json.loads(message.data)["t"] == "READY"
            return None
        assert message.type == aiohttp.WSMsgType.CLOSE
        return ws.close_code


async def test_a_session_that_must_shard_and_does_not_is_closed_with_4011() -> None:
    async with DiscordEmulator(spec_path=None, require_sharding=True) as emu:
        emu.add_guild("one")
        assert await identify(emu) == 4011
        assert await identify(emu, shard=[0, 1]) is None
        assert emu.gateway.identifies == 1


async def test_too_many_guilds_on_one_shard_is_closed_with_4011() -> None:
    async with DiscordEmulator(spec_path=None, max_guilds_per_shard=3) as emu:
        for n in range(6):
            emu.add_guild(f"g{n}")
        assert await identify(emu) == 4011
        assert await identify(emu, shard=[0, 1]) == 4011
        assert await identify(emu, shard=[1, 2]) is None


@pytest.mark.parametrize("shard", [[2, 2], [-1, 2], [0, 0], [0], "0,1", [0.5, 2], None])
async def test_an_invalid_shard_is_closed_with_4010(shard: Any) -> None:
    async with DiscordEmulator(spec_path=None) as emu:
        assert await identify(emu, shard=shard) == 4010
        assert emu.gateway.identifies == 0


async def test_a_plain_client_is_refused_where_sharding_is_required() -> None:
    async with sandbox(require_sharding=True) as sb:
        def make() -> discord.Client:
            return discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.01)

        with pytest.raises(RuntimeError) as info:
            async with running_bot(sb.emu, make):
                pass
        assert isinstance(info.value.__cause__, discord.ConnectionClosed)
        assert info.value.__cause__.code == 4011


async def test_hundreds_of_guilds_with_their_emojis_arrive_in_full() -> None:
    # More guilds than one batch of GUILD_CREATEs: the rest are built while the first are sent.
    async with sandbox(strict_spec=True) as sb:
        emu = sb.emu
        for n in range(249):
            guild = emu.add_guild(f"g{n}")
            emu.add_text_channel(guild, "general")
            emu.add_emoji(guild, f"wave{n}")
            emu.add_emoji(guild, "dance", animated=True)

        def make() -> discord.Client:
            return discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.01)

        async with running_bot(emu, make, timeout=30) as client:
            assert len(client.guilds) == 250
            session = emu.gateway.live_sessions()[0]
            kinds = [json.loads(text)["t"] for _, text in session.events]
            assert kinds[0] == "READY" and kinds[1:] == ["GUILD_CREATE"] * 250
            last = list(emu.guilds.values())[-1]
            cached = client.get_guild(last.id)
            assert cached is not None and [e.name for e in cached.emojis] == ["wave248", "dance"]
            assert [e.animated for e in cached.emojis] == [False, True]
