"""``python -m bot backup FILE`` and ``python -m bot restore FILE``.

A backup is taken with SQLite's online backup API in a single step: it reads one snapshot of the
database (WAL mode lets the bot go on writing from its own connections meanwhile, and none of
those writes lands half in the copy). The copy is written beside ``FILE``, switched out of WAL
mode so it is one self-contained file, checked, flushed to disk and only then renamed to ``FILE``.

A restore checks the file first (a SQLite database, intact, a schema version this code knows, and
Banter's tables), refuses while a bot holds the database's lock (:mod:`bot.storage.sqlite.lock`) and
holds that lock itself meanwhile. It copies the file beside the database, flushes it and renames
it over the database, so the database's path always names a whole file, old or new; the old one
is kept beside it as ``<database>.before-restore-<time>``. A backup from an older schema is
migrated forward when the bot next starts, like any database.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import stat
import tempfile
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from msgspec import Struct

from bot.errors import BanterError
from bot.storage.sqlite.database import migrations
from bot.storage.sqlite.lock import DatabaseBusy, hold_database

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
# How long the backup's read may wait on a writer that is recovering the WAL (rare, and brief).
BUSY_TIMEOUT = 10.0


class BackupReport(Struct, frozen=True):
    database: Path
    path: Path
    version: int
    size: int

    def summary(self) -> str:
        return f"backed up {self.database} to {self.path} (schema version {self.version}, {_size(self.size)})"


class RestoreReport(Struct, frozen=True):
    source: Path
    database: Path
    version: int
    latest: int
    kept: Path | None

    def summary(self) -> str:
        line = f"restored {self.source} to {self.database} (schema version {self.version})"
        line += f"; the previous database is kept as {self.kept}" if self.kept else "; there was no database before"
        if self.version < self.latest:
            line += f"; it will be migrated to version {self.latest} when the bot next starts"
        return line


def _size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.1f} kB"


def latest_version() -> int:
    return migrations()[-1][0]


def banter_tables(version: int) -> set[str]:
    """The tables a Banter database at schema ``version`` has: its migrations, run on an empty
    in-memory database (so the list can never drift from the migrations themselves)."""
    conn = sqlite3.connect(":memory:")
    try:
        for number, _name, sql in migrations():
            if number <= version:
                conn.executescript(sql)
        return _tables(conn)
    finally:
        conn.close()


def _tables(conn: sqlite3.Connection) -> set[str]:
    rows = conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    return {name for (name,) in rows}


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _scratch_beside(target: Path) -> Iterator[Path]:
    """A new empty file in ``target``'s folder (so a rename onto ``target`` is atomic); removed
    afterwards unless it was renamed away."""
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    os.close(fd)
    scratch = Path(name)
    try:
        yield scratch
    finally:
        for leftover in (scratch, *(Path(f"{scratch}{suffix}") for suffix in ("-journal", "-wal", "-shm"))):
            leftover.unlink(missing_ok=True)


def _copy(source: sqlite3.Connection, scratch: Path) -> int:
    """Copy ``source`` into ``scratch`` in one backup step, as one self-contained file flushed to
    disk; return its schema version."""
    dest = sqlite3.connect(scratch)
    try:
        source.backup(dest)  # pages=-1: the whole database from one read snapshot
        dest.execute("PRAGMA journal_mode = DELETE")
        version: int = dest.execute("PRAGMA user_version").fetchone()[0]
    finally:
        dest.close()
    _fsync(scratch)
    return version


def _install(scratch: Path, target: Path) -> None:
    os.replace(scratch, target)
    _fsync(target.parent)


def backup(database: Path, path: Path, *, overwrite: bool = False) -> BackupReport:
    """Copy the live ``database`` to ``path``; raise :class:`BanterError` with one line if it cannot."""
    if not database.is_file():
        raise BanterError(f"no database at {database}: nothing to back up (check database.path)")
    if path.is_dir():
        raise BanterError(f"{path} is a folder: give the backup's file name, e.g. {path / 'banter-backup.db'}")
    if not path.parent.is_dir():
        raise BanterError(f"cannot write {path}: folder {path.parent} does not exist")
    if path.exists():
        if path.resolve() == database.resolve():
            raise BanterError(f"{path} is the database itself: give the backup another name")
        if not overwrite:
            raise BanterError(f"{path} already exists: give a new name, or add --force to replace it")
    source = sqlite3.connect(database, timeout=BUSY_TIMEOUT)
    try:
        with _scratch_beside(path) as scratch:
            version = _copy(source, scratch)
            problem = _damage(scratch)
            if problem is not None:
                raise BanterError(f"the copy of {database} failed its integrity check ({problem}): "
                                  "the database itself may be damaged; nothing was written")
            size = scratch.stat().st_size
            _install(scratch, path)
    except sqlite3.DatabaseError as exc:
        raise BanterError(f"cannot back up {database}: {exc}") from None
    finally:
        source.close()
    log.debug("backed up %s to %s", database, path)
    return BackupReport(database, path, version, size)


def _read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot change ``path`` (nor create it)."""
    return sqlite3.connect(f"file:{urllib.parse.quote(str(path))}?mode=ro", uri=True)


