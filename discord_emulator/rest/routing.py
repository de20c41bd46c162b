"""Routes of the REST API: templates like ``/channels/{channel_id}``, and the request a handler gets."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .errors import single_form_error

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
    authorization: str | None = None  # the Authorization header, for the routes a Bearer token may call

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
class Route:
    method: str
    template: str
    regex: re.Pattern[str]
    handler: Handler
    auth: bool
    bearer: bool  # a member's OAuth2 Bearer token may call it too
    literal: int  # literal path segments: the more, the more specific
    in_spec: bool = True  # described by Discord's OpenAPI document (its answers are checked against it)


class Router:
    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(self, method: str, template: str, handler: Handler, *, auth: bool = True, bearer: bool = False,
            in_spec: bool = True) -> None:
        parts = re.split(r"(\{[^}]+\})", template)
        pattern = "".join(f"(?P<{p[1:-1]}>[^/]+)" if p.startswith("{") else re.escape(p) for p in parts)
        literal = sum(1 for seg in template.split("/") if seg and not seg.startswith("{"))
        self.routes.append(Route(method, template, re.compile(f"^{pattern}$"), handler, auth, bearer, literal, in_spec))
        # "/users/@me" must win over "/users/{user_id}".
        self.routes.sort(key=lambda r: -r.literal)

    def match(self, method: str, path: str) -> tuple[Route | None, dict[str, str], bool]:
        """The route, its parameters, and whether any route has this path (405 rather than 404)."""
        path_known = False
        for route in self.routes:
            m = route.regex.match(path)
            if m is None:
                continue
            path_known = True
            if route.method == method:
                return route, m.groupdict(), True
        return None, {}, path_known


def ok(body: Any, status: int = 200) -> Reply:
    return status, body


def no_content() -> Reply:
    return 204, None
