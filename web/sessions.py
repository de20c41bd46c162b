"""Who is logged in to the dashboard: sessions in encrypted, signed cookies, their CSRF tokens,
the login's ``state``, and where a login may send the browser back to.

A cookie holds JSON sealed with Fernet (AES-128-CBC and HMAC-SHA256, from ``cryptography``): a
visitor can neither read nor change it, and one older than its lifetime (on the site's clock) is
refused. The key is derived from ``web.session_secret``; changing that secret logs everyone out.
Cookies are ``HttpOnly``, ``SameSite=Lax`` and, when the site's public address is https,
``Secure``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from cryptography.fernet import Fernet, InvalidToken
from msgspec import Struct

SESSION_COOKIE = "banter_session"
LOGIN_COOKIE = "banter_login"
SESSION_AGE = 7 * 24 * 3600  # a week, then log in again
LOGIN_AGE = 10 * 60  # from leaving for Discord to coming back
DEFAULT_NEXT = "/dashboard"
MAX_SERVERS = 50  # servers remembered in a session (a cookie holds about 4 KB)


class Session(Struct, frozen=True):
    user_id: int
    name: str
    csrf: str  # sent back with every form, checked on every change
    servers: tuple[int, ...]  # the member's servers that Banter was in at login (who moderates is asked each visit)

    def csrf_ok(self, sent: object) -> bool:
        return isinstance(sent, str) and hmac.compare_digest(sent.encode(), self.csrf.encode())


def safe_next(value: str | None) -> str:
    """``value`` if it is a path on this site, else the dashboard: a login never sends anyone
    elsewhere (no scheme, no host, no ``//host`` or ``/\\host`` a browser would read as one)."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return DEFAULT_NEXT
    if any(ord(c) < 0x20 or c in "\\\x7f" for c in value) or len(value) > 500:
        return DEFAULT_NEXT
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return DEFAULT_NEXT
    return value


def same_origin(request: web.Request) -> bool:
    """False when the browser says the form was sent from another site (the ``Origin`` header);
    a second lock beside the CSRF token. Only the host is compared: a proxy in front may speak
    https to browsers and http to the site."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc == request.host


class Sessions:
    def __init__(self, secret: str, now: Callable[[], datetime], *, secure: bool) -> None:
        key = hashlib.sha256(b"banter-session-cookie:" + secret.encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(key))
        self._now = now
        self.secure = secure

    def _seconds(self) -> int:
        return int(self._now().timestamp())

    def seal(self, data: dict[str, Any]) -> str:
        return self._fernet.encrypt_at_time(json.dumps(data).encode(), self._seconds()).decode()

    def unseal(self, token: str | None, max_age: int) -> dict[str, Any] | None:
        """The data of a sealed cookie, or None if it is missing, forged, altered or too old."""
        if not token:
            return None
        try:
            raw = self._fernet.decrypt_at_time(token.encode(), max_age, self._seconds())
            data = json.loads(raw)
        except (InvalidToken, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def _cookie(self, response: web.StreamResponse, name: str, value: str, max_age: int, path: str = "/") -> None:
        response.set_cookie(name, value, max_age=max_age, path=path, httponly=True, samesite="Lax",
                            secure=self.secure)

    # --- the session ---------------------------------------------------------------------------

    def read(self, request: web.Request) -> Session | None:
        data = self.unseal(request.cookies.get(SESSION_COOKIE), SESSION_AGE)
        if data is None:
            return None
        try:
            return Session(int(data["uid"]), str(data["name"]), str(data["csrf"]),
                           tuple(int(g) for g in data["servers"]))
        except (KeyError, TypeError, ValueError):
            return None

    def start(self, response: web.StreamResponse, user_id: int, name: str, servers: Sequence[int]) -> Session:
        """A new session (with a new CSRF token) for a member who just logged in."""
        session = Session(user_id, name[:100], secrets.token_urlsafe(32), tuple(servers[:MAX_SERVERS]))
        self._cookie(response, SESSION_COOKIE, self.seal({"uid": str(session.user_id), "name": session.name,
                                                          "csrf": session.csrf,
                                                          "servers": [str(g) for g in session.servers]}),
                     SESSION_AGE)
        return session

    async def posted(self, request: web.Request) -> tuple[Session, dict[str, str]] | None:
        """The session and the form of a POST sent from this site's own page (by its ``Origin``,
        then the session's CSRF token); None if either says otherwise, or nobody is logged in."""
        session = self.read(request)
        if session is None or not same_origin(request):
            return None
        form = {key: value for key, value in (await request.post()).items() if isinstance(value, str)}
        return (session, form) if session.csrf_ok(form.get("csrf")) else None

    def end(self, response: web.StreamResponse) -> None:
        response.del_cookie(SESSION_COOKIE, path="/")

    # --- the login's round trip to Discord -----------------------------------------------------

    def begin_login(self, response: web.StreamResponse, next_path: str) -> str:
        """A fresh ``state`` for the authorize request, remembered (sealed) with where to go after."""
        state = secrets.token_urlsafe(24)
        self._cookie(response, LOGIN_COOKIE, self.seal({"state": state, "next": safe_next(next_path)}), LOGIN_AGE,
                     path="/login")
        return state

    def finish_login(self, request: web.Request, response: web.StreamResponse, state: str | None) -> str | None:
        """Where to go after the login if ``state`` is the one this browser was sent off with,
        else None; the remembered state is spent either way."""
        data = self.unseal(request.cookies.get(LOGIN_COOKIE), LOGIN_AGE)
        response.del_cookie(LOGIN_COOKIE, path="/login")
        if data is None or not state or not isinstance(data.get("state"), str):
            return None
        if not hmac.compare_digest(state.encode(), str(data["state"]).encode()):
            return None
        return safe_next(str(data.get("next", "")))
