"""Small ways for tests to arrange or look at stored state that no command offers."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TypeVar

import asyncpg

from bot.clock import Clock, ManualClock
from bot.core import Core
from bot.models import Body, DiscussionBody, Item, JokeBody, Kind
from bot.storage.postgres import PostgresStorage
from bot.storage.postgres.database import translate
from bot.storage.sqlite import SqliteStorage
from bot.storage.sqlite.connections import migrations

T = TypeVar("T")


def backend_of(core: Core) -> SqliteStorage | PostgresStorage:
    """The core's storage as the backend it is, for a test that reaches under the seam (its
    database, or the showings waiting to be written)."""
    storage = core.storage
    assert isinstance(storage, SqliteStorage | PostgresStorage), f"an unknown backend: {storage!r}"
    return storage


def sqlite_of(core: Core) -> SqliteStorage:
    """The core's storage, in a test that runs on SQLite only."""
    storage = core.storage
    assert isinstance(storage, SqliteStorage), f"a SQLite-only test on {storage!r}"
    return storage


async def item_by_key(core: Core, kind: Kind, key: str) -> Item | None:
    """The item a pack entry (or a server's content) became, by its key, whatever its status."""
    found = [item for item in await core.storage.items.find(kind=kind, status=None) if item.key == key]
    return found[0] if found else None


async def retire(core: Core, item_id: int) -> None:
    """Retire an item behind the bot's back, as an import that dropped its entry would."""
    await backend_of(core).db.execute(
        "UPDATE items SET status = 'retired', updated_at = '2026-01-01T00:00:00.000000Z' WHERE id = ?", (item_id,)
    )


async def vote_of(core: Core, item_id: int, guild_id: int, user_id: int) -> int:
    """A member's stored vote on an item in a server: 1, -1, or 0 for none."""
    value = await backend_of(core).db.scalar(
        "SELECT value FROM votes WHERE item_id = ? AND guild_id = ? AND user_id = ?", (item_id, guild_id, user_id)
    )
    return int(value or 0)


def found(value: T | None, what: str) -> T:
    """``value``, which the test expects to be there; if it is not, the failure says what was missing."""
    assert value is not None, f"{what}: not found"
    return value


async def stored(core: Core, item_id: int) -> Item:
    """The item with this id, whatever its status (the test expects it to exist)."""
    return found(await core.storage.items.get(item_id), f"item #{item_id}")


def joke_body(body: Body) -> JokeBody:
    """A body the test knows is a joke's."""
    assert isinstance(body, JokeBody), f"expected a joke, got {body!r}"
    return body


def topic_body(body: Body) -> DiscussionBody:
    """A body the test knows is a discussion topic's."""
    assert isinstance(body, DiscussionBody), f"expected a discussion topic, got {body!r}"
    return body


def manual(clock: Clock) -> ManualClock:
    """The core's clock, which the tests' cores always run on a ManualClock."""
    assert isinstance(clock, ManualClock), f"the core runs on {clock!r}, not a ManualClock"
    return clock


def logged(data: Mapping[str, object] | None, *path: str) -> object:
    """A value inside a logged action's ``before`` or ``after`` (nested mappings), by its keys."""
    value: object = data
    for key in path:
        assert isinstance(value, Mapping), f"expected a mapping holding {key!r}, got {value!r}"
        value = value[key]
    return value


def logged_text(data: Mapping[str, object] | None, *path: str) -> str:
    """Like :func:`logged`, for a value that is text."""
    value = logged(data, *path)
    assert isinstance(value, str), f"expected text at {'.'.join(path)}, got {value!r}"
    return value


def joke_text(item: Item) -> str:
    """The text of a one-part joke."""
    text = joke_body(item.body).text
    assert text is not None, f"joke #{item.id} has two parts, not one text"
    return text


async def write_as_another_process(core: Core, sql: str, params: tuple[object, ...] = ()) -> None:
    """Run one statement on a connection of its own, as ``python -m bot import`` (or a second bot
    process) would: behind the storage's back, so nothing it keeps hears of it."""
    if core.config.database_url is None:
        other = sqlite3.connect(core.config.database_path, isolation_level=None)
        try:
            other.execute(sql, params)
        finally:
            other.close()
        return
    conn = await asyncpg.connect(core.config.database_url)
    try:
        await conn.execute(translate(sql), *params)
    finally:
        await conn.close()


@contextlib.contextmanager
def schema_at(path: Path, version: int) -> Iterator[sqlite3.Connection]:
    """A new SQLite file at ``path`` with the migrations up to ``version`` applied, as a bot of
    that version left it; the rows the test writes on the connection are committed on leaving."""
    conn = sqlite3.connect(path)
    try:
        for number, _, script in migrations():
            if number <= version:
                conn.executescript(script)
        conn.execute(f"PRAGMA user_version = {version}")
        yield conn
        conn.commit()
    finally:
        conn.close()
