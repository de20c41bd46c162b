"""Running the shell: an emulator, the bot from a factory, and the terminal handed to a shell."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TextIO

from ..driver import running_bot, sandbox
from ..emulator import DiscordEmulator
from .session import SandboxShell

if TYPE_CHECKING:
    import discord

log = logging.getLogger(__name__)


async def run_shell(
    bot_factory: Callable[[], discord.Client],
    *,
    token: str = "sandbox-token",
    guild_name: str = "Sandbox",
    channels: Iterable[str] = ("general",),
    users: Iterable[str] = ("you", "friend"),
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    spec_path: str | None = "auto",
) -> DiscordEmulator:
    """Start an emulator, run the bot against it and hand the terminal to a shell."""
    async with (
        sandbox(token=token, guild_name=guild_name, channels=channels, members=users, spec_path=spec_path) as world,
        running_bot(world.emu, bot_factory),
    ):
        shell = SandboxShell(
            world.emu, world.guild, world.channels, world.members, stdin or sys.stdin, stdout or sys.stdout
        )
        await shell.run()
        for violation in world.emu.spec_violations:
            (stdout or sys.stdout).write(f"OpenAPI: {violation}\n")
        return world.emu


def _load_factory(spec: str) -> Callable[[], discord.Client]:
    module_name, _, attr = spec.partition(":")
    if not attr:
        raise SystemExit("expected module:factory, e.g. bot.bot:create_bot")
    module = importlib.import_module(module_name)
    factory = getattr(module, attr)
    if not callable(factory):
        raise SystemExit(f"{spec} is not callable")
    return factory  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Try a discord.py bot against a local Discord emulator.")
    parser.add_argument("factory", help="module:callable returning the discord.py client")
    parser.add_argument("--channel", action="append", dest="channels", help="text channel (repeatable)")
    parser.add_argument("--user", action="append", dest="users", help="member to act as (repeatable)")
    parser.add_argument("--verbose", action="store_true", help="show discord.py and emulator logs")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.ERROR, format="%(name)s: %(message)s")
    factory = _load_factory(args.factory)
    asyncio.run(run_shell(factory, channels=args.channels or ["general"], users=args.users or ["you", "friend"]))
