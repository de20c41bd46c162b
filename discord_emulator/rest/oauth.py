"""``POST /oauth2/token``: a web site exchanges a member's authorization code for a Bearer token.

Not in Discord's OpenAPI document, so its answers are not checked against it; the shape follows
Discord's OAuth2 documentation (RFC 6749's authorization-code grant). The client authenticates
with HTTP Basic or with ``client_id`` and ``client_secret`` in the form.
"""

from __future__ import annotations

import base64
import binascii
import logging

from ..oauth import TOKEN_LIFETIME, OAuthError
from .resource import Resource
from .routing import Ctx, Reply, Router

log = logging.getLogger(__name__)


def _basic(authorization: str | None) -> tuple[str | None, str | None]:
    """The client id and secret of an ``Authorization: Basic`` header, if there is one."""
    if authorization is None or not authorization.startswith("Basic "):
        return None, None
    try:
        decoded = base64.b64decode(authorization.removeprefix("Basic ").strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    client_id, _, secret = decoded.partition(":")
    return client_id, secret


class OAuth2(Resource):
    def routes(self, router: Router) -> None:
        router.add("POST", "/oauth2/token", self.token, auth=False, in_spec=False)

    def token(self, ctx: Ctx) -> Reply:
        form = ctx.body if isinstance(ctx.body, dict) else {}
        oauth = self.world.oauth
        try:
            client_id, secret = _basic(ctx.authorization)
            if client_id is None:
                client_id, secret = form.get("client_id"), form.get("client_secret")
            oauth.check_client(client_id, secret)
            if form.get("grant_type") != "authorization_code":
                raise OAuthError("unsupported_grant_type", "Only grant_type=authorization_code is supported.")
            code, redirect_uri = form.get("code"), form.get("redirect_uri")
            if not code or not redirect_uri:
                raise OAuthError("invalid_request", "code and redirect_uri are required.")
            token, grant = oauth.exchange(str(code), str(redirect_uri))
        except OAuthError as exc:
            log.info("sandbox: OAuth2 token refused: %s", exc)
            return exc.status, exc.body()
        return 200, {"access_token": token, "token_type": "Bearer", "expires_in": int(TOKEN_LIFETIME),
                     "refresh_token": f"refresh-{token}", "scope": " ".join(sorted(grant.scopes))}
