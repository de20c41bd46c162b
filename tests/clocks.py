"""A ManualClock that also listens to the daily machinery (:class:`bot.services.daily.activity.Activity`),
so a test can wait for the moment nothing more can happen before it moves the clock."""

from __future__ import annotations

import asyncio
from datetime import datetime

from bot.clock import ManualClock


class WatchedClock(ManualClock):
    """Counts the daily scheduler and sends that are running rather than waiting on the clock (or,
    the scheduler, for a wake). Woken by those changes, never by a timer."""

    def __init__(self, start: datetime) -> None:
        super().__init__(start)
        self.running = 0
        self._quiet = asyncio.Event()
        self._quiet.set()

    def working(self) -> None:
        self.running += 1
        self._quiet.clear()

    def waiting(self) -> None:
        self.running -= 1
        assert self.running >= 0, "the daily machinery stopped more work than it started"
        if self.running == 0:
            self._quiet.set()

    async def quiet(self) -> None:
        """Return once the scheduler (if running) waits for its next time and every send is done
        or waits on this clock for its next try."""
        # Checked again after each wake-up: the event may have been cleared before we ran.
        while not self._quiet.is_set():
            await self._quiet.wait()
