"""The reads a pick makes, and what the storage does to make them cheap.

A pick asks for a few eligible items not yet shown in a channel, from a random point of the
random order (:meth:`PickReads.choose`). Two things happen here so that the picker need not know:

* Showings are written in the background (:class:`bot.storage.sqlite.history.ShowingWriter`):
  the ones still waiting are skipped all the same, so a channel never sees a repeat because its
  last showing is not in the table yet.
* In a busy channel (something was shown there in the last :data:`BUSY` ) a read takes
  :data:`RESERVE` rows instead of :data:`CANDIDATES`, and the rest are kept in the
  :class:`bot.cache.ReadCache` for the channel's next picks with the same filters. Kept
  rows, less the items shown meanwhile, are what a fresh read from that point would return, so
  the no-repeat rule holds; the cache's one rule (nothing written since, and at most a second
  old) says when they may be used. The item chosen leaves the kept rows whether or not its
  message gets sent, so two picks at the same moment do not choose among the same few.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from msgspec import Struct

from bot.cache import ReadCache
from bot.clock import Clock, iso
from bot.models import Filters, Kind
from bot.records import Candidate
from bot.storage.sqlite.history import ShowingWriter
from bot.storage.sqlite.items import ItemRepository

CANDIDATES = 4
# Rows one read takes in a busy channel: the candidates of this pick, the rest kept.
RESERVE = 8
BUSY = timedelta(seconds=1)
# Channels whose last showing is remembered, at most (forgetting one only makes a read smaller).
MAX_BUSY = 1024


class _Kept(Struct):
    rows: list[Candidate]
    # Fewer rows than asked for were found in the whole order: these are all the items left.
    complete: bool


class PickReads:
    def __init__(self, items: ItemRepository, showings: ShowingWriter, cache: ReadCache, clock: Clock,
                 rng: random.Random) -> None:
        self.items = items
        self.showings = showings
        self.cache = cache
        self.clock = clock
        self.rng = rng
        self._last_shown: dict[int, datetime] = {}

    async def choose(self, f: Filters, scope_id: int,
                     choose: Callable[[Sequence[Candidate]], Candidate]) -> Candidate | None:
        """Up to :data:`CANDIDATES` eligible items not yet shown in ``scope_id``, handed to
        ``choose``; its choice, or None when everything eligible has been shown there."""
        unwritten = self.showings.unwritten(scope_id, f.kind)
        key = ("pick", scope_id, f)
        kept: _Kept | None = self.cache.get(key)
        if kept is not None:
            rows = [c for c in kept.rows if c.id not in unwritten] if unwritten else kept.rows
            # All that was left, unless none of it is: then a pick taken out of the rows but
            # never shown (its message failed, or is still being sent) may be all there is.
            if not (len(rows) >= CANDIDATES or (kept.complete and rows)):
                kept = None
        if kept is None:
            read_at = self.cache.reading()
            kept = await self._read(f, scope_id, unwritten, RESERVE if self._busy(scope_id) else CANDIDATES)
            self.cache.put(key, kept, read_at)
            rows = kept.rows
        if not rows:
            return None
        chosen = choose(rows[:CANDIDATES])
        kept.rows.remove(chosen)
        return chosen

    async def _read(self, f: Filters, scope_id: int, unwritten: list[int], size: int) -> _Kept:
        found = await self.items.candidates(f, start=self.rng.random(), limit=size, history_scope=scope_id,
                                            skip=unwritten)
        if len(found) < size:
            seen = {c.id for c in found}
            more = await self.items.candidates(f, start=0.0, limit=size, history_scope=scope_id, skip=unwritten)
            found += [c for c in more if c.id not in seen][: size - len(found)]
        return _Kept(found, complete=len(found) < size)

    def _busy(self, scope_id: int) -> bool:
        last = self._last_shown.get(scope_id)
        return last is not None and self.clock.now() - last < BUSY

    async def least_recent(self, f: Filters, scope_id: int) -> Candidate | None:
        """The eligible item shown longest ago in ``scope_id``. Showings not yet written are the
        latest of all, so they are passed over without waiting for the writer (which on a busy
        loop waits its turn for the write lock), unless they are all there is."""
        unwritten = self.showings.unwritten(scope_id, f.kind)
        oldest = await self.items.least_recent(f, scope_id=scope_id, skip=unwritten)
        if oldest is None and unwritten:
            await self.showings.flush()
            oldest = await self.items.least_recent(f, scope_id=scope_id)
        return oldest

    async def unseen(self, scope_id: int, kind: Kind, found: Sequence[Candidate]) -> list[Candidate]:
        """Those of ``found`` not shown in ``scope_id`` yet."""
        shown = await self.items.shown_in(scope_id, kind, [c.id for c in found])
        shown.update(self.showings.unwritten(scope_id, kind))
        return [c for c in found if c.id not in shown]

    def shown(self, *, scope_id: int, kind: Kind, item_id: int, guild_id: int | None) -> None:
        """Note that ``item_id`` was shown in ``scope_id`` (written in the background; the next
        pick there skips it at once)."""
        now = self.clock.now()
        self.showings.record_soon(scope_id=scope_id, kind=kind, item_id=item_id, guild_id=guild_id, now=iso(now))
        if len(self._last_shown) >= MAX_BUSY and scope_id not in self._last_shown:
            self._last_shown.clear()
        self._last_shown[scope_id] = now
