"""The emulator's clock and its waits: every state change wakes the waits, nothing polls."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from .errors import SandboxTimeout

log = logging.getLogger(__name__)


class Clock:
    """What the interaction deadlines (3 s, 15 min) and the nonce window are measured on.

    ``source`` is the underlying clock (``time.monotonic`` by default); :meth:`advance` moves this
    one forward without sleeping.
    """

    def __init__(self, source: Callable[[], float]) -> None:
        self.source = source
        self.offset = 0.0

    def now(self) -> float:
        return self.source() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


@dataclass
class _Waiter:
    predicate: Callable[[], bool]
    future: asyncio.Future[None] = field(repr=False)


class Changes:
    """Pending waits, re-checked once after each burst of state changes.

    ``context`` describes what happened lately, for the message of a wait that timed out.
    """

    def __init__(self, context: Callable[[], str] = lambda: "") -> None:
        self.context = context
        self.waiters: list[_Waiter] = []
        self.check_scheduled = False

    def changed(self) -> None:
        """Note a state change: pending waits are re-checked once the current step finishes.

        The check is deferred with ``call_soon`` (and coalesced) so a predicate never sees a
        half-applied change, e.g. a response recorded before its message is stored.
        """
        if self.check_scheduled or not self.waiters:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop, so nobody can be waiting
        self.check_scheduled = True
        loop.call_soon(self.check_now)

    def check_now(self) -> None:
        self.check_scheduled = False
        for waiter in list(self.waiters):
            if waiter.future.done():
                continue
            try:
                ok = waiter.predicate()
            except Exception as exc:  # a broken predicate should fail its wait, not the server
                waiter.future.set_exception(exc)
                continue
            if ok:
                waiter.future.set_result(None)

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0, what: str | None = None) -> None:  # noqa: ASYNC109 - the test API takes explicit timeouts
        """Wait until ``predicate()`` is true, re-checking it after every change; never by polling."""
        if predicate():
            return
        loop = asyncio.get_running_loop()
        waiter = _Waiter(predicate, loop.create_future())
        self.waiters.append(waiter)
        try:
            await asyncio.wait_for(asyncio.shield(waiter.future), timeout)
        except TimeoutError:
            text = f"timed out after {timeout}s waiting for {what or 'condition'}"
            raise SandboxTimeout(f"{text}; {self.context()}") from None
        finally:
            self.waiters.remove(waiter)

    def cancel_all(self) -> None:
        for waiter in self.waiters:
            if not waiter.future.done():
                waiter.future.cancel()
        self.waiters.clear()
