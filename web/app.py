"""The aiohttp application: routes, handlers and the middleware around them.

Every page answers HTML, or JSON when the request prefers ``application/json``; ``/api/v1/``
always answers JSON. Handlers read their parameters first (a bad one is a 400 that changes
nothing), call the catalogue service and render what it returns.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, cast
from urllib.parse import urlencode

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.errors import UserError
from bot.models import Kind
from bot.services.bot_link import BotAway
from bot.services.catalog import CatalogService, Entry, NotFound, Page, View
from web import params
from web.api import Api
from web.moderators import DashboardParts
from web.pagecache import PageCache
from web.params import BadRequest
from web.present import error_json, item_json, page_json, tag_json
from web.ratelimit import RateLimiter
from web.routes import add_dashboard, add_server_pages
from web.shared import (
    AS_JSON,
    CATALOG,
    HERE,
    KIND_TYPES,
    KINDS_BY_PATH,
    LIMITER,
    NEVER_KEPT,
    PERIOD_NAMES,
    PRIVATE_PREFIXES,
    REMEMBER_SAFE,
    SAFE_COOKIE,
    SAFE_COOKIE_AGE,
    SECURITY_HEADERS,
    SITE_DESCRIPTION,
    VIEW,
    Handler,
    Meta,
    Pager,
    Refused,
    page_number,
    random_type,
    shorten,
    top_params,
    wants_json,
)

log = logging.getLogger(__name__)

class Site:
    def __init__(self, catalog: CatalogService, css: bytes, pages: PageCache | None) -> None:
        self.catalog = catalog
        self.pages = pages
        self.css = css
        self.css_url = f"/static/site.css?v={hashlib.sha256(css).hexdigest()[:12]}"

    # --- what every handler shares -------------------------------------------------------------

    def page_view(self, request: web.Request) -> View:
        """Safe mode from the query (which the page then remembers in a cookie), else the cookie,
        else on; flags to leave out besides, as the API takes them."""
        asked = params.boolean(request.query, "safe")
        if asked is not None:
            request[REMEMBER_SAFE] = asked
            safe = asked
        else:
            safe = request.cookies.get(SAFE_COOKIE) != "off"
        return View(safe=safe, exclude=params.flags(request.query, "blacklistFlags"))

    @staticmethod
    def pager(request: web.Request, page: Page[Any]) -> Pager:
        def link(number: int) -> str:
            query = {k: v for k, v in request.query.items() if k not in ("page", "safe")}
            if number > 1:
                query["page"] = str(number)
            return f"{request.path}?{urlencode(query)}" if query else request.path

        return Pager(page.number, page.pages, link(page.number - 1) if page.has_previous else None,
                     link(page.number + 1) if page.has_next else None)

    def absolute(self, path: str) -> str | None:
        return f"{self.catalog.public_url}{path}" if self.catalog.public_url else None

    def render(self, request: web.Request, template: str, context: Mapping[str, Any], data: Callable[[], Any], *,
               meta: Meta, status: int = 200) -> web.StreamResponse:
        """The page from ``template``, or ``data()`` as JSON when that is what was asked for."""
        if request.get(AS_JSON):
            return web.json_response(data(), status=status)
        view = request.get(VIEW, View())
        toggle = [(k, v) for k, v in request.query.items() if k != "safe"]
        base = {
            "meta": meta,
            "canonical": self.absolute(request.path_qs),
            "css_url": self.css_url,
            "safe": view.safe,
            "toggle_fields": toggle,
            "toggle_to": "off" if view.safe else "on",
            "path": request.path,
            "search_text": request.query.get("q", "") if request.path == "/search" else "",
            "entry_path": self.catalog.path,
            "server_page": None,
        }
        return aiohttp_jinja2.render_template(template, request, {**base, **context}, status=status)

    def view(self, request: web.Request) -> View:
        view = self.page_view(request)
        request[VIEW] = view
        return view

    # --- pages -----------------------------------------------------------------------------------

    async def home(self, request: web.Request) -> web.StreamResponse:
        view = self.view(request)
        home = await self.catalog.home(view)
        entries = [home.joke_of_the_day, home.discussion_of_the_day]
        def data() -> dict[str, Any]:
            return {
                "day": home.day.isoformat(),
                "joke_of_the_day": item_json(home.joke_of_the_day, self.catalog) if home.joke_of_the_day else None,
                "discussion_of_the_day": (item_json(home.discussion_of_the_day, self.catalog)
                                          if home.discussion_of_the_day else None),
                "top_week": [item_json(e, self.catalog) for e in home.top_week],
                "categories": [tag_json(t) for t in home.categories],
                "moods": [tag_json(t) for t in home.moods],
            }

        joke = home.joke_of_the_day
        meta = Meta("Banter: jokes and discussions",
                    f"Joke of the day: {shorten(joke.item.title)}" if joke else SITE_DESCRIPTION)
        return self.render(request, "home.html", {"home": home, "moods": self.catalog.moods,
                                                  "of_the_day": [e for e in entries if e]}, data, meta=meta)

    async def browse(self, request: web.Request) -> web.StreamResponse:
        kind = KINDS_BY_PATH[request.match_info["kinds"]]
        view = self.view(request)
        category, mood = params.name(request.query, "category"), params.name(request.query, "mood")
        page = await self.catalog.browse(kind, view, category=category, mood=mood, page=page_number(request))
        plural = "Jokes" if kind == "joke" else "Discussions"
        heading = plural + (f" in {category}" if category else f" for a {mood} mood" if mood else "")
        data = partial(page_json, page, self.catalog, kind=kind, category=category, mood=mood)
        return self.render(request, "list.html", {"heading": heading, "page": page,
                                                  "pager": self.pager(request, page)},
                           data, meta=Meta(f"{heading} · Banter"))

    async def item(self, request: web.Request) -> web.StreamResponse:
        kind = KINDS_BY_PATH[request.match_info["kinds"]]
        view = self.view(request)
        entry = await self.catalog.item(int(request.match_info["id"]), view, kind=kind)
        return self.item_page(request, entry)

    def item_page(self, request: web.Request, entry: Entry, *, random_link: str | None = None) -> web.StreamResponse:
        item = entry.item
        label = "Joke" if item.kind == "joke" else "Discussion"
        description = (shorten(getattr(item.body, "question", "")) if item.kind == "discussion"
                       else "Tap to read the punchline." if entry.shape == "twopart" else shorten(item.title))
        meta = Meta(f"{shorten(item.title, 90)} · {label} #{item.id} · Banter", description, "article")
        return self.render(request, "item.html", {"entry": entry, "label": label, "random_link": random_link},
                           partial(item_json, entry, self.catalog), meta=meta)

    async def random(self, request: web.Request) -> web.StreamResponse:
        view = self.view(request)
        kind, shape = random_type(request)
        entries = await self.catalog.random(view, kind=kind, shape=shape,
                                            category=params.name(request.query, "category"),
                                            mood=params.name(request.query, "mood"))
        if not entries:
            raise NotFound("Nothing matches those filters here.")
        response = self.item_page(request, entries[0], random_link=request.path_qs)
        response.headers["Cache-Control"] = "no-store"
        return response

    async def search(self, request: web.Request) -> web.StreamResponse:
        view = self.view(request)
        kind = cast(Kind | None, params.choice(request.query, "type", KIND_TYPES, None))
        number = page_number(request)
        words = params.text(request.query, "q", required=bool(request.get(AS_JSON)))
        if words is None:
            return self.render(request, "search.html", {"page": None, "words": None, "kind": kind}, dict,
                               meta=Meta("Search · Banter"))
        page = await self.catalog.search(words, view, kind=kind, page=number)
        data = partial(page_json, page, self.catalog, query=words, kind=kind)
        return self.render(request, "search.html", {"page": page, "words": words, "kind": kind,
                                                    "pager": self.pager(request, page)},
                           data, meta=Meta(f"Search: {shorten(words, 60)} · Banter"))

    async def top(self, request: web.Request) -> web.StreamResponse:
        view = self.view(request)
        kind, period, number = top_params(request)
        page = await self.catalog.top(kind, view, period=period, page=number)
        heading = f"Top {'jokes' if kind == 'joke' else 'discussions'}, {PERIOD_NAMES[period]}"
        data = partial(page_json, page, self.catalog, kind=kind, period=period)
        return self.render(request, "top.html", {"heading": heading, "page": page, "kind": kind, "period": period,
                                                 "periods": PERIOD_NAMES, "pager": self.pager(request, page)},
                           data, meta=Meta(f"{heading} · Banter"))

    async def categories(self, request: web.Request) -> web.StreamResponse:
        view = self.view(request)
        categories = await self.catalog.categories(view)
        moods = await self.catalog.mood_counts(view)
        def data() -> dict[str, Any]:
            return {"categories": [tag_json(t) for t in categories], "moods": [tag_json(t) for t in moods]}

        return self.render(request, "categories.html", {"categories": categories, "mood_counts": moods,
                                                        "moods": self.catalog.moods},
                           data, meta=Meta("Categories and moods · Banter"))

    async def stylesheet(self, request: web.Request) -> web.StreamResponse:
        return web.Response(body=self.css, content_type="text/css",
                            headers={"Cache-Control": "public, max-age=31536000, immutable"})

    # --- middleware ------------------------------------------------------------------------------

    def error(self, request: web.Request, status: int, message: str,
              headers: Mapping[str, str] | None = None) -> web.StreamResponse:
        if request.get(AS_JSON):
            response: web.StreamResponse = web.json_response(error_json(status, message), status=status)
        else:
            titles = {400: "That address is not quite right", 403: "Not for you", 404: "Not found",
                      405: "Not allowed", 409: "Someone was quicker", 413: "Too large", 429: "Slow down a little",
                      500: "Something went wrong", 502: "Discord did not answer",
                      503: "The dashboard needs the bot"}
            title = titles.get(status, "Error")
            response = self.render(request, "error.html", {"status": status, "title": title, "message": message},
                                   dict, meta=Meta(f"{title} · Banter", message), status=status)
        if headers:
            response.headers.update(headers)
        return response

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """The rate limit, errors as pages or JSON, and the headers every answer carries (one
        middleware: each one aiohttp runs costs every request a few calls more)."""
        path = request.path
        api = path.startswith("/api/")
        private = path.startswith(PRIVATE_PREFIXES)
        request[AS_JSON] = api or wants_json(request)
        limiter = request.app[LIMITER]
        # The stylesheet is never limited: a page that got through needs it.
        wait = 0.0 if path == "/static/site.css" else limiter.take(request.remote or "unknown")
        if wait:
            response = self.error(request, 429, "Too many requests from your address: wait a moment and try again.",
                                  {"Retry-After": limiter.retry_after(wait)})
        elif self.pages is not None and path not in NEVER_KEPT and "safe" not in request.query and not private:
            # Everything an answer depends on: the address, JSON or not, and the safe mode cookie.
            key = (request.method, request.path_qs, request[AS_JSON], request.cookies.get(SAFE_COOKIE))
            kept = self.pages.get(key)
            if kept is not None:
                return kept
            version_at = self.catalog.version()
            response = await self.handle(request, handler)
            self.add_headers(request, response, api)
            self.pages.put(key, response, version_at)
            return response
        else:
            response = await self.handle(request, handler)
        self.add_headers(request, response, api)
        return response

    def add_headers(self, request: web.Request, response: web.StreamResponse, api: bool) -> None:
        headers = response.headers
        if api or request[AS_JSON]:
            # Data, never a document a browser renders: the page policies have nothing to govern.
            headers["X-Content-Type-Options"] = "nosniff"
            headers["Access-Control-Allow-Origin"] = "*"
        else:
            headers.update(SECURITY_HEADERS)
        if not api and request.path != "/static/site.css":
            headers["Vary"] = "Accept, Cookie"
        if request.path.startswith(PRIVATE_PREFIXES):
            headers["Cache-Control"] = "no-store"
        remembered = request.get(REMEMBER_SAFE)
        if remembered is not None and response.status < 400:
            response.set_cookie(SAFE_COOKIE, "on" if remembered else "off", max_age=SAFE_COOKIE_AGE,
                                path="/", samesite="Lax", httponly=True)

    async def handle(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except BadRequest as exc:
            return self.error(request, 400, str(exc))
        except Refused as exc:
            return self.error(request, exc.status, exc.message)
        except NotFound as exc:
            return self.error(request, 404, str(exc))
        except BotAway as exc:  # the dashboard, with no bot attached to ask who moderates
            return self.error(request, 503, exc.render())
        except UserError as exc:
            return self.error(request, 400, str(exc))
        except web.HTTPException as exc:
            if exc.status < 400:  # a redirect (log in first): answered here, with every answer's headers
                return web.Response(status=exc.status, headers=exc.headers)
            message = {404: "There is no page at this address.",
                       405: "That method is not served at this address."}.get(exc.status, exc.reason)
            allow = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else None
            return self.error(request, exc.status, message, allow)
        except Exception:
            log.exception("web request %s %s failed", request.method, request.path_qs)
            return self.error(request, 500, "Sorry, something went wrong on our side. It has been logged.")


def create_app(catalog: CatalogService, *, limiter: RateLimiter | None = None,
               keep_pages: bool = True, dashboard: DashboardParts | None = None) -> web.Application:
    """The site's application over ``catalog``, with its own rate limiter unless given one;
    ``keep_pages`` serves an answer again for a moment (see :mod:`web.pagecache`); ``dashboard``:
    the services the moderators' dashboard calls (without them, it says it is off)."""
    css = (HERE / "static" / "site.css").read_bytes()
    pages = PageCache(catalog.version, catalog.clock.now) if keep_pages else None
    site = Site(catalog, css, pages)
    app = web.Application(middlewares=[site.middleware])
    app[CATALOG] = catalog
    app[LIMITER] = limiter or RateLimiter()
    env = aiohttp_jinja2.setup(
        app, loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        auto_reload=False,  # read once: a handler never looks at the disk
    )
    # Templates are read and compiled now, so no handler ever reads a file.
    for name in env.list_templates():
        env.get_template(name)
    kinds = "{kinds:jokes|discussions}"
    app.router.add_get("/", site.home)
    app.router.add_get(f"/{kinds}", site.browse)
    app.router.add_get(f"/{kinds}/{{id:[0-9]{{1,18}}}}", site.item)
    app.router.add_get("/random", site.random)
    app.router.add_get("/search", site.search)
    app.router.add_get("/top", site.top)
    app.router.add_get("/categories", site.categories)
    app.router.add_get("/static/site.css", site.stylesheet)
    add_server_pages(app, site, catalog)
    add_dashboard(app, site, dashboard, catalog)
    api = Api(catalog)
    endpoints: dict[str, Handler] = {
        "/api/v1/random": api.random,
        "/api/v1/search": api.search,
        "/api/v1/items/{id:[0-9]{1,18}}": api.item,
        "/api/v1/top": api.top,
        "/api/v1/categories": api.categories,
        "/api/v1/openapi.json": api.openapi_json,
    }
    for path, handler in endpoints.items():
        app.router.add_get(path, handler)
        app.router.add_route("OPTIONS", path, api.preflight)
    return app

