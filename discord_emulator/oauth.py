"""Discord's OAuth2 for people (not the bot): the application's client secret and redirect
addresses, the codes an approval hands out and the Bearer tokens they are exchanged for.

The authorization-code grant, as a web site logging members in uses it:

1. the site sends the browser to ``/oauth2/authorize?client_id=&redirect_uri=&response_type=code
   &scope=identify guilds&state=``;
2. the member approves (the emulator's page, or the test hook :meth:`OAuth.approve_as`) and the
   browser comes back to ``redirect_uri?code=&state=``;
3. the site sends ``POST /api/v10/oauth2/token`` with the code, the same ``redirect_uri`` and its
   client id and secret, and gets an access token;
4. with ``Authorization: Bearer <token>`` it reads ``/users/@me`` (scope ``identify``) and
   ``/users/@me/guilds`` (scope ``guilds``).

A code works once, for ten minutes, for the client and redirect address it was made for; a
token for a week (on the emulator's clock). Nothing here touches the network.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from .models import User

CODE_LIFETIME = 10 * 60.0
TOKEN_LIFETIME = 7 * 24 * 3600.0
# The scopes the emulator grants; others are refused at the authorize step (invalid_scope).
KNOWN_SCOPES = frozenset({"identify", "guilds", "email", "guilds.members.read"})


class OAuthError(Exception):
    """An OAuth2 error as Discord names it (``invalid_grant``, ``invalid_client``, ...)."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = status

    def body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


@dataclass(frozen=True)
class Grant:
    """What a member approved (of the emulator's one application): who, for which redirect
    address, with which scopes, until when."""

    user: User
    redirect_uri: str
    scopes: frozenset[str]
    expires_at: float


@dataclass
class OAuth:
    """The application's OAuth2 side: its secret, where it may send people back, what was granted."""

    client_id: int
    now: Callable[[], float]
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    redirect_uris: list[str] = field(default_factory=list)
    approver: User | None = None  # the test hook: who approves every authorization at once
    codes: dict[str, Grant] = field(default_factory=dict)
    tokens: dict[str, Grant] = field(default_factory=dict)

    # -- set-up and test hooks ------------------------------------------------------------------

    def allow_redirect(self, uri: str) -> None:
        """Register a redirect address, as the Developer Portal's OAuth2 page does."""
        if uri not in self.redirect_uris:
            self.redirect_uris.append(uri)

    def approve_as(self, user: User | None) -> None:
        """Every authorization from now on is approved at once by ``user`` (None: show the page)."""
        self.approver = user

    # -- the steps ------------------------------------------------------------------------------

    def check_request(self, client_id: str, redirect_uri: str, response_type: str, scope: str) -> frozenset[str]:
        """The scopes of a valid authorization request; :class:`OAuthError` otherwise."""
        if client_id != str(self.client_id):
            raise OAuthError("invalid_client", "Unknown client_id.")
        if redirect_uri not in self.redirect_uris:
            raise OAuthError("invalid_request", "Invalid redirect_uri: it is not registered for this application.")
        if response_type != "code":
            raise OAuthError("unsupported_response_type", "Only response_type=code is supported.")
        scopes = frozenset(scope.split())
        if not scopes or scopes - KNOWN_SCOPES:
            raise OAuthError("invalid_scope", f"Invalid scope: {scope[:100]!r}.")
        return scopes

    def approve(self, user: User, redirect_uri: str, scopes: frozenset[str]) -> str:
        """``user`` approved: a one-time code for the site to exchange."""
        code = secrets.token_urlsafe(20)
        self.codes[code] = Grant(user, redirect_uri, scopes, self.now() + CODE_LIFETIME)
        return code

    def check_client(self, client_id: str | None, client_secret: str | None) -> None:
        if client_id != str(self.client_id) or client_secret is None \
                or not secrets.compare_digest(client_secret, self.client_secret):
            raise OAuthError("invalid_client", "Client authentication failed.", 401)

    def exchange(self, code: str, redirect_uri: str) -> tuple[str, Grant]:
        """Spend a code (once) for an access token."""
        grant = self.codes.pop(code, None)
        if grant is None or grant.expires_at <= self.now():
            raise OAuthError("invalid_grant", 'Invalid "code" in request.')
        if grant.redirect_uri != redirect_uri:
            raise OAuthError("invalid_grant", 'Invalid "redirect_uri" in request.')
        token = secrets.token_urlsafe(24)
        granted = replace(grant, expires_at=self.now() + TOKEN_LIFETIME)
        self.tokens[token] = granted
        return token, granted

    def bearer(self, authorization: str | None) -> Grant | None:
        """The grant behind an ``Authorization: Bearer`` header, if it is a live token."""
        if authorization is None or not authorization.startswith("Bearer "):
            return None
        grant = self.tokens.get(authorization.removeprefix("Bearer ").strip())
        if grant is None or grant.expires_at <= self.now():
            return None
        return grant
