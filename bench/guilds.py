"""Start-up time and memory of Banter in many servers, beside a bare discord.py bot, in one run.

For each size (1 server, the baseline, then 1,000 and 10,000 by default) the local Discord runs in
a process of its own with that many servers, each laid out like a small community (two
categories, eight text channels, six roles, a few members, twenty custom emojis). Then each bot is started in a fresh
process of its own, in alternating order (``--rounds`` starts of each; the tables give the median), so
that what is measured is that bot alone:

* **start-up**: seconds from launching the process (interpreter, imports, Banter's database and
  packs, login, the gateway) until the last server's GUILD_CREATE has been taken into the cache,
  on the wall clock and in the process's CPU time (which a machine busy with other work disturbs
  far less); and per server, (start-up at N - start-up at 1) / (N - 1);
* **RSS**: resident memory once ready, after a full collection and ``malloc_trim`` (so freed
  memory the allocator still holds is not counted); the peak (VmHWM) is printed beside it;
* **per server**: (RSS at N servers - RSS at 1 server) / (N - 1), and its ratio to the bare bot's.

The bare bot is ``commands.Bot`` with default intents, as discord.py's documentation starts one,
twice: as ``pip install discord.py`` installs it (orjson hidden from it, so discord.py decodes the
gateway's JSON with the standard library), and with orjson, which Banter installs (discord.py's
``speed`` extra) and discord.py then uses. The ratios are to the first; the second's are printed
below the table.
Banter is started as ``python -m bot run`` starts it, on a database made before the timing (a
restart, not a first import; once unmeasured against each emulator, a new application whose
commands a first start syncs), with its modules' bytecode compiled beforehand as ``pip install .``
compiles it (an editable install under ``PYTHONDONTWRITEBYTECODE``, as on this project's
machines, would otherwise compile 170 modules from source at every start). Both get one shard:
the emulator recommends 1 and lets a shard hold every server, where Discord would want at least
one shard per 2,500 (and discord.py waits 5 s between shards' logins, which would measure that
wait). OpenAPI validation is off, as in e2e.py.

``--trace`` runs Banter once more under tracemalloc and prints where the memory taken while
connecting went, by source line.

    python bench/guilds.py [--guilds 1000 10000] [--emojis 20] [--rounds 5] [--trace]
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import ctypes
import gc
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TOKEN = "bench-token"
CHANNELS = 8
CATEGORIES = 2
ROLES = 6
MEMBERS = 5
USERS = 50  # members are drawn from one pool of users, as people are in several servers
EMOJIS = 20  # custom emojis per server (a server without boosts may have 50, and 50 animated)
# The bare bot as ``pip install discord.py`` installs it (the standard library's json), the same
# with orjson, which discord.py uses for the gateway when it is installed and Banter installs
# (discord.py's ``speed`` extra), and Banter.
KINDS = ("bare", "bare+orjson", "banter")


# --- the emulator's process --------------------------------------------------------------------------

async def serve(guilds: int, emojis: int) -> None:
    """Run a local Discord with ``guilds`` servers until stdin closes; print its port once listening."""
    from discord_emulator import DiscordEmulator, Permissions

    emu = DiscordEmulator(TOKEN, None, shard_count=1, max_guilds_per_shard=10**7)
    await emu.start()
    users = [emu.add_user(f"member{n}") for n in range(USERS)]
    built = time.perf_counter()
    for n in range(guilds):
        guild = emu.add_guild(f"Server {n}")
        categories = [emu.add_category(guild, f"Category {c}") for c in range(CATEGORIES)]
        for c in range(CHANNELS):
            emu.add_text_channel(guild, f"channel-{c}", topic=f"What channel {c} is for",
                                 category=categories[c % CATEGORIES])
        roles = [emu.add_role(guild, f"Role {r}", int(Permissions.SEND_MESSAGES)) for r in range(ROLES)]
        for m in range(MEMBERS):
            emu.add_member(guild, users[(n + m) % USERS], roles=[roles[m % ROLES]])
        for e in range(emojis):
            emu.add_emoji(guild, f"emoji_{e}", animated=e % 4 == 3)
    print(f"READY {emu.settings.port} {time.perf_counter() - built:.2f}", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await emu.stop()


# --- a bot's process ---------------------------------------------------------------------------------

def rss_kib() -> tuple[int, int]:
    """This process's resident memory and its peak, in KiB (Linux)."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


