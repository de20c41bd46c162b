"""Bot processes for the end-to-end tests of shard clusters: each cluster is a real process
(:mod:`tests.e2e.cluster_child`, which runs the project's launcher) against the test's emulator,
on the test's PostgreSQL database.

:func:`processes` starts them and, whatever happens in the test, kills and reaps every one at the
end. Nothing here sleeps: a test waits on a cluster's own lines (``ready``, ``claimed ...``), on
its exit, or on the emulator.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from discord_emulator import DiscordEmulator

ROOT = Path(__file__).resolve().parents[2]
# A process's start-up (imports, the packs, the database, the gateway) on a busy machine.
START_TIMEOUT = 60.0
USER_AGENT_TAG = "BanterCluster/"


def cluster_config(tmp_path: Path, database_url: str, shard_count: int) -> Path:
    """The one config file every cluster reads (as docs/scale.md has it): the shared database and
    the shard count; each cluster's shards come from its environment (``BANTER_SHARD_IDS``)."""
    path = tmp_path / "cluster.yaml"
    path.write_text(
        f"database:\n  url: '{database_url}'\n"
        f"discord:\n  shard_count: {shard_count}\n"
        "web:\n  enabled: false\n"
        "cooldowns:\n  joke_seconds: 0\n  mood_seconds: 0\n",
        encoding="utf-8",
    )
    return path


def cluster_of(user_agent: str) -> str | None:
    """The label of the cluster that sent a request (see ``--label``), or None."""
    _, tag, label = user_agent.partition(USER_AGENT_TAG)
    return label.split()[0] if tag and label else None


@dataclass
class Cluster:
    """One bot process, running ``shard`` of the bot's shards."""

    label: str
    shard: int
    process: asyncio.subprocess.Process
    log: Path

    def _failure(self, what: str) -> AssertionError:
        lines = self.log.read_text(encoding="utf-8", errors="replace").splitlines()
        tail = "\n    ".join(lines[-25:])
        return AssertionError(f"cluster {self.label}: {what} (exit code {self.process.returncode}); "
                              f"the end of its log:\n    {tail}")

    async def said(self, word: str, timeout: float = START_TIMEOUT) -> list[str]:  # noqa: ASYNC109 - a deadline
        """The words after ``word`` on the next line the cluster writes that starts with it."""
        assert self.process.stdout is not None
        async with asyncio.timeout(timeout):
            while True:
                line = (await self.process.stdout.readline()).decode()
                if not line:
                    await self.process.wait()
                    raise self._failure(f"ended before saying {word!r}")
                first, *rest = line.split() or [""]
                if first == word:
                    return rest

    async def ready(self) -> None:
        try:
            await self.said("ready")
        except TimeoutError:
            raise self._failure("not ready in time") from None

    def release_clock(self) -> None:
        """Let a held clock run (SIGUSR1)."""
        self.process.send_signal(signal.SIGUSR1)

    async def ended(self, timeout: float = 30.0) -> int:  # noqa: ASYNC109 - a deadline
        """Wait for the process to end by itself; its exit code (minus the signal that ended it)."""
        try:
            return await asyncio.wait_for(self.process.wait(), timeout)
        except TimeoutError:
            raise self._failure("still running") from None

    async def stop(self) -> int:
        """Stop it as systemd does (SIGTERM) and wait for it to end."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        return await self.ended()

    async def reap(self) -> None:
        if self.process.returncode is None:
            self.process.kill()
        await self.process.wait()


@dataclass
class Processes:
    emu: DiscordEmulator
    config: Path
    folder: Path
    started: list[Cluster] = field(default_factory=list)

    async def start(self, shard: int, label: str, *, clock: datetime, held: bool = False,
                    die_after_claims: bool = False) -> Cluster:
        """Start a cluster running ``shard``; it is not ready yet (:meth:`Cluster.ready`)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("BANTER_")}
        env.update(DISCORD_TOKEN=self.emu.token, BANTER_SHARD_IDS=str(shard))
        args = ["--config", str(self.config), "--api-base", self.emu.api_base, "--gateway", self.emu.gateway_url,
                "--label", label, "--clock", clock.isoformat()]
        args += ["--held"] if held else []
        args += ["--die-after-claims"] if die_after_claims else []
        log = self.folder / f"{label}.log"
        with log.open("wb") as stderr:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "tests.e2e.cluster_child", *args, cwd=ROOT, env=env,
                stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=stderr)
        cluster = Cluster(label, shard, process, log)
        self.started.append(cluster)
        return cluster


@contextlib.asynccontextmanager
async def processes(emu: DiscordEmulator, config: Path, folder: Path) -> AsyncIterator[Processes]:
    """Start clusters within the block; every one still running at its end is killed, and all reaped."""
    running = Processes(emu, config, folder)
    try:
        yield running
    finally:
        for cluster in running.started:
            await cluster.reap()
