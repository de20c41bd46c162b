"""What the site's handlers share: its constants, the keys requests carry between the middleware
and the handlers, content negotiation, and the small records a page is rendered from."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any, Protocol, cast

from aiohttp import web
from msgspec import Struct, field

from bot.models import Kind
from bot.records import Shape
from bot.services.catalog import MAX_PAGE, CatalogService, Page, Period, View
from web import params
from web.ratelimit import RateLimiter

HERE = Path(__file__).resolve().parent
SAFE_COOKIE = "banter_safe"
SAFE_COOKIE_AGE = 365 * 24 * 3600
KINDS_BY_PATH: dict[str, Kind] = {"jokes": "joke", "discussions": "discussion"}
PERIOD_NAMES: dict[str, str] = {"week": "this week", "month": "this month", "all": "all time"}
KIND_TYPES = ("joke", "discussion")
RANDOM_TYPES = ("joke", "discussion", "single", "twopart")
# Parameters every API endpoint takes: JokeAPI's way of leaving flagged content out.
VIEW_PARAMS = ("safe", "blacklistFlags")
# Answers different every time, which the page cache need not even look for.
NEVER_KEPT = frozenset({"/random", "/api/v1/random"})
# What a page says about itself in link previews when it has nothing better.
SITE_DESCRIPTION = "Jokes, discussion topics and the best of the week, from the Banter Discord bot."
# Content-Security-Policy: the pages need no script at all, and take style only from here.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; "
                               "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}

# Pages for one visitor alone (the dashboard, logging in and out): never kept, never cached.
PRIVATE_PREFIXES = ("/dashboard", "/login", "/logout")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
CATALOG: web.AppKey[CatalogService] = web.AppKey("catalog", CatalogService)
LIMITER: web.AppKey[RateLimiter] = web.AppKey("limiter", RateLimiter)
# What the middleware and the handlers tell one another about a request.
AS_JSON = web.RequestKey("as_json", bool)
VIEW = web.RequestKey("view", View)
REMEMBER_SAFE = web.RequestKey("remember_safe", bool)


class Refused(Exception):
    """A request that is answered with an error page: ``status`` and a sentence saying why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def see_other(location: str) -> web.Response:
    """A 303: the browser goes to ``location`` (a path of this site, or Discord's login) with a GET."""
    return web.Response(status=303, headers={"Location": location})


class Renderer(Protocol):
    """What the dashboard's handlers need of the site: its pages, in its layout."""

    def render(self, request: web.Request, template: str, context: Mapping[str, Any], data: Callable[[], Any], *,
               meta: Meta, status: int = 200) -> web.StreamResponse: ...


class SitePages(Renderer, Protocol):
    """What a public page needs of the site besides rendering: the visitor's view and paging."""

    def view(self, request: web.Request) -> View: ...

    def pager(self, request: web.Request, page: Page[Any]) -> Pager: ...


def wants_json(request: web.Request) -> bool:
    """Whether the client prefers JSON to HTML (by the Accept header's q-values; HTML on a tie)."""
    best = {"json": 0.0, "html": 0.0}
    for part in request.headers.get("Accept", "").split(","):
        media, *options = (piece.strip() for piece in part.split(";"))
        q = 1.0
        for option in options:
            key, _, value = option.partition("=")
            if key.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media == "application/json":
            best["json"] = max(best["json"], q)
        elif media in ("text/html", "application/xhtml+xml"):
            best["html"] = max(best["html"], q)
    return best["json"] > best["html"]


class Pager(Struct):
    number: int
    pages: int
    previous: str | None
    next: str | None


class Meta(Struct):
    """What the page says about itself: its title and its link preview."""

    title: str
    description: str = SITE_DESCRIPTION
    og_type: str = "website"
    extra: dict[str, str] = field(default_factory=dict)


def shorten(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def api_view(request: web.Request) -> View:
    """What an API request asked to see: safe mode unless ``safe=false``, less the flags it names."""
    safe = params.boolean(request.query, "safe")
    return View(safe=True if safe is None else safe, exclude=params.flags(request.query, "blacklistFlags"))


def page_number(request: web.Request) -> int:
    return params.integer(request.query, "page", default=1, low=1, high=MAX_PAGE)


def random_type(request: web.Request) -> tuple[Kind, Shape | None]:
    chosen = params.choice(request.query, "type", RANDOM_TYPES, "joke")
    if chosen in ("single", "twopart"):
        return "joke", cast(Shape, chosen)
    return cast(Kind, chosen), None


def top_params(request: web.Request) -> tuple[Kind, Period, int]:
    kind = cast(Kind, params.choice(request.query, "type", KIND_TYPES, "joke"))
    period = cast(Period, params.choice(request.query, "period", tuple(PERIOD_NAMES), "week"))
    return kind, period, page_number(request)