def settle_memory() -> None:
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass  # not glibc: RSS then includes memory the allocator keeps


async def run_bot(kind: str, port: int, guilds: int, database: Path, trace: bool) -> dict[str, Any]:
    """Start one bot against the emulator on ``port``; report when all servers were ready and the memory."""
    if trace:
        import tracemalloc

        tracemalloc.start(1)
    import discord
    import discord.gateway
    import discord.http
    import yarl
    from discord.ext import commands

    discord.http.Route.BASE = f"http://127.0.0.1:{port}/api/v10"
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(f"ws://127.0.0.1:{port}/gateway")
    loop = asyncio.get_running_loop()
    all_ready = loop.create_future()
    before: list[Any] = []
    seen = 0

    def watch(client: discord.Client) -> None:
        """Note when the last server is in the cache; under ``trace``, what was allocated so far."""
        if trace:
            before.append(tracemalloc.take_snapshot())
        original = client.dispatch

        def counted() -> None:
            nonlocal seen
            seen += 1
            if seen == guilds and not all_ready.done():
                all_ready.set_result((time.time(), time.process_time()))

        def dispatch(event: str, /, *args: Any, **kwargs: Any) -> None:
            original(event, *args, **kwargs)
            if event == "socket_event_type" and args and args[0] == "GUILD_CREATE":
                loop.call_soon(counted)  # after the parser that runs right after this event

        client.dispatch = dispatch  # type: ignore[method-assign]

    async def measured(client: discord.Client, warmed: asyncio.Event | None = None) -> dict[str, Any]:
        ready_at, cpu = await all_ready
        await client.wait_until_ready()
        if warmed is not None:  # Banter's mood reader, trained once the servers are in (on_ready)
            await warmed.wait()
        warm_at, warm_cpu = time.time(), time.process_time()
        settle_memory()
        rss, peak = rss_kib()
        report: dict[str, Any] = {"ready_at": ready_at, "cpu": cpu, "warm_at": warm_at, "warm_cpu": warm_cpu,
                                  "rss": rss, "peak": peak, "guilds": len(client.guilds)}
        if trace:
            after = tracemalloc.take_snapshot()
            report["top"] = [(str(s.traceback), s.size_diff, s.count_diff)
                             for s in after.compare_to(before[0], "lineno")[:15]]
        return report

    if kind != "banter":
        bare = commands.Bot(command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.5)
        watch(bare)
        async with bare:
            runner = asyncio.create_task(bare.start(TOKEN))
            try:
                report = await measured(bare)
            finally:
                await bare.close()
                await asyncio.gather(runner, return_exceptions=True)
        return report

    from bot import launcher
    from bot.bot import BanterBot
    from bot.config import load_config

    config = load_config(banter_config(database), environ={"DISCORD_TOKEN": TOKEN})
    reports: list[dict[str, Any]] = []
    measuring: list[asyncio.Task[None]] = []

    def started(bot: BanterBot) -> None:
        watch(bot)
        warmed = asyncio.Event()
        warm = bot.core.moods.warm

        def warm_and_tell() -> None:  # on the thread the cog trains the reader on
            warm()
            loop.call_soon_threadsafe(warmed.set)

        bot.core.moods.warm = warm_and_tell  # type: ignore[method-assign]

        async def then() -> None:
            try:
                reports.append(await measured(bot, warmed))
            finally:
                await bot.close()

        measuring.append(loop.create_task(then()))

    await launcher.run(config, started=started, guild_ready_timeout=0.5)
    if not reports:
        raise RuntimeError("Banter stopped before it was measured")
    return reports[0]


def banter_config(database: Path) -> Path:
    path = database.with_suffix(".yaml")
    path.write_text(f"database:\n  path: {database}\nlogging:\n  level: ERROR\nweb:\n  enabled: false\n",
                    encoding="utf-8")
    return path


