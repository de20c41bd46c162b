"""What the PostgreSQL backend does its own way: the statements' translation, the search's
queries, tracked migrations, several processes on one database, and the clear lines a person sees
when the server cannot be reached or a SQLite-only command is asked of it."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterable
from pathlib import Path

import asyncpg
import msgspec
import pytest

from bench.pg import CHANNEL, seed_postgres, show_window
from bot.__main__ import main
from bot.clock import ManualClock
from bot.config import Config, load_config
from bot.core import Core
from bot.errors import BanterError
from bot.services.picker import PickService, fts_query
from bot.storage import Storage
from bot.storage.postgres import PostgresStorage
from bot.storage.postgres.database import migrations, translate
from bot.storage.postgres.search import tsquery

GUILD = 4242

pytestmark = pytest.mark.backends("postgres")


def test_placeholders_become_numbered_and_quoted_text_is_left_alone() -> None:
    assert translate("SELECT ? FROM t WHERE a = '?' AND b = ?") == "SELECT $1 FROM t WHERE a = '?' AND b = $2"
    assert translate("SELECT 1 FROM items i INDEXED BY items_pick WHERE x IS ?") == (
        "SELECT 1 FROM items i WHERE x IS NOT DISTINCT FROM $1")
    assert translate("INSERT OR IGNORE INTO t (a) VALUES (?)") == "INSERT INTO t (a) VALUES ($1) ON CONFLICT DO NOTHING"
    # The same rows, and an estimate that keeps picks on their index (see translate).
    assert translate("SELECT 1 FROM t WHERE (i.flags & ?) = 0") == "SELECT 1 FROM t WHERE (i.flags & $1) < 1"


def test_a_search_keeps_its_words_its_operators_and_its_prefix() -> None:
    assert tsquery(fts_query("Cats DO") or "") == "'cats' & 'do':*"
    assert tsquery('"café" OR "naïve"') == "'cafe' | 'naive'"
    assert tsquery('"x" AND') == "'x'"


async def test_migrations_are_numbered_tracked_and_applied_once(core: Core) -> None:
    rows = await core.storage.db.fetch_all("SELECT version, name FROM schema_migrations ORDER BY version")  # type: ignore[attr-defined]
    assert [(r["version"], r["name"]) for r in rows] == [(n, name) for n, name, _ in migrations()]
    again = await Core.open(core.config)
    try:
        assert await again.storage.db.migrate() == len(migrations())  # type: ignore[attr-defined]
    finally:
        await again.close()


async def test_closing_while_a_statement_runs_gives_its_connection_back(config: Config) -> None:
    """A bot stopping while a member's command is still reading: the pool waits for every
    connection, so the running statement's must go back to it, not be kept for the next."""
    core = await Core.open(config, rng=random.Random(1))
    leases = core.storage.db.leases  # type: ignore[attr-defined]
    free = (len(leases.idle), leases.pool.get_idle_size())
    running = asyncio.create_task(leases.fetchval("SELECT pg_sleep(0.3)"))
    for _ in range(10_000):  # until the statement has its connection, a kept one or the pool's
        if running.done() or (len(leases.idle), leases.pool.get_idle_size()) != free:
            break
        await asyncio.sleep(0)
    assert not running.done()
    # Bounded so that the old behaviour fails rather than hangs: close() waited 10 s, then
    # terminated the pool.
    await asyncio.wait_for(core.close(), timeout=5)
    await running
    assert leases.idle == []


async def test_two_processes_on_one_database_see_each_others_changes_at_once(config: Config) -> None:
    first = await Core.open(config, rng=random.Random(1))
    second = await Core.open(config, rng=random.Random(2))
    try:
        assert (await second.storage.settings.get(GUILD)).safe_mode
        await first.storage.settings.update(GUILD, safe_mode=False)
        # Nothing kept between requests: the other process reads the change with no wait at all.
        assert not (await second.storage.settings.get(GUILD)).safe_mode
        item = (await first.storage.items.find(kind="joke"))[0]
        for user in range(3):
            await first.votes.click(item_id=item.id, guild_id=GUILD, user_id=user, up=True)
            await second.votes.click(item_id=item.id, guild_id=GUILD, user_id=100 + user, up=user != 0)
        tally = await first.votes.tally(item.id, GUILD)
        assert (tally.up, tally.down) == (5, 1)
        stored = await second.storage.items.get(item.id)
        assert stored is not None and (stored.up, stored.down) == (5, 1)
    finally:
        await first.close()
        await second.close()


async def test_an_unreachable_server_is_one_line_naming_it_without_its_password(tmp_path: Path) -> None:
    url = f"postgresql://banter:s3cret@/banter?host={tmp_path}/no-such-folder"
    config = msgspec.structs.replace(load_config(None, environ={}), database_url=url)
    with pytest.raises(BanterError) as raised:
        await Core.open(config)
    message = str(raised.value)
    assert message.startswith("database: cannot connect to postgresql://banter:***@/banter")
    assert "s3cret" not in message and "\n" not in message


async def test_a_missing_database_is_named(config: Config) -> None:
    assert config.database_url is not None
    missing = config.database_url.replace("/banter_test_", "/banter_missing_")
    with pytest.raises(BanterError, match=r"cannot connect to .*banter_missing_.*does not exist"):
        await Core.open(msgspec.structs.replace(config, database_url=missing))


