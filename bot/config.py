"""Configuration: embedded defaults, then an optional YAML file, then the environment.

Every key is declared once in ``SCHEMA`` (:mod:`bot.config_keys`) with its type, default and check, so that
unknown keys, wrong types and bad values stop start-up with one line naming the key.
``config.example.yaml`` documents the same keys for people.
"""

from __future__ import annotations

import logging
import os
import tempfile
import urllib.parse
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from msgspec import Struct, field
from msgspec.structs import asdict

from bot.config_keys import DASHBOARD_KEYS, SCHEMA, SECRET_ENV, database_url_problem
from bot.errors import ConfigError
from bot.sharding import Shards, parse_ids, shards_problem
from bot.yaml_errors import SAFE_LOADER, yaml_problem


def redacted_repr(struct: Struct, **hidden: object) -> str:
    """``struct``'s repr with the fields in ``hidden`` shown as given: a secret never reaches a log
    line or a traceback (msgspec has no per-field ``repr=False``)."""
    shown = {**asdict(struct), **hidden}
    return f"{type(struct).__name__}({', '.join(f'{name}={value!r}' for name, value in shown.items())})"


class DashboardConfig(Struct, frozen=True):
    """The moderators' dashboard (``web.oauth.*``, ``web.session_secret``): all set, or no dashboard."""

    client_id: int
    client_secret: str
    session_secret: str
    discord_url: str = "https://discord.com"  # Discord itself; the tests point it at the emulator

    def __repr__(self) -> str:
        return redacted_repr(self, client_secret="***", session_secret="***")


class WebConfig(Struct, frozen=True):
    """The public web site (``web.*``)."""

    enabled: bool
    host: str
    port: int
    public_url: str | None  # where visitors reach the site, without a trailing slash
    allow_flags: frozenset[str]
    dashboard: DashboardConfig | None = None  # None: not configured, the dashboard is off


class Config(Struct, frozen=True):
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
    # Suggestions and reports waiting longer than this get the mod-log a reminder (once a day).
    review_remind_after_hours: int = 24
    # Seconds a member waits between two /joke (/mood) in a server, unless the server sets its own.
    joke_cooldown: int = 5
    mood_cooldown: int = 5
    cooldown_exempt_moderators: bool = True
    # After how many days pick history, and report cases a moderator settled, are forgotten.
    history_days: int = 180
    reports_days: int = 90
    # The shards this process runs (``discord.shard_count``, ``discord.shard_ids``): all by default.
    shards: Shards = field(default_factory=Shards)
    # A postgresql:// address: the database is on PostgreSQL. None: SQLite, in database_path.
    database_url: str | None = None

    def __repr__(self) -> str:
        return redacted_repr(self, token=self.token and "***",
                             database_url=self.database_url and redact_url(self.database_url))

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
            if key not in SCHEMA and isinstance(value, Mapping) and any(k.startswith(f"{key}.") for k in SCHEMA):
                # A section inside a section (web.oauth).
                for inner, inner_value in value.items():
                    if f"{key}.{inner}" not in SCHEMA:
                        raise ConfigError(f"config: unknown key {key}.{inner} in {path} (see config.example.yaml)")
                    flat[f"{key}.{inner}"] = inner_value
                continue
            if key not in SCHEMA:
                raise ConfigError(f"config: unknown key {key} in {path} (see config.example.yaml)")
            flat[key] = value
    return flat


def _check(key: str, value: Any) -> Any:
    spec = SCHEMA[key]
    # never a secret, nor a database password, in a message
    if key in SECRET_ENV:
        shown = "(hidden)"
    else:
        shown = repr(redact_url(value) if key == "database.url" and isinstance(value, str) else value)
    if value is None:
        if spec.nullable:
            return None
        raise ConfigError(f"config: {key} must not be empty (expected {_type_name(spec.type)})")
    # bool is an int in Python; a YAML `true` must not pass as a number.
    if isinstance(value, bool) and spec.type is not bool:
        raise ConfigError(f"config: {key} must be {_type_name(spec.type)}, not {shown}")
    if not isinstance(value, spec.type):
        raise ConfigError(f"config: {key} must be {_type_name(spec.type)}, not {shown}")
    if spec.check is not None and (problem := spec.check(value)) is not None:
        raise ConfigError(f"config: {key} {problem} (got {shown})")
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
            data = yaml.load(text, Loader=SAFE_LOADER)
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
    for key, variable in SECRET_ENV.items():
        secret = environ.get(variable)
        if secret is not None and secret.strip():
            try:
                values[key] = _check(key, secret.strip())
            except ConfigError as exc:
                raise ConfigError(str(exc).replace(f"config: {key}", f"config: {variable} (for {key})")) from None
    _shards_from_environment(values, environ)
    shard_ids = values["discord.shard_ids"]
    if (problem := shards_problem(values["discord.shard_count"], shard_ids)) is not None:
        raise ConfigError(f"config: {problem}")

    url = environ.get("BANTER_DATABASE_URL") or values["database.url"]
    if url is not None and environ.get("BANTER_DATABASE_URL") and (problem := database_url_problem(url)) is not None:
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
            dashboard=_dashboard(values),
        ),
        source=source,
        connect_timeout=float(values["discord.connect_timeout"]),
        review_remind_after_hours=values["review.remind_after_hours"],
        joke_cooldown=values["cooldowns.joke_seconds"],
        mood_cooldown=values["cooldowns.mood_seconds"],
        cooldown_exempt_moderators=values["cooldowns.exempt_moderators"],
        history_days=values["privacy.history_days"],
        reports_days=values["privacy.reports_days"],
        shards=Shards(values["discord.shard_count"], tuple(shard_ids) if shard_ids is not None else None),
        database_url=postgres_url,
    )


def redact_url(url: str) -> str:
    """A database address with its password (if any) replaced by ***."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def _dashboard(values: Mapping[str, Any]) -> DashboardConfig | None:
    """The dashboard's settings: none of them (it is off), or all of them."""
    given = [key for key in DASHBOARD_KEYS if values[key] is not None]
    if not given:
        return None
    missing = [key for key in DASHBOARD_KEYS if values[key] is None]
    if missing:
        raise ConfigError(f"config: the dashboard needs {', '.join(DASHBOARD_KEYS)} together; {', '.join(given)} "
                          f"given, {', '.join(missing)} missing (secrets can also come from "
                          f"{' and '.join(SECRET_ENV.values())})")
    return DashboardConfig(values["web.oauth.client_id"], values["web.oauth.client_secret"].strip(),
                           values["web.session_secret"].strip(), values["web.oauth.discord_url"].rstrip("/"))


def _shards_from_environment(values: dict[str, Any], environ: Mapping[str, str]) -> None:
    """``BANTER_SHARD_COUNT`` and ``BANTER_SHARD_IDS`` (``0,1``) win over the file, as the token does:
    one config file can serve every cluster, each started with its own shard ids."""
    count = environ.get("BANTER_SHARD_COUNT", "").strip()
    if count:
        if not count.isdigit():
            raise ConfigError(f"config: BANTER_SHARD_COUNT must be a whole number, like 4 (got {count!r})")
        values["discord.shard_count"] = _check("discord.shard_count", int(count))
    ids = environ.get("BANTER_SHARD_IDS", "").strip()
    if ids:
        parsed = parse_ids(ids)
        if parsed is None:
            raise ConfigError(f"config: BANTER_SHARD_IDS must be shard numbers separated by commas, like 0,1 "
                              f"(got {ids!r})")
        values["discord.shard_ids"] = parsed


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
