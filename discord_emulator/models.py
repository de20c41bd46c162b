"""In-memory Discord objects held by the emulator.

These are the emulator's own records (what Discord's servers would store), not discord.py
objects.  Tests receive them from the :class:`~discord_emulator.DiscordEmulator` API and read
plain attributes; the JSON shapes Discord sends are produced by :mod:`discord_emulator.payloads`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .flags import THREAD_TYPES, ChannelType, MessageFlags


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
class Emoji:
    """A guild's custom emoji (GUILD_CREATE carries them all)."""

    id: int
    name: str
    animated: bool = False


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
    # Discord's two thread counters: messages there now (deleted ones leave it), and every message
    # ever sent there. Neither counts the message a thread was started from (it is in the parent).
    message_count: int = 0
    total_message_sent: int = 0
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
    emojis: dict[int, Emoji] = field(default_factory=dict)
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    preferred_locale: str = "en-US"

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


UserLike = User | Member


def user_of(user: UserLike) -> User:
    """The user behind a member (or the user itself): the API takes either."""
    return user.user if isinstance(user, Member) else user
