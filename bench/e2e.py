"""Interactions per second through the local Discord: Banter beside a bare discord.py bot.

In one process and against the same emulator build, measures:

* ``/joke`` on Banter (pick from SQLite, embed, vote buttons) against a bare bot whose slash
  command answers with a line of text;
* a 👍 click on Banter (vote committed to SQLite, message edited with new counts) against a
  bare bot whose button edits its message;

each one at a time and 20 at once. OpenAPI validation is off here: it would measure jsonschema.
Targets: /joke at least 0.8x the bare bot, clicks at least 0.7x.

    python bench/e2e.py [--count 100]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import discord
from discord.ext import commands

from bot.config import load_config
from bot.sandbox import DiscordEmulator
from bot.sandbox.app import run_banter
from bot.sandbox.testing import running_bot

CONCURRENCY = 20


class BareButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"bare:(?P<n>\d+)"):
    """A persistent button that counts its clicks in memory and shows the count."""

    clicks = 0

    def __init__(self, n: int, count: int = 0) -> None:
        super().__init__(discord.ui.Button(label=str(count), custom_id=f"bare:{n}"))
        self.n = n

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: Any, match: Any, /) -> BareButton:
        return cls(int(match["n"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        BareButton.clicks += 1
        view = discord.ui.View(timeout=None)
        view.add_item(BareButton(self.n, BareButton.clicks))
        await interaction.response.edit_message(view=view)


class BareBot(commands.Bot):
    """A bare discord.py bot as its documentation starts one: default intents, a slash command
    that answers with a line of text, and a persistent button to click."""

    def __init__(self) -> None:
        super().__init__(command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.05)

    async def setup_hook(self) -> None:
        self.add_dynamic_items(BareButton)

        @self.tree.command(name="joke")
        async def joke(interaction: discord.Interaction) -> None:
            """A line of text."""
            await interaction.response.send_message("A bare bot's answer.")

        @self.tree.command(name="panel")
        async def panel(interaction: discord.Interaction) -> None:
            """A message with a button."""
            view = discord.ui.View(timeout=None)
            view.add_item(BareButton(0))
            await interaction.response.send_message("Click me.", view=view)

        await self.tree.sync()


ROUNDS = 5


async def rate(action: Callable[[int], Awaitable[None]], count: int, concurrent: bool) -> float:
    """Interactions per second for ``count`` actions, one at a time or 20 at once."""
    start = time.perf_counter()
    if concurrent:
        for b in range(max(1, count // CONCURRENCY)):
            await asyncio.gather(*(action(b * CONCURRENCY + i) for i in range(CONCURRENCY)))
        count = max(1, count // CONCURRENCY) * CONCURRENCY
    else:
        for n in range(count):
            await action(n)
    return count / (time.perf_counter() - start)


class Side:
    """One bot on its own emulator, with the actions the benchmark times."""

    def __init__(self, emu: DiscordEmulator, button_command: str) -> None:
        self.emu = emu
        self.button_command = button_command
        guild = emu.add_guild("Bench")
        self.channels = [emu.add_text_channel(guild, f"c{n}") for n in range(16)]
        self.members = [emu.add_member(guild, f"m{n}") for n in range(CONCURRENCY * 2)]
        self.target: Any = None

    async def slash(self, n: int) -> None:
        ix = await self.emu.slash(self.members[n % len(self.members)], self.channels[n % len(self.channels)], "joke")
        await ix.original_message()

    async def click(self, n: int) -> None:
        if self.target is None:
            ix = await self.emu.slash(self.members[0], self.channels[0], self.button_command)
            self.target = await ix.original_message()
        first = self.target.buttons()[0]
        ix = await self.emu.click(self.members[n % len(self.members)], self.target, custom_id=first["custom_id"])
        await ix.response()


METRICS = (
    ("/joke, one at a time", "slash", False, 0.8),
    (f"/joke, {CONCURRENCY} at once", "slash", True, 0.8),
    ("click, one at a time", "click", False, 0.7),
    (f"click, {CONCURRENCY} at once", "click", True, 0.7),
)


async def one_round(side_name: str, count: int, tmp: Path, round_no: int) -> list[float]:
    """Start one bot on a fresh emulator (and, for Banter, a fresh database), time every metric."""
    async with DiscordEmulator("bench-token", None) as emu:
        side = Side(emu, "panel" if side_name == "bare" else "joke")
        if side_name == "bare":
            runner = running_bot(emu, BareBot)
        else:
            cfg = tmp / f"config-{round_no}.yaml"
            cfg.write_text(f"database:\n  path: {tmp / f'bench-{round_no}.db'}\nlogging:\n  level: ERROR\n")
            runner = run_banter(emu, load_config(cfg, environ={"DISCORD_TOKEN": "bench-token"}))
        async with runner:
            await emu.wait_for_commands(["joke"])
            rates = []
            for _, kind, concurrent, _ in METRICS:
                action = side.click if kind == "click" else side.slash
                await rate(action, CONCURRENCY, concurrent)  # warm up
                rates.append(await rate(action, count, concurrent))
            return rates


async def main(count: int) -> None:
    logging.basicConfig(level=logging.ERROR)
    results: dict[str, list[list[float]]] = {"bare": [], "banter": []}
    with tempfile.TemporaryDirectory() as tmp:
        # Alternate the two bots round by round, so drift in the machine's speed falls on both
        # alike; each figure is a bot's median round.
        for round_no in range(ROUNDS):
            for side_name in ("bare", "banter"):
                results[side_name].append(await one_round(side_name, count, Path(tmp), round_no))

    print(f"interactions per second through the local Discord (median of {ROUNDS} alternating rounds of {count})")
    print(f"{'':22}{'bare bot':>10}{'Banter':>10}{'ratio':>8}  target")
    for n, (label, _, _, target) in enumerate(METRICS):
        bare_rate = statistics.median(r[n] for r in results["bare"])
        our_rate = statistics.median(r[n] for r in results["banter"])
        verdict = "ok" if our_rate / bare_rate >= target else "MISSED"
        print(f"{label:22}{bare_rate:10.0f}{our_rate:10.0f}{our_rate / bare_rate:8.2f}  ≥{target} {verdict}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100, help="interactions per round")
    asyncio.run(main(parser.parse_args().count))
