"""Time zones by the names people call them: a city ("london", "new york", "tokyo") or a country
("uk", "japan"). Plain lookups over the IANA database, no I/O beyond it.

A city is the last part of an IANA name ("America/New_York" is "new york"). Two IANA names for one
city that keep the same time ("Asia/Istanbul" and "Europe/Istanbul") count as one; a name that could
mean zones keeping different times ("usa") is ambiguous, and the choices are given instead.
"""

from __future__ import annotations

import difflib
from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

# Only the geographic areas: "US/Pacific" and "Canada/Eastern" are old aliases, and their last parts
# ("pacific", "eastern") are not places.
AREAS = ("Africa/", "America/", "Antarctica/", "Arctic/", "Asia/", "Atlantic/", "Australia/", "Europe/",
         "Indian/", "Pacific/")
NOT_PLACES = frozenset({"north", "south", "east", "west", "central", "eastern", "western", "pacific", "mountain",
                        "acre", "general", "yukon"})
# Countries (and a few other everyday names) people type; several zones means it is ambiguous.
COUNTRIES: dict[str, tuple[str, ...]] = {
    "uk": ("Europe/London",), "gb": ("Europe/London",), "great britain": ("Europe/London",),
    "britain": ("Europe/London",), "united kingdom": ("Europe/London",), "england": ("Europe/London",),
    "scotland": ("Europe/London",), "wales": ("Europe/London",), "northern ireland": ("Europe/London",),
    "ireland": ("Europe/Dublin",), "france": ("Europe/Paris",), "germany": ("Europe/Berlin",),
    "italy": ("Europe/Rome",), "netherlands": ("Europe/Amsterdam",), "holland": ("Europe/Amsterdam",),
    "belgium": ("Europe/Brussels",), "poland": ("Europe/Warsaw",), "sweden": ("Europe/Stockholm",),
    "norway": ("Europe/Oslo",), "finland": ("Europe/Helsinki",), "denmark": ("Europe/Copenhagen",),
    "switzerland": ("Europe/Zurich",), "austria": ("Europe/Vienna",), "greece": ("Europe/Athens",),
    "turkey": ("Europe/Istanbul",), "ukraine": ("Europe/Kyiv",), "india": ("Asia/Kolkata",),
    "japan": ("Asia/Tokyo",), "china": ("Asia/Shanghai",), "korea": ("Asia/Seoul",),
    "south korea": ("Asia/Seoul",), "singapore": ("Asia/Singapore",), "philippines": ("Asia/Manila",),
    "israel": ("Asia/Jerusalem",), "egypt": ("Africa/Cairo",), "south africa": ("Africa/Johannesburg",),
    "nigeria": ("Africa/Lagos",), "kenya": ("Africa/Nairobi",), "new zealand": ("Pacific/Auckland",),
    "nz": ("Pacific/Auckland",), "argentina": ("America/Argentina/Buenos_Aires",),
    "spain": ("Europe/Madrid", "Atlantic/Canary"), "portugal": ("Europe/Lisbon", "Atlantic/Azores"),
    "usa": ("America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles",
            "America/Anchorage", "Pacific/Honolulu"),
    "canada": ("America/St_Johns", "America/Halifax", "America/Toronto", "America/Winnipeg", "America/Edmonton",
               "America/Vancouver"),
    "australia": ("Australia/Perth", "Australia/Darwin", "Australia/Adelaide", "Australia/Brisbane",
                  "Australia/Sydney"),
    "brazil": ("America/Sao_Paulo", "America/Manaus", "America/Noronha", "America/Rio_Branco"),
    "mexico": ("America/Mexico_City", "America/Cancun", "America/Chihuahua", "America/Tijuana"),
    "russia": ("Europe/Moscow", "Asia/Yekaterinburg", "Asia/Novosibirsk", "Asia/Vladivostok"),
    "indonesia": ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"),
}
for _alias in ("us", "united states", "america"):
    COUNTRIES[_alias] = COUNTRIES["usa"]
# Days whose offsets tell two zones apart (winter and summer on both hemispheres, some years apart).
PROBES = tuple(datetime(year, month, 15, 12, tzinfo=UTC) for year in (2000, 2015, 2026) for month in (1, 4, 7, 10))


def place_key(text: str) -> str:
    """What a typed place is compared by: lower case, spaces for underscores, single spaces."""
    return " ".join(text.replace("_", " ").replace("-", " ").lower().split())


def _same_time(a: str, b: str) -> bool:
    za, zb = ZoneInfo(a), ZoneInfo(b)
    return all(za.utcoffset(probe) == zb.utcoffset(probe) for probe in PROBES)


@cache
def cities() -> dict[str, tuple[str, ...]]:
    """Each city of the IANA names (its last part), with the zones it may mean (different times only)."""
    found: dict[str, list[str]] = {}
    for name in sorted(available_timezones(), key=lambda n: (-n.count("/"), n)):
        if not name.startswith(AREAS):
            continue
        key = place_key(name.rsplit("/", 1)[1])
        if key in NOT_PLACES:
            continue
        same = found.setdefault(key, [])
        # The deepest name comes first ("America/Argentina/Cordoba" before "America/Cordoba").
        if not any(_same_time(name, other) for other in same):
            same.append(name)
    return {key: tuple(zones) for key, zones in found.items()}


def zones_for_place(text: str) -> tuple[str, ...]:
    """The zones a city or country name may mean: none if it is not one, several if it is ambiguous."""
    key = place_key(text)
    return COUNTRIES.get(key) or cities().get(key) or ()


def close_places(text: str, limit: int = 3) -> list[str]:
    """Zone names for the cities and countries closest in spelling to ``text``, for a "did you mean"."""
    known = list(cities()) + list(COUNTRIES)
    zones: list[str] = []
    for key in difflib.get_close_matches(place_key(text), known, n=limit, cutoff=0.75):
        for name in zones_for_place(key):
            if name not in zones:
                zones.append(name)
    return zones[:limit]
