"""SQL for the public catalogue: the global library as the web site reads it.

Every read here is limited to public items (:func:`public`): active, global (no server's own
content), not hidden for the site, and carrying none of the flags the caller excludes. The rest
of the library's SQL (picks, imports, votes) lives in :mod:`bot.storage.sqlite.items`.
"""

from __future__ import annotations

from typing import Literal

from bot.models import Item, Kind
from bot.records import SITE_SCOPE, Shape, item_of
from bot.storage.protocols import RankedRow
from bot.storage.sqlite.items import I_COLUMNS
from bot.storage.sqlite.sql import Sql


def public(excluded_flags: int) -> tuple[list[str], list[object]]:
    """The conditions (on items aliased ``i``) for an item the public site may show, with their
    parameters: active, global, not hidden in the site's own scope and carrying none of
    ``excluded_flags``. A server hiding a global item hides it for that server only, as for
    picks; the site is a scope of its own."""
    where = ["i.status = 'active'", "i.guild_id IS NULL",
             "NOT EXISTS (SELECT 1 FROM guild_hidden g WHERE g.guild_id = ? AND g.item_id = i.id)"]
    params: list[object] = [SITE_SCOPE]
    if excluded_flags:
        where.append("(i.flags & ?) = 0")
        params.append(excluded_flags)
    return where, params


def server_public(guild_id: int, excluded_flags: int) -> tuple[list[str], list[object]]:
    """The conditions for a server's own item on that server's public page: active, the
    server's, not hidden in the server and carrying none of ``excluded_flags``. (Whether the
    server opted in is the service's to check.)"""
    where = ["i.status = 'active'", "i.guild_id = ?",
             "NOT EXISTS (SELECT 1 FROM guild_hidden g WHERE g.guild_id = ? AND g.item_id = i.id)"]
    params: list[object] = [guild_id, guild_id]
    if excluded_flags:
        where.append("(i.flags & ?) = 0")
        params.append(excluded_flags)
    return where, params


def _shape(shape: Shape | None, setup: str) -> list[str]:
    if shape is None:
        return []
    return [f"{setup} IS {'NOT ' if shape == 'twopart' else ''}NULL"]


