"""``python -m bot backup`` and ``restore`` on real SQLite files: what the admin sees, and that a
refused restore leaves every file as it was. (The backup of a running bot is in tests/e2e.)"""

from __future__ import annotations

import hashlib
import os
import random
import sqlite3
import stat
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.config import Config
from bot.core import Core
from bot.storage.sqlite.backup import latest_version, restore
from bot.storage.sqlite.database import Database
from bot.storage.sqlite.lock import hold_database, lock_path
from tests.support import schema_at, vote_of
from tests.template_db import seeded

# Backup and restore are SQLite's own (PostgreSQL has pg_dump and pg_restore: docs/storage.md).
pytestmark = pytest.mark.backends("sqlite")

GUILD = 10


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(folder: Path) -> dict[str, str]:
    """Every file in ``folder`` with a digest of its bytes, to show that nothing was changed."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def files(folder: Path, pattern: str) -> list[Path]:
    return sorted(folder.glob(pattern))


async def voted_database(config: Config, voters: range) -> int:
    """The built-in library with one up-vote on one joke from each of ``voters``; the joke's id."""
    core = await Core.open(await seeded(config), rng=random.Random(1))
    try:
        item = (await core.storage.items.find(kind="joke"))[0]
        for user in voters:
            await core.votes.click(item_id=item.id, guild_id=GUILD, user_id=user, up=True)
    finally:
        await core.close()
    return item.id


async def up_votes(config: Config, item_id: int) -> int:
    core = await Core.open(config)
    try:
        return (await core.votes.tally(item_id, GUILD)).up
    finally:
        await core.close()


def config_path(config: Config) -> str:
    return config.source


