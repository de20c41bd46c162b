"""SQL for daily posts: the schedules and the ledger of posts (one row per server, kind and local date)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from bot.clock import iso, parse_iso
from bot.db import Row, Sql
from bot.records import DailyPost, DailySchedule, NewPost

SCHEDULE_COLUMNS = "guild_id, channel_id, post_time, kinds, role_id, thread, enabled, next_date, next_due"


def _schedule(row: Row) -> DailySchedule:
    return DailySchedule(
        guild_id=row["guild_id"], channel_id=row["channel_id"], post_time=row["post_time"], kinds=row["kinds"],
        role_id=row["role_id"], thread=bool(row["thread"]), enabled=bool(row["enabled"]),
        next_date=date.fromisoformat(row["next_date"]), next_due=parse_iso(row["next_due"]),
    )


def _post(row: Row) -> DailyPost:
    def moment(name: str) -> datetime | None:
        return parse_iso(row[name]) if row[name] is not None else None

    return DailyPost(
        id=row["id"], guild_id=row["guild_id"], kind=row["kind"], local_date=date.fromisoformat(row["local_date"]),
        status=row["status"], channel_id=row["channel_id"], role_id=row["role_id"],
        want_thread=bool(row["want_thread"]), manual=bool(row["manual"]), item_id=row["item_id"],
        nonce=row["nonce"], attempts=row["attempts"], due_at=parse_iso(row["due_at"]),
        claimed_at=parse_iso(row["claimed_at"]), posted_at=moment("posted_at"), message_id=row["message_id"],
        thread_id=row["thread_id"], thread_error=row["thread_error"], error=row["error"],
    )


class DailyRepository:
    def __init__(self, sql: Sql) -> None:
        self.sql = sql

    # --- schedules -------------------------------------------------------------------------------

    async def get_schedule(self, guild_id: int) -> DailySchedule | None:
        row = await self.sql.fetch_one(f"SELECT {SCHEDULE_COLUMNS} FROM daily_schedules WHERE guild_id = ?",
                                      (guild_id,))
        return None if row is None else _schedule(row)

    async def save_schedule(self, schedule: DailySchedule, *, now: str) -> None:
        """Store a server's schedule; an existing one is replaced."""
        await self.sql.execute(
            f"""INSERT INTO daily_schedules ({SCHEDULE_COLUMNS}, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (guild_id) DO UPDATE SET
                    channel_id = excluded.channel_id, post_time = excluded.post_time, kinds = excluded.kinds,
                    role_id = excluded.role_id, thread = excluded.thread, enabled = excluded.enabled,
                    next_date = excluded.next_date, next_due = excluded.next_due,
                    updated_at = excluded.updated_at""",
            (schedule.guild_id, schedule.channel_id, schedule.post_time, schedule.kinds, schedule.role_id,
             int(schedule.thread), int(schedule.enabled), schedule.next_date.isoformat(),
             iso(schedule.next_due), now),
        )

    async def disable(self, guild_id: int, now: str) -> bool:
        """Switch a schedule off (the row and the ledger stay); return whether it was on."""
        changed = await self.sql.execute(
            "UPDATE daily_schedules SET enabled = 0, updated_at = ? WHERE guild_id = ? AND enabled = 1",
            (now, guild_id),
        )
        return changed > 0

    async def move_cursor(self, guild_id: int, *, next_date: date, next_due: str, now: str) -> None:
        """Point a schedule at its next occurrence; nothing happens if the server has no schedule."""
        await self.sql.execute(
            "UPDATE daily_schedules SET next_date = ?, next_due = ?, updated_at = ? WHERE guild_id = ?",
            (next_date.isoformat(), next_due, now, guild_id),
        )

    async def earliest_due(self) -> datetime | None:
        """The soonest next occurrence of any enabled schedule (one index lookup)."""
        value = await self.sql.scalar("SELECT min(next_due) FROM daily_schedules WHERE enabled = 1")
        return None if value is None else parse_iso(value)

    async def due_schedules(self, now: str) -> list[DailySchedule]:
        """Enabled schedules whose next occurrence is at or before ``now``, soonest first."""
        rows = await self.sql.fetch_all(
            f"SELECT {SCHEDULE_COLUMNS} FROM daily_schedules WHERE enabled = 1 AND next_due <= ? "
            "ORDER BY next_due, guild_id",
            (now,),
        )
        return [_schedule(r) for r in rows]

    async def take_occurrences(self, schedule: DailySchedule, *, rows: Sequence[NewPost], next_date: date,
                               next_due: str, now: str) -> list[DailyPost] | None:
        """Write the ledger rows for due occurrences and move the schedule past them, in one transaction.

        Returns the rows newly claimed for sending. Rows that already exist for the same server,
        kind and date are left alone (a post-now or an earlier run got there first). Returns
        None, writing nothing, when the stored schedule is no longer ``schedule`` (it was changed
        meanwhile); the caller reads it again.
        """
        claimed: list[DailyPost] = []
        async with self.sql.atomic() as tx:
            changed = await tx.execute(
                """UPDATE daily_schedules SET next_date = ?, next_due = ?, updated_at = ?
                    WHERE guild_id = ? AND enabled = 1 AND next_date = ? AND next_due = ? AND channel_id = ?
                      AND post_time = ? AND kinds = ? AND role_id IS ? AND thread = ?""",
                (next_date.isoformat(), next_due, now, schedule.guild_id, schedule.next_date.isoformat(),
                 iso(schedule.next_due), schedule.channel_id, schedule.post_time, schedule.kinds, schedule.role_id,
                 int(schedule.thread)),
            )
            if changed == 0:
                return None
            for new in rows:
                row = await tx.fetch_one(
                    """INSERT INTO daily_posts (guild_id, kind, local_date, status, channel_id, role_id,
                                                want_thread, nonce, due_at, claimed_at, error)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                       ON CONFLICT (guild_id, kind, local_date) DO NOTHING RETURNING *""",
                    (schedule.guild_id, new.kind, new.local_date.isoformat(), new.status, new.channel_id,
                     new.role_id, int(new.want_thread), new.nonce, new.due_at, now, new.error),
                )
                if row is not None and row["status"] == "sending":
                    claimed.append(_post(row))
        return claimed

    # --- the ledger ------------------------------------------------------------------------------

    async def claim_now(self, guild_id: int, new: NewPost, *, now: str) -> tuple[DailyPost, bool]:
        """Claim a post for sending at once (``/daily post-now``).

        A date with no row gets a new claim. A date whose post failed or was missed is claimed
        again with the new nonce. A row that is sent or being sent is left alone. Returns the
        row and whether this call claimed it.
        """
        async with self.sql.atomic() as tx:
            row = await tx.fetch_one(
                """INSERT INTO daily_posts (guild_id, kind, local_date, status, channel_id, role_id, want_thread,
                                            manual, nonce, due_at, claimed_at)
                   VALUES (?, ?, ?, 'sending', ?, ?, ?, 1, ?, ?, ?)
                   ON CONFLICT (guild_id, kind, local_date) DO UPDATE SET
                       status = 'sending', channel_id = excluded.channel_id, role_id = excluded.role_id,
                       want_thread = excluded.want_thread, manual = 1, nonce = excluded.nonce, attempts = 0,
                       due_at = excluded.due_at, claimed_at = excluded.claimed_at, error = NULL,
                       message_id = NULL, thread_id = NULL, thread_error = NULL, posted_at = NULL
                   WHERE daily_posts.status IN ('failed', 'missed')
                   RETURNING *""",
                (guild_id, new.kind, new.local_date.isoformat(), new.channel_id, new.role_id,
                 int(new.want_thread), new.nonce, new.due_at, now),
            )
            if row is not None:
                return _post(row), True
            existing = await tx.fetch_one(
                "SELECT * FROM daily_posts WHERE guild_id = ? AND kind = ? AND local_date = ?",
                (guild_id, new.kind, new.local_date.isoformat()),
            )
        assert existing is not None  # the insert met it
        return _post(existing), False

    async def get_post(self, post_id: int) -> DailyPost | None:
        row = await self.sql.fetch_one("SELECT * FROM daily_posts WHERE id = ?", (post_id,))
        return None if row is None else _post(row)

    async def posts_on(self, guild_id: int, local_date: date) -> list[DailyPost]:
        rows = await self.sql.fetch_all(
            "SELECT * FROM daily_posts WHERE guild_id = ? AND local_date = ? ORDER BY id",
            (guild_id, local_date.isoformat()),
        )
        return [_post(r) for r in rows]

    async def sending(self) -> list[DailyPost]:
        """Rows claimed but not settled: a send was interrupted (by a crash or a stop) or is under way."""
        rows = await self.sql.fetch_all("SELECT * FROM daily_posts WHERE status = 'sending' ORDER BY due_at, id")
        return [_post(r) for r in rows]

    async def threads_pending(self, since: str) -> list[DailyPost]:
        """Sent posts since ``since`` that should have a thread and have neither a thread nor an error."""
        rows = await self.sql.fetch_all(
            """SELECT * FROM daily_posts WHERE status = 'sent' AND want_thread = 1 AND thread_id IS NULL
                 AND thread_error IS NULL AND claimed_at >= ? ORDER BY id""",
            (since,),
        )
        return [_post(r) for r in rows]

    async def set_item(self, post_id: int, item_id: int) -> None:
        await self.sql.execute("UPDATE daily_posts SET item_id = ? WHERE id = ?", (item_id, post_id))

    async def begin_attempt(self, post_id: int) -> int:
        """Count a send before it starts, so that after a crash we know a message may exist."""
        async with self.sql.atomic() as tx:
            attempts: int = await tx.scalar(
                "UPDATE daily_posts SET attempts = attempts + 1 WHERE id = ? RETURNING attempts", (post_id,)
            )
        return attempts

    async def record_sent(self, post_id: int, message_id: int, now: str) -> bool:
        """Mark a claimed post as sent; a row that is no longer 'sending' is left alone."""
        changed = await self.sql.execute(
            """UPDATE daily_posts SET status = 'sent', message_id = ?, posted_at = ?, error = NULL
                WHERE id = ? AND status = 'sending'""",
            (message_id, now, post_id),
        )
        return changed > 0

    async def record_unsent(self, post_id: int, status: str, error: str) -> bool:
        """Settle a claimed post as 'failed' or 'missed' with the reason; other rows are left alone."""
        changed = await self.sql.execute(
            "UPDATE daily_posts SET status = ?, error = ? WHERE id = ? AND status = 'sending'",
            (status, error, post_id),
        )
        return changed > 0

    async def note_error(self, post_id: int, error: str) -> None:
        """Keep the latest transient error on a row still being sent, for /daily status."""
        await self.sql.execute("UPDATE daily_posts SET error = ? WHERE id = ?", (error, post_id))

    async def record_thread(self, post_id: int, *, thread_id: int | None, error: str | None) -> None:
        await self.sql.execute(
            "UPDATE daily_posts SET thread_id = ?, thread_error = ? WHERE id = ?", (thread_id, error, post_id)
        )

    async def last_sent(self, guild_id: int) -> DailyPost | None:
        row = await self.sql.fetch_one(
            "SELECT * FROM daily_posts WHERE guild_id = ? AND status = 'sent' ORDER BY posted_at DESC, id DESC LIMIT 1",
            (guild_id,),
        )
        return None if row is None else _post(row)

    async def recent_problems(self, guild_id: int, since: str, limit: int = 5) -> list[DailyPost]:
        """Failed and missed posts, and sent ones whose thread failed, claimed since ``since``, newest first."""
        rows = await self.sql.fetch_all(
            """SELECT * FROM daily_posts
                WHERE guild_id = ? AND claimed_at >= ?
                  AND (status IN ('failed', 'missed') OR thread_error IS NOT NULL
                       OR (status = 'sending' AND error IS NOT NULL))
                ORDER BY local_date DESC, id DESC LIMIT ?""",
            (guild_id, since, limit),
        )
        return [_post(r) for r in rows]
