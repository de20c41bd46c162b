"""Voting: registers the persistent 👍/👎 buttons so clicks on any item message are handled."""

from __future__ import annotations

from discord.ext import commands

from bot.bot import BanterBot
from cogs.ui import VoteButton


class Votes(commands.Cog):
    def __init__(self, bot: BanterBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(VoteButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(VoteButton)


async def setup(bot: BanterBot) -> None:
    await bot.add_cog(Votes(bot))
