"""In-memory Discord objects held by the emulator.

These are the emulator's own records (what Discord's servers would store), not discord.py
objects.  Tests receive them from the :class:`~discord_emulator.DiscordEmulator` API and read plain
attributes; the JSON shapes Discord sends are produced by :mod:`discord_emulator.payloads`.
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

log = logging.getLogger(__name__)

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


@dataclass(eq=False)
class User:
    id: int
    name: str
    bot: bool = False
    global_name: str | None = None
    dms_open: bool = True
    locale: str = "en-US"

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"

    def __repr__(self) -> str:
        return f"<User {self.name} id={self.id}>"


@dataclass(eq=False)
class Role:
    id: int
    guild_id: int
    name: str
    permissions: int
    position: int = 0
    color: int = 0
    hoist: bool = False
    managed: bool = False
    mentionable: bool = False
    bot_id: int | None = None

    @property
    def is_everyone(self) -> bool:
        return self.id == self.guild_id

    @property
    def mention(self) -> str:
        return "@everyone" if self.is_everyone else f"<@&{self.id}>"

    def __repr__(self) -> str:
        return f"<Role {self.name} id={self.id} permissions={self.permissions:#x}>"


@dataclass(eq=False)
class Member:
    """A user's membership of one guild; ``id``/``name`` delegate to the user."""

    user: User
    guild_id: int
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def name(self) -> str:
        return self.user.name

    @property
    def bot(self) -> bool:
        return self.user.bot

    @property
    def dms_open(self) -> bool:
        return self.user.dms_open

    @property
    def mention(self) -> str:
        return self.user.mention

    def __repr__(self) -> str:
        return f"<Member {self.user.name} id={self.id} guild={self.guild_id} roles={self.roles}>"


@dataclass
class Overwrite:
    id: int
    type: int  # 0 = role, 1 = member
    allow: int = 0
    deny: int = 0


@dataclass(eq=False)
class Channel:
    id: int
    type: int
    name: str
    guild_id: int | None = None
    position: int = 0
    parent_id: int | None = None
    topic: str | None = None
    nsfw: bool = False
    rate_limit_per_user: int = 0
    overwrites: dict[int, Overwrite] = field(default_factory=dict)
    messages: list[Message] = field(default_factory=list)
    deleted: bool = False
    # threads
    owner_id: int | None = None
    archived: bool = False
    locked: bool = False
    invitable: bool = True
    auto_archive_duration: int = 1440
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    member_ids: set[int] = field(default_factory=set)
    message_count: int = 0
    # DMs
    recipients: list[User] = field(default_factory=list)
    # enforce_nonce bookkeeping: nonce -> (message id, emulator clock time)
    nonces: dict[str, tuple[int, float]] = field(default_factory=dict)

    @property
    def is_thread(self) -> bool:
        return self.type in THREAD_TYPES

    @property
    def is_dm(self) -> bool:
        return self.type == ChannelType.DM

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    @property
    def last_message_id(self) -> int | None:
        return self.messages[-1].id if self.messages else None

    def __repr__(self) -> str:
        return f"<Channel #{self.name} id={self.id} type={self.type}>"


@dataclass(eq=False)
class Guild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, Role] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def everyone(self) -> Role:
        return self.roles[self.id]

    def channel_named(self, name: str) -> Channel | None:
        for channel in self.channels.values():
            if channel.name == name and not channel.deleted:
                return channel
        return None

    def role_named(self, name: str) -> Role | None:
        for role in self.roles.values():
            if role.name == name:
                return role
        return None

    def member_named(self, name: str) -> Member | None:
        for member in self.members.values():
            if name in (member.user.name, member.nick, member.user.global_name):
                return member
        return None

    @property
    def threads(self) -> list[Channel]:
        return [c for c in self.channels.values() if c.is_thread and not c.deleted]

    def __repr__(self) -> str:
        return f"<Guild {self.name} id={self.id}>"


@dataclass(eq=False)
class Message:
    id: int
    channel_id: int
    guild_id: int | None
    author: User
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    flags: int = 0
    nonce: str | int | None = None
    type: int = 0
    tts: bool = False
    message_reference: dict[str, Any] | None = None
    thread: Channel | None = None
    attachments: list[dict[str, Any]] = field(default_factory=list)
    timestamp: datetime = field(default_factory=lambda: datetime.now(UTC))
    edited_timestamp: datetime | None = None
    webhook_id: int | None = None
    application_id: int | None = None
    interaction_metadata: dict[str, Any] | None = None
    interaction_id: int | None = None
    pinned: bool = False
    deleted: bool = False
    reactions: dict[str, set[int]] = field(default_factory=dict)

    @property
    def author_id(self) -> int:
        return self.author.id

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & MessageFlags.EPHEMERAL)

    @property
    def loading(self) -> bool:
        """A deferred ("is thinking...") interaction response not yet edited."""
        return bool(self.flags & MessageFlags.LOADING)

    @property
    def embed(self) -> dict[str, Any] | None:
        return self.embeds[0] if self.embeds else None

    def buttons(self) -> list[dict[str, Any]]:
        """Every button, flattened in display order, with the keys tests care about."""
        out = []
        for comp in iter_components(self.components):
            if comp.get("type") != 2:
                continue
            out.append(
                {
                    "label": comp.get("label"),
                    "emoji": emoji_text(comp.get("emoji")),
                    "custom_id": comp.get("custom_id"),
                    "style": comp.get("style"),
                    "disabled": bool(comp.get("disabled", False)),
                    "url": comp.get("url"),
                }
            )
        return out

    def selects(self) -> list[dict[str, Any]]:
        return [c for c in iter_components(self.components) if c.get("type") in (3, 5, 6, 7, 8)]

    def text(self) -> str:
        """Content plus any components-v2 text displays (what a reader sees as text)."""
        parts = [self.content] if self.content else []
        parts += [c.get("content", "") for c in iter_components(self.components) if c.get("type") == 10]
        return "\n".join(parts)

    def __repr__(self) -> str:
        preview = self.content if len(self.content) <= 40 else self.content[:40] + "..."
        return f"<Message id={self.id} channel={self.channel_id} author={self.author.name} {preview!r}>"


def iter_components(components: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Depth-first walk over rows, sections, containers, labels and their children."""
    for comp in components:
        yield comp
        children = comp.get("components")
        if isinstance(children, list):
            yield from iter_components(children)
        for key in ("accessory", "component"):
            child = comp.get(key)
            if isinstance(child, dict):
                yield from iter_components([child])


def emoji_text(emoji: Any) -> str | None:
    if not isinstance(emoji, dict):
        return None
    if emoji.get("id"):
        return f"<:{emoji.get('name')}:{emoji['id']}>"
    return emoji.get("name")


@dataclass(eq=False)
class AppCommand:
    """A registered application command (global when ``guild_id`` is None)."""

    id: int
    application_id: int
    name: str
    type: int = 1
    description: str = ""
    options: list[dict[str, Any]] = field(default_factory=list)
    guild_id: int | None = None
    default_member_permissions: str | None = None
    contexts: list[int] | None = None
    integration_types: list[int] = field(default_factory=lambda: [0])
    nsfw: bool = False
    version: int = 0
    name_localizations: dict[str, str] | None = None
    description_localizations: dict[str, str] | None = None

    @property
    def qualified(self) -> str:
        return f"/{self.name}"

    def __repr__(self) -> str:
        scope = f"guild={self.guild_id}" if self.guild_id else "global"
        return f"<AppCommand /{self.name} id={self.id} {scope}>"
