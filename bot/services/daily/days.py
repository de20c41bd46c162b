"""Which days a daily schedule posts on, and pauses: plain values, parsed from what a moderator types.

A schedule posts either on a set of weekdays (every day, weekdays, weekends, or chosen ones) or
every N days counted from an anchor date (its first post). A pause is an inclusive range of local
dates on which nothing is posted and nothing is recorded as missed; the schedule stays.
"""

from __future__ import annotations

import re
from datetime import date

from bot.errors import Code, Command, Option, UserError
from bot.records import EVERY_DAY, WEEKDAYS, WEEKENDS, Days, Pause

DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_EVERY = 365
MAX_PAUSE_DAYS = 366
EVERY_N = re.compile(r"^every\s+(-?\d+)\s*(?:days?|d)?$")
DATE_TEXT = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
WORDS = {"every day": EVERY_DAY, "everyday": EVERY_DAY, "daily": EVERY_DAY, "all": EVERY_DAY,
         "weekdays": WEEKDAYS, "workdays": WEEKDAYS, "weekends": WEEKENDS, "weekend": WEEKENDS}
# What the `days` option offers as you type.
DAY_SUGGESTIONS = ("every day", "weekdays", "weekends", "mon, wed, fri", "every 2 days", "every 7 days")


class DaysError(UserError, ValueError):
    """Days or dates a moderator typed are not valid; nothing was saved."""


def _day_number(word: str) -> int:
    word = word.strip().lower().rstrip(".")
    for number, name in enumerate(DAY_NAMES):
        # "mon", "monday", "mondays", "tues", "thurs": a prefix of three letters or more.
        if len(word) >= 3 and (name.startswith(word) or word == name + "s"):
            return number
    raise DaysError("{typed} is not a day of the week: use names such as {a} or {b}, or {c}, {d} or {e}.",
                    typed=Code(word[:20]), a=Code("mon, wed, fri"), b=Code("tuesday thursday"),
                    c=Code("every day"), d=Code("weekdays"), e=Code("every 3 days"))


def parse_days(text: str, first: date) -> Days:
    """What a moderator typed for ``days``. ``first``: the local date the schedule first posts on,
    the anchor of "every N days"."""
    typed = " ".join(text.strip().lower().split())
    if not typed or typed in WORDS:
        return Days(WORDS.get(typed, EVERY_DAY))
    match = EVERY_N.match(typed)
    if match:
        every = int(match.group(1))
        if not 1 <= every <= MAX_EVERY:
            raise DaysError("Every {typed} days cannot be: the number of days must be from 1 to {most}.",
                            typed=Code(match.group(1)), most=MAX_EVERY)
        return Days(EVERY_DAY) if every == 1 else Days(EVERY_DAY, every, first)
    mask = 0
    for word in re.split(r"[,;/\s]+|\band\b", typed):
        if word.strip():
            mask |= 1 << _day_number(word)
    if mask == 0:
        raise DaysError("Name at least one day of the week, for example {a}.", a=Code("mon, wed, fri"))
    return Days(mask)


def parse_date(text: str, what: str) -> date:
    """A date typed as YYYY-MM-DD; ``what`` names the option in the message."""
    match = DATE_TEXT.match(text)
    try:
        if match is None:
            raise ValueError
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise DaysError("{typed} is not a date for {what}: use YYYY-MM-DD, for example {example}.",
                        typed=Code(text.strip()[:20]), what=Option("daily pause", what),
                        example=Code("2026-12-24")) from None


def parse_pause(start_text: str, end_text: str, today: date) -> Pause:
    """A pause from what a moderator typed; it must end on or after its start, and not in the past."""
    start, end = parse_date(start_text, "from"), parse_date(end_text, "to")
    if end < start:
        raise DaysError("The pause would end ({end}) before it starts ({start}): give the first day off in "
                        "{a} and the last in {b}. Nothing was changed.", end=Code(end.isoformat()),
                        start=Code(start.isoformat()), a=Option("daily pause", "from"),
                        b=Option("daily pause", "to"))
    if end < today:
        raise DaysError("That pause is already over ({end} has passed). Nothing was changed.",
                        end=Code(end.isoformat()))
    if (end - start).days + 1 > MAX_PAUSE_DAYS:
        raise DaysError("A pause can last at most {most} days; use {off} to stop the posts for longer.",
                        most=MAX_PAUSE_DAYS, off=Command("daily off"))
    return Pause(start, end)
