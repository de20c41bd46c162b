"""What is kept of what was read, under one rule.

An entry is good while the version it was read at still stands, and for at most ``max_age``. The
storage's version moves with every write this process makes (a vote, an edit, a setting, a
written showing: anything at all), so the first half makes a cache exact for everything this
process does; the second bounds what another process's writes (an import from the command line
while the bot runs, the bot running apart from ``python -m bot web``) can leave unseen. A read
that a write overtook (the version moved while it waited) is not kept.

Two caches follow this rule: the storage's (servers' settings, and the rows a pick read ahead in
a busy channel: see :mod:`bot.storage.sqlite.picks`) and the web site's rendered pages
(:mod:`web.pagecache`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import datetime, timedelta
from typing import Any

MAX_AGE = timedelta(seconds=1)
# Entries kept at most: all of them go at the next write anyway; this bounds a burst of reads
# across very many servers and channels.
MAX_ENTRIES = 4096


class ReadCache:
    def __init__(self, version: Callable[[], int], now: Callable[[], datetime], *,
                 max_age: timedelta = MAX_AGE, max_entries: int = MAX_ENTRIES) -> None:
        self.version = version
        self.now = now
        self.max_age = max_age
        self.max_entries = max_entries
        self._entries: dict[Hashable, tuple[datetime, Any]] = {}
        self._version = -1  # the version the entries were read at

    def reading(self) -> int:
        """Call before a read whose result may be kept; pass what it returns to :meth:`put`."""
        return self.version()

    def get(self, key: Hashable) -> Any | None:
        if self.version() != self._version:
            self._entries.clear()
            self._version = self.version()
            return None
        entry = self._entries.get(key)
        if entry is None:
            return None
        if self.now() >= entry[0]:
            del self._entries[key]
            return None
        return entry[1]

    def put(self, key: Hashable, value: Any, read_at: int) -> None:
        """Keep ``value``, read when :meth:`reading` gave ``read_at``, unless a write came since."""
        if read_at != self.version():
            return
        if self._version != read_at:
            self._entries.clear()
            self._version = read_at
        if len(self._entries) >= self.max_entries and key not in self._entries:
            self._entries.clear()
        self._entries[key] = (self.now() + self.max_age, value)
