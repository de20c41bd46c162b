from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.config import Config, load_config
from bot.core import Core

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
async def core(config: Config, clock: ManualClock) -> AsyncIterator[Core]:
    opened = await Core.open(config, clock=clock, rng=random.Random(7))
    try:
        yield opened
    finally:
        await opened.close()
