"""What the storage keeps of what it read, under one rule.

An entry is good while this process has written nothing to the database since it was read, and
for at most :data:`MAX_AGE`. The first half makes it exact for everything this process does: a
vote, an edit, a setting, a written showing, anything at all, and the next read goes back to the
database. The second bounds what another process's writes (an import from the command line while
the bot runs) can leave unseen. Reads that a write overtook (the count moved while they waited)
are not kept.

What is kept today: servers' settings (read on every command, changed rarely) and, in a busy
channel, the rows a pick read beyond the candidates it needed (:mod:`bot.storage.sqlite.picks`).
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime, timedelta
from typing import Any

from bot.clock import Clock
from bot.storage.sqlite.database import Database

MAX_AGE = timedelta(seconds=1)
# Entries kept at most: all of them go at the next write anyway; this bounds a burst of reads
# across very many servers and channels.
MAX_ENTRIES = 4096


class ReadCache:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self._entries: dict[Hashable, tuple[datetime, Any]] = {}
        self._writes = -1  # the database's write count the entries were read at

    def reading(self) -> int:
        """Call before a read whose result may be kept; pass what it returns to :meth:`put`."""
        return self.db.writes

    def get(self, key: Hashable) -> Any | None:
        if self.db.writes != self._writes:
            self._entries.clear()
            self._writes = self.db.writes
            return None
        entry = self._entries.get(key)
        if entry is None:
            return None
        if self.clock.now() >= entry[0]:
            del self._entries[key]
            return None
        return entry[1]

    def put(self, key: Hashable, value: Any, read_at: int) -> None:
        """Keep ``value``, read when :meth:`reading` gave ``read_at``, unless a write came since."""
        if read_at != self.db.writes:
            return
        if self._writes != read_at:
            self._entries.clear()
            self._writes = read_at
        if len(self._entries) >= MAX_ENTRIES and key not in self._entries:
            self._entries.clear()
        self._entries[key] = (self.clock.now() + MAX_AGE, value)

    def drop(self, key: Hashable) -> None:
        self._entries.pop(key, None)
