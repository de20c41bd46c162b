"""End-to-end flows of an unmodified discord.py bot against the emulator."""

from __future__ import annotations

import asyncio
from typing import Any

import discord
import pytest

from discord_emulator import ChannelType, InvocationError, MessageFlags
from discord_emulator.driver import Sandbox, running_bot
from tests.emulator.barebot import BareBot


async def test_login_ready_and_guild_available(sb: Sandbox, bot: BareBot) -> None:
    emu = sb.emu
    assert bot.user is not None and bot.user.id == emu.bot_user.id
    assert bot.application_id == emu.application_id
    guild = bot.get_guild(sb.guild.id)
    assert guild is not None and not guild.unavailable
    assert guild.name == "Test server"
    assert [c.name for c in guild.text_channels] == ["general"]
    # Without the privileged members intent GUILD_CREATE carries only the bot's own member.
    assert [m.name for m in guild.members] == ["Banter"] and guild.member_count == 4
    paths = [(r.method, r.path) for r in emu.requests]
    assert ("GET", "/users/@me") in paths
    assert ("GET", "/oauth2/applications/@me") in paths
    # discord.py asks for zlib-stream (zstd-stream when a zstd module is importable) and decoded
    # every frame the emulator compressed that way.
    wanted = discord.utils._ActiveDecompressionContext.COMPRESSION_TYPE
    assert f"compress={wanted}" in emu.gateway.connects[0]
    assert emu.gateway.identifies == 1


async def test_wrong_token_is_refused_like_discord(sb: Sandbox) -> None:
    with pytest.raises(RuntimeError) as info:
        async with running_bot(sb.emu, BareBot, token="not-the-token"):
            pass
    assert isinstance(info.value.__cause__, discord.LoginFailure)
    assert sb.emu.requests[-1].status == 401


async def test_command_sync_registers_commands(sb: Sandbox, bot: BareBot) -> None:
    emu = sb.emu
    names = {c.name for c in emu.registered_commands()}
    assert {"joke", "mood", "discussion", "report"} <= names
    joke = next(c for c in emu.registered_commands() if c.name == "joke")
    category = next(o for o in joke.options if o["name"] == "category")
    assert [c["value"] for c in category["choices"]] == ["pun", "dad", "tech"]
    assert emu.requests_to("PUT", rf"^/applications/{emu.application_id}/commands$")[0].status == 200
    # discord.py can read back what it registered.
    fetched = await bot.tree.fetch_commands()
    assert {c.name for c in fetched} == names


async def test_guild_command_sync(sb: Sandbox) -> None:
    async with running_bot(sb.emu, lambda: BareBot(guild_id=sb.guild.id)):
        commands = await sb.emu.wait_for_commands(["joke"], guild=sb.guild)
        assert all(c.guild_id == sb.guild.id for c in commands)
        ix = await sb.emu.slash(sb.alice, sb.general, "joke", category="dad")
        assert (await ix.original_message()).content == "A dad joke x1"
        assert ix.data["guild_id"] == str(sb.guild.id)


async def test_slash_command_message_and_buttons(sb: Sandbox, bot: BareBot) -> None:
    emu = sb.emu
    ix = await emu.slash(sb.alice, sb.general, "joke", category="pun", count=2, target=sb.bob)
    response = await ix.response()
    assert response.type == 4 and not response.ephemeral
    msg = await ix.original_message()
    assert msg.content == "A pun joke x2 for bob"
    assert msg.author_id == emu.bot_user.id
    assert [b["label"] for b in msg.buttons()] == ["👍 0", "👎 0"]
    assert emu.channel_messages(sb.general) == [msg]
    assert msg.interaction_metadata is not None and msg.interaction_metadata["user"]["username"] == "alice"
    # The member option arrived resolved.
    assert ix.data["resolved"]["users"][str(sb.bob.id)]["username"] == "bob"


async def test_choice_can_be_given_by_name(sb: Sandbox, bot: BareBot) -> None:
    ix = await sb.emu.slash(sb.alice, sb.general, "joke", category="Tech")
    assert (await ix.original_message()).content.startswith("A tech joke")


async def test_deferred_then_edit_original(sb: Sandbox, bot: BareBot) -> None:
    ix = await sb.emu.slash(sb.alice, sb.general, "discussion today")
    response = await ix.response()
    assert response.type == 5 and response.deferred
    msg = await ix.original_message()
    assert msg.content == "Today's topic: tabs vs spaces"
    assert not msg.loading and msg.edited_timestamp is not None


