"""Fresh PostgreSQL databases for the tests, each made in one statement from a template.

Two templates are made once per session on the test server (:mod:`tests.pg_cluster`): one
migrated and empty, one with the built-in packs imported (as :mod:`tests.template_db` makes for
SQLite). A test's database is ``CREATE DATABASE ... TEMPLATE`` one of them, dropped afterwards.
"""

from __future__ import annotations

import itertools
import os
import random
import urllib.parse

import asyncpg
import msgspec

from bot.config import Config, load_config
from bot.core import Core
from bot.storage.postgres.database import PgDatabase

# Named after this test session's process, so that two sessions on one server (a developer's
# BANTER_TEST_POSTGRES_URL) never drop each other's templates; dropped at the session's end.
EMPTY, LIBRARY = f"banter_template_empty_{os.getpid()}", f"banter_template_library_{os.getpid()}"
_made: set[str] = set()
_names = itertools.count()


def database_url(server: str, name: str) -> str:
    """``server``'s address, naming the database ``name``."""
    parts = urllib.parse.urlsplit(server)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


async def _admin(server: str) -> asyncpg.Connection:
    return await asyncpg.connect(database_url(server, "postgres"))


async def _template(server: str, name: str) -> None:
    if name in _made:
        return
    conn = await _admin(server)
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await conn.execute(f"CREATE DATABASE {name}")
    finally:
        await conn.close()
    url = database_url(server, name)
    if name == EMPTY:
        db = await PgDatabase.open(url)
        await db.close()
    else:
        # A fixed seed: the same random positions as the SQLite template's items.
        config = msgspec.structs.replace(load_config(None, environ={}), database_url=url)
        core = await Core.open(config, rng=random.Random(7))
        await core.close()
    _made.add(name)


async def fresh(server: str, *, library: bool, name: str | None = None) -> str:
    """The address of a new database (called ``name``, or a new name), migrated and holding the
    packs with ``library``."""
    template = LIBRARY if library else EMPTY
    await _template(server, template)
    name = name or f"banter_test_{os.getpid()}_{next(_names)}"
    conn = await _admin(server)
    try:
        await conn.execute(f"CREATE DATABASE {name} TEMPLATE {template} STRATEGY FILE_COPY")
    finally:
        await conn.close()
    return database_url(server, name)


async def drop_templates(server: str) -> None:
    conn = await _admin(server)
    try:
        for name in _made:
            await conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        await conn.close()
    _made.clear()


def _name(url: str) -> str:
    return urllib.parse.urlsplit(url).path.lstrip("/")


async def drop(url: str) -> None:
    conn = await _admin(url)
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {_name(url)} WITH (FORCE)")
    finally:
        await conn.close()


async def seeded(config: Config) -> Config:
    """``config``, its database (the same name) now a copy of the library template."""
    assert config.database_url is not None
    await drop(config.database_url)
    await fresh(config.database_url, library=True, name=_name(config.database_url))
    return config
