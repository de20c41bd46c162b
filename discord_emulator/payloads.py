"""Turn the emulator's records into the JSON shapes Discord sends (REST answers and events).

Ids are strings, optional-but-present fields carry ``null`` like Discord's own answers, and every
shape aims to satisfy the matching ``*Response`` schema of Discord's OpenAPI spec (the emulator
validates its own answers against it).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from .flags import ChannelType, MessageFlags, iso
from .models import AppCommand, Channel, Emoji, Guild, Member, Message, Overwrite, Role, User
from .world import World

log = logging.getLogger(__name__)

_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")
# A thread's member_count is approximate on Discord and stops counting at 50.
THREAD_MEMBER_COUNT_LIMIT = 50


def user(u: User) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(u.id),
        "username": u.name,
        "avatar": None,
        "discriminator": "0",
        "public_flags": 0,
        "flags": 0,
        "global_name": u.global_name,
        "primary_guild": None,
        "banner": None,
        "accent_color": None,
        "avatar_decoration_data": None,
        "collectibles": None,
    }
    if u.bot:
        data["bot"] = True
    return data


def user_pii(u: User) -> dict[str, Any]:
    data = user(u)
    data.update({"mfa_enabled": False, "locale": u.locale, "verified": True, "email": None, "premium_type": 0})
    return data


def emoji(e: Emoji) -> dict[str, Any]:
    return {"id": str(e.id), "name": e.name, "roles": [], "require_colons": True, "managed": False,
            "animated": e.animated, "available": True}


def role(r: Role) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(r.id),
        "name": r.name,
        "permissions": str(r.permissions),
        "position": r.position,
        "color": r.color,
        "colors": {"primary_color": r.color, "secondary_color": None, "tertiary_color": None},
        "hoist": r.hoist,
        "managed": r.managed,
        "mentionable": r.mentionable,
        "icon": None,
        "unicode_emoji": None,
        "flags": 0,
    }
    if r.bot_id is not None:
        data["tags"] = {"bot_id": str(r.bot_id)}
    return data


def member(m: Member, *, with_user: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {
        "avatar": None,
        "banner": None,
        "communication_disabled_until": None,
        "flags": 0,
        "joined_at": iso(m.joined_at),
        "nick": m.nick,
        "pending": False,
        "premium_since": None,
        "roles": [str(r) for r in m.roles],
        "mute": False,
        "deaf": False,
    }
    if with_user:
        data["user"] = user(m.user)
    return data


def overwrite(o: Overwrite) -> dict[str, Any]:
    return {"id": str(o.id), "type": o.type, "allow": str(o.allow), "deny": str(o.deny)}


class Payloads:
    """Payload builders that need to look things up in the emulator's state."""

    def __init__(self, world: World) -> None:
        self.world = world

    # -- channels ---------------------------------------------------------------------------

    def channel(self, ch: Channel) -> dict[str, Any]:
        last = str(ch.last_message_id) if ch.last_message_id else None
        if ch.type == ChannelType.DM:
            return {
                "id": str(ch.id),
                "type": ch.type,
                "flags": 0,
                "last_message_id": last,
                "recipients": [user(u) for u in ch.recipients],
            }
        if ch.is_thread:
            return self.thread(ch)
        data: dict[str, Any] = {
            "id": str(ch.id),
            "type": ch.type,
            "flags": 0,
            "guild_id": str(ch.guild_id),
            "name": ch.name,
            "position": ch.position,
            "parent_id": str(ch.parent_id) if ch.parent_id else None,
            "permission_overwrites": [overwrite(o) for o in ch.overwrites.values()],
            "nsfw": ch.nsfw,
        }
        if ch.type in (ChannelType.GUILD_TEXT, ChannelType.GUILD_ANNOUNCEMENT, ChannelType.GUILD_FORUM):
            data.update(
                {
                    "topic": ch.topic,
                    "last_message_id": last,
                    "rate_limit_per_user": ch.rate_limit_per_user,
                    "default_auto_archive_duration": 1440,
                }
            )
        return data

    def thread(self, ch: Channel) -> dict[str, Any]:
        metadata: dict[str, Any] = {
            "archived": ch.archived,
            "archive_timestamp": iso(ch.created_at),
            "auto_archive_duration": ch.auto_archive_duration,
            "locked": ch.locked,
            "create_timestamp": iso(ch.created_at),
        }
        if ch.type == ChannelType.PRIVATE_THREAD:
            metadata["invitable"] = ch.invitable
        return {
            "id": str(ch.id),
            "type": ch.type,
            "flags": 0,
            "guild_id": str(ch.guild_id),
            "name": ch.name,
            "parent_id": str(ch.parent_id) if ch.parent_id else None,
            "owner_id": str(ch.owner_id) if ch.owner_id else str(self.world.bot_user.id),
            "last_message_id": str(ch.last_message_id) if ch.last_message_id else None,
            "rate_limit_per_user": ch.rate_limit_per_user,
            "thread_metadata": metadata,
            "message_count": ch.message_count,
            "member_count": min(len(ch.member_ids), THREAD_MEMBER_COUNT_LIMIT),
            "total_message_sent": ch.total_message_sent,
        }

    def thread_member(self, ch: Channel, user_id: int) -> dict[str, Any]:
        return {
            "id": str(ch.id),
            "user_id": str(user_id),
            "join_timestamp": iso(ch.created_at),
            "flags": 0,
        }

    def interaction_channel(self, ch: Channel, perms: int | None) -> dict[str, Any]:
        data = self.channel(ch)
        if perms is not None:
            data["permissions"] = str(perms)
        return data

    # -- guilds -----------------------------------------------------------------------------

    def guild(self, g: Guild) -> dict[str, Any]:
        """The REST guild object (``GET /guilds/{id}``)."""
        return {
            "id": str(g.id),
            "name": g.name,
            "icon": None,
            "description": None,
            "home_header": None,
            "splash": None,
            "discovery_splash": None,
            "features": [],
            "banner": None,
            "owner_id": str(g.owner_id),
            "application_id": None,
            "region": "deprecated",
            "afk_channel_id": None,
            "afk_timeout": 300,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "widget_enabled": False,
            "widget_channel_id": None,
            "verification_level": 0,
            "roles": [role(r) for r in g.roles.values()],
            "default_message_notifications": 0,
            "mfa_level": 0,
            "explicit_content_filter": 0,
            "max_presences": None,
            "max_members": 500000,
            "max_stage_video_channel_users": 50,
            "max_video_channel_users": 25,
            "vanity_url_code": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": g.preferred_locale,
            "rules_channel_id": None,
            "safety_alerts_channel_id": None,
            "public_updates_channel_id": None,
            "premium_progress_bar_enabled": False,
            "nsfw": False,
            "nsfw_level": 0,
            "emojis": [emoji(e) for e in g.emojis.values()],
            "stickers": [],
            "incidents_data": None,
            "approximate_member_count": len(g.members),
            "approximate_presence_count": 0,
        }

    def guild_create(self, g: Guild, *, with_members: bool) -> dict[str, Any]:
        """The gateway GUILD_CREATE payload: the REST guild plus channels, threads and members."""
        data = self.guild(g)
        bot_member = g.members.get(self.world.bot_user.id)
        members = list(g.members.values()) if with_members else [m for m in (bot_member,) if m]
        data.update(
            {
                "joined_at": iso(bot_member.joined_at if bot_member else g.created_at),
                "large": False,
                "unavailable": False,
                "member_count": len(g.members),
                "voice_states": [],
                "members": [member(m) for m in members],
                "channels": [self.channel(c) for c in g.channels.values() if not c.is_thread and not c.deleted],
                "threads": [self.thread(c) for c in g.channels.values() if c.is_thread and not c.deleted],
                "presences": [],
                "stage_instances": [],
                "guild_scheduled_events": [],
                "soundboard_sounds": [],
            }
        )
        return data

    # -- messages ---------------------------------------------------------------------------

    def message(self, msg: Message, *, gateway: bool = False, depth: int = 0) -> dict[str, Any]:
        world = self.world
        data: dict[str, Any] = {
            "type": msg.type,
            "content": msg.content,
            "mentions": [],
            "mention_roles": [],
            "attachments": list(msg.attachments),
            "embeds": [dict(e) for e in msg.embeds],
            "timestamp": iso(msg.timestamp),
            "edited_timestamp": iso(msg.edited_timestamp),
            "flags": msg.flags,
            "components": msg.components,
            "id": str(msg.id),
            "channel_id": str(msg.channel_id),
            "author": user(msg.author),
            "pinned": msg.pinned,
            "mention_everyone": "@everyone" in msg.content,
            "tts": msg.tts,
        }
        guild = world.guilds.get(msg.guild_id) if msg.guild_id else None
        for match in dict.fromkeys(_USER_MENTION.findall(msg.content)):
            mentioned = world.users.get(int(match))
            if mentioned is not None:
                data["mentions"].append(user(mentioned))
        if guild is not None:
            data["mention_roles"] = [
                r for r in dict.fromkeys(_ROLE_MENTION.findall(msg.content)) if int(r) in guild.roles
            ]
        if msg.nonce is not None:
            data["nonce"] = msg.nonce
        if msg.webhook_id is not None:
            data["webhook_id"] = str(msg.webhook_id)
        if msg.application_id is not None:
            data["application_id"] = str(msg.application_id)
        if msg.interaction_metadata is not None:
            data["interaction_metadata"] = msg.interaction_metadata
        if msg.message_reference is not None:
            data["message_reference"] = msg.message_reference
            ref_id = msg.message_reference.get("message_id")
            ref = world.messages.get(int(ref_id)) if ref_id else None
            if depth == 0 and msg.message_reference.get("type", 0) == 0:
                data["referenced_message"] = self.message(ref, depth=1) if ref is not None and not ref.deleted else None
        if msg.thread is not None and not msg.thread.deleted:
            data["thread"] = self.thread(msg.thread)
        if msg.reactions:
            data["reactions"] = [
                {
                    "count": len(users),
                    "count_details": {"burst": 0, "normal": len(users)},
                    "me": world.bot_user.id in users,
                    "me_burst": False,
                    "burst_me": False,
                    "burst_count": 0,
                    "burst_colors": [],
                    "emoji": {"id": None, "name": name},
                }
                for name, users in msg.reactions.items()
                if users
            ]
        if gateway and guild is not None:
            data["guild_id"] = str(guild.id)
            author_member = guild.members.get(msg.author.id)
            if author_member is not None and msg.webhook_id is None:
                data["member"] = member(author_member, with_user=False)
        return data

    # -- application ------------------------------------------------------------------------

    def application(self) -> dict[str, Any]:
        world = self.world
        return {
            "id": str(world.application_id),
            "name": world.bot_user.name,
            "icon": None,
            "description": "Local Discord emulator application",
            "type": None,
            "bot": user(world.bot_user),
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "flags": 1 << 19 | 1 << 15 | 1 << 13,  # gateway presence/members/message content (limited)
            "flags_new": "0",
            "redirect_uris": [],
            "interactions_endpoint_url": None,
            "role_connections_verification_url": None,
            "owner": user(world.owner),
            "approximate_guild_count": len(world.guilds),
            "approximate_user_install_count": 0,
            "approximate_user_authorization_count": 0,
            "explicit_content_filter": 0,
            "team": None,
            "eligible_oauth2_scopes": [],
            "summary": "",
            "tags": [],
            "integration_types_config": {"0": {}},
        }

    def command(self, cmd: AppCommand) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(cmd.id),
            "application_id": str(cmd.application_id),
            "version": str(cmd.version),
            "default_member_permissions": cmd.default_member_permissions,
            "type": cmd.type,
            "name": cmd.name,
            "description": cmd.description,
            "dm_permission": cmd.contexts is None or 1 in cmd.contexts,
            "contexts": cmd.contexts,
            "integration_types": cmd.integration_types,
            "nsfw": cmd.nsfw,
            "name_localizations": cmd.name_localizations,
            "description_localizations": cmd.description_localizations,
        }
        if cmd.options:
            data["options"] = cmd.options
        if cmd.guild_id is not None:
            data["guild_id"] = str(cmd.guild_id)
        return data


def message_flags(body: dict[str, Any]) -> int:
    """The flags of a message body that the bot may set when sending."""
    return int(body.get("flags") or 0) & int(
        MessageFlags.EPHEMERAL
        | MessageFlags.SUPPRESS_EMBEDS
        | MessageFlags.SUPPRESS_NOTIFICATIONS
        | MessageFlags.IS_COMPONENTS_V2
    )
