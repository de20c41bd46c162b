"""How fast is a pick on a big library? Prints p50/p99 latencies side by side.

Seeds N jokes (default 1,000,000) in 20 categories into a fresh SQLite file, shows 1,000 of
one category in a channel (the no-repeat window), then times in this one process:

* one aiosqlite primary-key fetch of a whole item row (the baseline the target names), and the
  same fetch through ``Database``, which runs it on the event loop's own connection,
* ``PickService.pick`` with a category filter and that channel's history (safe mode on): none
  is shown, so the channel stays quiet and each pick reads its candidates afresh; and picks
  one after another in a busy channel, each shown, most of them served from rows a read kept,
* the naive ``ORDER BY RANDOM() LIMIT 1`` over the same category.

Target: pick p50 within 3x of the primary-key fetch.

    python bench/pick.py [--jokes 1000000] [--picks 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.clock import SystemClock
from bot.services.picker import PickService
from bot.storage.sqlite import SqliteStorage
from bot.storage.sqlite.database import Database
from bot.storage.sqlite.items import I_COLUMNS, ITEM_COLUMNS

CATEGORIES = [f"cat{n:02d}" for n in range(20)]
GUILD, CHANNEL = 1, 2


async def seed(db: Database, count: int, rng: random.Random) -> None:
    now = "2026-01-01T00:00:00.000000Z"
    batch = 50_000
    async with db.transaction() as conn:
        for start in range(0, count, batch):
            items, tags = [], []
            for n in range(start, min(count, start + batch)):
                category = CATEGORIES[n % len(CATEGORIES)]
                rand = rng.random()
                flags = 2 if n % 50 == 0 else 0  # about 2% flagged dark: safe mode skips them
                body = json.dumps({"setup": f"Setup number {n}?", "punchline": f"Punchline {n}."})
                tag_list = [f"category:{category}", "mood:happy"]
                items.append((n + 1, "joke", f"bench-{n}", "pack:bench", body, flags, "h", rand,
                              json.dumps(tag_list), now, now))
                tags += [(t, n + 1, rand) for t in tag_list]
            await conn.executemany(
                """INSERT INTO items (id, kind, key, origin, body, flags, content_hash, rand, tags,
                                      created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                items,
            )
            await conn.executemany("INSERT INTO item_tags (tag, item_id, rand) VALUES (?, ?, ?)", tags)
    await db.conn.execute("ANALYZE")


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


async def main(jokes: int, picks: int) -> None:
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        storage = await SqliteStorage.open(Path(tmp) / "bench.db", rng=rng)
        db = storage.db
        t0 = time.perf_counter()
        await seed(db, jokes, rng)
        print(f"seeded {jokes:,} jokes in {time.perf_counter() - t0:.1f} s")
        history = storage.history
        picker = PickService(storage, SystemClock(), rng)
        f = await picker.filters("joke", GUILD, category="cat07")
        # The no-repeat window: 1,000 items of the category already shown in the channel.
        shown = [n + 1 for n in range(7, jokes, len(CATEGORIES))][:1000]
        async with storage.transaction() as tx:
            for item_id in shown:
                await tx.history.record(scope_id=CHANNEL, kind="joke", item_id=item_id, guild_id=GUILD,
                                     now="2026-01-01T00:00:00.000000Z")

        async def pk_fetch() -> None:
            # Through an aiosqlite thread, as the target is defined.
            await db.reader.execute_fetchall(f"SELECT {ITEM_COLUMNS} FROM items WHERE id = ?",
                                             (rng.randint(1, jokes),))

        async def quick_pk_fetch() -> None:
            # The way picks now read: on the loop's own connection (see bot/db.py).
            await db.fetch_one(f"SELECT {ITEM_COLUMNS} FROM items WHERE id = ?", (rng.randint(1, jokes),))

        async def pick() -> None:
            await picker.pick(f, scope_id=CHANNEL)

        async def busy_pick() -> None:
            # One pick after another in a channel, each noted as shown: reads take RESERVE
            # rows (see bot.services.picker), and the showings are written in the background
            # when the loop gets a turn.
            item = await picker.pick(f, scope_id=CHANNEL + 2)
            picker.shown(item, scope_id=CHANNEL + 2, guild_id=GUILD)
            await asyncio.sleep(0)

        async def pick_and_record() -> None:
            # What a command does in all: choose, then (after sending) note it as shown elsewhere;
            # here the background write is waited for, so its cost is in the figure.
            item = await picker.pick(f, scope_id=CHANNEL + 1)
            picker.shown(item, scope_id=CHANNEL + 1, guild_id=GUILD)
            await history.flush()

        async def order_by_random() -> None:
            await db.fetch_one(
                f"""SELECT {I_COLUMNS}
                      FROM item_tags t JOIN items i ON i.id = t.item_id
                     WHERE t.tag = 'category:cat07' AND i.status = 'active' AND (i.flags & 63) = 0
                       AND NOT EXISTS (SELECT 1 FROM history h WHERE h.scope_id = ? AND h.item_id = i.id)
                     ORDER BY RANDOM() LIMIT 1""",
                (CHANNEL,),
            )

        async def timed(action: Callable[[], Awaitable[None]], n: int) -> list[float]:
            for _ in range(min(50, n)):  # warm the caches
                await action()
            samples = []
            for _ in range(n):
                start = time.perf_counter()
                await action()
                samples.append((time.perf_counter() - start) * 1e6)
            return samples

        base = await timed(pk_fetch, picks)
        quick = await timed(quick_pk_fetch, picks)
        picked = await timed(pick, picks)
        busy = await timed(busy_pick, picks)
        recorded = await timed(pick_and_record, picks)
        base += await timed(pk_fetch, picks)  # before and after, so drift shows in neither
        naive = await timed(order_by_random, max(20, picks // 100))
        b50, b99 = percentiles(base)
        q50, q99 = percentiles(quick)
        p50, p99 = percentiles(picked)
        k50, k99 = percentiles(busy)
        n50, n99 = percentiles(naive)
        r50, r99 = percentiles(recorded)
        window = await history.count(CHANNEL, "joke")
        print(f"library: {jokes:,} jokes, category filter (1 in {len(CATEGORIES)}), safe mode, "
              f"no-repeat window 1,000 -> {window:,} items")
        print(f"{'':24}{'p50 µs':>10}{'p99 µs':>10}{'p50 ratio':>11}")
        print(f"{'primary-key fetch':24}{b50:10.0f}{b99:10.0f}{1.0:11.2f}")
        print(f"{'  same, on the loop':24}{q50:10.0f}{q99:10.0f}{q50 / b50:11.2f}")
        print(f"{'pick (PickService)':24}{p50:10.0f}{p99:10.0f}{p50 / b50:11.2f}")
        print(f"{'  in a busy channel':24}{k50:10.0f}{k99:10.0f}{k50 / b50:11.2f}")
        print(f"{'pick + record shown':24}{r50:10.0f}{r99:10.0f}{r50 / b50:11.2f}")
        print(f"{'ORDER BY RANDOM()':24}{n50:10.0f}{n99:10.0f}{n50 / b50:11.2f}")
        verdict = "meets" if p50 <= 3 * b50 else "MISSES"
        print(f"pick p50 is {p50 / b50:.2f}x the aiosqlite primary-key fetch: {verdict} the 3x target "
              f"({p50 / q50:.2f}x the same fetch on the loop)")
        await storage.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jokes", type=int, default=1_000_000)
    parser.add_argument("--picks", type=int, default=2000)
    args = parser.parse_args()
    asyncio.run(main(args.jokes, args.picks))
