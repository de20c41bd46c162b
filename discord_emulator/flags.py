"""Discord's numbers: snowflakes, permission bits, channel types, message flags and intents."""

from __future__ import annotations

import enum
import hashlib
import time
from datetime import UTC, datetime

DISCORD_EPOCH_MS = 1420070400000


class SnowflakeFactory:
    """Realistic, strictly increasing snowflakes (timestamp | worker | process | increment)."""

    def __init__(self, worker: int = 1, process: int = 0) -> None:
        self._last = 0
        self._low = (worker & 0x1F) << 17 | (process & 0x1F) << 12

    def next(self) -> int:
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        value = ms << 22 | self._low
        # Two ids in the same millisecond: bump the increment so ids stay unique and ordered.
        if value <= self._last:
            value = self._last + 1
        self._last = value
        return value

    def next_spread(self, shard: tuple[int, int] | None = None) -> int:
        """An id in a millisecond of its own, for guilds: a guild's shard is its id's millisecond
        modulo the shard count, so ids made in one burst (which :meth:`next` puts in one
        millisecond) would all land on one shard. Consecutive calls take consecutive milliseconds
        (or later ones), which go round every shard in turn; ``shard=(id, count)`` takes the next
        millisecond that falls on that shard."""
        ms = max(int(time.time() * 1000) - DISCORD_EPOCH_MS, (self._last >> 22) + 1)
        if shard is not None:
            shard_id, count = shard
            if not 0 <= shard_id < count:
                raise ValueError(f"shard {shard_id} is not one of {count} shard(s)")
            ms += (shard_id - ms) % count
        self._last = ms << 22 | self._low
        return self._last


# Stable ids are dated within a year from here (2024-01-01 UTC), so they read as real snowflakes.
STABLE_EPOCH_MS = 1_704_067_200_000 - DISCORD_EPOCH_MS


def stable_snowflake(*parts: str) -> int:
    """A snowflake that is the same for the same ``parts`` in every run (a server's name, a channel's
    server and name...), so a world built again from the same names has the same ids."""
    digest = int.from_bytes(hashlib.sha256("\x1f".join(parts).encode()).digest()[:8], "big")
    ms = STABLE_EPOCH_MS + (digest >> 22) % (365 * 86_400_000)
    return ms << 22 | digest & 0x3FFFFF


def snowflake_time(snowflake: int) -> datetime:
    return datetime.fromtimestamp(((snowflake >> 22) + DISCORD_EPOCH_MS) / 1000, tz=UTC)


def iso(dt: datetime | None) -> str | None:
    return None if dt is None else dt.isoformat()


class Permissions(enum.IntFlag):
    """Discord permission bits (only the ones a text bot meets are named)."""

    CREATE_INSTANT_INVITE = 1 << 0
    KICK_MEMBERS = 1 << 1
    BAN_MEMBERS = 1 << 2
    ADMINISTRATOR = 1 << 3
    MANAGE_CHANNELS = 1 << 4
    MANAGE_GUILD = 1 << 5
    ADD_REACTIONS = 1 << 6
    VIEW_AUDIT_LOG = 1 << 7
    VIEW_CHANNEL = 1 << 10
    SEND_MESSAGES = 1 << 11
    SEND_TTS_MESSAGES = 1 << 12
    MANAGE_MESSAGES = 1 << 13
    EMBED_LINKS = 1 << 14
    ATTACH_FILES = 1 << 15
    READ_MESSAGE_HISTORY = 1 << 16
    MENTION_EVERYONE = 1 << 17
    USE_EXTERNAL_EMOJIS = 1 << 18
    CONNECT = 1 << 20
    SPEAK = 1 << 21
    CHANGE_NICKNAME = 1 << 26
    MANAGE_NICKNAMES = 1 << 27
    MANAGE_ROLES = 1 << 28
    MANAGE_WEBHOOKS = 1 << 29
    USE_APPLICATION_COMMANDS = 1 << 31
    MANAGE_THREADS = 1 << 34
    CREATE_PUBLIC_THREADS = 1 << 35
    CREATE_PRIVATE_THREADS = 1 << 36
    SEND_MESSAGES_IN_THREADS = 1 << 38
    MODERATE_MEMBERS = 1 << 40


ALL_PERMISSIONS = (1 << 51) - 1

