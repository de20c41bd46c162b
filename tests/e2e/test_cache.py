"""What the bot keeps of each server: the channels and roles it works with, not categories or
channels' topics (docs/scale.md), and the permission checks still see every overwrite."""

from __future__ import annotations

from pathlib import Path

import discord

from bot.sandbox.app import run_banter
from discord_emulator import Permissions as P
from discord_emulator.driver import sandbox
from tests.clocks import WatchedClock
from tests.e2e.harness import START, fresh_config


async def test_no_categories_or_topics_are_kept_and_permissions_still_hold(tmp_path: Path) -> None:
    config = await fresh_config(tmp_path)
    async with sandbox(channels=("general",), members=()) as sb:
        emu = sb.emu
        talk = emu.add_category(sb.guild, "Talk")
        daily = emu.add_text_channel(sb.guild, "daily", topic="Where the daily post goes", category=talk)
        emu.set_overwrite(daily, emu.bot_user, deny=int(P.SEND_MESSAGES))
        carol = emu.add_member(sb.guild, "carol", roles=[emu.add_role(sb.guild, "Admins", int(P.MANAGE_GUILD))])
        async with run_banter(emu, config, WatchedClock(START)) as bot:
            await emu.wait_for_commands(["daily"])
            cached = bot.get_channel(daily.id)
            assert isinstance(cached, discord.TextChannel)
            assert cached.topic is None and cached.category is None
            assert bot.get_channel(talk.id) is None
            # The channel's own overwrite still counts: the bot may not post there, and says so.
            ix = await emu.slash(carol, sb.general, "daily set", channel=daily, time="09:00", timezone="UTC")
            answer = await ix.original_message()
            assert answer.ephemeral
            assert f"I cannot post in <#{daily.id}>: I need the Send Messages permission there" in answer.content
            assert await bot.core.storage.daily.get_schedule(sb.guild.id) is None
        assert emu.spec_violations == []
