"""Reading query parameters: each reader checks one parameter and says clearly what is wrong.

A bad parameter raises :class:`BadRequest` (a 400) before anything is read or written.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TypeVar

from bot.models import FLAGS

S = TypeVar("S", bound=str)

TRUE = ("1", "true", "on", "yes")
FALSE = ("0", "false", "off", "no")
MAX_TEXT = 200


class BadRequest(Exception):
    """A query parameter is missing, malformed or out of range; the message says which and why."""


def text(query: Mapping[str, str], name: str, *, required: bool = False, limit: int = MAX_TEXT) -> str | None:
    value = query.get(name)
    if value is None or not value.strip():
        if required:
            raise BadRequest(f"{name} is required.")
        return None
    if len(value) > limit:
        raise BadRequest(f"{name} must be at most {limit} characters long.")
    return value.strip()


def name(query: Mapping[str, str], param: str) -> str | None:
    """A category or mood name, as the packs write them (lower case)."""
    value = text(query, param, limit=64)
    return value.lower() if value is not None else None


def choice(query: Mapping[str, str], name: str, options: Collection[S], default: S | None) -> S | None:
    value = query.get(name)
    if value is None or value == "":
        return default
    for option in options:
        if value.lower() == option:
            return option
    raise BadRequest(f"{name} must be one of {', '.join(options)} (got {value[:40]!r}).")


def integer(query: Mapping[str, str], name: str, *, default: int, low: int, high: int) -> int:
    value = query.get(name)
    if value is None or value == "":
        return default
    if not value.isascii() or not value.isdigit() or len(value) > 9:
        raise BadRequest(f"{name} must be a whole number from {low} to {high} (got {value[:40]!r}).")
    number = int(value)
    if not low <= number <= high:
        raise BadRequest(f"{name} must be from {low} to {high} (got {number}).")
    return number


def boolean(query: Mapping[str, str], name: str) -> bool | None:
    value = query.get(name)
    if value is None or value == "":
        return None
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    raise BadRequest(f"{name} must be on or off (got {value[:40]!r}).")


def flags(query: Mapping[str, str], name: str) -> frozenset[str]:
    """A comma-separated list of content flags, as JokeAPI's blacklistFlags."""
    value = query.get(name)
    if not value:
        return frozenset()
    names = {part.strip().lower() for part in value.split(",") if part.strip()}
    unknown = sorted(names - set(FLAGS))
    if unknown:
        raise BadRequest(f"{name} may list {', '.join(FLAGS)}; unknown: {', '.join(u[:20] for u in unknown[:5])}.")
    return frozenset(names)


def only(query: Mapping[str, str], allowed: Collection[str]) -> None:
    """Refuse parameters that the endpoint does not know (a typo would otherwise go unnoticed)."""
    unknown = sorted(set(query) - set(allowed))
    if unknown:
        known = ", ".join(sorted(allowed)) or "none"
        raise BadRequest(f"unknown parameter {unknown[0][:40]!r}; this endpoint takes: {known}.")
