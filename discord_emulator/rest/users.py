"""Who the bot is and where to connect: gateway info, users, the application, DMs."""

from __future__ import annotations

import logging
from typing import Any

from .. import payloads as P
from ..models import User
from ..oauth import Grant
from ..perms import channel_permissions
from .errors import error, single_form_error
from .resource import Resource
from .routing import Ctx, Reply, Router, ok

log = logging.getLogger(__name__)


class Users(Resource):
    def routes(self, router: Router) -> None:
        add = router.add
        add("GET", "/gateway", self.get_gateway, auth=False)
        add("GET", "/gateway/bot", self.get_gateway_bot)
        add("GET", "/users/@me", self.get_me, bearer=True)
        add("GET", "/oauth2/applications/@me", self.get_application)
        add("GET", "/applications/@me", self.get_application)
        add("GET", "/users/@me/guilds", self.get_my_guilds, bearer=True)
        add("GET", "/users/{user_id}", self.get_user)
        add("POST", "/users/@me/channels", self.create_dm)

    def get_gateway(self, ctx: Ctx) -> Reply:
        return ok({"url": self.world.settings.gateway_url})

    def get_gateway_bot(self, ctx: Ctx) -> Reply:
        world = self.world
        total = world.settings.session_start_total
        limits = {
            "total": total,
            "remaining": max(0, total - world.session_starts),
            "reset_after": 24 * 3600 * 1000,  # milliseconds; the emulator never resets the count
            "max_concurrency": world.settings.max_concurrency,
        }
        return ok({"url": world.settings.gateway_url, "shards": world.recommended_shards(),
                   "session_start_limit": limits})

    def _grant(self, ctx: Ctx, scope: str) -> Grant | None:
        """The member's grant when a Bearer token calls (None for the bot); 403 without ``scope``."""
        grant = self.world.oauth.bearer(ctx.authorization)
        if grant is not None and scope not in grant.scopes:
            raise error(50001)
        return grant

    def get_me(self, ctx: Ctx) -> Reply:
        grant = self._grant(ctx, "identify")
        return ok(P.user_pii(grant.user if grant is not None else self.world.bot_user))

    def get_application(self, ctx: Ctx) -> Reply:
        return ok(self.payloads.application())

    def get_my_guilds(self, ctx: Ctx) -> Reply:
        grant = self._grant(ctx, "guilds")
        if grant is not None:
            return ok(self._member_guilds(grant.user))
        out: list[dict[str, Any]] = [
            {
                "id": str(g.id),
                "name": g.name,
                "icon": None,
                "banner": None,
                "owner": False,
                "permissions": str(channel_permissions(g, g.members[self.world.bot_user.id], None)),
                "features": [],
            }
            for g in self.world.guilds.values()
        ]
        return ok(out)

    def _member_guilds(self, user: User) -> list[dict[str, Any]]:
        """The guilds ``user`` is in, with their own permissions there, as a member's token sees them."""
        return [
            {
                "id": str(g.id),
                "name": g.name,
                "icon": None,
                "banner": None,
                "owner": g.owner_id == user.id,
                "permissions": str(channel_permissions(g, g.members[user.id], None)),
                "features": [],
            }
            for g in self.world.guilds.values()
            if user.id in g.members
        ]

    def get_user(self, ctx: Ctx) -> Reply:
        found = self.world.users.get(ctx.snowflake("user_id"))
        if found is None:
            raise error(10013)
        return ok(P.user(found))

    def create_dm(self, ctx: Ctx) -> Reply:
        body = ctx.json_object()
        raw = body.get("recipient_id")
        if raw is None:
            raise single_form_error(("recipient_id",), "BASE_TYPE_REQUIRED", "This field is required")
        target = self.world.users.get(int(raw)) if str(raw).isdigit() else None
        if target is None:
            raise error(10013)
        # Discord creates the channel even when the user has DMs closed; sending then fails (50007).
        return ok(self.payloads.channel(self.events.dm_channel(target)))
