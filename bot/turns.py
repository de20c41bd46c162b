"""Turns: for work on one key that must finish in the order it is let through (within this process)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Hashable

from msgspec import Struct, field


class _Key(Struct):
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    holders: int = 0  # tickets out now
    issued: int = 0  # tickets given while the key has been kept


class Ticket:
    """One piece of work's place on a key, from before it starts until it ends."""

    def __init__(self, key: _Key) -> None:
        self._key = key
        key.holders += 1
        key.issued += 1
        self._number = key.issued
        self._met_others = key.holders > 1

    @property
    def shared(self) -> bool:
        """Whether another ticket on the key was out at some moment while this one was."""
        return self._met_others or self._key.issued != self._number

    def turn(self) -> asyncio.Lock:
        """The key's one turn (``async with ticket.turn():``), given first come, first served."""
        return self._key.lock


class Turns:
    """Tickets per key. A key is kept while a ticket on it is out and dropped after, so keys seen
    once (every message ever clicked) cost nothing afterwards."""

    def __init__(self) -> None:
        self._keys: dict[Hashable, _Key] = {}

    @contextlib.asynccontextmanager
    async def ticket(self, key: Hashable) -> AsyncIterator[Ticket]:
        entry = self._keys.setdefault(key, _Key())
        try:
            yield Ticket(entry)
        finally:
            entry.holders -= 1
            if entry.holders == 0:
                del self._keys[key]
