"""The JSON API under ``/api/v1/``: the same catalogue as the pages, as JokeAPI-like endpoints."""

from __future__ import annotations

import json
from typing import cast

from aiohttp import web

from bot.models import Kind
from bot.services.catalog import MAX_AMOUNT, CatalogService, NotFound
from web import params
from web.openapi import openapi_document
from web.present import item_json, page_json, tag_json
from web.shared import KIND_TYPES, VIEW_PARAMS, api_view, page_number, random_type, top_params


class Api:
    def __init__(self, catalog: CatalogService) -> None:
        self.catalog = catalog
        self.openapi = json.dumps(openapi_document()).encode()

    async def random(self, request: web.Request) -> web.StreamResponse:
        params.only(request.query, ("type", "category", "mood", "amount", *VIEW_PARAMS))
        view = api_view(request)
        kind, shape = random_type(request)
        amount = params.integer(request.query, "amount", default=1, low=1, high=MAX_AMOUNT)
        entries = await self.catalog.random(view, kind=kind, shape=shape, amount=amount,
                                            category=params.name(request.query, "category"),
                                            mood=params.name(request.query, "mood"))
        if not entries:
            raise NotFound("Nothing matches those filters.")
        return web.json_response({"amount": len(entries), "items": [item_json(e, self.catalog) for e in entries]},
                                 headers={"Cache-Control": "no-store"})

    async def search(self, request: web.Request) -> web.StreamResponse:
        params.only(request.query, ("q", "type", "page", *VIEW_PARAMS))
        view = api_view(request)
        kind = cast(Kind | None, params.choice(request.query, "type", KIND_TYPES, None))
        words = params.text(request.query, "q", required=True)
        assert words is not None
        page = await self.catalog.search(words, view, kind=kind, page=page_number(request))
        return web.json_response(page_json(page, self.catalog, query=words, kind=kind))

    async def item(self, request: web.Request) -> web.StreamResponse:
        params.only(request.query, VIEW_PARAMS)
        entry = await self.catalog.item(int(request.match_info["id"]), api_view(request))
        return web.json_response(item_json(entry, self.catalog))

    async def top(self, request: web.Request) -> web.StreamResponse:
        params.only(request.query, ("type", "period", "page", *VIEW_PARAMS))
        view = api_view(request)
        kind, period, number = top_params(request)
        page = await self.catalog.top(kind, view, period=period, page=number)
        return web.json_response(page_json(page, self.catalog, kind=kind, period=period))

    async def categories(self, request: web.Request) -> web.StreamResponse:
        params.only(request.query, ("type", *VIEW_PARAMS))
        kind = params.choice(request.query, "type", KIND_TYPES, None)
        tags = await self.catalog.categories(api_view(request))
        return web.json_response({"categories": [tag_json(t) for t in tags if kind is None or t.kind == kind]})

    async def openapi_json(self, request: web.Request) -> web.StreamResponse:
        return web.Response(body=self.openapi, content_type="application/json")

    async def preflight(self, request: web.Request) -> web.StreamResponse:
        """A browser asking whether a page elsewhere may read the API: it may, with GET."""
        return web.Response(status=204, headers={
            "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
            "Access-Control-Allow-Headers": "Accept, Content-Type",
            "Access-Control-Max-Age": "86400",
        })
