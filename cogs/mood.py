"""/mood: say how you feel, in your own words, and get something that suits it."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import BanterBot
from bot.errors import UserError
from cogs.ui import send_pick


class MoodCog(commands.Cog, name="Mood"):
    def __init__(self, bot: BanterBot) -> None:
        self.bot = bot
        self.core = bot.core

    @app_commands.command()
    @app_commands.guild_only()
    @app_commands.describe(feeling="How you feel: pick a mood or say it your way (\"ugh, exams tomorrow\")")
    async def mood(self, interaction: discord.Interaction, feeling: app_commands.Range[str, 1, 200]) -> None:
        """Tell me how you feel and I will pick a joke to suit it."""
        assert interaction.guild_id is not None and interaction.channel_id is not None
        reading = self.core.moods.read(feeling)
        if reading.mood is None:
            names = ", ".join(sorted(self.core.moods.moods))
            raise UserError(f"I could not tell a mood from that. Say it another way, or pick one of: {names}.")
        mood = reading.mood
        f = await self.core.picks.filters("joke", interaction.guild_id, mood=mood)
        item = await self.core.picks.pick(f, scope_id=interaction.channel_id)
        await send_pick(interaction, item, f"Mood: {mood.name} {mood.emoji}".rstrip())

    @mood.autocomplete("feeling")
    async def feeling_autocomplete(self, interaction: discord.Interaction,
                                   current: str) -> list[app_commands.Choice[str]]:
        choices: list[app_commands.Choice[str]] = []
        text = current.strip()
        if text and self.core.moods.get(text) is None:
            reading = self.core.moods.read(text)
            if reading.mood is not None:
                suffix = f" → {reading.mood.name}"
                label = text[: 100 - len(suffix)] + suffix
                choices.append(app_commands.Choice(name=label, value=text[:100]))
        for mood in self.core.moods.suggest("" if choices else text):
            choices.append(app_commands.Choice(name=f"{mood.emoji} {mood.name}: {mood.description}"[:100],
                                               value=mood.name))
        return choices[:25]


async def setup(bot: BanterBot) -> None:
    await bot.add_cog(MoodCog(bot))
