"""The routes of a server's own page and of the moderators' dashboard (the public pages and the
API are routed in :func:`web.app.create_app`)."""

from __future__ import annotations

from aiohttp import web

from bot.services.catalog import CatalogService
from web.dashboard import CASE_ACTIONS, Dashboard
from web.dashboard_library import LibraryPages
from web.login import DiscordOAuth, Login
from web.moderators import DashboardParts, Gate
from web.servers import ServerPages
from web.sessions import Sessions
from web.shared import Meta, SitePages, see_other

GUILD = "{guild:[0-9]{1,19}}"
KINDS = "{kinds:jokes|discussions}"
ID = "{id:[0-9]{1,18}}"


def add_server_pages(app: web.Application, site: SitePages, catalog: CatalogService) -> None:
    pages = ServerPages(site, catalog)
    app.router.add_get(f"/servers/{GUILD}", pages.listing)
    app.router.add_get(f"/servers/{GUILD}/{KINDS}", pages.listing)
    app.router.add_get(f"/servers/{GUILD}/{KINDS}/{ID}", pages.item)


def add_dashboard(app: web.Application, site: SitePages, parts: DashboardParts | None,
                  catalog: CatalogService) -> None:
    """The dashboard's routes; with no configuration only its front page, which says it is off."""
    config = parts.config if parts is not None else None
    if parts is None or config is None:
        async def off(request: web.Request) -> web.StreamResponse:
            return site.render(request, "dashboard/off.html", {"session": None, "visit": None, "server": None,
                                                                "note": None, "problem": None, "csrf": ""},
                               lambda: {"dashboard": "off"}, meta=Meta("Dashboard · Banter"))

        async def to_off(request: web.Request) -> web.StreamResponse:
            return see_other("/dashboard")

        app.router.add_get("/dashboard", off)
        app.router.add_get("/login", to_off)
        return
    https = (catalog.public_url or "").startswith("https://")
    sessions = Sessions(config.session_secret, catalog.clock.now, secure=https)
    gate = Gate(parts, sessions)
    dashboard = Dashboard(site, parts, gate)
    oauth = DiscordOAuth(config)
    login = Login(oauth, sessions, parts.link, catalog.public_url)

    async def close_client(app: web.Application) -> None:
        await oauth.close()

    app.on_cleanup.append(close_client)
    app.router.add_get("/login", login.start)
    app.router.add_get("/login/callback", login.callback)
    app.router.add_post("/logout", login.logout)
    app.router.add_get("/dashboard", dashboard.index)
    base = f"/dashboard/{GUILD}"
    app.router.add_get(base, dashboard.queue)
    actions = "|".join(CASE_ACTIONS)
    app.router.add_post(f"{base}/cases/{{case:[0-9]{{1,18}}}}/{{action:{actions}}}", dashboard.case_action)
    app.router.add_get(f"{base}/cases/{{case:[0-9]{{1,18}}}}/edit", dashboard.case_form)
    app.router.add_get(f"{base}/audit", dashboard.audit)
    app.router.add_get(f"{base}/settings", dashboard.settings)
    app.router.add_post(f"{base}/settings", dashboard.save_settings)
    library = LibraryPages(dashboard)
    app.router.add_get(f"{base}/library", library.search)
    app.router.add_get(f"{base}/library/{ID}", library.item)
    app.router.add_get(f"{base}/library/{ID}/edit", library.edit_form)
    app.router.add_post(f"{base}/library/{ID}/{{action:edit|remove|restore|flag}}", library.act)
    app.router.add_get(f"{base}/daily", library.daily)
