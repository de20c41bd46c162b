"""The discord.py bot: holds the core, loads the extensions and syncs commands when they change."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

import discord
from discord.ext import commands

from bot.core import Core

log = logging.getLogger(__name__)

# A fixed list: a missing or broken extension stops start-up instead of leaving a half bot.
EXTENSIONS: tuple[str, ...] = (
    "cogs.locale",
    "cogs.errors",
    "cogs.votes",
    "cogs.jokes",
    "cogs.mood",
    "cogs.discussion",
    "cogs.top",
    "cogs.daily",
    "cogs.reports",
    "cogs.suggest",
    "cogs.review",
    "cogs.content",
    "cogs.settings",
)


class BanterBot(commands.Bot):
    def __init__(self, core: Core, **options: Any) -> None:
        # Banter has no voice features: discord.py's warnings about voice libraries would only
        # worry whoever reads the start-up log.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        intents = discord.Intents.none()
        intents.guilds = True
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            # Content written by members must never ping @everyone, roles or users.
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            **options,
        )
        self.core = core

    async def setup_hook(self) -> None:
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        await self.sync_commands()

    async def command_digest(self, guild: discord.abc.Snowflake | None) -> str:
        """A hash of what a sync would send, translations included (a new German name is a change)."""
        translator = self.tree.translator
        payload = [await command.get_translated_payload(self.tree, translator) if translator is not None
                   else command.to_dict(self.tree) for command in self.tree.get_commands(guild=guild)]
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()

    async def sync_commands(self) -> bool:
        """Sync the command tree only when the definitions changed since the last sync.

        Returns whether a sync was sent. With ``discord.dev_guild_id`` the commands go to that
        guild alone, where they appear at once.
        """
        guild_id = self.core.config.dev_guild_id
        guild = discord.Object(guild_id) if guild_id else None
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        digest = await self.command_digest(guild)
        key = f"commands:{self.application_id}:{guild_id or 'global'}"
        if await self.core.storage.meta.get(key) == digest:
            log.info("application commands unchanged; not syncing")
            return False
        synced = await self.tree.sync(guild=guild)
        await self.core.storage.meta.set(key, digest)
        where = f"guild {guild_id}" if guild_id else "all servers"
        log.info("synced %d application commands to %s", len(synced), where)
        return True

    async def on_ready(self) -> None:
        log.info("connected as %s in %d servers", self.user, len(self.guilds))