def _damage(path: Path) -> str | None:
    """SQLite's first integrity complaint about ``path``, or None when it is intact."""
    conn = _read_only(path)
    try:
        rows = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()
    if rows == ["ok"]:
        return None
    more = f" and {len(rows) - 1} more" if len(rows) > 1 else ""
    return f"{rows[0]}{more}"


def check_backup(path: Path) -> int:
    """Check that ``path`` is a Banter database this code can restore; return its schema version.

    Only reads ``path``. Raises :class:`BanterError` with one line saying what is wrong.
    """
    if not path.exists():
        raise BanterError(f"{path} not found")
    if not path.is_file():
        raise BanterError(f"{path} is not a file")
    with path.open("rb") as f:
        header = f.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise BanterError(f"{path} is not a SQLite database (it does not start with SQLite's header); "
                          "nothing was changed")
    try:
        problem = _damage(path)
        if problem is not None:
            raise BanterError(f"{path} is damaged (integrity check: {problem}); nothing was changed")
        conn = _read_only(path)
        try:
            version: int = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = _tables(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BanterError(f"{path} is damaged ({exc}); nothing was changed") from None
    latest = latest_version()
    if version > latest:
        raise BanterError(f"{path} has schema version {version}, newer than this Banter knows ({latest}): "
                          "upgrade Banter before restoring it; nothing was changed")
    if version == 0:
        raise BanterError(f"{path} is not a Banter database (it has no schema version); nothing was changed")
    expected = banter_tables(version)
    missing = sorted(expected - tables)
    if len(missing) == len(expected):
        raise BanterError(f"{path} is not a Banter database (none of Banter's tables); nothing was changed")
    if missing:
        more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        raise BanterError(f"{path} is not a whole Banter database (schema version {version}, but missing tables "
                          f"{', '.join(missing[:3])}{more}); nothing was changed")
    return version


def _settle(database: Path) -> None:
    """Fold ``database``'s WAL into the file, so the file alone holds everything committed. No bot
    has it open (we hold its lock), so closing the last connection also removes the -wal."""
    try:
        conn = sqlite3.connect(database, timeout=BUSY_TIMEOUT)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        log.warning("could not checkpoint %s before replacing it (%s); its -wal is kept beside it", database, exc)


def _keep(database: Path, now: datetime) -> Path:
    """Keep the current database under a new name, beside it, without ever moving it off its path."""
    stem = f"{database.name}.before-restore-{now:%Y%m%dT%H%M%SZ}"
    kept = database.with_name(stem)
    n = 1
    while kept.exists() or Path(f"{kept}-wal").exists():  # two restores within one second
        n += 1
        kept = database.with_name(f"{stem}-{n}")
    _settle(database)
    try:
        os.link(database, kept)
    except OSError:  # a file system without hard links
        with database.open("rb") as src, kept.open("xb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
    # A -wal left by a crash belongs to the old file: SQLite would replay it into the new one.
    # It goes with the old file under the kept name (where SQLite looks for it); the -shm is an
    # index SQLite rebuilds.
    wal = Path(f"{database}-wal")
    if wal.exists():
        os.replace(wal, Path(f"{kept}-wal"))
    Path(f"{database}-shm").unlink(missing_ok=True)
    return kept


def _fit_in(new: Path, database: Path) -> None:
    """Give the restored file the old database's mode and, when we may, its owner (or the folder's,
    when there was none): a restore run as root must not leave the bot's user a database it cannot
    write."""
    if database.exists():
        st = database.stat()
        os.chmod(new, stat.S_IMODE(st.st_mode))
    else:
        st = database.parent.stat()
    if os.geteuid() == 0:
        os.chown(new, st.st_uid, st.st_gid)


def restore(source: Path, database: Path, *, now: datetime | None = None) -> RestoreReport:
    """Replace ``database`` with the backup at ``source``; raise :class:`BanterError` with one line,
    having changed nothing, if the backup is unfit or a bot is running on ``database``."""
    if source.exists() and database.exists() and source.resolve() == database.resolve():
        raise BanterError(f"{source} is the database itself: nothing to restore")
    version = check_backup(source)
    try:
        with hold_database(database, "restore"):
            kept = None
            reader = _read_only(source)
            try:
                with _scratch_beside(database) as scratch:
                    if _copy(reader, scratch) != version:
                        raise BanterError(f"{source} changed while it was being restored; nothing was changed")
                    _fit_in(scratch, database)
                    if database.exists():
                        kept = _keep(database, now or datetime.now(UTC))
                    _install(scratch, database)
            finally:
                reader.close()
    except DatabaseBusy as exc:
        raise BanterError(f"a bot is running on {database} ({exc.holder}): stop it before restoring; "
                          "nothing was changed") from None
    log.debug("restored %s to %s (schema version %d)", source, database, version)
    return RestoreReport(source, database, version, latest_version(), kept)
