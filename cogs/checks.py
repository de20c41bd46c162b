"""Checks shared by the cogs' commands. Not an extension itself.

``default_permissions`` only decides who *sees* a command by default; a server can change that,
and it says nothing about the moderator role. So moderator commands also check on our side.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import AsyncIterator, Callable
from typing import TypeVar

import discord
from discord import app_commands

from bot.errors import Command, Seconds, UserError
from bot.services.cooldowns import Limited
from bot.services.moderation import NOT_A_MODERATOR, Actor
from cogs.ui import core_of

T = TypeVar("T")


def actor_of(interaction: discord.Interaction) -> Actor:
    """Who acts, as the plain values the moderation service decides on."""
    user = interaction.user
    roles = frozenset(role.id for role in user.roles) if isinstance(user, discord.Member) else frozenset()
    return Actor(user.id, manage_guild=interaction.guild_id is not None and interaction.permissions.manage_guild,
                 role_ids=roles)


async def member_is_moderator(interaction: discord.Interaction) -> bool:
    """Manage Server in this server, or the role set as the server's moderator role."""
    if interaction.guild_id is None:
        return False
    # The rule itself lives in the moderation service, which checks it again on every action.
    return await core_of(interaction).moderation.access.is_moderator(interaction.guild_id, actor_of(interaction))


def is_moderator() -> Callable[[T], T]:
    """An app-command check: the command runs for moderators only, with a clear message for others."""

    async def predicate(interaction: discord.Interaction) -> bool:
        if interaction.guild_id is None:
            raise app_commands.NoPrivateMessage()
        if not await member_is_moderator(interaction):
            raise app_commands.CheckFailure(NOT_A_MODERATOR)
        return True

    return app_commands.check(predicate)


async def take_cooldown(interaction: discord.Interaction, command: Limited) -> None:
    """The member uses ``command`` now, or is told how long to wait (and nothing else happens)."""
    if interaction.guild_id is None:
        return
    wait = await core_of(interaction).cooldowns.use(interaction.guild_id, interaction.user.id, command,
                                                    lambda: actor_of(interaction))
    if wait is not None:
        raise UserError("Slow down a little: you can use {command} again in {wait}.", command=Command(command),
                        wait=Seconds(max(1, math.ceil(wait))))


@contextlib.asynccontextmanager
async def cooldown(interaction: discord.Interaction, command: Limited) -> AsyncIterator[None]:
    """:func:`take_cooldown` for a block; a block that ends in the member's own mistake (a category
    that does not exist, a search that matches nothing) does not count as a use."""
    await take_cooldown(interaction, command)
    try:
        yield
    except UserError:
        if interaction.guild_id is not None:
            core_of(interaction).cooldowns.refund(interaction.guild_id, interaction.user.id, command)
        raise
