"""bench/pg.py still runs: on a tiny library, as a person runs it, it prints its whole table.
Nothing here is timed; the figures belong in bench/README.md."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import asyncpg

from tests.pg_cluster import URL_VARIABLE
from tests.pg_databases import database_url

ROOT = Path(__file__).resolve().parent.parent
OPERATIONS = ("primary-key fetch", "pick", "  in a busy channel", "vote click", "⭐ save click")


async def test_the_postgresql_bench_prints_its_table(postgres_server: str) -> None:
    env = {**os.environ, URL_VARIABLE: postgres_server}
    bench = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "bench" / "pg.py"), "--items", "200", "--picks", "20",
        cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(bench.communicate(), timeout=300)
    assert bench.returncode == 0, err.decode()
    lines = out.decode().splitlines()
    assert lines[0].startswith("built 200 jokes: SQLite in ")
    for heading in ("wall clock, µs", "CPU per operation, µs"):
        [at] = [n for n, line in enumerate(lines) if line.startswith(heading)]
        rows = lines[at + 1:at + 1 + len(OPERATIONS)]
        assert [row[:22].rstrip() for row in rows] == [op.rstrip() for op in OPERATIONS], rows
    [at] = [n for n, line in enumerate(lines) if line.startswith("wall clock, µs")]
    assert all(row.endswith("x") for row in lines[at + 1:at + 1 + len(OPERATIONS)])  # each with its ratio
    assert any(line.startswith("PostgreSQL pick p50 is ") and "the 3x target" in line for line in lines)
    # And it dropped the database it made.
    admin = await asyncpg.connect(database_url(postgres_server, "postgres"))
    try:
        left = await admin.fetchval("SELECT count(*) FROM pg_database WHERE datname = $1",
                                    f"banter_bench_{bench.pid}")
    finally:
        await admin.close()
    assert left == 0
