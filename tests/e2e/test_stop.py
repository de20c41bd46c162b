"""Stopping ``python -m bot run`` the way a service manager does: SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import msgspec
import pytest

from bot.launcher import run_until_terminated
from bot.storage.sqlite.lock import hold_database
from discord_emulator.driver import sandbox
from tests.e2e.harness import fresh_config

# One backend is enough here: the lock beside a SQLite file.
pytestmark = pytest.mark.backends("sqlite")


def leftovers(database: Path) -> list[str]:
    return sorted(p.name for p in database.parent.iterdir() if p.name.startswith(f"{database.name}-"))


async def test_sigterm_stops_the_bot_and_closes_the_database(tmp_path: Path) -> None:
    async with sandbox() as sb:
        config = msgspec.structs.replace(await fresh_config(tmp_path), token=sb.emu.token)
        with sb.emu.patch_discord():
            running = asyncio.create_task(run_until_terminated(config))
            await sb.emu.wait_for(lambda: sb.emu.gateway.identifies >= 1 or running.done(), timeout=10,
                                  what="the bot to identify")
            assert not running.done()
            os.kill(os.getpid(), signal.SIGTERM)
            await asyncio.wait_for(running, timeout=10)  # ends without an error: a stop, not a crash
    # The database was closed (the last connection folds the WAL in and removes it) and the lock let go.
    assert leftovers(config.database_path) == []
    with hold_database(config.database_path, "test"):
        pass
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
