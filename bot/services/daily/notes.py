"""Why a daily post did not go out as planned, as data: a code and its values (:class:`Note`).

The ledger keeps a note as JSON in its ``error`` column, so each edge words it for its reader: the
Discord edge from the catalog (``daily.note.<code>`` in each language), the logs and the web
dashboard in English (:func:`note_english`). A note written before notes were data, or given as plain
words (a test's ``PermanentSendError("...")``), is stored as those words and shown as it is.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from msgspec import Struct, field

from bot.errors import Code, Codes, Command, Mention, Seconds, UserError
from bot.wording import plural

Show = Callable[[object], str]
TEXT = "text"  # a note that is only words
ERROR = "error"  # a service's UserError: its template and fields

# Each code's English, with its values as fields; ``cause`` is another note.
ENGLISH = {
    "superseded": "Skipped: the bot was offline and a later day's post replaced it.",
    "missed": "Missed: the bot was offline at the time and came back {hours} h {minutes:02d} min late "
              "(posts are caught up within {window} min).",
    "forbidden": "I am not allowed to post in {channel} ({detail}). Check my permissions there, then use {post_now} "
                 "or wait for tomorrow.",
    "channel-gone": "The channel {channel} no longer exists (or I cannot see it). Choose another with {command}.",
    "server-error": "Discord had a server error ({status}).",
    "slow-down": "Discord asked the bot to slow down.",
    "rate-limited": "Discord rate-limited the bot.",
    "refused": "Discord refused the post ({status}: {detail}).",
    "unreachable": "Could not reach Discord ({error}).",
    "unexpected": "Unexpected error while sending ({error}).",
    "thread-channel-gone": "The channel is gone, so no thread was opened.",
    "gave-up": "Discord kept failing ({tries}): {cause}",
    "retrying": "{cause} (try {attempts}; trying again)",
    "no-thread": "The thread could not be opened: {cause}",
}


class Note(Struct, frozen=True):
    """One reason, by ``code`` (a key of :data:`ENGLISH`, or ``text``/``error``), with its values:
    numbers, words Discord does not translate (its own error text), a :class:`Mention` or
    :class:`Command`, a nested ``cause`` note, or for ``error`` the UserError's template and fields."""

    code: str
    values: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def text(cls, words: str) -> Note:
        return cls(TEXT, {"text": words})

    @classmethod
    def error(cls, error: UserError) -> Note:
        return cls(ERROR, {"template": error.template, "fields": dict(error.fields)})

    def user_error(self) -> UserError:
        """An ``error`` note as the UserError it was, for an edge to word in its own language."""
        return UserError(str(self.values["template"]), **dict(self.values.get("fields") or {}))

    @property
    def cause(self) -> Note | None:
        cause = self.values.get("cause")
        return cause if isinstance(cause, Note) else None

    def encode(self) -> str:
        """What the ledger stores: the words themselves for a ``text`` note, else JSON."""
        if self.code == TEXT:
            return str(self.values["text"])
        return json.dumps(_encode(self), ensure_ascii=False, separators=(",", ":"))

    def __str__(self) -> str:
        return note_english(self)


def decode_note(stored: str | None) -> Note | None:
    """A note as the ledger stored it (None: there is none)."""
    if not stored:
        return None
    if stored.startswith("{"):
        try:
            raw = json.loads(stored)
        except ValueError:
            raw = None
        if isinstance(raw, dict) and isinstance(raw.get("note"), str):
            decoded = _decode(raw)
            if isinstance(decoded, Note):
                return decoded
    return Note.text(stored)


def note_english(note: Note, show: Show = str) -> str:
    """A note in English: the values Discord shows its own way (a channel, a command) by ``show``
    (plain words by default, as the logs and the web dashboard want them)."""
    if note.code == TEXT:
        return str(note.values["text"])
    if note.code == ERROR:
        return note.user_error().render(show)
    fields: dict[str, object] = {}
    for name, value in note.values.items():
        fields[name] = note_english(value, show) if isinstance(value, Note) else show(value) if isinstance(
            value, Mention | Command) else value
    if note.code == "gave-up":
        fields["tries"] = plural(int(note.values["attempts"]), "try", "tries")
    template = ENGLISH.get(note.code)
    return template.format_map(fields) if template else note.code


# --- JSON, with the field types of bot/errors.py ------------------------------------------------------

_TYPES: dict[str, Callable[[Any], object]] = {
    "mention": lambda v: Mention(v[0], int(v[1])), "command": Command, "code": Code,
    "codes": lambda v: Codes(tuple(v)), "seconds": lambda v: Seconds(int(v)),
}


def _encode(value: object) -> object:
    if isinstance(value, Note):
        return {"note": value.code, **{k: _encode(v) for k, v in value.values.items()}}
    if isinstance(value, Mention):
        return {"mention": [value.kind, value.id]}
    if isinstance(value, Command):
        return {"command": value.name}
    if isinstance(value, Code):
        return {"code": value.text}
    if isinstance(value, Codes):
        return {"codes": list(value.texts)}
    if isinstance(value, Seconds):
        return {"seconds": value.seconds}
    if isinstance(value, dict):
        return {"map": {k: _encode(v) for k, v in value.items()}}
    return value if isinstance(value, int | float) else str(value)


def _decode(value: object) -> object:
    if not isinstance(value, dict):
        return value
    if isinstance(value.get("note"), str):
        return Note(value["note"], {k: _decode(v) for k, v in value.items() if k != "note"})
    if "map" in value and isinstance(value["map"], dict):
        return {k: _decode(v) for k, v in value["map"].items()}
    for name, make in _TYPES.items():
        if name in value:
            return make(value[name])
    return str(value)
