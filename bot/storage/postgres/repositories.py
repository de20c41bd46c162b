"""The repositories on PostgreSQL: SQLite's, wherever their SQL is standard (it runs through
:func:`bot.storage.postgres.database.translate`), and these methods where PostgreSQL says things
its own way: full-text search (a ``tsvector`` under a GIN index instead of FTS5), JSON, a batch of
showings written from typed ``VALUES``, and the locks two processes need (the packs' import, an
edit's read of what it started from).
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence

from bot.models import ContentEntry, Filters, Item, Kind
from bot.records import Candidate, ItemState, SimilarItem, candidate, item_of
from bot.storage.postgres.search import fold, tsquery
from bot.storage.sqlite.catalog import CatalogRepository, public
from bot.storage.sqlite.history import ShowingWriter
from bot.storage.sqlite.items import I_COLUMNS, TALLY_COLUMNS, TALLY_JOIN, ItemRepository, eligible, tags_of
from bot.storage.sqlite.moderation import CASE_COLUMNS, ModerationRepository
from bot.storage.sqlite.sql import Sql

# Held by whoever changes the library (see PgItemRepository.upsert).
LIBRARY_LOCK = 0x6C696272  # "libr"
MATCH = "f.document @@ to_tsquery('banter', ?)"
RANK = "ts_rank(f.document, to_tsquery('banter', ?)) DESC"


class PgShowingWriter(ShowingWriter):
    def statement(self, count: int) -> str:
        values = ", ".join(["(?::bigint, ?::text, ?::bigint, ?::bigint, ?::text)"] * count)
        return f"""INSERT INTO history (scope_id, kind, item_id, guild_id, shown_at)
                   SELECT v.scope_id, v.kind, v.item_id, v.guild_id, v.shown_at
                     FROM (VALUES {values}) AS v (scope_id, kind, item_id, guild_id, shown_at)
                    WHERE v.item_id IN (SELECT id FROM items)
                   ON CONFLICT (scope_id, kind, item_id) DO UPDATE SET shown_at = excluded.shown_at"""


class PgItemRepository(ItemRepository):
    def __init__(self, sql: Sql, rng: random.Random | None = None, *, planned: Sql | None = None) -> None:
        super().__init__(sql, rng)
        # The picks' reads, on connections that plan a statement once (PgDatabase.planned).
        self._picks = ItemRepository(planned or sql, rng)

    async def candidates(self, f: Filters, *, start: float, limit: int, history_scope: int | None = None,
                         skip: Sequence[int] = ()) -> list[Candidate]:
        return await self._picks.candidates(f, start=start, limit=limit, history_scope=history_scope, skip=skip)

    async def upsert(self, entry: ContentEntry, *, origin: str, guild_id: int | None, now: str) -> tuple[int, str]:
        """As on SQLite. Two processes starting at once (shard clusters) both import the packs:
        a lock held to the end of the transaction makes the second wait and then find the
        first one's rows, where it would otherwise insert the same keys and fail."""
        async with self.sql.atomic() as sql:
            await sql.execute("SELECT pg_advisory_xact_lock(?)", (LIBRARY_LOCK,))
            return await ItemRepository.upsert(PgItemRepository(sql, self.rng), entry, origin=origin,
                                               guild_id=guild_id, now=now)

    async def _write_index(self, sql: Sql, item_id: int, entry: ContentEntry, rand: float) -> None:
        await sql.execute_many(
            "INSERT INTO item_tags (tag, item_id, rand) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            [(tag, item_id, rand) for tag in tags_of(entry)],
        )
        await sql.execute("INSERT INTO items_fts (rowid, text) VALUES (?, ?)", (item_id, fold(entry.searchable())))

    async def search(self, f: Filters, *, query: str, limit: int = 200) -> list[Candidate]:
        """Eligible items matching a search (an FTS5 query: see :mod:`bot.storage.postgres.search`)
        and carrying the filters' tag, best matches first."""
        where, params = eligible(f)
        if f.tag is not None:
            where.append("EXISTS (SELECT 1 FROM item_tags t WHERE t.item_id = i.id AND t.tag = ?)")
            params.append(f.tag)
        words = tsquery(query)
        rows = await self.sql.fetch_all(
            f"""SELECT {I_COLUMNS}, {TALLY_COLUMNS} FROM items_fts f JOIN items i ON i.id = f.rowid {TALLY_JOIN}
                 WHERE {MATCH} AND {' AND '.join(where)} ORDER BY {RANK}, i.id LIMIT ?""",
            [f.guild_id, words, *params, words, limit],
        )
        return [candidate(r) for r in rows]


