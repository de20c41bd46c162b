"""The sandbox shell, driven through StringIO and a real pipe with the bare bot."""

from __future__ import annotations

import asyncio
import io
import os

import pytest

from discord_emulator.driver import Sandbox
from discord_emulator.shell import SandboxShell, ShellError, parse_slash
from tests.emulator.barebot import BareBot
from tests.support import found


def test_parse_slash_values_run_until_the_next_option() -> None:
    assert parse_slash("/joke category:pun count:2") == ("joke", {"category": "pun", "count": "2"})
    assert parse_slash("/mood feeling:tired and grumpy") == ("mood", {"feeling": "tired and grumpy"})
    assert parse_slash("/discussion today") == ("discussion today", {})
    assert parse_slash('/mood feeling:"a: b"  loud:no') == ("mood", {"feeling": "a: b", "loud": "no"})
    assert parse_slash("/link url:https://example.com/x") == ("link", {"url": "https://example.com/x"})


@pytest.mark.parametrize("line", ['/mood feeling:"open', "/mood a:1 a:2", '/mood feeling:"x"y'])
def test_parse_slash_rejects_bad_lines(line: str) -> None:
    with pytest.raises(ShellError):
        parse_slash(line)


async def run_script(sb: Sandbox, script: str) -> str:
    out = io.StringIO()
    shell = SandboxShell(sb.emu, sb.guild, sb.channels, sb.members, io.StringIO(script), out)
    await shell.run()
    return out.getvalue()


async def test_shell_session(sb: Sandbox, bot: BareBot) -> None:
    script = "\n".join(
        [
            "help",
            "/joke category:pun count:2",
            "click 1",
            "/mood feeling:tired and grumpy loud:true",
            "/discussion today",
            "/secret",
            "as carol",
            "/joke category:dad",
            "quit",
            "/never reached",
        ]
    )
    out = await run_script(sb, script)
    # help comes from the registered commands, with their options.
    assert "/joke category:<string, pun|dad|tech> [count:<integer, 1..3>] [target:<user>]  - Tell a joke" in out
    assert "/discussion today  - Today's topic" in out
    assert "/mood feeling:<string, autocomplete> [loud:<boolean>]" in out
    # slash -> message with numbered buttons; click -> the edited message.
    assert "Banter:\n  A pun joke x2\n  [1] 👍 0  [2] 👎 0" in out
    assert "Banter: (edited)\n  A pun joke x2\n  [1] 👍 1  [2] 👎 0" in out
    # embed title, description, fields and footer; the value with spaces arrived whole.
    assert "  ┃ Mood\n  │ tired and grumpy\n  │ loud: True\n  └ bare bot" in out
    assert "Banter:\n  Today's topic: tabs vs spaces" in out
    assert "Banter: (only you can see this)\n  only you" in out
    assert "(carol joined Test server)" in out and "carol@#general> /joke category:dad" in out
    assert "/never reached" not in out
    assert sb.guild.member_named("carol") is not None


async def test_shell_modal_prompts_each_field(sb: Sandbox, bot: BareBot) -> None:
    out = await run_script(sb, "/report\nno\nspam\n\nquit\n")
    assert "┌ Report a joke" in out
    assert "│ Reason - What is wrong with it? (required, 3-50 characters)" in out
    assert "│ Details (optional, paragraph)" in out
    assert "Reason: no\n! at least 3 characters, please\nReason: spam\nDetails: \n" in out
    assert "Banter: (only you can see this)\n  Reported: spam" in out
    assert bot.reports == [("spam", "")]


async def test_shell_reports_errors(sb: Sandbox, bot: BareBot) -> None:
    out = await run_script(sb, "/joke category:knock\n/nope\nclick 1\nfrobnicate\n/long\nquit\n")
    assert "! /joke option 'category': 'knock' is not one of the choices" in out
    assert "! unknown command /nope (registered here: " in out
    assert "! no message with buttons has been shown yet" in out
    assert "! unknown command 'frobnicate'; type 'help'" in out
    assert "! This interaction failed: Discord refused the bot's answer (400 50035: Invalid Form Body" in out
    sb.emu.spec_violations.clear()  # /long sends an over-long body on purpose


async def test_shell_over_a_pipe_with_channels_threads_and_messages(sb: Sandbox, bot: BareBot) -> None:
    emu = sb.emu
    read_fd, write_fd = os.pipe()
    out = io.StringIO()
    with os.fdopen(read_fd, "r", encoding="utf-8") as stdin, os.fdopen(write_fd, "w", encoding="utf-8") as feed:
        shell = SandboxShell(emu, sb.guild, sb.channels, sb.members, stdin, out)
        running = asyncio.create_task(shell.run())

        def send(line: str) -> None:
            feed.write(line + "\n")
            feed.flush()

        send("/discussion thread")
        await emu.wait_for(lambda: bool(emu.threads(sb.guild)), what="the thread")
        send("channel today")
        send("say hello thread")
        await emu.wait_for_message(emu.threads(sb.guild)[0], lambda m: m.content == "hello thread")
        send("channel random")
        await emu.wait_for(lambda: sb.guild.channel_named("random") is not None)
        send("as bob")
        send("say hi all")
        await emu.wait_for(lambda: "bob:\n  hi all" in out.getvalue(), what="the echo of bob's message")
        send("quit")
        await asyncio.wait_for(running, 5)
    text = out.getvalue()
    assert "Banter:\n  Discuss below" in text
    assert "Now in thread #today." in text
    assert "(created #random)" in text and "You are now bob." in text
    assert [m.content for m in emu.channel_messages(found(sb.guild.channel_named("random"), "#random"))] == ["hi all"]
