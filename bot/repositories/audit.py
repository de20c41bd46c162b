"""SQL for the log of moderation actions: appended in the action's own transaction, never changed."""

from __future__ import annotations

import json
from typing import Any

from bot.db import Row, Sql
from bot.records import ActionRecord, AuditEntry

LOG_COLUMNS = ("id, guild_id, actor_id, action, target, kind, item_id, case_id, member_id, before, after, details, "
               "reason, summary, created_at")


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True)


def _unjson(text: str | None) -> Any:
    return None if text is None else json.loads(text)


class AuditLog:
    def __init__(self, sql: Sql) -> None:
        self.sql = sql

    async def record(self, *, guild_id: int, actor_id: int | None, entry: AuditEntry, now: str) -> ActionRecord:
        """Append an action to the server's log, in the transaction it runs in (never updated or deleted)."""
        async with self.sql.atomic() as tx:
            record_id: int = await tx.scalar(
                """INSERT INTO moderation_log (guild_id, actor_id, action, target, kind, item_id, case_id, member_id,
                                               before, after, details, reason, created_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
                (guild_id, actor_id, entry.action, entry.target, entry.kind, entry.item_id, entry.case_id,
                 entry.member_id, _json(entry.before), _json(entry.after), _json(entry.details or None),
                 entry.reason, now),
            )
        return ActionRecord(record_id, guild_id, actor_id, entry, now)

    async def actions(self, guild_id: int, *, target: str | None = None, limit: int = 50) -> list[ActionRecord]:
        """The server's most recent actions (on one target, when given), newest first."""
        sql = f"SELECT {LOG_COLUMNS} FROM moderation_log WHERE guild_id = ?"
        params: list[object] = [guild_id]
        if target is not None:
            sql += " AND target = ?"
            params.append(target)
        sql += " ORDER BY id DESC LIMIT ?"
        params.append(limit)
        return [_record(r) for r in await self.sql.fetch_all(sql, params)]


def _record(r: Row) -> ActionRecord:
    entry = AuditEntry(
        action=r["action"], target=r["target"], kind=r["kind"], item_id=r["item_id"], case_id=r["case_id"],
        member_id=r["member_id"], before=_unjson(r["before"]), after=_unjson(r["after"]),
        details=_unjson(r["details"]) or {}, reason=r["reason"],
    )
    return ActionRecord(r["id"], r["guild_id"], r["actor_id"], entry, r["created_at"], r["summary"])
