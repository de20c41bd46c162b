"""Driving the emulator from outside: a ready-made world and a discord.py bot running against it.

Tests use it (the emulator's own, and a project's end-to-end tests), and so does the shell.
Example (pytest with ``asyncio_mode = "auto"``)::

    from discord_emulator.driver import running_bot, sandbox

    async def test_joke():
        async with sandbox() as sb, running_bot(sb.emu, make_bot) as bot:
            await sb.emu.wait_for_commands(["joke"])
            ix = await sb.emu.slash(sb.alice, sb.general, "joke")
            msg = await ix.original_message()
            assert msg.content

Bots should be built with a small ``guild_ready_timeout`` (e.g. ``0.05``): discord.py waits that
long after the last GUILD_CREATE before firing ``on_ready``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from .emulator import DiscordEmulator
from .models import Channel, Guild, Member

if TYPE_CHECKING:
    import discord

log = logging.getLogger(__name__)

ClientT = TypeVar("ClientT", bound="discord.Client")


@dataclass
class Sandbox:
    """An emulator with one guild, some text channels and some members."""

    emu: DiscordEmulator
    guild: Guild
    channels: dict[str, Channel] = field(default_factory=dict)
    members: dict[str, Member] = field(default_factory=dict)

    @property
    def general(self) -> Channel:
        """The first channel (``general`` by default)."""
        return next(iter(self.channels.values()))

    @property
    def alice(self) -> Member:
        return self.members["alice"]

    @property
    def bob(self) -> Member:
        return self.members["bob"]

    def channel(self, name: str) -> Channel:
        return self.channels[name]

    def member(self, name: str) -> Member:
        return self.members[name]


@contextlib.asynccontextmanager
async def sandbox(
    *,
    token: str = "test-token",
    guild_name: str = "Test server",
    channels: Iterable[str] = ("general",),
    members: Iterable[str] = ("alice", "bob"),
    spec_path: str | Path | None = "auto",
    strict_spec: bool = False,
    **emulator_options: Any,
) -> AsyncIterator[Sandbox]:
    """Start an emulator with a guild, channels and members; stop it on exit.

    With ``strict_spec`` a block that otherwise succeeded fails if any request or answer broke
    Discord's OpenAPI spec (``emu.spec_violations``).
    """
    emu = DiscordEmulator(token, spec_path, **emulator_options)
    await emu.start()
    try:
        guild = emu.add_guild(guild_name)
        world = Sandbox(emu, guild)
        for name in channels:
            world.channels[name] = emu.add_text_channel(guild, name)
        for name in members:
            world.members[name] = emu.add_member(guild, name)
        yield world
    finally:
        await emu.stop()
    if strict_spec and emu.spec_violations:
        listed = "\n  ".join(emu.spec_violations)
        raise AssertionError(f"{len(emu.spec_violations)} OpenAPI violation(s):\n  {listed}")


@contextlib.asynccontextmanager
async def running_bot(
    emu: DiscordEmulator,
    bot: ClientT | Callable[[], ClientT],
    *,
    token: str | None = None,
    timeout: float = 5.0,  # noqa: ASYNC109 - explicit timeouts are the test API
    wait_ready: bool = True,
) -> AsyncIterator[ClientT]:
    """Run a discord.py client against ``emu`` for the duration of the block.

    ``bot`` is a client or a factory (called with discord.py already pointed at the emulator).
    Waits until the gateway handshake is done and, with ``wait_ready``, until ``on_ready``.  If the
    bot dies while starting (bad token, crash in ``setup_hook``) its exception is raised here.
    """
    with emu.patch_discord():
        client = cast(ClientT, bot() if callable(bot) and not _is_client(bot) else bot)
        emu.watch_client(client)
        task = asyncio.create_task(client.start(token or emu.token), name="sandbox-bot")
        try:
            await _until_up(emu, client, task, limit=timeout, wait_ready=wait_ready)
            yield client
        except BaseException:
            await _shutdown(client, task, limit=timeout, reraise=False)
            raise
        await _shutdown(client, task, limit=timeout, reraise=True)


async def _shutdown(client: discord.Client, task: asyncio.Task[None], *, limit: float, reraise: bool) -> None:
    """Close the client and collect its task; a crash of the bot is raised unless already failing."""
    await client.close()
    try:
        await asyncio.wait_for(task, timeout=limit)
    except asyncio.CancelledError:
        pass
    except Exception:
        if reraise:
            raise
        log.debug("bot task ended with an error during teardown", exc_info=True)


def _is_client(obj: object) -> bool:
    import discord

    return isinstance(obj, discord.Client)


async def _until_up(
    emu: DiscordEmulator, client: discord.Client, task: asyncio.Task[None], *, limit: float, wait_ready: bool
) -> None:
    async def ready() -> None:
        await emu.wait_until_connected(timeout=limit)
        if wait_ready:
            await client.wait_until_ready()

    waiter = asyncio.create_task(ready())
    done, _ = await asyncio.wait({waiter, task}, timeout=limit, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        waiter.cancel()
        exc = task.exception()
        raise RuntimeError("the bot stopped while starting") from exc
    if waiter not in done:
        waiter.cancel()
        raise TimeoutError(f"the bot was not ready within {limit}s (is guild_ready_timeout small?)")
    waiter.result()
