from __future__ import annotations

import asyncio
import os
import random
import types
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import discord.http
import discord.webhook.async_
import msgspec
import pytest

from bot.clock import ManualClock
from bot.config import Config, load_config
from bot.core import Core
from bot.storage import Storage
from bot.storage.backends import open_storage
from bot.storage.sqlite.database import Database
from tests import pg_cluster, pg_databases
from tests.template_db import seeded

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
JOKEAPI_FILE = SHARED / "jokeapi" / "jokes-en.json"
OPENAPI_FILE = SHARED / "discord-api-spec" / "openapi.json"


@pytest.fixture(scope="session", autouse=True)
def own_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """What start-up keeps between starts on PostgreSQL (bot/core.py ``start_up_cache``) goes to a
    folder of the test run's own, never the developer's ``~/.cache/banter``; processes the tests
    start (tests/e2e/cluster_child.py) inherit it."""
    folder = tmp_path_factory.mktemp("cache")
    saved = {name: os.environ.pop(name, None) for name in ("XDG_CACHE_HOME", "CACHE_DIRECTORY")}
    os.environ["XDG_CACHE_HOME"] = str(folder)
    yield folder
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The address of the session's PostgreSQL server: ``BANTER_TEST_POSTGRES_URL`` (``.ci/run``
    starts one), or one started here as ``.ci/run`` does when PostgreSQL is installed. Without
    either, every PostgreSQL test fails with a line saying how to get one: none is skipped."""
    url = os.environ.get(pg_cluster.URL_VARIABLE)
    if url:
        yield url
        asyncio.run(pg_databases.drop_templates(url))
        return
    if pg_cluster.binaries() is None:
        pytest.fail(pg_cluster.HOW_TO, pytrace=False)
    cluster = pg_cluster.start()
    try:
        yield cluster.url
    finally:
        cluster.stop()


BACKENDS = ("sqlite", "postgres")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test that takes ``config``, ``core`` or ``storage`` runs on both backends, unless it is
    marked ``@pytest.mark.backends("sqlite")`` because what it checks is one backend's own machinery."""
    if "backend" in metafunc.fixturenames:
        marker = metafunc.definition.get_closest_marker("backends")
        metafunc.parametrize("backend", marker.args if marker else BACKENDS, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """Which backend the test runs on (see ``pytest_generate_tests``)."""
    return str(request.param)


@pytest.fixture
async def config(tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> AsyncIterator[Config]:
    """A config on a migrated, empty database of the test's own (a file, or a PostgreSQL database)."""
    cfg = tmp_path / "config.yaml"
    cfg.write_text("database:\n  path: banter.db\n", encoding="utf-8")
    loaded = load_config(cfg, environ={"DISCORD_TOKEN": "test-token"})
    if backend == "sqlite":
        yield loaded
        return
    server = request.getfixturevalue("postgres_server")
    url = await pg_databases.fresh(server, library=False)
    try:
        yield msgspec.structs.replace(loaded, database_url=url)
    finally:
        await pg_databases.drop(url)


@pytest.fixture
async def storage(config: Config, clock: ManualClock) -> AsyncIterator[Storage]:
    """The storage on the test's own empty database (no packs imported), closed afterwards."""
    opened = await open_storage(config, clock=clock, rng=random.Random(7))
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 3, 14, 12, 0, tzinfo=UTC))


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated, empty database of its own (no packs imported), closed afterwards."""
    opened = await Database.open(tmp_path / "banter.db")
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
async def core(config: Config, clock: ManualClock) -> AsyncIterator[Core]:
    """The core on a database that already holds the built-in packs (see ``template_db``)."""
    opened = await Core.open(await seeded(config), clock=clock, rng=random.Random(7))
    if config.database_url is not None:
        # The showings' writer waits a quarter second of real time. SQLite's picks are quick
        # enough that no test reaches it unless it means to; PostgreSQL's wait on a server, so
        # hold it there too (tests that want the timer set write_delay themselves).
        opened.storage.showings.write_delay = 3600  # type: ignore[attr-defined]
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture(autouse=True)
def discord_waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """discord.py's HTTP layer waits out a 429 (its ``retry_after``) and a 5xx (1 s, 3 s, ...)
    with real sleeps. In the tests those waits pass at once; each is recorded here instead, so a
    test can check that the wait asked for was the one kept."""
    waits: list[float] = []
    real_sleep = asyncio.sleep

    async def sleep(delay: float, result: object = None) -> object:
        if delay > 0:  # sleep(0) is only a yield to the loop
            waits.append(delay)
        return await real_sleep(0, result)

    for module in (discord.http, discord.webhook.async_):
        shim = types.SimpleNamespace(**{n: getattr(asyncio, n) for n in dir(asyncio) if not n.startswith("__")})
        shim.sleep = sleep
        monkeypatch.setattr(module, "asyncio", shim)
    return waits
