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


class DiscordUnreachable(BanterError):
    """Discord could not be reached, or did not answer in time, at start-up. Unlike a bad config or
    token, the same start may work later: the command line exits with :data:`TRY_AGAIN_LATER` so a
    service manager restarts it on this and not on those."""


# sysexits.h's EX_TEMPFAIL: "temporary failure; the user is invited to retry".
TRY_AGAIN_LATER = 75
