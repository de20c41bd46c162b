"""Changes to the world that the bot hears about: each method updates the state, dispatches the
gateway event Discord would send, and wakes pending waits.

The REST handlers (what the bot does) and the Python API (what users and tests do) both go
through here, so a message posted either way looks the same to the bot.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from . import payloads as P
from .flags import ChannelType, Intents, MessageFlags
from .gateway import Gateway
from .interactions import MESSAGE_COMPONENT, MODAL_SUBMIT, EmulatedInteraction
from .models import Channel, Guild, Member, Message, Role, User, iter_components
from .payloads import Payloads
from .world import World

log = logging.getLogger(__name__)


class Events:
    def __init__(self, world: World, payloads: Payloads, gateway: Gateway) -> None:
        self.world = world
        self.payloads = payloads
        self.gateway = gateway

    # -- guilds, channels, roles, members ---------------------------------------------------

    def guild_joined(self, guild: Guild) -> None:
        """The bot "joins" a guild while connected: each session covering it gets GUILD_CREATE."""
        for session in self.gateway.sessions_covering(guild.id):
            with_members = bool(session.intents & Intents.GUILD_MEMBERS)
            payload = self.payloads.guild_create(guild, with_members=with_members)
            self.gateway.send_event(session, "GUILD_CREATE", payload)
        self.world.changed()

    def guild_updated(self, guild: Guild) -> None:
        self.gateway.dispatch("GUILD_UPDATE", self.payloads.guild(guild), guild_id=guild.id)
        self.world.changed()

    def channel_created(self, channel: Channel) -> None:
        self.gateway.dispatch("CHANNEL_CREATE", self.payloads.channel(channel), guild_id=channel.guild_id)
        self.world.changed()

    def channel_updated(self, channel: Channel) -> None:
        event = "THREAD_UPDATE" if channel.is_thread else "CHANNEL_UPDATE"
        self.gateway.dispatch(event, self.payloads.channel(channel), guild_id=channel.guild_id)
        self.world.changed()

    def delete_channel(self, channel: Channel) -> None:
        """Delete a channel (its threads go with it); the bot gets CHANNEL_DELETE/THREAD_DELETE."""
        if channel.deleted:
            return
        for thread in [c for c in self.world.channels.values() if c.parent_id == channel.id and c.is_thread]:
            self.delete_channel(thread)
        channel.deleted = True
        guild = self.world.guild_of(channel)
        if guild is not None:
            guild.channels.pop(channel.id, None)
        if channel.is_thread:
            data = {
                "id": str(channel.id),
                "guild_id": str(channel.guild_id),
                "parent_id": str(channel.parent_id),
                "type": channel.type,
            }
            self.gateway.dispatch("THREAD_DELETE", data, guild_id=channel.guild_id)
        else:
            self.gateway.dispatch("CHANNEL_DELETE", self.payloads.channel(channel), guild_id=channel.guild_id)
        self.world.changed()

    def dm_channel(self, target: User) -> Channel:
        """The DM channel between the bot and ``target``, created on first use (bots get no
        CHANNEL_CREATE for DMs)."""
        channel = self.world.dm_with(target)
        if channel is None:
            channel = Channel(
                id=self.world.snowflakes.next(), type=ChannelType.DM, name=f"dm-{target.name}", recipients=[target]
            )
            self.world.channels[channel.id] = channel
        return channel

    def role_created(self, new: Role) -> None:
        data = {"guild_id": str(new.guild_id), "role": P.role(new)}
        self.gateway.dispatch("GUILD_ROLE_CREATE", data, guild_id=new.guild_id)
        self.world.changed()

    def role_updated(self, changed: Role) -> None:
        data = {"guild_id": str(changed.guild_id), "role": P.role(changed)}
        self.gateway.dispatch("GUILD_ROLE_UPDATE", data, guild_id=changed.guild_id)
        self.world.changed()

    def member_joined(self, joined: Member) -> None:
        self._member_event("GUILD_MEMBER_ADD", joined)

    def member_updated(self, changed: Member) -> None:
        self._member_event("GUILD_MEMBER_UPDATE", changed)

    def _member_event(self, event: str, subject: Member) -> None:
        data = P.member(subject)
        data["guild_id"] = str(subject.guild_id)
        self.gateway.dispatch(event, data, guild_id=subject.guild_id)
        self.world.changed()

    # -- messages and threads ---------------------------------------------------------------

    def create_message(
        self,
        channel: Channel,
        author: User,
        *,
        content: str = "",
        embeds: list[dict[str, Any]] | None = None,
        components: list[dict[str, Any]] | None = None,
        flags: int = 0,
        nonce: str | int | None = None,
        tts: bool = False,
        message_reference: dict[str, Any] | None = None,
        attachments: list[dict[str, Any]] | None = None,
        type: int = 0,
        webhook_id: int | None = None,
        interaction: EmulatedInteraction | None = None,
    ) -> Message:
        msg = Message(
            id=self.world.snowflakes.next(),
            channel_id=channel.id,
            guild_id=channel.guild_id,
            author=author,
            content=content or "",
            embeds=normalize_embeds(embeds or []),
            components=normalize_components(components or []),
            flags=flags,
            nonce=nonce,
            tts=tts,
            message_reference=message_reference,
            attachments=attachments or [],
            type=type,
            webhook_id=webhook_id,
        )
        if interaction is not None:
            msg.application_id = self.world.application_id
            msg.interaction_id = interaction.id
            msg.interaction_metadata = interaction_metadata(interaction)
        self.world.messages[msg.id] = msg
        if not msg.ephemeral:
            channel.messages.append(msg)
            channel.message_count += 1
            channel.total_message_sent += 1
            if channel.is_thread:
                channel.member_ids.add(author.id)
            self.message_event("MESSAGE_CREATE", msg)
        self.world.changed()
        return msg

    def bot_post(self, channel: Channel, body: dict[str, Any], *, flags: int, **shape: Any) -> Message:
        """The bot posts a message create ``body`` (content, embeds, components, tts) in ``channel``;
        ``shape`` is the rest of :meth:`create_message`'s keywords."""
        return self.create_message(
            channel,
            self.world.bot_user,
            content=body.get("content") or "",
            embeds=body.get("embeds"),
            components=body.get("components"),
            flags=flags,
            tts=bool(body.get("tts")),
            **shape,
        )

    def message_event(self, event: str, msg: Message) -> None:
        if msg.ephemeral:
            return  # ephemeral messages never reach the gateway
        data = self.payloads.message(msg, gateway=True)
        intent = Intents.GUILD_MESSAGES if msg.guild_id else Intents.DIRECT_MESSAGES
        self.gateway.dispatch(event, data, guild_id=msg.guild_id, intent=intent, content_of=msg.author.id)

    def edit_message(self, msg: Message, body: dict[str, Any]) -> Message:
        if "content" in body:
            msg.content = body["content"] or ""
        if "embeds" in body:
            msg.embeds = normalize_embeds(body["embeds"] or [])
        if "components" in body:
            msg.components = normalize_components(body["components"] or [])
        if "attachments" in body and body["attachments"] is not None:
            keep = {str(a.get("id")) for a in body["attachments"]}
            msg.attachments = [a for a in msg.attachments if a["id"] in keep]
        if body.get("flags") is not None:
            # Only SUPPRESS_EMBEDS and IS_COMPONENTS_V2 can change on an existing message.
            changeable = int(MessageFlags.SUPPRESS_EMBEDS | MessageFlags.IS_COMPONENTS_V2)
            msg.flags = (msg.flags & ~changeable) | (int(body["flags"]) & changeable)
        msg.edited_timestamp = datetime.now(UTC)
        self.message_event("MESSAGE_UPDATE", msg)
        self.world.changed()
        return msg

    def delete_message(self, msg: Message) -> None:
        msg.deleted = True
        channel = self.world.channels.get(msg.channel_id)
        if channel is not None and msg in channel.messages:
            channel.messages.remove(msg)
            channel.message_count = max(channel.message_count - 1, 0)
        if not msg.ephemeral:
            data: dict[str, Any] = {"id": str(msg.id), "channel_id": str(msg.channel_id)}
            if msg.guild_id:
                data["guild_id"] = str(msg.guild_id)
            intent = Intents.GUILD_MESSAGES if msg.guild_id else Intents.DIRECT_MESSAGES
            self.gateway.dispatch("MESSAGE_DELETE", data, guild_id=msg.guild_id, intent=intent)
        self.world.changed()

    def add_reaction(self, msg: Message, who: User, emoji: str) -> None:
        """A user reacts (the bot's own reactions go through REST and send no event to it)."""
        msg.reactions.setdefault(emoji, set()).add(who.id)
        data: dict[str, Any] = {
            "user_id": str(who.id),
            "channel_id": str(msg.channel_id),
            "message_id": str(msg.id),
            "emoji": {"id": None, "name": emoji},
            "type": 0,
            "burst": False,
        }
        if msg.guild_id:
            data["guild_id"] = str(msg.guild_id)
            guild = self.world.guilds[msg.guild_id]
            if who.id in guild.members:
                data["member"] = P.member(guild.members[who.id])
        self.gateway.dispatch(
            "MESSAGE_REACTION_ADD",
            data,
            guild_id=msg.guild_id,
            intent=Intents.GUILD_MESSAGE_REACTIONS if msg.guild_id else 1 << 13,
        )
        self.world.changed()

    def create_thread(
        self,
        parent: Channel,
        name: str,
        *,
        type: int,
        owner: User,
        starter: Message | None = None,
        auto_archive_duration: int = 1440,
        invitable: bool = True,
        rate_limit_per_user: int = 0,
    ) -> Channel:
        thread = Channel(
            # A thread started from a message shares the message's id, as on Discord.
            id=starter.id if starter is not None else self.world.snowflakes.next(),
            type=type,
            name=name,
            guild_id=parent.guild_id,
            parent_id=parent.id,
            owner_id=owner.id,
            auto_archive_duration=auto_archive_duration,
            invitable=invitable,
            rate_limit_per_user=rate_limit_per_user,
            member_ids={owner.id},
        )
        guild = self.world.guild_of(parent)
        if guild is not None:
            guild.channels[thread.id] = thread
        self.world.channels[thread.id] = thread
        data = self.payloads.thread(thread)
        data["newly_created"] = True
        data["member"] = self.payloads.thread_member(thread, owner.id)
        self.gateway.dispatch("THREAD_CREATE", data, guild_id=parent.guild_id)
        if starter is not None:
            starter.thread = thread
            starter.flags |= MessageFlags.HAS_THREAD
            self.message_event("MESSAGE_UPDATE", starter)
        self.world.changed()
        return thread


