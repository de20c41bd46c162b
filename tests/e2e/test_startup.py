"""Start-up behaviour end to end: command sync, the error handler, logs and bad content."""

from __future__ import annotations

import asyncio
import gc
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core import Core
from bot.sandbox.app import run_banter
from discord_emulator.driver import sandbox
from tests.e2e.harness import START, banter, fresh_config

# One backend is enough here: start-up's own checks, whatever the backend.
pytestmark = pytest.mark.backends("sqlite")

ROOT = Path(__file__).resolve().parents[2]


async def test_dev_guild_gets_the_commands_at_once(tmp_path: Path) -> None:
    from bot.clock import ManualClock

    async with sandbox() as sb:
        config = await fresh_config(tmp_path, f"discord:\n  dev_guild_id: {sb.guild.id}\n")
        async with run_banter(sb.emu, config, ManualClock(START)):
            await sb.emu.wait_for_commands(["joke", "mood", "discussion", "top"], guild=sb.guild)
            assert sb.emu.requests_to("PUT", rf"/applications/\d+/guilds/{sb.guild.id}/commands")
            assert not sb.emu.requests_to("PUT", r"/applications/\d+/commands$")
            msg = await (await sb.emu.slash(sb.alice, sb.general, "joke")).original_message()
            assert msg.embed is not None


async def test_the_bot_connects_before_training_its_mood_reader_then_trains_it(tmp_path: Path) -> None:
    """The reader is trained (or read from its file) once the servers are in, not before the bot
    connects; and the collector, paused while ``python -m bot run`` starts, runs again."""
    config = await fresh_config(tmp_path)
    core = await Core.open(config)
    try:
        assert not core.moods.warmed
    finally:
        await core.close()
    gc.disable()  # as `python -m bot run` does
    try:
        async with banter(tmp_path, config=config) as b:
            assert gc.isenabled()
            # Trained on a thread once the bot was ready (the cog's class is the extension's own
            # module's: discord.py loads each extension afresh).
            warming = getattr(b.bot.get_cog("Mood"), "warming")  # noqa: B009
            await asyncio.wait_for(warming, 10)
            assert b.core.moods.warmed
            answer = await b.alice.run("mood", feeling="so tired today")
            assert "as **tired**" in answer.content
    finally:
        gc.enable()


async def test_unexpected_error_is_logged_and_apologised_for(tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    async with banter(tmp_path) as b:
        async def broken(*args: object, **kwargs: object) -> None:
            raise RuntimeError("the disk caught fire")

        monkeypatch.setattr(b.core.picks, "pick", broken)
        with caplog.at_level(logging.ERROR):
            answer = await b.alice.run("joke")
        assert answer.ephemeral
        assert "Sorry, something went wrong" in answer.content
        assert "the disk caught fire" not in answer.content
        assert b.messages() == []
        assert any(r.exc_info and "the disk caught fire" in str(r.exc_info[1]) for r in caplog.records)


async def test_the_token_never_reaches_the_logs(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        async with banter(tmp_path) as b:
            assert (await b.alice.run("joke")).embed.description
            token = b.emu.token
    assert caplog.records
    assert not any(token in r.getMessage() for r in caplog.records)


def test_a_bad_extra_pack_stops_start_up_and_writes_nothing(tmp_path: Path) -> None:
    packs = tmp_path / "packs" / "jokes"
    packs.mkdir(parents=True)
    (packs / "oops.yaml").write_text("pack: oops\njokes:\n  - id: x\n    setup: Only a setup\n    categories: [a]\n")
    (tmp_path / "config.yaml").write_text("content:\n  paths: [packs]\n")
    out = subprocess.run([sys.executable, "-m", "bot", "run", "--config", "config.yaml"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=60, env={"DISCORD_TOKEN": "t", "PATH": ""})
    assert out.returncode == 2
    assert "oops.yaml, entry 1 (x): punchline: missing" in out.stderr
    assert "Traceback" not in out.stderr
    assert not (tmp_path / "banter.db").exists()
