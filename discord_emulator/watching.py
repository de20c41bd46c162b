"""Looking at the world and waiting for it to change, as :class:`~discord_emulator.DiscordEmulator`
methods. Waits are woken by state changes (and by the bot processing gateway events, for
clients passed to :meth:`Watching.watch_client`), never by polling.

A mixin over the emulator's public ``world`` and ``gateway``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from typing import Any

from .gateway import Gateway
from .models import AppCommand, Channel, Guild, Message
from .traffic import RequestRecord
from .world import World

log = logging.getLogger(__name__)


class Watching:
    world: World
    gateway: Gateway

    # -- looking ----------------------------------------------------------------------------

    def channel_messages(self, channel: Channel, *, include_ephemeral: bool = False) -> list[Message]:
        """Messages in ``channel`` (or thread) in order; ephemeral ones only if asked for."""
        return self.world.channel_messages(channel, include_ephemeral=include_ephemeral)

    def last_message(self, channel: Channel) -> Message | None:
        msgs = self.channel_messages(channel)
        return msgs[-1] if msgs else None

    def get_message(self, message: Message | int) -> Message:
        return self.world.get_message(message)

    def threads(self, guild: Guild) -> list[Channel]:
        return guild.threads

    def registered_commands(self, guild: Guild | None = None) -> list[AppCommand]:
        """Global commands (``guild=None``) or the commands registered for ``guild``."""
        return self.world.commands_in(guild.id if guild is not None else None)

    def requests_to(self, method: str, path_regex: str) -> list[RequestRecord]:
        return self.world.traffic.requests_to(method, path_regex)

    @property
    def connected(self) -> bool:
        return any(s.connection is not None for s in self.gateway.live_sessions())

    # -- waiting ----------------------------------------------------------------------------

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0, what: str | None = None) -> None:  # noqa: ASYNC109 - the test API takes explicit timeouts
        """Wait until ``predicate()`` is true.

        Re-checked after every emulator state change (each request, event, interaction...) and,
        for clients passed to :meth:`watch_client`, after each gateway event the bot processes;
        never by polling.
        """
        await self.world.changes.wait_for(predicate, timeout=timeout, what=what)

    def watch_client(self, client: Any) -> None:
        """Also re-check waits after ``client`` (a discord.py Client) processes a gateway event.

        discord.py dispatches ``socket_event_type`` for every frame it receives, just before
        running the event's (synchronous) parser; re-checking with ``call_soon`` from there means a
        predicate about the bot's cache (``bot.get_channel(...)``) is evaluated after the parser.
        :func:`discord_emulator.driver.running_bot` calls this.
        """
        original = client.dispatch
        changed = self.world.changed

        def dispatch(event: str, /, *args: Any, **kwargs: Any) -> None:
            original(event, *args, **kwargs)
            if event == "socket_event_type":
                asyncio.get_running_loop().call_soon(changed)

        client.dispatch = dispatch

    async def wait_until_connected(self, timeout: float = 5.0, *, sessions: int = 1) -> None:  # noqa: ASYNC109 - the test API takes explicit timeouts
        """Until ``sessions`` bot sessions (one per shard) have identified and been sent READY and
        every GUILD_CREATE."""
        await self.wait_for(
            lambda: sum(s.ready and s.connection is not None for s in self.gateway.live_sessions()) >= sessions,
            timeout=timeout,
            what="the bot to connect to the gateway" if sessions == 1 else f"{sessions} gateway sessions",
        )

    async def wait_until_resumed(self, count: int = 1, timeout: float = 5.0) -> None:  # noqa: ASYNC109 - the test API takes explicit timeouts
        await self.wait_for(lambda: self.gateway.resumes >= count, timeout=timeout, what=f"{count} RESUME(s)")

    async def wait_for_commands(
        self,
        names: Iterable[str] | None = None,
        *,
        guild: Guild | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - the test API takes explicit timeouts
    ) -> list[AppCommand]:
        """Until the bot has registered ``names`` (or anything) globally or in ``guild``."""
        wanted = set(names) if names is not None else None

        def done() -> bool:
            registered = {c.name for c in self.registered_commands(guild)}
            return bool(registered) if wanted is None else wanted <= registered

        await self.wait_for(done, timeout=timeout, what=f"command registration {sorted(wanted or [])}")
        return self.registered_commands(guild)

    async def wait_for_message(
        self,
        channel: Channel,
        check: Callable[[Message], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - the test API takes explicit timeouts
        *,
        after: Message | int | None = None,
        include_ephemeral: bool = False,
    ) -> Message:
        """The newest message in ``channel`` matching ``check`` (waiting until there is one)."""
        after_id = after.id if isinstance(after, Message) else (after or 0)
        found: list[Message] = []

        def look() -> bool:
            for msg in reversed(self.channel_messages(channel, include_ephemeral=include_ephemeral)):
                if msg.id > after_id and not msg.loading and (check is None or check(msg)):
                    found.append(msg)
                    return True
            return False

        await self.wait_for(look, timeout=timeout, what=f"a matching message in #{channel.name}")
        return found[-1]
