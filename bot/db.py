"""The SQLite database: connection settings, migrations and transactions.

Two aiosqlite connections, each with its own thread, serve the bot. Writes go through the
writer (:meth:`Database.transaction`, :meth:`Database.exclusive`, :meth:`Database.write`),
which holds a lock for the whole transaction so that two coroutines never interleave
statements inside one another's transaction. Reads outside a transaction go to the reader,
so a command's query never waits behind another command's write: in WAL mode the reader
sees everything committed when its statement starts, and nothing uncommitted.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

from bot.models import wilson_lower_bound

log = logging.getLogger(__name__)

MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


def migrations() -> list[tuple[int, str, str]]:
    """The numbered migration scripts shipped with the package, in order."""
    found = []
    for entry in resources.files("bot.migrations").iterdir():
        match = MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [number for number, _, _ in found]
    if numbers != list(range(1, len(numbers) + 1)):
        raise RuntimeError(f"migrations must be numbered 001, 002, ... without gaps; found {numbers}")
    return found


async def _connect(path: Path) -> aiosqlite.Connection:
    # isolation_level=None: the sqlite3 module must not open transactions behind our back;
    # transaction() issues BEGIN IMMEDIATE itself.
    conn = await aiosqlite.connect(path, isolation_level=None)
    try:
        conn.row_factory = aiosqlite.Row
        await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.execute("PRAGMA busy_timeout = 5000")
        await conn.execute("PRAGMA synchronous = NORMAL")
        # A picks-heavy workload reads index pages at random: keep more of them in memory
        # (64 MiB of page cache, and the file memory-mapped) than SQLite's 2 MiB default.
        await conn.execute("PRAGMA cache_size = -65536")
        await conn.execute("PRAGMA mmap_size = 268435456")
        # Lets a vote change a tally and its score in one statement (see the vote triggers).
        await conn.create_function("wilson", 2, wilson_lower_bound, deterministic=True)
    except BaseException:
        await conn.close()
        raise
    return conn


class Database:
    def __init__(self, conn: aiosqlite.Connection, reader: aiosqlite.Connection, path: Path) -> None:
        self.conn = conn  # the writer
        self.reader = reader
        self.path = path
        self._write_lock = asyncio.Lock()
        self._after_transaction: list[Callable[[], None]] = []

    @classmethod
    async def open(cls, path: Path) -> Database:
        """Open (creating if needed) the database at ``path`` and bring its schema up to date."""
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = await _connect(path)
        try:
            db = cls(conn, conn, path)
            await db.migrate()
            db.reader = await _connect(path)
        except BaseException:
            await conn.close()
            raise
        return db

    async def close(self) -> None:
        if self.reader is not self.conn:
            await self.reader.close()
        await self.conn.close()

    async def migrate(self) -> int:
        """Apply pending migrations in one transaction; return the schema version."""
        current = await self.scalar("PRAGMA user_version")
        pending = [(n, name, sql) for n, name, sql in migrations() if n > current]
        if not pending:
            return current
        target = pending[-1][0]
        script = "\n".join(sql for _, _, sql in pending)
        async with self._write_lock:
            try:
                await self.conn.executescript(
                    f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {target};\nCOMMIT;"
                )
            except BaseException:
                if self.conn.in_transaction:
                    await self.conn.rollback()
                raise
        log.info("database %s migrated from version %s to %s", self.path, current, target)
        return target

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction: committed when the block ends, rolled back if it raises."""
        async with self._write_lock:
            try:
                await self.conn.execute("BEGIN IMMEDIATE")
                yield self.conn
                await self.conn.execute("COMMIT")
            except BaseException:
                # Also after a failed COMMIT or a cancelled BEGIN: the writer must never be left
                # inside a transaction, or every later write would fail until a restart. A
                # cancelled statement still runs on the database thread, so ROLLBACK is queued
                # behind it unconditionally; "no transaction is active" just means nothing to undo.
                with contextlib.suppress(sqlite3.OperationalError):
                    await asyncio.shield(self.conn.execute("ROLLBACK"))
                raise
            finally:
                callbacks, self._after_transaction = self._after_transaction, []
                for callback in callbacks:
                    callback()

    @asynccontextmanager
    async def exclusive(self) -> AsyncIterator[aiosqlite.Connection]:
        """The connection to oneself without a transaction: each statement commits on its own,
        and no other coroutine's statements come in between."""
        async with self._write_lock:
            yield self.conn

    def after_transaction(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` when the transaction under way ends, committed or not (cache upkeep)."""
        self._after_transaction.append(callback)

    async def write(self, sql: str, params: Iterable[Any] = ()) -> None:
        """One statement, atomic on its own: no BEGIN/COMMIT round trips, but still ordered
        with the transactions that other coroutines hold on this connection."""
        async with self._write_lock:
            await self.conn.execute_fetchall(sql, tuple(params))

    # execute_fetchall runs the statement and reads its rows in one trip to the database
    # thread; a cursor would take three (execute, fetch, close).
    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        return list(await self.reader.execute_fetchall(sql, tuple(params)))

    async def fetch_one(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        rows = await self.reader.execute_fetchall(sql, tuple(params))
        return rows[0] if rows else None

    async def scalar(self, sql: str, params: Iterable[Any] = ()) -> Any:
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]
