"""One cluster of Banter in a process of its own, for tests/e2e/test_clusters.py:
``python -m tests.e2e.cluster_child --config FILE --api-base URL --gateway URL --clock ISO``.

It does what ``python -m bot run`` does (the config from the file and the environment, then
``bot.launcher.run_until_terminated``, which stops cleanly on SIGTERM), with three differences
that only a test needs, all here and none in the bot:

- discord.py is pointed at the test's emulator (``--api-base``, ``--gateway``), as
  ``DiscordEmulator.patch_discord`` does in one process, and every REST call it makes says which
  cluster sent it (``--label``, added to its User-Agent);
- the bot's clock reads ``--clock`` at start and then runs at real speed; with ``--held`` it stands
  still there until the process gets SIGUSR1, so the test can set twenty servers up for as long as
  that takes and only then let the due minute come;
- with ``--die-after-claims`` the process kills itself (SIGKILL: nothing is closed, nothing is
  written) as soon as a round of the daily scheduler's claims has committed, before any of those
  posts is sent or recorded: the crash the ledger has to survive.

It talks to the test on stdout, one line each: ``ready`` once the bot is ready in its servers, and
``claimed NONCE ...`` (the nonces of the claimed posts) just before it kills itself. The logs go to
stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import os
import signal
import sys
import time
from collections.abc import Coroutine, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import discord.gateway
import discord.http
import yarl

from bot import launcher
from bot.bot import BanterBot
from bot.config import configure_logging, load_config
from bot.core import Core
from bot.services.daily import Poster

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


class StartedClock:
    """Reads ``start`` at first, then moves at real speed: from the start, or (held) from
    :meth:`release`."""

    def __init__(self, start: datetime, *, held: bool) -> None:
        self.start = start
        self._since: float | None = None if held else time.monotonic()
        self._running = asyncio.Event()
        if not held:
            self._running.set()

    def now(self) -> datetime:
        if self._since is None:
            return self.start
        return self.start + timedelta(seconds=time.monotonic() - self._since)

    def release(self) -> None:
        if self._since is None:
            self._since = time.monotonic()
            self._running.set()

    async def sleep_until(self, when: datetime) -> None:
        while self.now() < when:
            if self._since is None:
                await self._running.wait()
            else:
                await asyncio.sleep((when - self.now()).total_seconds())


def end_with_the_test() -> None:
    """Have Linux kill this process if the test's process dies first (PR_SET_PDEATHSIG), so that
    not even a test runner killed outright leaves a cluster running."""
    if sys.platform != "linux":
        return
    parent = os.getppid()
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent was already gone before the call
        os._exit(1)


def say(*words: str) -> None:
    """One line to the test."""
    print(*words, flush=True)


def die_after_claims(core: Core) -> None:
    """Kill this process the moment a round of the scheduler's claims has committed.

    The deliveries of the claimed posts are held (they would otherwise start while the round
    claims the next server's), so at the kill every claim is in the ledger and nothing is sent:
    finishing them is left to the replacement."""
    delivery, scheduler = core.daily.delivery, core.daily.scheduler
    claimed: list[int] = []
    never = asyncio.Event()

    async def held() -> None:
        await never.wait()

    def deliver_rows(post_ids: Sequence[int], poster: Poster, first: Any = None) -> Coroutine[Any, Any, None]:
        claimed.extend(post_ids)  # when the scheduler spawns it, not when the task first runs
        return held()

    real_run_due = scheduler.run_due

    async def run_due(poster: Poster) -> None:
        await real_run_due(poster)
        if claimed:
            posts = [await core.storage.daily.get_post(post_id) for post_id in claimed]
            say("claimed", *(post.nonce or "?" for post in posts if post is not None))
            os.kill(os.getpid(), signal.SIGKILL)

    delivery.deliver_rows = deliver_rows  # type: ignore[method-assign]
    scheduler.run_due = run_due  # type: ignore[method-assign]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cluster_child", description=__doc__.split("\n")[0])
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--api-base", required=True, help="the emulator's REST base (emu.api_base)")
    parser.add_argument("--gateway", required=True, help="the emulator's gateway (emu.gateway_url)")
    parser.add_argument("--label", required=True, help="added to the User-Agent of every REST call")
    parser.add_argument("--clock", required=True, type=datetime.fromisoformat, help="the bot's time at start")
    parser.add_argument("--held", action="store_true", help="the clock stands still until SIGUSR1")
    parser.add_argument("--die-after-claims", action="store_true")
    return parser


async def _run(args: argparse.Namespace) -> None:
    config = load_config(args.config)
    configure_logging(config.log_level)
    clock = StartedClock(args.clock, held=args.held)
    asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, clock.release)
    tasks: set[asyncio.Task[None]] = set()

    async def announce(bot: BanterBot) -> None:
        await bot.wait_until_ready()
        say("ready")

    def started(bot: BanterBot) -> None:
        bot.http.user_agent += f" BanterCluster/{args.label}"
        if args.die_after_claims:
            die_after_claims(bot.core)
        task = asyncio.create_task(announce(bot))
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    # Points discord.py at the emulator, as DiscordEmulator.patch_discord does within one process.
    discord.http.Route.BASE = args.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(args.gateway)
    await launcher.run_until_terminated(config, clock=clock, started=started, guild_ready_timeout=0.05)


def main(argv: Sequence[str] | None = None) -> int:
    end_with_the_test()
    asyncio.run(_run(_parser().parse_args(argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
