"""SQL for what was shown where, and for the pick of the day."""

from __future__ import annotations

import asyncio
import logging

from bot.models import Kind
from bot.storage.sqlite.sql import Sql

log = logging.getLogger(__name__)

# Showings written by one statement, at most (five parameters each, well under SQLite's limit).
BATCH = 1000
# How long a showing waits to be written, so that the picks of a busy moment share one commit
# (each commit appends its pages to the WAL; bench/README.md has what one per pick cost).
WRITE_DELAY = 0.25


Showing = tuple[int, Kind, int, int | None, str]  # scope_id, kind, item_id, guild_id, shown_at


def record_many_sql(count: int) -> str:
    """One statement recording ``count`` showings (an earlier showing of the same item in the same
    scope is moved to the new time); one of an item deleted meanwhile is skipped."""
    values = ", ".join(["(?, ?, ?, ?, ?)"] * count)
    return f"""INSERT INTO history (scope_id, kind, item_id, guild_id, shown_at)
               SELECT column1, column2, column3, column4, column5 FROM (VALUES {values})
                WHERE column3 IN (SELECT id FROM items)
               ON CONFLICT (scope_id, kind, item_id) DO UPDATE SET shown_at = excluded.shown_at"""



class ShowingWriter:
    """Showings are recorded in the background (:meth:`record_soon`): every pick makes one, and
    the member should not wait for it. They are written :data:`WRITE_DELAY` after the first of
    them, together. Until one is committed, :meth:`unwritten` lists it so the next pick skips it
    all the same, and every read of the history has it written first. One per database."""

    def __init__(self, db: Sql) -> None:
        self.db = db
        self.write_delay = WRITE_DELAY
        self._unwritten: dict[tuple[int, Kind], dict[int, Showing]] = {}
        self._writer: asyncio.Task[None] | None = None
        self._due: asyncio.Future[None] | None = None  # done when the writer should start
        self._timer: asyncio.TimerHandle | None = None
        self._closed = False

    def record_soon(self, *, scope_id: int, kind: Kind, item_id: int, guild_id: int | None, now: str) -> None:
        """Note that ``item_id`` was shown in ``scope_id``; written to the database shortly, together
        with the other showings noted meanwhile, in one statement."""
        if self._closed:
            # A command that finished while the bot was shutting down: nothing to write it to.
            log.debug("not recording item %s as shown in %s: the database is closing", item_id, scope_id)
            return
        self._unwritten.setdefault((scope_id, kind), {})[item_id] = (scope_id, kind, item_id, guild_id, now)
        if self._writer is None:
            loop = asyncio.get_running_loop()
            self._due = loop.create_future()
            self._timer = loop.call_later(self.write_delay, self._hurry)
            self._writer = asyncio.create_task(self._write_unwritten(), name="banter-history-writer")

    def statement(self, count: int) -> str:
        """The statement that records ``count`` showings (see :func:`record_many_sql`)."""
        return record_many_sql(count)

    def unwritten(self, scope_id: int, kind: Kind) -> list[int]:
        """Items noted as shown in ``scope_id`` whose showing is not committed yet."""
        return list(self._unwritten.get((scope_id, kind), ()))

    async def flush(self) -> None:
        """Write every showing noted so far now, and wait until it is committed (or was given up
        on and logged)."""
        while self._writer is not None:
            self._hurry()
            await asyncio.shield(self._writer)

    def _hurry(self) -> None:
        if self._due is not None and not self._due.done():
            self._due.set_result(None)

    async def close(self) -> None:
        """Write what is pending and note no more (the database is about to close)."""
        self._closed = True
        await self.flush()

    async def _write_unwritten(self) -> None:
        assert self._due is not None and self._timer is not None
        try:
            await self._due
            while self._unwritten:
                batch = [row for rows in self._unwritten.values() for row in rows.values()][:BATCH]
                try:
                    await self.db.execute(self.statement(len(batch)), [v for row in batch for v in row])
                except Exception:
                    # Losing them only lets those items come back early in their channels.
                    log.exception("could not record %d showings", len(batch))
                for row in batch:
                    rows = self._unwritten[row[0], row[1]]
                    if rows.get(row[2]) is row:  # unless shown again meanwhile: that one is next
                        del rows[row[2]]
                        if not rows:
                            del self._unwritten[row[0], row[1]]
        finally:
            self._timer.cancel()
            self._due = self._timer = self._writer = None

