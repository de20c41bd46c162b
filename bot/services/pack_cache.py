"""The validated content kept in a file between start-ups (:mod:`bot.cache_file`).

Reading the built-in packs with PyYAML and validating them took 60-70 ms of every start-up, and
finds the same library in the same files every time. The file holds that library as JSON under a
key: a hash of every file :func:`~bot.services.packs.load_library` would read (their paths and
bytes), the mood examples (checked against the moods as part of the content, so a server's own
``moods.yaml`` that lacks one of their labels stops start-up), the folders given, the source of
the code that validates them and PyYAML's version. An edited, added or removed pack, or another
version of Banter, gives another key, so the content is read and validated as usual (a bad pack
refused with all its problems, as always) and the file is written afresh. Only content that
passed is ever written, and only when its files did not change while it was read.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import msgspec
import yaml

from bot import cache_file, models, records
from bot.models import ContentEntry, Kind, Mood, with_content_hash
from bot.records import entry_from_json, entry_to_json
from bot.services import packs
from bot.services.mood.examples import EXAMPLES_FILE, load_examples
from bot.services.packs import BUILTIN_CONTENT, Library, Pack, load_library, pack_files

log = logging.getLogger(__name__)

FORMAT = 1
WHAT = "content packs"
# The code whose rules decide what valid content reads as, and the code that writes it down.
VALIDATORS = (Path(packs.__file__), Path(models.__file__), Path(records.__file__), Path(__file__))


def cache_key(folders: Iterable[Path]) -> str:
    """A hash of everything the validated library follows from (see the module's docstring)."""
    digest = hashlib.sha256(f"packs {FORMAT} {yaml.__version__}\n".encode())
    for source in VALIDATORS:
        digest.update(source.read_bytes())

    def add(path: Path, label: str) -> None:
        digest.update(f"\0{label} {path}\0".encode())
        digest.update(path.read_bytes())

    for folder in folders:
        digest.update(f"\0folder {folder} {folder.is_dir()}\0".encode())
        if (folder / "moods.yaml").is_file():
            add(folder / "moods.yaml", "moods")
        for path, kind in pack_files(folder):
            add(path, kind)
    add(BUILTIN_CONTENT / "moods.yaml", "built-in moods")
    if EXAMPLES_FILE.exists():
        add(EXAMPLES_FILE, "mood examples")
    return digest.hexdigest()


def validated(folders: Iterable[Path]) -> Library:
    """:func:`load_library`, and the mood reader's examples checked against its moods: the reader
    is trained only once the bot is in its servers, so a label that is no mood must stop start-up
    here, as it did when the reader was trained before connecting."""
    library = load_library(folders)
    if EXAMPLES_FILE.exists():
        load_examples(labels=[mood.name for mood in library.moods])
    return library


def cached_library(folders: Iterable[Path], cache: Path | None) -> Library:
    """:func:`validated` content of ``folders``, read from ``cache`` when it holds the library
    these very files give, else read and validated, and then kept there."""
    folders = list(folders)
    if cache is None:
        return validated(folders)
    try:
        key = cache_key(folders)
    except OSError:  # a file that cannot be read: validation says which, and how
        return validated(folders)
    data = cache_file.saved(cache, key, WHAT)
    if data is not None:
        try:
            return _library(data)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            log.warning("the content packs cache %s is damaged (%s); reading the packs again", cache, exc)
    library = validated(folders)
    try:
        unchanged = cache_key(folders) == key  # not edited while it was read: else a stale key
    except OSError:
        unchanged = False
    if unchanged:
        cache_file.save(cache, key, _data(library), WHAT)
    return library


def _data(library: Library) -> dict[str, Any]:
    return {
        "moods": [msgspec.to_builtins(m) for m in library.moods],
        "packs": [{"name": p.name, "kind": p.kind, "path": str(p.path), "entries": [_entry_data(e) for e in p.entries]}
                  for p in library.packs],
    }


def _entry_data(entry: ContentEntry) -> dict[str, Any]:
    return {"kind": entry.kind, "key": entry.key, **entry_to_json(entry), "hash": entry.content_hash()}


def _library(data: Mapping[str, Any]) -> Library:
    moods = tuple(_mood(m) for m in data["moods"])
    if not moods:
        raise ValueError("no moods")
    return Library(packs=tuple(Pack(name=str(p["name"]), kind=_kind(p["kind"]), path=Path(p["path"]),
                                    entries=tuple(_entry(e) for e in p["entries"]))
                               for p in data["packs"]), moods=moods)


def _kind(kind: object) -> Kind:
    if kind == "joke" or kind == "discussion":
        return kind
    raise ValueError(f"unknown kind {kind!r}")


def _mood(data: Mapping[str, Any]) -> Mood:
    when_negated, emoji_cues = data["when_negated"], data["emoji_cues"]
    if not (when_negated is None or isinstance(when_negated, str)) or not all(isinstance(e, str) for e in emoji_cues):
        raise ValueError(f"not a mood: {data!r}")
    return Mood(name=str(data["name"]), emoji=str(data["emoji"]), description=str(data["description"]),
                cues={str(cue): int(weight) for cue, weight in data["cues"].items()},
                emoji_cues=tuple(emoji_cues), when_negated=when_negated, gentle=bool(data["gentle"]))


def _entry(data: Mapping[str, Any]) -> ContentEntry:
    entry = entry_from_json(_kind(data["kind"]), str(data["key"]), dict(data))
    # The hash the import compares with each stored item's, worked out when the file was written.
    return with_content_hash(entry, str(data["hash"]))
