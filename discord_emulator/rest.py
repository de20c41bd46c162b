"""The emulated REST API (``/api/v10``): routing, auth, faults, validation and the handlers.

Every request goes through :meth:`RestAPI.handle`, which logs it in ``emu.requests``, checks the
bot token, applies injected faults, validates JSON bodies against the OpenAPI spec, runs the
handler and validates the answer.  Handlers raise :class:`HTTPError` for Discord's error
answers (status, numeric ``code``, message, optional 50035 ``errors``) and never touch the
network.  Unknown routes get a 404 and a warning naming the route, so gaps are visible.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import BodyPartReader, web

from . import payloads as P
from . import validation as V
from .interactions import (
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
from .models import AppCommand, Channel, ChannelType, Guild, Intents, Message, MessageFlags, Permissions
from .perms import channel_permissions

if TYPE_CHECKING:
    from .emulator import DiscordEmulator, Fault

log = logging.getLogger(__name__)

# code -> (HTTP status, Discord's message)
ERRORS: dict[int, tuple[int, str]] = {
    0: (404, "404: Not Found"),
    10002: (404, "Unknown Application"),
    10003: (404, "Unknown Channel"),
    10004: (404, "Unknown Guild"),
    10007: (404, "Unknown Member"),
    10008: (404, "Unknown Message"),
    10013: (404, "Unknown User"),
    10015: (404, "Unknown Webhook"),
    10062: (404, "Unknown interaction"),
    10063: (404, "Unknown application command"),
    20001: (403, "Bots cannot use this endpoint"),
    40060: (400, "Interaction has already been acknowledged."),
    50001: (403, "Missing Access"),
    50005: (403, "Cannot edit a message authored by another user"),
    50006: (400, "Cannot send an empty message"),
    50007: (403, "Cannot send messages to this user"),
    50008: (400, "Cannot send messages in a non-text channel"),
    50013: (403, "Missing Permissions"),
    50024: (400, "Cannot execute action on this channel type"),
    50027: (401, "Invalid Webhook Token"),
    50035: (400, "Invalid Form Body"),
    50083: (400, "Operation cannot be performed on an archived thread"),
    50109: (400, "The request body contains invalid JSON."),
    160004: (400, "A thread has already been created for this message"),
}

# Channels a message can be posted in (voice channels have a text chat too).
_MESSAGEABLE = frozenset({0, 1, 2, 5, 10, 11, 12})
_ARCHIVE_DURATIONS = (60, 1440, 4320, 10080)


class HTTPError(Exception):
    def __init__(self, status: int, code: int, message: str, errors: dict[str, Any] | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def body(self) -> dict[str, Any]:
        data: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors is not None:
            data["errors"] = self.errors
        return data


def error(code: int, message: str | None = None) -> HTTPError:
    status, default = ERRORS[code]
    return HTTPError(status, code, message or default)


def form_error(errors: V.FormErrors) -> HTTPError:
    return HTTPError(400, 50035, "Invalid Form Body", errors.tree)


def single_form_error(path: tuple[str | int, ...], code: str, message: str) -> HTTPError:
    errors = V.FormErrors()
    errors.add(path, code, message)
    return form_error(errors)


@dataclass
class RequestRecord:
    """One REST call the bot made, and the emulator's answer."""

    method: str
    path: str
    query: dict[str, str]
    json: Any
    status: int = 0
    response: Any = None
    at: float = 0.0

    def __repr__(self) -> str:
        return f"<{self.method} {self.path} -> {self.status}>"


Reply = tuple[int, Any]
Handler = Callable[["Ctx"], Reply]


