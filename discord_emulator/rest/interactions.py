"""Interaction callbacks: the bot's first answer, with Discord's deadline and once-only rule."""

from __future__ import annotations

import logging
from typing import Any

from .. import validation as V
from ..flags import MessageFlags
from ..interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    AUTOCOMPLETE_RESULT,
    CHANNEL_MESSAGE,
    DEFERRED_CHANNEL_MESSAGE,
    DEFERRED_UPDATE_MESSAGE,
    MESSAGE_COMPONENT,
    MODAL,
    MODAL_SUBMIT,
    PONG,
    UPDATE_MESSAGE,
    EmulatedInteraction,
    InteractionResponse,
    Modal,
)
from ..payloads import message_flags
from .errors import HTTPError, error, form_error, single_form_error
from .resource import Resource
from .routing import Ctx, Reply, Router, no_content, ok

log = logging.getLogger(__name__)


class Interactions(Resource):
    def routes(self, router: Router) -> None:
        router.add(
            "POST", "/interactions/{interaction_id}/{interaction_token}/callback", self.interaction_callback, auth=False
        )

    def interaction_callback(self, ctx: Ctx) -> Reply:
        ix = self.world.interactions.get(ctx.snowflake("interaction_id"))
        if ix is None or ix.token != ctx.params["interaction_token"]:
            raise error(10062)
        try:
            return self._answer(ix, ctx)
        except HTTPError as exc:
            ix.rejected.append((exc.status, exc.body()))
            raise

    def _answer(self, ix: EmulatedInteraction, ctx: Ctx) -> Reply:
        if ix.responded:
            log.info("sandbox: %s answered twice", ix.describe())
            raise error(40060)
        age = self.world.now() - ix.created_at
        limit = self.world.settings.interaction_deadline
        if age > limit:
            log.info("sandbox: %s answered after %.2fs (limit %.1fs)", ix.describe(), age, limit)
            raise error(10062)
        body = ctx.json_object()
        kind = body.get("type")
        data = body.get("data")
        allowed = _allowed_callbacks(ix)
        if kind not in allowed:
            raise single_form_error(
                ("type",),
                "INTERACTION_RESPONSE_TYPE_INVALID",
                f"Interaction response type {kind} is not valid for this interaction (allowed: {sorted(allowed)})",
            )
        response = InteractionResponse(type=kind, data=data)
        if kind in (CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, UPDATE_MESSAGE):
            files = self.attachments(ctx)
            msg_body = dict(data or {})
            self.check_message_body(msg_body, creating=False, under="data")
            if kind == CHANNEL_MESSAGE and V.is_empty_message({**msg_body, "files": files}):
                raise error(50006)
        if kind in (CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE):
            # The answer to a slash command is a "chat input command" message (type 20).
            shape: dict[str, Any] = {
                "type": 20 if ix.type == APPLICATION_COMMAND else 0,
                "webhook_id": self.world.application_id,
                "interaction": ix,
            }
            if kind == CHANNEL_MESSAGE:
                files = self.attachments(ctx)
                flags = message_flags(data or {})
                msg = self.events.bot_post(ix.channel, data or {}, flags=flags, attachments=files, **shape)
            else:
                flags = message_flags(data or {}) & int(MessageFlags.EPHEMERAL)
                msg = self.events.create_message(
                    ix.channel, self.world.bot_user, flags=flags | int(MessageFlags.LOADING), **shape
                )
            ix.original_id = msg.id
            response.ephemeral = msg.ephemeral
            response.message_id = msg.id
        elif kind in (DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE):
            target = ix.source_message
            if target is None or target.deleted:
                raise error(10008)
            ix.original_id = target.id
            response.ephemeral = target.ephemeral
            response.message_id = target.id
            if kind == UPDATE_MESSAGE:
                self.events.edit_message(target, dict(data or {}))
        elif kind == MODAL:
            errors = V.FormErrors()
            V.check_modal(data, errors)
            if errors:
                log.info("sandbox: rejecting modal: %s", errors.summary())
                raise form_error(errors)
            response.modal = Modal.from_payload(data or {})
        elif kind == AUTOCOMPLETE_RESULT:
            errors = V.FormErrors()
            V.check_choices(data, errors)
            if errors:
                raise form_error(errors)
            response.choices = list((data or {}).get("choices") or [])
        ix.initial = response
        ix.responded_at = self.world.now()
        self.world.changed()
        if not ctx.flag("with_response"):
            return no_content()
        return ok(self._callback_answer(ix, response))

    def _callback_answer(self, ix: EmulatedInteraction, response: InteractionResponse) -> dict[str, Any]:
        interaction: dict[str, Any] = {"id": str(ix.id), "type": ix.type}
        if ix.guild is not None:
            interaction["guild_id"] = str(ix.guild.id)
        interaction["channel_id"] = str(ix.channel.id)
        out: dict[str, Any] = {"interaction": interaction}
        if response.message_id is not None:
            # response_message_id is how discord.py ties a View to the message it sits on.
            interaction["response_message_id"] = str(response.message_id)
            interaction["response_message_loading"] = response.type == DEFERRED_CHANNEL_MESSAGE
            interaction["response_message_ephemeral"] = response.ephemeral
        if response.type in (CHANNEL_MESSAGE, UPDATE_MESSAGE) and response.message_id is not None:
            msg = self.world.messages[response.message_id]
            out["resource"] = {"type": response.type, "message": self.payloads.message(msg)}
        return out


def _allowed_callbacks(ix: EmulatedInteraction) -> set[int]:
    if ix.type == AUTOCOMPLETE:
        return {AUTOCOMPLETE_RESULT}
    if ix.type == APPLICATION_COMMAND:
        return {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, MODAL}
    if ix.type == MESSAGE_COMPONENT:
        return {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE, MODAL}
    if ix.type == MODAL_SUBMIT:
        # Updating is only possible when the modal was opened from a message component.
        from_message = ix.message_id is not None
        return {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE} | (
            {DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE} if from_message else set()
        )
    return {PONG}
