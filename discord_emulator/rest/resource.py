"""What every REST resource shares: the state it serves and the checks Discord makes first."""

from __future__ import annotations

import logging
from typing import Any

from .. import validation as V
from ..events import Events
from ..flags import Permissions
from ..models import Channel, Guild, Message
from ..payloads import Payloads
from ..world import World
from .errors import error, form_error
from .routing import Ctx, Router

log = logging.getLogger(__name__)


class Resource:
    """A group of routes. Handlers get a :class:`Ctx` and answer ``(status, body)`` or raise
    :class:`~discord_emulator.rest.errors.HTTPError`."""

    def __init__(self, world: World, payloads: Payloads, events: Events) -> None:
        self.world = world
        self.payloads = payloads
        self.events = events

    def routes(self, router: Router) -> None:
        raise NotImplementedError

    def bot_permissions(self, channel: Channel) -> int | None:
        """The bot's permissions in a guild channel (None for DMs: no permission system)."""
        return self.world.bot_permissions(channel)

    def channel(self, ctx: Ctx, *needed: Permissions, name: str = "channel_id") -> Channel:
        channel = self.world.channels.get(ctx.snowflake(name))
        if channel is None or channel.deleted:
            raise error(10003)
        perms = self.bot_permissions(channel)
        if perms is not None:
            if not perms & Permissions.VIEW_CHANNEL:
                raise error(50001)
            for perm in needed:
                if not perms & perm:
                    log.info("sandbox: bot lacks %s in #%s", perm.name, channel.name)
                    raise error(50013)
        return channel

    def message_in(self, channel: Channel, ctx: Ctx) -> Message:
        msg = self.world.messages.get(ctx.snowflake("message_id"))
        if msg is None or msg.deleted or msg.channel_id != channel.id or msg.ephemeral:
            raise error(10008)
        return msg

    def check_message_body(
        self, body: dict[str, Any], *, creating: bool, empty_ok: bool = False, under: str | None = None
    ) -> None:
        errors = V.FormErrors()
        V.check_message(body, errors, creating=creating)
        if errors:
            log.info("sandbox: rejecting message body: %s", errors.summary())
            if under is not None:
                # An interaction callback nests the message under "data", and so do its errors.
                errors.tree = {under: errors.tree}
            raise form_error(errors)
        if creating and not empty_ok and V.is_empty_message(body):
            raise error(50006)

    def attachments(self, ctx: Ctx) -> list[dict[str, Any]]:
        out = []
        for f in ctx.files:
            att_id = self.world.snowflakes.next()
            url = f"{self.world.settings.url}/attachments/{att_id}/{f['filename']}"
            out.append(
                {
                    "id": str(att_id),
                    "filename": f["filename"],
                    "size": len(f["data"]),
                    "url": url,
                    "proxy_url": url,
                    "content_type": f.get("content_type") or "application/octet-stream",
                }
            )
        return out

    def guild(self, ctx: Ctx) -> Guild:
        guild = self.world.guilds.get(ctx.snowflake("guild_id"))
        if guild is None or self.world.bot_user.id not in guild.members:
            raise error(10004)
        return guild

    def check_not_emptied(self, msg: Message, body: dict[str, Any]) -> None:
        after = {
            "content": body.get("content", msg.content) if "content" in body else msg.content,
            "embeds": body.get("embeds") if "embeds" in body else msg.embeds,
            "components": body.get("components") if "components" in body else msg.components,
            "attachments": body.get("attachments") if "attachments" in body else msg.attachments,
        }
        if V.is_empty_message(after):
            raise error(50006)
