"""What every dashboard page shares: who is visiting, whether they moderate the server at this
moment (asked of the bot), the CSRF check on every change, and how the services' sentences read
on the web.

The order of checks on a change is fixed: a session, then its CSRF token, then the member as the
bot finds them in the server now; only then is a service called, and the service checks the
moderator again itself. A visitor who fails any of these sees one sentence and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from urllib.parse import quote

from aiohttp import web
from msgspec import Struct

from bot.config import DashboardConfig
from bot.errors import Code, Mention, UserError
from bot.members import FORMER_MEMBER
from bot.records import ActionRecord
from bot.services.bot_link import BotLink, ServerView
from bot.services.daily import DailyService
from bot.services.moderation import Actor, ModerationService
from bot.services.moderation.wording import describe
from web.sessions import Session, Sessions
from web.shared import Refused

NOT_YOURS = "You are not a moderator of that server (or Banter is not in it), so there is nothing for you here."
BAD_CSRF = ("That form did not come from this site's own page (or it is from an older login), so nothing was "
            "changed. Reload the page and try again.")
MAX_FORM = 64 * 1024  # a form's body at most; content forms are far smaller
Show = Callable[[object], str]


class DashboardParts(Struct, frozen=True):
    """The services the dashboard calls: the same ones the slash commands use."""

    moderation: ModerationService
    daily: DailyService
    link: BotLink
    config: DashboardConfig | None  # None: not configured, the dashboard is off
    languages: frozenset[str] = frozenset({"en"})  # what the library has content in (for the settings form)


class Visit(Struct, frozen=True):
    """A moderator on one of their servers' pages, as checked just now."""

    session: Session
    server: ServerView
    actor: Actor

    @property
    def guild_id(self) -> int:
        return self.server.id


def show_for(server: ServerView | None) -> Show:
    """How a service's values read on the web: their plain words (``str``), but channels and roles
    by the names the bot knows, code without quotes, and no markup."""

    def show(value: object) -> str:
        if isinstance(value, Code):
            return value.text
        if isinstance(value, Mention):
            if value.kind == "user" and value.id == FORMER_MEMBER:
                return "a former member"
            if value.kind == "channel" and server is not None and (name := server.channel_name(value.id)):
                return f"#{name}"
            if value.kind == "role" and server is not None and (name := server.role_name(value.id)):
                return f"@{name}"
        return str(value)

    return show


def error_text(error: UserError, server: ServerView | None = None) -> str:
    return error.render(show_for(server))


def action_text(record: ActionRecord, server: ServerView | None = None) -> str:
    who = f"user {record.actor_id}" if record.actor_id is not None else "Banter (automatic)"
    return f"{who} {describe(record, show_for(server))}"


class Gate:
    def __init__(self, parts: DashboardParts, sessions: Sessions) -> None:
        self.parts = parts
        self.sessions = sessions

    def session(self, request: web.Request) -> Session | None:
        return self.sessions.read(request)

    async def page(self, request: web.Request) -> Visit:
        """A moderator's page: the visitor as :meth:`visit` finds them; one not logged in is sent
        to log in first, and back here after."""
        session = self.sessions.read(request)
        if session is None:
            raise web.HTTPSeeOther(f"/login?next={quote(request.path_qs, safe='/?=&')}")
        return await self.visit(request, session)

    async def visit(self, request: web.Request, session: Session) -> Visit:
        """The visitor as a moderator of the server in the address, checked through the bot now."""
        guild_id = int(request.match_info["guild"])
        link = self.parts.link
        actor = await link.moderator(guild_id, session.user_id)  # BotAway with no bot attached
        server = await link.server(guild_id) if actor is not None else None
        if actor is None or server is None:
            raise Refused(403, NOT_YOURS)
        return Visit(session, server, actor)

    async def change(self, request: web.Request) -> tuple[Visit, Mapping[str, str]]:
        """A state-changing request: a session, its CSRF token, then the moderator; and the form."""
        if request.content_length is not None and request.content_length > MAX_FORM:
            raise Refused(413, "That form is too large.")
        posted = await self.sessions.posted(request)
        if posted is None:
            raise Refused(403, BAD_CSRF)
        session, form = posted
        return await self.visit(request, session), form
