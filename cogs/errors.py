"""One error handler for the whole command tree."""

from __future__ import annotations

import logging
import math

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import BanterBot
from bot.errors import UserError
from cogs.i18n import Messages, tr
from cogs.ui import reply_error

log = logging.getLogger(__name__)

def message_for(error: app_commands.AppCommandError, t: Messages) -> str | None:
    """What to tell a person for a mistake they can fix, in their language; None for a bug."""
    if isinstance(error, app_commands.CommandInvokeError) and isinstance(error.original, UserError):
        return t.error(error.original)
    if isinstance(error, app_commands.MissingPermissions):
        names = [t.permission(p) for p in error.missing_permissions]
        needed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + t("error.and") + names[-1]
        return t("error.missing_permissions", permissions=needed, count=len(names))
    if isinstance(error, app_commands.NoPrivateMessage):
        return t("error.servers_only")
    if isinstance(error, app_commands.CommandOnCooldown):
        return t("error.cooldown", seconds=t.duration(max(1, math.ceil(error.retry_after))))
    if isinstance(error, app_commands.TransformerError):
        return t("error.bad_value", value=error.value)
    if isinstance(error, app_commands.CheckFailure):
        # The checks (cogs/checks.py) raise with a service's sentence, which the catalog translates.
        return t.error(UserError(str(error))) if str(error) else t("error.not_here")
    return None


class Errors(commands.Cog):
    def __init__(self, bot: BanterBot) -> None:
        self.bot = bot
        self._previous = bot.tree.on_error

    async def cog_load(self) -> None:
        self.bot.tree.error(self.on_app_command_error)

    async def cog_unload(self) -> None:
        self.bot.tree.error(self._previous)

    async def on_app_command_error(self, interaction: discord.Interaction,
                                   error: app_commands.AppCommandError) -> None:
        t = tr(interaction)
        message = message_for(error, t)
        if message is None:
            command = interaction.command.qualified_name if interaction.command else "?"
            log.error("command /%s failed", command, exc_info=error)
            message = t("error.apology")
        await reply_error(interaction, message)


async def setup(bot: BanterBot) -> None:
    await bot.add_cog(Errors(bot))
