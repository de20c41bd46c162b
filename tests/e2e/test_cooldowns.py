"""Per-member cooldowns on /joke and /mood end to end, on the ManualClock: the wait and how it is
said, each member and command on its own, moderators exempt, a server's own cooldown, and a
member in crisis never told to wait."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.services.mood.rules import CRISIS_REPLY
from discord_emulator import InvocationError, Member, Message
from discord_emulator import Permissions as P
from tests.e2e.harness import Banter, banter


async def use(b: Banter, who: Member, name: str, **options: str | int) -> Message:
    return await (await b.emu.slash(who, b.sb.general, name, **options)).original_message()


async def moderator(b: Banter) -> Member:
    admins = b.emu.add_role(b.sb.guild, "Admins", int(P.MANAGE_GUILD))
    carol = b.emu.add_member(b.sb.guild, "carol", roles=[admins])
    await b.emu.wait_for(lambda: (guild := b.bot.get_guild(b.sb.guild.id)) is not None
                         and guild.get_role(admins.id) is not None)
    return carol


def told_to_wait(msg: Message, command: str, wait: str) -> bool:
    return msg.ephemeral and msg.content == f"Slow down a little: you can use `/{command}` again in {wait}."


async def test_a_member_waits_between_two_jokes_and_is_told_how_long(tmp_path: Path) -> None:
    async with banter(tmp_path, cooldowns=True) as b:  # the defaults: 5 seconds each
        first = await use(b, b.sb.alice, "joke")
        assert first.embed is not None and not first.ephemeral
        assert told_to_wait(await use(b, b.sb.alice, "joke"), "joke", "5 seconds")
        await b.clock.advance(4.2)
        assert told_to_wait(await use(b, b.sb.alice, "joke"), "joke", "1 second")
        # Another member, and another command, are not held up.
        assert (await use(b, b.sb.bob, "joke")).embed is not None
        assert not told_to_wait(await use(b, b.sb.alice, "mood", feeling="ugh, exams tomorrow"), "mood", "5 seconds")
        assert told_to_wait(await use(b, b.sb.alice, "mood", feeling="so bored"), "mood", "5 seconds")
        await b.clock.advance(0.8)
        assert (await use(b, b.sb.alice, "joke")).embed is not None
        # A joke asked for and not found does not count.
        await b.clock.advance(5)
        missing = await use(b, b.sb.alice, "joke", category="knock-knock-nope")
        assert "no joke category called" in missing.content
        assert (await use(b, b.sb.alice, "joke")).embed is not None


async def test_someone_in_crisis_is_never_told_to_wait(tmp_path: Path) -> None:
    async with banter(tmp_path, cooldowns=True) as b:
        await use(b, b.sb.alice, "mood", feeling="ugh, exams tomorrow")
        answer = await use(b, b.sb.alice, "mood", feeling="i don't want to be alive anymore")
        assert answer.content == CRISIS_REPLY


async def test_moderators_are_exempt_and_set_the_servers_own_cooldown(tmp_path: Path) -> None:
    async with banter(tmp_path, cooldowns=True) as b:
        carol = await moderator(b)
        for _ in range(3):
            assert (await use(b, carol, "joke")).embed is not None
        saved = await (await b.emu.slash(carol, b.sb.general, "settings cooldown", command="joke",
                                         seconds=120)).original_message()
        assert saved.ephemeral and saved.content == "Saved."
        assert saved.embed is not None
        shown = {f["name"]: f["value"] for f in saved.embed["fields"]}
        assert shown["Cooldowns per member"] == "`/joke` 2 minutes, `/mood` 5 seconds (default)"
        await use(b, b.sb.alice, "joke")
        assert told_to_wait(await use(b, b.sb.alice, "joke"), "joke", "2 minutes")
        await b.clock.advance(61)
        assert told_to_wait(await use(b, b.sb.alice, "joke"), "joke", "59 seconds")
        # Off for /mood in this server.
        await use(b, carol, "settings cooldown", command="mood", seconds=0)
        for feeling in ("so bored", "so happy today"):
            assert not (await use(b, b.sb.alice, "mood", feeling=feeling)).content.startswith("Slow down")
        # Discord refuses a cooldown over an hour before the bot sees it; nothing changes.
        with pytest.raises(InvocationError):
            await b.emu.slash(carol, b.sb.general, "settings cooldown", command="joke", seconds=3601)
        assert await b.core.cooldowns.seconds(b.sb.guild.id, "joke") == 120
        # Back to the configured default when left out.
        await use(b, carol, "settings cooldown", command="joke")
        assert await b.core.cooldowns.seconds(b.sb.guild.id, "joke") == 5
        (change, *_) = await b.core.storage.audit.actions(b.sb.guild.id, target="settings")
        assert change.actor_id == carol.id and change.after == {"joke_cooldown": None}


async def test_moderators_wait_too_when_the_config_says_so(tmp_path: Path) -> None:
    extra = "cooldowns:\n  joke_seconds: 10\n  exempt_moderators: false\n"
    async with banter(tmp_path, cooldowns=True, config_extra=extra) as b:
        carol = await moderator(b)
        await use(b, carol, "joke")
        assert told_to_wait(await use(b, carol, "joke"), "joke", "10 seconds")
