"""What a user's Discord client checks before it sends anything, and the interactions it sends.

The client only offers what the user may do: a channel they can see, a button that is enabled,
a modal filled in within its limits. Anything else raises :class:`InvocationError` here and
nothing reaches the bot, as nothing would on Discord.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from . import payloads as P
from .errors import InvocationError
from .flags import Permissions
from .gateway import Gateway
from .interactions import EmulatedInteraction, Modal
from .models import Channel, Guild, Member, Message, User, UserLike, user_of
from .payloads import Payloads
from .perms import channel_permissions, has
from .world import World

log = logging.getLogger(__name__)

ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024
TEXT_INPUT_MAX = 4000


class ClientSide:
    def __init__(self, world: World, payloads: Payloads, gateway: Gateway) -> None:
        self.world = world
        self.payloads = payloads
        self.gateway = gateway

    def actor(self, user: UserLike, channel: Channel, *, needs: Permissions) -> tuple[Guild | None, Member | None]:
        """The guild and member acting in ``channel``, if they may see it and have ``needs``."""
        live = self.world.channels.get(channel.id)
        if live is None or live.deleted:
            raise InvocationError(f"channel {channel.name!r} does not exist (deleted?)")
        guild = self.world.guild_of(live)
        who = user_of(user)
        if guild is None:
            if live.is_dm and (not live.recipients or live.recipients[0].id != who.id):
                raise InvocationError(f"{who.name} is not part of DM channel {live.id}")
            return None, None
        member = guild.members.get(who.id)
        if member is None:
            raise InvocationError(f"{who.name} is not a member of {guild.name}")
        perms = channel_permissions(guild, member, live)
        if not has(perms, Permissions.VIEW_CHANNEL):
            raise InvocationError(f"{member.name} cannot see #{live.name}")
        if not has(perms, needs):
            raise InvocationError(f"{member.name} lacks {needs.name} in #{live.name}")
        return guild, member

    def live_message(self, message: Message | int) -> Message:
        msg_id = message.id if isinstance(message, Message) else int(message)
        msg = self.world.messages.get(msg_id)
        if msg is None or msg.deleted:
            raise InvocationError(f"message {msg_id} does not exist (deleted?)")
        return msg

    def check_can_see(self, user: UserLike, msg: Message) -> None:
        who = user_of(user)
        if msg.ephemeral and msg.interaction_metadata is not None:
            owner = msg.interaction_metadata.get("user", {}).get("id")
            if owner is not None and owner != str(who.id):
                raise InvocationError(f"message {msg.id} is ephemeral: only its user can click it")
        channel = self.world.channels.get(msg.channel_id)
        if channel is None or channel.deleted:
            raise InvocationError(f"the channel of message {msg.id} is gone")
        self.actor(who, channel, needs=Permissions.VIEW_CHANNEL)

    def create_interaction(
        self,
        kind: int,
        user: User,
        channel: Channel,
        data: dict[str, Any],
        *,
        message: Message | None = None,
        parent: EmulatedInteraction | None = None,
    ) -> EmulatedInteraction:
        """Record the interaction and send INTERACTION_CREATE to the newest session covering it."""
        world = self.world
        guild = world.guild_of(channel)
        if not self.gateway.sessions_covering(guild.id if guild else None):
            raise InvocationError(f"no bot session is connected to receive the interaction{self._shard_hint(guild)}")
        member = guild.members.get(user.id) if guild is not None else None
        ix = EmulatedInteraction(
            world.changes,
            world.messages,
            id=world.snowflakes.next(),
            token=f"aW50ZXJhY3Rpb24{secrets.token_urlsafe(60)}",
            type=kind,
            user=user,
            member=member,
            channel=channel,
            guild=guild,
            data=data,
            created_at=world.now(),
            message_id=message.id if message is not None else None,
            parent=parent,
        )
        payload: dict[str, Any] = {
            "id": str(ix.id),
            "application_id": str(world.application_id),
            "type": kind,
            "data": data,
            "channel_id": str(channel.id),
            "token": ix.token,
            "version": 1,
            "locale": user.locale,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        }
        payload.update(self._where(guild, member, channel, user))
        if message is not None:
            payload["message"] = self.payloads.message(message)
        ix.payload = payload
        world.interactions[ix.id] = ix
        world.interactions_by_token[ix.token] = ix
        sent = self.gateway.dispatch(
            "INTERACTION_CREATE", payload, guild_id=guild.id if guild else None, only_latest=True
        )
        log.debug("interaction %s dispatched to %d session(s)", ix.describe(), sent)
        world.changed()
        return ix

    def _shard_hint(self, guild: Guild | None) -> str:
        """Which shard the guild is on, when the bot's sessions are sharded (none of them is its)."""
        counts = {s.shard[1] for s in self.gateway.live_sessions()}
        if guild is None or counts in (set(), {1}):
            return ""
        return ", ".join(f" (the guild is on shard {(guild.id >> 22) % n} of {n})" for n in sorted(counts))

    def _where(self, guild: Guild | None, member: Member | None, channel: Channel, user: User) -> dict[str, Any]:
        """The guild or DM part of an interaction payload, with both sides' permissions."""
        if guild is not None and member is not None:
            user_perms = channel_permissions(guild, member, channel)
            bot_perms = channel_permissions(guild, self.world.bot_member(guild), channel)
            member_data = P.member(member)
            member_data["permissions"] = str(user_perms)
            return {
                "guild_id": str(guild.id),
                "guild": {"id": str(guild.id), "locale": guild.preferred_locale, "features": []},
                "guild_locale": guild.preferred_locale,
                "member": member_data,
                "app_permissions": str(bot_perms),
                "channel": self.payloads.interaction_channel(channel, user_perms),
                "authorizing_integration_owners": {"0": str(guild.id)},
                "context": 0,
            }
        in_dm = Permissions.VIEW_CHANNEL | Permissions.SEND_MESSAGES | Permissions.EMBED_LINKS
        return {
            "user": P.user(user),
            "app_permissions": str(int(in_dm)),
            "channel": self.payloads.interaction_channel(channel, None),
            "authorizing_integration_owners": {"0": "0"},
            "context": 1,
        }