@pytest.mark.parametrize("command", ["backup", "restore"])
def test_backup_and_restore_point_to_pg_dump(tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "config.yaml"
    cfg.write_text("database:\n  url: postgresql://banter:pw@db.example/banter\n", encoding="utf-8")
    monkeypatch.delenv("BANTER_DATABASE_URL", raising=False)
    assert main([command, "--config", str(cfg), str(tmp_path / "copy.db")]) != 0
    err = capsys.readouterr().err.strip()
    assert "pg_dump" in err and "pg_restore" in err and "pw@" not in err
    assert not (tmp_path / "copy.db").exists()


async def test_the_database_holds_real_constraints(config: Config) -> None:
    assert config.database_url is not None
    conn = await asyncpg.connect(config.database_url)
    try:
        with pytest.raises(asyncpg.ForeignKeyViolationError):
            await conn.execute("INSERT INTO votes (item_id, guild_id, user_id, value, voted_at) "
                               "VALUES (999999, 1, 1, 1, 'now')")
        item = ("INSERT INTO items (kind, key, origin, body, content_hash, rand, created_at, updated_at) "
                "VALUES ($1, 'k', 'o', '{}', 'h', 0.5, 'n', 'n')")
        with pytest.raises(asyncpg.CheckViolationError):
            await conn.execute(item, "poem")
        await conn.execute(item, "joke")
        with pytest.raises(asyncpg.UniqueViolationError):
            await conn.execute(item, "joke")
    finally:
        await conn.close()


async def test_two_processes_starting_together_import_the_packs_once(config: Config) -> None:
    first, second = await asyncio.gather(Core.open(config, rng=random.Random(1)),
                                         Core.open(config, rng=random.Random(2)))
    try:
        keys = [(i.kind, i.key) for i in await first.storage.items.find(status=None)]
        assert len(keys) == len(set(keys)) == len(first.packs.entries())
        assert len(await second.storage.items.find(status=None)) == len(keys)
    finally:
        await first.close()
        await second.close()


async def test_a_statement_on_the_pool_is_one_round_trip(core: Core) -> None:
    """asyncpg's default resets every connection given back to the pool with a query of its
    own; Banter leaves no session state behind, so a read outside a transaction is one query."""
    leases = core.storage.db.leases  # type: ignore[attr-defined]
    sent: list[str] = []

    def log(record: asyncpg.connection.LoggedQuery) -> None:
        sent.append(record.query)

    async with leases.lease() as conn:  # the connection the next statement is lent
        conn.add_query_logger(log)
    try:
        for _ in range(3):
            assert (await core.storage.settings.get(GUILD)).safe_mode
        # (One of the reads may be lent another connection; none is followed by a reset.)
        assert sent and all("guild_settings" in query for query in sent), sent
        # Nor when the pool takes a connection back (a transaction's).
        async with core.storage.transaction() as tx:
            await tx.settings.update(GUILD, safe_mode=False)
        assert not any("RESET ALL" in query for query in sent), sent
    finally:
        async with leases.lease() as conn:
            conn.remove_query_logger(log)


async def test_a_pick_on_a_big_library_seeks_into_its_index(storage: Storage, clock: ManualClock,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """However the planner plans the pick's statement (for its values, or once for all, as the
    connections picks read on do), it reads a few rows from the tag's index, never every item (on
    20,000 jokes it once scanned them all), and starts no parallel worker (on 1,000,000 it did)."""
    assert isinstance(storage, PostgresStorage)
    await seed_postgres(storage, 20_000)
    await show_window(storage, 20_000)
    await storage.db.execute("ANALYZE history")
    sent: list[tuple[str, list[object]]] = []
    planned = storage.db.planned  # where picks read
    read = planned.fetch_all

    async def noted(sql: str, params: Iterable[object] = ()) -> list[asyncpg.Record]:
        sent.append((translate(sql), list(params)))
        return await read(sql, params)

    monkeypatch.setattr(planned, "fetch_all", noted)
    picker = PickService(storage, clock, random.Random(3))
    f = await picker.filters("joke", GUILD, category="cat07")
    item = await picker.pick(f, scope_id=CHANNEL)
    monkeypatch.undo()
    assert "cat07" in item.categories
    [(query, args)] = [(q, a) for q, a in sent if "item_tags" in q]
    async with storage.db.pool.acquire() as conn:
        await conn.execute("SET plan_cache_mode = force_custom_plan")
        plans = ["\n".join(r[0] for r in await conn.fetch(f"EXPLAIN {query}", *args))]
        await conn.execute("RESET plan_cache_mode")
    async with storage.db.planned.leases.lease() as conn:  # the generic plan, as picks run it
        plans.append("\n".join(r[0] for r in await conn.fetch(f"EXPLAIN {query}", *args)))
    for plan in plans:
        assert "Seq Scan" not in plan and "Gather" not in plan and "item_tags_pick" in plan, plan
    # And the connections picks read on plan that statement once, not once per pick.
    for _ in range(10):
        await picker.pick(f, scope_id=CHANNEL)
    [plans] = await storage.db.planned.fetch_all(
        "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = ?", (query,))
    assert plans["custom_plans"] == 0 and plans["generic_plans"] >= 10
