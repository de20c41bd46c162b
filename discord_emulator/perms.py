"""Discord's permission computation (base role permissions, then channel overwrites)."""

from __future__ import annotations

import logging

from .flags import ALL_PERMISSIONS, Permissions
from .models import Channel, Guild, Member

log = logging.getLogger(__name__)


def base_permissions(guild: Guild, member: Member) -> int:
    if member.id == guild.owner_id:
        return ALL_PERMISSIONS
    perms = guild.everyone.permissions
    for role_id in member.roles:
        role = guild.roles.get(role_id)
        if role is not None:
            perms |= role.permissions
    if perms & Permissions.ADMINISTRATOR:
        return ALL_PERMISSIONS
    return perms


def channel_permissions(guild: Guild, member: Member, channel: Channel | None) -> int:
    """Permissions of ``member`` in ``channel`` following Discord's documented algorithm."""
    perms = base_permissions(guild, member)
    if perms == ALL_PERMISSIONS or channel is None:
        return perms
    # Threads have no overwrites of their own: they use their parent channel's.
    source = channel
    if channel.is_thread and channel.parent_id is not None:
        source = guild.channels.get(channel.parent_id, channel)
    overwrites = source.overwrites
    everyone = overwrites.get(guild.id)
    if everyone is not None:
        perms = (perms & ~everyone.deny) | everyone.allow
    allow = deny = 0
    for role_id in member.roles:
        ow = overwrites.get(role_id)
        if ow is not None and ow.type == 0:
            allow |= ow.allow
            deny |= ow.deny
    perms = (perms & ~deny) | allow
    own = overwrites.get(member.id)
    if own is not None and own.type == 1:
        perms = (perms & ~own.deny) | own.allow
    if not perms & Permissions.VIEW_CHANNEL:
        # Without VIEW_CHANNEL every other channel permission is moot.
        return 0
    if not perms & Permissions.SEND_MESSAGES:
        # Discord also drops the permissions that depend on being able to send.
        perms &= ~int(
            Permissions.MENTION_EVERYONE
            | Permissions.SEND_TTS_MESSAGES
            | Permissions.ATTACH_FILES
            | Permissions.EMBED_LINKS
        )
    return perms


def has(perms: int, *needed: Permissions) -> bool:
    return all(perms & p == p for p in needed)
