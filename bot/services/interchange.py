"""Content in other shapes: JokeAPI's JSON read as entries, and the library written back as packs."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from bot.errors import ContentError
from bot.models import ContentEntry, Item
from bot.services.packs import parse_entry
from bot.services.problems import Problems

# --- JokeAPI's JSON format -------------------------------------------------------------------

JOKEAPI_FLAGS = {
    "nsfw": "nsfw",
    "religious": "religious",
    "political": "political",
    "racist": "offensive",
    "sexist": "offensive",
    "explicit": "explicit",
}


def read_jokeapi(path: Path) -> list[ContentEntry]:
    """Map JokeAPI's format (single/twopart, category, flags, safe) onto entries.

    Its Dark category and ``safe: false`` both become flags, so safe mode keeps them out.
    """
    problems = Problems()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ContentError([f"{path}: not a readable JSON file ({exc})"]) from None
    jokes = data.get("jokes") if isinstance(data, Mapping) else data
    if not isinstance(jokes, list):
        raise ContentError([f"{path}: expected a list of jokes or an object with jokes:"])
    entries: list[ContentEntry] = []
    for n, raw in enumerate(jokes, 1):
        where = f"{path}, joke {n}"
        if not isinstance(raw, Mapping):
            problems.add(where, "must be an object")
            continue
        ident = raw.get("id")
        where = f"{path}, joke {n} (id {ident})"
        if not isinstance(ident, int):
            problems.add(where, "id: must be a number")
            continue
        category = str(raw.get("category", "misc")).strip().lower()
        flags = {JOKEAPI_FLAGS[k] for k, v in (raw.get("flags") or {}).items() if v and k in JOKEAPI_FLAGS}
        if category == "dark":
            flags.add("dark")
        if raw.get("safe") is False and not flags:
            flags.add("offensive")
        fields: dict[str, Any] = {"id": f"jokeapi-{ident}", "categories": [re.sub(r"[^a-z0-9]+", "-", category)],
                                  "flags": sorted(flags)}
        if raw.get("type") == "twopart":
            fields["setup"] = raw.get("setup")
            fields["punchline"] = raw.get("delivery")
        else:
            fields["text"] = raw.get("joke")
        entry = parse_entry("joke", fields, where, problems, (), {"language": str(raw.get("lang", "en")),
                                                                  "credit": "JokeAPI (jokeapi.dev)"})
        if entry is not None:
            entries.append(entry)
    if problems.items:
        raise ContentError(problems.items)
    return entries


# --- Writing packs back ------------------------------------------------------------------------

def entry_to_yaml(entry: ContentEntry, pack_credit: str) -> dict[str, Any]:
    data: dict[str, Any] = {"id": entry.key, **entry.body.to_json()}
    if entry.categories:
        data["categories"] = list(entry.categories)
    if entry.moods:
        data["moods"] = list(entry.moods)
    if entry.flags:
        data["flags"] = sorted(entry.flags)
    if entry.language != "en":
        data["language"] = entry.language
    if entry.credit != pack_credit:
        data["credit"] = entry.credit
    return data


def write_packs(items: Iterable[Item], folder: Path) -> list[Path]:
    """Write items as packs, one file per kind and origin; return the files written."""
    groups: dict[tuple[str, str], list[Item]] = {}
    for item in items:
        pack = item.origin.removeprefix("pack:")
        groups.setdefault((item.kind, pack), []).append(item)
    written = []
    for (kind, pack), members in sorted(groups.items()):
        credits = [m.credit for m in members]
        pack_credit = max(set(credits), key=credits.count)
        list_key = "jokes" if kind == "joke" else "discussions"
        data = {"pack": re.sub(r"[^a-z0-9-]+", "-", pack.lower()).strip("-") or "exported",
                "credit": pack_credit,
                list_key: [entry_to_yaml(m.entry(), pack_credit) for m in sorted(members, key=lambda m: m.key)]}
        path = folder / list_key / f"{data['pack']}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8")
        written.append(path)
    return written