def button_name(button: dict[str, Any]) -> str:
    return repr(button.get("label") or (button.get("emoji") or {}).get("name") or button.get("custom_id"))


def pick_button(
    buttons: list[dict[str, Any]],
    *,
    label: str | None,
    custom_id: str | None,
    emoji: str | None,
    index: int | None,
    msg: Message,
) -> dict[str, Any]:
    if not buttons:
        raise InvocationError(f"message {msg.id} has no buttons")
    if index is not None:
        if not 0 <= index < len(buttons):
            raise InvocationError(f"message {msg.id} has {len(buttons)} button(s); no index {index}")
        return buttons[index]
    for button in buttons:
        button_emoji = (button.get("emoji") or {}).get("name")
        if custom_id is not None and button.get("custom_id") == custom_id:
            return button
        if label is not None and (button.get("label") == label or button_emoji == label):
            return button
        if emoji is not None and button_emoji == emoji:
            return button
    # Labels often carry counters ("👍 3"): accept a unique prefix match as a person would.
    if label is not None:
        prefixed = [b for b in buttons if (b.get("label") or "").startswith(label)]
        if len(prefixed) == 1:
            return prefixed[0]
    shown = ", ".join(button_name(b) for b in buttons)
    wanted = custom_id or label or emoji
    raise InvocationError(f"message {msg.id} has no button {wanted!r} (buttons: {shown})")


def chosen_options(options: list[dict[str, Any]], values: list[str], what: str) -> list[str]:
    """Option values for what a user picked, by value or by label as the menu shows them."""
    allowed = {o["value"] for o in options}
    by_label = {o["label"]: o["value"] for o in options}
    chosen = [v if v in allowed else by_label.get(v, v) for v in values]
    bad = [v for v in chosen if v not in allowed]
    if bad:
        raise InvocationError(f"{what} has no option {bad[0]!r}")
    return chosen


def modal_answer(modal: Modal, values: dict[str, Any]) -> list[dict[str, Any]]:
    """The components of a MODAL_SUBMIT for ``values`` (keyed by field custom_id or label), checked
    like the client checks them: required fields, lengths, select value counts."""
    filled = {modal.field(key).custom_id: value for key, value in values.items()}
    components: list[dict[str, Any]] = []
    for fld in modal.fields:
        raw = filled.get(fld.custom_id, fld.value)
        name = repr(fld.label or fld.custom_id)
        inner: dict[str, Any]
        if fld.type == 4:
            text = "" if raw is None else str(raw)
            if fld.required and not text:
                raise InvocationError(f"modal field {name} is required")
            if text and fld.min_length is not None and len(text) < fld.min_length:
                raise InvocationError(f"modal field {name} needs at least {fld.min_length} characters")
            if fld.max_length is not None and len(text) > fld.max_length:
                raise InvocationError(f"modal field {name} allows at most {fld.max_length} characters")
            if len(text) > TEXT_INPUT_MAX:
                raise InvocationError(f"modal field {name} is over {TEXT_INPUT_MAX} characters")
            inner = {"type": 4, "custom_id": fld.custom_id, "value": text}
        else:
            chosen = [] if raw is None else ([raw] if isinstance(raw, str) else list(raw))
            low = fld.min_values if fld.min_values is not None else (1 if fld.required else 0)
            high = fld.max_values if fld.max_values is not None else 1
            if not low <= len(chosen) <= high:
                raise InvocationError(f"modal select {name} takes {low}..{high} values")
            if fld.type == 3:
                chosen = chosen_options(fld.options, chosen, f"modal select {name}")
            inner = {"type": fld.type, "custom_id": fld.custom_id, "values": chosen}
        # Answer in the same layout the modal used: action rows or labels.
        components.append({"type": 18, "component": inner} if fld.in_label else {"type": 1, "components": [inner]})
    return components
