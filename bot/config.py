"""Configuration: embedded defaults, then an optional YAML file, then the environment.

Every key is declared once in ``SCHEMA`` with its type, default and check, so that
unknown keys, wrong types and bad values stop start-up with one line naming the key.
``config.example.yaml`` documents the same keys for people.
"""

from __future__ import annotations

import logging
import os
import tempfile
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.errors import ConfigError
from bot.models import FLAGS
from bot.yaml_errors import yaml_problem

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


def _database_url(value: str) -> str | None:
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
    "database.url": Key(str, None, _database_url, nullable=True),
    "content.builtin": Key(bool, True),
    "content.paths": Key(list, [], _paths),
    "discord.token": Key(str, None, _non_empty, nullable=True),
    "discord.dev_guild_id": Key(int, None, _snowflake, nullable=True),
    "discord.connect_timeout": Key((int, float), 60, _seconds),
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
    database_path: Path  # the SQLite file (unused when database_url names PostgreSQL)
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
    # How long logging in, and then reaching READY on the gateway, may each take.
    connect_timeout: float = 60.0
    # A postgresql:// address: the database is on PostgreSQL. None: SQLite, in database_path.
    database_url: str | None = None

    def database_label(self) -> str:
        """Where the database is, for messages: the file, or the address without its password."""
        return str(self.database_path) if self.database_url is None else redact_url(self.database_url)


def _type_name(expected: type | tuple[type, ...]) -> str:
    names = {bool: "true or false", int: "a whole number", str: "a string", list: "a list"}
    if expected == (int, float):
        return "a number"
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
        shown = redact_url(str(value)) if key == "database.url" else value  # never a password in a message
        raise ConfigError(f"config: {key} {problem} (got {shown!r})")
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
            syntax = yaml_problem(exc)
            where = f" at line {syntax.line}" if syntax.line is not None else ""
            raise ConfigError(f"config: {path} is not valid YAML{where}: {syntax.reason}") from None
        if data is None:
            data = {}
        if not isinstance(data, Mapping):
            raise ConfigError(f"config: {path} must be a mapping of sections (database:, content:, ...)")
        for key, value in _flatten(data, path).items():
            values[key] = _check(key, value)
        if "database" in data and isinstance(data["database"], Mapping) and {"path", "url"} <= set(data["database"]):
            raise ConfigError("config: give database.path or database.url, not both (database.url may be a path too)")
        source = str(path)
        base = path.resolve().parent
    token = environ.get("DISCORD_TOKEN")
    if token is not None and token.strip():
        values["discord.token"] = token.strip()

    url = environ.get("BANTER_DATABASE_URL") or values["database.url"]
    if url is not None and environ.get("BANTER_DATABASE_URL") and (problem := _database_url(url)) is not None:
        raise ConfigError(f"config: BANTER_DATABASE_URL {problem}")
    postgres_url: str | None = None
    if url is not None and url.partition("://")[0] in ("postgresql", "postgres"):
        postgres_url, url = url, None
    # sqlite:///var/lib/banter.db names /var/lib/banter.db (and so does SQLAlchemy's sqlite:////var/...).
    named = values["database.path"] if url is None else (
        "/" + url.removeprefix("sqlite://").lstrip("/") if url.startswith("sqlite://") else url)
    db_path = Path(named).expanduser()
    if path is not None and not db_path.is_absolute():
        db_path = base / db_path
    if postgres_url is None and (problem := database_path_problem(db_path)) is not None:
        raise ConfigError(f"config: {'database.path' if url is None else 'database.url'} {problem}")
    content_paths = tuple(_resolve(Path(p).expanduser(), base) for p in values["content.paths"])
    for n, folder in enumerate(content_paths):
        if (problem := _folder_problem(folder)) is not None:
            raise ConfigError(f"config: content.paths[{n}] {problem}")
    return Config(
        database_path=db_path,
        content_builtin=values["content.builtin"],
        content_paths=content_paths,
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
        connect_timeout=float(values["discord.connect_timeout"]),
        database_url=postgres_url,
    )


def redact_url(url: str) -> str:
    """A database address with its password (if any) replaced by ***."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def _resolve(path: Path, base: Path) -> Path:
    return path if path.is_absolute() else base / path


def _blocking_file(path: Path) -> Path | None:
    """The first existing file (not folder) among the folders above ``path``, if there is one."""
    for ancestor in reversed(path.parents):
        if ancestor.exists() and not ancestor.is_dir():
            return ancestor
    return None


def _folder_problem(folder: Path) -> str | None:
    if folder.is_dir():
        return None
    if folder.exists():
        return f"is a file, not a folder: {folder}"
    if (blocker := _blocking_file(folder)) is not None:
        return f"goes through a file: {blocker} is not a folder (in {folder})"
    return f"folder not found: {folder}"


def _cannot_write_in(folder: Path) -> str | None:
    """Why nothing can be created in ``folder``, or None. access() says yes to root even on a
    place where creating a file fails, so a nameless file is made (and dropped) to be sure."""
    if not os.access(folder, os.W_OK | os.X_OK):
        return "Permission denied"
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def database_path_problem(path: Path) -> str | None:
    """What is wrong with ``path`` as the database file, or None.

    The database's folder may be missing (it is created at start-up), but only when the folder
    it would be created in exists: a typo in a path must not silently create folders anywhere.
    SQLite writes its -wal and -shm files beside the database, so the folder must be writable
    even when the file already exists.
    """
    if path.is_dir():
        return f"is a folder, not a file: {path} (name the file, e.g. {path / 'banter.db'})"
    if (blocker := _blocking_file(path)) is not None:
        return f"goes through a file: {blocker} is not a folder (in {path})"
    folder = path.parent
    if not folder.exists():
        if not folder.parent.is_dir():
            return (f"is in a folder that does not exist: {folder}, and {folder.parent}, where it would be "
                    "created, does not exist either (create it, or check the path for a typo)")
        folder = folder.parent  # where the database's folder will be created
    elif path.exists() and not os.access(path, os.R_OK | os.W_OK):
        return f"is not readable and writable by this user: {path}"
    if (reason := _cannot_write_in(folder)) is not None:
        return f"cannot be written: no file can be created in {folder} ({reason})"
    return None


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level),
        format="%(asctime)s %(levelname)-8s %(name)s: %(message)s",
    )