@dataclass
class Ctx:
    method: str
    path: str
    params: dict[str, str]
    query: dict[str, str]
    body: Any
    files: list[dict[str, Any]] = field(default_factory=list)

    def snowflake(self, name: str) -> int:
        raw = self.params[name]
        if not raw.isdigit():
            raise single_form_error((name,), "NUMBER_TYPE_COERCE", f'Value "{raw}" is not snowflake.')
        return int(raw)

    def json_object(self) -> dict[str, Any]:
        if self.body is None:
            return {}
        if not isinstance(self.body, dict):
            raise single_form_error((), "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
        return self.body

    def flag(self, name: str, default: bool = False) -> bool:
        raw = self.query.get(name)
        if raw is None:
            return default
        return raw.lower() in ("1", "true", "yes")


@dataclass
class _Route:
    method: str
    template: str
    regex: re.Pattern[str]
    handler: Handler
    auth: bool
    literal: int


def ok(body: Any, status: int = 200) -> Reply:
    return status, body


def no_content() -> Reply:
    return 204, None


class RestAPI:
    def __init__(self, emu: DiscordEmulator) -> None:
        self.emu = emu
        self._routes: list[_Route] = []
        self._register_routes()
        self._routes.sort(key=lambda r: -r.literal)

    # ==========================================================================================
    # plumbing
    # ==========================================================================================

    def add(self, method: str, template: str, handler: Handler, *, auth: bool = True) -> None:
        parts = re.split(r"(\{[^}]+\})", template)
        pattern = "".join(f"(?P<{p[1:-1]}>[^/]+)" if p.startswith("{") else re.escape(p) for p in parts)
        literal = sum(1 for seg in template.split("/") if seg and not seg.startswith("{"))
        self._routes.append(_Route(method, template, re.compile(f"^{pattern}$"), handler, auth, literal))

    def _match(self, method: str, path: str) -> tuple[_Route | None, dict[str, str], bool]:
        path_known = False
        for route in self._routes:
            m = route.regex.match(path)
            if m is None:
                continue
            path_known = True
            if route.method == method:
                return route, m.groupdict(), True
        return None, {}, path_known

    async def handle_unknown(self, request: web.Request) -> web.StreamResponse:
        what = f"{request.method} {request.path}"
        log.warning("sandbox: no such endpoint %s (the emulator only serves /api/v10)", what)
        self.emu.unhandled.append(what)
        return _json_response(404, {"message": "404: Not Found", "code": 0})

    async def handle(self, request: web.Request) -> web.StreamResponse:
        emu = self.emu
        path = "/" + request.match_info["tail"]
        method = request.method
        query = {k: v for k, v in request.query.items()}
        record = RequestRecord(method=method, path=path, query=query, json=None, at=emu.now())
        headers: dict[str, str] = {}
        route: _Route | None = None
        validate_answer = False
        try:
            body, files = await _read_body(request)
            record.json = body
            route, params, path_known = self._match(method, path)
            fault = emu._take_fault(method, path)
            if fault is not None:
                status, answer, headers = _fault_reply(fault)
                log.info("sandbox: injected %s for %s %s (%d/%d)", fault.status, method, path, fault.hits, fault.times)
            elif route is None:
                status, answer = (
                    (405, {"message": "405: Method Not Allowed", "code": 0})
                    if path_known
                    else (
                        404,
                        {"message": "404: Not Found", "code": 0},
                    )
                )
                log.warning(
                    "sandbox: unhandled route %s %s -> %s (add a handler in discord_emulator)", method, path, status
                )
                emu.unhandled.append(f"{method} {path}")
            else:
                if body is not None:
                    emu.validator.check_request(method, path, body)
                if route.auth and request.headers.get("Authorization") != f"Bot {emu.token}":
                    raise HTTPError(401, 0, "401: Unauthorized")
                validate_answer = True
                status, answer = route.handler(Ctx(method, path, params, query, body, files))
        except HTTPError as exc:
            status, answer = exc.status, exc.body()
        except Exception:  # a bug in the emulator must show up as a failing request, not a hang
            log.exception("sandbox: handler crashed for %s %s", method, path)
            status, answer = 500, {"message": "500: Internal Server Error (sandbox bug)", "code": 0}
            validate_answer = False
        if validate_answer and answer is not None:
            emu.validator.check_response(method, path, status, answer)
        record.status, record.response = status, answer
        emu.requests.append(record)
        if status >= 400 and status != 429:
            log.info("sandbox: %s %s -> %s %s", method, path, status, _short_error(answer))
        emu._changed()
        return _json_response(status, answer, headers)

    # ==========================================================================================
    # routes
    # ==========================================================================================

    def _register_routes(self) -> None:
        a = self.add
        a("GET", "/gateway", self.get_gateway, auth=False)
        a("GET", "/gateway/bot", self.get_gateway_bot)
        a("GET", "/users/@me", self.get_me)
        a("GET", "/oauth2/applications/@me", self.get_application)
        a("GET", "/applications/@me", self.get_application)
        a("GET", "/users/@me/guilds", self.get_my_guilds)
        a("GET", "/users/{user_id}", self.get_user)
        a("POST", "/users/@me/channels", self.create_dm)

        a("GET", "/channels/{channel_id}", self.get_channel)
        a("PATCH", "/channels/{channel_id}", self.edit_channel)
        a("DELETE", "/channels/{channel_id}", self.delete_channel)
        a("GET", "/channels/{channel_id}/messages", self.list_messages)
        a("POST", "/channels/{channel_id}/messages", self.create_message)
        a("GET", "/channels/{channel_id}/messages/{message_id}", self.get_message)
        a("PATCH", "/channels/{channel_id}/messages/{message_id}", self.edit_message)
        a("DELETE", "/channels/{channel_id}/messages/{message_id}", self.delete_message)
        a("POST", "/channels/{channel_id}/messages/{message_id}/threads", self.thread_from_message)
        a("POST", "/channels/{channel_id}/threads", self.thread_without_message)
        a("POST", "/channels/{channel_id}/typing", self.typing)
        a("PUT", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/@me", self.add_reaction)
        a("DELETE", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/@me", self.remove_reaction)
        a("PUT", "/channels/{channel_id}/thread-members/@me", self.join_thread)
        a("DELETE", "/channels/{channel_id}/thread-members/@me", self.leave_thread)
        a("PUT", "/channels/{channel_id}/thread-members/{user_id}", self.add_thread_member)

        a("GET", "/guilds/{guild_id}", self.get_guild)
        a("GET", "/guilds/{guild_id}/channels", self.get_guild_channels)
        a("GET", "/guilds/{guild_id}/roles", self.get_roles)
        a("GET", "/guilds/{guild_id}/members", self.list_members)
        a("GET", "/guilds/{guild_id}/members/{user_id}", self.get_member)

        for base in ("/applications/{application_id}", "/applications/{application_id}/guilds/{guild_id}"):
            a("GET", f"{base}/commands", self.list_commands)
            a("PUT", f"{base}/commands", self.overwrite_commands)
            a("POST", f"{base}/commands", self.create_command)
            a("GET", f"{base}/commands/{{command_id}}", self.get_command)
            a("PATCH", f"{base}/commands/{{command_id}}", self.edit_command)
            a("DELETE", f"{base}/commands/{{command_id}}", self.delete_command)

        a("POST", "/interactions/{interaction_id}/{interaction_token}/callback", self.interaction_callback, auth=False)
        a("POST", "/webhooks/{webhook_id}/{webhook_token}", self.followup, auth=False)
        a("GET", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", self.get_webhook_message, auth=False)
        a(
            "PATCH",
            "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}",
            self.edit_webhook_message,
            auth=False,
        )
        a(
            "DELETE",
            "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}",
            self.delete_webhook_message,
            auth=False,
        )

    # ==========================================================================================
    # helpers
    # ==========================================================================================

    def _bot_perms(self, channel: Channel) -> int | None:
        """The bot's permissions in a guild channel (None for DMs: no permission system)."""
        if channel.guild_id is None:
            return None
        guild = self.emu.guilds[channel.guild_id]
        return channel_permissions(guild, guild.members[self.emu.bot_user.id], channel)

    def _channel(self, ctx: Ctx, *needed: Permissions, name: str = "channel_id") -> Channel:
        channel = self.emu.channels.get(ctx.snowflake(name))
        if channel is None or channel.deleted:
            raise error(10003)
        perms = self._bot_perms(channel)
        if perms is not None:
            if not perms & Permissions.VIEW_CHANNEL:
                raise error(50001)
            for perm in needed:
                if not perms & perm:
                    log.info("sandbox: bot lacks %s in #%s", perm.name, channel.name)
                    raise error(50013)
        return channel

    def _message_in(self, channel: Channel, ctx: Ctx) -> Message:
        msg = self.emu.messages.get(ctx.snowflake("message_id"))
        if msg is None or msg.deleted or msg.channel_id != channel.id or msg.ephemeral:
            raise error(10008)
        return msg

    def _check_message_body(
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

    def _attachments(self, ctx: Ctx) -> list[dict[str, Any]]:
        out = []
        for f in ctx.files:
            att_id = self.emu.snowflakes.next()
            url = f"{self.emu.url}/attachments/{att_id}/{f['filename']}"
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

    # ==========================================================================================
    # gateway / users / application
    # ==========================================================================================

    def get_gateway(self, ctx: Ctx) -> Reply:
        return ok({"url": self.emu.gateway_url})

    def get_gateway_bot(self, ctx: Ctx) -> Reply:
        limits = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return ok({"url": self.emu.gateway_url, "shards": 1, "session_start_limit": limits})

    def get_me(self, ctx: Ctx) -> Reply:
        return ok(P.user_pii(self.emu.bot_user))

    def get_application(self, ctx: Ctx) -> Reply:
        return ok(self.emu.payloads.application())

    def get_my_guilds(self, ctx: Ctx) -> Reply:
        out: list[dict[str, Any]] = [
            {
                "id": str(g.id),
                "name": g.name,
                "icon": None,
                "banner": None,
                "owner": False,
                "permissions": str(channel_permissions(g, g.members[self.emu.bot_user.id], None)),
                "features": [],
            }
            for g in self.emu.guilds.values()
        ]
        return ok(out)

    def get_user(self, ctx: Ctx) -> Reply:
        found = self.emu.users.get(ctx.snowflake("user_id"))
        if found is None:
            raise error(10013)
        return ok(P.user(found))

    def create_dm(self, ctx: Ctx) -> Reply:
        body = ctx.json_object()
        raw = body.get("recipient_id")
        if raw is None:
            raise single_form_error(("recipient_id",), "BASE_TYPE_REQUIRED", "This field is required")
        target = self.emu.users.get(int(raw)) if str(raw).isdigit() else None
        if target is None:
            raise error(10013)
        # Discord creates the channel even when the user has DMs closed; sending then fails (50007).
        return ok(self.emu.payloads.channel(self.emu.dm_channel(target)))

    # ==========================================================================================
    # channels
    # ==========================================================================================

    def get_channel(self, ctx: Ctx) -> Reply:
        return ok(self.emu.payloads.channel(self._channel(ctx)))

    def edit_channel(self, ctx: Ctx) -> Reply:
        channel = self._channel(ctx)
        body = ctx.json_object()
        perms = self._bot_perms(channel) or 0
        if channel.is_thread:
            owner = channel.owner_id == self.emu.bot_user.id
            if not owner and not perms & Permissions.MANAGE_THREADS:
                raise error(50013)
            if "locked" in body and not perms & Permissions.MANAGE_THREADS:
                raise error(50013)
            for key in ("name", "archived", "locked", "auto_archive_duration", "invitable", "rate_limit_per_user"):
                if key in body and body[key] is not None:
                    setattr(channel, key, body[key])
        else:
            if channel.guild_id is not None and not perms & Permissions.MANAGE_CHANNELS:
                raise error(50013)
            for key in ("name", "topic", "nsfw", "rate_limit_per_user", "position"):
                if key in body:
                    setattr(channel, key, body[key])
        if "name" in body and not 1 <= len(body.get("name") or "") <= 100:
            raise single_form_error(("name",), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
        self.emu._channel_updated(channel)
        return ok(self.emu.payloads.channel(channel))

    def delete_channel(self, ctx: Ctx) -> Reply:
        channel = self._channel(ctx)
        perms = self._bot_perms(channel)
        needed = Permissions.MANAGE_THREADS if channel.is_thread else Permissions.MANAGE_CHANNELS
        if perms is not None and not perms & needed:
            raise error(50013)
        data = self.emu.payloads.channel(channel)
        if not channel.is_dm:
            self.emu.delete_channel(channel)
        return ok(data)

    def list_messages(self, ctx: Ctx) -> Reply:
        channel = self._channel(ctx)
        perms = self._bot_perms(channel)
        if perms is not None and not perms & Permissions.READ_MESSAGE_HISTORY:
            return ok([])  # Discord answers an empty history rather than an error
        limit = max(1, min(100, int(ctx.query.get("limit", 50))))
        msgs = self.emu.channel_messages(channel)
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
        emu = self.emu
        channel = self._channel(ctx)
        body = ctx.json_object()
        perms = self._bot_perms(channel)
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
        files = self._attachments(ctx)
        self._check_message_body({**body, "files": files} if files else body, creating=True)
        flags = int(body.get("flags") or 0)
        if flags & ~int(
            MessageFlags.SUPPRESS_EMBEDS | MessageFlags.SUPPRESS_NOTIFICATIONS | MessageFlags.IS_COMPONENTS_V2
        ):
            raise single_form_error(("flags",), "MESSAGE_FLAGS_INVALID", "Invalid message flags")
        nonce = body.get("nonce")
        if nonce is not None and body.get("enforce_nonce"):
            seen = channel.nonces.get(str(nonce))
            if seen is not None and emu.now() - seen[1] <= emu.nonce_window:
                earlier = emu.messages.get(seen[0])
                if earlier is not None and not earlier.deleted:
                    log.info("sandbox: enforce_nonce hit in #%s, returning message %s", channel.name, earlier.id)
                    return ok(emu.payloads.message(earlier))
        reference = self._reference(channel, body.get("message_reference"))
        if channel.is_thread and channel.archived:
            channel.archived = False  # sending into an archived (unlocked) thread unarchives it
        msg = emu._create_message(
            channel,
            emu.bot_user,
            content=body.get("content") or "",
            embeds=body.get("embeds"),
            components=body.get("components"),
            flags=flags,
            nonce=nonce,
            tts=bool(body.get("tts")),
            message_reference=reference,
            attachments=files,
            type=19 if reference and reference.get("type", 0) == 0 else 0,
        )
        if nonce is not None:
            channel.nonces[str(nonce)] = (msg.id, emu.now())
        return ok(emu.payloads.message(msg))

    def _reference(self, channel: Channel, ref: Any) -> dict[str, Any] | None:
        if not ref:
            return None
        msg_id = ref.get("message_id")
        target_channel = int(ref.get("channel_id") or channel.id)
        target = self.emu.messages.get(int(msg_id)) if msg_id is not None and str(msg_id).isdigit() else None
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
        channel = self._channel(ctx, Permissions.READ_MESSAGE_HISTORY)
        return ok(self._readable(self._message_in(channel, ctx)))

    def _readable(self, msg: Message) -> dict[str, Any]:
        """A fetched message; without the Message Content privilege others' content is blanked."""
        data = self.emu.payloads.message(msg)
        if self.emu.privileged_intents & Intents.MESSAGE_CONTENT or msg.guild_id is None:
            return data
        bot_id = str(self.emu.bot_user.id)
        if msg.author.id == self.emu.bot_user.id or any(m["id"] == bot_id for m in data["mentions"]):
            return data
        return dict(data, content="", embeds=[], components=[], attachments=[])

    def edit_message(self, ctx: Ctx) -> Reply:
        channel = self._channel(ctx)
        msg = self._message_in(channel, ctx)
        body = ctx.json_object()
        if msg.author.id != self.emu.bot_user.id:
            # Someone else's message: only the SUPPRESS_EMBEDS flag may change, with MANAGE_MESSAGES.
            if set(body) - {"flags"}:
                raise error(50005)
            perms = self._bot_perms(channel)
            if perms is not None and not perms & Permissions.MANAGE_MESSAGES:
                raise error(50013)
        self._check_message_body(body, creating=False)
        self._check_not_emptied(msg, body)
        return ok(self.emu.payloads.message(self.emu._edit_message(msg, body)))

    def _check_not_emptied(self, msg: Message, body: dict[str, Any]) -> None:
        after = {
            "content": body.get("content", msg.content) if "content" in body else msg.content,
            "embeds": body.get("embeds") if "embeds" in body else msg.embeds,
            "components": body.get("components") if "components" in body else msg.components,
            "attachments": body.get("attachments") if "attachments" in body else msg.attachments,
        }
        if V.is_empty_message(after):
            raise error(50006)

    def delete_message(self, ctx: Ctx) -> Reply:
        channel = self._channel(ctx)
        msg = self._message_in(channel, ctx)
        if msg.author.id != self.emu.bot_user.id:
            perms = self._bot_perms(channel)
            if perms is not None and not perms & Permissions.MANAGE_MESSAGES:
                raise error(50013)
        self.emu._delete_message(msg)
        return no_content()

    def _thread_body(self, body: dict[str, Any]) -> tuple[str, int]:
        name = body.get("name")
        if not isinstance(name, str) or not 1 <= len(name) <= 100:
            raise single_form_error(("name",), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
        duration = body.get("auto_archive_duration") or 1440
        if duration not in _ARCHIVE_DURATIONS:
            raise single_form_error(
                ("auto_archive_duration",), "BASE_TYPE_CHOICES", "Value must be one of (60, 1440, 4320, 10080)."
            )
        return name, int(duration)

    def thread_from_message(self, ctx: Ctx) -> Reply:
        channel = self._channel(ctx, Permissions.CREATE_PUBLIC_THREADS)
        if channel.type not in (ChannelType.GUILD_TEXT, ChannelType.GUILD_ANNOUNCEMENT):
            raise error(50024)
        msg = self._message_in(channel, ctx)
        if msg.thread is not None:
            raise error(160004)
        name, duration = self._thread_body(ctx.json_object())
        kind = (
            ChannelType.ANNOUNCEMENT_THREAD
            if channel.type == ChannelType.GUILD_ANNOUNCEMENT
            else ChannelType.PUBLIC_THREAD
        )
        thread = self.emu._create_thread(
            channel,
            name,
            type=kind,
            owner=self.emu.bot_user,
            starter=msg,
            auto_archive_duration=duration,
            rate_limit_per_user=int(ctx.json_object().get("rate_limit_per_user") or 0),
        )
        return ok(self.emu.payloads.thread(thread), 201)

    def thread_without_message(self, ctx: Ctx) -> Reply:
        channel = self._channel(ctx)
        body = ctx.json_object()
        name, duration = self._thread_body(body)
        if channel.type == ChannelType.GUILD_FORUM:
            return self._forum_post(ctx, channel, body, name, duration)
        if channel.type not in (ChannelType.GUILD_TEXT, ChannelType.GUILD_ANNOUNCEMENT):
            raise error(50024)
        kind = int(body.get("type") or ChannelType.PRIVATE_THREAD)
        if kind not in (10, 11, 12):
            raise single_form_error(("type",), "BASE_TYPE_CHOICES", "Value must be one of (10, 11, 12).")
        perms = self._bot_perms(channel) or 0
        needed = Permissions.CREATE_PRIVATE_THREADS if kind == 12 else Permissions.CREATE_PUBLIC_THREADS
        if not perms & needed:
            raise error(50013)
        thread = self.emu._create_thread(
            channel,
            name,
            type=kind,
            owner=self.emu.bot_user,
            auto_archive_duration=duration,
            invitable=bool(body.get("invitable", True)),
            rate_limit_per_user=int(body.get("rate_limit_per_user") or 0),
        )
        return ok(self.emu.payloads.thread(thread), 201)

    def _forum_post(self, ctx: Ctx, channel: Channel, body: dict[str, Any], name: str, duration: int) -> Reply:
        perms = self._bot_perms(channel) or 0
        if not perms & Permissions.SEND_MESSAGES:
            raise error(50013)
        message = body.get("message")
        if not isinstance(message, dict):
            raise single_form_error(("message",), "BASE_TYPE_REQUIRED", "This field is required")
        self._check_message_body(message, creating=True)
        thread = self.emu._create_thread(
            channel, name, type=ChannelType.PUBLIC_THREAD, owner=self.emu.bot_user, auto_archive_duration=duration
        )
        starter = self.emu._create_message(
            thread,
            self.emu.bot_user,
            content=message.get("content") or "",
            embeds=message.get("embeds"),
            components=message.get("components"),
            flags=int(message.get("flags") or 0),
        )
        data = self.emu.payloads.thread(thread)
        data["message"] = self.emu.payloads.message(starter)
        return ok(data, 201)

    def typing(self, ctx: Ctx) -> Reply:
        self._channel(ctx, Permissions.SEND_MESSAGES)
        return no_content()

    def add_reaction(self, ctx: Ctx) -> Reply:
        channel = self._channel(ctx, Permissions.READ_MESSAGE_HISTORY)
        msg = self._message_in(channel, ctx)
        emoji = ctx.params["emoji_name"]
        perms = self._bot_perms(channel)
        if emoji not in msg.reactions and perms is not None and not perms & Permissions.ADD_REACTIONS:
            raise error(50013)
        from urllib.parse import unquote

        msg.reactions.setdefault(unquote(emoji), set()).add(self.emu.bot_user.id)
        self.emu._changed()
        return no_content()

    def remove_reaction(self, ctx: Ctx) -> Reply:
        channel = self._channel(ctx)
        msg = self._message_in(channel, ctx)
        from urllib.parse import unquote

        msg.reactions.get(unquote(ctx.params["emoji_name"]), set()).discard(self.emu.bot_user.id)
        self.emu._changed()
        return no_content()

    def _thread(self, ctx: Ctx) -> Channel:
        channel = self._channel(ctx)
        if not channel.is_thread:
            raise error(50024)
        return channel

    def join_thread(self, ctx: Ctx) -> Reply:
        thread = self._thread(ctx)
        if thread.archived:
            raise error(50083)
        thread.member_ids.add(self.emu.bot_user.id)
        self.emu._changed()
        return no_content()

    def leave_thread(self, ctx: Ctx) -> Reply:
        self._thread(ctx).member_ids.discard(self.emu.bot_user.id)
        self.emu._changed()
        return no_content()

    def add_thread_member(self, ctx: Ctx) -> Reply:
        thread = self._thread(ctx)
        user_id = ctx.snowflake("user_id")
        guild = self.emu.guilds[thread.guild_id] if thread.guild_id else None
        if guild is None or user_id not in guild.members:
            raise error(10007)
        thread.member_ids.add(user_id)
        self.emu._changed()
        return no_content()

    # ==========================================================================================
    # guilds
    # ==========================================================================================

    def _guild(self, ctx: Ctx) -> Guild:
        guild = self.emu.guilds.get(ctx.snowflake("guild_id"))
        if guild is None or self.emu.bot_user.id not in guild.members:
            raise error(10004)
        return guild

    def get_guild(self, ctx: Ctx) -> Reply:
        return ok(self.emu.payloads.guild(self._guild(ctx)))

    def get_guild_channels(self, ctx: Ctx) -> Reply:
        guild = self._guild(ctx)
        return ok([self.emu.payloads.channel(c) for c in guild.channels.values() if not c.is_thread and not c.deleted])

    def get_roles(self, ctx: Ctx) -> Reply:
        return ok([P.role(r) for r in self._guild(ctx).roles.values()])

    def list_members(self, ctx: Ctx) -> Reply:
        guild = self._guild(ctx)
        limit = max(1, min(1000, int(ctx.query.get("limit", 1))))
        after = int(ctx.query.get("after", 0))
        members = sorted((m for m in guild.members.values() if m.id > after), key=lambda m: m.id)
        return ok([P.member(m) for m in members[:limit]])

    def get_member(self, ctx: Ctx) -> Reply:
        guild = self._guild(ctx)
        found = guild.members.get(ctx.snowflake("user_id"))
        if found is None:
            raise error(10007)
        return ok(P.member(found))

    # ==========================================================================================
    # application commands
    # ==========================================================================================

    def _command_scope(self, ctx: Ctx) -> int | None:
        if ctx.snowflake("application_id") != self.emu.application_id:
            raise error(50001)
        if "guild_id" not in ctx.params:
            return None
        return self._guild(ctx).id

    def _scoped(self, guild_id: int | None) -> list[AppCommand]:
        return [c for c in self.emu.commands.values() if c.guild_id == guild_id]

    def _command_from(self, body: dict[str, Any], guild_id: int | None, existing: AppCommand | None) -> AppCommand:
        contexts = body.get("contexts")
        if contexts is None and body.get("dm_permission") is False:
            contexts = [0]
        dmp = body.get("default_member_permissions")
        cmd = existing or AppCommand(
            id=self.emu.snowflakes.next(), application_id=self.emu.application_id, name=body["name"]
        )
        cmd.name = body["name"]
        cmd.type = int(body.get("type") or 1)
        cmd.description = body.get("description") or ""
        cmd.options = _strip_nulls(body.get("options") or [])
        cmd.guild_id = guild_id
        cmd.default_member_permissions = None if dmp is None else str(dmp)
        cmd.contexts = contexts
        cmd.integration_types = body.get("integration_types") or [0]
        cmd.nsfw = bool(body.get("nsfw"))
        cmd.name_localizations = body.get("name_localizations")
        cmd.description_localizations = body.get("description_localizations")
        cmd.version = self.emu.snowflakes.next()
        return cmd

    def list_commands(self, ctx: Ctx) -> Reply:
        scope = self._command_scope(ctx)
        return ok([self.emu.payloads.command(c) for c in self._scoped(scope)])

    def overwrite_commands(self, ctx: Ctx) -> Reply:
        scope = self._command_scope(ctx)
        body = ctx.body if isinstance(ctx.body, list) else None
        if body is None:
            raise single_form_error((), "BASE_TYPE_ARRAY", "Must be an array.")
        errors = V.FormErrors()
        seen: set[tuple[str, int]] = set()
        for i, cmd in enumerate(body):
            V.check_command(cmd, errors, (i,))
            if isinstance(cmd, dict):
                key = (str(cmd.get("name")), int(cmd.get("type") or 1))
                if key in seen:
                    errors.add(
                        (i, "name"),
                        "APPLICATION_COMMANDS_DUPLICATE_NAME",
                        f"Application command names must be unique ({key[0]})",
                    )
                seen.add(key)
        if sum(1 for c in body if isinstance(c, dict) and int(c.get("type") or 1) == 1) > 100:
            errors.too_long((), 100)
        if errors:
            log.info("sandbox: rejecting command overwrite: %s", errors.summary())
            raise form_error(errors)
        current = {(c.name, c.type): c for c in self._scoped(scope)}
        result: list[AppCommand] = []
        for cmd_body in body:
            key = (cmd_body["name"], int(cmd_body.get("type") or 1))
            result.append(self._command_from(cmd_body, scope, current.pop(key, None)))
        for stale in current.values():
            del self.emu.commands[stale.id]
        for cmd in result:
            self.emu.commands[cmd.id] = cmd
        log.info("sandbox: %d command(s) registered %s", len(result), f"in guild {scope}" if scope else "globally")
        self.emu._changed()
        return ok([self.emu.payloads.command(c) for c in result])

    def create_command(self, ctx: Ctx) -> Reply:
        scope = self._command_scope(ctx)
        body = ctx.json_object()
        errors = V.FormErrors()
        V.check_command(body, errors, ())
        if errors:
            raise form_error(errors)
        key = (body["name"], int(body.get("type") or 1))
        existing = next((c for c in self._scoped(scope) if (c.name, c.type) == key), None)
        cmd = self._command_from(body, scope, existing)
        self.emu.commands[cmd.id] = cmd
        self.emu._changed()
        return ok(self.emu.payloads.command(cmd), 200 if existing else 201)

    def _command(self, ctx: Ctx) -> AppCommand:
        scope = self._command_scope(ctx)
        cmd = self.emu.commands.get(ctx.snowflake("command_id"))
        if cmd is None or cmd.guild_id != scope:
            raise error(10063)
        return cmd

    def get_command(self, ctx: Ctx) -> Reply:
        return ok(self.emu.payloads.command(self._command(ctx)))

    def edit_command(self, ctx: Ctx) -> Reply:
        cmd = self._command(ctx)
        merged = self.emu.payloads.command(cmd)
        merged.update(ctx.json_object())
        errors = V.FormErrors()
        V.check_command(merged, errors, ())
        if errors:
            raise form_error(errors)
        self._command_from(merged, cmd.guild_id, cmd)
        self.emu._changed()
        return ok(self.emu.payloads.command(cmd))

    def delete_command(self, ctx: Ctx) -> Reply:
        cmd = self._command(ctx)
        del self.emu.commands[cmd.id]
        self.emu._changed()
        return no_content()

    # ==========================================================================================
    # interactions
    # ==========================================================================================

    def interaction_callback(self, ctx: Ctx) -> Reply:
        emu = self.emu
        ix = emu.interactions.get(ctx.snowflake("interaction_id"))
        if ix is None or ix.token != ctx.params["interaction_token"]:
            raise error(10062)
        try:
            return self._answer(ix, ctx)
        except HTTPError as exc:
            ix.rejected.append((exc.status, exc.body()))
            raise

    def _answer(self, ix: EmulatedInteraction, ctx: Ctx) -> Reply:
        emu = self.emu
        if ix.responded:
            log.info("sandbox: %s answered twice", ix.describe())
            raise error(40060)
        age = emu.now() - ix.created_at
        if age > emu.interaction_deadline:
            log.info("sandbox: %s answered after %.2fs (limit %.1fs)", ix.describe(), age, emu.interaction_deadline)
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
            files = self._attachments(ctx)
            msg_body = dict(data or {})
            self._check_message_body(msg_body, creating=False, under="data")
            if kind == CHANNEL_MESSAGE and V.is_empty_message({**msg_body, "files": files}):
                raise error(50006)
        if kind == CHANNEL_MESSAGE:
            flags = emu.payloads.flags_of(data or {})
            msg = emu._create_message(
                ix.channel,
                emu.bot_user,
                content=(data or {}).get("content") or "",
                embeds=(data or {}).get("embeds"),
                components=(data or {}).get("components"),
                flags=flags,
                tts=bool((data or {}).get("tts")),
                attachments=self._attachments(ctx),
                type=20 if ix.type == APPLICATION_COMMAND else 0,
                webhook_id=emu.application_id,
                interaction=ix,
            )
            ix.original_id = msg.id
            response.ephemeral = msg.ephemeral
            response.message_id = msg.id
        elif kind == DEFERRED_CHANNEL_MESSAGE:
            flags = emu.payloads.flags_of(data or {}) & int(MessageFlags.EPHEMERAL)
            msg = emu._create_message(
                ix.channel,
                emu.bot_user,
                flags=flags | int(MessageFlags.LOADING),
                type=20 if ix.type == APPLICATION_COMMAND else 0,
                webhook_id=emu.application_id,
                interaction=ix,
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
                emu._edit_message(target, dict(data or {}))
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
        ix.responded_at = emu.now()
        emu._changed()
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
            msg = self.emu.messages[response.message_id]
            out["resource"] = {"type": response.type, "message": self.emu.payloads.message(msg)}
        return out

    def _webhook_interaction(self, ctx: Ctx) -> EmulatedInteraction:
        emu = self.emu
        ix = emu._by_token.get(ctx.params["webhook_token"])
        if ctx.snowflake("webhook_id") != emu.application_id:
            raise error(10015)
        if ix is None:
            raise error(50027)
        if emu.now() - ix.created_at > emu.token_lifetime:
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
        msg = self.emu.messages.get(msg_id) if msg_id is not None else None
        if msg is None or msg.deleted:
            raise error(10008)
        return msg

    def followup(self, ctx: Ctx) -> Reply:
        emu = self.emu
        ix = self._webhook_interaction(ctx)
        body = ctx.json_object()
        files = self._attachments(ctx)
        self._check_message_body({**body, "files": files} if files else body, creating=True)
        original = emu.messages.get(ix.original_id) if ix.original_id else None
        if original is not None and original.loading and not original.deleted:
            # The first followup after a "thinking" deferral replaces the loading message.
            original.flags &= ~int(MessageFlags.LOADING)
            if files:
                original.attachments = files
            msg = emu._edit_message(original, body)
        else:
            channel = ix.channel
            if "thread_id" in ctx.query:
                channel = emu.channels.get(int(ctx.query["thread_id"])) or channel
            msg = emu._create_message(
                channel,
                emu.bot_user,
                content=body.get("content") or "",
                embeds=body.get("embeds"),
                components=body.get("components"),
                flags=emu.payloads.flags_of(body),
                tts=bool(body.get("tts")),
                attachments=files,
                webhook_id=emu.application_id,
                interaction=ix,
            )
        ix.followup_ids.append(msg.id)
        emu._changed()
        if not ctx.flag("wait"):
            return no_content()
        return ok(emu.payloads.message(msg))

    def get_webhook_message(self, ctx: Ctx) -> Reply:
        ix = self._webhook_interaction(ctx)
        return ok(self.emu.payloads.message(self._webhook_target(ix, ctx)))

    def edit_webhook_message(self, ctx: Ctx) -> Reply:
        ix = self._webhook_interaction(ctx)
        msg = self._webhook_target(ix, ctx)
        body = ctx.json_object()
        self._check_message_body(body, creating=False)
        was_loading = msg.loading
        msg.flags &= ~int(MessageFlags.LOADING)
        files = self._attachments(ctx)
        if files:
            msg.attachments = msg.attachments + files
        if not was_loading:
            self._check_not_emptied(msg, body)
        return ok(self.emu.payloads.message(self.emu._edit_message(msg, body)))

    def delete_webhook_message(self, ctx: Ctx) -> Reply:
        ix = self._webhook_interaction(ctx)
        self.emu._delete_message(self._webhook_target(ix, ctx))
        return no_content()


# ==============================================================================================
# module helpers
# ==============================================================================================


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


def _strip_nulls(value: Any) -> Any:
    """Commands are stored as Discord echoes them: keys with null values are left out."""
    if isinstance(value, dict):
        return {k: _strip_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_strip_nulls(v) for v in value]
    return value


async def _read_body(request: web.Request) -> tuple[Any, list[dict[str, Any]]]:
    """The JSON body (or multipart ``payload_json``) and any uploaded files."""
    files: list[dict[str, Any]] = []
    if not request.can_read_body:
        return None, files
    ctype = request.content_type
    if ctype.startswith("multipart/"):
        body: Any = None
        reader = await request.multipart()
        async for part in reader:
            # discord.py sends flat forms: "payload_json" plus one part per file.
            if not isinstance(part, BodyPartReader):
                continue
            if part.name == "payload_json":
                body = json.loads(await part.text())
            elif part.filename:
                data = await part.read()
                files.append(
                    {
                        "field": part.name,
                        "filename": part.filename,
                        "data": bytes(data),
                        "content_type": part.headers.get("Content-Type"),
                    }
                )
        return body, files
    raw = await request.read()
    if not raw:
        return None, files
    try:
        return json.loads(raw), files
    except ValueError:
        raise error(50109) from None


def _fault_reply(fault: Fault) -> tuple[int, dict[str, Any], dict[str, str]]:
    if fault.status == 429:
        body = {"message": "You are being rate limited.", "retry_after": fault.retry_after, "global": fault.is_global}
        if fault.is_global:
            body["code"] = 0
        headers = {
            # discord.py treats a 429 without Via as a Cloudflare ban and gives up.
            "Via": "1.1 google",
            "Retry-After": str(max(1, round(fault.retry_after))),
            "X-RateLimit-Scope": "global" if fault.is_global else "user",
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset-After": f"{fault.retry_after:.3f}",
            "X-RateLimit-Bucket": "sandbox-fault",
        }
        if fault.is_global:
            headers["X-RateLimit-Global"] = "true"
        return 429, body, headers
    messages = {
        500: "500: Internal Server Error",
        502: "502: Bad Gateway",
        503: "503: Service Unavailable",
        504: "504: Gateway Timeout",
    }
    return fault.status, {"message": messages[fault.status], "code": 0}, {}


def _json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> web.Response:
    out_headers = dict(headers or {})
    if status == 204 or body is None:
        return web.Response(status=204 if body is None and status < 300 else status, headers=out_headers)
    # discord.py only parses JSON when Content-Type is exactly "application/json" (no charset).
    out_headers["Content-Type"] = "application/json"
    return web.Response(status=status, body=json.dumps(body).encode(), headers=out_headers)


def _short_error(body: Any) -> str:
    if isinstance(body, dict):
        text = f"{body.get('code')} {body.get('message')}"
        if body.get("errors"):
            text += f" {json.dumps(body['errors'])[:300]}"
        return text
    return str(body)[:200]
