"""A server's own page on the site, ``/servers/<id>``: only where its moderators turned it on
(``/settings public-page``), and only the server's own content, never a global item. A server
that did not opt in, and one that does not exist, get the same 404: nothing says which."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.models import Item
from bot.services.catalog import CatalogService, NotFound
from web.present import item_json, page_json
from web.shared import KINDS_BY_PATH, Meta, SitePages, page_number


def guild_of(request: web.Request) -> int:
    guild_id = int(request.match_info["guild"])
    if guild_id >= 2**63:  # no Discord id is that large, and SQLite could not hold it
        raise NotFound("There is no public page for that server: its moderators have not turned one on.")
    return guild_id


class ServerPages:
    def __init__(self, site: SitePages, catalog: CatalogService) -> None:
        self.site = site
        self.catalog = catalog

    async def listing(self, request: web.Request) -> web.StreamResponse:
        guild_id = guild_of(request)
        kind = KINDS_BY_PATH[request.match_info.get("kinds", "jokes")]
        view = self.site.view(request)
        page = await self.catalog.server_page(guild_id, kind, view, page=page_number(request))
        heading = f"This server's own {'jokes' if kind == 'joke' else 'discussions'}"

        def path(item: Item) -> str:
            return self.catalog.server_path(guild_id, item)

        def data() -> dict[str, Any]:
            listed = page_json(page, self.catalog, kind=kind, server=str(guild_id))
            listed["items"] = [{**item_json(e, self.catalog), "url": path(e.item)} for e in page.entries]
            return listed

        return self.site.render(request, "server.html", {
            "heading": heading, "page": page, "pager": self.site.pager(request, page), "entry_path": path,
            "server_page": f"/servers/{guild_id}", "kind": kind}, data, meta=Meta(f"{heading} · Banter"))

    async def item(self, request: web.Request) -> web.StreamResponse:
        guild_id = guild_of(request)
        kind = KINDS_BY_PATH[request.match_info["kinds"]]
        view = self.site.view(request)
        entry = await self.catalog.server_item(guild_id, int(request.match_info["id"]), view, kind=kind)
        label = "Joke" if kind == "joke" else "Discussion"
        return self.site.render(request, "item.html", {"entry": entry, "label": label, "random_link": None,
                                                       "server_page": f"/servers/{guild_id}"},
                                lambda: {**item_json(entry, self.catalog),
                                         "url": self.catalog.server_path(guild_id, entry.item)},
                                meta=Meta(f"{label} #{entry.item.id} · a server's page · Banter"))
