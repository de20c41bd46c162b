"""The page where a member approves a web site's login: ``/oauth2/authorize``.

Discord shows the member which application asks for what, with Authorize and Cancel. The
emulator's page does the same, with a list to choose which emulated user is signed in (there is
no Discord account to be signed in with). A test can skip the page:
``emu.oauth.approve_as(user)`` approves every request at once as that user.
"""

from __future__ import annotations

import html
import logging
from typing import NoReturn

import yarl
from aiohttp import web

from .oauth import OAuthError
from .world import World

log = logging.getLogger(__name__)

PARAMS = ("client_id", "redirect_uri", "response_type", "scope", "state")

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Discord (emulated): authorize {app}</title>
<link rel="icon" href="data:,"></head>
<body><main>
<h1>{app} wants to access your account</h1>
<p>It asks to: {scopes}.</p>
<form method="post" action="/oauth2/authorize">
{hidden}
<label for="user_id">Signed in as</label>
<select id="user_id" name="user_id">{options}</select>
<button type="submit" name="decision" value="authorize">Authorize</button>
<button type="submit" name="decision" value="cancel">Cancel</button>
</form>
</main></body></html>
"""

SCOPE_WORDS = {"identify": "know your username and avatar", "guilds": "know what servers you are in",
               "email": "know your email address", "guilds.members.read": "read your member info in servers"}


def _error_page(exc: OAuthError) -> web.Response:
    body = (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Invalid OAuth2 request</title>"
            f"</head><body><h1>Invalid OAuth2 request</h1><p>{html.escape(exc.description)}</p></body></html>")
    return web.Response(status=400, text=body, content_type="text/html")


def _back(redirect_uri: str, **params: str) -> NoReturn:
    """Send the browser back to the site (a 302, as Discord does)."""
    raise web.HTTPFound(str(yarl.URL(redirect_uri).update_query(params)))


class AuthorizePage:
    def __init__(self, world: World) -> None:
        self.world = world

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/oauth2/authorize", self.show)
        app.router.add_post("/oauth2/authorize", self.decide)

    async def show(self, request: web.Request) -> web.StreamResponse:
        values = {name: request.query.get(name, "") for name in PARAMS}
        oauth = self.world.oauth
        try:
            scopes = oauth.check_request(values["client_id"], values["redirect_uri"], values["response_type"],
                                         values["scope"])
        except OAuthError as exc:
            return _error_page(exc)
        if oauth.approver is not None:
            self._approved(values, scopes, oauth.approver.id)
        people = sorted((u for u in self.world.users.values() if not u.bot), key=lambda u: u.name)
        options = "".join(f'<option value="{u.id}">{html.escape(u.name)}</option>' for u in people)
        hidden = "\n".join(f'<input type="hidden" name="{name}" value="{html.escape(value)}">'
                           for name, value in values.items())
        words = ", ".join(SCOPE_WORDS.get(s, s) for s in sorted(scopes))
        text = PAGE.format(app=html.escape(self.world.bot_user.name), scopes=html.escape(words), hidden=hidden,
                           options=options)
        return web.Response(text=text, content_type="text/html")

    async def decide(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        values = {name: str(form.get(name, "")) for name in PARAMS}
        try:
            scopes = self.world.oauth.check_request(values["client_id"], values["redirect_uri"],
                                                    values["response_type"], values["scope"])
        except OAuthError as exc:
            return _error_page(exc)
        if form.get("decision") != "authorize":
            _back(values["redirect_uri"], error="access_denied",
                         error_description="The resource owner or authorization server denied the request",
                         state=values["state"])
        raw = str(form.get("user_id", ""))
        if not raw.isdigit() or int(raw) not in self.world.users:
            return _error_page(OAuthError("invalid_request", "Choose who is signed in."))
        self._approved(values, scopes, int(raw))

    def _approved(self, values: dict[str, str], scopes: frozenset[str], user_id: int) -> NoReturn:
        user = self.world.users[user_id]
        code = self.world.oauth.approve(user, values["redirect_uri"], scopes)
        log.info("sandbox: %s approved an OAuth2 login (%s)", user.name, " ".join(sorted(scopes)))
        self.world.changed()
        back = {"code": code}
        if values["state"]:
            back["state"] = values["state"]
        _back(values["redirect_uri"], **back)
