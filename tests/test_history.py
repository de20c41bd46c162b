"""Showings are written in the background: picks still never repeat them, and none are lost."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from bot.clock import ManualClock, iso, parse_iso
from bot.config import Config
from bot.core import Core
from bot.services.picker import fts_query
from tests.support import backend_of, found

GUILD, CHANNEL = 1001, 2001


async def stored(core: Core, scope_id: int) -> set[int]:
    """What the database holds right now, without waiting for pending showings."""
    rows = await backend_of(core).db.fetch_all("SELECT item_id FROM history WHERE scope_id = ?", (scope_id,))
    return {r["item_id"] for r in rows}


async def show_jokes(core: Core, count: int, *, channels: int, yielding: bool = False) -> set[tuple[int, int]]:
    """Pick and show ``count`` jokes across ``channels`` channels in turn, as /joke does; return
    (channel, item) for each. With ``yielding``, the loop gets a turn after each one."""
    f = await core.picks.filters("joke", GUILD)
    shown = set()
    for n in range(count):
        channel = CHANNEL + n % channels
        item = await core.picks.pick(f, scope_id=channel)
        core.picks.shown(item, scope_id=channel, guild_id=GUILD)
        shown.add((channel, item.id))
        if yielding:
            await asyncio.sleep(0)
    return shown


async def test_a_showing_not_yet_written_is_skipped_by_the_next_pick(core: Core) -> None:
    # Held back for longer than the picks take (on PostgreSQL each one waits on the server).
    backend_of(core).showings.write_delay = 60
    f = await core.picks.filters("discussion", GUILD)
    pool = await core.storage.items.count_eligible(f)
    seen = []
    for _ in range(pool):
        item = await core.picks.pick(f, scope_id=CHANNEL)
        core.picks.shown(item, scope_id=CHANNEL, guild_id=GUILD)
        seen.append(item.id)
    # Nothing has reached the database yet (the writer had no turn), and still no repeats.
    assert await stored(core, CHANNEL) == set()
    assert len(set(seen)) == pool
    await core.storage.history.flush()
    assert await stored(core, CHANNEL) == set(seen)


async def test_a_search_skips_showings_not_yet_written(core: Core) -> None:
    f = await core.picks.filters("joke", GUILD)
    matches = await core.storage.items.search(f, query=found(fts_query("cat"), "the search"))
    assert len(matches) >= 3
    seen = []
    for _ in matches:
        item = await core.picks.pick(f, scope_id=CHANNEL, search="cat")
        core.picks.shown(item, scope_id=CHANNEL, guild_id=GUILD)
        seen.append(item.id)
    assert await stored(core, CHANNEL) == set()
    assert sorted(seen) == sorted(m.id for m in matches)


async def test_showings_of_an_item_deleted_meanwhile_do_not_take_the_others_down(core: Core) -> None:
    f = await core.picks.filters("joke", GUILD)
    a = await core.picks.pick(f, scope_id=CHANNEL)
    core.picks.shown(a, scope_id=CHANNEL, guild_id=GUILD)
    b = await core.picks.pick(f, scope_id=CHANNEL)
    core.picks.shown(b, scope_id=CHANNEL, guild_id=GUILD)
    await backend_of(core).db.write("DELETE FROM items WHERE id = ?", (a.id,))
    await core.storage.history.flush()
    assert await stored(core, CHANNEL) == {b.id}


async def test_closing_writes_what_is_pending(config: Config, clock: ManualClock,
                                              caplog: pytest.LogCaptureFixture) -> None:
    core = await Core.open(config, clock=clock, rng=random.Random(3))
    shown = await show_jokes(core, 30, channels=3)
    item = await core.storage.items.get(next(iter(shown))[1])
    assert item is not None
    await core.close()
    # Noted after closing (a command finishing during shutdown): dropped quietly, not an error.
    with caplog.at_level(logging.WARNING):
        core.picks.shown(item, scope_id=CHANNEL + 7, guild_id=GUILD)
        await asyncio.sleep(0)
    assert backend_of(core).showings.unwritten(CHANNEL + 7, "joke") == []
    assert caplog.records == []

    reopened = await Core.open(config, clock=clock)
    try:
        rows = await backend_of(reopened).db.fetch_all("SELECT scope_id, item_id FROM history")
        assert {(r["scope_id"], r["item_id"]) for r in rows} == shown
    finally:
        await reopened.close()


def count_history_inserts(core: Core) -> list[str]:
    """Every statement that the showings' writer sends to the database from now on."""
    seen: list[str] = []
    writer = backend_of(core).showings
    database = writer.db

    class Counting:
        def __getattr__(self, name: str) -> object:
            return getattr(database, name)

        async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
            if sql.lstrip().startswith("INSERT INTO history"):
                seen.append(sql)
            return int(await database.execute(sql, params))

    writer.db = Counting()  # type: ignore[assignment]  # a stand-in that passes everything on
    return seen


async def test_showings_of_a_busy_moment_share_one_statement(core: Core) -> None:
    backend_of(core).showings.write_delay = 3600  # however slow this machine, the delay does not pass here
    inserts = count_history_inserts(core)
    seen = await show_jokes(core, 12, channels=4, yielding=True)  # the writer gets turns: it still waits
    assert inserts == []
    await core.storage.history.flush()
    assert len(inserts) == 1
    rows = await backend_of(core).db.fetch_all("SELECT scope_id, item_id FROM history")
    assert {(r["scope_id"], r["item_id"]) for r in rows} == seen


async def test_showings_are_written_once_the_delay_has_passed(core: Core) -> None:
    backend_of(core).showings.write_delay = 0  # the delay's timer fires at the loop's next turn
    inserts = count_history_inserts(core)
    f = await core.picks.filters("joke", GUILD)
    item = await core.picks.pick(f, scope_id=CHANNEL)
    core.picks.shown(item, scope_id=CHANNEL, guild_id=GUILD)
    for _ in range(500):  # no flush(): only the timer can start the write (on PostgreSQL, a round trip)
        if await stored(core, CHANNEL):
            break
        await asyncio.sleep(0)
    assert await stored(core, CHANNEL) == {item.id}
    assert len(inserts) == 1


@pytest.mark.parametrize(("moment", "text"), [
    (datetime(2026, 3, 1, 10, 5, tzinfo=timezone(timedelta(hours=1))), "2026-03-01T09:05:00.000000Z"),
    (datetime(2026, 12, 31, 23, 59, 59, 7, tzinfo=UTC), "2026-12-31T23:59:59.000007Z"),
])
def test_showing_times_are_stored_in_utc_to_the_microsecond(moment: datetime, text: str) -> None:
    assert iso(moment) == text
    assert parse_iso(text) == moment
