"""What the bot keeps of each server: the channels and roles it works with, not categories or
channels' topics (docs/scale.md), and the permission checks still see every overwrite.

What discord.py caches is seen by nobody, so that part reads the bot's cache; the rest is what a
moderator sees."""

from __future__ import annotations

from pathlib import Path

import discord

from discord_emulator import Permissions as P
from tests.e2e.harness import banter


async def test_no_categories_or_topics_are_kept_and_permissions_still_hold(tmp_path: Path) -> None:
    async with banter(tmp_path, members=()) as b:
        carol = await b.moderator("carol")
        # While the bot is down the server gets a category and a channel in it with a topic, which
        # the bot then meets as it connects, as it meets every server it is in.
        await b.stop()
        talk = b.emu.add_category(b.home.guild, "Talk")
        daily = b.emu.add_text_channel(b.home.guild, "daily", topic="Where the daily post goes", category=talk)
        b.emu.set_overwrite(daily, b.emu.bot_user, deny=int(P.SEND_MESSAGES))
        await b.start()
        cached = b.bot.get_channel(daily.id)
        assert isinstance(cached, discord.TextChannel)
        assert cached.topic is None and cached.category is None
        assert b.bot.get_channel(talk.id) is None
        # The channel's own overwrite still counts: the bot may not post there, and says so.
        answer = await carol.run("daily set", channel=daily, time="09:00", timezone="UTC")
        assert answer.ephemeral
        assert f"I cannot post in {daily.mention}: I need the Send Messages permission there" in answer.content
        status = await carol.run("daily status")
        assert status.embed.description.startswith("Not set up.")
