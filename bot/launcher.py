"""Starting the bot: the entry point builds the resources and hands them to the bot."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import aiohttp
import discord

from bot.bot import BanterBot
from bot.clock import Clock
from bot.config import Config
from bot.core import Core
from bot.errors import BanterError, ConfigError

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
    core = await Core.open(config, clock=clock)
    site = None
    try:
        if config.web.enabled:
            # The public site is an edge of its own on the same core; it starts first, so a
            # port already taken stops start-up before the bot connects.
            from web.server import start_site

            site = await start_site(core.catalog, config.web)
        async with BanterBot(core, **bot_options) as bot:
            if started is not None:
                started(bot)
            try:
                await bot.start(config.token)
            except discord.LoginFailure:
                raise ConfigError("Discord refused the token: check DISCORD_TOKEN.") from None
            except (aiohttp.ClientConnectionError, OSError) as exc:
                raise BanterError(f"Could not reach Discord ({exc}): check this machine's network.") from None
    finally:
        if site is not None:
            await site.stop()
        await core.close()