async def test_followups_and_ephemeral_followup(sb: Sandbox, bot: BareBot) -> None:
    emu = sb.emu
    ix = await emu.slash(sb.alice, sb.general, "more")
    followups = await ix.wait_followups(2)
    assert [m.content for m in followups] == ["second", "psst"]
    assert [m.ephemeral for m in followups] == [False, True]
    assert [m.content for m in emu.channel_messages(sb.general)] == ["first", "second"]
    seen = [m.content for m in emu.channel_messages(sb.general, include_ephemeral=True)]
    assert seen == ["first", "second", "psst"]


async def test_first_followup_after_thinking_defer_replaces_loading(sb: Sandbox, bot: BareBot) -> None:
    ix = await sb.emu.slash(sb.alice, sb.general, "slowfollow")
    msg = await ix.original_message()
    assert msg.content == "done thinking" and msg.ephemeral
    assert ix.followups == [msg]


async def test_followup_edit_fetch_and_original_delete(sb: Sandbox, bot: BareBot) -> None:
    emu = sb.emu
    ix = await emu.slash(sb.alice, sb.general, "tidy")
    original = await ix.original_message()
    await emu.wait_for(lambda: emu.get_message(original).deleted, what="the original to be deleted")
    assert [m.content for m in emu.channel_messages(sb.general)] == ["note (edited)", "fetched: note (edited)"]
    assert [m.content for m in ix.followups] == ["note (edited)", "fetched: note (edited)"]


async def test_ephemeral_reply(sb: Sandbox, bot: BareBot) -> None:
    ix = await sb.emu.slash(sb.alice, sb.general, "secret")
    response = await ix.response()
    assert response.ephemeral
    msg = await ix.original_message()
    assert msg.ephemeral and msg.flags & MessageFlags.EPHEMERAL
    assert sb.emu.channel_messages(sb.general) == []
    with pytest.raises(InvocationError, match="ephemeral"):
        await sb.emu.click(sb.bob, msg, index=0)


async def test_autocomplete(sb: Sandbox, bot: BareBot) -> None:
    choices = await sb.emu.autocomplete(sb.alice, sb.general, "mood", focused="feeling", value="ugh ex")
    assert choices == [
        {"name": "ugh exhausted", "value": "ugh exhausted"},
        {"name": "ugh extra tired", "value": "ugh extra tired"},
    ]
    ix = await sb.emu.slash(sb.alice, sb.general, "mood", feeling="ugh exhausted", loud="yes")
    msg = await ix.original_message()
    assert msg.embed is not None and msg.embed["description"] == "ugh exhausted"
    assert msg.embed["fields"][0]["value"] == "True"


async def test_button_click_updates_the_message(sb: Sandbox, bot: BareBot) -> None:
    emu = sb.emu
    ix = await emu.slash(sb.alice, sb.general, "joke", category="pun")
    msg = await ix.original_message()
    click = await emu.click(sb.bob, msg, label="👍")
    assert (await click.response()).type == 7
    assert [b["label"] for b in emu.get_message(msg).buttons()] == ["👍 1", "👎 0"]
    again = await emu.click(sb.alice, msg, custom_id="vote:up:1")
    await again.response()
    assert emu.get_message(msg).buttons()[0]["label"] == "👍 2"
    with pytest.raises(InvocationError, match="no button"):
        await emu.click(sb.alice, msg, label="🤷")


async def test_button_click_after_bot_restart(sb: Sandbox) -> None:
    emu = sb.emu
    async with running_bot(emu, BareBot):
        ix = await emu.slash(sb.alice, sb.general, "joke", category="pun")
        msg = await ix.original_message()
    assert not emu.connected
    # A new process: nothing in memory, no sync; the DynamicItem template still matches.
    async with running_bot(emu, lambda: BareBot(sync=False)):
        click = await emu.click(sb.bob, msg, label="👍 0")
        assert (await click.response()).type == 7
        assert emu.get_message(msg).buttons()[0]["label"] == "👍 1"
    assert emu.gateway.identifies == 2


async def test_modal_submit(sb: Sandbox, bot: BareBot) -> None:
    emu = sb.emu
    ix = await emu.slash(sb.alice, sb.general, "report")
    modal = (await ix.response()).modal
    assert modal is not None and modal.title == "Report a joke"
    assert [(f.custom_id, f.label, f.in_label) for f in modal.fields] == [
        ("reason", "Reason", True),
        ("details", "Details", False),
    ]
    assert modal.field("reason").min_length == 3
    with pytest.raises(InvocationError, match="at least 3"):
        await emu.submit_modal(sb.alice, ix, {"reason": "no"})
    with pytest.raises(InvocationError, match="required"):
        await emu.submit_modal(sb.alice, ix, {"details": "only details"})
    with pytest.raises(InvocationError, match="shown to alice"):
        await emu.submit_modal(sb.bob, ix, {"reason": "spam"})
    submitted = await emu.submit_modal(sb.alice, ix, {"Reason": "spam", "details": "it repeats"})
    reply = await submitted.original_message()
    assert reply.content == "Reported: spam" and reply.ephemeral
    assert bot.reports == [("spam", "it repeats")]


