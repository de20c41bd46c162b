"""Counting things in sentences: "1 joke", "3 jokes", and lists as bullets. Plain words, usable by
services and cogs."""

from __future__ import annotations

from collections.abc import Iterable

# Nouns whose plural is not made by the rules in :func:`plural_of`.
IRREGULAR = {"person": "people", "child": "children", "was": "were", "is": "are", "has": "have"}


def plural_of(noun: str) -> str:
    """The plural of an English noun by the common rules ("entry" -> "entries", "match" -> "matches")."""
    if noun in IRREGULAR:
        return IRREGULAR[noun]
    if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "i", "o", "u", ""):
        return noun[:-1] + "ies"
    if noun.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    return noun + "s"


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """``count`` and ``noun``, the noun in the plural unless the count is exactly one.

    The last word of ``noun`` is the one made plural ("mood correction" -> "3 mood corrections");
    ``plural_form`` gives the whole plural where the rules do not.
    """
    if count == 1:
        return f"{count} {noun}"
    if plural_form is None:
        head, _, last = noun.rpartition(" ")
        plural_form = (head + " " if head else "") + plural_of(last)
    return f"{count} {plural_form}"


def seconds_text(seconds: int) -> str:
    """A wait or a cooldown in words: "1 second", "45 seconds", "2 minutes", "off" for 0."""
    if seconds == 0:
        return "off"
    if seconds % 60 == 0:
        return plural(seconds // 60, "minute")
    return plural(seconds, "second")


def bullet_block(lines: Iterable[str]) -> str:
    """One bullet a line, as the bot shows a list ("• Rent\n• Bills")."""
    return "\n".join(f"• {line}" for line in lines)
