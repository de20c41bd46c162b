"""Banter on the local Discord: ``python -m bot sandbox`` and the end-to-end tests' runner."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sys
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from msgspec.structs import replace

from bot import launcher
from discord_emulator import DiscordEmulator, Guild, Permissions
from discord_emulator.flags import ChannelType
from discord_emulator.shell import SandboxShell

if TYPE_CHECKING:
    from bot.bot import BanterBot
    from bot.clock import Clock
    from bot.config import Config

log = logging.getLogger(__name__)

SANDBOX_TOKEN = "sandbox-token"
BOT_COMMANDS = ("joke", "mood", "discussion", "top")


# The channels and members the shell made (``channel NAME``, ``as NAME``), kept in the database so
# a kept database finds them again; their ids come from their names (the emulator's stable ids).
WORLD_KEY = "sandbox:world"


def describe(emu: DiscordEmulator, guild: Guild) -> str:
    """The sandbox server's text channels and members, by name, as JSON."""
    channels = sorted(c.name for c in guild.channels.values() if c.type == ChannelType.GUILD_TEXT and not c.deleted)
    members = sorted(m.user.name for m in guild.members.values()
                     if not m.user.bot and m.user.id != emu.world.owner.id)
    return json.dumps({"channels": channels, "members": members})


def rebuild(emu: DiscordEmulator, guild: Guild, saved: str | None) -> None:
    """Add the channels and members a previous run of the sandbox had (see :func:`describe`)."""
    try:
        world = json.loads(saved) if saved else {}
    except ValueError:
        log.warning("the sandbox's saved server could not be read; starting with the default one")
        return
    for name in world.get("channels", []):
        if isinstance(name, str) and guild.channel_named(name) is None:
            emu.add_text_channel(guild, name)
    for name in world.get("members", []):
        if isinstance(name, str):
            emu.add_member(guild, name)


@contextlib.asynccontextmanager
async def run_banter(
    emu: DiscordEmulator,
    config: Config,
    clock: Clock | None = None,
    timeout: float = 10.0,  # noqa: ASYNC109 - a start-up deadline, not a cancellation scope
) -> AsyncIterator[BanterBot]:
    """Run the bot exactly as ``python -m bot run`` does (``bot.launcher.run``), against ``emu``,
    until the block ends. A bot that dies while starting raises here."""
    config = replace(config, token=emu.token)
    started: list[BanterBot] = []
    with emu.patch_discord():
        task = asyncio.create_task(launcher.run(config, clock=clock, started=started.append, guild_ready_timeout=0.05))
        try:
            await emu.wait_for(lambda: bool(started) or task.done(), timeout=timeout, what="the bot to start")
            if task.done():
                task.result()
            bot = started[0]
            emu.watch_client(bot)
            ready = asyncio.create_task(bot.wait_until_ready())
            done, _ = await asyncio.wait({ready, task}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
            if task in done:
                ready.cancel()
                task.result()
                raise RuntimeError("the bot stopped while starting")
            if ready not in done:
                ready.cancel()
                raise TimeoutError("the bot was not ready in time")
            yield bot
        finally:
            if started:
                await started[0].close()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, timeout=timeout)


async def run_sandbox(
    config: Config, *, db_path: Path | None = None, stdin: TextIO | None = None, stdout: TextIO | None = None
) -> int:
    """Start a local Discord, the real bot on a scratch (or given) database, and a prompt."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    if config.log_level == "INFO":
        # The prompt is the interface here; routine start-up logs would bury it.
        logging.getLogger().setLevel(logging.WARNING)
        logging.getLogger("discord").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="banter-sandbox-") as scratch:
        config = replace(config, database_path=db_path or Path(scratch) / "sandbox.db", dev_guild_id=None,
                                     database_url=None)  # a try-out never touches a shared database
        # Stable ids: with --db, the server, its channels, roles and members are the ones the
        # database knew last time (settings, server content and votes are theirs).
        emu = DiscordEmulator(SANDBOX_TOKEN, None, stable_ids=True)
        await emu.start()
        try:
            guild = emu.add_guild("Banter sandbox")
            channels = {name: emu.add_text_channel(guild, name) for name in ("general", "random")}
            mods = emu.add_role(guild, "Moderators", permissions=int(Permissions.MANAGE_GUILD))
            users = {"you": emu.add_member(guild, "you", roles=[mods]), "friend": emu.add_member(guild, "friend")}
            print("Starting a local Discord and the bot (no network, no token needed)...", file=stdout)
            async with run_banter(emu, config) as bot:
                await emu.wait_for_commands(list(BOT_COMMANDS))
                meta = bot.core.storage.meta
                rebuild(emu, guild, await meta.get(WORLD_KEY))
                print(f"Database: {bot.core.config.database_path}", file=stdout)
                if bot.site_url is not None:
                    print(f"Web site: {bot.site_url}/ (the same library and votes)", file=stdout)
                shell = SandboxShell(emu, guild, channels, users, stdin, stdout)
                await shell.run()
                await meta.set(WORLD_KEY, describe(emu, guild))
        finally:
            await emu.stop()
    return 0