def interaction_metadata(ix: EmulatedInteraction) -> dict[str, Any]:
    owners = {"0": str(ix.guild.id)} if ix.guild is not None else {"1": str(ix.user.id)}
    data: dict[str, Any] = {
        "id": str(ix.id),
        "type": ix.type,
        "user": P.user(ix.user),
        "authorizing_integration_owners": owners,
    }
    if ix.type == MESSAGE_COMPONENT and ix.message_id is not None:
        data["interacted_message_id"] = str(ix.message_id)
    if ix.type == MODAL_SUBMIT and ix.parent is not None:
        data["triggering_interaction_metadata"] = interaction_metadata(ix.parent)
    return data


def json_copy(value: Any) -> Any:
    """A deep copy of JSON data (dicts, lists and scalars): what deepcopy does for these, without
    its memo bookkeeping, which made it the emulator's largest cost per message."""
    if isinstance(value, dict):
        return {key: json_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [json_copy(item) for item in value]
    return value


def normalize_components(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Store components as Discord echoes them: every component gets a numeric ``id``."""
    out: list[dict[str, Any]] = json_copy(components)
    walk = list(iter_components(out))
    used = {c["id"] for c in walk if isinstance(c.get("id"), int)}
    next_id = 1
    for comp in walk:
        if comp.get("id") is None:
            while next_id in used:
                next_id += 1
            comp["id"] = next_id
            used.add(next_id)
        if comp.get("type") in (3, 5, 6, 7, 8):
            comp.setdefault("min_values", 1)
            comp.setdefault("max_values", 1)
    return out


def normalize_embeds(embeds: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for embed in embeds:
        stored = {k: v for k, v in json_copy(embed).items() if v is not None}
        stored.setdefault("type", "rich")
        for fld in stored.get("fields") or []:
            fld.setdefault("inline", False)
        out.append(stored)
    return out
