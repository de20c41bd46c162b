"""Time-zone maths for daily posts: plain functions over ``zoneinfo``, no I/O and no clock.

A daily post belongs to a server's *local date*. Its moment is the local wall time on that date:

* a wall time that does not exist that day (clocks jump forward over it) moves to the next
  minute that does exist, which is the first minute after the jump;
* a wall time that happens twice (clocks go back over it) means its first occurrence.

Either way each local date has exactly one moment, so "once per local date" is also "once".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.errors import Code, Codes, UserError
from bot.services.places import close_places, place_key, zones_for_place

TIME_TEXT = re.compile(r"^\s*(\d{1,2})[:.h](\d{2})\s*$")
# 12-hour times: "9am", "9 pm", "9:30pm", "11.15 a.m."
TWELVE_HOUR = re.compile(r"^\s*(\d{1,2})(?:[:.h](\d{2}))?\s*([ap])\.?\s*m\.?\s*$", re.IGNORECASE)
MINUTE = timedelta(minutes=1)
# The longest jump forward in the tz database is a whole day (Pacific/Apia skipped 30 December 2011).
LONGEST_GAP = timedelta(hours=26)
# How far ahead an open day is looked for: a pause is at most a year and "every N days" at most a
# year apart, so an open day always comes within this many days.
SEARCH_DAYS = 800

# Which local dates a schedule posts on (its days and pause); None means every day.
Opens = Callable[[date], bool] | None


class ScheduleError(UserError, ValueError):
    """A time or time zone a person typed is not valid; the message says why (what they typed is a
    :class:`~bot.errors.Code` field)."""


def parse_time(text: str) -> time:
    """``"09:30"`` (also ``"9:30"``, ``"21.05"``, ``"7h15"``) or a 12-hour ``"9am"``, ``"9:30pm"``,
    as a time of day, on the minute."""
    twelve = TWELVE_HOUR.match(text)
    if twelve is not None:
        hour, minute = int(twelve.group(1)), int(twelve.group(2) or 0)
        if not 1 <= hour <= 12 or minute > 59:
            raise ScheduleError("{typed} is not a time of day: with am or pm, hours go 1-12 and minutes 00-59.",
                                typed=Code(text.strip()[:20]))
        # 12am is midnight, 12pm is noon.
        return time(hour % 12 + (12 if twelve.group(3).lower() == "p" else 0), minute)
    match = TIME_TEXT.match(text)
    if match is None:
        raise ScheduleError("{typed} is not a time: use HH:MM or am/pm, for example {example}, {other} or {twelve}.",
                            typed=Code(text.strip()[:20]), example=Code("09:00"), other=Code("18:30"),
                            twelve=Code("9:30pm"))
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise ScheduleError("{typed} is not a time of day: hours go 00-23 and minutes 00-59.",
                            typed=Code(text.strip()))
    return time(hour, minute)


def format_time(at: time) -> str:
    return f"{at.hour:02d}:{at.minute:02d}"


@cache
def _zone_names() -> dict[str, str]:
    """Every IANA zone name, keyed by its lower-case form so a typed name's case does not matter."""
    names = available_timezones() | {"UTC"}
    return {name.lower(): name for name in names if not name.startswith(("posix/", "right/"))
            and name not in ("localtime", "Factory")}


def zone_name(name: str) -> str:
    """The canonical IANA name of a zone typed as an IANA name (case does not matter), a city
    ("london", "new york") or a country ("uk"); raises :class:`ScheduleError` if it is unknown or
    could mean zones that keep different times (the message lists them)."""
    typed = name.strip()
    canonical = _zone_names().get(typed.lower())
    if canonical is not None:
        return canonical
    choices = zones_for_place(typed)
    if len(choices) == 1:
        return choices[0]
    if choices:
        raise ScheduleError("{typed} has several time zones: {choices}. Choose the one you mean.",
                            typed=Code(typed[:60]), choices=Codes(choices))
    close = close_places(typed) if typed else []
    if close:
        raise ScheduleError("{typed} is not a time zone I know. Did you mean {close}? A city such as {a}, or an "
                            "IANA name such as {b}, works too.", typed=Code(typed[:60]), close=Codes(tuple(close)),
                            a=Code("london"), b=Code("Europe/London"))
    raise ScheduleError(
        "{typed} is not a time zone I know. Use a city such as {city}, or an IANA name such as {a}, {b} or {c} "
        "(the list offers them as you type).", typed=Code(typed[:60]), city=Code("new york"),
        a=Code("Europe/London"), b=Code("America/New_York"), c=Code("Asia/Kolkata"),
    )


