"""Interactions per second through the local Discord: Banter beside a bare discord.py bot.

In one process and against the same emulator build, measures:

* ``/joke`` on Banter (pick from SQLite, embed, vote buttons) against a bare bot whose slash
  command answers with a line of text;
* a 👍 click on Banter (vote committed to SQLite, message edited with new counts) against a
  bare bot whose button edits its message;

each one at a time and 20 at once. Both bots run at once, each on its own emulator, and take
turns interaction by interaction (batch by batch for 20 at once), so that the machine's changes of
speed fall on both alike. A turn lasts until the bot has finished everything the interaction set
off, not just until the answer arrives. OpenAPI validation is off here: it would measure jsonschema.

Python's full garbage collections are kept out of the turns (one runs between metrics instead):
each walks the objects of both bots and both emulators, and fell on whichever bot was allocating
at the time (bench/README.md has what that did to the figures).
The ratio in each fifth of the run is printed beside the total, to show what is left of the noise.
Targets: /joke at least 0.8x the bare bot, clicks at least 0.7x.

    python bench/e2e.py [--units N]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import logging
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import discord
from discord.ext import commands

import bot.storage.sqlite.picks
from bot.config import load_config
from bot.core import Core
from bot.sandbox.app import run_banter
from bot.storage.sqlite import SqliteStorage
from discord_emulator import DiscordEmulator
from discord_emulator.driver import running_bot

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


# Serial interactions, or batches of CONCURRENCY, per bot and metric.
SERIAL_UNITS = 1200
CONCURRENT_UNITS = 100
# The spread of the ratio is shown over this many consecutive parts of each run.
PARTS = 5
# The tasks discord.py starts for an event, a command or a component (see settle()).
BOT_TASKS = ("discord", "CommandTree")


async def settle(before: set[asyncio.Task[Any]]) -> None:
    """Wait until the bot has finished all it set off since ``before``: what a command does
    after its answer (Banter records the pick as shown) counts towards its time."""
    me = asyncio.current_task()
    while pending := [t for t in asyncio.all_tasks() - before
                      if t is not me and t.get_name().startswith(BOT_TASKS) and not t.done()]:
        await asyncio.wait(pending)


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

    async def timed(self, kind: str, concurrent: bool, n: int) -> tuple[float, int]:
        """Time one interaction (or one batch of CONCURRENCY) until the bot has settled."""
        action = self.click if kind == "click" else self.slash
        # Both bots run at once, each on its own emulator, but discord.py's REST base address is
        # one class attribute: point it at this side's emulator while this side is timed.
        with self.emu.patch_discord():
            before = asyncio.all_tasks()
            start = time.perf_counter()
            if concurrent:
                await asyncio.gather(*(action(n * CONCURRENCY + i) for i in range(CONCURRENCY)))
            else:
                await action(n)
            await settle(before)
            return time.perf_counter() - start, CONCURRENCY if concurrent else 1


METRICS = (
    ("/joke, one at a time", "slash", False, 0.8),
    (f"/joke, {CONCURRENCY} at once", "slash", True, 0.8),
    ("click, one at a time", "click", False, 0.7),
    (f"click, {CONCURRENCY} at once", "click", True, 0.7),
)


# What the storage does to be fast, each of which can be switched off to measure what it gives.
PIECES = ("quick", "behind", "readahead", "cache")


def switch_off(core: Core, pieces: Sequence[str]) -> None:
    """Run Banter without the given pieces of the storage's machinery:

    * ``quick``: single statements go to the database threads instead of the loop's own connection;
    * ``behind``: showings are written at the loop's next turn instead of a quarter second later;
    * ``readahead``: a pick in a busy channel reads only its own candidates;
    * ``cache``: nothing read is kept (settings are read on every command, no rows are kept).
    """
    storage = core.storage
    assert isinstance(storage, SqliteStorage), "the pieces switched off here are the SQLite backend's"
    db = storage.db
    if "quick" in pieces and db.quick is not None:
        db.quick.close()
        db.quick = None
    if "behind" in pieces:
        storage.showings.write_delay = 0
    if "readahead" in pieces:
        bot.storage.sqlite.picks.RESERVE = bot.storage.sqlite.picks.CANDIDATES
    if "cache" in pieces:
        storage.cache.max_age = timedelta(0)


@contextlib.asynccontextmanager
async def both_bots(tmp: Path, without: Sequence[str] = ()) -> AsyncIterator[tuple[Side, Side]]:
    """The bare bot and Banter (on a fresh database), each on its own emulator, both running."""
    async with DiscordEmulator("bench-token", None) as bare_emu, DiscordEmulator("bench-token", None) as our_emu:
        bare, ours = Side(bare_emu, "panel"), Side(our_emu, "joke")
        cfg = tmp / "config.yaml"
        # No cooldowns: the same few members send every /joke of the run.
        cfg.write_text(f"database:\n  path: {tmp / 'bench.db'}\nlogging:\n  level: ERROR\nweb:\n  enabled: false\n"
                       "cooldowns:\n  joke_seconds: 0\n  mood_seconds: 0\n")
        async with running_bot(bare_emu, BareBot), \
                run_banter(our_emu, load_config(cfg, environ={"DISCORD_TOKEN": "bench-token"})) as banter:
            switch_off(banter.core, without)
            await bare_emu.wait_for_commands(["joke"])
            await our_emu.wait_for_commands(["joke"])
            yield bare, ours


async def main(units: int | None, without: Sequence[str] = ()) -> None:
    logging.basicConfig(level=logging.ERROR)
    # Full collections out of the timed turns: one walks every object of both bots and both
    # emulators, so it lands on whichever bot happens to be allocating.
    # Young collections, whose cost follows each bot's own allocations, still run as usual.
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, 1_000_000)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        async with both_bots(Path(tmp), without) as (bare, ours):
            for _, kind, concurrent, _ in METRICS:
                count = units or (CONCURRENT_UNITS if concurrent else SERIAL_UNITS)
                gc.collect()
                for side in (bare, ours):
                    for n in range(3):
                        await side.timed(kind, concurrent, n)  # warm up
                # One unit at a time, each bot in turn (in alternating order), so the machine's
                # changes of speed, which here come every few tens of milliseconds, fall on both
                # bots alike. Time and interactions are kept per part of the run, to show the spread.
                spent = {"bare": [0.0] * PARTS, "banter": [0.0] * PARTS}
                done = {"bare": [0] * PARTS, "banter": [0] * PARTS}
                for n in range(count):
                    part = n * PARTS // count
                    order = (("bare", bare), ("banter", ours)) if n % 2 == 0 else (("banter", ours), ("bare", bare))
                    for name, side in order:
                        seconds, interactions = await side.timed(kind, concurrent, n)
                        spent[name][part] += seconds
                        done[name][part] += interactions
                rate = {name: sum(done[name]) / sum(spent[name]) for name in spent}
                parts = [
                    (done["banter"][p] / spent["banter"][p]) / (done["bare"][p] / spent["bare"][p])
                    for p in range(PARTS) if spent["bare"][p] and spent["banter"][p]
                ]
                results.append((rate["bare"], rate["banter"], parts))

    print(f"interactions per second through the local Discord ({units or SERIAL_UNITS} one-at-a-time and "
          f"{units or CONCURRENT_UNITS} {CONCURRENCY}-at-once turns per bot, interleaved)"
          + (f"; Banter without: {', '.join(without)}" if without else ""))
    print(f"{'':22}{'bare bot':>10}{'Banter':>10}{'ratio':>8}  {'target':12}ratio in each fifth of the run")
    for (label, _, _, target), (bare_rate, our_rate, parts) in zip(METRICS, results, strict=True):
        ratio = our_rate / bare_rate
        verdict = f"≥{target} {'ok' if ratio >= target else 'MISSED'}"
        print(f"{label:22}{bare_rate:10.0f}{our_rate:10.0f}{ratio:8.2f}  {verdict:12}"
              + " ".join(f"{p:.2f}" for p in parts))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=None,
                        help=f"turns per bot and metric (default {SERIAL_UNITS} single, {CONCURRENT_UNITS} batches)")
    parser.add_argument("--without", action="append", choices=PIECES, default=[],
                        help="run Banter without this piece of the storage's machinery (repeatable; see switch_off)")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.units, arguments.without))
