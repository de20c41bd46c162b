"""Starting the bot: the entry point builds the resources and hands them to the bot."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

import aiohttp
import discord

from bot.bot import BanterBot
from bot.clock import Clock
from bot.config import Config
from bot.core import Core
from bot.errors import BanterError, ConfigError, DiscordUnreachable
from bot.storage.sqlite.lock import DatabaseBusy, hold_database

log = logging.getLogger(__name__)


async def run(config: Config, *, clock: Clock | None = None,
              started: Callable[[BanterBot], None] | None = None, **bot_options: Any) -> None:
    """Open the core, start the web site (``web.enabled``) and the bot, and run until the bot is
    closed; the site stops with it.

    ``started`` receives the bot before it connects; tests and the sandbox use it to hold a
    handle on the very bot that ``python -m bot run`` starts.
    """
    if not config.token:
        raise ConfigError("config: DISCORD_TOKEN is not set (or give discord.token in the config file)")
    try:
        # SQLite is the one-process backend: a second bot on the same file is refused. Several
        # processes (shard clusters) share one PostgreSQL database, so nothing is held there.
        held = hold_database(config.database_path, "run") if config.database_url is None else nullcontext()
        with held:
            await _run(config, config.token, clock, started, bot_options)
    except DatabaseBusy as exc:
        raise BanterError(f"a bot is already running on {exc.database} ({exc.holder}): stop it first, "
                          "or give this one another database.path") from None


async def run_until_terminated(config: Config, *, clock: Clock | None = None,
                               started: Callable[[BanterBot], None] | None = None, **bot_options: Any) -> None:
    """:func:`run`, for ``python -m bot run``: SIGTERM (how systemd and Docker stop a service) then
    stops the bot as Ctrl-C does, the gateway and the database closed in order, where Python's
    default would end the process at once with nothing closed.

    ``clock``, ``started`` and ``bot_options`` are :func:`run`'s, for a test that starts the bot
    in a process of its own just as ``python -m bot run`` does (tests/e2e/cluster_child.py)."""
    task = asyncio.current_task()
    assert task is not None
    loop = asyncio.get_running_loop()
    terminated = False

    def terminate() -> None:
        nonlocal terminated
        terminated = True
        task.cancel()

    try:
        loop.add_signal_handler(signal.SIGTERM, terminate)
    except (ValueError, RuntimeError, NotImplementedError):  # not the main thread, or no signals here
        handled = False
    else:
        handled = True
    try:
        await run(config, clock=clock, started=started, **bot_options)
    except asyncio.CancelledError:
        if not terminated:
            raise
        log.info("stopped (SIGTERM)")
    finally:
        if handled:
            loop.remove_signal_handler(signal.SIGTERM)


async def _run(config: Config, token: str, clock: Clock | None, started: Callable[[BanterBot], None] | None,
               bot_options: dict[str, Any]) -> None:
    core = await Core.open(config, clock=clock)
    site = None
    # What the modules and the core built (the content: tens of thousands of objects) lives as long
    # as the bot. Frozen, it is left out of the collector's full passes, which otherwise walk it
    # again and again while thousands of servers' GUILD_CREATEs are parsed (bench/guilds.py).
    # `python -m bot run` paused the collector until now (bot/__main__.py), so the start-up's
    # garbage in cycles (some 1,500 objects, 0.3 MB) is frozen with it and never freed: a full
    # collection first, to free it, cost 30-70 ms of each start. The collector runs again here.
    gc.freeze()
    gc.enable()
    try:
        if config.web.enabled:
            # The public site is an edge of its own on the same core; it starts first, so a
            # port already taken stops start-up before the bot connects.
            from web.server import dashboard_parts, start_site

            site = await start_site(core.catalog, config.web, dashboard=dashboard_parts(core))
        async with BanterBot(core, **shard_options(config), **bot_options) as bot:
            bot.site_url = site.url if site is not None else None
            if started is not None:
                started(bot)
            try:
                await start(bot, token, config.connect_timeout)
            except discord.LoginFailure:
                raise ConfigError("Discord refused the token: check DISCORD_TOKEN.") from None
            except (aiohttp.ClientConnectionError, OSError) as exc:
                raise DiscordUnreachable(f"Could not reach Discord ({exc}): check this machine's network.") from None
    finally:
        gc.unfreeze()  # collectable again once the bot stops (tests run many bots in one process)
        if site is not None:
            await site.stop()
        await core.close()


def shard_options(config: Config) -> dict[str, Any]:
    """The bot's shards (``discord.shard_count``, ``discord.shard_ids``); none given: all of them,
    as many as Discord says."""
    options: dict[str, Any] = {}
    if config.shards.count is not None:
        options["shard_count"] = config.shards.count
    if config.shards.ids is not None:
        options["shard_ids"] = list(config.shards.ids)
    return options


async def start(bot: discord.Client, token: str, timeout: float) -> None:  # noqa: ASYNC109 - two deadlines
    """``bot.start(token)``, but giving up when logging in, and then reaching READY, each take longer
    than ``timeout`` seconds. discord.py itself waits five minutes for an HTTP answer and retries
    the gateway for ever, so a network that accepts connections and never answers would hang the
    process without a word; ending it instead lets a service manager restart it.

    The login includes ``setup_hook`` (loading the extensions and, when they changed, the command
    sync): Discord answers those requests too, or nothing works. READY here is the gateway's first
    (discord.py's ``connect`` event), not the bot being ready in every server: a bot in thousands of
    servers, or with many shards logged in five seconds apart, takes longer than any such deadline
    to have them all, and is plainly reachable once the first READY has come.
    """
    try:
        await asyncio.wait_for(bot.login(token), timeout)
    except TimeoutError:
        raise DiscordUnreachable(f"Discord did not answer the login within {timeout:g} s: check this machine's "
                          "network (discord.connect_timeout sets the wait).") from None
    # Listening before connecting, so the first READY cannot come before the listener.
    ready = asyncio.ensure_future(bot.wait_for("connect"))
    connection = asyncio.create_task(bot.connect(), name="discord-connection")
    try:
        await asyncio.wait({connection, ready}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if not ready.done() and not connection.done():
            raise DiscordUnreachable(f"Discord's gateway did not get the bot ready within {timeout:g} s: check this "
                              "machine's network (discord.connect_timeout sets the wait).")
        log.debug("gateway ready; running until closed")
        await connection
    finally:
        for task in (ready, connection):
            task.cancel()
        await asyncio.gather(ready, connection, return_exceptions=True)
