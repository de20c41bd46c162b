"""bench/guilds.py still runs: in a few servers, as a person runs it, it prints its whole table and
when Banter was warm. Nothing here is timed; the figures belong in bench/README.md."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_many_servers_bench_prints_its_table() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "guilds.py"), "--guilds", "3", "--rounds", "1",
                           "--emojis", "1"], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    kinds = ("bare", "bare+orjson", "banter")
    rows = [line.split() for line in lines if len(line.split()) > 3 and line.split()[1] in kinds]
    assert [(row[0], row[1]) for row in rows] == [(size, kind) for size in ("1", "3") for kind in kinds]
    assert all(row[3] == "1.00" for row in rows if row[1] == "bare")  # the ratios are to the bare bot
    assert any(line.startswith("       3 servers: start-up ") and "memory per server" in line for line in lines)
    at = lines.index("Banter warm (its mood reader trained too, once the servers are in):")
    assert [line.split()[0] for line in lines[at + 1:at + 3]] == ["1", "3"]
    assert all("s wall (" in line and "s CPU (" in line for line in lines[at + 1:at + 3])
