"""`python -m bot sandbox`: a person types commands and reads the answers, no token needed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

# One backend is enough here: the sandbox always runs on a scratch SQLite file.
pytestmark = pytest.mark.backends("sqlite")

ROOT = Path(__file__).resolve().parents[2]


def test_sandbox_through_its_standard_input(tmp_path: Path) -> None:
    script = "\n".join([
        "/joke category:space",
        "click 1",
        "as bob",
        "/mood feeling:so tired today",
        "/discussion today",
        "/joke category:nonsense",
        "quit",
    ]) + "\n"
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    out = subprocess.run(
        [sys.executable, "-m", "bot", "sandbox", "--db", str(tmp_path / "try.db")],
        input=script, capture_output=True, text=True, timeout=120, cwd=tmp_path, env=env,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    text = out.stdout
    assert "Joke #" in text and "space" in text
    assert "[1] 👍 0  [2] 👎 0" in text
    assert "👍 1" in text  # the click landed and the message was redrawn
    assert "as **tired**" in text  # the reading, shown to the member only
    assert "Benefits" in text and "Disadvantages" in text
    assert "no joke category called `nonsense`" in text
    assert (tmp_path / "try.db").exists()
    assert re.search(r"Web site: http://127\.0\.0\.1:\d+/", text)  # served beside the bot, as `run` does


def run_sandbox(database: Path, script: list[str], cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"} | {"TZ": "Asia/Tokyo"}
    out = subprocess.run(
        [sys.executable, "-m", "bot", "sandbox", "--db", str(database)],
        input="\n".join([*script, "quit"]) + "\n", capture_output=True, text=True, timeout=120, cwd=cwd, env=env,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def test_a_kept_database_finds_the_same_server_and_markup_reads_as_discord_shows_it(tmp_path: Path) -> None:
    database = tmp_path / "kept.db"
    first = run_sandbox(database, [
        "/settings safe-mode enabled:False",
        "/settings modlog channel:random",
        "/daily set channel:general time:9am timezone:tokyo",
        "as bob",
        "/settings show",
        "/suggest joke",
        "My cat took up the piano: she is a purr-fessional now",
        "", "", "",
    ], tmp_path)
    # Channels and members by name, times in the reader's zone: no raw <#…>, <@…> or <t:…>.
    assert "every day at **09:00** (Asia/Tokyo)" in first and "posted in #general" in first
    assert "Next post: " in first and "09:00 (in " in first
    assert "Mod-log channel: #random" in first
    assert "<#" not in first and "<@" not in first and "<t:" not in first
    # A missing permission by its name.
    assert "bob cannot use /settings: it needs the Manage Server permission" in first
    assert "Your suggestion is **#1**" in first

    second = run_sandbox(database, ["/settings show", "/review"], tmp_path)
    # The same server, channels and members: its settings and bob's suggestion are still its own.
    assert "Safe mode: off" in second and "Mod-log channel: #random" in second
    assert "**Suggestion #1** · joke · from @bob" in second
