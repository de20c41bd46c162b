"""Interaction webhooks: followups and the original response, valid for 15 minutes."""

from __future__ import annotations

import logging

from ..flags import MessageFlags
from ..interactions import EmulatedInteraction
from ..models import Message
from ..payloads import message_flags
from .errors import error
from .resource import Resource
from .routing import Ctx, Reply, Router, no_content, ok

log = logging.getLogger(__name__)


class Webhooks(Resource):
    def routes(self, router: Router) -> None:
        base = "/webhooks/{webhook_id}/{webhook_token}"
        router.add("POST", base, self.followup, auth=False)
        router.add("GET", f"{base}/messages/{{message_id}}", self.get_webhook_message, auth=False)
        router.add("PATCH", f"{base}/messages/{{message_id}}", self.edit_webhook_message, auth=False)
        router.add("DELETE", f"{base}/messages/{{message_id}}", self.delete_webhook_message, auth=False)

    def _webhook_interaction(self, ctx: Ctx) -> EmulatedInteraction:
        ix = self.world.interactions_by_token.get(ctx.params["webhook_token"])
        if ctx.snowflake("webhook_id") != self.world.application_id:
            raise error(10015)
        if ix is None:
            raise error(50027)
        if self.world.now() - ix.created_at > self.world.settings.token_lifetime:
            log.info("sandbox: %s: interaction token expired", ix.describe())
            raise error(50027)
        if not ix.responded:
            # No initial response yet: the interaction's webhook does not exist.
            raise error(10015)
        return ix

    def _webhook_target(self, ix: EmulatedInteraction, ctx: Ctx) -> Message:
        raw = ctx.params["message_id"]
        if raw == "@original":
            msg_id = ix.original_id
        else:
            msg_id = ctx.snowflake("message_id")
            if msg_id not in ix.followup_ids and msg_id != ix.original_id:
                raise error(10008)
        msg = self.world.messages.get(msg_id) if msg_id is not None else None
        if msg is None or msg.deleted:
            raise error(10008)
        return msg

    def followup(self, ctx: Ctx) -> Reply:
        ix = self._webhook_interaction(ctx)
        body = ctx.json_object()
        files = self.attachments(ctx)
        self.check_message_body({**body, "files": files} if files else body, creating=True)
        original = self.world.messages.get(ix.original_id) if ix.original_id else None
        if original is not None and original.loading and not original.deleted:
            # The first followup after a "thinking" deferral replaces the loading message.
            original.flags &= ~int(MessageFlags.LOADING)
            if files:
                original.attachments = files
            msg = self.events.edit_message(original, body)
        else:
            channel = ix.channel
            if "thread_id" in ctx.query:
                channel = self.world.channels.get(int(ctx.query["thread_id"])) or channel
            msg = self.events.bot_post(
                channel,
                body,
                flags=message_flags(body),
                attachments=files,
                webhook_id=self.world.application_id,
                interaction=ix,
            )
        ix.followup_ids.append(msg.id)
        self.world.changed()
        if not ctx.flag("wait"):
            return no_content()
        return ok(self.payloads.message(msg))

    def get_webhook_message(self, ctx: Ctx) -> Reply:
        ix = self._webhook_interaction(ctx)
        return ok(self.payloads.message(self._webhook_target(ix, ctx)))

    def edit_webhook_message(self, ctx: Ctx) -> Reply:
        ix = self._webhook_interaction(ctx)
        msg = self._webhook_target(ix, ctx)
        body = ctx.json_object()
        self.check_message_body(body, creating=False)
        was_loading = msg.loading
        msg.flags &= ~int(MessageFlags.LOADING)
        files = self.attachments(ctx)
        if files:
            msg.attachments = msg.attachments + files
        if not was_loading:
            self.check_not_emptied(msg, body)
        return ok(self.payloads.message(self.events.edit_message(msg, body)))

    def delete_webhook_message(self, ctx: Ctx) -> Reply:
        ix = self._webhook_interaction(ctx)
        self.events.delete_message(self._webhook_target(ix, ctx))
        return no_content()
