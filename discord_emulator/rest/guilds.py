"""Guilds as the bot reads them: the guild, its channels, roles and members."""

from __future__ import annotations

import logging

from .. import payloads as P
from .errors import error
from .resource import Resource
from .routing import Ctx, Reply, Router, ok

log = logging.getLogger(__name__)


class Guilds(Resource):
    def routes(self, router: Router) -> None:
        add = router.add
        add("GET", "/guilds/{guild_id}", self.get_guild)
        add("GET", "/guilds/{guild_id}/channels", self.get_guild_channels)
        add("GET", "/guilds/{guild_id}/roles", self.get_roles)
        add("GET", "/guilds/{guild_id}/members", self.list_members)
        add("GET", "/guilds/{guild_id}/members/{user_id}", self.get_member)

    def get_guild(self, ctx: Ctx) -> Reply:
        return ok(self.payloads.guild(self.guild(ctx)))

    def get_guild_channels(self, ctx: Ctx) -> Reply:
        guild = self.guild(ctx)
        return ok([self.payloads.channel(c) for c in guild.channels.values() if not c.is_thread and not c.deleted])

    def get_roles(self, ctx: Ctx) -> Reply:
        return ok([P.role(r) for r in self.guild(ctx).roles.values()])

    def list_members(self, ctx: Ctx) -> Reply:
        guild = self.guild(ctx)
        limit = max(1, min(1000, int(ctx.query.get("limit", 1))))
        after = int(ctx.query.get("after", 0))
        members = sorted((m for m in guild.members.values() if m.id > after), key=lambda m: m.id)
        return ok([P.member(m) for m in members[:limit]])

    def get_member(self, ctx: Ctx) -> Reply:
        guild = self.guild(ctx)
        found = guild.members.get(ctx.snowflake("user_id"))
        if found is None:
            raise error(10007)
        return ok(P.member(found))
