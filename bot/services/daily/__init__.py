"""Daily posts: the discussion (and joke) of the day, posted once per server and local date, on time.

Three parts: :mod:`.setup` (the schedule, status and preview a moderator works with),
:mod:`.scheduler` (when posts fall due, and claiming them) and :mod:`.delivery` (sending, with
retries and threads). How a post is made exactly once:

1. **Claim before sending** (the scheduler, or post-now): the ledger row is written, status
   ``sending`` with a fresh nonce, in the transaction that moves the schedule on.
2. **Count the attempt, then send with the nonce.** ``attempts`` is committed before each send,
   and the message goes out with the row's nonce and ``enforce_nonce``, so if the bot dies
   after Discord created the message but before the id was recorded, the resend returns the
   same message instead of a second one. The item is asked of the picker before each send, so
   one retired or hidden in the server since it was picked is replaced rather than posted.
3. **Look before resending.** Discord only remembers a nonce for a few minutes, so a row that
   may have been sent (``attempts > 0``) is first looked for in the channel's recent messages
   (which is why ``daily set`` asks for Read Message History).
4. **Record the message id** (status ``sent``). Rows still ``sending`` at start-up are resumed.
"""

from __future__ import annotations

from datetime import timedelta

from bot.clock import Clock
from bot.services.daily.archive import Archive, ArchiveEntry, ArchivePage
from bot.services.daily.days import DAY_SUGGESTIONS
from bot.services.daily.delivery import (
    LATE_GRACE,
    Delivery,
    OutgoingPost,
    PermanentSendError,
    Poster,
    PostNowResult,
    SendError,
    TransientSendError,
)
from bot.services.daily.notes import Note, decode_note, note_english
from bot.services.daily.reminders import Reminder, ReminderSender, ReviewReminders
from bot.services.daily.scheduler import Scheduler
from bot.services.daily.setup import (
    KIND_CHOICES,
    MAX_SCHEDULES,
    Configured,
    DailySetup,
    DailyStatus,
    Preview,
    ScheduleStatus,
)
from bot.services.picker import PickService
from bot.sharding import Shards
from bot.storage import Storage

__all__ = [
    "DAY_SUGGESTIONS",
    "KIND_CHOICES",
    "LATE_GRACE",
    "MAX_SCHEDULES",
    "Archive",
    "ArchiveEntry",
    "ArchivePage",
    "Configured",
    "DailyService",
    "DailyStatus",
    "Note",
    "OutgoingPost",
    "PermanentSendError",
    "PostNowResult",
    "Poster",
    "Preview",
    "Reminder",
    "ReminderSender",
    "ScheduleStatus",
    "SendError",
    "TransientSendError",
    "decode_note",
    "note_english",
]


class DailyService:
    """The daily posts' parts, built around one another: ``setup`` for the commands, ``scheduler``
    to start, ``delivery`` for post-now, ``archive`` for the topics posted; and ``reminders``, the
    daily nudge about the review queue."""

    def __init__(self, storage: Storage, picker: PickService, clock: Clock, *, catch_up_minutes: int,
                 remind_after_hours: int = 24, shards: Shards | None = None) -> None:
        catch_up = timedelta(minutes=catch_up_minutes)
        self.clock = clock
        self.setup = DailySetup(storage, picker, clock, wake=self._wake)
        self.delivery = Delivery(storage, picker, clock, self.setup, catch_up=catch_up, wake=self._wake)
        self.scheduler = Scheduler(storage, clock, self.setup, self.delivery, catch_up=catch_up,
                                   shards=shards)
        self.archive = Archive(storage, picker)
        self.reminders = ReviewReminders(storage, clock, self.setup, remind_after=timedelta(hours=remind_after_hours),
                                         shards=shards)

    def _wake(self) -> None:
        """A schedule changed, or a post was made by hand: the scheduler reads the schedules again."""
        self.scheduler.wake()

    async def stop(self) -> None:
        """Cancel sends in progress (the scheduler task is the caller's to cancel)."""
        await self.delivery.stop()