class HistoryRepository:
    """What was shown where. Reads of the history see the showings still waiting in the
    :class:`ShowingWriter` too (they are written first)."""

    def __init__(self, sql: Sql, writer: ShowingWriter) -> None:
        self.sql = sql
        self.writer = writer

    async def record(self, *, scope_id: int, kind: Kind, item_id: int, guild_id: int | None, now: str) -> None:
        """Note that ``item_id`` was shown in ``scope_id`` now, not in the background; an earlier
        showing is moved to ``now``."""
        await self.sql.execute(self.writer.statement(1), (scope_id, kind, item_id, guild_id, now))

    async def flush(self) -> None:
        """Write the showings still waiting in the background (a read of the history here does)."""
        await self.writer.flush()

    async def count(self, scope_id: int, kind: Kind) -> int:
        await self.writer.flush()
        count: int = await self.sql.scalar(
            "SELECT count(*) FROM history WHERE scope_id = ? AND kind = ?", (scope_id, kind)
        )
        return count

    async def trim(self, *, scope_id: int, kind: Kind, keep: int, tag: str | None = None) -> None:
        """Forget all but the ``keep`` most recent showings in a scope (of items with ``tag``, if
        given: the rest of the scope's memory stays). One statement, so no transaction: on a
        busy loop, getting into a transaction on the writer thread waits behind everyone else's."""
        tagged = "AND item_id IN (SELECT item_id FROM item_tags WHERE tag = ?)" if tag is not None else ""
        tag_params = [tag] if tag is not None else []
        await self.sql.execute(
            f"""DELETE FROM history WHERE scope_id = ? AND kind = ? {tagged} AND item_id NOT IN (
                    SELECT item_id FROM history WHERE scope_id = ? AND kind = ? {tagged}
                     ORDER BY shown_at DESC, item_id DESC LIMIT ?)""",
            [scope_id, kind, *tag_params, scope_id, kind, *tag_params, keep],
        )

    async def places(self, item_id: int, limit: int = 10) -> list[tuple[int, int | None, str]]:
        """Where an item was shown most recently: (scope id, guild id, when)."""
        await self.writer.flush()
        rows = await self.sql.fetch_all(
            "SELECT scope_id, guild_id, shown_at FROM history WHERE item_id = ? ORDER BY shown_at DESC LIMIT ?",
            (item_id, limit),
        )
        return [(r["scope_id"], r["guild_id"], r["shown_at"]) for r in rows]

    async def daily_pick(self, guild_id: int, kind: Kind, local_date: str) -> int | None:
        """The pick of the day stored for a server's local date, if any."""
        item_id: int | None = await self.sql.scalar(
            "SELECT item_id FROM daily_picks WHERE guild_id = ? AND kind = ? AND local_date = ?",
            (guild_id, kind, local_date),
        )
        return item_id

    async def claim_daily_pick(self, *, guild_id: int, kind: Kind, local_date: str, item_id: int,
                               replacing: int | None = None) -> int:
        """Store the pick of the day unless one is stored already; return the one that stands.

        With ``replacing``, the stored pick is swapped for ``item_id`` only if it is still
        ``replacing``: when two commands replace a pick that went out of bounds, one wins.
        """
        async with self.sql.atomic() as sql:
            if replacing is None:
                await sql.execute(
                    "INSERT OR IGNORE INTO daily_picks (guild_id, kind, local_date, item_id) VALUES (?, ?, ?, ?)",
                    (guild_id, kind, local_date, item_id),
                )
            else:
                await sql.execute(
                    """UPDATE daily_picks SET item_id = ?
                        WHERE guild_id = ? AND kind = ? AND local_date = ? AND item_id = ?""",
                    (item_id, guild_id, kind, local_date, replacing),
                )
            stands: int = await sql.scalar(
                "SELECT item_id FROM daily_picks WHERE guild_id = ? AND kind = ? AND local_date = ?",
                (guild_id, kind, local_date),
            )
        return stands
