"""SQL for daily posts: the schedules (several per server, one per channel), the ledger of posts
(one row per schedule, kind and local date), the archive it makes, and review reminders."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from bot.clock import iso, parse_iso
from bot.records import DailyPost, DailySchedule, Days, NewPost, Pause
from bot.storage.sqlite.sql import Row, Sql

SCHEDULE_COLUMNS = ("id, guild_id, channel_id, post_time, kinds, role_id, thread, enabled, weekdays, every_days, "
                    "anchor_date, paused_from, paused_until, next_date, next_due, revision")


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _schedule(row: Row) -> DailySchedule:
    start, end = _day(row["paused_from"]), _day(row["paused_until"])
    return DailySchedule(
        id=row["id"], guild_id=row["guild_id"], channel_id=row["channel_id"], post_time=row["post_time"],
        kinds=row["kinds"], role_id=row["role_id"], thread=bool(row["thread"]), enabled=bool(row["enabled"]),
        next_date=date.fromisoformat(row["next_date"]), next_due=parse_iso(row["next_due"]),
        days=Days(row["weekdays"], row["every_days"], _day(row["anchor_date"])),
        pause=Pause(start, end) if start is not None and end is not None else None, revision=row["revision"],
    )


def _post(row: Row) -> DailyPost:
    def moment(name: str) -> datetime | None:
        return parse_iso(row[name]) if row[name] is not None else None

    return DailyPost(
        id=row["id"], guild_id=row["guild_id"], schedule_id=row["schedule_id"], kind=row["kind"],
        local_date=date.fromisoformat(row["local_date"]),
        status=row["status"], channel_id=row["channel_id"], role_id=row["role_id"],
        want_thread=bool(row["want_thread"]), manual=bool(row["manual"]), item_id=row["item_id"],
        nonce=row["nonce"], attempts=row["attempts"], due_at=parse_iso(row["due_at"]),
        claimed_at=parse_iso(row["claimed_at"]), posted_at=moment("posted_at"), message_id=row["message_id"],
        thread_id=row["thread_id"], thread_error=row["thread_error"], error=row["error"],
    )


def _pause_values(pause: Pause | None) -> tuple[str | None, str | None]:
    return (None, None) if pause is None else (pause.start.isoformat(), pause.end.isoformat())


class DailyRepository:
    def __init__(self, sql: Sql) -> None:
        self.sql = sql

    # --- schedules -------------------------------------------------------------------------------

    async def schedules(self, guild_id: int) -> list[DailySchedule]:
        """A server's schedules, oldest first."""
        rows = await self.sql.fetch_all(
            f"SELECT {SCHEDULE_COLUMNS} FROM daily_schedules WHERE guild_id = ? ORDER BY id", (guild_id,)
        )
        return [_schedule(r) for r in rows]

    async def get_schedule(self, schedule_id: int) -> DailySchedule | None:
        row = await self.sql.fetch_one(f"SELECT {SCHEDULE_COLUMNS} FROM daily_schedules WHERE id = ?",
                                      (schedule_id,))
        return None if row is None else _schedule(row)

    async def save_schedule(self, schedule: DailySchedule, *, now: str) -> DailySchedule:
        """Store a schedule; one the server already has in that channel is replaced (it keeps its id,
        so its ledger rows still count for it, and its pause). ``schedule.id`` is ignored."""
        async with self.sql.atomic() as tx:
            row = await tx.fetch_one(
                f"""INSERT INTO daily_schedules (guild_id, channel_id, post_time, kinds, role_id, thread, enabled,
                                                 weekdays, every_days, anchor_date, next_date, next_due, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (guild_id, channel_id) DO UPDATE SET
                        post_time = excluded.post_time, kinds = excluded.kinds, role_id = excluded.role_id,
                        thread = excluded.thread, enabled = excluded.enabled, weekdays = excluded.weekdays,
                        every_days = excluded.every_days, anchor_date = excluded.anchor_date,
                        next_date = excluded.next_date, next_due = excluded.next_due,
                        revision = daily_schedules.revision + 1, updated_at = excluded.updated_at
                    RETURNING {SCHEDULE_COLUMNS}""",
                (schedule.guild_id, schedule.channel_id, schedule.post_time, schedule.kinds, schedule.role_id,
                 int(schedule.thread), int(schedule.enabled), schedule.days.weekdays, schedule.days.every,
                 _day_text(schedule.days.anchor), schedule.next_date.isoformat(), iso(schedule.next_due), now),
            )
        assert row is not None
        return _schedule(row)

    async def set_pause(self, schedule_id: int, pause: Pause | None, *, next_date: date, next_due: str,
                        now: str) -> bool:
        """Set or clear a schedule's pause and point it at its next open day; False if it is gone."""
        start, end = _pause_values(pause)
        changed = await self.sql.execute(
            """UPDATE daily_schedules SET paused_from = ?, paused_until = ?, next_date = ?, next_due = ?,
                      revision = revision + 1, updated_at = ?
                WHERE id = ?""",
            (start, end, next_date.isoformat(), next_due, now, schedule_id),
        )
        return changed > 0

    async def remove_schedule(self, guild_id: int, schedule_id: int) -> bool:
        """Delete one of a server's schedules (its ledger rows stay, for the archive)."""
        changed = await self.sql.execute("DELETE FROM daily_schedules WHERE id = ? AND guild_id = ?",
                                         (schedule_id, guild_id))
        return changed > 0

    async def disable(self, guild_id: int, now: str) -> int:
        """Switch a server's schedules off (the rows and the ledger stay); return how many were on."""
        return await self.sql.execute(
            """UPDATE daily_schedules SET enabled = 0, revision = revision + 1, updated_at = ?
                WHERE guild_id = ? AND enabled = 1""",
            (now, guild_id),
        )

    async def move_cursor(self, schedule_id: int, *, next_date: date, next_due: str, now: str) -> None:
        """Point a schedule at its next occurrence; nothing happens if it is gone."""
        await self.sql.execute(
            """UPDATE daily_schedules SET next_date = ?, next_due = ?, revision = revision + 1, updated_at = ?
                WHERE id = ?""",
            (next_date.isoformat(), next_due, now, schedule_id),
        )

    async def earliest_due(self) -> datetime | None:
        """The soonest next occurrence of any enabled schedule (one index lookup)."""
        value = await self.sql.scalar("SELECT min(next_due) FROM daily_schedules WHERE enabled = 1")
        return None if value is None else parse_iso(value)

    async def due_schedules(self, now: str) -> list[DailySchedule]:
        """Enabled schedules whose next occurrence is at or before ``now``, soonest first."""
        rows = await self.sql.fetch_all(
            f"SELECT {SCHEDULE_COLUMNS} FROM daily_schedules WHERE enabled = 1 AND next_due <= ? "
            "ORDER BY next_due, guild_id, id",
            (now,),
        )
        return [_schedule(r) for r in rows]

    async def take_occurrences(self, schedule: DailySchedule, *, rows: Sequence[NewPost], next_date: date,
                               next_due: str, now: str) -> list[DailyPost] | None:
        """Write the ledger rows for due occurrences and move the schedule past them, in one transaction.

        Returns the rows newly claimed for sending. Rows that already exist for the same schedule,
        kind and date are left alone (a post-now or an earlier run got there first). Returns
        None, writing nothing, when the stored schedule is no longer ``schedule`` (it was changed
        meanwhile: its revision moved on); the caller reads it again.
        """
        claimed: list[DailyPost] = []
        async with self.sql.atomic() as tx:
            changed = await tx.execute(
                """UPDATE daily_schedules SET next_date = ?, next_due = ?, revision = revision + 1, updated_at = ?
                    WHERE id = ? AND revision = ? AND enabled = 1""",
                (next_date.isoformat(), next_due, now, schedule.id, schedule.revision),
            )
            if changed == 0:
                return None
            for new in rows:
                row = await tx.fetch_one(
                    """INSERT INTO daily_posts (guild_id, schedule_id, kind, local_date, status, channel_id,
                                                role_id, want_thread, nonce, due_at, claimed_at, error)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                       ON CONFLICT (schedule_id, kind, local_date) DO NOTHING RETURNING *""",
                    (schedule.guild_id, schedule.id, new.kind, new.local_date.isoformat(), new.status,
                     new.channel_id, new.role_id, int(new.want_thread), new.nonce, new.due_at, now, new.error),
                )
                if row is not None and row["status"] == "sending":
                    claimed.append(_post(row))
        return claimed

    # --- the ledger ------------------------------------------------------------------------------

    async def claim_now(self, schedule: DailySchedule, new: NewPost, *, now: str) -> tuple[DailyPost, bool]:
        """Claim a post for sending at once (``/daily post-now``).

        A date with no row gets a new claim. A date whose post failed or was missed is claimed
        again with the new nonce. A row that is sent or being sent is left alone. Returns the
        row and whether this call claimed it.
        """
        async with self.sql.atomic() as tx:
            row = await tx.fetch_one(
                """INSERT INTO daily_posts (guild_id, schedule_id, kind, local_date, status, channel_id, role_id,
                                            want_thread, manual, nonce, due_at, claimed_at)
                   VALUES (?, ?, ?, ?, 'sending', ?, ?, ?, 1, ?, ?, ?)
                   ON CONFLICT (schedule_id, kind, local_date) DO UPDATE SET
                       status = 'sending', channel_id = excluded.channel_id, role_id = excluded.role_id,
                       want_thread = excluded.want_thread, manual = 1, nonce = excluded.nonce, attempts = 0,
                       due_at = excluded.due_at, claimed_at = excluded.claimed_at, error = NULL,
                       message_id = NULL, thread_id = NULL, thread_error = NULL, posted_at = NULL
                   WHERE daily_posts.status IN ('failed', 'missed')
                   RETURNING *""",
                (schedule.guild_id, schedule.id, new.kind, new.local_date.isoformat(), new.channel_id,
                 new.role_id, int(new.want_thread), new.nonce, new.due_at, now),
            )
            if row is not None:
                return _post(row), True
            existing = await tx.fetch_one(
                "SELECT * FROM daily_posts WHERE schedule_id = ? AND kind = ? AND local_date = ?",
                (schedule.id, new.kind, new.local_date.isoformat()),
            )
        assert existing is not None  # the insert met it
        return _post(existing), False

    async def get_post(self, post_id: int) -> DailyPost | None:
        row = await self.sql.fetch_one("SELECT * FROM daily_posts WHERE id = ?", (post_id,))
        return None if row is None else _post(row)

    async def posts_on(self, guild_id: int, local_date: date) -> list[DailyPost]:
        """A server's ledger rows for a local date, every schedule's."""
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

    # --- the archive -----------------------------------------------------------------------------

    async def archive(self, guild_id: int, *, limit: int, offset: int) -> list[DailyPost]:
        """A server's sent discussions of the day, newest date first (one per date: the first sent)."""
        rows = await self.sql.fetch_all(
            """SELECT * FROM daily_posts WHERE id IN (
                   SELECT min(id) FROM daily_posts
                    WHERE guild_id = ? AND kind = 'discussion' AND status = 'sent' GROUP BY local_date)
                ORDER BY local_date DESC, id DESC LIMIT ? OFFSET ?""",
            (guild_id, limit, offset),
        )
        return [_post(r) for r in rows]

    async def archive_size(self, guild_id: int) -> int:
        """How many dates the server's archive holds."""
        count: int = await self.sql.scalar(
            """SELECT count(DISTINCT local_date) FROM daily_posts
                WHERE guild_id = ? AND kind = 'discussion' AND status = 'sent'""",
            (guild_id,),
        )
        return count

    async def archived(self, guild_id: int, item_id: int) -> DailyPost | None:
        """The server's latest sent discussion of the day that carried the item, if any."""
        row = await self.sql.fetch_one(
            """SELECT * FROM daily_posts WHERE guild_id = ? AND item_id = ? AND kind = 'discussion'
                  AND status = 'sent' ORDER BY local_date DESC, id DESC LIMIT 1""",
            (guild_id, item_id),
        )
        return None if row is None else _post(row)

    # --- review reminders ------------------------------------------------------------------------

    async def last_reminder(self, guild_id: int) -> date | None:
        """The server's local date of its last review reminder."""
        value = await self.sql.scalar("SELECT local_date FROM review_reminders WHERE guild_id = ?", (guild_id,))
        return None if value is None else date.fromisoformat(value)

    async def claim_reminder(self, guild_id: int, local_date: date, now: str) -> bool:
        """Record a reminder for the server's local date before it is sent; False (nothing changes)
        if one was already recorded for that date or a later one."""
        async with self.sql.atomic() as tx:
            row = await tx.fetch_one(
                """INSERT INTO review_reminders (guild_id, local_date, sent_at) VALUES (?, ?, ?)
                   ON CONFLICT (guild_id) DO UPDATE SET local_date = excluded.local_date, sent_at = excluded.sent_at
                   WHERE review_reminders.local_date < excluded.local_date
                   RETURNING guild_id""",
                (guild_id, local_date.isoformat(), now),
            )
        return row is not None


def _day_text(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
