"""The OpenAPI 3.1 description of ``/api/v1``. The tests check the real answers against it."""

from __future__ import annotations

from typing import Any

from bot.models import FLAGS
from bot.services.catalog import MAX_AMOUNT, MAX_PAGE

JSON = "application/json"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _query(name: str, description: str, schema: dict[str, Any], *, required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "description": description, "schema": schema}


def _answers(ok: str, description: str, *, not_found: bool = False) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "200": {"description": description, "content": {JSON: {"schema": _ref(ok)}}},
        "400": {"description": "A query parameter is missing, malformed or unknown.",
                "content": {JSON: {"schema": _ref("Error")}}},
        "429": {"description": "Too many requests from this address; see Retry-After.",
                "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}},
                "content": {JSON: {"schema": _ref("Error")}}},
    }
    if not_found:
        answers["404"] = {"description": "Nothing public answers to that (or safe mode hides it).",
                          "content": {JSON: {"schema": _ref("Error")}}}
    return answers


SAFE = _query("safe", "Safe mode: on (the default) leaves every flagged item out.",
              {"type": "string", "enum": ["on", "off", "true", "false", "1", "0", "yes", "no"]})
BLACKLIST = _query("blacklistFlags", "Flags to leave out, comma-separated, as in JokeAPI.",
                   {"type": "string", "pattern": f"^(({'|'.join(FLAGS)}),?)*$"})
PAGE = _query("page", "The page of results, 20 to a page.", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE})
KIND = {"type": "string", "enum": ["joke", "discussion"]}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object", "required": ["error"], "additionalProperties": False,
        "properties": {"error": {
            "type": "object", "required": ["status", "message"], "additionalProperties": False,
            "properties": {"status": {"type": "integer"}, "message": {"type": "string"}},
        }},
    },
    "Item": {
        "type": "object",
        "required": ["id", "kind", "type", "categories", "moods", "flags", "language", "credit", "votes", "score",
                     "rank", "url"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "integer"},
            "kind": KIND,
            "type": {"type": "string", "enum": ["single", "twopart", "discussion"]},
            "text": {"type": "string", "description": "A single joke."},
            "setup": {"type": "string", "description": "A two-part joke's first part."},
            "punchline": {"type": "string"},
            "title": {"type": "string", "description": "A discussion's title."},
            "question": {"type": "string"},
            "benefits": {"type": "array", "items": {"type": "string"}},
            "disadvantages": {"type": "array", "items": {"type": "string"}},
            "talking_points": {"type": "array", "items": {
                "type": "object", "required": ["heading", "text"], "additionalProperties": False,
                "properties": {"heading": {"type": "string"}, "text": {"type": "string"}},
            }},
            "categories": {"type": "array", "items": {"type": "string"}},
            "moods": {"type": "array", "items": {"type": "string"}},
            "flags": {"type": "array", "items": {"type": "string", "enum": list(FLAGS)}},
            "language": {"type": "string"},
            "credit": {"type": "string"},
            "votes": {"type": "object", "required": ["up", "down"], "additionalProperties": False,
                      "properties": {"up": {"type": "integer", "minimum": 0},
                                     "down": {"type": "integer", "minimum": 0}}},
            "score": {"type": "number", "minimum": 0, "maximum": 1,
                      "description": "The Wilson lower bound (95%) of the share of 👍 votes."},
            "rank": {"type": ["integer", "null"], "minimum": 1,
                     "description": "Place among all-time ranked items of its kind; in a top list, its place there."},
            "url": {"type": "string", "description": "The item's page."},
        },
        "oneOf": [
            {"properties": {"type": {"const": "single"}}, "required": ["text"]},
            {"properties": {"type": {"const": "twopart"}}, "required": ["setup", "punchline"]},
            {"properties": {"type": {"const": "discussion"}},
             "required": ["title", "question", "benefits", "disadvantages", "talking_points"]},
        ],
    },
    "Random": {
        "type": "object", "required": ["amount", "items"], "additionalProperties": False,
        "properties": {"amount": {"type": "integer", "minimum": 1, "maximum": MAX_AMOUNT},
                       "items": {"type": "array", "items": _ref("Item"), "minItems": 1, "maxItems": MAX_AMOUNT}},
    },
    "Results": {
        "type": "object", "required": ["page", "pages", "total", "items"],
        "properties": {
            "query": {"type": "string"},
            "kind": {"type": ["string", "null"], "enum": ["joke", "discussion", None]},
            "period": {"type": "string", "enum": ["week", "month", "all"]},
            "page": {"type": "integer", "minimum": 1},
            "pages": {"type": "integer", "minimum": 1},
            "total": {"type": "integer", "minimum": 0},
            "items": {"type": "array", "items": _ref("Item")},
        },
        "additionalProperties": False,
    },
    "Categories": {
        "type": "object", "required": ["categories"], "additionalProperties": False,
        "properties": {"categories": {"type": "array", "items": {
            "type": "object", "required": ["kind", "name", "count"], "additionalProperties": False,
            "properties": {"kind": KIND, "name": {"type": "string"}, "count": {"type": "integer", "minimum": 1}},
        }}},
    },
}


