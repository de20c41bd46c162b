"""Messages in channels: history, sending (with nonces and replies), editing, deleting, reactions."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import unquote

from ..flags import Intents, MessageFlags, Permissions
from ..models import Channel, Message
from .errors import error, single_form_error
from .resource import Resource
from .routing import Ctx, Reply, Router, no_content, ok

# Channels a message can be posted in (voice channels have a text chat too).
_MESSAGEABLE = frozenset({0, 1, 2, 5, 10, 11, 12})

log = logging.getLogger(__name__)


class Messages(Resource):
    def routes(self, router: Router) -> None:
        add = router.add
        add("GET", "/channels/{channel_id}/messages", self.list_messages)
        add("POST", "/channels/{channel_id}/messages", self.create_message)
        add("GET", "/channels/{channel_id}/messages/{message_id}", self.get_message)
        add("PATCH", "/channels/{channel_id}/messages/{message_id}", self.edit_message)
        add("DELETE", "/channels/{channel_id}/messages/{message_id}", self.delete_message)
        reaction = "/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/@me"
        add("PUT", reaction, self.add_reaction)
        add("DELETE", reaction, self.remove_reaction)

    def list_messages(self, ctx: Ctx) -> Reply:
        channel = self.channel(ctx)
        perms = self.bot_permissions(channel)
        if perms is not None and not perms & Permissions.READ_MESSAGE_HISTORY:
            return ok([])  # Discord answers an empty history rather than an error
        limit = max(1, min(100, int(ctx.query.get("limit", 50))))
        msgs = self.world.channel_messages(channel)
        if "before" in ctx.query:
            msgs = [m for m in msgs if m.id < int(ctx.query["before"])]
        if "after" in ctx.query:
            msgs = [m for m in msgs if m.id > int(ctx.query["after"])]
            msgs = msgs[:limit]
        if "around" in ctx.query:
            around = int(ctx.query["around"])
            older = [m for m in msgs if m.id <= around][-(limit // 2 + 1) :]
            newer = [m for m in msgs if m.id > around][: limit - len(older)]
            msgs = older + newer
        msgs = msgs[-limit:]
        return ok([self._readable(m) for m in reversed(msgs)])

    def create_message(self, ctx: Ctx) -> Reply:
        channel = self.channel(ctx)
        body = ctx.json_object()
        perms = self.bot_permissions(channel)
        if channel.type not in _MESSAGEABLE:
            raise error(50008)
        if perms is not None:
            needed = Permissions.SEND_MESSAGES_IN_THREADS if channel.is_thread else Permissions.SEND_MESSAGES
            if not perms & needed:
                log.info("sandbox: bot lacks %s in #%s", needed.name, channel.name)
                raise error(50013)
            if channel.is_thread and channel.locked and not perms & Permissions.MANAGE_THREADS:
                raise error(50083)
        if channel.is_dm:
            recipient = channel.recipients[0] if channel.recipients else None
            if recipient is None or not recipient.dms_open or recipient.bot:
                raise error(50007)
        files = self.attachments(ctx)
        self.check_message_body({**body, "files": files} if files else body, creating=True)
        flags = int(body.get("flags") or 0)
        if flags & ~int(
            MessageFlags.SUPPRESS_EMBEDS | MessageFlags.SUPPRESS_NOTIFICATIONS | MessageFlags.IS_COMPONENTS_V2
        ):
            raise single_form_error(("flags",), "MESSAGE_FLAGS_INVALID", "Invalid message flags")
        nonce = body.get("nonce")
        if nonce is not None and body.get("enforce_nonce"):
            seen = channel.nonces.get(str(nonce))
            if seen is not None and self.world.now() - seen[1] <= self.world.settings.nonce_window:
                earlier = self.world.messages.get(seen[0])
                if earlier is not None and not earlier.deleted:
                    log.info("sandbox: enforce_nonce hit in #%s, returning message %s", channel.name, earlier.id)
                    return ok(self.payloads.message(earlier))
        reference = self._reference(channel, body.get("message_reference"))
        if channel.is_thread and channel.archived:
            channel.archived = False  # sending into an archived (unlocked) thread unarchives it
        msg = self.events.bot_post(
            channel,
            body,
            flags=flags,
            nonce=nonce,
            message_reference=reference,
            attachments=files,
            type=19 if reference and reference.get("type", 0) == 0 else 0,  # a reply
        )
        if nonce is not None:
            channel.nonces[str(nonce)] = (msg.id, self.world.now())
        return ok(self.payloads.message(msg))

    def _reference(self, channel: Channel, ref: Any) -> dict[str, Any] | None:
        if not ref:
            return None
        msg_id = ref.get("message_id")
        target_channel = int(ref.get("channel_id") or channel.id)
        target = self.world.messages.get(int(msg_id)) if msg_id is not None and str(msg_id).isdigit() else None
        if target is None or target.deleted or target.channel_id != target_channel or target.ephemeral:
            if ref.get("fail_if_not_exists", True):
                raise single_form_error(("message_reference",), "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message")
            return None
        out: dict[str, Any] = {
            "type": int(ref.get("type") or 0),
            "message_id": str(target.id),
            "channel_id": str(target.channel_id),
        }
        if target.guild_id:
            out["guild_id"] = str(target.guild_id)
        return out

    def get_message(self, ctx: Ctx) -> Reply:
        channel = self.channel(ctx, Permissions.READ_MESSAGE_HISTORY)
        return ok(self._readable(self.message_in(channel, ctx)))

    def _readable(self, msg: Message) -> dict[str, Any]:
        """A fetched message; without the Message Content privilege others' content is blanked."""
        data = self.payloads.message(msg)
        if self.world.settings.privileged_intents & Intents.MESSAGE_CONTENT or msg.guild_id is None:
            return data
        bot_id = str(self.world.bot_user.id)
        if msg.author.id == self.world.bot_user.id or any(m["id"] == bot_id for m in data["mentions"]):
            return data
        return dict(data, content="", embeds=[], components=[], attachments=[])

    def edit_message(self, ctx: Ctx) -> Reply:
        channel = self.channel(ctx)
        msg = self.message_in(channel, ctx)
        body = ctx.json_object()
        if msg.author.id != self.world.bot_user.id:
            # Someone else's message: only the SUPPRESS_EMBEDS flag may change, with MANAGE_MESSAGES.
            if set(body) - {"flags"}:
                raise error(50005)
            perms = self.bot_permissions(channel)
            if perms is not None and not perms & Permissions.MANAGE_MESSAGES:
                raise error(50013)
        self.check_message_body(body, creating=False)
        self.check_not_emptied(msg, body)
        return ok(self.payloads.message(self.events.edit_message(msg, body)))

    def delete_message(self, ctx: Ctx) -> Reply:
        channel = self.channel(ctx)
        msg = self.message_in(channel, ctx)
        if msg.author.id != self.world.bot_user.id:
            perms = self.bot_permissions(channel)
            if perms is not None and not perms & Permissions.MANAGE_MESSAGES:
                raise error(50013)
        self.events.delete_message(msg)
        return no_content()

    def add_reaction(self, ctx: Ctx) -> Reply:
        channel = self.channel(ctx, Permissions.READ_MESSAGE_HISTORY)
        msg = self.message_in(channel, ctx)
        emoji = ctx.params["emoji_name"]
        perms = self.bot_permissions(channel)
        if emoji not in msg.reactions and perms is not None and not perms & Permissions.ADD_REACTIONS:
            raise error(50013)

        msg.reactions.setdefault(unquote(emoji), set()).add(self.world.bot_user.id)
        self.world.changed()
        return no_content()

    def remove_reaction(self, ctx: Ctx) -> Reply:
        channel = self.channel(ctx)
        msg = self.message_in(channel, ctx)

        msg.reactions.get(unquote(ctx.params["emoji_name"]), set()).discard(self.world.bot_user.id)
        self.world.changed()
        return no_content()
