from __future__ import annotations

import asyncio
import random
import types
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import discord.http
import discord.webhook.async_
import pytest

from bot.clock import ManualClock
from bot.config import Config, load_config
from bot.core import Core
from bot.storage.sqlite.database import Database
from tests.template_db import seeded

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
JOKEAPI_FILE = SHARED / "jokeapi" / "jokes-en.json"
OPENAPI_FILE = SHARED / "discord-api-spec" / "openapi.json"


@pytest.fixture
def config(tmp_path: Path) -> Config:
    cfg = tmp_path / "config.yaml"
    cfg.write_text("database:\n  path: banter.db\n", encoding="utf-8")
    return load_config(cfg, environ={"DISCORD_TOKEN": "test-token"})


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