# --- the run -----------------------------------------------------------------------------------------

def start_emulator(guilds: int, emojis: int) -> tuple[subprocess.Popen[str], int, float]:
    process = subprocess.Popen([sys.executable, __file__, "emulator", str(guilds), str(emojis)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline().split()
    if not line or line[0] != "READY":
        process.kill()
        raise RuntimeError(f"the emulator did not start ({line})")
    return process, int(line[1]), float(line[2])


def start_bot(kind: str, port: int, guilds: int, database: Path, trace: bool = False) -> dict[str, Any]:
    launched = time.time()
    args = [sys.executable, __file__, "bot", kind, str(port), str(guilds), str(database)]
    args += ["--trace"] if trace else []
    done = subprocess.run(args, capture_output=True, text=True, timeout=900, check=False)
    if done.returncode != 0 or not done.stdout.strip():
        raise RuntimeError(f"the {kind} bot failed:\n{done.stderr[-3000:]}")
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    report["startup"] = report.pop("ready_at") - launched
    report["warm"] = report.pop("warm_at") - launched
    if report["guilds"] != guilds:
        raise RuntimeError(f"the {kind} bot saw {report['guilds']} of {guilds} servers")
    return report


def prepare_database(database: Path) -> None:
    """Compile Banter's bytecode and create its database (migrations, the packs imported) outside the timing."""
    root = Path(__file__).resolve().parent.parent
    for package in ("bot", "cogs", "web", "content"):
        compileall.compile_dir(root / package, quiet=1)
    from bot.config import load_config
    from bot.core import Core

    async def made() -> None:
        core = await Core.open(load_config(banter_config(database), environ={}))
        await core.close()

    asyncio.run(made())


def main(sizes: list[int], trace: bool, emojis: int, rounds: int) -> None:
    results: dict[tuple[str, int], dict[str, Any]] = {}
    traced: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="banter-guilds-") as tmp:
        database = Path(tmp) / "bench.db"
        prepare_database(database)
        for turn, size in enumerate([1, *sizes]):
            emulator, port, built = start_emulator(size, emojis)
            try:
                # Each emulator is a new application to Banter (its id is new), so its first start
                # syncs the commands, as a deploy's first start does; the starts measured are restarts.
                start_bot("banter", port, size, database)
                runs: dict[str, list[dict[str, Any]]] = {kind: [] for kind in KINDS}
                for round_ in range(rounds):
                    shift = (turn + round_) % len(KINDS)
                    order = KINDS[shift:] + KINDS[:shift]
                    for kind in order:
                        runs[kind].append(start_bot(kind, port, size, database))
                    print(f"{size:>6} servers (built in {built:.1f} s): " + ", ".join(
                        f"{kind} {runs[kind][-1]['startup']:.2f} s {runs[kind][-1]['cpu']:.2f} s CPU "
                        f"{runs[kind][-1]['rss'] / 1024:.1f} MiB" for kind in order), flush=True)
                for kind, reports in runs.items():
                    results[kind, size] = {key: statistics.median(r[key] for r in reports)
                                           for key in ("startup", "cpu", "warm", "warm_cpu", "rss", "peak")}
                if trace and size == max(sizes):
                    traced = start_bot("banter", port, size, database, trace=True)
            finally:
                assert emulator.stdin is not None
                emulator.stdin.close()
                emulator.wait(timeout=60)
    print()
    print(f"{'':20}{'start-up (wall)':>22}{'start-up (CPU)':>22}{'memory':>30}")
    print(f"{'servers':>8} {'bot':12}{'s':>7}{'ratio':>6}{'ms/srv':>7}{'ratio':>6}{'s':>7}{'ratio':>6}{'ms/srv':>7}"
          f"{'ratio':>6}{'RSS MiB':>9}{'peak':>7}{'KiB/srv':>8}{'ratio':>6}")

    def per_server(kind: str, size: int, key: str) -> float:
        return float(results[kind, size][key] - results[kind, 1][key]) / (size - 1)

    def ratio(value: float, base: float, width: int = 0) -> str:
        """``value / base``; "-" when the base is nothing (in a few servers, RSS moves by whole pages)."""
        return f"{value / base:{width}.2f}" if base else f"{'-':>{width}}"

    for size in [1, *sizes]:
        for kind in KINDS:
            got, bare = results[kind, size], results["bare", size]
            line = f"{size:>8} {kind:12}"
            for key, scale in (("startup", 1000), ("cpu", 1000)):
                line += f"{got[key]:7.2f}{got[key] / bare[key]:6.2f}"
                if size > 1:
                    per, bare_per = per_server(kind, size, key), per_server("bare", size, key)
                    line += f"{per * scale:7.2f}{ratio(per, bare_per, 6)}"
                else:
                    line += " " * 13
            line += f"{got['rss'] / 1024:9.1f}{got['peak'] / 1024:7.1f}"
            if size > 1:
                per, bare_per = per_server(kind, size, "rss"), per_server("bare", size, "rss")
                line += f"{per:8.2f}{ratio(per, bare_per, 6)}"
            print(line)
    print(f"each server: {CATEGORIES} categories, {CHANNELS} text channels, {ROLES} roles besides @everyone and "
          f"the bot's, {MEMBERS} members, {emojis} custom emojis")
    print("targets: Banter's memory per server <= 0.5x the bare bot's, start-up <= 1.0x")
    print("Banter beside the bare bot with orjson too:")
    for size in sizes:
        got, base = results["banter", size], results["bare+orjson", size]
        print(f"{size:>8} servers: start-up {got['startup'] / base['startup']:.2f}x wall, "
              f"{got['cpu'] / base['cpu']:.2f}x CPU; memory per server "
              f"{ratio(per_server('banter', size, 'rss'), per_server('bare+orjson', size, 'rss'))}x")
    print("Banter warm (its mood reader trained too, once the servers are in):")
    for size in [1, *sizes]:
        got, bare = results["banter", size], results["bare", size]
        print(f"{size:>8} servers: {got['warm']:.2f} s wall ({got['warm'] / bare['startup']:.2f}x the bare bot's "
              f"start-up), {got['warm_cpu']:.2f} s CPU ({got['warm_cpu'] / bare['cpu']:.2f}x)")
    if trace:
        print(f"\nwhere Banter's memory went while connecting to {max(sizes)} servers (tracemalloc, by line):")
        for where, size_diff, count_diff in traced["top"]:
            print(f"{size_diff / 1024:10.0f} KiB {count_diff:9d} blocks  {where}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "emulator":
        logging.basicConfig(level=logging.ERROR)
        asyncio.run(serve(int(sys.argv[2]), int(sys.argv[3])))
    elif len(sys.argv) > 1 and sys.argv[1] == "bot":
        logging.basicConfig(level=logging.ERROR)
        kind, port, guilds, database = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), Path(sys.argv[5])
        if kind == "bare":
            # As if orjson were not installed: discord.py then decodes with the standard library.
            sys.modules["orjson"] = None  # type: ignore[assignment]
        if kind == "banter":
            gc.disable()  # as `python -m bot run` does until the launcher has built the core (bot/__main__.py)
        print(json.dumps(asyncio.run(run_bot(kind, port, guilds, database, "--trace" in sys.argv))), flush=True)
        os._exit(0)  # nothing left to tidy; skipping the interpreter's teardown keeps timings apart
    else:
        parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
        parser.add_argument("--guilds", type=int, nargs="+", default=[1000, 10000], help="sizes to measure")
        parser.add_argument("--trace", action="store_true", help="also trace Banter's allocations (slow)")
        parser.add_argument("--emojis", type=int, default=EMOJIS, help=f"custom emojis per server (default {EMOJIS})")
        parser.add_argument("--rounds", type=int, default=5,
                            help="starts of each bot per size, taking turns; the tables give the median (default 5)")
        arguments = parser.parse_args()
        main(arguments.guilds, arguments.trace, arguments.emojis, arguments.rounds)
