"""The bot's side of the web dashboard: the site asks here who a member is in a server and what
the server holds, and hands over what moderators did on the site for the mod-log and the member.

Nothing is trusted from the member's login: each question is answered from Discord now (the
member is fetched over REST, as the bot runs without the privileged member intent).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import discord
from discord.ext import commands

from bot.bot import BanterBot
from bot.records import ActionRecord
from bot.services.bot_link import Named, ServerView
from bot.services.moderation import Actor, Decision
from cogs.moderation_ui import post_modlog
from cogs.review import tell_submitter

log = logging.getLogger(__name__)


class Dashboard(commands.Cog):
    def __init__(self, bot: BanterBot) -> None:
        self.bot = bot
        self.link = bot.core.bot_link

    async def cog_load(self) -> None:
        self.link.attach(self)

    async def cog_unload(self) -> None:
        self.link.detach(self)

    def servers(self) -> frozenset[int]:
        return frozenset(guild.id for guild in self.bot.guilds)

    async def server(self, guild_id: int) -> ServerView | None:
        guild = self.bot.get_guild(guild_id)
        if guild is None:
            return None
        channels = tuple(Named(c.id, c.name) for c in sorted(guild.text_channels, key=lambda c: (c.position, c.id)))
        roles = tuple(Named(r.id, r.name) for r in sorted(guild.roles, key=lambda r: -r.position) if not r.is_default())
        return ServerView(guild.id, guild.name, channels, roles)

    async def member(self, guild_id: int, user_id: int) -> Actor | None:
        guild = self.bot.get_guild(guild_id)
        if guild is None:
            return None
        try:
            # Fetched every time, never from a cache: a role taken away a minute ago counts.
            member = await guild.fetch_member(user_id)
        except discord.NotFound:
            return None
        return Actor(member.id, manage_guild=member.guild_permissions.manage_guild,
                     role_ids=frozenset(role.id for role in member.roles))

    async def announce(self, guild_id: int, records: Sequence[ActionRecord], decision: Decision | None) -> None:
        await post_modlog(self.bot, guild_id, *records)
        if decision is not None:
            guild = self.bot.get_guild(guild_id)
            await tell_submitter(self.bot, guild, decision)


async def setup(bot: BanterBot) -> None:
    await bot.add_cog(Dashboard(bot))
