"""The database's quick path: short statements run on the event loop, the rest on a thread."""

from __future__ import annotations

import asyncio
import math
import sqlite3
from pathlib import Path

import pytest

from bot.storage.sqlite.database import Database
from tests.support import found

COUNT_TO = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) SELECT {} FROM c"


async def test_a_short_read_does_not_queue_behind_the_reader_thread(db: Database) -> None:
    db.quick_budget = 0.0  # even with no time at all: it finishes before the first check
    slow = asyncio.create_task(db.reader.execute_fetchall(COUNT_TO.format("count(*)"), (3_000_000,)))
    await asyncio.sleep(0)  # the slow query is now running on the reader thread
    assert await db.scalar("SELECT 6 * 7") == 42
    assert not slow.done()
    assert db.handed_off == 0
    [(counted,)] = await slow
    assert counted == 3_000_000


async def test_a_read_over_budget_is_finished_on_the_reader_thread(db: Database) -> None:
    db.quick_budget = 0.0
    assert await db.scalar(COUNT_TO.format("count(*)"), (100_000,)) == 100_000
    assert db.handed_off == 1
    rows = await db.fetch_all(COUNT_TO.format("x"), (3000,))
    assert [r[0] for r in rows] == list(range(1, 3001))
    assert db.handed_off == 2


async def test_a_write_over_budget_is_undone_and_applied_once_on_the_writer(db: Database) -> None:
    db.quick_budget = 0.0
    await db.write(f"INSERT INTO meta (key, value) SELECT 'k' || x, 'v' FROM ({COUNT_TO.format('x')})", (5000,))
    assert db.handed_off == 1
    assert await db.scalar("SELECT count(*) FROM meta WHERE key LIKE 'k%'") == 5000


async def test_a_write_waits_on_its_thread_while_another_process_holds_the_lock(db: Database,
                                                                               tmp_path: Path) -> None:
    other = sqlite3.connect(tmp_path / "banter.db", isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        write = asyncio.create_task(db.write("INSERT INTO meta (key, value) VALUES ('late', 'yes')"))
        for _ in range(100):
            if db.handed_off:
                break
            await asyncio.sleep(0)
        # The loop was not blocked: the write was handed to its thread and is waiting there.
        assert db.handed_off == 1
        assert not write.done()
        other.execute("COMMIT")
        await write
    finally:
        other.close()
    assert await db.scalar("SELECT value FROM meta WHERE key = 'late'") == "yes"


async def test_other_errors_are_raised_and_change_nothing(db: Database) -> None:
    await db.write("INSERT INTO meta (key, value) VALUES ('a', '1')")
    with pytest.raises(sqlite3.IntegrityError):
        await db.write("INSERT INTO meta (key, value) VALUES ('a', '2')")
    assert db.handed_off == 0
    assert await db.scalar("SELECT value FROM meta WHERE key = 'a'") == "1"


async def wal_frames_after_quick_writes(path: Path, writes: int) -> int:
    db = await Database.open(path)
    db.quick_budget = math.inf  # however busy the machine, every write stays on the loop's connection
    try:
        for n in range(writes):
            await db.write("INSERT INTO meta (key, value) VALUES (?, 'x')", (f"w{n}",))
            await asyncio.sleep(0)  # other commands' turn, as between clicks
        await db.upkeep_done()
        assert db.handed_off == 0
        # (busy, frames in the WAL, frames checkpointed): the WAL as the writes left it.
        return int(found(await db.fetch_one("PRAGMA wal_checkpoint(PASSIVE)"), "the checkpoint's answer")[1])
    finally:
        await db.close()


async def test_quick_writes_are_checkpointed_by_the_writer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    checkpointed = await wal_frames_after_quick_writes(tmp_path / "a.db", 1200)
    monkeypatch.setattr("bot.storage.sqlite.database.CHECKPOINT_EVERY", 10**9)
    never = await wal_frames_after_quick_writes(tmp_path / "b.db", 1200)
    # The quick connection never checkpoints; without the writer's checkpoints every 500
    # writes, the WAL would hold all 1,200 of them.
    assert checkpointed < never / 3


async def test_a_write_interrupted_at_any_step_is_applied_exactly_once(db: Database) -> None:
    # On its own, SQLite can report an interrupt after the write has committed; handed to the
    # thread, it would then run a second time (here: a second INSERT of the same key fails).
    assert db.quick is not None
    steps = {"left": 0}

    def interrupt_after_some_steps() -> bool:
        if math.isinf(db._deadline):
            return False  # COMMIT and ROLLBACK run without a budget, as with the real handler
        steps["left"] -= 1
        return steps["left"] == 0

    db.quick.set_progress_handler(interrupt_after_some_steps, 1)
    for n in range(1, 120):
        steps["left"] = n  # the interrupt lands at every step of the write in turn
        await db.write("INSERT INTO meta (key, value) VALUES (?, 'x')", (f"k{n}",))
        assert [r[0] for r in await db.fetch_all("SELECT key FROM meta WHERE key = ?", (f"k{n}",))] == [f"k{n}"]
    assert db.handed_off > 0  # some were interrupted, and finished on the thread
    assert await db.scalar("SELECT count(*) FROM meta WHERE key LIKE 'k%'") == 119
