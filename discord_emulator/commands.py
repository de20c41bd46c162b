"""What the Discord client does before an application command reaches the bot.

A user can only run a command that is registered (and visible to them), can only pick a
subcommand that exists, must fill required options, and the client enforces option types,
choices, min/max values and lengths and channel types.  The emulator's ``slash()`` applies the
same rules and raises :class:`InvocationError` with a readable message instead of sending an
interaction Discord would never send.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from typing import Any

from . import payloads as P
from .errors import InvocationError
from .flags import Permissions, permission_names
from .models import AppCommand, Channel, Guild, Member, Role, User
from .payloads import Payloads
from .perms import base_permissions, channel_permissions
from .world import World

log = logging.getLogger(__name__)

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 3, 4, 5, 6, 7, 8, 9, 10, 11
OPTION_TYPE_NAMES = {
    SUB_COMMAND: "subcommand",
    SUB_COMMAND_GROUP: "group",
    STRING: "string",
    INTEGER: "integer",
    BOOLEAN: "boolean",
    USER: "user",
    CHANNEL: "channel",
    ROLE: "role",
    MENTIONABLE: "mentionable",
    NUMBER: "number",
    ATTACHMENT: "attachment",
}
MAX_SAFE_INT = 2**53


@dataclass
class Invocation:
    command: AppCommand
    path: list[str]  # subcommand group / subcommand names after the command name
    leaf_options: list[dict[str, Any]]  # the option definitions of the command or subcommand
    data_options: list[dict[str, Any]] = field(default_factory=list)
    resolved: dict[str, dict[str, Any]] = field(default_factory=dict)


def shown_name(obj: AppCommand | dict[str, Any], locale: str) -> str:
    """The name the Discord client shows a user whose client speaks ``locale``: the command's,
    option's or choice's localized name for it if there is one, else the default name. That is
    also the name the user types; the interaction carries the default name."""
    if isinstance(obj, AppCommand):
        return (obj.name_localizations or {}).get(locale) or obj.name
    return str((obj.get("name_localizations") or {}).get(locale) or obj["name"])


def shown_description(obj: AppCommand | dict[str, Any], locale: str) -> str:
    if isinstance(obj, AppCommand):
        return (obj.description_localizations or {}).get(locale) or obj.description
    return str((obj.get("description_localizations") or {}).get(locale) or obj.get("description") or "")


def visible_commands(world: World, guild: Guild | None, member: Member | None) -> list[AppCommand]:
    """Chat-input commands the user would see in the picker, guild ones first."""
    out: list[AppCommand] = []
    names: set[str] = set()
    candidates = world.commands_in(guild.id) if guild is not None else []
    candidates += world.commands_in(None)
    for cmd in candidates:
        if cmd.type != 1 or cmd.name in names:
            continue
        if guild is None and cmd.contexts is not None and 1 not in cmd.contexts:
            continue
        if guild is not None and cmd.contexts is not None and 0 not in cmd.contexts:
            continue
        if guild is not None and member is not None and not _may_use(guild, member, cmd):
            continue
        names.add(cmd.name)
        out.append(cmd)
    return out


def _may_use(guild: Guild, member: Member, cmd: AppCommand) -> bool:
    if cmd.default_member_permissions is None:
        return True
    needed = int(cmd.default_member_permissions)
    perms = base_permissions(guild, member)
    return bool(perms & Permissions.ADMINISTRATOR) or perms & needed == needed


def find_command(
    world: World, guild: Guild | None, member: Member | None, command: str, locale: str = "en-US"
) -> tuple[AppCommand, list[str], list[dict[str, Any]]]:
    words = command.strip().lstrip("/").split()
    if not words:
        raise InvocationError("empty command name")
    name, rest = words[0], words[1:]
    registered = {shown_name(c, locale): c for c in visible_commands(world, guild, None)}
    cmd = registered.get(name)
    if cmd is None:
        known = ", ".join(f"/{n}" for n in sorted(registered)) or "none registered - did the bot sync its tree?"
        raise InvocationError(f"unknown command /{name} (registered here: {known})")
    if guild is not None and member is not None and not _may_use(guild, member, cmd):
        raise InvocationError(
            f"{member.name} cannot use /{name}: it needs the {permission_names(cmd.default_member_permissions)} "
            "permission"
        )
    options = cmd.options
    path: list[str] = []
    subs = [o for o in options if o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP)]
    while subs:
        if not rest:
            names = ", ".join(shown_name(o, locale) for o in subs)
            raise InvocationError(f"/{' '.join([name, *path])} needs a subcommand: one of {names}")
        word = rest.pop(0)
        match = next((o for o in subs if shown_name(o, locale) == word), None)
        if match is None:
            names = ", ".join(shown_name(o, locale) for o in subs)
            raise InvocationError(f"/{' '.join([name, *path])} has no subcommand {word!r} (one of {names})")
        path.append(match["name"])
        options = match.get("options") or []
        subs = [o for o in options if o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP)]
    if rest:
        raise InvocationError(f"/{' '.join([name, *path])} has no subcommand {rest[0]!r}")
    return cmd, path, options


def build_invocation(
    world: World,
    payloads: Payloads,
    guild: Guild | None,
    member: Member | None,
    channel: Channel,
    command: str,
    values: dict[str, Any],
    *,
    focused: str | None = None,
    locale: str = "en-US",
) -> Invocation:
    """Check ``values`` against the registered definitions and build ``data.options``/``resolved``.
    The command, subcommand and option names are those the client shows in ``locale``."""
    cmd, path, defs = find_command(world, guild, member, command, locale)
    inv = Invocation(command=cmd, path=path, leaf_options=defs)
    by_name = {shown_name(d, locale): d for d in defs}
    qualified = "/" + " ".join([cmd.name, *path])
    unknown = [k for k in values if k not in by_name]
    if unknown:
        known = ", ".join(by_name) or "no options"
        raise InvocationError(f"{qualified} has no option {unknown[0]!r} (it has: {known})")
    if focused is not None:
        fdef = by_name.get(focused)
        if fdef is None:
            raise InvocationError(f"{qualified} has no option {focused!r} to autocomplete")
        if not fdef.get("autocomplete"):
            raise InvocationError(f"{qualified} option {focused!r} does not use autocomplete")
    else:
        missing = [shown for shown, d in by_name.items() if d.get("required") and shown not in values]
        if missing:
            raise InvocationError(f"{qualified} is missing required option(s): {', '.join(missing)}")
    options: list[dict[str, Any]] = []
    for shown, d in by_name.items():  # Discord sends options in definition order, by their default names
        name = d["name"]
        if shown not in values:
            continue
        if shown == focused:
            # While typing, the client sends the raw partial text, unchecked.
            options.append({"name": name, "type": d["type"], "value": str(values[shown]), "focused": True})
            continue
        partial = focused is not None
        value = _convert(world, payloads, guild, channel, qualified, d, values[shown], inv.resolved, partial=partial,
                         locale=locale)
        options.append({"name": name, "type": d["type"], "value": value})
    for word in reversed(path):
        kind = SUB_COMMAND if word == path[-1] else SUB_COMMAND_GROUP
        options = [{"name": word, "type": kind, "options": options}]
    inv.data_options = options
    return inv


def _convert(
    world: World,
    payloads: Payloads,
    guild: Guild | None,
    channel: Channel,
    qualified: str,
    d: dict[str, Any],
    raw: Any,
    resolved: dict[str, dict[str, Any]],
    *,
    partial: bool,
    locale: str = "en-US",
) -> Any:
    kind, name = d["type"], d["name"]
    where = f"{qualified} option {name!r}"
    choices = d.get("choices") or []
    if kind in (STRING, INTEGER, NUMBER):
        value = _scalar(kind, raw, where)
        if choices:
            value = _pick_choice(choices, value, raw, where, locale)
        if kind == STRING:
            if "min_length" in d and d["min_length"] is not None and len(value) < d["min_length"]:
                raise InvocationError(f"{where} must be at least {d['min_length']} characters")
            if "max_length" in d and d["max_length"] is not None and len(value) > d["max_length"]:
                raise InvocationError(f"{where} must be at most {d['max_length']} characters")
            if len(value) > 6000:
                raise InvocationError(f"{where} is longer than Discord allows")
        else:
            low, high = d.get("min_value"), d.get("max_value")
            if low is not None and value < low:
                raise InvocationError(f"{where} must be at least {low} (got {value})")
            if high is not None and value > high:
                raise InvocationError(f"{where} must be at most {high} (got {value})")
        return value
    if kind == BOOLEAN:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("true", "yes", "1", "on"):
            return True
        if text in ("false", "no", "0", "off"):
            return False
        raise InvocationError(f"{where} must be true or false (got {raw!r})")
    if kind in (USER, MENTIONABLE):
        target = _resolve_user(world, guild, raw)
        if target is not None:
            _add_user(guild, channel, target, resolved)
            return str(target.id)
        if kind == MENTIONABLE:
            found_role = _resolve_role(guild, raw)
            if found_role is not None:
                resolved.setdefault("roles", {})[str(found_role.id)] = P.role(found_role)
                return str(found_role.id)
        raise InvocationError(f"{where}: no such user{' or role' if kind == MENTIONABLE else ''} {raw!r}")
    if kind == ROLE:
        found_role = _resolve_role(guild, raw)
        if found_role is None:
            raise InvocationError(f"{where}: no such role {raw!r}")
        resolved.setdefault("roles", {})[str(found_role.id)] = P.role(found_role)
        return str(found_role.id)
    if kind == CHANNEL:
        target_ch = _resolve_channel(world, guild, raw)
        if target_ch is None:
            raise InvocationError(f"{where}: no such channel {raw!r}")
        allowed = d.get("channel_types")
        if allowed and target_ch.type not in allowed:
            raise InvocationError(f"{where}: channel #{target_ch.name} has type {target_ch.type}, allowed {allowed}")
        _add_channel(world, payloads, guild, target_ch, resolved)
        return str(target_ch.id)
    if kind == ATTACHMENT:
        att_id = world.snowflakes.next()
        filename = raw.get("filename", "file.txt") if isinstance(raw, dict) else str(raw)
        size = len(raw.get("content", b"")) if isinstance(raw, dict) else 0
        resolved.setdefault("attachments", {})[str(att_id)] = {
            "id": str(att_id),
            "filename": filename,
            "size": size,
            "url": f"{world.settings.url}/attachments/{att_id}/{filename}",
            "proxy_url": f"{world.settings.url}/attachments/{att_id}/{filename}",
        }
        return str(att_id)
    raise InvocationError(f"{where}: option type {kind} is not supported by the sandbox")


def _scalar(kind: int, raw: Any, where: str) -> Any:
    if kind == STRING:
        return raw if isinstance(raw, str) else str(raw)
    if isinstance(raw, bool):
        raise InvocationError(f"{where} must be a {OPTION_TYPE_NAMES[kind]}, not a boolean")
    try:
        if kind == INTEGER:
            if isinstance(raw, float) and not raw.is_integer():
                raise ValueError
            value: int | float = int(raw) if not isinstance(raw, str) else int(raw.strip())
            if abs(value) > MAX_SAFE_INT:
                raise InvocationError(f"{where} is outside Discord's integer range")
            return value
        value = float(raw)
    except (TypeError, ValueError):
        raise InvocationError(f"{where} must be a {OPTION_TYPE_NAMES[kind]} (got {raw!r})") from None
    if math.isnan(value) or math.isinf(value):
        raise InvocationError(f"{where} must be a finite number")
    return value


def _pick_choice(choices: list[dict[str, Any]], value: Any, raw: Any, where: str, locale: str) -> Any:
    for choice in choices:
        if choice["value"] == value:
            return choice["value"]
    # The picker shows names; accept the name a person would click on.
    for choice in choices:
        if isinstance(raw, str) and raw.lower() in (choice["name"].lower(), shown_name(choice, locale).lower()):
            return choice["value"]
    listed = ", ".join(f"{c['name']}={c['value']!r}" for c in choices)
    raise InvocationError(f"{where}: {raw!r} is not one of the choices ({listed})")


def _resolve_user(world: World, guild: Guild | None, raw: Any) -> User | None:
    if isinstance(raw, Member):
        return raw.user
    if isinstance(raw, User):
        return raw
    text = str(raw).strip()
    if text.startswith("<@") and text.endswith(">"):
        text = text.strip("<@!>")
    if text.isdigit():
        return world.users.get(int(text))
    text = text.lstrip("@")
    if guild is not None:
        named = guild.member_named(text)
        if named is not None:
            return named.user
    return world.user_named(text)


def _resolve_role(guild: Guild | None, raw: Any) -> Role | None:
    if guild is None:
        return None
    if isinstance(raw, Role):
        return raw if raw.guild_id == guild.id else None
    text = str(raw).strip()
    if text.startswith("<@&") and text.endswith(">"):
        text = text[3:-1]
    if text.isdigit():
        return guild.roles.get(int(text))
    return guild.role_named(text.lstrip("@"))


def _resolve_channel(world: World, guild: Guild | None, raw: Any) -> Channel | None:
    if isinstance(raw, Channel):
        return raw if not raw.deleted else None
    text = str(raw).strip()
    if text.startswith("<#") and text.endswith(">"):
        text = text[2:-1]
    if text.isdigit():
        ch = world.channels.get(int(text))
        return ch if ch is not None and not ch.deleted else None
    if guild is None:
        return None
    return guild.channel_named(text.lstrip("#"))


def _add_user(guild: Guild | None, channel: Channel, target: User, resolved: dict[str, dict[str, Any]]) -> None:
    resolved.setdefault("users", {})[str(target.id)] = P.user(target)
    found = guild.members.get(target.id) if guild is not None else None
    if guild is not None and found is not None:
        data = P.member(found, with_user=False)
        data["permissions"] = str(channel_permissions(guild, found, channel))
        resolved.setdefault("members", {})[str(target.id)] = data


def _add_channel(
    world: World, payloads: Payloads, guild: Guild | None, ch: Channel, resolved: dict[str, dict[str, Any]]
) -> None:
    data: dict[str, Any] = {"id": str(ch.id), "name": ch.name, "type": ch.type}
    bot_member = guild.members.get(world.bot_user.id) if guild is not None else None
    if guild is not None and bot_member is not None:
        data["permissions"] = str(channel_permissions(guild, bot_member, ch))
    if ch.parent_id:
        data["parent_id"] = str(ch.parent_id)
    if ch.is_thread:
        data["thread_metadata"] = payloads.thread(ch)["thread_metadata"]
    resolved.setdefault("channels", {})[str(ch.id)] = data


def describe_options(options: list[dict[str, Any]]) -> str:
    """``feeling:<string, autocomplete> [intensity:<integer 1..5>]`` for help text."""
    parts = []
    for opt in options:
        if opt.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP):
            continue
        kind = OPTION_TYPE_NAMES.get(opt.get("type", 0), "?")
        extra = []
        if opt.get("choices"):
            extra.append("|".join(str(c["name"]) for c in opt["choices"]))
        if opt.get("autocomplete"):
            extra.append("autocomplete")
        if opt.get("min_value") is not None or opt.get("max_value") is not None:
            extra.append(f"{opt.get('min_value', '')}..{opt.get('max_value', '')}")
        text = f"{opt['name']}:<{kind}{', ' + ', '.join(extra) if extra else ''}>"
        parts.append(text if opt.get("required") else f"[{text}]")
    return " ".join(parts)
