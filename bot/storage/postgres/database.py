"""The PostgreSQL database: a pool of asyncpg connections, the numbered migrations and transactions.

The repositories are written against :class:`bot.storage.sqlite.sql.Sql` and its ``?``
placeholders. :func:`translate` turns a statement into PostgreSQL's dialect, once per distinct
statement: ``?`` becomes ``$1``, ``$2``, ...; ``INDEXED BY`` (an SQLite planner hint) goes, as the
planner here chooses for itself; ``INSERT OR IGNORE`` becomes ``ON CONFLICT DO NOTHING``;
``x IS ?`` becomes ``x IS NOT DISTINCT FROM $n``; ``(flags & ?) = 0`` becomes ``< 1``, which
the planner estimates better (see :func:`translate`). Anything else that differs is a method of the
backend's own repositories (:mod:`bot.storage.postgres.repositories`).

A statement outside a transaction runs on any connection of the pool and commits on its own; a
transaction (:meth:`PgDatabase.atomic`) holds one connection until it ends.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import asyncpg

from bot.config import redact_url
from bot.errors import BanterError
from bot.storage.sqlite import connections

log = logging.getLogger(__name__)

# Serialises migrations of one database between processes started at the same moment.
MIGRATION_LOCK = 0x62616E746572  # "banter"
CONNECT_TIMEOUT = 10.0
_TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\?\d*|[^'\"?]+", re.S)


@lru_cache(maxsize=2048)
def translate(sql: str) -> str:
    """``sql``, written for SQLite with ``?`` placeholders, in PostgreSQL's dialect (see the module)."""
    sql = re.sub(r"\s+INDEXED BY \w+", "", sql)
    sql = re.sub(r"\bIS \?", "IS NOT DISTINCT FROM ?", sql)
    sql = re.sub(r"\bprintf\(", "format(", sql)  # the same %s in both
    # "No excluded flag": the same rows (flags and the mask are never negative), but PostgreSQL
    # guesses that 1 row in 200 has (flags & mask) = 0, and planned the picks on a library of
    # 20,000 jokes as a scan of every item; for < 1 it guesses 1 in 3 and seeks in the index.
    sql = re.sub(r"\(([\w.]+) & \?\) = 0", r"(\1 & ?) < 1", sql)
    if re.match(r"\s*INSERT OR IGNORE INTO", sql):
        sql = re.sub(r"INSERT OR IGNORE INTO", "INSERT INTO", sql, count=1)
        head, returning, tail = sql.partition(" RETURNING ")
        sql = f"{head.rstrip()} ON CONFLICT DO NOTHING" + (f" RETURNING {tail}" if returning else "")
    out: list[str] = []
    number = 0
    for token in _TOKEN.findall(sql):
        if token == "?":
            number += 1
            out.append(f"${number}")
        elif token.startswith("?"):  # ?2: the second parameter, as SQLite numbers them
            out.append(f"${token[1:]}")
        else:
            out.append(token)
    return "".join(out)


def _params(params: Iterable[Any]) -> list[Any]:
    # SQLite takes True and False for 1 and 0; flags are integer columns on both backends.
    return [int(p) if isinstance(p, bool) else p for p in params]


