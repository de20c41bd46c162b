"""The SQLite database: connection settings, migrations and transactions.

Two aiosqlite connections, each with its own thread, serve the bot. Writes go through the
writer (:meth:`Database.transaction`, :meth:`Database.exclusive`, :meth:`Database.write`),
which holds a lock for the whole transaction so that two coroutines never interleave
statements inside one another's transaction. Reads outside a transaction go to the reader,
so a command's query never waits behind another command's write: in WAL mode the reader
sees everything committed when its statement starts, and nothing uncommitted.

Single statements (reads, and the one-statement writes of votes and history) first try a
third connection, a plain ``sqlite3`` one used on the event loop itself. Most of them take far
less time than a trip to a database thread and back, which grows when the loop is busy and the
thread must wait for the GIL at every step (bench/README.md has the figures). Two rules keep
that connection from stalling the loop: it never waits for a lock (``busy_timeout = 0``), and
a statement still running after :data:`QUICK_BUDGET` is interrupted by SQLite's progress
handler (a write in a transaction of its own, so that it is undone wherever the interrupt
lands: see :meth:`Database._quick`). Either way the statement is undone and run again on its
thread, where it may take as long as it needs. It never checkpoints the WAL either:
the writer thread does that (see :meth:`Database._after_quick_write`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import sqlite3
import time
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from bot.storage.sqlite.connections import connect, connect_quick, migrations

log = logging.getLogger(__name__)


# How long a statement may hold the event loop before it is moved to a database thread.
QUICK_BUDGET = 0.002
# The progress handler looks at the time every this many SQLite virtual machine steps.
QUICK_CHECK_EVERY = 1000
# Quick writes between two WAL checkpoints, run by the writer thread.
CHECKPOINT_EVERY = 500
# What sends a quick statement to its thread: interrupted (over budget), busy or locked.
HANDED_OFF = {sqlite3.SQLITE_INTERRUPT, sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}


class _Reads:
    """``fetch_one`` and ``scalar`` in terms of ``fetch_all``, for every way of running statements."""

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        raise NotImplementedError

    async def fetch_one(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Row | None:
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def scalar(self, sql: str, params: Iterable[Any] = ()) -> Any:
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]


class Database(_Reads):
    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self.conn = conn  # the writer
        self.reader = conn  # until the schema is up to date; then a connection of its own
        self.path = path
        self._write_lock = asyncio.Lock()
        self.quick: sqlite3.Connection | None = None
        self.quick_budget = QUICK_BUDGET
        self._deadline = 0.0
        self._quick_writes = 0
        self._checkpoint: asyncio.Task[None] | None = None
        # Statements the quick connection handed to a thread (over budget, or the file was
        # locked by another process); the tests read it.
        self.handed_off = 0
        # Counted at the start and the end of every write: see writes.
        self._writes = 0

    def _over_budget(self) -> bool:
        return time.perf_counter() > self._deadline

    @classmethod
    async def open(cls, path: Path) -> Database:
        """Open (creating if needed) the database at ``path`` and bring its schema up to date."""
        path.parent.mkdir(parents=True, exist_ok=True)
        db = cls(await connect(path), path)
        try:
            await db.migrate()
            db.reader = await connect(path)
            db.quick = connect_quick(path)
            db.quick.set_progress_handler(db._over_budget, QUICK_CHECK_EVERY)
        except BaseException:
            await db.close()
            raise
        return db

    async def upkeep_done(self) -> None:
        """Wait for a checkpoint under way, if any."""
        if self._checkpoint is not None:
            await asyncio.shield(self._checkpoint)

    async def close(self) -> None:
        await self.upkeep_done()
        if self.quick is not None:
            self.quick.close()
            self.quick = None
        if self.reader is not self.conn:
            await self.reader.close()
        await self.conn.close()

    async def migrate(self) -> int:
        """Apply pending migrations in one transaction; return the schema version."""
        current: int = await self.scalar("PRAGMA user_version")
        pending = [(n, name, sql) for n, name, sql in migrations() if n > current]
        if not pending:
            return current
        target = pending[-1][0]
        script = "\n".join(sql for _, _, sql in pending)
        async with self._write_lock:
            self._writes += 1
            try:
                await self.conn.executescript(
                    f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {target};\nCOMMIT;"
                )
            except BaseException:
                if self.conn.in_transaction:
                    await self.conn.rollback()
                raise
            finally:
                self._writes += 1
        log.info("database %s migrated from version %s to %s", self.path, current, target)
        return target

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction: committed when the block ends, rolled back if it raises."""
        async with self._write_lock:
            self._writes += 1
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
                self._writes += 1

    @asynccontextmanager
    async def exclusive(self) -> AsyncIterator[Statements]:
        """Statements without a transaction: each commits on its own, and no other coroutine's
        statements come in between."""
        async with self._write_lock:
            yield Statements(self)

    @asynccontextmanager
    async def atomic(self) -> AsyncIterator[TransactionSql]:
        """:meth:`transaction`, with its statements run through :class:`TransactionSql`."""
        async with self.transaction() as conn:
            yield TransactionSql(conn)

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """One write statement that commits on its own (see :meth:`write`); rows it changed."""
        async with self._write_lock:
            return await self._write_counted(sql, tuple(params))

    async def execute_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        async with self.atomic() as tx:
            await tx.execute_many(sql, rows)

    async def write(self, sql: str, params: Iterable[Any] = ()) -> None:
        """One statement, atomic on its own: no BEGIN/COMMIT round trips, but still ordered
        with the transactions that other coroutines hold on the writer."""
        async with self._write_lock:
            await self._write_statement(sql, tuple(params))

    async def _write_statement(self, sql: str, params: tuple[Any, ...]) -> list[sqlite3.Row]:
        """One statement that commits on its own; the caller holds the write lock."""
        return (await self._write(sql, params))[0]

    async def _write_counted(self, sql: str, params: tuple[Any, ...]) -> int:
        """As :meth:`_write_statement`, returning how many rows the statement changed."""
        return (await self._write(sql, params))[1]

    async def _write(self, sql: str, params: tuple[Any, ...]) -> tuple[list[sqlite3.Row], int]:
        """Its rows and how many rows it changed: on the loop's connection if it can, else on the
        writer thread (handed off: rare, so one cursor's three trips to the thread do not matter)."""
        self._writes += 1
        try:
            done = self._quick(sql, params, write=True)
            if done is None:
                cursor = await self.conn.execute(sql, params)
                try:
                    return list(await cursor.fetchall()), cursor.rowcount
                finally:
                    await cursor.close()
        finally:
            self._writes += 1
        self._after_quick_write()
        return done

    @property
    def writes(self) -> int:
        """This process's writes, each counted as it starts and again as it ends (committed or
        not). While the count stays the same, nothing this process did has changed what a read
        returns, so rows read earlier may be used again. Other processes' writes are not seen
        here: whoever keeps rows must also let them age (see ``bot.cache``)."""
        return self._writes

    def _after_quick_write(self) -> None:
        # The quick connection never checkpoints (it could stall the loop on fsync): every so
        # many of its writes, the writer thread copies the WAL back into the database file, in
        # the background. It holds the write lock: a checkpoint overtaken by writes does not
        # finish, and then the WAL is never started afresh and grows without end.
        self._quick_writes += 1
        if self._quick_writes >= CHECKPOINT_EVERY and self._checkpoint is None:
            self._quick_writes = 0
            self._checkpoint = asyncio.create_task(self._run_checkpoint(), name="banter-wal-checkpoint")

    async def _run_checkpoint(self) -> None:
        try:
            async with self._write_lock:
                await self.conn.execute_fetchall("PRAGMA wal_checkpoint(PASSIVE)")
        except Exception:
            log.warning("WAL checkpoint failed; the next one will try again", exc_info=True)
        finally:
            self._checkpoint = None

    def _quick(self, sql: str, params: tuple[Any, ...], *,
               write: bool = False) -> tuple[list[sqlite3.Row], int] | None:
        """Run one statement on the event loop's own connection: its rows and how many rows it
        changed, or None if it must go to a thread instead, undone.

        A write runs inside BEGIN IMMEDIATE ... COMMIT of its own. On its own, SQLite commits
        it as the statement ends, and can report the budget's interrupt after that commit: the
        thread would then apply it a second time (a withdrawn vote cast again). In a
        transaction, an interrupted write is rolled back whenever the interrupt lands, and the
        COMMIT itself runs with no budget.
        """
        quick = self.quick
        if quick is None:
            return None
        self._deadline = time.perf_counter() + self.quick_budget
        try:
            if write:
                quick.execute("BEGIN IMMEDIATE")
            cursor = quick.execute(sql, params)
            done = cursor.fetchall(), cursor.rowcount
        except sqlite3.OperationalError as exc:
            self._deadline = math.inf
            if quick.in_transaction:
                quick.execute("ROLLBACK")
            if exc.sqlite_errorcode & 0xFF not in HANDED_OFF:
                raise
            self.handed_off += 1
            return None
        except BaseException:
            self._deadline = math.inf
            if quick.in_transaction:
                quick.execute("ROLLBACK")
            raise
        if write:
            self._deadline = math.inf
            quick.execute("COMMIT")
        return done

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        params = tuple(params)
        done = self._quick(sql, params)
        if done is None:
            return list(await self.reader.execute_fetchall(sql, params))
        return done[0]


class Statements(_Reads):
    """What :meth:`Database.exclusive` hands out: statements that each commit on their own."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        return await self._db._write_statement(sql, tuple(params))

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        return await self._db._write_counted(sql, tuple(params))

    async def execute_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        for row in rows:
            await self.execute(sql, row)

    def atomic(self) -> AbstractAsyncContextManager[TransactionSql]:
        raise RuntimeError("a transaction cannot start inside exclusive(): it holds the write lock")

    @asynccontextmanager
    async def exclusive(self) -> AsyncIterator[Statements]:
        yield self


class TransactionSql(_Reads):
    """Statements inside one write transaction (what :meth:`Database.atomic` hands out)."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        return list(await self._conn.execute_fetchall(sql, tuple(params)))

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        cur = await self._conn.execute(sql, tuple(params))
        changed = cur.rowcount
        await cur.close()
        return changed

    async def execute_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self._conn.executemany(sql, [tuple(row) for row in rows])

    @asynccontextmanager
    async def atomic(self) -> AsyncIterator[TransactionSql]:
        yield self  # already inside one: it commits with the rest

    @asynccontextmanager
    async def exclusive(self) -> AsyncIterator[TransactionSql]:
        yield self
