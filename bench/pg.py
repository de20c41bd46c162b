"""Picks and clicks on PostgreSQL beside SQLite, in one run. Prints p50/p99 latencies and ratios.

Builds the same library of N jokes (default 1,000,000, in 20 categories, about 2% flagged) in a
fresh SQLite file and in a fresh PostgreSQL database, shows 1,000 of one category in a channel on
both (the no-repeat window), then times, with the two backends taking turns, the wall clock of
each operation and the CPU it cost (in this process, and in the server's, when it runs here):

* one primary-key fetch of a whole item row: through aiosqlite, and on one plain asyncpg
  connection (the baselines the targets name);
* ``PickService.pick`` with a category filter and safe mode, in a quiet channel (every pick reads
  afresh), and picks one after another in a busy channel, each shown;
* a 👍/👎 click (``VoteService.click``: the toggle, the tallies by trigger, the server's tally read
  back) and a ⭐ Save click (``FavoriteService.toggle``), by many members on random items.

Target: the PostgreSQL pick's p50 within 3x of the asyncpg primary-key fetch (as the SQLite pick
against the aiosqlite one, bench/pick.py).

PostgreSQL is the server ``BANTER_TEST_POSTGRES_URL`` names, or, without it, a throwaway one
started here as the tests start theirs (tests/pg_cluster.py); the database made on it is dropped
at the end, and a server started here is stopped.

    python bench/pg.py [--items 1000000] [--picks 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

# Run as a script, the checkout's root is not on sys.path: bench.pick and tests.pg_cluster are.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402

from bench.pick import CATEGORIES, CHANNEL, GUILD, seed  # noqa: E402
from bot.clock import SystemClock  # noqa: E402
from bot.config import redact_url  # noqa: E402
from bot.services.favorites import FavoriteService  # noqa: E402
from bot.services.picker import PickService  # noqa: E402
from bot.services.votes import VoteService  # noqa: E402
from bot.storage import Storage  # noqa: E402
from bot.storage.postgres import PostgresStorage  # noqa: E402
from bot.storage.sqlite import SqliteStorage  # noqa: E402
from bot.storage.sqlite.items import ITEM_COLUMNS  # noqa: E402
from tests import pg_cluster  # noqa: E402
from tests.pg_databases import database_url  # noqa: E402

CATEGORY = "cat07"
WINDOW = 1000
MEMBERS = 1000
BATCH = 50  # samples of one operation on one backend before the other takes its turn
NOW = "2026-01-01T00:00:00.000000Z"

# The library bench/pick.py seeds into SQLite, made on the server in two statements.
PG_ITEMS = f"""
INSERT INTO items (id, kind, key, origin, body, flags, content_hash, rand, tags, created_at, updated_at)
SELECT n + 1, 'joke', 'bench-' || n, 'pack:bench',
       format('{{"setup": "Setup number %s?", "punchline": "Punchline %s."}}', n, n),
       CASE WHEN n % 50 = 0 THEN 2 ELSE 0 END, 'h', random(),
       format('["category:cat%s", "mood:happy"]', lpad((n % {len(CATEGORIES)})::text, 2, '0')), $2, $2
  FROM generate_series(0, $1 - 1) AS n"""
PG_TAGS = f"""
INSERT INTO item_tags (tag, item_id, rand)
SELECT t.tag, i.id, i.rand
  FROM items i
 CROSS JOIN LATERAL (VALUES ('category:cat' || lpad(((i.id - 1) % {len(CATEGORIES)})::text, 2, '0')),
                            ('mood:happy')) AS t (tag)
 WHERE i.origin = 'pack:bench'"""


class Side:
    """One backend, built and ready: the services a pick and the clicks go through, and its
    baseline, one primary-key fetch of a whole item row."""

    def __init__(self, name: str, storage: Storage, fetch: Callable[[int], Awaitable[object]]) -> None:
        clock, rng = SystemClock(), random.Random(2)
        self.name = name
        self.fetch = fetch
        self.picker = PickService(storage, clock, rng)
        self.votes = VoteService(storage, clock)
        self.favorites = FavoriteService(storage, clock)


@asynccontextmanager
async def postgres_server() -> AsyncIterator[tuple[str, str]]:
    """The server's address and how to describe it: ``BANTER_TEST_POSTGRES_URL``, or a throwaway."""
    url = os.environ.get(pg_cluster.URL_VARIABLE)
    if url:
        yield url, redact_url(url)
        return
    cluster = pg_cluster.start()
    try:
        yield cluster.url, "a throwaway server started for this run"
    finally:
        cluster.stop()


@asynccontextmanager
async def bench_database(server: str) -> AsyncIterator[str]:
    """A database of its own on ``server``, dropped afterwards."""
    name = f"banter_bench_{os.getpid()}"
    admin = await asyncpg.connect(database_url(server, "postgres"))
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await admin.execute(f"CREATE DATABASE {name}")
        try:
            yield database_url(server, name)
        finally:
            await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        await admin.close()


