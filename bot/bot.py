"""The discord.py bot: holds the core, loads the extensions and syncs commands when they change."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

import discord
from discord.ext import commands

from bot.core import Core
from bot.turns import Turns

log = logging.getLogger(__name__)

# A fixed list: a missing or broken extension stops start-up instead of leaving a half bot.
EXTENSIONS: tuple[str, ...] = (
    "cogs.locale",
    "cogs.errors",
    "cogs.votes",
    "cogs.favorites",
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
    "cogs.mydata",
    "cogs.help",
    "cogs.dashboard",
)


# Discord's channel type for categories (discord.ChannelType.category).
CATEGORY = 4


# What Banter never reads of a channel: its topic, the category it sits in (categories are left
# out altogether) and its last message's id (what it reads of a channel's messages it asks
# Discord for).
UNREAD_CHANNEL_FIELDS = ("topic", "parent_id", "last_message_id")


def lean_guild(data: dict[str, Any]) -> dict[str, Any]:
    """A GUILD_CREATE payload without what Banter never reads, before discord.py caches it:
    categories (a channel's permissions come from its own overwrites, and Banter neither lists
    channels by category nor posts in one) and each channel's :data:`UNREAD_CHANNEL_FIELDS`. In
    10,000 servers that is a tenth of the memory discord.py keeps per server (bench/guilds.py); a
    Discord server's channels each have a last message, which the emulator's rarely do."""
    channels = data.get("channels")
    if channels:
        kept = [channel for channel in channels if channel.get("type") != CATEGORY]
        for channel in kept:
            for unread in UNREAD_CHANNEL_FIELDS:
                channel.pop(unread, None)
        data["channels"] = kept
    return data


class BanterBot(commands.AutoShardedBot):
    """Sharded from the start: by default one process runs every shard and Discord picks how many
    (which it requires from 2,500 servers on); ``discord.shard_count`` and ``discord.shard_ids``
    make this process one cluster of a larger bot (see docs/scale.md)."""

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
            # What is kept per server is what the guilds intent brings (channels, roles, the bot's
            # own member): no members (nothing needs them: interactions carry the member), no
            # message cache (Banter reads no messages from it), and, without the expressions
            # intent, no emojis or stickers. docs/scale.md has the figures.
            member_cache_flags=discord.MemberCacheFlags.none(),
            chunk_guilds_at_startup=False,
            max_messages=None,
            # Content written by members must never ping @everyone, roles or users.
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            **options,
        )
        self.core = core
        self.site_url: str | None = None  # where the web site beside the bot listens (set by the launcher)
        # One message's vote clicks take turns (cogs/ui.py): a server's clicks all reach this process.
        self.vote_turns = Turns()
        # discord.py builds its cache from the payloads its parsers receive; no option of its own
        # leaves out what the guilds intent brings, so the one parser is wrapped.
        parsers = self._connection.parsers
        parse_guild_create = parsers["GUILD_CREATE"]
        parsers["GUILD_CREATE"] = lambda data: parse_guild_create(lean_guild(data))

    async def setup_hook(self) -> None:
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        await self.sync_commands()

    async def command_digest(self, guild: discord.abc.Snowflake | None) -> str:
        """A hash of what a sync would send, translations included (a new German name is a change).

        A translator that has a ``fingerprint()`` (the bot's own) is hashed by it beside the
        commands as the code defines them; any other is asked for every translation."""
        translator = self.tree.translator
        fingerprint = getattr(translator, "fingerprint", None)
        commands = self.tree.get_commands(guild=guild)
        payload: list[Any]
        if translator is None or callable(fingerprint):
            payload = [command.to_dict(self.tree) for command in commands]
            if callable(fingerprint):
                payload.append({"translations": fingerprint()})
        else:
            payload = [await command.get_translated_payload(self.tree, translator) for command in commands]
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
        log.info("connected as %s in %d servers on %d of %s shard(s)", self.user, len(self.guilds),
                 len(self.shards), self.shard_count)
