"""What is wrong with content, as data: a :class:`Problem` is a code and its values, and its
``str()`` is the English line ``check-content`` prints ("punchline: must not be empty"). A form that
cannot be stored lists :class:`FormProblem` lines; the cogs write both in the reader's language from
the catalogs' ``problem`` section, the same English as here (tests/test_locales.py holds them equal)."""

from __future__ import annotations

from msgspec import Struct

from bot.models import Kind
from bot.wording import bullet_block

# What each code says in English, with its values as {placeholders}; a pair is (one, other), chosen
# by the ``count`` value.
ENGLISH: dict[str, str | tuple[str, str]] = {
    "missing": "missing",
    "not_text": "must be text, not {type}",
    "empty": "must not be empty",
    "too_long": ("{count} character, at most {most}", "{count} characters, at most {most}"),
    "not_text_list": "must be a list of text",
    "none_listed": "must list at least one",
    "empty_line": "has an empty line",
    "too_many_items": ("{count} item, at most {most}", "{count} items, at most {most}"),
    "item_too_long": ("an item has {count} character, at most {most}",
                      "an item has {count} characters, at most {most}"),
    "list_too_long": ("{count} character in all, at most {most}", "{count} characters in all, at most {most}"),
    "not_names": "must be a list of names",
    "unknown_mood": "unknown mood {name} (known: {known})",
    "unknown_flag": "unknown flag {name} (known: {known})",
    "bad_name": "{name} must be lowercase letters, digits and dashes",
    "not_mapping": "each entry must be a mapping of fields",
    "unknown_field": "unknown field (allowed: {allowed})",
    "bad_id": "must be lowercase letters, digits and dashes (at most 64)",
    "text_and_parts": "give either text, or setup and punchline, not both",
    "no_text": "missing (or give setup and punchline)",
    "topic_too_long": ("the topic has {count} character in all, at most {most}",
                       "the topic has {count} characters in all, at most {most}"),
    "bad_language": "{value} is not a language code such as en or pt-BR",
    "bad_credit": "must be text of at most {most} characters",
    "points_not_list": "must be a list of {{heading, text}}",
    "too_many_points": ("{count} point, at most {most}", "{count} points, at most {most}"),
    "point_shape": "must have exactly a heading and a text",
    # Only a form says these.
    "spoiler_bars": "leave out spoiler bars; the punchline is hidden as a spoiler anyway",
    "mass_mention": "@everyone and @here are not allowed",
    "id_mention": "user, role, channel and command mentions are not allowed",
    "masked_link": "masked links ([text](link)) are not allowed",
    "link": "links are not allowed",
    "point_line": "line {line} needs a heading, a colon and the text (\"Cost: …\")",
    "incomplete": "the form is incomplete",
}


def english(code: str, values: dict[str, int | str]) -> str:
    """What ``code`` says in English with ``values`` filled in."""
    text = ENGLISH[code]
    if isinstance(text, tuple):
        text = text[0] if values.get("count") == 1 else text[1]
    return text.format_map(values)


class Problem(Struct, frozen=True):
    """One thing wrong with an entry: a code of :data:`ENGLISH`, its values, and the pack field it is
    about (``"punchline"``; None for the entry as a whole). ``point`` is the talking point it is in."""

    code: str
    values: tuple[tuple[str, int | str], ...] = ()
    field: str | None = None
    point: int | None = None

    def message(self) -> str:
        """What is wrong, without the field."""
        return english(self.code, dict(self.values))

    def __str__(self) -> str:
        return f"{self.field}: {self.message()}" if self.field else self.message()


class Problems:
    """Every problem found in a pass over content, each naming where it is."""

    def __init__(self) -> None:
        self.found: list[tuple[str, Problem | str]] = []  # where, and what

    def add(self, where: str, message: Problem | str) -> None:
        self.found.append((where, message))

    @property
    def items(self) -> list[str]:
        """Each problem as the line ``check-content`` prints: where, then what."""
        return [f"{where}: {message}" for where, message in self.found]


# The form's fields by the name a line gives them, in English; the catalogs name them under
# form.<kind>.<field>.name (the form's own keys) and, for what a form keeps from the entry, form.kept.
FIELD_LABELS = {
    "joke": "Joke", "text": "Joke", "setup": "Joke", "punchline": "Punchline", "categories": "Categories",
    "flags": "Flags", "title": "Title", "question": "Question", "benefits": "Benefits",
    "disadvantages": "Disadvantages", "talking_points": "Talking points", "moods": "Moods", "language": "Language",
    "credit": "Credit",
}
JOKE_FIELDS = {"text": "joke", "setup": "joke", "joke": "joke", "punchline": "punchline", "categories": "categories",
               "flags": "flags"}
DISCUSSION_FIELDS = {name: name for name in ("title", "question", "benefits", "disadvantages", "talking_points")}
KEPT = ("categories", "flags", "moods", "language", "credit")


class FormProblem(Struct, frozen=True):
    """One line of why a form cannot be stored: a :class:`Problem` as the form names its fields."""

    kind: Kind
    problem: Problem

    def field_key(self) -> tuple[str, str] | None:
        """Where the catalogs name the field: (``"joke"``, ``"punchline"``) for a field of the form,
        (``"kept"``, ``"moods"``) for one kept from the entry; None when the line names no field."""
        field = self.problem.field
        shown = (JOKE_FIELDS if self.kind == "joke" else DISCUSSION_FIELDS).get(field or "")
        if shown is not None:
            return self.kind, shown
        return ("kept", field) if field in KEPT else None

    def __str__(self) -> str:
        problem = self.problem
        if problem.point is not None and problem.field:
            return f"Talking point {problem.point} ({problem.field}): {problem.message()}"
        if problem.point is not None:
            return f"Talking point {problem.point}: {problem.message()}"
        if problem.field in FIELD_LABELS:
            return f"{FIELD_LABELS[problem.field]}: {problem.message()}"
        line = str(problem)
        return line[:1].upper() + line[1:]


SHOWN = 10  # lines of a refusal; the rest are counted


class FormProblems(Struct, frozen=True):
    """Every line of why a form cannot be stored, as bullets; past :data:`SHOWN`, how many more."""

    lines: tuple[FormProblem, ...]

    def __str__(self) -> str:
        text = bullet_block(map(str, self.lines[:SHOWN]))
        more = len(self.lines) - SHOWN
        return text + (f"\n…and {more} more" if more > 0 else "")


__all__ = ["ENGLISH", "FIELD_LABELS", "FormProblem", "FormProblems", "Problem", "Problems", "english"]
