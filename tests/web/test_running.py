"""The site runs with the bot and stops with it, runs alone as `python -m bot web`, and its
configuration is checked like every other key's."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from bot import launcher
from bot.config import load_config
from bot.errors import BanterError, ConfigError
from tests.e2e.harness import banter

ROOT = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def port_taken() -> Iterator[int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield int(s.getsockname()[1])


async def test_the_site_starts_with_the_bot_and_stops_with_it(tmp_path: Path) -> None:
    # Port 0, the one the site then tells: a port found free beforehand could go to the emulator,
    # which the harness starts (on any free port) before the site.
    async with banter(tmp_path, config_extra="web:\n  enabled: true\n  port: 0\n") as b:
        assert b.bot.site_url is not None
        port = int(b.bot.site_url.rsplit(":", 1)[1])
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/api/v1/items/5") as response:
                assert response.status == 200
                assert (await response.json())["id"] == 5
        # The site and the bot share one core: a vote in Discord shows on the site at once.
        await b.core.votes.click(item_id=5, guild_id=b.sb.guild.id, user_id=b.sb.alice.id, up=True)
        async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}/api/v1/items/5") as response:
            assert (await response.json())["votes"] == {"up": 1, "down": 0}
    with pytest.raises(aiohttp.ClientConnectorError):
        async with aiohttp.ClientSession() as http:
            await http.get(f"http://127.0.0.1:{port}/")


async def test_a_port_in_use_stops_start_up_with_one_line(tmp_path: Path) -> None:
    with port_taken() as port:
        path = tmp_path / "config.yaml"
        path.write_text(f"database:\n  path: banter.db\nweb:\n  port: {port}\n", encoding="utf-8")
        config = load_config(path, environ={"DISCORD_TOKEN": "test-token"})
        with pytest.raises(BanterError) as failure:
            await launcher.run(config)
    message = str(failure.value)
    assert "\n" not in message
    assert f"web: cannot listen on 127.0.0.1:{port}" in message and "web.port" in message


def test_the_command_line_says_so_in_one_line_too(tmp_path: Path) -> None:
    with port_taken() as port:
        (tmp_path / "config.yaml").write_text(f"web:\n  port: {port}\n")
        out = subprocess.run([sys.executable, "-m", "bot", "run", "--config", "config.yaml"], cwd=tmp_path,
                             capture_output=True, text=True, timeout=60,
                             env={**os.environ, "DISCORD_TOKEN": "t"})
    assert out.returncode == 2
    assert out.stderr.strip().splitlines()[-1].startswith(f"web: cannot listen on 127.0.0.1:{port}")
    assert "Traceback" not in out.stderr


async def test_python_m_bot_web_serves_the_site_alone(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("database:\n  path: site.db\n")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "web", "--config", "config.yaml", "--port", "0", cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env={k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"})
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), timeout=60)).decode()
        found = re.search(r"at (http://127\.0\.0\.1:\d+)", line)
        assert found, line
        async with aiohttp.ClientSession() as http, http.get(found.group(1) + "/jokes/5") as response:
            assert response.status == 200 and "Joke 5" in await response.text()
    finally:
        process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(process.wait(), timeout=30)
    assert code == 0, (await process.stderr.read()).decode()[-2000:] if process.stderr else code
    assert (tmp_path / "site.db").exists()


def test_web_defaults(tmp_path: Path) -> None:
    web = load_config(None, environ={}).web
    assert (web.enabled, web.host, web.port, web.public_url, web.allow_flags) == (
        True, "127.0.0.1", 8080, None, frozenset())
    path = tmp_path / "config.yaml"
    path.write_text("web:\n  public_url: https://banter.example.org/\n  allow_flags: [explicit]\n  port: 0\n")
    web = load_config(path, environ={}).web
    assert web.public_url == "https://banter.example.org" and web.allow_flags == {"explicit"} and web.port == 0


@pytest.mark.parametrize(("text", "message"), [
    ("web:\n  port: 70000\n", "config: web.port must be a TCP port from 0 to 65535"),
    ("web:\n  port: eighty\n", "config: web.port must be a whole number"),
    ("web:\n  public_url: ftp://example.org\n", "config: web.public_url must be an http:// or https:// address"),
    ("web:\n  public_url: 'https://'\n", "config: web.public_url must be an http:// or https:// address"),
    ("web:\n  allow_flags: [rude]\n", "config: web.allow_flags must list flags from: nsfw"),
    ("web:\n  enabled: sometimes\n", "config: web.enabled must be true or false"),
    ("web:\n  colour: red\n", "config: unknown key web.colour"),
])
def test_bad_web_settings_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as failure:
        load_config(path, environ={})
    assert str(failure.value).startswith(message)


async def test_items_posted_in_discord_link_to_their_page(tmp_path: Path) -> None:
    extra = "web:\n  enabled: false\n  public_url: https://banter.example.org/\n"
    async with banter(tmp_path, config_extra=extra) as b:
        joke = await b.alice.run("joke")
        assert joke.embed.url == f"https://banter.example.org/jokes/{joke.message.item_id}"
        topic = await b.alice.run("discussion today")
        assert topic.embed.url == f"https://banter.example.org/discussions/{topic.message.item_id}"