async def seed_postgres(storage: PostgresStorage, count: int) -> None:
    """The library, built on the server: the two tables' secondary indexes and the tags' foreign
    key are taken off for the load and put back after it (one sort each, one join to check)."""
    async with storage.db.pool.acquire() as conn:
        async with conn.transaction():
            await conn.execute("SET LOCAL maintenance_work_mem = '256MB'")
            indexes = await conn.fetch(
                """SELECT format('%I', c.relname) AS name, pg_get_indexdef(c.oid) AS definition
                     FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
                    WHERE x.indrelid IN ('items'::regclass, 'item_tags'::regclass)
                      AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)""")
            keys = await conn.fetch(
                """SELECT format('%I', conname) AS name, pg_get_constraintdef(oid) AS definition
                     FROM pg_constraint WHERE conrelid = 'item_tags'::regclass AND contype = 'f'""")
            for key in keys:
                await conn.execute(f"ALTER TABLE item_tags DROP CONSTRAINT {key['name']}")
            for index in indexes:
                await conn.execute(f"DROP INDEX {index['name']}")
            await conn.execute("SELECT setseed(0.1)")
            await conn.execute(PG_ITEMS, count, NOW)
            await conn.execute(PG_TAGS)
            for index in indexes:
                await conn.execute(index["definition"])
            for key in keys:
                await conn.execute(f"ALTER TABLE item_tags ADD CONSTRAINT {key['name']} {key['definition']}")
            await conn.execute("SELECT setval(pg_get_serial_sequence('items', 'id'), $1)", max(count, 1))
        # The visibility map lets the picks' index scans skip the heap where they can.
        await conn.execute("VACUUM (ANALYZE) items, item_tags")


def window(count: int) -> int:
    """Items of the category shown in the channel: 1,000, or half of them in a small library (so
    that a pick never finds them all shown)."""
    return min(WINDOW, count // len(CATEGORIES) // 2)


async def show_window(storage: Storage, count: int) -> None:
    """The no-repeat window: the first items of the category, shown in CHANNEL."""
    first = CATEGORIES.index(CATEGORY)
    shown = [n + 1 for n in range(first, count, len(CATEGORIES))][:window(count)]
    async with storage.transaction() as tx:
        for item_id in shown:
            await tx.history.record(scope_id=CHANNEL, kind="joke", item_id=item_id, guild_id=GUILD, now=NOW)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def server_cpu(pids: list[int]) -> float | None:
    """CPU time (s) the server's processes for these connections have used, if this machine's
    /proc shows them (a server on another machine: None)."""
    try:
        return sum(int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) for pid in pids) / 1e9
    except (OSError, ValueError, IndexError):
        return None


@dataclass
class Measured:
    wall: list[float] = field(default_factory=list)  # µs, one per operation
    cpu: float = 0.0  # s, this process
    server: float | None = 0.0  # s, the server's processes (PostgreSQL on this machine)


