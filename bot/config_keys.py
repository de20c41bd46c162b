"""Every configuration key, declared once: its type, its default and the check of its value.

:mod:`bot.config` reads the file and the environment against this table; ``config.example.yaml``
documents the same keys for people.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable
from typing import Any

from msgspec import Struct

from bot.models import FLAGS

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class Key(Struct, frozen=True):
    type: type | tuple[type, ...]
    default: Any
    check: Callable[[Any], str | None] | None = None
    nullable: bool = False


def _positive(value: int) -> str | None:
    return None if value > 0 else "must be greater than 0"


def _non_negative(value: int) -> str | None:
    return None if value >= 0 else "must be 0 or more"


def _cooldown(value: int) -> str | None:
    return None if 0 <= value <= 3600 else "must be a number of seconds from 0 (no cooldown) to 3600"


def _days(value: int) -> str | None:
    return None if 1 <= value <= 36500 else "must be a number of days, at least 1"


def _log_level(value: str) -> str | None:
    return None if value.upper() in LOG_LEVELS else f"must be one of {', '.join(LOG_LEVELS)}"


def _seconds(value: float) -> str | None:
    return None if 0 < value <= 3600 else "must be a number of seconds, more than 0 and at most 3600"


def _snowflake(value: int) -> str | None:
    return None if 0 < value < 2**64 else "must be a Discord id (a positive whole number)"


def _non_empty(value: str) -> str | None:
    return None if value.strip() else "must not be empty"


def _paths(value: list[Any]) -> str | None:
    if all(isinstance(item, str) and item.strip() for item in value):
        return None
    return "must be a list of folder paths (strings)"


def _port(value: int) -> str | None:
    return None if 0 <= value <= 65535 else "must be a TCP port from 0 to 65535 (0: any free port)"


def _web_address(value: str) -> str | None:
    scheme, _, rest = value.partition("://")
    if scheme in ("http", "https") and rest.strip("/") and not any(c.isspace() for c in value):
        return None
    return "must be an http:// or https:// address, like https://banter.example.org"


def _secret(value: str) -> str | None:
    return None if len(value.strip()) >= 32 else "must be at least 32 characters (e.g. from `openssl rand -hex 32`)"
def _shard_ids(value: list[Any]) -> str | None:
    if all(isinstance(item, int) and not isinstance(item, bool) and item >= 0 for item in value):
        return None
    return "must be a list of shard numbers (0 or more), like [0, 1]"


def database_url_problem(value: str) -> str | None:
    scheme, sep, rest = value.partition("://")
    if not sep:
        return None if value.strip() else "must not be empty"  # a plain path to the SQLite file
    if scheme == "sqlite":
        return None if rest.startswith("/") and rest.strip("/") else "must be sqlite:///PATH (three slashes)"
    if scheme in ("postgresql", "postgres"):
        if any(c.isspace() for c in value):
            return "must not contain spaces"
        try:
            urllib.parse.urlsplit(value).port  # noqa: B018 (read to check it)
        except ValueError:
            return "has a port that is not a number from 0 to 65535"
        return None
    return f"must be a file path, sqlite:///PATH or postgresql://..., not a {scheme}:// address"


def _flag_names(value: list[Any]) -> str | None:
    return None if all(item in FLAGS for item in value) else f"must list flags from: {', '.join(FLAGS)}"


SCHEMA: dict[str, Key] = {
    "database.path": Key(str, "banter.db", _non_empty),
    "database.url": Key(str, None, database_url_problem, nullable=True),
    "content.builtin": Key(bool, True),
    "content.paths": Key(list, [], _paths),
    "discord.token": Key(str, None, _non_empty, nullable=True),
    "discord.dev_guild_id": Key(int, None, _snowflake, nullable=True),
    "discord.connect_timeout": Key((int, float), 60, _seconds),
    "discord.shard_count": Key(int, None, _positive, nullable=True),
    "discord.shard_ids": Key(list, None, _shard_ids, nullable=True),
    "logging.level": Key(str, "INFO", _log_level),
    "daily.catch_up_minutes": Key(int, 360, _non_negative),
    "reports.hide_after": Key(int, 3, _positive),
    "suggestions.daily_limit": Key(int, 5, _positive),
    "review.remind_after_hours": Key(int, 24, _positive),
    "cooldowns.joke_seconds": Key(int, 5, _cooldown),
    "cooldowns.mood_seconds": Key(int, 5, _cooldown),
    "cooldowns.exempt_moderators": Key(bool, True),
    "privacy.history_days": Key(int, 180, _days),
    "privacy.reports_days": Key(int, 90, _days),
    "web.enabled": Key(bool, True),
    "web.host": Key(str, "127.0.0.1", _non_empty),
    "web.port": Key(int, 8080, _port),
    "web.public_url": Key(str, None, _web_address, nullable=True),
    "web.allow_flags": Key(list, [], _flag_names),
    # The moderators' dashboard: log in with Discord (OAuth2), sessions in encrypted cookies.
    "web.session_secret": Key(str, None, _secret, nullable=True),
    "web.oauth.client_id": Key(int, None, _snowflake, nullable=True),
    "web.oauth.client_secret": Key(str, None, _non_empty, nullable=True),
    "web.oauth.discord_url": Key(str, "https://discord.com", _web_address),
}
# Secrets that may come from the environment instead of the file (the environment wins).
SECRET_ENV = {"web.session_secret": "BANTER_SESSION_SECRET", "web.oauth.client_secret": "BANTER_OAUTH_CLIENT_SECRET"}
DASHBOARD_KEYS = ("web.oauth.client_id", "web.oauth.client_secret", "web.session_secret")
