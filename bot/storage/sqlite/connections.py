"""Opening the SQLite file: the settings every connection gets, and the numbered migrations."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import aiosqlite

from bot.models import wilson_lower_bound

MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


# Shipped beside this module as package data (pyproject.toml).
MIGRATIONS = Path(__file__).with_name("migrations")


def migrations(folder: Path = MIGRATIONS) -> list[tuple[int, str, str]]:
    """The numbered migration scripts in ``folder`` (SQLite's, unless another backend names its
    own), in order."""
    found = []
    for entry in folder.iterdir():
        match = MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [number for number, _, _ in found]
    if numbers != list(range(1, len(numbers) + 1)):
        raise RuntimeError(f"migrations must be numbered 001, 002, ... without gaps; found {numbers}")
    return found


async def connect(path: Path) -> aiosqlite.Connection:
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


def connect_quick(path: Path) -> sqlite3.Connection:
    """The connection used on the event loop itself (see the module's docstring)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 0")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        conn.execute("PRAGMA cache_size = -65536")
        conn.execute("PRAGMA mmap_size = 268435456")
        conn.create_function("wilson", 2, wilson_lower_bound, deterministic=True)
    except BaseException:
        conn.close()
        raise
    return conn
