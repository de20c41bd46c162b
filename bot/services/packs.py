"""Content packs on disk: reading and validating them (other shapes: :mod:`bot.services.interchange`).

A pack is a YAML file under ``jokes/`` or ``discussions/``; moods live in ``moods.yaml``.
Validation collects every problem, each naming file, entry and field, so a pack author
fixes a file in one pass. Limits follow what a Discord message or embed can show.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from msgspec import Struct

import content
from bot.errors import ContentError
from bot.models import (
    CREDIT_MAX,
    EMBED_TOTAL_MAX,
    FLAGS,
    HEADING_MAX,
    JOKE_PART_MAX,
    LIST_ITEMS_MAX,
    LIST_TEXT_MAX,
    POINT_TEXT_MAX,
    POINTS_MAX,
    QUESTION_MAX,
    TITLE_MAX,
    ContentEntry,
    DiscussionBody,
    JokeBody,
    Kind,
    Mood,
    TalkingPoint,
)
from bot.services.problems import Problem, Problems
from bot.wording import bullet_block
from bot.yaml_errors import SAFE_LOADER, yaml_problem

# The packs shipped with Banter: content/ at the top of the project, installed as package data.
BUILTIN_CONTENT = Path(content.__file__).parent

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
MOOD_NAME = re.compile(r"^[a-z][a-z-]{1,30}$")

JOKE_KEYS = {"id", "text", "setup", "punchline", "categories", "moods", "flags", "language", "credit"}
DISCUSSION_KEYS = {
    "id", "title", "question", "benefits", "disadvantages", "talking_points",
    "categories", "moods", "flags", "language", "credit",
}
PACK_KEYS = {"pack", "credit", "language", "jokes", "discussions"}


class Pack(Struct, frozen=True):
    name: str
    kind: Kind
    path: Path
    entries: tuple[ContentEntry, ...]


class Library(Struct, frozen=True):
    """Everything read from a set of content folders."""

    packs: tuple[Pack, ...]
    moods: tuple[Mood, ...]

    def entries(self) -> list[ContentEntry]:
        return [entry for pack in self.packs for entry in pack.entries]


def _text(data: Mapping[str, Any], key: str, where: str, problems: Problems, limit: int,
          required: bool = True, point: int | None = None) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            problems.add(where, Problem("missing", field=key, point=point))
        return None
    if not isinstance(value, str):
        problems.add(where, Problem("not_text", (("type", type(value).__name__),), key, point))
        return None
    value = value.strip()
    if not value:
        problems.add(where, Problem("empty", field=key, point=point))
        return None
    if len(value) > limit:
        problems.add(where, Problem("too_long", (("count", len(value)), ("most", limit)), key, point))
        return None
    return value


def _text_list(data: Mapping[str, Any], key: str, where: str, problems: Problems, item_limit: int,
               required: bool = True) -> tuple[str, ...]:
    value = data.get(key)
    if value is None:
        if required:
            problems.add(where, Problem("missing", field=key))
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.add(where, Problem("not_text_list", field=key))
        return ()
    value = [v.strip() for v in value]
    if required and not value:
        problems.add(where, Problem("none_listed", field=key))
    if any(not v for v in value):
        problems.add(where, Problem("empty_line", field=key))
    if len(value) > LIST_ITEMS_MAX:
        problems.add(where, Problem("too_many_items", (("count", len(value)), ("most", LIST_ITEMS_MAX)), key))
    for v in value:
        if len(v) > item_limit:
            problems.add(where, Problem("item_too_long", (("count", len(v)), ("most", item_limit)), key))
    size = len(bullet_block(value))
    if size > LIST_TEXT_MAX:
        problems.add(where, Problem("list_too_long", (("count", size), ("most", LIST_TEXT_MAX)), key))
    return tuple(value)


def _slugs(data: Mapping[str, Any], key: str, where: str, problems: Problems,
           allowed: Iterable[str] | None = None, required: bool = False) -> tuple[str, ...]:
    value = data.get(key, [])
    if value is None:
        value = []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.add(where, Problem("not_names", field=key))
        return ()
    if required and not value:
        problems.add(where, Problem("none_listed", field=key))
    allowed_set = set(allowed) if allowed is not None else None
    out: list[str] = []
    for name in value:
        if allowed_set is not None and name not in allowed_set:
            code = f"unknown_{key[:-1] if key.endswith('s') else key}"
            problems.add(where, Problem(code, (("name", repr(name)), ("known", ", ".join(sorted(allowed_set)))), key))
        elif allowed_set is None and not SLUG.match(name):
            problems.add(where, Problem("bad_name", (("name", repr(name)),), key))
        elif name not in out:
            out.append(name)
    return tuple(out)


def parse_entry(kind: Kind, data: Any, where: str, problems: Problems, moods: Iterable[str],
                defaults: Mapping[str, str]) -> ContentEntry | None:
    """Validate one pack entry (or a moderator's form) into a :class:`ContentEntry`."""
    if not isinstance(data, Mapping):
        problems.add(where, Problem("not_mapping"))
        return None
    before = len(problems.found)
    allowed = JOKE_KEYS if kind == "joke" else DISCUSSION_KEYS
    for unknown in sorted(set(data) - allowed):
        problems.add(where, Problem("unknown_field", (("allowed", ", ".join(sorted(allowed))),), str(unknown)))
    key = data.get("id")
    if not isinstance(key, str) or not SLUG.match(key):
        problems.add(where, Problem("bad_id", field="id"))
    body: JokeBody | DiscussionBody | None = None
    if kind == "joke":
        text = _text(data, "text", where, problems, JOKE_PART_MAX, required=False)
        has_two_part = "setup" in data or "punchline" in data
        if text is not None and has_two_part:
            problems.add(where, Problem("text_and_parts", field="text"))
        elif text is None and not has_two_part and "text" not in data:
            problems.add(where, Problem("no_text", field="text"))
        elif has_two_part:
            setup = _text(data, "setup", where, problems, JOKE_PART_MAX)
            punchline = _text(data, "punchline", where, problems, JOKE_PART_MAX)
            if setup and punchline:
                body = JokeBody(setup=setup, punchline=punchline)
        elif text:
            body = JokeBody(text=text)
        categories = _slugs(data, "categories", where, problems, required=True)
    else:
        title = _text(data, "title", where, problems, TITLE_MAX)
        question = _text(data, "question", where, problems, QUESTION_MAX)
        benefits = _text_list(data, "benefits", where, problems, 300)
        disadvantages = _text_list(data, "disadvantages", where, problems, 300)
        points = _talking_points(data, where, problems)
        categories = _slugs(data, "categories", where, problems)
        if title and question and len(problems.found) == before:
            body = DiscussionBody(title, question, benefits, disadvantages, points)
            size = len(title) + len(question) + sum(len(bullet_block(x)) for x in (benefits, disadvantages))
            size += sum(len(p.heading) + len(p.text) + 4 for p in points)
            if size > EMBED_TOTAL_MAX:
                problems.add(where, Problem("topic_too_long", (("count", size), ("most", EMBED_TOTAL_MAX))))
    mood_names = _slugs(data, "moods", where, problems, allowed=moods)
    flags = _slugs(data, "flags", where, problems, allowed=FLAGS)
    language = data.get("language", defaults.get("language", "en"))
    if not isinstance(language, str) or not LANGUAGE.match(language):
        problems.add(where, Problem("bad_language", (("value", repr(language)),), "language"))
    credit = data.get("credit", defaults.get("credit", ""))
    if not isinstance(credit, str) or len(credit) > CREDIT_MAX:
        problems.add(where, Problem("bad_credit", (("most", CREDIT_MAX),), "credit"))
    if len(problems.found) != before or body is None or not isinstance(key, str):
        return None
    return ContentEntry(
        kind=kind, key=key, body=body, categories=categories, moods=mood_names,
        flags=frozenset(flags), language=language, credit=credit.strip(),
    )


def _talking_points(data: Mapping[str, Any], where: str, problems: Problems) -> tuple[TalkingPoint, ...]:
    value = data.get("talking_points")
    if value is None:
        problems.add(where, Problem("missing", field="talking_points"))
        return ()
    if not isinstance(value, list) or not value:
        problems.add(where, Problem("points_not_list", field="talking_points"))
        return ()
    if len(value) > POINTS_MAX:
        problems.add(where, Problem("too_many_points", (("count", len(value)), ("most", POINTS_MAX)), "talking_points"))
    points = []
    for n, point in enumerate(value, 1):
        spot = f"{where}, talking point {n}"
        if not isinstance(point, Mapping) or set(point) - {"heading", "text"}:
            problems.add(spot, Problem("point_shape", point=n))
            continue
        heading = _text(point, "heading", spot, problems, HEADING_MAX, point=n)
        text = _text(point, "text", spot, problems, POINT_TEXT_MAX, point=n)
        if heading and text:
            points.append(TalkingPoint(heading, text))
    return tuple(points)


def _load_yaml(path: Path, problems: Problems) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        problem = yaml_problem(exc)
        problems.add(f"{path}, {problem.where()}", f"not valid YAML: {problem.reason}")
    except (OSError, UnicodeDecodeError) as exc:
        problems.add(str(path), f"cannot read: {exc}")
    return None


def read_pack(path: Path, kind: Kind, moods: Iterable[str], problems: Problems) -> Pack | None:
    data = _load_yaml(path, problems)
    if data is None:
        if not problems.found:
            problems.add(str(path), "the file is empty")
        return None
    list_key = "jokes" if kind == "joke" else "discussions"
    if not isinstance(data, Mapping):
        problems.add(str(path), f"must be a mapping with pack: and {list_key}:")
        return None
    for unknown in sorted(set(data) - PACK_KEYS):
        problems.add(str(path), f"{unknown}: unknown top-level key")
    name = data.get("pack")
    if not isinstance(name, str) or not SLUG.match(name):
        problems.add(str(path), "pack: must name the pack (lowercase letters, digits, dashes)")
        return None
    entries_data = data.get(list_key)
    if not isinstance(entries_data, list):
        problems.add(str(path), f"{list_key}: must be a list of entries")
        return None
    defaults = {k: data[k] for k in ("credit", "language") if isinstance(data.get(k), str)}
    entries = []
    for n, raw in enumerate(entries_data, 1):
        label = raw.get("id") if isinstance(raw, Mapping) else None
        where = f"{path}, entry {n}" + (f" ({label})" if label else "")
        entry = parse_entry(kind, raw, where, problems, moods, defaults)
        if entry is not None:
            entries.append(entry)
    return Pack(name=name, kind=kind, path=path, entries=tuple(entries))


def read_moods(path: Path, problems: Problems) -> list[Mood]:
    data = _load_yaml(path, problems)
    if not isinstance(data, Mapping) or not isinstance(data.get("moods"), list):
        problems.add(str(path), "must have a moods: list")
        return []
    moods: list[Mood] = []
    owner: dict[str, str] = {}
    for n, raw in enumerate(data["moods"], 1):
        where = f"{path}, mood {n}"
        if not isinstance(raw, Mapping):
            problems.add(where, "must be a mapping")
            continue
        name = raw.get("name")
        if not isinstance(name, str) or not MOOD_NAME.match(name):
            problems.add(where, "name: must be a lowercase word")
            continue
        where = f"{path}, mood {name}"
        cues = raw.get("cues")
        if not isinstance(cues, Mapping) or not cues:
            problems.add(where, "cues: must map words or phrases to weights 1-3")
            continue
        clean: dict[str, int] = {}
        for cue, weight in cues.items():
            if not isinstance(cue, str) or not cue.strip() or weight not in (1, 2, 3):
                problems.add(where, f"cues: {cue!r} needs a weight of 1, 2 or 3")
                continue
            cue = " ".join(cue.lower().split())
            if cue in owner and owner[cue] != name:
                problems.add(where, f"cues: {cue!r} is already a cue of {owner[cue]}")
            owner[cue] = name
            clean[cue] = weight
        emoji_cues = raw.get("emoji_cues") or []
        if not isinstance(emoji_cues, list) or not all(isinstance(e, str) and e for e in emoji_cues):
            problems.add(where, "emoji_cues: must be a list of emoji")
            emoji_cues = []
        moods.append(Mood(
            name=name,
            emoji=str(raw.get("emoji") or ""),
            description=str(raw.get("description") or ""),
            cues=clean,
            emoji_cues=tuple(emoji_cues),
            when_negated=raw.get("when_negated"),
            gentle=bool(raw.get("gentle", False)),
        ))
    names = {m.name for m in moods}
    for mood in moods:
        if mood.when_negated is not None and mood.when_negated not in names:
            problems.add(f"{path}, mood {mood.name}", f"when_negated: unknown mood {mood.when_negated!r}")
    return moods


def pack_files(folder: Path) -> list[tuple[Path, Kind]]:
    files: list[tuple[Path, Kind]] = []
    kinds: tuple[tuple[str, Kind], ...] = (("jokes", "joke"), ("discussions", "discussion"))
    for sub, kind in kinds:
        for pattern in ("*.yaml", "*.yml"):
            files += [(p, kind) for p in sorted((folder / sub).glob(pattern))]
    return files


def load_library(folders: Iterable[Path], moods_file: Path | None = None) -> Library:
    """Read and validate every pack in ``folders``; raise :class:`ContentError` listing all problems.

    The moods come from ``moods_file`` or else the first folder that has a ``moods.yaml``.
    """
    problems = Problems()
    folders = list(folders)
    for folder in folders:
        if not folder.is_dir():
            problems.add(str(folder), "content folder not found")
    if problems.items:
        raise ContentError(problems.items)
    if moods_file is None:
        candidates = [f / "moods.yaml" for f in folders if (f / "moods.yaml").exists()]
        moods_file = candidates[0] if candidates else BUILTIN_CONTENT / "moods.yaml"
    moods = read_moods(moods_file, problems)
    mood_names = [m.name for m in moods]
    packs: list[Pack] = []
    for folder in folders:
        for path, kind in pack_files(folder):
            pack = read_pack(path, kind, mood_names, problems)
            if pack is not None:
                packs.append(pack)
    seen: dict[tuple[str, str], Path] = {}
    pack_names: dict[tuple[str, str], Pack] = {}
    distinct: list[Pack] = []
    for pack in packs:
        if (pack.kind, pack.name) in pack_names:
            first = pack_names[(pack.kind, pack.name)]
            if _same_entries(pack, first):
                continue  # an exact copy (an export of it, say) adds nothing and takes nothing away
            problems.add(str(pack.path), f"pack: {pack.name!r} is also the name of {first.path} "
                                         "(edit that file, or give this pack another name)")
            continue  # its entries would only repeat the clash, one line each
        pack_names[(pack.kind, pack.name)] = pack
        distinct.append(pack)
        for entry in pack.entries:
            if (entry.kind, entry.key) in seen:
                problems.add(f"{pack.path}, entry {entry.key}",
                             f"id: already used in {seen[(entry.kind, entry.key)]}")
            seen[(entry.kind, entry.key)] = pack.path
    if problems.items:
        raise ContentError(problems.items)
    return Library(packs=tuple(distinct), moods=tuple(moods))


def _same_entries(a: Pack, b: Pack) -> bool:
    return {(e.key, e.content_hash()) for e in a.entries} == {(e.key, e.content_hash()) for e in b.entries}


def load_moods(path: Path = BUILTIN_CONTENT / "moods.yaml") -> list[Mood]:
    problems = Problems()
    moods = read_moods(path, problems)
    if problems.items:
        raise ContentError(problems.items)
    return moods
