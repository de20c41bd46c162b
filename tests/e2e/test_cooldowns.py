"""Per-member cooldowns on /joke and /mood end to end, on the ManualClock: the wait and how it is
said, each member and command on its own, moderators exempt, a server's own cooldown, and a
member in crisis never told to wait. What is checked is what members and moderators see."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.services.mood.rules import CRISIS_REPLY
from discord_emulator import InvocationError
from tests.e2e.harness import Answer, banter


def told_to_wait(answer: Answer, command: str, wait: str) -> bool:
    return answer.ephemeral and answer.content == f"Slow down a little: you can use `/{command}` again in {wait}."


def a_reading(answer: Answer) -> bool:
    """A /mood answer that reads the feeling rather than asking to wait."""
    return answer.content.startswith("I read")


def a_joke(answer: Answer) -> bool:
    """A joke everyone in the channel sees."""
    return answer.message.has_embed and not answer.ephemeral


async def test_a_member_waits_between_two_jokes_and_is_told_how_long(tmp_path: Path) -> None:
    async with banter(tmp_path, cooldowns=True) as b:  # the defaults: 5 seconds each
        assert a_joke(await b.alice.run("joke"))
        assert told_to_wait(await b.alice.run("joke"), "joke", "5 seconds")
        await b.later(timedelta(seconds=4.2))
        assert told_to_wait(await b.alice.run("joke"), "joke", "1 second")
        # Another member, and another command, are not held up.
        assert a_joke(await b.bob.run("joke"))
        # (Not only "not told to wait 5 seconds": a wait shared with /joke would say "1 second".)
        mood = await b.alice.run("mood", feeling="ugh, exams tomorrow")
        assert not told_to_wait(mood, "mood", "5 seconds") and a_reading(mood)
        assert told_to_wait(await b.alice.run("mood", feeling="so bored"), "mood", "5 seconds")
        await b.later(timedelta(seconds=0.8))
        assert a_joke(await b.alice.run("joke"))
        # A joke asked for and not found does not count.
        await b.later(timedelta(seconds=5))
        missing = await b.alice.run("joke", category="knock-knock-nope")
        assert "no joke category called" in missing.content
        assert a_joke(await b.alice.run("joke"))


async def test_someone_in_crisis_is_never_told_to_wait(tmp_path: Path) -> None:
    async with banter(tmp_path, cooldowns=True) as b:
        await b.alice.run("mood", feeling="ugh, exams tomorrow")
        answer = await b.alice.run("mood", feeling="i don't want to be alive anymore")
        assert answer.content == CRISIS_REPLY


async def test_moderators_are_exempt_and_set_the_servers_own_cooldown(tmp_path: Path) -> None:
    async with banter(tmp_path, cooldowns=True, channels=("general", "mod-log")) as b:
        carol = await b.moderator("carol")
        modlog = b.channel("mod-log")
        assert (await carol.run("settings modlog", channel=modlog)).content == "Saved."
        for _ in range(3):
            assert a_joke(await carol.run("joke"))
        saved = await carol.run("settings cooldown", command="joke", seconds=120)
        assert saved.ephemeral and saved.content == "Saved."
        assert saved.embed.fields["Cooldowns per member"] == "`/joke` 2 minutes, `/mood` 5 seconds (default)"
        logged = await b.posted(modlog, "/joke cooldown")
        assert carol.mention in logged.embed.description
        await b.alice.run("joke")
        assert told_to_wait(await b.alice.run("joke"), "joke", "2 minutes")
        await b.later(timedelta(seconds=61))
        assert told_to_wait(await b.alice.run("joke"), "joke", "59 seconds")
        # Off for /mood in this server.
        await carol.run("settings cooldown", command="mood", seconds=0)
        for feeling in ("so bored", "so happy today"):
            answer = await b.alice.run("mood", feeling=feeling)
            assert not answer.content.startswith("Slow down") and a_reading(answer)
        # Discord refuses a cooldown over an hour before the bot sees it; nothing changes.
        with pytest.raises(InvocationError):
            await carol.run("settings cooldown", command="joke", seconds=3601)
        shown = (await carol.run("settings show")).embed.fields["Cooldowns per member"]
        assert shown == "`/joke` 2 minutes, `/mood` off"
        # Back to the configured default when left out.
        back = await carol.run("settings cooldown", command="joke")
        assert back.embed.fields["Cooldowns per member"].startswith("`/joke` 5 seconds (default)")
        await b.later(timedelta(minutes=5))
        await b.alice.run("joke")
        assert told_to_wait(await b.alice.run("joke"), "joke", "5 seconds")


async def test_moderators_wait_too_when_the_config_says_so(tmp_path: Path) -> None:
    extra = "cooldowns:\n  joke_seconds: 10\n  exempt_moderators: false\n"
    async with banter(tmp_path, cooldowns=True, config_extra=extra) as b:
        carol = await b.moderator("carol")
        await carol.run("joke")
        assert told_to_wait(await carol.run("joke"), "joke", "10 seconds")
