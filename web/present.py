"""Items and lists as the JSON API gives them (and as the OpenAPI document describes them)."""

from __future__ import annotations

from typing import Any

from bot.models import DiscussionBody, JokeBody
from bot.services.catalog import CatalogService, Entry, Page, TagCount


def item_json(entry: Entry, catalog: CatalogService) -> dict[str, Any]:
    item = entry.item
    data: dict[str, Any] = {"id": item.id, "kind": item.kind, "type": entry.shape}
    if isinstance(item.body, JokeBody):
        if item.body.two_part:
            data["setup"] = item.body.setup
            data["punchline"] = item.body.punchline
        else:
            data["text"] = item.body.text
    else:
        body: DiscussionBody = item.body
        data.update(body.to_json())
    data.update({
        "categories": list(item.categories),
        "moods": list(item.moods),
        "flags": sorted(item.flags),
        "language": item.language,
        "credit": item.credit,
        "votes": {"up": entry.up, "down": entry.down},
        "score": round(entry.score, 6),
        "rank": entry.rank,
        "url": catalog.page_url(item) or catalog.path(item),
    })
    return data


def page_json(page: Page[Entry], catalog: CatalogService, **extra: Any) -> dict[str, Any]:
    return {
        **extra,
        "page": page.number,
        "pages": page.pages,
        "total": page.total,
        "items": [item_json(e, catalog) for e in page.entries],
    }


def tag_json(tag: TagCount) -> dict[str, Any]:
    return {"kind": tag.kind, "name": tag.name, "count": tag.count}


def error_json(status: int, message: str) -> dict[str, Any]:
    return {"error": {"status": status, "message": message}}
