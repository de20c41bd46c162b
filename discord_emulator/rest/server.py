"""The emulated REST API (``/api/v10``): routing, auth, faults and validation around the handlers.

Every request goes through :meth:`RestAPI.handle`, which logs it in ``traffic.requests``, checks
the bot token, applies injected faults, validates JSON bodies against the OpenAPI spec, runs the
handler and validates the answer.  Handlers (one module per resource) raise
:class:`~discord_emulator.rest.errors.HTTPError` for Discord's error answers and never touch
the network.  Unknown routes get a 404 and a warning naming the route, so gaps are visible.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import BodyPartReader, web

from ..events import Events
from ..openapi import OpenAPIValidator
from ..payloads import Payloads
from ..traffic import Fault, RequestRecord
from ..world import World
from .channels import Channels
from .commands import Commands
from .errors import HTTPError, error
from .guilds import Guilds
from .interactions import Interactions
from .messages import Messages
from .oauth import OAuth2
from .routing import Ctx, Route, Router
from .users import Users
from .webhooks import Webhooks

log = logging.getLogger(__name__)

RESOURCES = (Users, Channels, Messages, Guilds, Commands, Interactions, Webhooks, OAuth2)


class RestAPI:
    def __init__(self, world: World, payloads: Payloads, events: Events, validator: OpenAPIValidator) -> None:
        self.world = world
        self.validator = validator
        self.router = Router()
        for resource in RESOURCES:
            resource(world, payloads, events).routes(self.router)

    async def handle_unknown(self, request: web.Request) -> web.StreamResponse:
        what = f"{request.method} {request.path}"
        log.warning("sandbox: no such endpoint %s (the emulator only serves /api/v10)", what)
        self.world.traffic.unhandled.append(what)
        return _json_response(404, {"message": "404: Not Found", "code": 0})

    async def handle(self, request: web.Request) -> web.StreamResponse:
        world = self.world
        path = "/" + request.match_info["tail"]
        method = request.method
        query = {k: v for k, v in request.query.items()}
        record = RequestRecord(method=method, path=path, query=query, json=None, at=world.now(),
                               user_agent=request.headers.get("User-Agent", ""))
        headers: dict[str, str] = {}
        route: Route | None = None
        validate_answer = False
        try:
            body, files = await _read_body(request)
            record.json = body
            route, params, path_known = self.router.match(method, path)
            fault = world.traffic.take_fault(method, path)
            if fault is not None:
                status, answer, headers = _fault_reply(fault)
                log.info("sandbox: injected %s for %s %s (%d/%d)", fault.status, method, path, fault.hits, fault.times)
            elif route is None:
                status = 405 if path_known else 404
                answer = {"message": "405: Method Not Allowed" if path_known else "404: Not Found", "code": 0}
                log.warning(
                    "sandbox: unhandled route %s %s -> %s (add a handler in discord_emulator)", method, path, status
                )
                world.traffic.unhandled.append(f"{method} {path}")
            else:
                if body is not None and not _is_form(request):
                    self.validator.check_request(method, path, body)
                authorization = request.headers.get("Authorization")
                if route.auth and authorization != f"Bot {world.settings.token}" and not (
                        route.bearer and world.oauth.bearer(authorization) is not None):
                    raise HTTPError(401, 0, "401: Unauthorized")
                validate_answer = route.in_spec
                status, answer = route.handler(Ctx(method, path, params, query, body, files, authorization))
        except HTTPError as exc:
            status, answer = exc.status, exc.body()
        except Exception:  # a bug in the emulator must show up as a failing request, not a hang
            log.exception("sandbox: handler crashed for %s %s", method, path)
            status, answer = 500, {"message": "500: Internal Server Error (sandbox bug)", "code": 0}
            validate_answer = False
        if validate_answer and answer is not None:
            self.validator.check_response(method, path, status, answer)
        record.status, record.response = status, answer
        world.traffic.requests.append(record)
        if status >= 400 and status != 429:
            log.info("sandbox: %s %s -> %s %s", method, path, status, _short_error(answer))
        world.changed()
        return _json_response(status, answer, headers)



async def _read_body(request: web.Request) -> tuple[Any, list[dict[str, Any]]]:
    """The JSON body (or multipart ``payload_json``) and any uploaded files."""
    files: list[dict[str, Any]] = []
    if not request.can_read_body:
        return None, files
    ctype = request.content_type
    if _is_form(request):
        # OAuth2's token endpoint takes a form, as Discord's does.
        return {key: value for key, value in (await request.post()).items() if isinstance(value, str)}, files
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


def _is_form(request: web.Request) -> bool:
    return request.content_type == "application/x-www-form-urlencoded"


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
