"""Logging in to the dashboard with Discord (OAuth2 authorization code, scopes ``identify guilds``)
and logging out.

``/login`` sends the browser to Discord with a fresh ``state``; Discord sends it back to
``/login/callback`` with a code, which is taken only with the same ``state`` (kept sealed in a
cookie of this browser), then exchanged for a token with the client secret. The token is used at
once to read who the member is and which servers they are in, and then dropped: the session keeps
the member's id and those of their servers that Banter is in, nothing else from Discord.
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
import yarl
from aiohttp import web

from bot.config import DashboardConfig
from bot.services.bot_link import BotAway, BotLink
from web.sessions import Sessions, safe_next
from web.shared import Refused, see_other

log = logging.getLogger(__name__)

SCOPES = "identify guilds"
TIMEOUT = aiohttp.ClientTimeout(total=15)
CALLBACK = "/login/callback"


class LoginFailed(Exception):
    """Discord did not complete the login (refused the code, or did not answer)."""


class DiscordOAuth:
    """The site as an OAuth2 client of Discord."""

    def __init__(self, config: DashboardConfig) -> None:
        self.config = config
        self._http: aiohttp.ClientSession | None = None

    @property
    def api(self) -> str:
        return f"{self.config.discord_url}/api/v10"

    def authorize_url(self, redirect_uri: str, state: str) -> str:
        return str(yarl.URL(f"{self.config.discord_url}/oauth2/authorize").with_query({
            "client_id": str(self.config.client_id), "redirect_uri": redirect_uri, "response_type": "code",
            "scope": SCOPES, "state": state}))

    def _session(self) -> aiohttp.ClientSession:
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession(timeout=TIMEOUT)
        return self._http

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()

    async def _json(self, method: str, url: str, **options: Any) -> Any:
        try:
            async with self._session().request(method, url, **options) as answer:
                if answer.status != 200:
                    log.warning("Discord answered %s to %s %s", answer.status, method, yarl.URL(url).path)
                    raise LoginFailed(f"Discord answered {answer.status}")
                return await answer.json()
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise LoginFailed(str(exc)) from None

    async def member(self, code: str, redirect_uri: str) -> tuple[int, str, list[int]]:
        """Exchange ``code`` for a token and read the member's id, name and servers with it."""
        token = await self._json("POST", f"{self.api}/oauth2/token", data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            "client_id": str(self.config.client_id), "client_secret": self.config.client_secret})
        if not isinstance(token, dict) or not isinstance(token.get("access_token"), str):
            raise LoginFailed("no access token")
        bearer = {"Authorization": f"Bearer {token['access_token']}"}
        me = await self._json("GET", f"{self.api}/users/@me", headers=bearer)
        guilds = await self._json("GET", f"{self.api}/users/@me/guilds", headers=bearer)
        try:
            name = str(me.get("global_name") or me["username"])
            return int(me["id"]), name, [int(g["id"]) for g in guilds]
        except (KeyError, TypeError, ValueError, AttributeError):
            raise LoginFailed("an answer of an unexpected shape") from None


class Login:
    def __init__(self, oauth: DiscordOAuth, sessions: Sessions, link: BotLink, public_url: str | None) -> None:
        self.oauth = oauth
        self.sessions = sessions
        self.link = link
        self.public_url = public_url

    def redirect_uri(self, request: web.Request) -> str:
        """Where Discord sends the browser back: on the public address when there is one (register
        exactly this in the Developer Portal)."""
        base = self.public_url or f"{request.scheme}://{request.host}"
        return base + CALLBACK

    async def start(self, request: web.Request) -> web.StreamResponse:
        response = see_other("/")  # the address is set below, once the state exists
        state = self.sessions.begin_login(response, safe_next(request.query.get("next")))
        response.headers["Location"] = self.oauth.authorize_url(self.redirect_uri(request), state)
        return response

    async def callback(self, request: web.Request) -> web.StreamResponse:
        probe = web.Response()
        next_path = self.sessions.finish_login(request, probe, request.query.get("state"))
        if next_path is None:
            raise Refused(403, "This login did not start on this site, or took too long (its state does not match): "
                               "nothing was changed. Log in again.")
        if "error" in request.query or not request.query.get("code"):
            raise Refused(403, "The login was cancelled on Discord, so you are not logged in.")
        if not self.link.connected:  # before the code is spent: nobody could be checked
            raise BotAway()
        try:
            user_id, name, guild_ids = await self.oauth.member(request.query["code"], self.redirect_uri(request))
        except LoginFailed as exc:
            log.warning("a dashboard login failed: %s", exc)
            raise Refused(502, "Discord did not complete the login. Try again in a moment.") from None
        response = see_other(next_path)
        for cookie in probe.cookies.values():  # the spent state goes too
            response.cookies[cookie.key] = cookie
        self.sessions.start(response, user_id, name, self.link.shared_servers(guild_ids))
        log.info("user %s logged in to the dashboard", user_id)
        return response

    async def logout(self, request: web.Request) -> web.StreamResponse:
        if await self.sessions.posted(request) is None:
            raise Refused(403, "That logout did not come from this site's own page, so nothing was done.")
        response = see_other("/")
        self.sessions.end(response)
        return response
