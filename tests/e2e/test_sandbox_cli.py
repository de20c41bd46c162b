"""`python -m bot sandbox`: a person types commands and reads the answers, no token needed."""

from __future__ import annotations

import os
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
