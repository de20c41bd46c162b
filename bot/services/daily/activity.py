"""How the daily machinery says when it works and when it waits, for whoever wants to know.

The scheduler and every send tell an :class:`Activity` when a piece of work starts running and
when it stops (it ended, or now waits for the clock or for a wake). Production has nobody
listening (:class:`Unwatched`). A clock that is also an Activity (the tests' clock) is told, so
a test knows the moment nothing more can happen before it moves the clock, without sleeping.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from bot.clock import Clock


@runtime_checkable
class Activity(Protocol):
    def working(self) -> None:
        """One more piece of work runs (the scheduler started or woke, a send started or its wait ended)."""
        ...

    def waiting(self) -> None:
        """One piece of work stopped running: it ended, or waits for the clock or a wake."""
        ...


class Unwatched:
    def working(self) -> None:
        pass

    def waiting(self) -> None:
        pass


def activity_of(clock: Clock) -> Activity:
    """The clock, when it listens; otherwise nobody."""
    return clock if isinstance(clock, Activity) else Unwatched()


def start_watched(activity: Activity, work: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
    """Run ``work`` as a task that counts as working from this moment (before it first runs) until it ends."""
    activity.working()
    task = asyncio.create_task(work, name=name)
    task.add_done_callback(lambda _: activity.waiting())
    return task


async def nap(activity: Activity, clock: Clock, until: datetime) -> None:
    """Wait on ``clock`` until ``until``, counted as waiting meanwhile."""
    activity.waiting()
    try:
        await clock.sleep_until(until)
    finally:
        activity.working()
