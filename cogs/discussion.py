"""/discussion: the server's topic of the day, or another one."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import BanterBot
from cogs.ui import item_message, send_pick


@app_commands.guild_only()
class Discussion(commands.GroupCog, group_name="discussion"):
    """Discussion topics for the server."""

    def __init__(self, bot: BanterBot) -> None:
        self.bot = bot
        self.core = bot.core
        super().__init__()

    @app_commands.command()
    async def today(self, interaction: discord.Interaction) -> None:
        """The server's topic of the day: the same for everyone all day."""
        assert interaction.guild_id is not None
        item = await self.core.picks.of_the_day("discussion", interaction.guild_id)
        await interaction.response.send_message(**await item_message(self.core, item, interaction.guild_id))

    @app_commands.command(name="random")
    async def random_topic(self, interaction: discord.Interaction) -> None:
        """Another topic to talk about."""
        assert interaction.guild_id is not None and interaction.channel_id is not None
        f = await self.core.picks.filters("discussion", interaction.guild_id)
        item = await self.core.picks.pick(f, scope_id=interaction.channel_id)
        await send_pick(interaction, item)


async def setup(bot: BanterBot) -> None:
    await bot.add_cog(Discussion(bot))
