"""Configuration: embedded defaults, then an optional YAML file, then the environment.

Every key is declared once in ``SCHEMA`` with its type, default and check, so that
unknown keys, wrong types and bad values stop start-up with one line naming the key.
``config.example.yaml`` documents the same keys for people.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.errors import ConfigError
from bot.models import FLAGS

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


@dataclass(frozen=True)
class Key:
    type: type | tuple[type, ...]
    default: Any
    check: Callable[[Any], str | None] | None = None
    nullable: bool = False


def _positive(value: int) -> str | None:
    return None if value > 0 else "must be greater than 0"


def _non_negative(value: int) -> str | None:
    return None if value >= 0 else "must be 0 or more"


def _log_level(value: str) -> str | None:
    return None if value.upper() in LOG_LEVELS else f"must be one of {', '.join(LOG_LEVELS)}"


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


def _flag_names(value: list[Any]) -> str | None:
    return None if all(item in FLAGS for item in value) else f"must list flags from: {', '.join(FLAGS)}"


SCHEMA: dict[str, Key] = {
    "database.path": Key(str, "banter.db", _non_empty),
    "content.builtin": Key(bool, True),
    "content.paths": Key(list, [], _paths),
    "discord.token": Key(str, None, _non_empty, nullable=True),
    "discord.dev_guild_id": Key(int, None, _snowflake, nullable=True),
    "logging.level": Key(str, "INFO", _log_level),
    "daily.catch_up_minutes": Key(int, 360, _non_negative),
    "reports.hide_after": Key(int, 3, _positive),
    "suggestions.daily_limit": Key(int, 5, _positive),
    "web.enabled": Key(bool, True),
    "web.host": Key(str, "127.0.0.1", _non_empty),
    "web.port": Key(int, 8080, _port),
    "web.public_url": Key(str, None, _web_address, nullable=True),
    "web.allow_flags": Key(list, [], _flag_names),
}


@dataclass(frozen=True)
class WebConfig:
    """The public web site (``web.*``)."""

    enabled: bool
    host: str
    port: int
    public_url: str | None  # where visitors reach the site, without a trailing slash
    allow_flags: frozenset[str]


@dataclass(frozen=True)
class Config:
    database_path: Path
    content_builtin: bool
    content_paths: tuple[Path, ...]
    token: str | None
    dev_guild_id: int | None
    log_level: str
    daily_catch_up_minutes: int
    reports_hide_after: int
    suggestions_daily_limit: int
    web: WebConfig
    source: str = "defaults"


def _type_name(expected: type | tuple[type, ...]) -> str:
    names = {bool: "true or false", int: "a whole number", str: "a string", list: "a list"}
    if isinstance(expected, tuple):
        return " or ".join(names.get(t, t.__name__) for t in expected)
    return names.get(expected, expected.__name__)


def _flatten(data: Mapping[str, Any], path: Path) -> dict[str, Any]:
    """Turn ``{section: {key: value}}`` into ``{"section.key": value}``, refusing unknown names."""
    sections = {key.split(".")[0] for key in SCHEMA}
    flat: dict[str, Any] = {}
    for section, body in data.items():
        if section not in sections:
            raise ConfigError(f"config: unknown key {section} in {path} (see config.example.yaml)")
        if body is None:
            continue
        if not isinstance(body, Mapping):
            raise ConfigError(f"config: {section} must be a section of keys, not {body!r}")
        for name, value in body.items():
            key = f"{section}.{name}"
            if key not in SCHEMA:
                raise ConfigError(f"config: unknown key {key} in {path} (see config.example.yaml)")
            flat[key] = value
    return flat


def _check(key: str, value: Any) -> Any:
    spec = SCHEMA[key]
    if value is None:
        if spec.nullable:
            return None
        raise ConfigError(f"config: {key} must not be empty (expected {_type_name(spec.type)})")
    # bool is an int in Python; a YAML `true` must not pass as a number.
    if isinstance(value, bool) and spec.type is not bool:
        raise ConfigError(f"config: {key} must be {_type_name(spec.type)}, not {value!r}")
    if not isinstance(value, spec.type):
        raise ConfigError(f"config: {key} must be {_type_name(spec.type)}, not {value!r}")
    if spec.check is not None and (problem := spec.check(value)) is not None:
        raise ConfigError(f"config: {key} {problem} (got {value!r})")
    return value


def load_config(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Config:
    """Build the configuration; raise :class:`ConfigError` with one line naming the bad key."""
    environ = os.environ if environ is None else environ
    values = {key: spec.default for key, spec in SCHEMA.items()}
    source = "defaults"
    base = Path.cwd()
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError(f"config: file not found: {path}") from None
        except OSError as exc:
            raise ConfigError(f"config: cannot read {path}: {exc.strerror}") from None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark is not None else ""
            raise ConfigError(f"config: {path} is not valid YAML{where}") from None
        if data is None:
            data = {}
        if not isinstance(data, Mapping):
            raise ConfigError(f"config: {path} must be a mapping of sections (database:, content:, ...)")
        for key, value in _flatten(data, path).items():
            values[key] = _check(key, value)
        source = str(path)
        base = path.resolve().parent
    token = environ.get("DISCORD_TOKEN")
    if token is not None and token.strip():
        values["discord.token"] = token.strip()

    db_path = Path(values["database.path"]).expanduser()
    if path is not None and not db_path.is_absolute():
        db_path = base / db_path
    return Config(
        database_path=db_path,
        content_builtin=values["content.builtin"],
        content_paths=tuple(_resolve(Path(p).expanduser(), base) for p in values["content.paths"]),
        token=values["discord.token"],
        dev_guild_id=values["discord.dev_guild_id"],
        log_level=values["logging.level"].upper(),
        daily_catch_up_minutes=values["daily.catch_up_minutes"],
        reports_hide_after=values["reports.hide_after"],
        suggestions_daily_limit=values["suggestions.daily_limit"],
        web=WebConfig(
            enabled=values["web.enabled"],
            host=values["web.host"],
            port=values["web.port"],
            public_url=values["web.public_url"].rstrip("/") if values["web.public_url"] else None,
            allow_flags=frozenset(values["web.allow_flags"]),
        ),
        source=source,
    )


def _resolve(path: Path, base: Path) -> Path:
    return path if path.is_absolute() else base / path


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level),
        format="%(asctime)s %(levelname)-8s %(name)s: %(message)s",
    )
