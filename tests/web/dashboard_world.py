"""The dashboard's test world: the real bot on the emulator (tests.e2e.harness), the site beside
it on a free port with the dashboard configured against the emulator's OAuth2, two servers, and
members with and without rights; and logging a member in as a browser would."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from bot.config import DashboardConfig
from bot.core import Core
from discord_emulator import Channel, DiscordEmulator, Guild, Member, Message
from discord_emulator import Permissions as P
from tests.e2e.harness import Banter, banter
from tests.web.support import GENEROUS
from web.app import create_app
from web.moderators import DashboardParts
from web.server import WebServer

SESSION_SECRET = "a-test-session-secret-that-is-long-enough"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
# A suggestion's form, as bob fills it in.
ZEBRA = {"joke": "Why did the zebracorn refuse the race?", "punchline": "It was already striped for success."}


@dataclass
class DashWorld:
    b: Banter
    url: str
    guild: Guild
    general: Channel
    modlog: Channel
    carol: Member  # Manage Server
    dave: Member  # the server's moderator role, no permissions
    bob: Member  # no rights
    other: Guild  # a second server: carol is a member there with no rights
    olga: Member  # Manage Server in the other server

    @property
    def emu(self) -> DiscordEmulator:
        return self.b.emu

    @property
    def core(self) -> Core:
        return self.b.core

    async def modlog_post(self, text: str) -> Message:
        """The mod-log post whose embed describes ``text`` (waiting for it)."""
        return await self.emu.wait_for_message(
            self.modlog, lambda m: any(text in str(e.get("description") or "") for e in m.embeds))

    async def suggest(self, who: Member, values: dict[str, str], kind: str = "joke",
                      channel: Channel | None = None) -> int:
        """A suggestion through /suggest in Discord; its case number."""
        ix = await self.emu.slash(who, channel or self.general, f"suggest {kind}")
        submitted = await self.emu.submit_modal(who, ix, values)
        receipt = await submitted.original_message()
        found = re.search(r"#(\d+)", receipt.content)
        assert found is not None, receipt.content
        return int(found.group(1))


@contextlib.asynccontextmanager
async def dashboard_world(tmp_path: Path) -> AsyncIterator[DashWorld]:
    async with banter(tmp_path, members=("bob",), channels=("general", "mod-log")) as b:
        emu, sb = b.emu, b.sb
        carol = emu.add_member(sb.guild, "carol", roles=[emu.add_role(sb.guild, "Admins", int(P.MANAGE_GUILD))])
        mods = emu.add_role(sb.guild, "Banter mods")
        dave = emu.add_member(sb.guild, "dave", roles=[mods])
        other = emu.add_guild("Other server")
        other_general = emu.add_text_channel(other, "general")
        olga = emu.add_member(other, "olga", roles=[emu.add_role(other, "Admins", int(P.MANAGE_GUILD))])
        emu.add_member(other, carol.user)
        def known() -> bool:
            guild = b.bot.get_guild(sb.guild.id)
            return b.bot.get_guild(other.id) is not None and guild is not None and guild.get_role(mods.id) is not None

        await emu.wait_for(known)
        for who, command, options in ((carol, "settings modlog", {"channel": sb.channel("mod-log")}),
                                      (carol, "settings moderator-role", {"role": mods})):
            await (await emu.slash(who, sb.general, command, **options)).original_message()
        assert other_general is not None
        core = b.core
        config = DashboardConfig(emu.application_id, emu.oauth.client_secret, SESSION_SECRET, emu.url)
        parts = DashboardParts(core.moderation, core.daily, core.bot_link, config, frozenset({"en"}))
        server = WebServer(create_app(core.catalog, limiter=GENEROUS, dashboard=parts), "127.0.0.1", 0)
        await server.start()
        try:
            emu.oauth.allow_redirect(f"{server.url}/login/callback")
            yield DashWorld(b, server.url, sb.guild, sb.general, sb.channel("mod-log"), carol, dave, sb.bob,
                            other, olga)
        finally:
            await server.stop()


def http_client() -> aiohttp.ClientSession:
    # unsafe: keep cookies for an IP address (the site is on 127.0.0.1).
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


async def log_in(w: DashWorld, who: Member, http: aiohttp.ClientSession, next_path: str = "/dashboard") -> str:
    """Log ``who`` in through the emulator's OAuth2 (approved at once); the page landed on."""
    w.emu.oauth.approve_as(who.user)
    async with http.get(f"{w.url}/login", params={"next": next_path}) as answer:
        assert answer.status == 200, await answer.text()
        assert str(answer.url).startswith(w.url)
        return await answer.text()


def csrf_of(page: str) -> str:
    found = CSRF.search(page)
    assert found is not None, "no CSRF token on the page"
    return found.group(1)