def openapi_document() -> dict[str, Any]:
    category = _query("category", "Only items in this category.", {"type": "string", "maxLength": 64})
    mood = _query("mood", "Only items that suit this mood.", {"type": "string", "maxLength": 64})
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Banter",
            "version": "1",
            "description": "The Banter bot's global collection of jokes and discussion topics, read only. "
                           "Flagged items are left out unless safe=off; some flags are never served unless "
                           "the operator allows them. Every answer carries Access-Control-Allow-Origin: *.",
        },
        "paths": {
            "/api/v1/random": {"get": {
                "summary": "Items at random",
                "parameters": [
                    _query("type", "joke (the default), discussion, or a shape of joke: single or twopart.",
                           {"type": "string", "enum": ["joke", "discussion", "single", "twopart"]}),
                    category, mood,
                    _query("amount", f"How many different items, 1 to {MAX_AMOUNT}.",
                           {"type": "integer", "minimum": 1, "maximum": MAX_AMOUNT}),
                    SAFE, BLACKLIST,
                ],
                "responses": _answers("Random", "Up to amount items (fewer when fewer match).", not_found=True),
            }},
            "/api/v1/search": {"get": {
                "summary": "Full-text search",
                "description": "Every word must match, the last one as a prefix (as /joke search in Discord).",
                "parameters": [
                    _query("q", "The words to look for.", {"type": "string", "minLength": 1, "maxLength": 200},
                           required=True),
                    _query("type", "Only jokes or only discussions.", KIND), PAGE, SAFE, BLACKLIST,
                ],
                "responses": _answers("Results", "Matches, best first."),
            }},
            "/api/v1/items/{id}": {"get": {
                "summary": "One item",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}},
                               SAFE, BLACKLIST],
                "responses": _answers("Item", "The item, with its all-time rank.", not_found=True),
            }},
            "/api/v1/top": {"get": {
                "summary": "Best rated",
                "description": "Ranked by the Wilson lower bound of the votes cast in the period; only items "
                               "voted up at least as often as down are ranked.",
                "parameters": [
                    _query("type", "joke (the default) or discussion.", KIND),
                    _query("period", "week (the default), month or all.",
                           {"type": "string", "enum": ["week", "month", "all"]}),
                    PAGE, SAFE, BLACKLIST,
                ],
                "responses": _answers("Results", "The ranking, best first; rank is the place in it."),
            }},
            "/api/v1/categories": {"get": {
                "summary": "Categories",
                "parameters": [_query("type", "Only those of jokes or of discussions.", KIND), SAFE, BLACKLIST],
                "responses": _answers("Categories", "Categories with how many items each has, largest first."),
            }},
            "/api/v1/openapi.json": {"get": {
                "summary": "This document",
                "responses": {"200": {"description": "OpenAPI 3.1", "content": {JSON: {"schema": {"type": "object"}}}}},
            }},
        },
        "components": {"schemas": SCHEMAS},
    }
