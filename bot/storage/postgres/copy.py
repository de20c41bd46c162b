"""``python -m bot migrate-db --to postgresql://...``: a whole SQLite database moved to PostgreSQL.

Every table is copied in one transaction into a database that holds nothing yet (a second run
finds the rows and is refused, so nothing is ever copied twice; a failed run leaves nothing).
Tallies are not copied: items start at 0 votes, and the votes' own triggers count them again as
the votes arrive, so the tallies on PostgreSQL are those of the votes actually moved. Each
table's rows are then read back on both sides in key order and compared by count and SHA-256.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import asyncpg
from msgspec import Struct

from bot.errors import BanterError
from bot.storage.postgres.database import PgDatabase
from bot.storage.postgres.search import fold

# Copied in this order (a table before those that refer to it); tables found in the file and not
# named here come after, in name order.
ORDER = ("meta", "items", "item_tags", "items_fts", "guild_settings", "daily_schedules", "daily_picks",
         "daily_posts", "guild_hidden", "case_numbers", "review_cases", "reports", "item_versions", "moderation_log",
         "review_reminders", "mood_corrections", "history", "votes", "favorites")
# Kept by the votes' (and favourites') triggers on both sides: rebuilt as they are copied, then
# compared. Cases keep the numbers they had (the numbering trigger leaves a numbered case alone).
COUNTED = ("guild_item_stats", "mood_item_stats")
TALLY_COLUMNS = {"up", "down", "score", "saves"}
BATCH = 1000


class TableCopy(Struct, frozen=True):
    table: str
    rows: int
    source_sum: str
    target_sum: str

    @property
    def matches(self) -> bool:
        return self.source_sum == self.target_sum


def _digest(rows: Iterable[Sequence[Any]]) -> tuple[int, str]:
    digest = hashlib.sha256()
    count = 0
    for row in rows:
        digest.update(json.dumps(list(row), ensure_ascii=False).encode())
        digest.update(b"\n")
        count += 1
    return count, digest.hexdigest()


def _prepared(table: str, row: Sequence[Any]) -> Sequence[Any]:
    # The search index holds its text with accents folded on PostgreSQL (see search.py).
    return (row[0], fold(row[1])) if table == "items_fts" else row


def _tables(source: sqlite3.Connection) -> list[str]:
    names = {r[0] for r in source.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table') AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE 'items_fts_%'")}
    names.add("items_fts")
    unknown = sorted(names - set(ORDER) - set(COUNTED))
    return [t for t in ORDER if t in names] + unknown


def _columns(source: sqlite3.Connection, table: str) -> list[str]:
    if table == "items_fts":
        return ["rowid", "text"]
    return [r[1] for r in source.execute(f"PRAGMA table_info({table})")]


def _key(source: sqlite3.Connection, table: str, columns: list[str]) -> str:
    keys = [r[1] for r in sorted(source.execute(f"PRAGMA table_info({table})"), key=lambda r: r[5]) if r[5]]
    return ", ".join(keys or columns)


async def migrate_db(source_path: Path, target_url: str) -> list[TableCopy]:
    """Copy the SQLite database at ``source_path`` into the empty PostgreSQL database at
    ``target_url`` (migrated first); return each table's count and checksums."""
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    target = await PgDatabase.open(target_url)
    try:
        tables = _tables(source)
        filled = [t for t in [*tables, *COUNTED] if await target.scalar(f"SELECT to_regclass('{t}') IS NOT NULL")
                  and await target.scalar(f"SELECT EXISTS (SELECT 1 FROM {t})")]
        if filled:
            raise BanterError(f"migrate-db: the PostgreSQL database already holds data ({', '.join(filled)}); it "
                              "copies into an empty database only, so nothing was copied twice")
        async with target.atomic() as tx:
            for table in tables:
                columns = _columns(source, table)
                chosen = ", ".join(columns)
                if table == "items":  # the votes' triggers count the tallies again
                    chosen = ", ".join("0" if c in TALLY_COLUMNS else c for c in columns)
                marks = ", ".join("?" * len(columns))
                cursor = source.execute(f"SELECT {chosen} FROM {table}")
                try:
                    while batch := cursor.fetchmany(BATCH):
                        await tx.execute_many(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                                              [_prepared(table, row) for row in batch])
                except asyncpg.PostgresError as exc:
                    raise BanterError(f"migrate-db: could not copy {table} (nothing was copied): {exc}") from None
                if "id" in columns:
                    await tx.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                     f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)")
        copies = []
        for table in [*tables, *COUNTED]:
            columns = _columns(source, table)
            order = _key(source, table, columns) if table != "items_fts" else "rowid"
            select = f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}"
            count, source_sum = _digest(_prepared(table, row) for row in source.execute(select))
            target_count, target_sum = _digest(await target.fetch_all(select))
            copies.append(TableCopy(table, count, source_sum, target_sum if target_count == count else "count differs"))
        return copies
    finally:
        source.close()
        await target.close()


def report(copies: Sequence[TableCopy]) -> str:
    lines = [f"{'table':<18} {'rows':>8}  sha-256 (first 16)  same"]
    for c in copies:
        lines.append(f"{c.table:<18} {c.rows:>8}  {c.source_sum[:16]}    {'yes' if c.matches else 'NO'}")
    bad = [c.table for c in copies if not c.matches]
    lines.append("every table matches" if not bad else f"tables that differ: {', '.join(bad)}")
    return "\n".join(lines)
