"""``python -m bot run`` against a Discord that never answers, and against a database that a bot
already runs on: each ends with one line on stderr instead of hanging or starting twice."""

from __future__ import annotations

import asyncio
import gc
import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import discord.gateway
import discord.http
import pytest
import yarl
from aiohttp import web

from bot import launcher
from bot.__main__ import main
from bot.errors import TRY_AGAIN_LATER, DiscordUnreachable
from bot.storage.sqlite.lock import hold_database, lock_path

APPLICATION_ID = 4242


def _json(data: object) -> web.Response:
    # Exactly "application/json", as Discord sends it: discord.py decodes nothing else.
    return web.Response(body=json.dumps(data).encode(), content_type="application/json")


class SilentDiscord:
    """A local server, on a loop and thread of its own, that accepts every connection. With
    ``answer_login`` it answers the REST calls of a login and the command sync; the gateway
    websocket it accepts and then never says a word on (no HELLO, so never READY)."""

    def __init__(self, *, answer_login: bool) -> None:
        self.answer_login = answer_login
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.release = asyncio.Event()
        self.runner: web.AppRunner | None = None
        self.port = 0
        self.seen: list[str] = []

    async def _silence(self) -> None:
        await self.release.wait()

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        self.seen.append(f"{request.method} {request.path}")
        if not self.answer_login:
            await self._silence()
            return web.Response(status=503)
        user = {"id": "1", "username": "banter", "discriminator": "0", "avatar": None, "global_name": None,
                "bot": True}
        if request.path.endswith("/users/@me"):
            return _json(user)
        if request.path.endswith("/applications/@me"):
            return _json({
                "id": str(APPLICATION_ID), "name": "banter", "icon": None, "description": "", "bot_public": True,
                "bot_require_code_grant": False, "verify_key": "0" * 64, "flags": 0, "owner": user, "team": None,
                "summary": "", "rpc_origins": [], "interactions_endpoint_url": None})
        return _json([])  # the command sync

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        self.seen.append("gateway")
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await self._silence()
        await ws.close()
        return ws

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self.runner = web.AppRunner(app, shutdown_timeout=1)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = self.runner.addresses[0][1]

    async def _stop(self) -> None:
        self.release.set()
        assert self.runner is not None
        await self.runner.cleanup()

    def __enter__(self) -> SilentDiscord:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(timeout=10)
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self.loop).result(timeout=10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


@pytest.fixture
def silent_discord(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[SilentDiscord]:
    with SilentDiscord(answer_login=request.param) as server:
        monkeypatch.setattr(discord.http.Route, "BASE", f"http://127.0.0.1:{server.port}/api/v10")
        monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY",
                            yarl.URL(f"ws://127.0.0.1:{server.port}/gateway"))
        yield server


def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text("discord:\n  connect_timeout: 0.2\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("silent_discord", [False], indirect=True)
def test_login_that_never_gets_an_answer_times_out(silent_discord: SilentDiscord, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "test-token")
    assert main(["run", "--config", str(config_file(tmp_path))]) == TRY_AGAIN_LATER
    assert capsys.readouterr().err == (
        "Discord did not answer the login within 0.2 s: check this machine's network "
        "(discord.connect_timeout sets the wait).\n")
    assert silent_discord.seen == ["GET /api/v10/users/@me"]
    # The lock is let go once the process gives up, so a restart by the service manager can start.
    with hold_database(tmp_path / "banter.db", "test"):
        pass


@pytest.mark.parametrize("silent_discord", [True], indirect=True)
async def test_gateway_that_never_gets_ready_times_out(silent_discord: SilentDiscord) -> None:
    # A bare client: its login is just the two REST calls, well inside the deadline, so what runs
    # out is the wait for READY. (Banter's own login adds loading the cogs, which on a busy test
    # machine can take longer than the tiny deadline used here.)
    client = discord.Client(intents=discord.Intents.none())
    async with client:
        with pytest.raises(DiscordUnreachable) as caught:
            await launcher.start(client, "test-token", 0.2)
    assert str(caught.value) == ("Discord's gateway did not get the bot ready within 0.2 s: check this machine's "
                                 "network (discord.connect_timeout sets the wait).")
    assert silent_discord.seen == ["GET /api/v10/users/@me", "GET /api/v10/oauth2/applications/@me", "gateway"]


def test_a_second_bot_on_the_same_database_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "test-token")
    database = tmp_path / "banter.db"
    with hold_database(database, "run"):  # what a running bot holds
        assert main(["run", "--config", str(config_file(tmp_path))]) == 2
    assert gc.isenabled()  # paused for the start-up only, whatever ends it
    pid = lock_path(database).read_text().split()[0]
    assert capsys.readouterr().err == (
        f"a bot is already running on {database} (pid {pid}, run): stop it first, "
        "or give this one another database.path\n")
    assert not database.exists()


def test_no_network_at_start_up_ends_the_process_for_a_restart(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "test-token")
    with socket.socket() as closed:  # bound, never listening: connections to it are refused
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        monkeypatch.setattr(discord.http.Route, "BASE", f"http://127.0.0.1:{port}/api/v10")
        code = main(["run", "--config", str(config_file(tmp_path))])
    assert code == TRY_AGAIN_LATER
    err = capsys.readouterr().err
    assert err.startswith(f"Could not reach Discord (Cannot connect to host 127.0.0.1:{port} ")
    assert err.endswith("): check this machine's network.\n")
    assert err.count("\n") == 1