def zone(name: str) -> ZoneInfo:
    """The time zone called ``name`` (an IANA name such as ``Europe/London``; case does not matter)."""
    canonical = zone_name(name)
    try:
        return ZoneInfo(canonical)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError("The time zone {zone} could not be loaded.", zone=Code(canonical)) from None


def suggest_zones(text: str, limit: int = 25) -> list[str]:
    """Zone names for an autocomplete: those starting with the text first, then those containing it."""
    needle = text.strip().lower().replace(" ", "_")
    names = sorted(_zone_names().values())
    if not needle:
        common = ["UTC", "Europe/London", "Europe/Berlin", "America/New_York", "America/Chicago",
                  "America/Los_Angeles", "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney"]
        return common[:limit]
    starts = [n for n in names if n.lower().startswith(needle) or n.lower().split("/")[-1].startswith(needle)]
    contains = [n for n in names if needle in n.lower() and n not in starts]
    # A country or city typed whole ("uk", "usa") offers its zones first.
    places = [n for n in zones_for_place(place_key(text)) if n in names]
    found = places + [n for n in starts + contains if n not in places]
    return found[:limit]


def _exists(wall: datetime, tz: ZoneInfo) -> bool:
    """Whether a naive local wall time happens in ``tz`` (it does not inside a jump forward)."""
    there_and_back = wall.replace(tzinfo=tz).astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    return there_and_back == wall


def occurrence(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC moment of the post for local date ``day`` at wall time ``at``.

    A wall time skipped by a jump forward gives the next minute that exists; a wall time that
    happens twice gives the first of the two (``fold=0``).
    """
    wall = datetime.combine(day, at)
    if not _exists(wall, tz):
        # Walk forward a minute at a time: gaps are whole minutes long and this only runs on gap days.
        end = wall + LONGEST_GAP
        while not _exists(wall, tz):
            wall += MINUTE
            if wall > end:  # pragma: no cover - no zone has a longer jump
                raise ScheduleError("{day} {time} does not exist in {zone}.", day=day.isoformat(),
                                        time=format_time(at), zone=Code(tz.key))
    return wall.replace(tzinfo=tz, fold=0).astimezone(UTC)


def local_date(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


def _open(opens: Opens, day: date) -> bool:
    return opens is None or opens(day)


def first_open(day: date, at: time, tz: ZoneInfo, opens: Opens = None) -> tuple[date, datetime]:
    """The first (local date, UTC moment) on or after local date ``day`` that ``opens`` accepts."""
    for _ in range(SEARCH_DAYS):
        if _open(opens, day):
            return day, occurrence(day, at, tz)
        day += timedelta(days=1)
    raise ScheduleError("No day in the next two years matches this schedule.")


def next_occurrence(after: datetime, at: time, tz: ZoneInfo, opens: Opens = None) -> tuple[date, datetime]:
    """The first (local date, UTC moment) on a day ``opens`` accepts whose moment is strictly after ``after``."""
    # Start a day early: a jump forward can push one date's moment into the next local day.
    day = local_date(after, tz) - timedelta(days=1)
    for _ in range(SEARCH_DAYS):
        if _open(opens, day):
            moment = occurrence(day, at, tz)
            if moment > after:
                return day, moment
        day += timedelta(days=1)
    raise ScheduleError("No day in the next two years matches this schedule.")


def moments(start: date, at: time, tz: ZoneInfo, until: datetime,
            opens: Opens = None) -> list[tuple[date, datetime]]:
    """Every (local date, UTC moment) from local date ``start`` on whose moment is at or before
    ``until``, on the days ``opens`` accepts."""
    found = []
    day = start
    while (moment := occurrence(day, at, tz)) <= until:
        if _open(opens, day):
            found.append((day, moment))
        day += timedelta(days=1)
    return found
