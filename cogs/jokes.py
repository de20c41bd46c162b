"""/joke: a random joke, from a category or matching some words."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import BanterBot
from cogs.checks import cooldown
from cogs.ui import send_pick


class Jokes(commands.Cog):
    def __init__(self, bot: BanterBot) -> None:
        self.bot = bot
        self.core = bot.core

    @app_commands.command()
    @app_commands.guild_only()
    @app_commands.describe(category="Only jokes from this category", search="Words the joke should contain")
    async def joke(self, interaction: discord.Interaction, category: app_commands.Range[str, 1, 64] | None = None,
                   search: app_commands.Range[str, 1, 100] | None = None) -> None:
        """Tell a random joke."""
        assert interaction.guild_id is not None and interaction.channel_id is not None
        async with cooldown(interaction, "joke"):
            category = category.strip().lower() if category is not None else None
            f = await self.core.picks.filters("joke", interaction.guild_id, category=category)
            item = await self.core.picks.pick(f, scope_id=interaction.channel_id, search=search)
        await send_pick(interaction, item)

    @joke.autocomplete("category")
    async def category_autocomplete(self, interaction: discord.Interaction,
                                    current: str) -> list[app_commands.Choice[str]]:
        current = current.strip().lower()
        f = await self.core.picks.filters("joke", interaction.guild_id or 0)
        return [
            app_commands.Choice(name=f"{name} ({count})", value=name)
            for name, count in await self.core.picks.categories(f)
            if current in name
        ][:25]


async def setup(bot: BanterBot) -> None:
    await bot.add_cog(Jokes(bot))