async def test_round_trip_keeps_the_votes_and_the_old_database(config: Config, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    item = await voted_database(config, range(100, 103))
    backup = tmp_path / "nightly.db"
    code, out, err = cli(capsys, "backup", str(backup), "--config", config_path(config))
    assert (code, err) == (0, "")
    assert out.startswith(f"backed up {config.database_path} to {backup} (schema version {latest_version()}, ")
    # Votes cast after the backup are the ones a restore takes back.
    core = await Core.open(config)
    await core.votes.click(item_id=item, guild_id=GUILD, user_id=200, up=True)
    await core.close()
    assert await up_votes(config, item) == 4

    code, out, err = cli(capsys, "restore", str(backup), "--config", config_path(config))
    assert (code, err) == (0, "")
    kept = files(tmp_path, "banter.db.before-restore-*")
    assert len(kept) == 1
    assert out == (f"restored {backup} to {config.database_path} (schema version {latest_version()}); "
                   f"the previous database is kept as {kept[0]}\n")
    assert await up_votes(config, item) == 3
    core = await Core.open(config)
    try:
        assert await vote_of(core, item, GUILD, 101) == 1
        assert await vote_of(core, item, GUILD, 200) == 0
    finally:
        await core.close()
    # The kept file is the database as it was, the fourth vote included.
    assert sqlite3.connect(kept[0]).execute("SELECT count(*) FROM votes").fetchone()[0] == 4
    assert not files(tmp_path, ".*partial*")


async def test_a_backup_is_one_self_contained_file(config: Config, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    await voted_database(config, range(1))
    backup = tmp_path / "b.db"
    assert cli(capsys, "backup", str(backup), "--config", config_path(config))[0] == 0
    assert backup.read_bytes()[18:20] == b"\x01\x01"  # rollback journal, not WAL: no -wal to carry along
    assert files(tmp_path, "b.db*") == [backup]


async def test_an_older_schema_is_restored_and_migrated_at_the_next_start(config: Config, tmp_path: Path,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    old = tmp_path / "old.db"
    with schema_at(old, 2):
        pass
    code, out, err = cli(capsys, "restore", str(old), "--config", config_path(config))
    assert (code, err) == (0, "")
    assert out == (f"restored {old} to {config.database_path} (schema version 2); there was no database before; "
                   f"it will be migrated to version {latest_version()} when the bot next starts\n")
    db = await Database.open(config.database_path)
    try:
        assert await db.scalar("PRAGMA user_version") == latest_version()
    finally:
        await db.close()


def _corrupt(path: Path) -> None:
    """Overwrite the header of the items table's root page: SQLite then calls the file malformed."""
    conn = sqlite3.connect(path)
    root, page_size = conn.execute(
        "SELECT rootpage, (SELECT page_size FROM pragma_page_size) FROM sqlite_schema WHERE name = 'items'").fetchone()
    conn.close()
    with path.open("r+b") as f:
        f.seek(page_size * (root - 1))
        f.write(b"\xff" * 12)


def _newer(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {latest_version() + 1}")
    conn.close()


def _foreign(path: Path) -> None:
    path.unlink()
    conn = sqlite3.connect(path)
    conn.executescript("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT); PRAGMA user_version = 2;")
    conn.close()


def _partial(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.executescript("DROP TABLE votes; DROP TABLE daily_posts;")
    conn.close()


def _unversioned(path: Path) -> None:
    path.unlink()
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (lambda p: p.write_text("name,votes\njoke,3\n"),
         "{f} is not a SQLite database (it does not start with SQLite's header); nothing was changed"),
        (lambda p: p.write_bytes(b""),
         "{f} is not a SQLite database (it does not start with SQLite's header); nothing was changed"),
        (_corrupt, "{f} is damaged (database disk image is malformed); nothing was changed"),
        (_newer, "{f} has schema version {newer}, newer than this Banter knows ({latest}): upgrade Banter before "
                 "restoring it; nothing was changed"),
        (_foreign, "{f} is not a Banter database (none of Banter's tables); nothing was changed"),
        (_partial, "{f} is not a whole Banter database (schema version {latest}, but missing tables daily_posts, "
                   "votes); nothing was changed"),
        (_unversioned, "{f} is not a Banter database (it has no schema version); nothing was changed"),
        (lambda p: p.unlink(), "{f} not found"),
    ],
    ids=["text", "empty", "corrupt", "newer-schema", "other-tables", "tables-dropped", "no-schema", "missing"],
)
async def test_restore_refuses_an_unfit_file_and_changes_nothing(
        config: Config, tmp_path: Path, capsys: pytest.CaptureFixture[str], spoil: Callable[[Path], object],
        message: str) -> None:
    await voted_database(config, range(3))
    backups = tmp_path / "backups"
    backups.mkdir()
    bad = backups / "bad.db"
    assert cli(capsys, "backup", str(bad), "--config", config_path(config))[0] == 0
    spoil(bad)
    before = snapshot(tmp_path)
    code, out, err = cli(capsys, "restore", str(bad), "--config", config_path(config))
    assert (code, out) == (2, "")
    assert err == message.format(f=bad, newer=latest_version() + 1, latest=latest_version()) + "\n"
    assert snapshot(tmp_path) == before
    assert not lock_path(config.database_path).exists()


async def test_restore_refuses_while_a_bot_runs_and_changes_nothing(config: Config, tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    await voted_database(config, range(3))
    backup = tmp_path / "backup.db"
    assert cli(capsys, "backup", str(backup), "--config", config_path(config))[0] == 0
    with hold_database(config.database_path, "run"):  # as `python -m bot run` holds it
        before = snapshot(tmp_path)
        code, out, err = cli(capsys, "restore", str(backup), "--config", config_path(config))
        pid = lock_path(config.database_path).read_text().split()[0]
        assert snapshot(tmp_path) == before
    assert (code, out) == (2, "")
    assert err == (f"a bot is running on {config.database_path} (pid {pid}, run): stop it before restoring; "
                   "nothing was changed\n")


@pytest.mark.parametrize(
    ("arrange", "args", "message"),
    [
        (lambda t: (t / "b.db").write_text("keep me"), ["{t}/b.db"],
         "{t}/b.db already exists: give a new name, or add --force to replace it"),
        (lambda t: (t / "dir").mkdir(), ["{t}/dir"],
         "{t}/dir is a folder: give the backup's file name, e.g. {t}/dir/banter-backup.db"),
        (lambda t: None, ["{t}/nowhere/b.db"], "cannot write {t}/nowhere/b.db: folder {t}/nowhere does not exist"),
        (lambda t: None, ["{t}/banter.db", "--force"],
         "{t}/banter.db is the database itself: give the backup another name"),
    ],
)
async def test_backup_refusals(config: Config, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                               arrange: Callable[[Path], object], args: list[str], message: str) -> None:
    await voted_database(config, range(1))
    arrange(tmp_path)
    before = snapshot(tmp_path)
    code, out, err = cli(capsys, "backup", *[a.format(t=tmp_path) for a in args], "--config", config_path(config))
    assert (code, out, err) == (2, "", message.format(t=tmp_path) + "\n")
    assert snapshot(tmp_path) == before


def test_backup_without_a_database(config: Config, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "backup", str(tmp_path / "b.db"), "--config", config_path(config))
    assert (code, out) == (2, "")
    assert err == f"no database at {config.database_path}: nothing to back up (check database.path)\n"
    assert not config.database_path.exists()


async def test_force_replaces_an_old_backup(config: Config, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    await voted_database(config, range(2))
    backup = tmp_path / "b.db"
    backup.write_text("last week's")
    assert cli(capsys, "backup", str(backup), "--force", "--config", config_path(config))[0] == 0
    assert sqlite3.connect(backup).execute("SELECT count(*) FROM votes").fetchone()[0] == 2


async def test_two_restores_in_one_second_keep_both_old_files(config: Config, tmp_path: Path) -> None:
    await voted_database(config, range(2))
    backup = tmp_path / "b.db"
    main(["backup", str(backup), "--config", config_path(config)])
    now = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)
    first = restore(backup, config.database_path, now=now).kept
    second = restore(backup, config.database_path, now=now).kept
    assert first is not None and second is not None
    assert (first.name, second.name) == ("banter.db.before-restore-20261201T200000Z",
                                         "banter.db.before-restore-20261201T200000Z-2")


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file away takes root")
async def test_a_restore_run_as_root_leaves_the_file_to_the_bots_user(config: Config, tmp_path: Path) -> None:
    await voted_database(config, range(1))
    backup = tmp_path / "b.db"
    main(["backup", str(backup), "--config", config_path(config)])
    os.chown(config.database_path, 4321, 4321)
    os.chmod(config.database_path, 0o640)
    restore(backup, config.database_path)
    st = os.stat(config.database_path)
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (4321, 4321, 0o640)