def _changed(status: str) -> int:
    """Rows changed, from a command tag such as ``UPDATE 3`` or ``INSERT 0 1``."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


def _reason(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return f"no answer within {CONNECT_TIMEOUT:g} seconds"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def migrations() -> list[tuple[int, str, str]]:
    """The numbered migration scripts of this backend, in order (found as SQLite's are)."""
    return connections.migrations(Path(__file__).with_name("migrations"))


# The picks' statement has one good plan whatever its values: seek into the tag's index from
# the random point. Left to choose, PostgreSQL kept planning it afresh for each pick's values
# (its custom plans looked cheaper than the generic one), which took most of a pick's time on
# the server; on connections with this setting it is planned once and the plan kept. That
# plan cannot know the LIMIT, guesses a large one, and on 1,000,000 jokes started a parallel
# worker for each pick (40 ms); a pick reads a few rows, so these connections start none.
PLANNED_ONCE = {"plan_cache_mode": "force_generic_plan", "max_parallel_workers_per_gather": "0"}


async def _keep_session(conn: asyncpg.Connection) -> None:
    """What a connection going back to the pool needs done beyond asyncpg's own rollback of an
    unfinished transaction: nothing. asyncpg's default sends ``RESET ALL``, ``UNLISTEN *``, ``CLOSE
    ALL`` and ``pg_advisory_unlock_all()``, a second round trip after every statement (a pick
    took twice the trips of its one query). Nothing here leaves a session changed: no ``SET``, no
    ``LISTEN``, no cursor, and the one session lock (migrations) is taken on a connection of its own."""


class Leases:
    """Connections of a pool, lent to one statement at a time and kept between them.

    asyncpg's pool takes a connection back through a task of its own (``asyncio.shield``), which
    cost a statement about as much again as a primary-key fetch (bench/pg.py). Up to ``keep``
    connections stay here between statements instead; the rest of the pool is left for
    transactions. A connection that broke, or whose statement was cancelled, goes back to the
    pool, which knows how to clean it up.
    """

    def __init__(self, pool: asyncpg.Pool, keep: int) -> None:
        self.pool = pool
        self.keep = keep
        self.idle: list[asyncpg.pool.PoolConnectionProxy] = []
        self.closing = False

    @asynccontextmanager
    async def lease(self) -> AsyncIterator[asyncpg.pool.PoolConnectionProxy]:
        conn = self.idle.pop() if self.idle else await self.pool.acquire()
        try:
            yield conn
        except BaseException as exc:
            if isinstance(exc, asyncpg.PostgresError):
                await self._put(conn)  # the server refused the statement; the connection is fine
            else:
                await self.pool.release(conn)
            raise
        await self._put(conn)

    async def _put(self, conn: asyncpg.pool.PoolConnectionProxy) -> None:
        # Once closing, a statement that was still running gives its connection back: the pool
        # waits for every connection before it closes.
        if not self.closing and len(self.idle) < self.keep and not conn.is_closed():
            self.idle.append(conn)
        else:
            await self.pool.release(conn)

    async def close(self) -> None:
        """Give every kept connection back, and those of statements still running as they end,
        so that the pool can close."""
        self.closing = True
        while self.idle:
            await self.pool.release(self.idle.pop())

    async def fetch(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        async with self.lease() as conn:
            rows: list[asyncpg.Record] = await conn.fetch(sql, *args)
            return rows

    async def fetchrow(self, sql: str, *args: Any) -> asyncpg.Record | None:
        async with self.lease() as conn:
            row: asyncpg.Record | None = await conn.fetchrow(sql, *args)
            return row

    async def fetchval(self, sql: str, *args: Any) -> Any:
        async with self.lease() as conn:
            return await conn.fetchval(sql, *args)

    async def execute(self, sql: str, *args: Any) -> str:
        async with self.lease() as conn:
            status: str = await conn.execute(sql, *args)
            return status

    async def executemany(self, sql: str, args: list[list[Any]]) -> None:
        async with self.lease() as conn:
            await conn.executemany(sql, args)


class _Statements:
    """Statements on one connection (a transaction's), or on the pool's (each on its own)."""

    def __init__(self, runner: Leases | asyncpg.Connection) -> None:
        self._runner = runner

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[asyncpg.Record]:
        rows: list[asyncpg.Record] = await self._runner.fetch(translate(sql), *_params(params))
        return rows

    async def fetch_one(self, sql: str, params: Iterable[Any] = ()) -> asyncpg.Record | None:
        row: asyncpg.Record | None = await self._runner.fetchrow(translate(sql), *_params(params))
        return row

    async def scalar(self, sql: str, params: Iterable[Any] = ()) -> Any:
        return await self._runner.fetchval(translate(sql), *_params(params))

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run one statement; return how many rows it changed."""
        status: str = await self._runner.execute(translate(sql), *_params(params))
        return _changed(status)

    async def execute_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        batch = [_params(row) for row in rows]
        if batch:
            await self._runner.executemany(translate(sql), batch)


class TransactionSql(_Statements):
    """Statements inside one transaction (what :meth:`PgDatabase.atomic` hands out)."""

    @asynccontextmanager
    async def atomic(self) -> AsyncIterator[TransactionSql]:
        yield self  # already inside one: it commits with the rest

    @asynccontextmanager
    async def exclusive(self) -> AsyncIterator[TransactionSql]:
        yield self


class PgDatabase(_Statements):
    def __init__(self, pool: asyncpg.Pool, url: str, planned: asyncpg.Pool | None = None) -> None:
        self.leases = Leases(pool, keep=max(1, pool.get_max_size() // 2))
        super().__init__(self.leases)
        self.pool = pool
        self.url = url
        # Statements planned once per connection, whatever their values (see PLANNED_ONCE): a
        # database of its own on the second pool, closed with this one.
        self.planned: PgDatabase = self if planned is None else PgDatabase(planned, url)

    @classmethod
    async def open(cls, url: str, *, min_size: int = 1, max_size: int = 10) -> PgDatabase:
        """Connect to the database at ``url`` and bring its schema up to date."""
        pools: list[asyncpg.Pool] = []
        try:
            for settings in ({}, PLANNED_ONCE):
                pools.append(await asyncio.wait_for(
                    asyncpg.create_pool(url, min_size=min_size, max_size=max_size, timeout=CONNECT_TIMEOUT,
                                        command_timeout=60, reset=_keep_session, server_settings=settings),
                    CONNECT_TIMEOUT + 1))
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError, ValueError) as exc:
            for pool in pools:
                await pool.close()
            raise BanterError(f"database: cannot connect to {redact_url(url)}: {_reason(exc)}") from None
        db = cls(pools[0], url, pools[1])
        try:
            await db.migrate()
        except BaseException:
            await db.close()
            raise
        return db

    async def close(self) -> None:
        if self.planned is not self:
            await self.planned.close()
        await self.leases.close()
        try:
            await asyncio.wait_for(self.pool.close(), timeout=10)
        except TimeoutError:
            self.pool.terminate()

    async def migrate(self) -> int:
        """Apply pending migrations, each in a transaction of its own and recorded in
        ``schema_migrations``; return the schema version. Processes starting together take turns."""
        # A connection of its own, not the pool's: closing it lets go of the lock whatever happened.
        conn = await asyncpg.connect(self.url, timeout=CONNECT_TIMEOUT)
        try:
            await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
            try:
                await conn.execute("""CREATE TABLE IF NOT EXISTS schema_migrations (
                                          version    BIGINT PRIMARY KEY,
                                          name       TEXT NOT NULL,
                                          applied_at TIMESTAMPTZ NOT NULL DEFAULT now())""")
                current = await conn.fetchval("SELECT coalesce(max(version), 0) FROM schema_migrations")
                for number, name, script in migrations():
                    if number <= current:
                        continue
                    async with conn.transaction():
                        await conn.execute(script)
                        await conn.execute("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                                           number, name)
                    log.info("database migrated to version %s (%s)", number, name)
                    current = number
            finally:
                await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)
        finally:
            await conn.close()
        return int(current)

    @asynccontextmanager
    async def atomic(self) -> AsyncIterator[TransactionSql]:
        """A transaction: committed when the block ends, rolled back if it raises."""
        async with self.pool.acquire() as conn, conn.transaction():
            yield TransactionSql(conn)

    @asynccontextmanager
    async def exclusive(self) -> AsyncIterator[TransactionSql]:
        """Statements that no other writer's come in between: here, one transaction."""
        async with self.atomic() as tx:
            yield tx

    # The names SQLite's Database has for the same things, so that a tool (or a test) that
    # changes rows behind the repositories' back speaks to both backends alike.
    transaction = atomic

    async def write(self, sql: str, params: Iterable[Any] = ()) -> None:
        await self.execute(sql, params)
