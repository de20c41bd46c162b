"""The validated content packs kept in a file between start-ups (bot/services/pack_cache.py): the
library from the file is the one the packs give, and any change to a pack, or a damaged file,
means the packs are read and validated again, so a bad pack is still refused with its problems."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import pytest
import yaml

from bot.config import load_config
from bot.core import start_up_cache
from bot.errors import ContentError
from bot.services import pack_cache
from bot.services.pack_cache import cached_library
from bot.services.packs import BUILTIN_CONTENT, Library, load_library

PACK = """pack: house
jokes:
  - id: kettle
    text: The office kettle has a queue longer than the meeting it was boiled for.
    categories: [work]
    credit: original
"""


@pytest.fixture
def folders(tmp_path: Path) -> list[Path]:
    """The built-in content and a folder of the server's own, as a config lists them."""
    own = tmp_path / "own"
    (own / "jokes").mkdir(parents=True)
    (own / "jokes" / "house.yaml").write_text(PACK, encoding="utf-8")
    return [BUILTIN_CONTENT, own]


def never_read(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> Library:
        raise AssertionError("the packs were read although the file matched them")

    monkeypatch.setattr(pack_cache, "load_library", refuse)


def test_the_library_from_the_file_is_the_one_the_packs_give(tmp_path: Path, folders: list[Path],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "banter.db.packs.json"
    fresh = load_library(folders)
    assert cached_library(folders, cache) == fresh
    written = cache.read_bytes()
    never_read(monkeypatch)
    again = cached_library(folders, cache)
    assert again == fresh
    assert [e.content_hash() for e in again.entries()] == [e.content_hash() for e in fresh.entries()]
    assert [e.key for e in again.entries()][-1] == "kettle"
    assert cache.read_bytes() == written


def test_an_edited_pack_is_read_again(tmp_path: Path, folders: list[Path]) -> None:
    cache = tmp_path / "banter.db.packs.json"
    cached_library(folders, cache)
    pack = folders[1] / "jokes" / "house.yaml"
    pack.write_text(PACK.replace("office kettle", "office toaster"), encoding="utf-8")
    assert "office toaster" in cached_library(folders, cache).entries()[-1].body.searchable()


def test_a_pack_made_invalid_is_refused_with_its_problems(tmp_path: Path, folders: list[Path]) -> None:
    cache = tmp_path / "banter.db.packs.json"
    cached_library(folders, cache)
    kept = cache.read_bytes()
    (folders[1] / "jokes" / "house.yaml").write_text(PACK.replace("categories: [work]", "categories: work"),
                                                      encoding="utf-8")
    with pytest.raises(ContentError) as refused:
        cached_library(folders, cache)
    assert any("house.yaml" in problem and "categories" in problem for problem in refused.value.problems)
    assert cache.read_bytes() == kept  # only a library that passed is ever written


def test_a_pack_added_or_removed_is_noticed(tmp_path: Path, folders: list[Path]) -> None:
    cache = tmp_path / "banter.db.packs.json"
    cached_library(folders, cache)
    second = folders[1] / "jokes" / "more.yaml"
    second.write_text(PACK.replace("pack: house", "pack: more").replace("id: kettle", "id: teapot"), encoding="utf-8")
    assert {e.key for e in cached_library(folders, cache).entries()} >= {"kettle", "teapot"}
    second.unlink()
    assert "teapot" not in {e.key for e in cached_library(folders, cache).entries()}


@pytest.mark.parametrize("damage", ["not json at all {", "[1, 2]", ""])
def test_a_damaged_file_is_read_over_and_written_again(tmp_path: Path, folders: list[Path], damage: str) -> None:
    cache = tmp_path / "banter.db.packs.json"
    cache.write_text(damage, encoding="utf-8")
    assert cached_library(folders, cache) == load_library(folders)
    assert json.loads(cache.read_text(encoding="utf-8"))["packs"]


@pytest.mark.parametrize(("field", "wrong"), [("kind", "limerick"), ("hash", "not a hash"), ("body", None)])
def test_a_file_of_the_right_key_but_the_wrong_shape_is_read_over(tmp_path: Path, folders: list[Path],
                                                                  field: str, wrong: object) -> None:
    cache = tmp_path / "banter.db.packs.json"
    fresh = cached_library(folders, cache)
    data = json.loads(cache.read_text(encoding="utf-8"))
    right = data["packs"][0]["entries"][0][field]
    data["packs"][0]["entries"][0][field] = wrong
    cache.write_text(json.dumps(data), encoding="utf-8")
    again = cached_library(folders, cache)
    assert again == fresh
    assert [e.content_hash() for e in again.entries()] == [e.content_hash() for e in load_library(folders).entries()]
    assert json.loads(cache.read_text(encoding="utf-8"))["packs"][0]["entries"][0][field] == right


def own_moods(folder: Path, change: Callable[[list[dict[str, Any]]], None]) -> None:
    """A ``moods.yaml`` of the server's own in ``folder``: the built-in one, changed."""
    data = yaml.safe_load((BUILTIN_CONTENT / "moods.yaml").read_text(encoding="utf-8"))
    change(data["moods"])
    (folder / "moods.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_a_servers_own_moods_are_read_and_then_kept(tmp_path: Path, folders: list[Path]) -> None:
    """With ``content.builtin: false`` the server's folder alone: its own moods.yaml, once it has
    one, else the built-in moods."""
    cache, folders = tmp_path / "banter.db.packs.json", folders[1:]
    cached_library(folders, cache)

    def describe(moods: list[dict[str, Any]]) -> None:
        moods[0]["description"] = "Over the moon"

    own_moods(folders[0], describe)
    assert cached_library(folders, cache).moods[0].description == "Over the moon"
    assert cached_library(folders, cache) == load_library(folders)


def test_moods_without_a_label_of_the_mood_examples_stop_start_up(tmp_path: Path, folders: list[Path]) -> None:
    """The reader is trained only once the bot is connected, so the examples it learns from are
    checked against the moods with the rest of the content, cached or not."""
    cache, folders = tmp_path / "banter.db.packs.json", folders[1:]
    cached_library(folders, cache)

    def without_lonely(moods: list[dict[str, Any]]) -> None:
        moods[:] = [mood for mood in moods if mood["name"] != "lonely"]

    own_moods(folders[0], without_lonely)
    for _ in range(2):  # the refusal is never kept
        with pytest.raises(ContentError) as refused:
            cached_library(folders, cache)
        assert any("mood_examples.yaml, examples lonely: unknown label" in p for p in refused.value.problems)


def test_a_folder_that_cannot_be_written_only_costs_the_reading(tmp_path: Path, folders: list[Path]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    assert cached_library(folders, blocker / "packs.json") == load_library(folders)


def test_an_entry_changed_by_replace_has_a_hash_of_its_own(folders: list[Path]) -> None:
    """A hash is worked out once per entry (and given by the file for a cached one), never carried
    over to an edited copy."""
    entry = load_library(folders).entries()[-1]
    before = entry.content_hash()
    edited = msgspec.structs.replace(entry, credit="traditional")
    assert edited.content_hash() != before
    assert edited.content_hash() == msgspec.structs.replace(edited).content_hash()
    assert entry.content_hash() == before


def test_on_postgresql_what_start_up_keeps_goes_to_the_units_cache_folder(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    sqlite = load_config(None, environ={})
    assert start_up_cache(sqlite, "packs") == sqlite.database_path.with_name("banter.db.packs.json")
    postgres = msgspec.structs.replace(sqlite, database_url="postgresql://banter@db/banter")
    monkeypatch.setenv("CACHE_DIRECTORY", str(tmp_path / "var-cache-banter"))  # systemd's CacheDirectory=
    assert start_up_cache(postgres, "packs") == tmp_path / "var-cache-banter" / "packs.json"
    monkeypatch.delenv("CACHE_DIRECTORY")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert start_up_cache(postgres, "mood-model") == tmp_path / "xdg" / "banter" / "mood-model.json"
