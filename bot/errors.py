"""Error types that carry a message meant for a person.

Services raise :class:`UserError` with the sentence to show; the command tree's
error handler shows it ephemerally. Everything else is a bug and is logged.
"""

from __future__ import annotations


class BanterError(Exception):
    """Base class for errors whose message is written for a person to read."""


class UserError(BanterError):
    """A member or moderator asked for something that cannot be done; the message says what to do."""


class ConfigError(BanterError):
    """The configuration file or environment is invalid; the message names the key."""


class ContentError(BanterError):
    """A content pack is invalid; each problem names file, entry and field."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))
