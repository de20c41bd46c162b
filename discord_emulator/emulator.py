"""DiscordEmulator: the server's lifecycle, and the Python API tests and tools drive it with.

How the parts depend on one another (each imports only what is below it)::

    emulator (this facade: aiohttp app, lifecycle)
      building, actions, watching       the public API, as mixins over the parts below
      rest (one module per resource)    what the bot does over HTTP
      client_side, commands             what a user's Discord client checks and sends
      events                            state changes that dispatch gateway events
      gateway                           sessions, websocket, dispatch by intent and shard
      payloads                          records -> Discord's JSON shapes
      world                             all the state, and its lookups
      interactions, changes, traffic, models, flags, perms, validation, openapi
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from aiohttp import web

from .actions import UserActions
from .authorize import AuthorizePage
from .building import WorldBuilding
from .client_side import ClientSide
from .events import Events
from .flags import PRIVILEGED_INTENTS, SnowflakeFactory
from .gateway import Gateway
from .interactions import EmulatedInteraction
from .models import AppCommand, Channel, Guild, Message, User
from .oauth import OAuth
from .openapi import OpenAPIValidator, SpecViolation, default_spec_path
from .payloads import Payloads
from .rest import RestAPI
from .traffic import Fault, RequestRecord
from .watching import Watching
from .world import Settings, World

log = logging.getLogger(__name__)

_AUTO = "auto"


class DiscordEmulator(WorldBuilding, UserActions, Watching):
    """A loopback Discord (REST ``/api/v10`` + Gateway) for running an unmodified discord.py bot.

    ``spec_path`` is Discord's OpenAPI JSON: the default ``"auto"`` uses the shared copy when it
    exists (see :func:`discord_emulator.openapi.default_spec_path`), ``None`` disables validation.
    ``clock`` is what the interaction deadlines (3 s, 15 min) are measured on; :meth:`advance`
    moves it forward without sleeping. ``shard_count`` is what GET /gateway/bot recommends (by
    default one shard per 1,000 guilds); with ``require_sharding`` an IDENTIFY without ``shard``
    is closed with 4011, as it is whatever this says when a shard would hold more than
    ``max_guilds_per_shard`` guilds.
    ``stable_ids``: users, servers, channels and roles take ids
    made from their names, the same in every run (a bot's database kept between runs still knows
    them); the application, the bot user and messages get new ones each time.
    """

    def __init__(
        self,
        token: str = "test-token",
        spec_path: str | Path | None = _AUTO,
        *,
        clock: Callable[[], float] = time.monotonic,
        bot_name: str = "Banter",
        host: str = "127.0.0.1",
        port: int = 0,
        privileged_intents: int = PRIVILEGED_INTENTS,
        interaction_deadline: float = 3.0,
        token_lifetime: float = 15 * 60.0,
        nonce_window: float = 5 * 60.0,
        shard_count: int | None = None,
        require_sharding: bool = False,
        max_guilds_per_shard: int = 2500,
        stable_ids: bool = False,
    ) -> None:
        self.settings = Settings(
            token=token,
            host=host,
            port=port,
            privileged_intents=privileged_intents,
            interaction_deadline=interaction_deadline,
            token_lifetime=token_lifetime,
            nonce_window=nonce_window,
            shard_count=shard_count,
            require_sharding=require_sharding,
            max_guilds_per_shard=max_guilds_per_shard,
        )
        self.world = World(self.settings, clock, bot_name, stable_ids=stable_ids)
        resolved_spec = default_spec_path() if spec_path == _AUTO else spec_path
        self.validator = OpenAPIValidator(resolved_spec, self.world.traffic.spec_violations.append)
        self.payloads = Payloads(self.world)
        self.gateway = Gateway(self.world, self.payloads)
        self.events = Events(self.world, self.payloads, self.gateway)
        self.client = ClientSide(self.world, self.payloads, self.gateway)
        self.rest = RestAPI(self.world, self.payloads, self.events, self.validator)
        self._runner: web.AppRunner | None = None

    # -- lifecycle --------------------------------------------------------------------------

    async def start(self) -> DiscordEmulator:
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/gateway/resume", self.gateway.handle)
        AuthorizePage(self.world).routes(app)
        app.router.add_route("*", "/api/v10/{tail:.*}", self.rest.handle)
        app.router.add_route("*", "/{tail:.*}", self.rest.handle_unknown)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.settings.host, self.settings.port)
        await site.start()
        # aiohttp gives the bound port only through the runner's sockets.
        self.settings.port = self._runner.addresses[0][1]
        log.info("Discord emulator listening on %s", self.url)
        return self

    async def stop(self) -> None:
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self.world.changes.cancel_all()

    async def __aenter__(self) -> DiscordEmulator:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @contextlib.contextmanager
    def patch_discord(self) -> Iterator[None]:
        """Point discord.py's REST base and default gateway at this emulator (restored on exit)."""
        import discord.gateway
        import discord.http
        import yarl

        old_base = discord.http.Route.BASE
        old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
        discord.http.Route.BASE = self.api_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)
        try:
            yield
        finally:
            discord.http.Route.BASE = old_base
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway

    # -- time and faults --------------------------------------------------------------------

    def now(self) -> float:
        return self.world.now()

    def advance(self, seconds: float) -> None:
        """Move the emulator's clock forward (interaction deadlines, token expiry, nonces)."""
        self.world.clock.advance(seconds)
        self.world.changed()

    def inject_fault(
        self,
        method: str,
        path_regex: str,
        status: int = 500,
        times: int = 1,
        retry_after: float = 0.05,
        *,
        is_global: bool = False,
    ) -> Fault:
        """Answer the next ``times`` requests matching ``method`` ("*" = any) and ``path_regex``
        (searched in the path after ``/api/v10``) with ``status`` instead of handling them."""
        return self.world.traffic.add_fault(method, path_regex, status, times, retry_after, is_global)

    async def drop_gateway(self, code: int = 4000) -> None:
        """Close the bot's websocket(s); the session stays resumable and keeps collecting events."""
        await self.gateway.drop(code)

    async def request_reconnect(self) -> None:
        """Send op 7 RECONNECT, as Discord does before moving a session."""
        await self.gateway.reconnect_request()

    # -- where it listens -------------------------------------------------------------------

    @property
    def token(self) -> str:
        return self.settings.token

    @property
    def url(self) -> str:
        return self.settings.url

    @property
    def api_base(self) -> str:
        return self.settings.api_base

    @property
    def gateway_url(self) -> str:
        return self.settings.gateway_url

    @property
    def resume_gateway_url(self) -> str:
        return self.settings.resume_gateway_url

    @property
    def privileged_intents(self) -> int:
        """The Developer Portal toggles: a bot identifying with more gets close 4014."""
        return self.settings.privileged_intents

    @privileged_intents.setter
    def privileged_intents(self, value: int) -> None:
        self.settings.privileged_intents = value

    # -- the state, for tests to read (it lives in ``world``) -------------------------------

    @property
    def oauth(self) -> OAuth:
        """OAuth2 for members logging in to a web site: the client secret, redirect addresses, test hooks."""
        return self.world.oauth

    @property
    def snowflakes(self) -> SnowflakeFactory:
        return self.world.snowflakes

    @property
    def application_id(self) -> int:
        return self.world.application_id

    @property
    def bot_user(self) -> User:
        return self.world.bot_user

    @property
    def owner(self) -> User:
        return self.world.owner

    @property
    def users(self) -> dict[int, User]:
        return self.world.users

    @property
    def guilds(self) -> dict[int, Guild]:
        return self.world.guilds

    @property
    def channels(self) -> dict[int, Channel]:
        return self.world.channels

    @property
    def messages(self) -> dict[int, Message]:
        return self.world.messages

    @property
    def commands(self) -> dict[int, AppCommand]:
        return self.world.commands

    @property
    def interactions(self) -> dict[int, EmulatedInteraction]:
        return self.world.interactions

    @property
    def requests(self) -> list[RequestRecord]:
        return self.world.traffic.requests

    @property
    def spec_violations(self) -> list[SpecViolation]:
        return self.world.traffic.spec_violations

    @property
    def unhandled(self) -> list[str]:
        return self.world.traffic.unhandled

    @property
    def dispatched(self) -> list[dict[str, Any]]:
        return self.world.traffic.dispatched

    @property
    def faults(self) -> list[Fault]:
        return self.world.traffic.faults
