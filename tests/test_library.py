"""Importing and exporting content on a real SQLite file."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.core import Core
from bot.errors import ContentError, UserError
from bot.services.interchange import read_jokeapi
from bot.services.packs import BUILTIN_CONTENT, load_library
from tests.conftest import JOKEAPI_FILE
from tests.support import backend_of, found, item_by_key, joke_text

MOODS = BUILTIN_CONTENT / "moods.yaml"


def pack(folder: Path, entries: str, name: str = "mine") -> Path:
    (folder / "jokes").mkdir(parents=True, exist_ok=True)
    path = folder / "jokes" / f"{name}.yaml"
    path.write_text(f"pack: {name}\ncredit: Tester\njokes:\n{entries}", encoding="utf-8")
    return path


TWO = """  - id: t-1
    text: First joke.
    categories: [test]
    moods: [happy]
  - id: t-2
    setup: Why?
    punchline: Because.
    categories: [test]
"""


async def test_start_up_import_is_idempotent(core: Core) -> None:
    again = await core.library.import_library(core.packs)
    assert again.added == again.updated == again.retired == 0
    assert again.unchanged == len(core.packs.entries())
    assert await backend_of(core).db.scalar("SELECT count(*) FROM items") == len(core.packs.entries())



async def test_an_import_of_the_packs_as_stored_opens_no_transaction(core: Core, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[bool] = []
    transaction = core.storage.transaction

    def counted() -> Any:
        opened.append(True)
        return transaction()

    monkeypatch.setattr(core.storage, "transaction", counted)
    again = await core.library.import_library(core.packs)
    assert not again.changed and again.unchanged == len(core.packs.entries())
    assert opened == []  # a restart with the same packs writes nothing
    # A new pack beside them is imported as before, in one transaction.
    folder = tmp_path / "packs"
    pack(folder, TWO)
    grown = await core.library.import_library(load_library([BUILTIN_CONTENT, folder]))
    assert (grown.added, grown.unchanged, opened) == (2, len(core.packs.entries()), [True])
    assert joke_text(found(await item_by_key(core, "joke", "t-1"), "joke t-1")) == "First joke."
    # And so is an entry that has left its pack: it is retired.
    pack(folder, TWO.split("  - id: t-2")[0])
    shrunk = await core.library.import_library(load_library([BUILTIN_CONTENT, folder]))
    assert (shrunk.retired, len(opened)) == (1, 2)
    assert found(await item_by_key(core, "joke", "t-2"), "joke t-2").status == "retired"

async def test_edit_updates_in_place_and_removal_retires(core: Core, tmp_path: Path) -> None:
    folder = tmp_path / "packs"
    pack(folder, TWO)
    first = await core.library.import_library(load_library([folder], moods_file=MOODS))
    assert first.added == 2
    item = found(await item_by_key(core, "joke", "t-1"), "joke t-1")
    await core.votes.click(item_id=item.id, guild_id=1, user_id=2, up=True)

    pack(folder, TWO.replace("First joke.", "First joke, improved.").split("  - id: t-2")[0])
    second = await core.library.import_library(load_library([folder], moods_file=MOODS))
    assert (second.updated, second.retired, second.added) == (1, 1, 0)
    edited = found(await item_by_key(core, "joke", "t-1"), "joke t-1")
    assert edited.id == item.id and joke_text(edited) == "First joke, improved." and edited.up == 1
    retired = found(await item_by_key(core, "joke", "t-2"), "joke t-2")
    assert retired.status == "retired"

    pack(folder, TWO)
    third = await core.library.import_library(load_library([folder], moods_file=MOODS))
    assert third.restored == 1 and third.updated == 1
    assert found(await item_by_key(core, "joke", "t-2"), "joke t-2").status == "active"


def test_bad_pack_writes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "packs"
    pack(folder, TWO)
    cli = [sys.executable, "-m", "bot", "import", str(folder)]
    good = subprocess.run(cli, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert good.returncode == 0, good.stderr
    assert "2 added" in good.stdout
    pack(folder, TWO.replace("First joke.", "Changed.") + "  - id: t-3\n    text: ''\n    categories: [test]\n")
    bad = subprocess.run(cli, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2
    assert "nothing was written" in bad.stderr
    assert "mine.yaml, entry 3 (t-3): text: must not be empty" in bad.stderr
    with sqlite3.connect(tmp_path / "banter.db") as conn:
        texts = [row[0] for row in conn.execute("SELECT body FROM items WHERE key = 't-1'")]
    assert texts == ['{"text": "First joke."}']


async def test_export_round_trips(core: Core, tmp_path: Path) -> None:
    out = tmp_path / "export"
    await core.library.export(out)
    exported = load_library([out], moods_file=MOODS)
    report = await core.library.import_library(exported)
    assert report.added == report.updated == report.retired == 0
    assert report.unchanged == len(core.packs.entries())


@pytest.mark.skipif(not JOKEAPI_FILE.exists(), reason="shared JokeAPI file absent")
async def test_jokeapi_import_maps_flags_for_safe_mode(core: Core) -> None:
    entries = read_jokeapi(JOKEAPI_FILE)
    assert len(entries) == 320
    report = await core.library.import_jokeapi(entries)
    assert report.added == 320
    assert (await core.library.import_jokeapi(entries)).unchanged == 320
    dark = [e for e in entries if "dark" in e.categories]
    assert dark and all("dark" in e.flags for e in dark)
    import json

    raw = {j["id"]: j for j in json.loads(JOKEAPI_FILE.read_text())["jokes"]}
    for entry in entries:
        source = raw[int(entry.key.removeprefix("jokeapi-"))]
        assert bool(entry.flags) == (not source["safe"] or source["category"] == "Dark"
                                     or any(source["flags"].values()))
    # Safe mode (the default) keeps every flagged one out: JokeAPI's Dark category is all hidden
    # (and the member is told so), and picks among its programming jokes (some flagged) are all
    # unflagged.
    with pytest.raises(UserError, match=r"The joke category \"dark\" has \d+ jokes here, all hidden by this "
                                        r"server's safe mode"):
        await core.picks.filters("joke", 99, category="dark")
    f = await core.picks.filters("joke", 99, category="programming")
    flagged = {e.key for e in entries if e.flags and "programming" in e.categories}
    assert flagged
    for n in range(40):
        item = await core.picks.pick(f, scope_id=5 + n)
        assert item.key not in flagged and not item.flags


def test_jokeapi_bad_file(tmp_path: Path) -> None:
    path = tmp_path / "j.json"
    path.write_text('{"jokes": [{"id": 1, "type": "single", "joke": ""}]}')
    with pytest.raises(ContentError, match="joke 1 \\(id 1\\): text: must not be empty"):
        read_jokeapi(path)


def test_an_import_cannot_take_over_a_built_in_pack(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    pack(folder, TWO, name="puns")
    out = subprocess.run([sys.executable, "-m", "bot", "import", str(folder)], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    assert "pack: 'puns' is also the name of" in out.stderr
    assert not (tmp_path / "banter.db").exists()


@pytest.mark.skipif(not JOKEAPI_FILE.exists(), reason="shared JokeAPI file absent")
async def test_jokeapi_content_exports_and_imports_back_unchanged(core: Core, tmp_path: Path) -> None:
    await core.library.import_jokeapi(read_jokeapi(JOKEAPI_FILE))
    await core.library.export(tmp_path / "out")
    report = await core.library.import_library(load_library([tmp_path / "out"], moods_file=MOODS))
    assert (report.added, report.updated, report.retired, report.restored) == (0, 0, 0, 0)


def test_check_content_takes_a_relative_folder(tmp_path: Path) -> None:
    folder = tmp_path / "extra"
    pack(folder, TWO)
    out = subprocess.run([sys.executable, "-m", "bot", "check-content", "extra"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "ok: 2 entries in 1 packs" in out.stdout


async def test_an_entry_id_belongs_to_the_pack_that_stored_it_first(core: Core, tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    pack(first, TWO, name="mine")
    await core.library.import_library(load_library([first], moods_file=MOODS))
    item = found(await item_by_key(core, "joke", "t-1"), "joke t-1")
    await core.votes.click(item_id=item.id, guild_id=1, user_id=2, up=True)
    # Another pack, imported on its own, reuses the id t-1 for a joke of its own.
    pack(second, TWO.replace("First joke.", "Someone else's joke."), name="theirs")
    with pytest.raises(ContentError) as refused:
        await core.library.import_library(load_library([second], moods_file=MOODS))
    assert "pack theirs: joke id t-1 already belongs to pack mine, which stored it first" in str(refused.value)
    kept = found(await item_by_key(core, "joke", "t-1"), "joke t-1")
    assert joke_text(kept) == "First joke." and kept.up == 1
    assert await item_by_key(core, "joke", "t-2") is not None


async def test_an_entry_may_move_between_packs_imported_together(core: Core, tmp_path: Path) -> None:
    folder = tmp_path / "packs"
    pack(folder, TWO, name="mine")
    await core.library.import_library(load_library([folder], moods_file=MOODS))
    before = found(await item_by_key(core, "joke", "t-2"), "joke t-2")
    # t-2 leaves mine.yaml for a new pack in the same folder.
    pack(folder, TWO.split("  - id: t-2")[0], name="mine")
    pack(folder, "  - id: t-2\n    setup: Why?\n    punchline: Because.\n    categories: [test]\n", name="other")
    await core.library.import_library(load_library([folder], moods_file=MOODS))
    moved = found(await item_by_key(core, "joke", "t-2"), "joke t-2")
    assert moved.id == before.id and moved.status == "active" and moved.origin == "pack:other"


def test_an_export_of_the_built_in_packs_imports_back_as_no_change(tmp_path: Path) -> None:
    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "bot", *args], cwd=tmp_path, capture_output=True, text=True,
                              timeout=180)

    exported = cli("export", "out")
    assert exported.returncode == 0, exported.stderr
    with sqlite3.connect(tmp_path / "banter.db") as conn:
        before = conn.execute("SELECT id, content_hash, status, origin FROM items ORDER BY id").fetchall()
    back = cli("import", "out")
    assert back.returncode == 0, back.stderr
    assert "the same as one already loaded; nothing changed" in back.stdout
    with sqlite3.connect(tmp_path / "banter.db") as conn:
        assert conn.execute("SELECT id, content_hash, status, origin FROM items ORDER BY id").fetchall() == before
    # An edited copy would fight the built-in pack at every start-up: that is still refused.
    puns = tmp_path / "out" / "jokes" / "puns.yaml"
    puns.write_text(puns.read_text(encoding="utf-8").replace("setup: ", "setup: Edited. ", 1), encoding="utf-8")
    edited = cli("import", "out")
    assert edited.returncode == 2
    assert "pack: 'puns' is also the name of" in edited.stderr
