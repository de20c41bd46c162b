"""Application commands, global and per guild: list, bulk overwrite, create, edit, delete."""

from __future__ import annotations

import logging
from typing import Any

from .. import validation as V
from ..models import AppCommand
from .errors import error, form_error, single_form_error
from .resource import Resource
from .routing import Ctx, Reply, Router, no_content, ok

log = logging.getLogger(__name__)


class Commands(Resource):
    def routes(self, router: Router) -> None:
        for base in ("/applications/{application_id}", "/applications/{application_id}/guilds/{guild_id}"):
            router.add("GET", f"{base}/commands", self.list_commands)
            router.add("PUT", f"{base}/commands", self.overwrite_commands)
            router.add("POST", f"{base}/commands", self.create_command)
            router.add("GET", f"{base}/commands/{{command_id}}", self.get_command)
            router.add("PATCH", f"{base}/commands/{{command_id}}", self.edit_command)
            router.add("DELETE", f"{base}/commands/{{command_id}}", self.delete_command)

    def _command_scope(self, ctx: Ctx) -> int | None:
        if ctx.snowflake("application_id") != self.world.application_id:
            raise error(50001)
        if "guild_id" not in ctx.params:
            return None
        return self.guild(ctx).id

    def _scoped(self, guild_id: int | None) -> list[AppCommand]:
        return [c for c in self.world.commands.values() if c.guild_id == guild_id]

    def _command_from(self, body: dict[str, Any], guild_id: int | None, existing: AppCommand | None) -> AppCommand:
        contexts = body.get("contexts")
        if contexts is None and body.get("dm_permission") is False:
            contexts = [0]
        dmp = body.get("default_member_permissions")
        cmd = existing or AppCommand(
            id=self.world.snowflakes.next(), application_id=self.world.application_id, name=body["name"]
        )
        cmd.name = body["name"]
        cmd.type = int(body.get("type") or 1)
        cmd.description = body.get("description") or ""
        cmd.options = _strip_nulls(body.get("options") or [])
        cmd.guild_id = guild_id
        cmd.default_member_permissions = None if dmp is None else str(dmp)
        cmd.contexts = contexts
        cmd.integration_types = body.get("integration_types") or [0]
        cmd.nsfw = bool(body.get("nsfw"))
        cmd.name_localizations = body.get("name_localizations")
        cmd.description_localizations = body.get("description_localizations")
        cmd.version = self.world.snowflakes.next()
        return cmd

    def list_commands(self, ctx: Ctx) -> Reply:
        scope = self._command_scope(ctx)
        return ok([self.payloads.command(c) for c in self._scoped(scope)])

    def overwrite_commands(self, ctx: Ctx) -> Reply:
        scope = self._command_scope(ctx)
        body = ctx.body if isinstance(ctx.body, list) else None
        if body is None:
            raise single_form_error((), "BASE_TYPE_ARRAY", "Must be an array.")
        errors = V.FormErrors()
        seen: set[tuple[str, int]] = set()
        for i, cmd in enumerate(body):
            V.check_command(cmd, errors, (i,))
            if isinstance(cmd, dict):
                key = (str(cmd.get("name")), int(cmd.get("type") or 1))
                if key in seen:
                    errors.add(
                        (i, "name"),
                        "APPLICATION_COMMANDS_DUPLICATE_NAME",
                        f"Application command names must be unique ({key[0]})",
                    )
                seen.add(key)
        if sum(1 for c in body if isinstance(c, dict) and int(c.get("type") or 1) == 1) > 100:
            errors.too_long((), 100)
        if errors:
            log.info("sandbox: rejecting command overwrite: %s", errors.summary())
            raise form_error(errors)
        current = {(c.name, c.type): c for c in self._scoped(scope)}
        result: list[AppCommand] = []
        for cmd_body in body:
            key = (cmd_body["name"], int(cmd_body.get("type") or 1))
            result.append(self._command_from(cmd_body, scope, current.pop(key, None)))
        for stale in current.values():
            del self.world.commands[stale.id]
        for cmd in result:
            self.world.commands[cmd.id] = cmd
        log.info("sandbox: %d command(s) registered %s", len(result), f"in guild {scope}" if scope else "globally")
        self.world.changed()
        return ok([self.payloads.command(c) for c in result])

    def create_command(self, ctx: Ctx) -> Reply:
        scope = self._command_scope(ctx)
        body = ctx.json_object()
        errors = V.FormErrors()
        V.check_command(body, errors, ())
        if errors:
            raise form_error(errors)
        key = (body["name"], int(body.get("type") or 1))
        existing = next((c for c in self._scoped(scope) if (c.name, c.type) == key), None)
        cmd = self._command_from(body, scope, existing)
        self.world.commands[cmd.id] = cmd
        self.world.changed()
        return ok(self.payloads.command(cmd), 200 if existing else 201)

    def _command(self, ctx: Ctx) -> AppCommand:
        scope = self._command_scope(ctx)
        cmd = self.world.commands.get(ctx.snowflake("command_id"))
        if cmd is None or cmd.guild_id != scope:
            raise error(10063)
        return cmd

    def get_command(self, ctx: Ctx) -> Reply:
        return ok(self.payloads.command(self._command(ctx)))

    def edit_command(self, ctx: Ctx) -> Reply:
        cmd = self._command(ctx)
        merged = self.payloads.command(cmd)
        merged.update(ctx.json_object())
        errors = V.FormErrors()
        V.check_command(merged, errors, ())
        if errors:
            raise form_error(errors)
        self._command_from(merged, cmd.guild_id, cmd)
        self.world.changed()
        return ok(self.payloads.command(cmd))

    def delete_command(self, ctx: Ctx) -> Reply:
        cmd = self._command(ctx)
        del self.world.commands[cmd.id]
        self.world.changed()
        return no_content()


def _strip_nulls(value: Any) -> Any:
    """Commands are stored as Discord echoes them: keys with null values are left out."""
    if isinstance(value, dict):
        return {k: _strip_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_strip_nulls(v) for v in value]
    return value