async def test_thread_from_interaction_message(sb: Sandbox, bot: BareBot) -> None:
    emu = sb.emu
    ix = await emu.slash(sb.alice, sb.general, "discussion thread")
    msg = await ix.original_message()
    await emu.wait_for(lambda: emu.get_message(msg).thread is not None)
    thread = emu.get_message(msg).thread
    assert thread is not None and thread.name == "today" and thread.type == ChannelType.PUBLIC_THREAD
    assert thread.id == msg.id and emu.threads(sb.guild) == [thread]
    bot_thread = bot.get_channel(thread.id)
    assert isinstance(bot_thread, discord.Thread)
    await bot_thread.send("first post")
    assert [m.content for m in emu.channel_messages(thread)] == ["first post"]
    await emu.send_message(sb.alice, thread, "hi bot")
    assert emu.last_message(thread) is not None


async def test_a_thread_counts_messages_and_members_as_discord_does(sb: Sandbox, bot: BareBot) -> None:
    emu = sb.emu
    ix = await emu.slash(sb.alice, sb.general, "discussion thread")
    msg = await ix.original_message()
    await emu.wait_for(lambda: emu.get_message(msg).thread is not None)
    thread = emu.get_message(msg).thread
    assert thread is not None
    fetched = await bot.fetch_channel(thread.id)
    # The message the thread was started from is in the parent channel: it counts for neither.
    assert isinstance(fetched, discord.Thread) and (fetched.message_count, fetched.member_count) == (0, 1)
    await emu.send_message(sb.alice, thread, "one")
    await emu.send_message(sb.alice, thread, "two")
    last = await emu.send_message(sb.bob, thread, "three")
    fetched = await bot.fetch_channel(thread.id)
    assert isinstance(fetched, discord.Thread)
    assert (fetched.message_count, fetched.member_count, fetched.total_message_sent) == (3, 3, 3)
    # A deleted message leaves message_count, not total_message_sent.
    emu.events.delete_message(last)
    fetched = await bot.fetch_channel(thread.id)
    assert isinstance(fetched, discord.Thread)
    assert (fetched.message_count, fetched.total_message_sent) == (2, 3)
    # member_count is approximate on Discord and stops at 50.
    thread.member_ids.update(range(1, 80))
    fetched = await bot.fetch_channel(thread.id)
    assert isinstance(fetched, discord.Thread) and fetched.member_count == 50


async def test_standalone_thread(sb: Sandbox, bot: BareBot) -> None:
    channel = bot.get_channel(sb.general.id)
    assert isinstance(channel, discord.TextChannel)
    thread = await channel.create_thread(name="side chat", type=discord.ChannelType.public_thread)
    assert [t.name for t in sb.emu.threads(sb.guild)] == ["side chat"]
    await sb.emu.wait_for(lambda: bot.get_channel(thread.id) is not None)


async def test_guild_added_while_connected(sb: Sandbox, bot: BareBot) -> None:
    second = sb.emu.add_guild("Second server")
    sb.emu.add_text_channel(second, "lobby")
    # wait_for re-checks after every gateway event the bot processes (running_bot watches it).
    await sb.emu.wait_for(lambda: (g := bot.get_guild(second.id)) is not None and bool(g.text_channels))
    guild = bot.get_guild(second.id)
    assert guild is not None and [c.name for c in guild.text_channels] == ["lobby"]


async def test_user_messages_reach_the_bot_without_content_intent(sb: Sandbox, bot: BareBot) -> None:
    got: asyncio.Queue[discord.Message] = asyncio.Queue()

    async def on_message(message: discord.Message) -> None:
        await got.put(message)

    bot.add_listener(on_message)
    await sb.emu.send_message(sb.alice, sb.general, "hello there")
    message = await asyncio.wait_for(got.get(), 2)
    # The bare bot has no MESSAGE_CONTENT intent, so Discord blanks the content.
    assert message.author.id == sb.alice.id and message.content == ""
    await sb.emu.send_message(sb.alice, sb.general, f"hey {sb.emu.bot_user.mention}")
    mentioned = await asyncio.wait_for(got.get(), 2)
    assert "hey" in mentioned.content