class PgCatalogRepository(CatalogRepository):
    SETUP = "(i.body::json ->> 'setup')"

    async def search(self, query: str, *, kind: Kind | None, excluded_flags: int, offset: int,
                     limit: int) -> tuple[list[Item], int]:
        where, params = public(excluded_flags)
        if kind is not None:
            where.insert(0, "i.kind = ?")
            params.insert(0, kind)
        clause = " AND ".join(where)
        words = tsquery(query)
        source = "items_fts f JOIN items i ON i.id = f.rowid"
        total: int = await self.sql.scalar(
            f"SELECT count(*) FROM {source} WHERE {MATCH} AND {clause}", [words, *params]
        )
        rows = await self.sql.fetch_all(
            f"""SELECT {I_COLUMNS} FROM {source} WHERE {MATCH} AND {clause}
                 ORDER BY {RANK}, i.id LIMIT ? OFFSET ?""",
            [words, *params, words, limit, offset],
        )
        return [item_of(r) for r in rows], total


class PgModerationRepository(ModerationRepository):
    # An edit reads what it started from inside its write transaction to check nobody changed it
    # meanwhile. SQLite runs one write transaction at a time; here two run at once, so the read
    # locks the row: the second edit waits for the first to commit, then reads what it wrote.

    async def item_state(self, item_id: int) -> ItemState | None:
        row = await self.sql.fetch_one("SELECT content_hash, status FROM items WHERE id = ? FOR UPDATE", (item_id,))
        return None if row is None else ItemState(row["content_hash"], row["status"])

    async def pending_proposal(self, *, case_id: int, guild_id: int) -> ContentEntry | None:
        row = await self.sql.fetch_one(
            f"""SELECT {CASE_COLUMNS} FROM review_cases
                 WHERE id = ? AND guild_id = ? AND type = 'suggestion' AND status = 'pending' FOR UPDATE""",
            (case_id, guild_id),
        )
        return None if row is None else self._case(row).proposal

    async def similar_items(self, *, kind: Kind, guild_id: int, query: str, limit: int = 25) -> list[SimilarItem]:
        words = tsquery(query)
        rows = await self.sql.fetch_all(
            f"""SELECT i.id, i.kind, i.guild_id, i.body FROM items_fts f JOIN items i ON i.id = f.rowid
                WHERE {MATCH} AND i.kind = ? AND i.status = 'active'
                  AND (i.guild_id IS NULL OR i.guild_id = ?)
                ORDER BY {RANK}, i.id LIMIT ?""",
            (words, kind, guild_id, words, limit),
        )
        return [SimilarItem(r["id"], r["kind"], r["guild_id"], json.loads(r["body"])) for r in rows]

    async def library(self, guild_id: int, *, query: str | None, limit: int = 30) -> list[tuple[Item, str | None]]:
        if query is None:
            return await ModerationRepository.library(self, guild_id, query=None, limit=limit)
        words = tsquery(query)
        rows = await self.sql.fetch_all(
            f"""SELECT {I_COLUMNS}, (SELECT h.reason FROM guild_hidden h WHERE h.guild_id = ? AND h.item_id = i.id)
                       AS hidden_reason
                  FROM items_fts f JOIN items i ON i.id = f.rowid
                 WHERE {MATCH} AND (i.guild_id IS NULL OR i.guild_id = ?)
                 ORDER BY {RANK}, i.id LIMIT ?""",
            (guild_id, words, guild_id, words, limit),
        )
        return [(item_of(r), r["hidden_reason"]) for r in rows]
