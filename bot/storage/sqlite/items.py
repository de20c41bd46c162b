"""SQL for the content library: items, their tags and their search index."""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Sequence

from bot.models import (
    ContentEntry,
    Filters,
    Item,
    Kind,
    category_tag,
    flags_to_mask,
    mood_tag,
)
from bot.records import ITEM_FIELDS, Candidate, candidate, item_of
from bot.storage.sqlite.sql import Sql

ITEM_COLUMNS = ", ".join(ITEM_FIELDS)
# The same, read through the alias ``i`` in joins.
I_COLUMNS = ", ".join(f"i.{c}" for c in ITEM_FIELDS)
# This server's tally read along with a picked item, so showing it takes no second query.
# TALLY_JOIN takes the guild id as a parameter, before those of the WHERE clause.
TALLY_COLUMNS = "s.up AS g_up, s.down AS g_down"
TALLY_JOIN = "LEFT JOIN guild_item_stats s ON s.guild_id = ? AND s.item_id = i.id"
# For a pick for a mood, this server's tally in that mood too (guild id, then mood name).
MOOD_TALLY_COLUMNS = "m.up AS m_up, m.down AS m_down"
MOOD_TALLY_JOIN = "LEFT JOIN mood_item_stats m ON m.guild_id = ? AND m.mood = ? AND m.item_id = i.id"
MOOD_TAG = mood_tag("")


def eligible(f: Filters, *, history_scope: int | None = None,
             skip: Sequence[int] = ()) -> tuple[list[str], list[object]]:
    """The conditions (on items aliased ``i``) for an item a server may be shown under ``f``
    (its tag aside, which each query joins in its own way), with their parameters: active,
    global or the server's own, not hidden there, carrying no excluded flag, in no blocked
    category and, with ``history_scope``, not shown there yet (nor in ``skip``). Every pick,
    count and ranking uses this one definition."""
    where = ["i.kind = ?", "i.status = 'active'", "(i.guild_id IS NULL OR i.guild_id = ?)"]
    params: list[object] = [f.kind, f.guild_id]
    if f.excluded_flags:
        where.append("(i.flags & ?) = 0")
        params.append(f.excluded_flags)
    if f.blocked_tags:
        marks = ",".join("?" * len(f.blocked_tags))
        where.append(f"NOT EXISTS (SELECT 1 FROM item_tags b WHERE b.item_id = i.id AND b.tag IN ({marks}))")
        params += list(f.blocked_tags)
    if f.languages:
        where.append(f"(i.guild_id IS NOT NULL OR i.language IN ({','.join('?' * len(f.languages))}))")
        params += list(f.languages)
    where.append("NOT EXISTS (SELECT 1 FROM guild_hidden g WHERE g.guild_id = ? AND g.item_id = i.id)")
    params.append(f.guild_id)
    if history_scope is not None:
        where.append("NOT EXISTS (SELECT 1 FROM history h WHERE h.scope_id = ? AND h.kind = i.kind "
                     "AND h.item_id = i.id)")
        params.append(history_scope)
    if skip:
        where.append(f"i.id NOT IN ({','.join('?' * len(skip))})")
        params += list(skip)
    return where, params


def tags_of(entry: ContentEntry) -> list[str]:
    return [category_tag(c) for c in entry.categories] + [mood_tag(m) for m in entry.moods]


