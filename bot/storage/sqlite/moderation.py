"""SQL for moderation: the review queue (suggestions and reports), hidden items and item versions.

The log of moderation actions is :mod:`bot.storage.sqlite.audit`. Every method runs on the
:class:`~bot.storage.sqlite.database.Sql` it is given: the database (each statement on its own) or one transaction."""

from __future__ import annotations

import json
from datetime import datetime

from bot.clock import parse_iso
from bot.models import ContentEntry, Item, Kind
from bot.records import Case, ItemState, Report, SimilarItem, Version, entry_from_json, entry_to_json, item_of
from bot.storage.sqlite.items import I_COLUMNS
from bot.storage.sqlite.sql import Row, Sql

CASE_COLUMNS = (
    "id, guild_id, type, status, kind, user_id, item_id, content, created_at, decided_at, decided_by, "
    "decision_reason, number"
)


def _dump(entry: ContentEntry) -> str:
    return json.dumps(entry_to_json(entry), sort_keys=True)


class ModerationRepository:
    def __init__(self, sql: Sql) -> None:
        self.sql = sql

    def _case(self, row: Row) -> Case:
        proposal = None
        if row["content"] is not None:
            proposal = entry_from_json(row["kind"], f"suggestion-{row['id']}", json.loads(row["content"]))
        return Case(
            id=row["id"], guild_id=row["guild_id"], type=row["type"], status=row["status"], kind=row["kind"],
            user_id=row["user_id"], item_id=row["item_id"], proposal=proposal, created_at=row["created_at"],
            decided_at=row["decided_at"], decided_by=row["decided_by"], decision_reason=row["decision_reason"],
            number=row["number"],
        )

    # --- cases -----------------------------------------------------------------------------------

    async def get_case(self, case_id: int, guild_id: int) -> Case | None:
        """A case of this server; another server's case is as good as missing."""
        row = await self.sql.fetch_one(
            f"SELECT {CASE_COLUMNS} FROM review_cases WHERE id = ? AND guild_id = ?", (case_id, guild_id)
        )
        return None if row is None else self._case(row)

    async def next_pending(self, guild_id: int) -> Case | None:
        """The server's oldest pending suggestion or report case."""
        row = await self.sql.fetch_one(
            f"""SELECT {CASE_COLUMNS} FROM review_cases
                 WHERE guild_id = ? AND status = 'pending' ORDER BY created_at, id LIMIT 1""",
            (guild_id,),
        )
        return None if row is None else self._case(row)

    async def pending(self, guild_id: int, *, limit: int = 20) -> list[Case]:
        """The server's pending suggestions and report cases, oldest first (at most ``limit``)."""
        rows = await self.sql.fetch_all(
            f"""SELECT {CASE_COLUMNS} FROM review_cases
                 WHERE guild_id = ? AND status = 'pending' ORDER BY created_at, id LIMIT ?""",
            (guild_id, limit),
        )
        return [self._case(row) for row in rows]

    async def pending_count(self, guild_id: int) -> int:
        count: int = await self.sql.scalar(
            "SELECT count(*) FROM review_cases WHERE guild_id = ? AND status = 'pending'", (guild_id,)
        )
        return count

    async def waiting_queues(self, older_than: str) -> list[tuple[int, int, int, datetime]]:
        """(server, pending suggestions, pending reports, the oldest's creation) for every server
        whose oldest pending suggestion or report was made before ``older_than``."""
        rows = await self.sql.fetch_all(
            """SELECT guild_id, sum(CASE WHEN type = 'suggestion' THEN 1 ELSE 0 END) AS suggestions,
                      sum(CASE WHEN type = 'report' THEN 1 ELSE 0 END) AS reports,
                      min(created_at) AS oldest
                 FROM review_cases
                WHERE status = 'pending' AND type IN ('suggestion', 'report')
                GROUP BY guild_id HAVING min(created_at) < ? ORDER BY guild_id""",
            (older_than,),
        )
        return [(r["guild_id"], r["suggestions"], r["reports"], parse_iso(r["oldest"])) for r in rows]

    async def add_case(self, *, guild_id: int, type: str, kind: Kind, user_id: int, now: str,
                       proposal: ContentEntry | None = None, fingerprint: str | None = None,
                       item_id: int | None = None, status: str = "pending") -> int:
        """Open a case (or, with ``status``, record one decided at once); return its id. It takes the
        next number of its server and type (a trigger of the case_numbers migration)."""
        decided = status != "pending"
        async with self.sql.atomic() as tx:
            case_id: int = await tx.scalar(
                """INSERT INTO review_cases (guild_id, type, status, kind, user_id, item_id, content, fingerprint,
                                             created_at, decided_at, decided_by)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
                (guild_id, type, status, kind, user_id, item_id,
                 None if proposal is None else _dump(proposal), fingerprint, now,
                 now if decided else None, user_id if decided else None),
            )
        return case_id

    async def decide(self, *, case_id: int, guild_id: int, status: str, actor_id: int, now: str,
                     reason: str | None = None) -> bool:
        """Close a pending case; False if it is not pending any more (someone decided first).

        One conditional UPDATE, so of two moderators deciding at once exactly one wins.
        """
        changed = await self.sql.execute(
            """UPDATE review_cases SET status = ?, decided_at = ?, decided_by = ?, decision_reason = ?
                WHERE id = ? AND guild_id = ? AND status = 'pending'""",
            (status, now, actor_id, reason, case_id, guild_id),
        )
        return changed == 1

    async def set_case_item(self, case_id: int, item_id: int) -> None:
        await self.sql.execute("UPDATE review_cases SET item_id = ? WHERE id = ?", (item_id, case_id))

    async def update_proposal(self, *, case_id: int, guild_id: int, proposal: ContentEntry, fingerprint: str) -> bool:
        """Replace a pending suggestion's content; False if it was decided meanwhile."""
        changed = await self.sql.execute(
            """UPDATE review_cases SET content = ?, fingerprint = ?
                WHERE id = ? AND guild_id = ? AND type = 'suggestion' AND status = 'pending'""",
            (_dump(proposal), fingerprint, case_id, guild_id),
        )
        return changed == 1

    async def pending_proposal(self, *, case_id: int, guild_id: int) -> ContentEntry | None:
        """A pending suggestion's content as it is now (None once it is decided); read inside a write
        transaction, it lets an edit check that nobody changed it meanwhile."""
        row = await self.sql.fetch_one(
            f"""SELECT {CASE_COLUMNS} FROM review_cases
                 WHERE id = ? AND guild_id = ? AND type = 'suggestion' AND status = 'pending'""",
            (case_id, guild_id),
        )
        return None if row is None else self._case(row).proposal

    async def suggestions_since(self, guild_id: int, user_id: int, since: str) -> int:
        """How many suggestions a member made in a server after ``since``, whatever became of them."""
        made: int = await self.sql.scalar(
            """SELECT count(*) FROM review_cases
                WHERE guild_id = ? AND user_id = ? AND type = 'suggestion' AND created_at > ?""",
            (guild_id, user_id, since),
        )
        return made

    async def pending_fingerprints(self, guild_id: int, kind: Kind,
                                   limit: int = 500) -> list[tuple[int, int, str]]:
        """(case id, the server's suggestion number, normalised text) of the server's newest pending
        suggestions of a kind."""
        rows = await self.sql.fetch_all(
            """SELECT id, number, fingerprint FROM review_cases
                WHERE guild_id = ? AND kind = ? AND type = 'suggestion' AND status = 'pending'
                ORDER BY id DESC LIMIT ?""",
            (guild_id, kind, limit),
        )
        return [(r["id"], r["number"], r["fingerprint"]) for r in rows]

    async def similar_items(self, *, kind: Kind, guild_id: int, query: str, limit: int = 25) -> list[SimilarItem]:
        """Active items visible in the server that best match an FTS5 query (for duplicate checks)."""
        rows = await self.sql.fetch_all(
            """SELECT i.id, i.kind, i.guild_id, i.body FROM items_fts f JOIN items i ON i.id = f.rowid
                WHERE items_fts MATCH ? AND i.kind = ? AND i.status = 'active'
                  AND (i.guild_id IS NULL OR i.guild_id = ?)
                ORDER BY f.rank LIMIT ?""",
            (query, kind, guild_id, limit),
        )
        return [SimilarItem(r["id"], r["kind"], r["guild_id"], json.loads(r["body"])) for r in rows]

    async def library(self, guild_id: int, *, query: str | None, limit: int = 30) -> list[tuple[Item, str | None]]:
        """Items a server's moderators look after, with why each is hidden in the server (None: it is
        not): matching an FTS5 query, best first, the server's own and global ones, removed ones too;
        with no query, the server's own items, newest first."""
        hidden = "(SELECT h.reason FROM guild_hidden h WHERE h.guild_id = ? AND h.item_id = i.id) AS hidden_reason"
        if query is None:
            rows = await self.sql.fetch_all(
                f"SELECT {I_COLUMNS}, {hidden} FROM items i WHERE i.guild_id = ? ORDER BY i.id DESC LIMIT ?",
                (guild_id, guild_id, limit))
        else:
            rows = await self.sql.fetch_all(
                f"""SELECT {I_COLUMNS}, {hidden} FROM items_fts f JOIN items i ON i.id = f.rowid
                     WHERE items_fts MATCH ? AND (i.guild_id IS NULL OR i.guild_id = ?)
                     ORDER BY f.rank, i.id LIMIT ?""",
                (guild_id, query, guild_id, limit))
        return [(item_of(r), r["hidden_reason"]) for r in rows]

    # --- reports ---------------------------------------------------------------------------------

    async def open_report_case(self, *, guild_id: int, item_id: int, kind: Kind, user_id: int, now: str) -> int:
        """The item's open report case in the server, opened now if there is none; return its id."""
        async with self.sql.atomic() as tx:
            await tx.execute(
                """INSERT INTO review_cases (guild_id, type, status, kind, user_id, item_id, created_at)
                   VALUES (?, 'report', 'pending', ?, ?, ?, ?)
                   ON CONFLICT (guild_id, item_id) WHERE type = 'report' AND status = 'pending' DO NOTHING""",
                (guild_id, kind, user_id, item_id, now),
            )
            case_id: int = await tx.scalar(
                """SELECT id FROM review_cases
                    WHERE guild_id = ? AND item_id = ? AND type = 'report' AND status = 'pending'""",
                (guild_id, item_id),
            )
        return case_id

    async def add_report(self, *, case_id: int, user_id: int, reason: str, now: str) -> bool:
        """Add a member's report to a case; False (and nothing changes) if they already reported it."""
        changed = await self.sql.execute(
            """INSERT INTO reports (case_id, user_id, reason, created_at) VALUES (?, ?, ?, ?)
               ON CONFLICT (case_id, user_id) DO NOTHING""",
            (case_id, user_id, reason, now),
        )
        return changed == 1

    async def reporter_count(self, case_id: int) -> int:
        count: int = await self.sql.scalar("SELECT count(DISTINCT user_id) FROM reports WHERE case_id = ?", (case_id,))
        return count

    async def reports(self, case_id: int) -> list[Report]:
        rows = await self.sql.fetch_all(
            "SELECT id, case_id, user_id, reason, created_at FROM reports WHERE case_id = ? ORDER BY id", (case_id,)
        )
        return [Report(r["id"], r["case_id"], r["user_id"], r["reason"], r["created_at"]) for r in rows]

    async def open_report_case_for(self, guild_id: int, item_id: int) -> int | None:
        case_id: int | None = await self.sql.scalar(
            """SELECT id FROM review_cases
                WHERE guild_id = ? AND item_id = ? AND type = 'report' AND status = 'pending'""",
            (guild_id, item_id),
        )
        return case_id

    async def close_report_case(self, *, guild_id: int, item_id: int, status: str, actor_id: int, now: str,
                                reason: str | None) -> bool:
        """Settle the item's open report case in the server, if there is one."""
        changed = await self.sql.execute(
            """UPDATE review_cases SET status = ?, decided_at = ?, decided_by = ?, decision_reason = ?
                WHERE guild_id = ? AND item_id = ? AND type = 'report' AND status = 'pending'""",
            (status, now, actor_id, reason, guild_id, item_id),
        )
        return changed == 1

    # --- server content --------------------------------------------------------------------------

    async def set_item_status(self, *, item_id: int, guild_id: int, status: str, now: str) -> bool:
        """Retire or restore one of the server's own items; another server's or a global item is never
        touched (False)."""
        changed = await self.sql.execute(
            "UPDATE items SET status = ?, updated_at = ? WHERE id = ? AND guild_id = ? AND status <> ?",
            (status, now, item_id, guild_id, status),
        )
        return changed == 1

    async def item_state(self, item_id: int) -> ItemState | None:
        """An item's content hash and status as they are now; read inside a write transaction, it lets
        an edit check that nobody changed the item since the editor opened it."""
        row = await self.sql.fetch_one("SELECT content_hash, status FROM items WHERE id = ?", (item_id,))
        return None if row is None else ItemState(row["content_hash"], row["status"])

    # --- hiding ----------------------------------------------------------------------------------

    async def hidden_reason(self, guild_id: int, item_id: int) -> str | None:
        reason: str | None = await self.sql.scalar(
            "SELECT reason FROM guild_hidden WHERE guild_id = ? AND item_id = ?", (guild_id, item_id)
        )
        return reason

    async def hide(self, *, guild_id: int, item_id: int, reason: str, now: str) -> bool:
        """Hide an item in a server. An item already hidden stays hidden with its first reason,
        except that a moderator's decision replaces a hide by reports. Returns whether a row changed."""
        changed = await self.sql.execute(
            """INSERT INTO guild_hidden (guild_id, item_id, reason, hidden_at) VALUES (?, ?, ?, ?)
               ON CONFLICT (guild_id, item_id) DO UPDATE SET reason = excluded.reason, hidden_at = excluded.hidden_at
               WHERE excluded.reason = 'moderator' AND guild_hidden.reason <> 'moderator'""",
            (guild_id, item_id, reason, now),
        )
        return changed == 1

    async def unhide(self, *, guild_id: int, item_id: int, reason: str | None = None) -> bool:
        """Show a hidden item again (only if it was hidden for ``reason``, when given)."""
        sql = "DELETE FROM guild_hidden WHERE guild_id = ? AND item_id = ?"
        params: list[object] = [guild_id, item_id]
        if reason is not None:
            sql += " AND reason = ?"
            params.append(reason)
        return await self.sql.execute(sql, params) == 1

    # --- versions --------------------------------------------------------------------------------

    async def save_version(self, *, item_id: int, entry: ContentEntry, edited_by: int | None, now: str) -> int:
        """Keep an item's content as it was before an edit; return the version's id."""
        async with self.sql.atomic() as tx:
            version_id: int = await tx.scalar(
                "INSERT INTO item_versions (item_id, content, edited_by, edited_at) VALUES (?, ?, ?, ?) RETURNING id",
                (item_id, _dump(entry), edited_by, now),
            )
        return version_id

    async def versions(self, item_id: int, kind: Kind, key: str) -> list[Version]:
        """An item's earlier versions, oldest first."""
        rows = await self.sql.fetch_all(
            "SELECT id, item_id, content, edited_by, edited_at FROM item_versions WHERE item_id = ? ORDER BY id",
            (item_id,),
        )
        return [Version(r["id"], r["item_id"], entry_from_json(kind, key, json.loads(r["content"])), r["edited_by"],
                        r["edited_at"]) for r in rows]