async def run(sides: list[Side], count: int, picks: int, rng: random.Random,
              server_pids: Callable[[], Awaitable[list[int]]]) -> dict[str, dict[str, Measured]]:
    """Every operation on every side, in turns of BATCH; what each took, by operation and side."""
    filters = {s.name: await s.picker.filters("joke", GUILD, category=CATEGORY) for s in sides}

    def operations(side: Side) -> dict[str, Callable[[], Awaitable[object]]]:
        picker, f = side.picker, filters[side.name]

        async def busy_pick() -> None:
            item = await picker.pick(f, scope_id=CHANNEL + 2)
            picker.shown(item, scope_id=CHANNEL + 2, guild_id=GUILD)
            await asyncio.sleep(0)  # the showings' writer gets its turn, as between interactions

        return {
            "primary-key fetch": lambda: side.fetch(rng.randint(1, count)),
            "pick": lambda: picker.pick(f, scope_id=CHANNEL),
            "  in a busy channel": busy_pick,
            "vote click": lambda: side.votes.click(item_id=rng.randint(1, count), guild_id=GUILD,
                                                   user_id=rng.randint(1, MEMBERS), up=rng.random() < 0.7),
            "⭐ save click": lambda: side.favorites.toggle(guild_id=GUILD, user_id=rng.randint(1, MEMBERS),
                                                         item_id=rng.randint(1, count)),
        }

    ops = {s.name: operations(s) for s in sides}
    results = {op: {s.name: Measured() for s in sides} for op in ops[sides[0].name]}
    for side in sides:  # warm the connections, the statement caches and the pages read
        for action in ops[side.name].values():
            for _ in range(min(50, picks)):
                await action()
    pids = await server_pids()
    for turn in range((picks + BATCH - 1) // BATCH):
        order = sides if turn % 2 == 0 else sides[::-1]
        for op, by_side in results.items():
            for side in order:
                action, out = ops[side.name][op], by_side[side.name]
                cpu, server = time.process_time(), server_cpu(pids) if side.name == "postgres" else None
                for _ in range(min(BATCH, picks - turn * BATCH)):
                    start = time.perf_counter()
                    await action()
                    out.wall.append((time.perf_counter() - start) * 1e6)
                out.cpu += time.process_time() - cpu
                after = server_cpu(pids) if server is not None else None
                out.server = None if after is None or server is None or out.server is None else (
                    out.server + after - server)
    return results


def report(results: dict[str, dict[str, Measured]], count: int, server: str, settings: str, load: str) -> None:
    print(f"library: {count:,} jokes in {len(CATEGORIES)} categories; a pick: one category, safe mode, "
          f"{window(count):,} shown in the channel; clicks by {MEMBERS:,} members on random items")
    print(f"PostgreSQL: {server} ({settings}); load average before the run: {load}")
    print(f"{'wall clock, µs':22}{'SQLite p50':>11}{'p99':>9}{'PG p50':>10}{'p99':>9}{'PG/SQLite':>11}")
    for op, by_side in results.items():
        s50, s99 = percentiles(by_side["sqlite"].wall)
        p50, p99 = percentiles(by_side["postgres"].wall)
        print(f"{op:22}{s50:11.0f}{s99:9.0f}{p50:10.0f}{p99:9.0f}{p50 / s50:10.2f}x")
    print(f"{'CPU per operation, µs':22}{'SQLite':>11}{'PG here':>11}{'PG server':>11}{'PG total':>10}"
          f"{'PG/SQLite':>11}")
    for op, by_side in results.items():
        lite, pg = by_side["sqlite"], by_side["postgres"]
        s_cpu, p_cpu = lite.cpu / len(lite.wall) * 1e6, pg.cpu / len(pg.wall) * 1e6
        if pg.server is None:
            print(f"{op:22}{s_cpu:11.0f}{p_cpu:11.0f}{'?':>11}")
            continue
        p_server = pg.server / len(pg.wall) * 1e6
        print(f"{op:22}{s_cpu:11.0f}{p_cpu:11.0f}{p_server:11.0f}{p_cpu + p_server:10.0f}"
              f"{(p_cpu + p_server) / s_cpu:10.2f}x")
    print("(wall: p50 and p99 of each operation, PG/SQLite the ratio of the p50s; CPU: the mean, in this "
          "process, which holds SQLite, and in PostgreSQL's server processes)")
    fetch, pick = results["primary-key fetch"], results["pick"]
    s_ratio = percentiles(pick["sqlite"].wall)[0] / percentiles(fetch["sqlite"].wall)[0]
    p_ratio = percentiles(pick["postgres"].wall)[0] / percentiles(fetch["postgres"].wall)[0]
    print(f"pick p50 / primary-key fetch p50: SQLite {s_ratio:.2f}x (aiosqlite), "
          f"PostgreSQL {p_ratio:.2f}x (asyncpg)")
    verdict = "meets" if p_ratio <= 3 else "MISSES"
    print(f"PostgreSQL pick p50 is {p_ratio:.2f}x the asyncpg primary-key fetch: {verdict} the 3x target")


async def main(count: int, picks: int) -> None:
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    with tempfile.TemporaryDirectory() as tmp:
        async with postgres_server() as (server, described), bench_database(server) as url:
            sqlite = await SqliteStorage.open(Path(tmp) / "bench.db", rng=random.Random(1))
            postgres = await PostgresStorage.open(url, rng=random.Random(1))
            plain = await asyncpg.connect(url)  # the baseline: one connection, nothing of Banter's
            try:
                t0 = time.perf_counter()
                await seed(sqlite.db, count, random.Random(1))
                t1 = time.perf_counter()
                await seed_postgres(postgres, count)
                t2 = time.perf_counter()
                print(f"built {count:,} jokes: SQLite in {t1 - t0:.1f} s, PostgreSQL in {t2 - t1:.1f} s")
                for storage in (sqlite, postgres):
                    await show_window(storage, count)
                # What autovacuum would have done by now: planned on an empty table's statistics,
                # the pick's check of the channel's history reads all the channel's rows.
                await plain.execute("ANALYZE history")
                statement = f"SELECT {ITEM_COLUMNS} FROM items WHERE id = "
                settings = ", ".join([
                    f"PostgreSQL {await plain.fetchval('SHOW server_version')}",
                    f"fsync {await plain.fetchval('SHOW fsync')}",
                    f"synchronous_commit {await plain.fetchval('SHOW synchronous_commit')}",
                    f"shared_buffers {await plain.fetchval('SHOW shared_buffers')}",
                ])
                sides = [
                    Side("sqlite", sqlite, lambda key: sqlite.db.reader.execute_fetchall(statement + "?", (key,))),
                    Side("postgres", postgres, lambda key: plain.fetchrow(statement + "$1", key)),
                ]

                async def server_pids() -> list[int]:
                    rows = await plain.fetch("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
                    return [row["pid"] for row in rows]

                results = await run(sides, count, picks, random.Random(3), server_pids)
                report(results, count, described, settings, load)
            finally:
                await plain.close()
                await sqlite.close()
                await postgres.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=1_000_000, help="jokes in the library (default 1,000,000)")
    parser.add_argument("--picks", type=int, default=2000, help="samples of each operation on each backend")
    args = parser.parse_args()
    asyncio.run(main(args.items, args.picks))