class ItemRepository:
    def __init__(self, sql: Sql, rng: random.Random | None = None) -> None:
        self.sql = sql
        self.rng = rng or random.Random()

    async def get(self, item_id: int) -> Item | None:
        row = await self.sql.fetch_one(f"SELECT {ITEM_COLUMNS} FROM items WHERE id = ?", (item_id,))
        return None if row is None else item_of(row)

    async def find(self, *, kind: Kind | None = None, status: str | None = "active",
                   global_only: bool = False) -> list[Item]:
        """Items in id order: of one kind, with one status (None: any), only global ones."""
        clauses: list[str] = []
        params: list[object] = []
        if kind is not None:
            clauses.append("kind = ?")
            params.append(kind)
        if status is not None:
            clauses.append("status = ?")
            params.append(status)
        if global_only:
            clauses.append("guild_id IS NULL")
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = await self.sql.fetch_all(f"SELECT {ITEM_COLUMNS} FROM items {where} ORDER BY id", params)
        return [item_of(r) for r in rows]

    async def categories(self, f: Filters) -> list[tuple[str, int]]:
        """Categories with at least one item the server may be shown under these filters (their
        tag aside), with how many, largest first."""
        where, params = eligible(f)
        rows = await self.sql.fetch_all(
            f"""SELECT substr(t.tag, 10) AS name, count(*) AS n
                  FROM item_tags t JOIN items i ON i.id = t.item_id
                 WHERE t.tag LIKE 'category:%' AND {' AND '.join(where)}
                 GROUP BY t.tag ORDER BY n DESC, name""",
            params,
        )
        return [(r["name"], r["n"]) for r in rows]

    async def fingerprints(self) -> dict[tuple[str, str], tuple[str, str, str]]:
        """(kind, key) -> (content hash, status, origin) of every item, read in one query."""
        rows = await self.sql.fetch_all("SELECT kind, key, content_hash, status, origin FROM items")
        return {(r[0], r[1]): (r[2], r[3], r[4]) for r in rows}

    # --- writing ---------------------------------------------------------------------------------

    async def upsert(self, entry: ContentEntry, *, origin: str, guild_id: int | None, now: str) -> tuple[int, str]:
        """Insert or update one entry (in one transaction, or in the caller's).

        Returns the item id and what happened: ``added``, ``updated``, ``unchanged`` or
        ``restored`` (a retired item brought back). An item keeps its id, rand and votes
        when it is edited; only its content changes.
        """
        digest = entry.content_hash()
        async with self.sql.atomic() as sql:
            row = await sql.fetch_one(
                "SELECT id, content_hash, status, origin, rand FROM items WHERE kind = ? AND key = ?",
                (entry.kind, entry.key),
            )
            if row is None:
                rand = self.rng.random()
                item_id = await sql.scalar(
                    """INSERT INTO items (kind, key, guild_id, origin, body, flags, language, credit,
                                          content_hash, rand, tags, created_at, updated_at)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
                    (entry.kind, entry.key, guild_id, origin, json.dumps(entry.body.to_json()),
                     flags_to_mask(entry.flags), entry.language, entry.credit, digest, rand,
                     json.dumps(tags_of(entry)), now, now),
                )
                await self._write_index(sql, item_id, entry, rand)
                return item_id, "added"
            item_id = row["id"]
            if row["content_hash"] == digest and row["status"] == "active" and row["origin"] == origin:
                return item_id, "unchanged"
            outcome = "restored" if row["status"] != "active" else "updated"
            if row["content_hash"] != digest:
                await sql.execute(
                    """UPDATE items SET body = ?, flags = ?, language = ?, credit = ?, content_hash = ?,
                                        tags = ?, origin = ?, status = 'active', updated_at = ? WHERE id = ?""",
                    (json.dumps(entry.body.to_json()), flags_to_mask(entry.flags), entry.language,
                     entry.credit, digest, json.dumps(tags_of(entry)), origin, now, item_id),
                )
                await sql.execute("DELETE FROM item_tags WHERE item_id = ?", (item_id,))
                await sql.execute("DELETE FROM items_fts WHERE rowid = ?", (item_id,))
                await self._write_index(sql, item_id, entry, row["rand"])
            else:
                await sql.execute(
                    "UPDATE items SET origin = ?, status = 'active', updated_at = ? WHERE id = ?",
                    (origin, now, item_id),
                )
            return item_id, outcome

    async def _write_index(self, sql: Sql, item_id: int, entry: ContentEntry, rand: float) -> None:
        """The item's rows in the tag index and the search index."""
        await sql.execute_many(
            "INSERT OR IGNORE INTO item_tags (tag, item_id, rand) VALUES (?, ?, ?)",
            [(tag, item_id, rand) for tag in tags_of(entry)],
        )
        await sql.execute("INSERT INTO items_fts (rowid, text) VALUES (?, ?)", (item_id, entry.searchable()))

    async def retire_missing(self, *, kind: Kind, origin: str, keep: Iterable[str], now: str) -> int:
        """Retire active items of ``origin`` whose keys are not in ``keep``. Rows and votes stay."""
        keep_set = set(keep)
        async with self.sql.atomic() as sql:
            rows = await sql.fetch_all(
                "SELECT id, key FROM items WHERE kind = ? AND origin = ? AND status = 'active'", (kind, origin)
            )
            gone = [row["id"] for row in rows if row["key"] not in keep_set]
            await sql.execute_many(
                "UPDATE items SET status = 'retired', updated_at = ? WHERE id = ?", [(now, i) for i in gone]
            )
        return len(gone)

    # --- picking ---------------------------------------------------------------------------------

    async def candidates(self, f: Filters, *, start: float, limit: int, history_scope: int | None = None,
                         skip: Sequence[int] = ()) -> list[Candidate]:
        """Up to ``limit`` eligible items from the point ``start`` of the random order onwards.

        Seeks into an index ordered by ``rand`` (the tag index when the filters have a tag), so the
        cost depends on how many rows are skipped, not on the size of the library. Items shown in
        ``history_scope``, and those in ``skip``, are skipped.
        """
        where, params = eligible(f, history_scope=history_scope, skip=skip)
        if f.tag is None:
            source, order = "items i INDEXED BY items_pick", "i.rand"
            where.insert(0, "i.rand >= ?")
            params.insert(0, start)
        else:
            source, order = "item_tags t JOIN items i ON i.id = t.item_id", "t.rand"
            where[:0] = ["t.tag = ?", "t.rand >= ?"]
            params[:0] = [f.tag, start]
        columns, join = TALLY_COLUMNS, TALLY_JOIN
        join_params: list[object] = [f.guild_id]
        if f.tag is not None and f.tag.startswith(MOOD_TAG):
            # A pick for a mood weighs items by how members in that mood voted: read alongside.
            columns += f", {MOOD_TALLY_COLUMNS}"
            join += f" {MOOD_TALLY_JOIN}"
            join_params += [f.guild_id, f.tag[len(MOOD_TAG):]]
        rows = await self.sql.fetch_all(
            f"SELECT {I_COLUMNS}, {columns} FROM {source} {join} "
            f"WHERE {' AND '.join(where)} ORDER BY {order} LIMIT ?",
            [*join_params, *params, limit],
        )
        return [candidate(r) for r in rows]

    async def count_eligible(self, f: Filters) -> int:
        """How many items a pick with these filters could return (no history applied)."""
        where, params = eligible(f)
        source = "items i"
        if f.tag is not None:
            source = "item_tags t JOIN items i ON i.id = t.item_id"
            where.insert(0, "t.tag = ?")
            params.insert(0, f.tag)
        count: int = await self.sql.scalar(f"SELECT count(*) FROM {source} WHERE {' AND '.join(where)}", params)
        return count

    async def count_unshown(self, f: Filters, *, scope_id: int) -> int:
        """How many items a pick with these filters could still return in ``scope_id`` before it
        repeats (their tag aside; as written so far)."""
        where, params = eligible(f, history_scope=scope_id)
        count: int = await self.sql.scalar(f"SELECT count(*) FROM items i WHERE {' AND '.join(where)}", params)
        return count

    async def search(self, f: Filters, *, query: str, limit: int = 200) -> list[Candidate]:
        """Eligible items matching an FTS5 query (and carrying the filters' tag), best matches first."""
        where, params = eligible(f)
        if f.tag is not None:
            where.append("EXISTS (SELECT 1 FROM item_tags t WHERE t.item_id = i.id AND t.tag = ?)")
            params.append(f.tag)
        rows = await self.sql.fetch_all(
            f"""SELECT {I_COLUMNS}, {TALLY_COLUMNS} FROM items_fts f JOIN items i ON i.id = f.rowid {TALLY_JOIN}
                 WHERE items_fts MATCH ? AND {' AND '.join(where)} ORDER BY f.rank LIMIT ?""",
            [f.guild_id, query, *params, limit],
        )
        return [candidate(r) for r in rows]

    async def least_recent(self, f: Filters, *, scope_id: int, skip: Sequence[int] = ()) -> Candidate | None:
        """The eligible item shown longest ago in ``scope_id`` (other than those in ``skip``): the
        pick once every item was shown."""
        where, params = eligible(f, skip=skip)
        join, join_params = ("JOIN item_tags t ON t.item_id = i.id AND t.tag = ?", [f.tag]) if f.tag else ("", [])
        row = await self.sql.fetch_one(
            f"""SELECT {I_COLUMNS}, {TALLY_COLUMNS} FROM history h JOIN items i ON i.id = h.item_id {join}
                       {TALLY_JOIN}
                 WHERE h.scope_id = ? AND h.kind = ? AND {' AND '.join(where)}
                 ORDER BY h.shown_at, h.item_id LIMIT 1""",
            [*join_params, f.guild_id, scope_id, f.kind, *params],
        )
        return None if row is None else candidate(row)

    async def top(self, f: Filters, *, server_only: bool, limit: int) -> list[tuple[Item, int, int, float]]:
        """The best-rated items this server may be shown, by the Wilson lower bound of the votes
        cast in this server (``server_only``) or everywhere: (item, 👍, 👎, score), a save
        counting as half a 👍 in the score (migration 008). Only items saved or voted up, and
        voted up at least as often as down, are ranked: a ranking never leads with a disliked
        item, however few the votes."""
        where, params = eligible(f)
        if server_only:
            sql = f"""SELECT {I_COLUMNS}, s.up AS r_up, s.down AS r_down, s.score AS r_score
                        FROM guild_item_stats s JOIN items i ON i.id = s.item_id
                       WHERE s.guild_id = ? AND s.kind = ? AND (s.up > 0 OR s.saves > 0) AND s.up >= s.down
                         AND {' AND '.join(where)}
                       ORDER BY s.score DESC, s.up DESC, i.id LIMIT ?"""
            params = [f.guild_id, f.kind, *params, limit]
        else:
            sql = f"""SELECT {I_COLUMNS}, i.up AS r_up, i.down AS r_down, i.score AS r_score
                        FROM items i INDEXED BY items_top
                       WHERE (i.up > 0 OR i.saves > 0) AND i.up >= i.down AND {' AND '.join(where)}
                       ORDER BY i.score DESC, i.up DESC, i.id LIMIT ?"""
            params = [*params, limit]
        rows = await self.sql.fetch_all(sql, params)
        return [(item_of(r), r["r_up"], r["r_down"], r["r_score"]) for r in rows]

    async def is_eligible(self, item_id: int, f: Filters) -> bool:
        """Whether a pick with these filters (their tag aside) could return ``item_id`` (no history applied)."""
        where, params = eligible(f)
        row = await self.sql.fetch_one(
            f"SELECT 1 FROM items i WHERE i.id = ? AND {' AND '.join(where)}", [item_id, *params]
        )
        return row is not None

    async def shown_in(self, scope_id: int, kind: Kind, ids: Sequence[int]) -> set[int]:
        """Which of ``ids`` have been shown in ``scope_id`` (as written so far)."""
        if not ids:
            return set()
        marks = ",".join("?" * len(ids))
        rows = await self.sql.fetch_all(
            f"SELECT item_id FROM history WHERE scope_id = ? AND kind = ? AND item_id IN ({marks})",
            [scope_id, kind, *ids],
        )
        return {r["item_id"] for r in rows}
