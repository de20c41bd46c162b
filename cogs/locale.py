"""Installs the command translator, so the slash commands sync with their German names and
descriptions. Loaded first: the tree is translated when it is synced, after every extension."""

from __future__ import annotations

from discord.ext import commands

from bot.bot import BanterBot
from cogs.i18n import CommandTranslator


class Locale(commands.Cog):
    def __init__(self, bot: BanterBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        await self.bot.tree.set_translator(CommandTranslator())

    async def cog_unload(self) -> None:
        await self.bot.tree.set_translator(None)


async def setup(bot: BanterBot) -> None:
    await bot.add_cog(Locale(bot))
