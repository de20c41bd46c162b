"""Running the site: beside the bot (:mod:`bot.launcher`) or on its own (``python -m bot web``)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import TYPE_CHECKING

from aiohttp import web

from bot.config import WebConfig
from bot.errors import BanterError
from bot.services.catalog import CatalogService
from web.app import create_app
from web.moderators import DashboardParts
from web.ratelimit import RateLimiter

if TYPE_CHECKING:
    from bot.core import Core

log = logging.getLogger(__name__)


class WebServer:
    """The site listening on one address, until :meth:`stop`."""

    def __init__(self, app: web.Application, host: str, port: int) -> None:
        self.app = app
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        """Listen; a port taken (or an address this machine lacks) is one :class:`BanterError`
        line naming the key to change."""
        runner = web.AppRunner(self.app, handle_signals=False)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self.port).start()
        except OSError as exc:
            await runner.cleanup()
            reason = exc.strerror or str(exc)
            raise BanterError(f"web: cannot listen on {self.host}:{self.port} ({reason}): set web.port to a free "
                              "port, or web.enabled: false") from None
        self._runner = runner
        log.info("web site listening at %s", self.url)

    @property
    def bound_port(self) -> int:
        """The port really listened on (the one given, or the one the system chose for port 0)."""
        assert self._runner is not None, "not started"
        for address in self._runner.addresses:
            if isinstance(address, tuple):
                return int(address[1])
        return self.port

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.bound_port}"

    async def stop(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()


def dashboard_parts(core: Core) -> DashboardParts:
    """The services the dashboard calls, from the core (the bot attaches itself to ``bot_link``)."""
    return DashboardParts(core.moderation, core.daily, core.bot_link, core.config.web.dashboard,
                          frozenset(entry.language for entry in core.packs.entries()))


async def start_site(catalog: CatalogService, config: WebConfig, *,
                     limiter: RateLimiter | None = None, dashboard: DashboardParts | None = None) -> WebServer:
    server = WebServer(create_app(catalog, limiter=limiter, dashboard=dashboard), config.host, config.port)
    await server.start()
    return server


async def serve_forever(catalog: CatalogService, config: WebConfig, *, dashboard: DashboardParts | None = None) -> None:
    """``python -m bot web``: the site alone, until Ctrl-C or SIGTERM. The dashboard, if
    configured, says it needs the bot: with no bot attached nobody can be checked as a moderator."""
    server = await start_site(catalog, config, dashboard=dashboard)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows' loop
        loop.add_signal_handler(signal.SIGTERM, stop.set)
    print(f"Banter's web site is at {server.url} (Ctrl-C to stop)", flush=True)
    if dashboard is not None and dashboard.config is not None:
        print("The moderators' dashboard needs the bot to check who moderates: run python -m bot run for it; "
              "here its pages say so.", flush=True)
    try:
        await stop.wait()
    finally:
        await server.stop()