# The names the Discord client gives permissions (Server Settings > Roles), by bit.
PERMISSION_NAMES: dict[Permissions, str] = {
    Permissions.CREATE_INSTANT_INVITE: "Create Invite", Permissions.KICK_MEMBERS: "Kick Members",
    Permissions.BAN_MEMBERS: "Ban Members", Permissions.ADMINISTRATOR: "Administrator",
    Permissions.MANAGE_CHANNELS: "Manage Channels", Permissions.MANAGE_GUILD: "Manage Server",
    Permissions.ADD_REACTIONS: "Add Reactions", Permissions.VIEW_AUDIT_LOG: "View Audit Log",
    Permissions.VIEW_CHANNEL: "View Channels", Permissions.SEND_MESSAGES: "Send Messages",
    Permissions.SEND_TTS_MESSAGES: "Send Text-to-Speech Messages", Permissions.MANAGE_MESSAGES: "Manage Messages",
    Permissions.EMBED_LINKS: "Embed Links", Permissions.ATTACH_FILES: "Attach Files",
    Permissions.READ_MESSAGE_HISTORY: "Read Message History", Permissions.MENTION_EVERYONE:
    "Mention @everyone, @here, and All Roles", Permissions.USE_EXTERNAL_EMOJIS: "Use External Emoji",
    Permissions.CONNECT: "Connect", Permissions.SPEAK: "Speak", Permissions.CHANGE_NICKNAME: "Change Nickname",
    Permissions.MANAGE_NICKNAMES: "Manage Nicknames", Permissions.MANAGE_ROLES: "Manage Roles",
    Permissions.MANAGE_WEBHOOKS: "Manage Webhooks", Permissions.USE_APPLICATION_COMMANDS: "Use Application Commands",
    Permissions.MANAGE_THREADS: "Manage Threads", Permissions.CREATE_PUBLIC_THREADS: "Create Public Threads",
    Permissions.CREATE_PRIVATE_THREADS: "Create Private Threads",
    Permissions.SEND_MESSAGES_IN_THREADS: "Send Messages in Threads", Permissions.MODERATE_MEMBERS: "Timeout Members",
}


def permission_names(value: int | str | None) -> str:
    """Permission bits as the client names them: "Manage Server", or "Manage Server and Kick Members"."""
    bits = int(value or 0)
    names = [name for flag, name in PERMISSION_NAMES.items() if bits & flag]
    unnamed = bits & ~sum(PERMISSION_NAMES)
    if unnamed:
        names.append(f"permission bits {unnamed:#x}")
    if not names:
        return "no permissions"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

# What a fresh server grants @everyone (close to Discord's defaults for a new guild).
DEFAULT_EVERYONE_PERMISSIONS = int(
    Permissions.CREATE_INSTANT_INVITE
    | Permissions.ADD_REACTIONS
    | Permissions.VIEW_CHANNEL
    | Permissions.SEND_MESSAGES
    | Permissions.EMBED_LINKS
    | Permissions.ATTACH_FILES
    | Permissions.READ_MESSAGE_HISTORY
    | Permissions.USE_EXTERNAL_EMOJIS
    | Permissions.CONNECT
    | Permissions.SPEAK
    | Permissions.CHANGE_NICKNAME
    | Permissions.USE_APPLICATION_COMMANDS
    | Permissions.CREATE_PUBLIC_THREADS
    | Permissions.CREATE_PRIVATE_THREADS
    | Permissions.SEND_MESSAGES_IN_THREADS
)

# The bot's managed role: what an invite link for a chat bot typically asks for.
DEFAULT_BOT_PERMISSIONS = int(
    Permissions.VIEW_CHANNEL
    | Permissions.SEND_MESSAGES
    | Permissions.SEND_MESSAGES_IN_THREADS
    | Permissions.CREATE_PUBLIC_THREADS
    | Permissions.CREATE_PRIVATE_THREADS
    | Permissions.MANAGE_THREADS
    | Permissions.MANAGE_MESSAGES
    | Permissions.EMBED_LINKS
    | Permissions.ATTACH_FILES
    | Permissions.READ_MESSAGE_HISTORY
    | Permissions.ADD_REACTIONS
    | Permissions.USE_EXTERNAL_EMOJIS
    | Permissions.USE_APPLICATION_COMMANDS
)


class ChannelType(enum.IntEnum):
    GUILD_TEXT = 0
    DM = 1
    GUILD_VOICE = 2
    GUILD_CATEGORY = 4
    GUILD_ANNOUNCEMENT = 5
    ANNOUNCEMENT_THREAD = 10
    PUBLIC_THREAD = 11
    PRIVATE_THREAD = 12
    GUILD_FORUM = 15


THREAD_TYPES = frozenset({ChannelType.ANNOUNCEMENT_THREAD, ChannelType.PUBLIC_THREAD, ChannelType.PRIVATE_THREAD})


class MessageFlags(enum.IntFlag):
    CROSSPOSTED = 1 << 0
    SUPPRESS_EMBEDS = 1 << 2
    HAS_THREAD = 1 << 5
    EPHEMERAL = 1 << 6
    LOADING = 1 << 7
    SUPPRESS_NOTIFICATIONS = 1 << 12
    IS_COMPONENTS_V2 = 1 << 15


class Intents(enum.IntFlag):
    GUILDS = 1 << 0
    GUILD_MEMBERS = 1 << 1
    GUILD_MESSAGES = 1 << 9
    GUILD_MESSAGE_REACTIONS = 1 << 10
    DIRECT_MESSAGES = 1 << 12
    MESSAGE_CONTENT = 1 << 15
    GUILD_PRESENCES = 1 << 8


PRIVILEGED_INTENTS = int(Intents.GUILD_MEMBERS | Intents.GUILD_PRESENCES | Intents.MESSAGE_CONTENT)
