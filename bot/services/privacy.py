"""Members' data: what is stored about a member, deleting it, and ageing old data out.

A member sees and deletes everything stored under their user id, in every server
(:meth:`PrivacyService.show`, :meth:`PrivacyService.delete`); moderation records keep an
anonymised trace (see :mod:`bot.storage.sqlite.privacy`). Two kinds of data nobody asks to delete
age out by themselves, by :meth:`PrivacyService.run` on the bot: pick history (what was shown in
which channel, for the no-repeat rule) after ``privacy.history_days``, and report cases a
moderator settled, with the members' reports on them, after ``privacy.reports_days``.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from bot.clock import Clock, iso
from bot.members import AgedOut, Deletion, MemberData
from bot.storage import Storage

log = logging.getLogger(__name__)

# How often the ageing sweep runs; data lives at most this much longer than its configured time.
SWEEP_EVERY = timedelta(hours=6)


class PrivacyService:
    def __init__(self, storage: Storage, clock: Clock, *, history_days: int = 180, reports_days: int = 90) -> None:
        self.storage = storage
        self.privacy = storage.privacy
        self.clock = clock
        self.history_days = history_days
        self.reports_days = reports_days
        self.swept = asyncio.Event()  # set after each sweep (the tests wait on it)

    async def show(self, user_id: int) -> MemberData:
        """What is stored about the member in every server: counts and the newest entries."""
        await self.storage.history.flush()
        return await self.privacy.member_data(user_id)

    async def delete(self, user_id: int) -> Deletion:
        """Deletes everything stored about the member; moderation records keep an anonymised trace."""
        deletion = await self.privacy.delete_member(user_id)
        log.info("deleted the data of a member at their request: %s; %d moderation records anonymised",
                 deletion.deleted, deletion.anonymised)
        return deletion

    async def age_out(self, now: datetime | None = None) -> AgedOut:
        """Forget pick history and settled report cases older than their configured times."""
        now = now or self.clock.now()
        await self.storage.history.flush()
        aged = await self.privacy.age_out(history_before=iso(now - timedelta(days=self.history_days)),
                                          reports_before=iso(now - timedelta(days=self.reports_days)))
        self.swept.set()
        if aged.history or aged.reports:
            log.info("aged out %d pick-history rows and %d settled report cases", aged.history, aged.reports)
        return aged

    async def run(self) -> None:
        """Sweep now and then every :data:`SWEEP_EVERY`, on the clock, until cancelled. A failed
        sweep is logged and tried again at the next one."""
        while True:
            try:
                await self.age_out()
            except Exception:
                log.exception("ageing out old data failed; trying again in %s", SWEEP_EVERY)
            await self.clock.sleep_until(self.clock.now() + SWEEP_EVERY)
