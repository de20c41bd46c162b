"""End-to-end harness: the local Discord emulator and the real bot, started as ``python -m bot run``
starts it (``bot.launcher.run`` through ``run_banter``: config, core, extensions, command sync), on
a real SQLite file."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.bot import BanterBot
from bot.clock import ManualClock
from bot.config import Config, load_config
from bot.core import Core
from bot.sandbox.app import run_banter
from discord_emulator import DiscordEmulator
from discord_emulator.driver import Sandbox, sandbox
from tests import pg_databases
from tests.template_db import seeded

COMMANDS = ("joke", "mood", "discussion", "top")
START = datetime(2026, 3, 14, 12, 0, tzinfo=UTC)


def make_config(tmp_path: Path, extra: str = "") -> Config:
    path = tmp_path / "config.yaml"
    # No web site: the tests that want one start it on a port of their own (tests/web).
    path.write_text("database:\n  path: banter.db\nweb:\n  enabled: false\n" + extra, encoding="utf-8")
    return load_config(path, environ={"DISCORD_TOKEN": "test-token"})


# Set by tests/e2e/conftest.py for a test on PostgreSQL: the server, and the databases made for it
# (dropped after the test).
POSTGRES: dict[str, Any] = {"server": None, "made": []}


async def fresh_config(tmp_path: Path, extra: str = "") -> Config:
    """A config whose database starts as a copy of the session's template, with the built-in
    packs imported (a file, or on PostgreSQL a database of the test's own). The bot still opens,
    migrates and re-checks it at start-up like any database; the tests just don't each pay for
    the first import."""
    config = make_config(tmp_path, extra)
    server = POSTGRES["server"]
    if server is None:
        return await seeded(config)
    url = await pg_databases.fresh(server, library=True)
    POSTGRES["made"].append(url)
    return dataclasses.replace(config, database_url=url)


@dataclass
class Banter:
    sb: Sandbox
    bot: BanterBot
    config: Config
    clock: ManualClock

    @property
    def emu(self) -> DiscordEmulator:
        return self.sb.emu

    @property
    def core(self) -> Core:
        return self.bot.core


@contextlib.asynccontextmanager
async def banter(tmp_path: Path, *, config_extra: str = "", members: tuple[str, ...] = ("alice", "bob"),
                 channels: tuple[str, ...] = ("general",)) -> AsyncIterator[Banter]:
    """A sandbox world with the bot running and its commands registered.

    Every request the bot sends and every answer it gets must fit Discord's OpenAPI spec.
    """
    config = await fresh_config(tmp_path, config_extra)
    clock = ManualClock(START)
    async with sandbox(members=members, channels=channels) as sb:
        async with run_banter(sb.emu, config, clock) as bot:
            await sb.emu.wait_for_commands(list(COMMANDS))
            yield Banter(sb, bot, config, clock)
        assert sb.emu.spec_violations == []


async def until_closed(database: Path) -> None:
    """Until the bot that was stopped has closed ``database`` (its launcher lets go of the lock),
    as a new process would find it. Only yields to the loop: the launcher's last steps are a few
    turns of it and the closing of the database threads."""
    import asyncio

    from bot.storage.sqlite.lock import DatabaseBusy, hold_database

    for _ in range(1_000_000):
        try:
            with hold_database(database, "test"):
                return
        except DatabaseBusy:
            await asyncio.sleep(0)
    raise TimeoutError(f"{database} is still held by a bot")
