"""Error types that carry a message meant for a person.

Services raise :class:`UserError` with what to tell the person as plain data: a sentence with
``{placeholders}`` and the values that fill them. A value that Discord shows in its own way (a
member, a role, a channel, a command, something to type) is a :class:`Mention`, :class:`Command`
or :class:`Code`, and words each language says its own way are a :class:`Term`; the cogs render
those as markup in the reader's language, while ``str()`` of the error (logs, the daily ledger,
the web site) spells them in English words. Everything else is a bug and is logged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from msgspec import Struct


class Mention(Struct, frozen=True):
    """A member, role or channel named in a message: a mention in Discord, words elsewhere."""

    kind: Literal["user", "role", "channel"]
    id: int

    def __str__(self) -> str:
        return f"{self.kind} {self.id}"


class Command(Struct, frozen=True):
    """A slash command a message points to, by its qualified name ("daily set")."""

    name: str

    def __str__(self) -> str:
        return f"/{self.name}"


class Code(Struct, frozen=True):
    """Something typed, or to type, shown exactly as it is."""

    text: str

    def __str__(self) -> str:
        return f'"{self.text}"'


class Option(Struct, frozen=True):
    """An option of a slash command a message points to (``daily pause``'s ``from``), with the value
    to give it if the message suggests one; Discord shows it by the name the reader's language gives it."""

    command: str
    name: str
    value: str | None = None

    def __str__(self) -> str:
        return f'"{self.name}"' if self.value is None else f'"{self.name}: {self.value}"'


class Codes(Struct, frozen=True):
    """Several things to type, in a list ("pun, space" in words)."""

    texts: tuple[str, ...]

    def __str__(self) -> str:
        return ", ".join(self.texts)


class Seconds(Struct, frozen=True):
    """A wait or a cooldown ("45 seconds", "2 minutes"), written in the reader's language."""

    seconds: int

    def __str__(self) -> str:
        from bot.wording import seconds_text

        return seconds_text(self.seconds)


class Term(Struct, frozen=True):
    """Words each language writes its own way: a key of the catalog's ``term`` section and the values
    it takes (``Term("label.joke", "Joke #4", (("id", 4),))`` is "Witz #4" in German). ``english`` is
    what ``str()`` gives: the logs and the web site. A ``count`` value picks a plural."""

    key: str
    english: str
    values: tuple[tuple[str, int | str], ...] = ()

    def __str__(self) -> str:
        return self.english


class BanterError(Exception):
    """Base class for errors whose message is written for a person to read."""


class UserError(BanterError):
    """A member or moderator asked for something that cannot be done; the message says what to do.

    ``message`` is shown as it is when there are no ``fields``; with fields it is a template whose
    ``{name}`` placeholders they fill (see :meth:`render`).
    """

    def __init__(self, message: str, **fields: object) -> None:
        self.template = message
        self.fields = fields
        super().__init__(self.render())

    def render(self, show: Callable[[object], str] = str) -> str:
        """The message, with each field written by ``show`` (``str`` gives plain words)."""
        if not self.fields:
            return self.template
        return self.template.format_map({name: show(value) for name, value in self.fields.items()})


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
