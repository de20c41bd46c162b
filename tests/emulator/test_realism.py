"""Discord's rules and failure modes, as the emulator reproduces them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import discord
import discord.http
import pytest

from discord_emulator import InvocationError, Permissions, SandboxTimeout
from discord_emulator.driver import Sandbox
from tests.emulator.barebot import BareBot


@pytest.fixture
async def http(sb: Sandbox) -> AsyncIterator[aiohttp.ClientSession]:
    """A raw HTTP client authenticated as the bot, for bodies discord.py would never build."""
    headers = {"Authorization": f"Bot {sb.emu.token}"}
    async with aiohttp.ClientSession(base_url=sb.emu.url, headers=headers) as session:
        yield session


def text_channel(bot: BareBot, sb: Sandbox) -> discord.TextChannel:
    channel = bot.get_channel(sb.general.id)
    assert isinstance(channel, discord.TextChannel)
    return channel


async def test_answering_twice_is_40060(sb: Sandbox, bot: BareBot) -> None:
    ix = await sb.emu.slash(sb.alice, sb.general, "twice")
    await asyncio.wait_for(bot.error_seen.wait(), 2)
    assert bot.errors[0].code == 40060 and bot.errors[0].status == 400
    assert (await ix.original_message()).content == "once"
    assert ix.rejected[0][1]["code"] == 40060


async def test_late_first_answer_is_10062(sb: Sandbox, bot: BareBot) -> None:
    ix = await sb.emu.slash(sb.alice, sb.general, "late")
    sb.emu.advance(3.2)  # no real waiting: the emulator's clock moves
    bot.gate.set()
    await asyncio.wait_for(bot.error_seen.wait(), 2)
    assert isinstance(bot.errors[0], discord.NotFound) and bot.errors[0].code == 10062
    assert not ix.responded


async def test_answer_just_in_time_is_fine(sb: Sandbox, bot: BareBot) -> None:
    ix = await sb.emu.slash(sb.alice, sb.general, "late")
    sb.emu.advance(2.9)
    bot.gate.set()
    assert (await ix.original_message()).content == "finally"


async def test_webhook_token_expires_after_15_minutes(sb: Sandbox, bot: BareBot) -> None:
    ix = await sb.emu.slash(sb.alice, sb.general, "afterwards")
    await ix.original_message()
    sb.emu.advance(15 * 60 + 1)
    bot.gate.set()
    await asyncio.wait_for(bot.error_seen.wait(), 2)
    assert bot.errors[0].status == 401 and bot.errors[0].code == 50027
    assert ix.followups == []


@pytest.mark.spec_violations_expected
async def test_content_over_2000_is_50035_and_a_spec_violation(sb: Sandbox, bot: BareBot) -> None:
    ix = await sb.emu.slash(sb.alice, sb.general, "long")
    await asyncio.wait_for(bot.error_seen.wait(), 2)
    error = bot.errors[0]
    assert error.status == 400 and error.code == 50035
    assert "In data.content: Must be 2000 or fewer in length." in error.text
    assert (await ix.original_message()).content == "too long, sorry"
    if sb.emu.validator.enabled:  # the shared OpenAPI spec is present on this machine
        assert len(sb.emu.spec_violations) == 1
        violation = sb.emu.spec_violations[0]
        assert violation.where == "request" and "data/content" in violation.message


async def test_enforce_nonce_returns_the_earlier_message(sb: Sandbox, bot: BareBot) -> None:
    channel = text_channel(bot, sb)
    first = await channel.send("hello", nonce="abc123")
    second = await channel.send("hello", nonce="abc123")
    assert first.id == second.id
    assert [m.content for m in sb.emu.channel_messages(sb.general)] == ["hello"]
    sb.emu.advance(6 * 60)  # outside Discord's few-minute window the nonce no longer dedupes
    third = await channel.send("hello", nonce="abc123")
    assert third.id != first.id


async def test_429_with_retry_after_then_success(sb: Sandbox, bot: BareBot, discord_waits: list[float]) -> None:
    fault = sb.emu.inject_fault("POST", r"^/channels/\d+/messages$", status=429, times=1, retry_after=7.5)
    message = await text_channel(bot, sb).send("after a rate limit")
    assert fault.hits == 1
    assert 7.5 in discord_waits  # discord.py waited as long as it was told (in no real time)
    statuses = [r.status for r in sb.emu.requests_to("POST", r"^/channels/\d+/messages$")]
    assert statuses == [429, 200]
    assert sb.emu.get_message(message.id).content == "after a rate limit"


async def test_global_429_is_also_retried(sb: Sandbox, bot: BareBot, discord_waits: list[float]) -> None:
    sb.emu.inject_fault("*", r"/messages$", status=429, retry_after=2.0, is_global=True)
    await text_channel(bot, sb).send("global limit passed")
    assert sb.emu.requests[-1].status == 200
    assert 2.0 in discord_waits


async def test_500_then_success(sb: Sandbox, bot: BareBot, discord_waits: list[float]) -> None:
    sb.emu.inject_fault("POST", r"^/channels/\d+/messages$", status=500, times=2)
    await text_channel(bot, sb).send("eventually")
    statuses = [r.status for r in sb.emu.requests_to("POST", r"^/channels/\d+/messages$")]
    assert statuses == [500, 500, 200]
    assert discord_waits == [1, 3]  # discord.py's own back-off, kept without waiting


async def test_503_is_not_retried_by_discord_py(sb: Sandbox, bot: BareBot) -> None:
    sb.emu.inject_fault("POST", r"^/channels/\d+/messages$", status=503)
    with pytest.raises(discord.DiscordServerError):
        await text_channel(bot, sb).send("nope")


async def test_interaction_callback_fault_is_retried(sb: Sandbox, bot: BareBot) -> None:
    sb.emu.inject_fault("POST", r"/callback$", status=429, retry_after=0.5)
    ix = await sb.emu.slash(sb.alice, sb.general, "secret")
    assert (await ix.original_message()).content == "only you"


async def test_dropped_gateway_resumes_and_replays(sb: Sandbox, bot: BareBot) -> None:
    emu = sb.emu
    resumed = asyncio.Event()

    async def on_resumed() -> None:
        resumed.set()

    bot.add_listener(on_resumed)
    await emu.drop_gateway()
    # Sent while the bot is away: queued in the session and replayed on RESUME.
    ix = await emu.slash(sb.alice, sb.general, "joke", category="pun")
    await emu.wait_until_resumed()
    msg = await ix.original_message()
    assert msg.content == "A pun joke x1"
    await asyncio.wait_for(resumed.wait(), 2)
    assert emu.gateway.identifies == 1 and emu.gateway.resumes == 1
    # discord.py resumed at READY's resume_gateway_url, which points back at the emulator.
    assert emu.gateway.connects[-1].startswith("/gateway/resume?")
    ix2 = await emu.slash(sb.bob, sb.general, "discussion today")
    assert (await ix2.original_message()).content.startswith("Today's topic")


async def test_reconnect_request_is_followed(sb: Sandbox, bot: BareBot) -> None:
    await sb.emu.request_reconnect()
    await sb.emu.wait_until_resumed()
    ix = await sb.emu.slash(sb.alice, sb.general, "secret")
    assert (await ix.original_message()).content == "only you"


async def test_missing_send_messages_is_50013(sb: Sandbox, bot: BareBot) -> None:
    emu = sb.emu
    emu.set_overwrite(sb.general, emu.bot_user, deny=Permissions.SEND_MESSAGES)
    with pytest.raises(discord.Forbidden) as info:
        await text_channel(bot, sb).send("hi")
    assert info.value.code == 50013
    # Interaction answers go through the webhook, which the overwrite does not block.
    ix = await emu.slash(sb.alice, sb.general, "secret")
    assert (await ix.original_message()).content == "only you"


async def test_missing_view_channel_is_50001(sb: Sandbox, bot: BareBot) -> None:
    emu = sb.emu
    emu.set_overwrite(sb.general, sb.guild, deny=Permissions.VIEW_CHANNEL)  # @everyone
    mods = emu.add_role(sb.guild, "Mods", permissions=Permissions.MANAGE_GUILD)
    emu.set_overwrite(sb.general, mods, allow=Permissions.VIEW_CHANNEL)
    with pytest.raises(discord.Forbidden) as info:
        await text_channel(bot, sb).send("hi")
    assert info.value.code == 50001
    with pytest.raises(InvocationError, match="cannot see"):
        await emu.slash(sb.alice, sb.general, "secret")
    emu.set_roles(sb.alice, [mods])
    ix = await emu.slash(sb.alice, sb.general, "secret")
    assert (await ix.response()).ephemeral
    # The bot's cache saw the overwrites through CHANNEL_UPDATE.
    assert not text_channel(bot, sb).permissions_for(text_channel(bot, sb).guild.me).view_channel


async def test_deleted_channel_is_10003(sb: Sandbox, bot: BareBot) -> None:
    emu = sb.emu
    channel = text_channel(bot, sb)
    emu.delete_channel(sb.general)
    await emu.wait_for(lambda: bot.get_channel(sb.general.id) is None)
    with pytest.raises(discord.NotFound) as info:
        await channel.send("anyone?")
    assert info.value.code == 10003
    with pytest.raises(InvocationError, match="does not exist"):
        await emu.slash(sb.alice, sb.general, "secret")


async def test_editing_someone_elses_message_is_50005(sb: Sandbox, bot: BareBot) -> None:
    user_message = await sb.emu.send_message(sb.alice, sb.general, "mine")
    partial = text_channel(bot, sb).get_partial_message(user_message.id)
    with pytest.raises(discord.Forbidden) as info:
        await partial.edit(content="changed")
    assert info.value.code == 50005
    await partial.delete()  # the bot has MANAGE_MESSAGES
    assert sb.emu.get_message(user_message).deleted


async def test_slash_option_validation(sb: Sandbox, bot: BareBot) -> None:
    emu = sb.emu
    with pytest.raises(InvocationError, match="unknown command /nope"):
        await emu.slash(sb.alice, sb.general, "nope")
    with pytest.raises(InvocationError, match="missing required option"):
        await emu.slash(sb.alice, sb.general, "joke")
    with pytest.raises(InvocationError, match="not one of the choices"):
        await emu.slash(sb.alice, sb.general, "joke", category="knock-knock")
    with pytest.raises(InvocationError, match="at most 3"):
        await emu.slash(sb.alice, sb.general, "joke", category="pun", count=4)
    with pytest.raises(InvocationError, match="must be a integer"):
        await emu.slash(sb.alice, sb.general, "joke", category="pun", count="many")
    with pytest.raises(InvocationError, match="has no option 'colour'"):
        await emu.slash(sb.alice, sb.general, "joke", category="pun", colour="red")
    with pytest.raises(InvocationError, match="needs a subcommand"):
        await emu.slash(sb.alice, sb.general, "discussion")
    with pytest.raises(InvocationError, match="no subcommand 'tomorrow'"):
        await emu.slash(sb.alice, sb.general, "discussion tomorrow")
    with pytest.raises(InvocationError, match="no such user"):
        await emu.slash(sb.alice, sb.general, "joke", category="pun", target="nobody")
    with pytest.raises(InvocationError, match="does not use autocomplete"):
        await emu.autocomplete(sb.alice, sb.general, "joke", focused="category", value="p")
    # Nothing invalid was ever sent to the bot.
    assert emu.interactions == {}


async def test_default_member_permissions_hide_a_command(sb: Sandbox, bot: BareBot) -> None:
    emu = sb.emu
    cmd = next(c for c in emu.registered_commands() if c.name == "secret")
    cmd.default_member_permissions = str(int(Permissions.MANAGE_GUILD))
    with pytest.raises(InvocationError, match="cannot use /secret"):
        await emu.slash(sb.alice, sb.general, "secret")
    mods = emu.add_role(sb.guild, "Mods", permissions=Permissions.MANAGE_GUILD)
    emu.set_roles(sb.alice, [mods])
    await (await emu.slash(sb.alice, sb.general, "secret")).response()


async def test_wait_for_times_out_with_context(sb: Sandbox, bot: BareBot) -> None:
    with pytest.raises(SandboxTimeout, match="waiting for never"):
        await sb.emu.wait_for(lambda: False, timeout=0.01, what="never")


# -- raw HTTP: bodies discord.py's own checks would not let through ------------------------------


def _button(**extra: Any) -> dict[str, Any]:
    return {"type": 2, "style": 1, "label": "ok", "custom_id": "ok", **extra}


BAD_BODIES: list[tuple[str, dict[str, Any], str]] = [
    ("content", {"content": "x" * 2001}, "content"),
    ("title", {"embeds": [{"title": "t" * 257}]}, "embeds.0.title"),
    ("description", {"embeds": [{"description": "d" * 4097}]}, "embeds.0.description"),
    ("fields", {"embeds": [{"fields": [{"name": "n", "value": "v"}] * 26}]}, "embeds.0.fields"),
    ("field value", {"embeds": [{"fields": [{"name": "n", "value": "v" * 1025}]}]}, "embeds.0.fields.0.value"),
    ("footer", {"embeds": [{"footer": {"text": "f" * 2049}}]}, "embeds.0.footer.text"),
    ("author", {"embeds": [{"author": {"name": "a" * 257}}]}, "embeds.0.author.name"),
    ("total", {"embeds": [{"description": "d" * 4000}, {"description": "d" * 2001}]}, "embeds"),
    ("11 embeds", {"embeds": [{"title": "t"}] * 11}, "embeds"),
    (
        "6 rows",
        {"components": [{"type": 1, "components": [_button(custom_id=f"b{i}")]} for i in range(6)]},
        "components",
    ),
    (
        "6 buttons",
        {"components": [{"type": 1, "components": [_button(custom_id=f"b{i}") for i in range(6)]}]},
        "components.0.components",
    ),
    ("long custom_id", {"components": [{"type": 1, "components": [_button(custom_id="c" * 101)]}]}, "custom_id"),
    ("duplicate custom_id", {"components": [{"type": 1, "components": [_button(), _button()]}]}, "custom_id"),
    ("long label", {"components": [{"type": 1, "components": [_button(label="l" * 81)]}]}, "label"),
    (
        "no label or emoji",
        {"components": [{"type": 1, "components": [_button(label=None)]}]},
        "components.0.components.0",
    ),
    ("link without url", {"components": [{"type": 1, "components": [{"type": 2, "style": 5, "label": "go"}]}]}, "url"),
]


@pytest.mark.spec_violations_expected  # several of these are also caught by the spec's own limits
@pytest.mark.parametrize(("body", "where"), [(b, w) for _, b, w in BAD_BODIES], ids=[n for n, _, _ in BAD_BODIES])
async def test_invalid_message_bodies_are_50035(
    sb: Sandbox, http: aiohttp.ClientSession, body: dict[str, Any], where: str
) -> None:
    async with http.post(f"/api/v10/channels/{sb.general.id}/messages", json=body) as resp:
        assert resp.status == 400
        assert resp.headers["Content-Type"] == "application/json"
        data = await resp.json()
    assert data["code"] == 50035 and data["message"] == "Invalid Form Body"
    flat = _flatten(data["errors"])
    assert any(where in path for path in flat), flat


def _flatten(errors: dict[str, Any], prefix: str = "") -> list[str]:
    out = []
    for key, value in errors.items():
        if key == "_errors":
            out += [f"{prefix}: {e['code']}" for e in value]
        else:
            out += _flatten(value, f"{prefix}.{key}" if prefix else key)
    return out


async def test_empty_message_is_50006(sb: Sandbox, http: aiohttp.ClientSession) -> None:
    async with http.post(f"/api/v10/channels/{sb.general.id}/messages", json={"content": ""}) as resp:
        assert resp.status == 400 and (await resp.json())["code"] == 50006


async def test_unknown_route_is_404_and_reported(sb: Sandbox, http: aiohttp.ClientSession) -> None:
    async with http.get("/api/v10/guilds/1/widget.png") as resp:
        assert resp.status == 404
    assert sb.emu.unhandled == ["GET /guilds/1/widget.png"]


async def test_bad_token_on_rest_is_401(sb: Sandbox) -> None:
    async with (
        aiohttp.ClientSession(base_url=sb.emu.url) as session,
        session.get("/api/v10/users/@me", headers={"Authorization": "Bot wrong"}) as resp,
    ):
        assert resp.status == 401 and (await resp.json())["message"] == "401: Unauthorized"