async def test_dm_to_user_and_dms_closed(sb: Sandbox, bot: BareBot) -> None:
    emu = sb.emu
    ix = await emu.slash(sb.alice, sb.general, "dm")
    assert (await ix.original_message()).content == "sent"
    dm = emu.dm_channel(sb.alice)
    assert [m.content for m in emu.channel_messages(dm)] == ["hello in private"]
    carol = emu.add_member(sb.guild, "carol", dms_open=False)
    ix = await emu.slash(carol, sb.general, "dm")
    assert (await ix.original_message()).content == "your DMs are closed"
    assert bot.errors[-1].code == 50007


async def test_reply_carries_message_reference(sb: Sandbox, bot: BareBot) -> None:
    emu = sb.emu
    original = await emu.send_message(sb.alice, sb.general, "tell me a joke")
    channel = bot.get_channel(sb.general.id)
    assert isinstance(channel, discord.TextChannel)
    reply = await channel.get_partial_message(original.id).reply("here is one")
    stored = emu.get_message(reply.id)
    assert stored.message_reference is not None and stored.message_reference["message_id"] == str(original.id)
    assert reply.reference is not None and reply.reference.message_id == original.id
    with pytest.raises(discord.HTTPException) as info:
        await channel.get_partial_message(12345).reply("to nothing")
    assert info.value.code == 50035


async def test_auto_sharded_client(sb: Sandbox) -> None:
    def make() -> discord.AutoShardedClient:
        return discord.AutoShardedClient(intents=discord.Intents.default(), guild_ready_timeout=0.01)

    async with running_bot(sb.emu, make) as client:
        assert client.shard_count == 1
        assert client.get_guild(sb.guild.id) is not None
    assert sb.emu.requests_to("GET", r"^/gateway/bot$")


async def test_privileged_intent_not_enabled_is_refused(sb: Sandbox) -> None:
    sb.emu.privileged_intents = 0  # as if the Developer Portal toggles were off

    def make() -> discord.Client:
        return discord.Client(intents=discord.Intents.all(), guild_ready_timeout=0.01)

    with pytest.raises(RuntimeError) as info:
        async with running_bot(sb.emu, make):
            pass
    assert isinstance(info.value.__cause__, discord.PrivilegedIntentsRequired)


async def test_members_intent_gets_all_members(sb: Sandbox) -> None:
    def make() -> discord.Client:
        intents = discord.Intents.default()
        intents.members = True
        return discord.Client(intents=intents, guild_ready_timeout=0.01)

    async with running_bot(sb.emu, make) as client:
        guild = client.get_guild(sb.guild.id)
        assert guild is not None and guild.chunked
        assert {m.name for m in guild.members} == {"owner", "Banter", "alice", "bob"}
        sb.emu.add_member(sb.guild, "carol")
        await sb.emu.wait_for(lambda: guild.get_member_named("carol") is not None)
        found = await guild.query_members("al")  # gateway op 8 -> GUILD_MEMBERS_CHUNK
        assert [m.name for m in found] == ["alice"]


async def test_rest_reads_match_state_and_spec(sb: Sandbox, bot: BareBot) -> None:
    emu = sb.emu
    for text in ("one", "two", "three"):
        await emu.send_message(sb.alice, sb.general, text)
    channel = await bot.fetch_channel(sb.general.id)
    assert isinstance(channel, discord.TextChannel) and channel.name == "general"
    history = [m.content async for m in channel.history(limit=2)]
    assert history == ["three", "two"]  # newest first
    sb.emu.privileged_intents = 0  # the Developer Portal's Message Content toggle switched off
    assert [m.content async for m in channel.history(limit=1)] == [""]
    guild = await bot.fetch_guild(sb.guild.id)
    assert guild.name == "Test server"
    member = await guild.fetch_member(sb.bob.id)
    assert member.name == "bob"
    user = await bot.fetch_user(sb.alice.id)
    assert user.name == "alice"
    with pytest.raises(discord.NotFound) as info:
        await guild.fetch_member(1)
    assert info.value.code == 10007


async def test_string_select(sb: Sandbox, bot: BareBot) -> None:
    picked: list[list[str]] = []

    class Picker(discord.ui.View):
        @discord.ui.select(custom_id="flavour", options=[discord.SelectOption(label=x) for x in ("pun", "dad")])
        async def choose(self, interaction: discord.Interaction, select: discord.ui.Select[Any]) -> None:
            picked.append(select.values)
            await interaction.response.send_message(f"picked {select.values[0]}")

    channel = bot.get_channel(sb.general.id)
    assert isinstance(channel, discord.TextChannel)
    sent = await channel.send("choose", view=Picker())
    ix = await sb.emu.select(sb.alice, sent.id, ["dad"])
    assert (await ix.original_message()).content == "picked dad"
    assert picked == [["dad"]]
    with pytest.raises(InvocationError, match="no option 'tech'"):
        await sb.emu.select(sb.alice, sent.id, ["tech"])
