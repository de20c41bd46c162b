"""One error handler for the whole command tree."""

from __future__ import annotations

import logging
import math

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import BanterBot
from bot.errors import UserError
from cogs.render import error_text, seconds_text
from cogs.ui import APOLOGY, reply_error

log = logging.getLogger(__name__)

# The names the Discord client shows, where discord.py's attribute names differ from them.
PERMISSION_NAMES = {"manage_guild": "Manage Server", "view_channel": "View Channels", "read_messages": "View Channels",
                    "moderate_members": "Timeout Members", "use_external_emojis": "Use External Emoji",
                    "create_instant_invite": "Create Invite"}


def message_for(error: app_commands.AppCommandError) -> str | None:
    """What to tell a person for a mistake they can fix; None for a bug."""
    if isinstance(error, app_commands.CommandInvokeError) and isinstance(error.original, UserError):
        return error_text(error.original)
    if isinstance(error, app_commands.MissingPermissions):
        names = [PERMISSION_NAMES.get(p, p.replace("_", " ").title()) for p in error.missing_permissions]
        needed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return f"You need the {needed} permission{'s' if len(names) > 1 else ''} for that."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command works in servers only."
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little: try again in {seconds_text(max(1, math.ceil(error.retry_after)))}."
    if isinstance(error, app_commands.TransformerError):
        return f"`{error.value}` is not a valid value here."
    if isinstance(error, app_commands.CheckFailure):
        return str(error) or "You cannot use this command here."
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
        message = message_for(error)
        if message is None:
            command = interaction.command.qualified_name if interaction.command else "?"
            log.error("command /%s failed", command, exc_info=error)
            message = APOLOGY
        await reply_error(interaction, message)


async def setup(bot: BanterBot) -> None:
    await bot.add_cog(Errors(bot))
