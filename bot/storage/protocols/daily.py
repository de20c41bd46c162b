"""What services ask of daily posts: the schedules and the ledger."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol

from bot.records import DailyPost, DailySchedule, NewPost, Pause


class Daily(Protocol):
    async def schedules(self, guild_id: int) -> list[DailySchedule]:
        """A server's schedules, oldest first."""
        ...

    async def get_schedule(self, schedule_id: int) -> DailySchedule | None: ...

    async def save_schedule(self, schedule: DailySchedule, *, now: str) -> DailySchedule:
        """Store a schedule; one the server already has in that channel is replaced (it keeps its id,
        so its ledger rows still count for it, and its pause). ``schedule.id`` is ignored."""
        ...

    async def set_pause(self, schedule_id: int, pause: Pause | None, *, next_date: date, next_due: str,
                        now: str) -> bool:
        """Set or clear a schedule's pause and point it at its next open day; False if it is gone."""
        ...

    async def remove_schedule(self, guild_id: int, schedule_id: int) -> bool:
        """Remove one of a server's schedules (its ledger rows stay, for the archive)."""
        ...

    async def disable(self, guild_id: int, now: str) -> int:
        """Switch a server's schedules off (the rows and the ledger stay); return how many were on."""
        ...

    async def move_cursor(self, schedule_id: int, *, next_date: date, next_due: str, now: str) -> None:
        """Point a schedule at its next occurrence; nothing happens if it is gone."""
        ...

    async def earliest_due(self) -> datetime | None:
        """The soonest next occurrence of any enabled schedule (one index lookup)."""
        ...

    async def due_schedules(self, now: str) -> list[DailySchedule]:
        """Enabled schedules whose next occurrence is at or before ``now``, soonest first."""
        ...

    async def take_occurrences(self, schedule: DailySchedule, *, rows: Sequence[NewPost], next_date: date,
                               next_due: str, now: str) -> list[DailyPost] | None:
        """Write the ledger rows for due occurrences and move the schedule past them, in one transaction.

        Returns the rows newly claimed for sending. Rows that already exist for the same schedule,
        kind and date are left alone (a post-now or an earlier run got there first). Returns
        None, writing nothing, when the stored schedule is no longer ``schedule`` (it was changed
        meanwhile: its revision moved on); the caller reads it again.
        """
        ...

    async def claim_now(self, schedule: DailySchedule, new: NewPost, *, now: str) -> tuple[DailyPost, bool]:
        """Claim a post for sending at once (``/daily post-now``).

        A date with no row gets a new claim. A date whose post failed or was missed is claimed
        again with the new nonce. A row that is sent or being sent is left alone. Returns the
        row and whether this call claimed it.
        """
        ...

    async def get_post(self, post_id: int) -> DailyPost | None: ...

    async def posts_on(self, guild_id: int, local_date: date) -> list[DailyPost]:
        """A server's ledger rows for a local date, every schedule's."""
        ...

    async def sending(self) -> list[DailyPost]:
        """Rows claimed but not settled: a send was interrupted (by a crash or a stop) or is under way."""
        ...

    async def threads_pending(self, since: str) -> list[DailyPost]:
        """Sent posts since ``since`` that should have a thread and have neither a thread nor an error."""
        ...

    async def set_item(self, post_id: int, item_id: int) -> None: ...

    async def begin_attempt(self, post_id: int) -> int:
        """Count a send before it starts, so that after a crash we know a message may exist."""
        ...

    async def record_sent(self, post_id: int, message_id: int, now: str) -> bool:
        """Mark a claimed post as sent; a row that is no longer 'sending' is left alone."""
        ...

    async def record_unsent(self, post_id: int, status: str, error: str) -> bool:
        """Settle a claimed post as 'failed' or 'missed' with the reason; other rows are left alone."""
        ...

    async def note_error(self, post_id: int, error: str) -> None:
        """Keep the latest transient error on a row still being sent, for /daily status."""
        ...

    async def record_thread(self, post_id: int, *, thread_id: int | None, error: str | None) -> None: ...

    async def last_sent(self, guild_id: int) -> DailyPost | None: ...

    async def recent_problems(self, guild_id: int, since: str, limit: int = 5) -> list[DailyPost]:
        """Failed and missed posts, and sent ones whose thread failed, claimed since ``since``, newest first."""
        ...

    async def archive(self, guild_id: int, *, limit: int, offset: int) -> list[DailyPost]:
        """A server's sent discussions of the day, newest date first (one per date: the first sent)."""
        ...

    async def archive_size(self, guild_id: int) -> int:
        """How many dates the server's archive holds."""
        ...

    async def archived(self, guild_id: int, item_id: int) -> DailyPost | None:
        """The server's latest sent discussion of the day that carried the item, if any."""
        ...

    async def last_reminder(self, guild_id: int) -> date | None:
        """The server's local date of its last review reminder."""
        ...

    async def claim_reminder(self, guild_id: int, local_date: date, now: str) -> bool:
        """Record a reminder for the server's local date before it is sent; False (nothing changes)
        if one was already recorded for that date or a later one."""
        ...
