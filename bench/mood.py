"""How fast is the mood reader? Prints reading p50/p99 per phrase and the start-up cost of
building the reader, for the reader the bot uses and for the lexicon-only reader it replaced,
in the same run, with the ratios.

Phrases: the example corpus (content/mood_examples.yaml), or the ``text`` column of a TSV
given with ``--file``. Readings are timed twice: a cold pass (each phrase once, right after
the reader is built, so its word caches are empty) and warm passes (``--rounds``).

Start-up is timed in process (building the reader from loaded moods, ``--builds`` times) and
in a fresh interpreter (imports, loading content and building, as ``python -m bot run`` pays it).

Every figure is given twice: wall-clock time, and CPU time of the thread (what the reader
itself costs). On a shared machine they differ: a phrase that happens to be preempted waits a
whole scheduler slice, which is what a busy machine's wall-clock p99 mostly measures. The
load average is printed so the two can be told apart.

Target: reading p99 <= 2 ms, start-up <= 1 s.

    python bench/mood.py [--file FILE] [--rounds 5] [--builds 5]
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.models import Mood
from bot.services.mood import LexiconReader, MoodReader, load_examples
from bot.services.packs import load_moods

COLD_START = """
import time
t = time.perf_counter()
from bot.services.mood import {cls}
from bot.services.packs import load_moods
{cls}(load_moods())
print(time.perf_counter() - t, time.process_time())
"""


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def time_reads(read: Callable[[str], object], phrases: Sequence[str], rounds: int) -> tuple[list[float], list[float]]:
    wall, cpu = [], []
    for _ in range(rounds):
        for phrase in phrases:
            w, c = time.perf_counter(), time.thread_time()
            read(phrase)
            cpu.append(time.thread_time() - c)
            wall.append(time.perf_counter() - w)
    return wall, cpu


def time_builds(build: Callable[[], object], builds: int) -> tuple[float, float]:
    wall, cpu = [], []
    for _ in range(builds):
        w, c = time.perf_counter(), time.thread_time()
        build()
        cpu.append(time.thread_time() - c)
        wall.append(time.perf_counter() - w)
    return statistics.median(wall), statistics.median(cpu)


def cold_start(cls: str, runs: int = 3) -> tuple[float, float]:
    wall, cpu = [], []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", COLD_START.format(cls=cls)], capture_output=True, text=True,
                             check=True)
        w, c = out.stdout.split()
        wall.append(float(w))
        cpu.append(float(c))
    return statistics.median(wall), statistics.median(cpu)


def phrases_from(path: Path | None, moods: Sequence[Mood]) -> list[str]:
    if path is None:
        return [text for text, _ in load_examples(labels=[m.name for m in moods])]
    with path.open(encoding="utf-8", newline="") as fh:
        return [row["text"] for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, help="a TSV with a text column (default: the example corpus)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--builds", type=int, default=5)
    args = parser.parse_args()
    moods = load_moods()
    phrases = phrases_from(args.file, moods)
    rows: list[dict[str, str | float]] = []
    readers: list[tuple[str, str, Callable[[], MoodReader | LexiconReader]]] = [
        ("reader", "MoodReader", lambda: MoodReader(moods, reuse=False)),
        ("lexicon-only", "LexiconReader", lambda: LexiconReader(moods)),
    ]
    for name, cls, factory in readers:
        reader = factory()
        cold, cold_cpu = time_reads(reader.read, phrases, 1)
        warm, warm_cpu = time_reads(reader.read, phrases, args.rounds)
        build, build_cpu = time_builds(factory, args.builds)
        start, start_cpu = cold_start(cls)
        clocks = (("wall", cold, warm, build, start), ("cpu", cold_cpu, warm_cpu, build_cpu, start_cpu))
        for clock, c, w, b, s in clocks:
            rows.append({"name": f"{name} ({clock})", "cold p50": percentile(c, 0.5), "cold p99": percentile(c, 0.99),
                         "warm p50": percentile(w, 0.5), "warm p99": percentile(w, 0.99), "build": b, "start-up": s})
    print(f"{len(phrases)} phrases, {args.rounds} warm rounds; times in ms; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} CPUs")
    keys = ["cold p50", "cold p99", "warm p50", "warm p99", "build", "start-up"]
    print(f"{'':<22}" + "".join(f"{k:>11}" for k in keys))
    for row in rows:
        print(f"{row['name']:<22}" + "".join(f"{1000 * float(row[k]):>11.3f}" for k in keys))
    for clock, new, old in (("wall", rows[0], rows[2]), ("cpu", rows[1], rows[3])):
        print(f"{'ratio (' + clock + ')':<22}" + "".join(f"{float(new[k]) / float(old[k]):>10.1f}x" for k in keys))
    for clock, row in (("wall", rows[0]), ("cpu", rows[1])):
        p99 = max(float(row["cold p99"]), float(row["warm p99"]))
        start_up = float(row["start-up"])
        print(f"{clock}: p99 {1000 * p99:.2f} ms (target 2 ms: {'met' if p99 <= 0.002 else 'missed'}), start-up "
              f"{start_up:.2f} s (target 1 s: {'met' if start_up <= 1.0 else 'missed'})")


if __name__ == "__main__":
    main()
