"""End-to-end harness: the local Discord emulator and the real bot, started as ``python -m bot run``
starts it (``bot.launcher.run`` through ``run_banter``: config, core, extensions, command sync), on
a real SQLite file."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.bot import BanterBot
from bot.clock import ManualClock
from bot.config import Config, load_config
from bot.core import Core
from bot.sandbox.app import run_banter
from discord_emulator import DiscordEmulator
from discord_emulator.driver import Sandbox, sandbox
from tests.template_db import seeded

COMMANDS = ("joke", "mood", "discussion", "top")
START = datetime(2026, 3, 14, 12, 0, tzinfo=UTC)


# Members in most tests act faster than any cooldown allows: only the tests of cooldowns keep them
# (``cooldowns=True``, with their own ``cooldowns:`` section in ``extra`` or the defaults).
NO_COOLDOWNS = "cooldowns:\n  joke_seconds: 0\n  mood_seconds: 0\n"


def make_config(tmp_path: Path, extra: str = "", *, cooldowns: bool = False) -> Config:
    path = tmp_path / "config.yaml"
    # No web site: the tests that want one start it on a port of their own (tests/web).
    text = "database:\n  path: banter.db\nweb:\n  enabled: false\n" + ("" if cooldowns else NO_COOLDOWNS) + extra
    path.write_text(text, encoding="utf-8")
    return load_config(path, environ={"DISCORD_TOKEN": "test-token"})


async def fresh_config(tmp_path: Path, extra: str = "", *, cooldowns: bool = False) -> Config:
    """A config whose database starts as a copy of the session's template, with the built-in
    packs imported. The bot still opens, migrates and re-checks it at start-up like any
    database; the tests just don't each pay for the first import."""
    return await seeded(make_config(tmp_path, extra, cooldowns=cooldowns))


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
                 channels: tuple[str, ...] = ("general",), cooldowns: bool = False) -> AsyncIterator[Banter]:
    """A sandbox world with the bot running and its commands registered.

    Every request the bot sends and every answer it gets must fit Discord's OpenAPI spec.
    """
    config = await fresh_config(tmp_path, config_extra, cooldowns=cooldowns)
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
