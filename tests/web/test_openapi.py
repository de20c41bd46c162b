"""/api/v1 answers as its OpenAPI 3.1 document says, checked on the real answers."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.core import Core
from tests.web.support import add_discussion, add_joke, vote
from web.ratelimit import RateLimiter

CALLS = [
    ("/api/v1/random", 200), ("/api/v1/random?type=twopart&amount=10", 200),
    ("/api/v1/random?type=discussion&amount=3&safe=off&blacklistFlags=dark,nsfw", 200),
    ("/api/v1/random?category=space&type=single", 200), ("/api/v1/random?mood=tired", 200),
    ("/api/v1/random?category=nothing-here", 404), ("/api/v1/random?amount=0", 400),
    ("/api/v1/search?q=cat", 200), ("/api/v1/search?q=social&type=discussion&page=1", 200),
    ("/api/v1/search?q=zzzznothing", 200), ("/api/v1/search", 400),
    ("/api/v1/items/5", 200), ("/api/v1/items/{discussion}", 200), ("/api/v1/items/{single}", 200),
    ("/api/v1/items/99999", 404), ("/api/v1/items/5?safe=sometimes", 400),
    ("/api/v1/top", 200), ("/api/v1/top?period=all&type=joke", 200), ("/api/v1/top?type=discussion&period=month", 200),
    ("/api/v1/top?period=decade", 400),
    ("/api/v1/categories", 200), ("/api/v1/categories?type=discussion", 200), ("/api/v1/categories?x=1", 400),
    ("/api/v1/openapi.json", 200),
]


def operation(doc: dict[str, Any], url: str) -> tuple[str, dict[str, Any]]:
    path = url.split("?")[0]
    for template, item in doc["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path):
            return template, item["get"]
    raise AssertionError(f"{path} is not in the document")


def validate(doc: dict[str, Any], schema: dict[str, Any], instance: Any) -> None:
    jsonschema.Draft202012Validator({**schema, "components": doc["components"]}).validate(instance)


async def test_the_document_is_well_formed_and_covers_every_api_route(client: TestClient) -> None:
    doc = await (await client.get("/api/v1/openapi.json")).json()
    assert doc["openapi"].startswith("3.1")
    for schema in doc["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(schema)
    assert isinstance(client.server, TestServer)
    app = client.server.app
    routes = {re.sub(r"\{(\w+):[^}]*\}", r"{\1}", r.resource.canonical) for r in app.router.routes()
              if r.method == "GET" and r.resource is not None and r.resource.canonical.startswith("/api/")}
    assert routes == set(doc["paths"])
    for path, item in doc["paths"].items():
        for parameter in item["get"].get("parameters", []):
            jsonschema.Draft202012Validator.check_schema(parameter["schema"])
            if parameter["in"] == "path":
                assert "{" + parameter["name"] + "}" in path


async def test_every_answer_matches_the_document(client: TestClient, core: Core) -> None:
    single = await add_joke(core, "api-single", text="A one-liner for the schema.")
    topic = await add_discussion(core, "api-topic", title="Schemas", question="Do they help?")
    await vote(core, single.id, up=3, down=1)
    await vote(core, topic.id, up=2)
    doc = await (await client.get("/api/v1/openapi.json")).json()
    seen = set()
    for url, status in CALLS:
        url = url.format(discussion=topic.id, single=single.id)
        response = await client.get(url)
        assert response.status == status, (url, await response.text())
        assert response.content_type == "application/json"
        template, op = operation(doc, url)
        answer = op["responses"][str(status)]
        validate(doc, answer["content"]["application/json"]["schema"], await response.json())
        for name in re.findall(r"[?&]([^=&]+)=", url) if status != 400 else ():
            assert name in {p["name"] for p in op.get("parameters", [])}, (url, name)
        seen.add(template)
    assert seen == set(doc["paths"])


async def test_the_429_matches_the_document(core: Core, make_client: Callable[..., TestClient]) -> None:
    async with make_client(limiter=RateLimiter(rate=1, burst=1, clock=lambda: 0.0)) as client:
        doc = await (await client.get("/api/v1/openapi.json")).json()
        response = await client.get("/api/v1/random")
        assert response.status == 429
        answer = doc["paths"]["/api/v1/random"]["get"]["responses"]["429"]
        validate(doc, answer["content"]["application/json"]["schema"], await response.json())
        assert int(response.headers["Retry-After"]) >= 1


@pytest.mark.parametrize("kind", ["joke", "discussion"])
async def test_every_item_of_the_library_fits_the_item_schema(client: TestClient, kind: str) -> None:
    doc = await (await client.get("/api/v1/openapi.json")).json()
    page, pages, checked = 1, 1, 0
    while page <= pages:
        data = await (await client.get(f"/{kind}s?page={page}&safe=off", headers={"Accept": "application/json"})).json()
        for item in data["items"]:
            validate(doc, {"$ref": "#/components/schemas/Item"}, item)
            checked += 1
        pages = data["pages"]
        page += 1
    # Every item was checked: pages that came back empty would have passed unchecked.
    assert checked == data["total"] > 40