class CatalogRepository:
    # A joke's setup, read out of its JSON body (NULL for a one-liner).
    SETUP = "json_extract(i.body, '$.setup')"

    def __init__(self, sql: Sql) -> None:
        self.sql = sql

    async def item(self, item_id: int) -> Item | None:
        """The item if the public site may ever show it (whatever its flags), else None."""
        where, params = public(0)
        row = await self.sql.fetch_one(
            f"SELECT {I_COLUMNS} FROM items i WHERE i.id = ? AND {' AND '.join(where)}", [item_id, *params]
        )
        return None if row is None else item_of(row)

    async def server_item(self, guild_id: int, item_id: int) -> Item | None:
        """The server's own item if its public page may ever show it (whatever its flags), else None."""
        where, params = server_public(guild_id, 0)
        row = await self.sql.fetch_one(
            f"SELECT {I_COLUMNS} FROM items i WHERE i.id = ? AND {' AND '.join(where)}", [item_id, *params]
        )
        return None if row is None else item_of(row)

    async def server_page(self, guild_id: int, kind: Kind, *, excluded_flags: int, offset: int,
                          limit: int) -> tuple[list[Item], int]:
        """The server's own public items of ``kind``, newest first from ``offset``, and how many in all."""
        where, params = server_public(guild_id, excluded_flags)
        clause = " AND ".join(["i.kind = ?", *where])
        total: int = await self.sql.scalar(f"SELECT count(*) FROM items i WHERE {clause}", [kind, *params])
        rows = await self.sql.fetch_all(
            f"SELECT {I_COLUMNS} FROM items i WHERE {clause} ORDER BY i.id DESC LIMIT ? OFFSET ?",
            [kind, *params, limit, offset],
        )
        return [item_of(r) for r in rows], total

    async def rank(self, item: Item, *, score: float, excluded_flags: int) -> int | None:
        """The item's place among all public items of its kind ranked by all-time votes (as the
        all-time top list orders them), or None when it is not ranked (no 👍, or more 👎 than 👍)."""
        if item.up == 0 or item.up < item.down:
            return None
        where, params = public(excluded_flags)
        ahead: int = await self.sql.scalar(
            f"""SELECT count(*) FROM items i INDEXED BY items_top
                 WHERE i.kind = ? AND i.up > 0 AND i.up >= i.down AND {' AND '.join(where)}
                   AND (i.score > ? OR (i.score = ? AND (i.up > ? OR (i.up = ? AND i.id < ?))))""",
            [item.kind, *params, score, score, item.up, item.up, item.id],
        )
        return ahead + 1

    async def page(self, kind: Kind, *, tag: str | None, excluded_flags: int, offset: int,
                   limit: int) -> tuple[list[Item], int]:
        """Public items of ``kind`` (with ``tag``, if given) in id order from ``offset``, and how
        many there are in all."""
        where, params = public(excluded_flags)
        where.insert(0, "i.kind = ?")
        params.insert(0, kind)
        source = "items i"
        if tag is not None:
            source = "item_tags t JOIN items i ON i.id = t.item_id"
            where.insert(0, "t.tag = ?")
            params.insert(0, tag)
        clause = " AND ".join(where)
        total: int = await self.sql.scalar(f"SELECT count(*) FROM {source} WHERE {clause}", params)
        rows = await self.sql.fetch_all(
            f"SELECT {I_COLUMNS} FROM {source} WHERE {clause} ORDER BY i.id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [item_of(r) for r in rows], total

    async def search(self, query: str, *, kind: Kind | None, excluded_flags: int, offset: int,
                     limit: int) -> tuple[list[Item], int]:
        """Public items matching an FTS5 query, best matches first, from ``offset``; and how many
        match in all."""
        where, params = public(excluded_flags)
        if kind is not None:
            where.insert(0, "i.kind = ?")
            params.insert(0, kind)
        clause = " AND ".join(where)
        source = "items_fts f JOIN items i ON i.id = f.rowid"
        total: int = await self.sql.scalar(
            f"SELECT count(*) FROM {source} WHERE items_fts MATCH ? AND {clause}", [query, *params]
        )
        rows = await self.sql.fetch_all(
            f"""SELECT {I_COLUMNS} FROM {source} WHERE items_fts MATCH ? AND {clause}
                 ORDER BY f.rank, i.id LIMIT ? OFFSET ?""",
            [query, *params, limit, offset],
        )
        return [item_of(r) for r in rows], total

    async def random(self, kind: Kind, *, start: float, amount: int, tag: str | None = None,
                     shape: Shape | None = None, excluded_flags: int) -> list[Item]:
        """Up to ``amount`` public items from the point ``start`` of the random order onwards,
        wrapping around to its beginning: a seek into the same ``rand`` index picks use."""
        where, params = public(excluded_flags)
        where = [*_shape(shape, self.SETUP), *where]
        if tag is None:
            source, order = "items i INDEXED BY items_pick", "i.rand"
            where.insert(0, "i.kind = ?")
            params.insert(0, kind)
        else:
            source, order = "item_tags t JOIN items i ON i.id = t.item_id", "t.rand"
            where[:0] = ["t.tag = ?", "i.kind = ?"]
            params[:0] = [tag, kind]
        found: list[Item] = []
        for bound, point in ((">=", start), ("<", start)):
            if len(found) >= amount:
                break
            rows = await self.sql.fetch_all(
                f"SELECT {I_COLUMNS} FROM {source} WHERE {order} {bound} ? AND {' AND '.join(where)} "
                f"ORDER BY {order} LIMIT ?",
                [point, *params, amount - len(found)],
            )
            found += [item_of(r) for r in rows]
        return found

    async def top(self, kind: Kind, *, since: str | None, excluded_flags: int, offset: int,
                  limit: int) -> tuple[list[RankedRow], int]:
        """Public items of ``kind`` ranked by the Wilson lower bound of their votes (all of them,
        or those cast at ``since`` or later), from ``offset``; and how many are ranked. As in
        /top, only items voted up at least as often as down are ranked."""
        where, params = public(excluded_flags)
        clause = " AND ".join(where)
        if since is None:
            source = "items i INDEXED BY items_top"
            up, down, score = "i.up", "i.down", "i.score"
            source_params: list[object] = []
        else:
            source = """(SELECT item_id, count(*) FILTER (WHERE value = 1) AS up,
                                  count(*) FILTER (WHERE value = -1) AS down
                           FROM votes WHERE voted_at >= ? GROUP BY item_id) w JOIN items i ON i.id = w.item_id"""
            up, down, score = "w.up", "w.down", "wilson(w.up, w.down)"
            source_params = [since]
        ranked = f"i.kind = ? AND {up} > 0 AND {up} >= {down} AND {clause}"
        all_params = [*source_params, kind, *params]
        total: int = await self.sql.scalar(f"SELECT count(*) FROM {source} WHERE {ranked}", all_params)
        rows = await self.sql.fetch_all(
            f"""SELECT {I_COLUMNS}, {up} AS r_up, {down} AS r_down, {score} AS r_score FROM {source}
                 WHERE {ranked} ORDER BY r_score DESC, r_up DESC, i.id LIMIT ? OFFSET ?""",
            [*all_params, limit, offset],
        )
        return [(item_of(r), r["r_up"], r["r_down"], r["r_score"]) for r in rows], total

    async def tags(self, group: Literal["category", "mood"], *,
                   excluded_flags: int) -> list[tuple[Kind, str, int]]:
        """(kind, name, how many public items) for every category or mood that has any, largest
        first within each kind."""
        where, params = public(excluded_flags)
        prefix = f"{group}:"
        rows = await self.sql.fetch_all(
            f"""SELECT i.kind AS kind, substr(t.tag, ?) AS name, count(*) AS n
                  FROM item_tags t JOIN items i ON i.id = t.item_id
                 WHERE t.tag >= ? AND t.tag < ? AND {' AND '.join(where)}
                 GROUP BY i.kind, t.tag ORDER BY i.kind, n DESC, name""",
            [len(prefix) + 1, prefix, f"{group};", *params],
        )
        return [(r["kind"], r["name"], r["n"]) for r in rows]
