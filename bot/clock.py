"""Time, injected: the bot reads the time from a clock so tests can move it instead of sleeping."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Protocol

from msgspec import Struct, field


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...

    async def sleep_until(self, when: datetime) -> None:
        """Return at ``when`` (or at once if it has passed)."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    async def sleep_until(self, when: datetime) -> None:
        delay = (when - self.now()).total_seconds()
        if delay > 0:
            await asyncio.sleep(delay)


class _Sleeper(Struct, eq=False):
    when: datetime
    alarm: asyncio.Future[None]
    # Resolved once the sleeper has run again after its alarm (or was cancelled), so that
    # :meth:`ManualClock.set` can hand control back only after the woken code has reacted.
    resumed: asyncio.Future[None] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class ManualClock:
    """A clock that moves only when told to; sleepers wake when it passes their time.

    Every :meth:`sleep_until` is registered with its deadline. :meth:`set` (and :meth:`advance`)
    wakes the sleepers whose time has come and returns once each of them has resumed, that is,
    has run up to its next ``await``: moving the clock and the sleepers' first reaction to it
    happen in one step, with no yielding for a lucky number of rounds.
    """

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start.astimezone(UTC)
        self._sleepers: list[_Sleeper] = []

    def now(self) -> datetime:
        return self._now

    @property
    def sleepers(self) -> list[datetime]:
        """The deadlines of everything sleeping on this clock now, soonest first."""
        return sorted(s.when for s in self._sleepers)

    async def sleep_until(self, when: datetime) -> None:
        if self._now >= when:
            return
        sleeper = _Sleeper(when, asyncio.get_running_loop().create_future())
        self._sleepers.append(sleeper)
        try:
            await sleeper.alarm
        finally:
            self._sleepers.remove(sleeper)
            if not sleeper.resumed.done():
                sleeper.resumed.set_result(None)

    async def advance(self, delta: timedelta | float) -> None:
        if not isinstance(delta, timedelta):
            delta = timedelta(seconds=delta)
        await self.set(self._now + delta)

    async def set(self, when: datetime) -> None:
        """Move the clock to ``when``; return once every sleeper it woke has resumed."""
        self._now = when.astimezone(UTC)
        woken = [s for s in self._sleepers if s.when <= self._now and not s.alarm.done()]
        for sleeper in woken:
            sleeper.alarm.set_result(None)
        if woken:
            await asyncio.wait([s.resumed for s in woken])


def iso(moment: datetime) -> str:
    """A sortable UTC timestamp for the database, like ``2026-01-31T09:05:00.000000Z``."""
    # isoformat() writes the same digits as strftime("%Y-%m-%dT%H:%M:%S.%f"), faster (every pick
    # stamps its showing); its "+00:00" becomes the "Z" stored so far.
    return moment.astimezone(UTC).isoformat(timespec="microseconds")[:-6] + "Z"


def parse_iso(text: str) -> datetime:
    """Read back a timestamp written by :func:`iso`."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
