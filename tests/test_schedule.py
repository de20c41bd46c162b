"""The time-zone maths of daily posts, over daylight-saving changes in several zones."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.services.daily.days import DaysError, parse_days, parse_pause
from bot.services.schedule import (
    ScheduleError,
    first_open,
    format_time,
    moments,
    next_occurrence,
    occurrence,
    parse_time,
    suggest_zones,
    zone,
    zone_name,
)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


# --- parsing ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("09:00", time(9, 0)), ("9:05", time(9, 5)), ("23:59", time(23, 59)), ("00:00", time(0, 0)),
    (" 18:30 ", time(18, 30)), ("7h15", time(7, 15)), ("21.05", time(21, 5)), ("21:00", time(21, 0)),
    ("9am", time(9, 0)), ("9:30pm", time(21, 30)), ("9 PM", time(21, 0)), ("11.15 a.m.", time(11, 15)),
    ("12am", time(0, 0)), ("12pm", time(12, 0)), ("12:30am", time(0, 30)), ("9:00pm", time(21, 0)),
])
def test_parse_time(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["24:00", "12:60", "noon", "9", "09:0", "", "-1:00", "123:00",
                                  "13pm", "0am", "9:75am", "21:00pm", "9xm"])
def test_parse_time_rejects(text: str) -> None:
    with pytest.raises(ScheduleError):
        parse_time(text)


def test_format_time() -> None:
    assert format_time(time(7, 5)) == "07:05"


def test_zone_names_are_case_insensitive_and_canonical() -> None:
    assert zone_name("europe/london") == "Europe/London"
    assert zone_name(" America/St_Johns ") == "America/St_Johns"
    assert zone_name("utc") == "UTC"


@pytest.mark.parametrize("name", ["Mars/Olympus", "", "localtime", "../../etc/passwd", "posix/Europe/Paris"])
def test_unknown_zones_are_refused(name: str) -> None:
    with pytest.raises(ScheduleError, match="not a time zone"):
        zone(name)


def test_suggest_zones() -> None:
    assert suggest_zones("")[0] == "UTC"
    assert "Europe/London" in suggest_zones("lond")
    assert suggest_zones("kolkata") == ["Asia/Kolkata"]
    assert "America/New_York" in suggest_zones("new york")
    assert len(suggest_zones("a")) == 25
    assert suggest_zones("zzzz") == []
    assert suggest_zones("uk")[0] == "Europe/London"
    assert suggest_zones("usa")[:2] == ["America/New_York", "America/Chicago"]


@pytest.mark.parametrize(("typed", "expected"), [
    ("london", "Europe/London"), ("London", "Europe/London"), ("new york", "America/New_York"),
    ("New_York", "America/New_York"), ("tokyo", "Asia/Tokyo"), ("uk", "Europe/London"), ("UK", "Europe/London"),
    ("united kingdom", "Europe/London"), ("india", "Asia/Kolkata"), ("kolkata", "Asia/Kolkata"),
    ("sydney", "Australia/Sydney"), ("los angeles", "America/Los_Angeles"), ("buenos aires",
    "America/Argentina/Buenos_Aires"), ("sao paulo", "America/Sao_Paulo"),
])
def test_cities_and_countries_name_zones(typed: str, expected: str) -> None:
    assert zone_name(typed) == expected


def test_a_city_under_two_names_that_keep_the_same_time_is_one_zone() -> None:
    # Asia/Istanbul and Europe/Istanbul are the same clock: no question to ask.
    assert zone(zone_name("istanbul")).utcoffset(utc(2026, 7, 1)) == timedelta(hours=3)


@pytest.mark.parametrize(("typed", "choices"), [
    ("usa", ["America/New_York", "America/Los_Angeles", "Pacific/Honolulu"]),
    ("australia", ["Australia/Perth", "Australia/Sydney"]),
    ("spain", ["Europe/Madrid", "Atlantic/Canary"]),
])
def test_an_ambiguous_place_lists_its_zones(typed: str, choices: list[str]) -> None:
    with pytest.raises(ScheduleError, match="several time zones") as refused:
        zone_name(typed)
    for name in choices:
        assert name in str(refused.value)


def test_a_misspelt_city_gets_a_did_you_mean() -> None:
    with pytest.raises(ScheduleError, match="Did you mean Europe/London") as refused:
        zone_name("lodnon")
    assert "london" in str(refused.value)


def test_every_zone_a_country_names_exists() -> None:
    from bot.services.places import COUNTRIES, cities

    for zones in COUNTRIES.values():
        for name in zones:
            assert zone_name(name) == name
    # Compass words and old aliases are no cities.
    assert "pacific" not in cities() and "eastern" not in cities() and "london" in cities()


# --- ordinary days ------------------------------------------------------------------------------

@pytest.mark.parametrize(("tz", "day", "at", "expected"), [
    ("Europe/London", date(2026, 1, 15), time(9, 0), utc(2026, 1, 15, 9, 0)),
    ("Europe/London", date(2026, 7, 15), time(9, 0), utc(2026, 7, 15, 8, 0)),
    ("America/New_York", date(2026, 1, 15), time(9, 0), utc(2026, 1, 15, 14, 0)),
    ("Asia/Kolkata", date(2026, 3, 29), time(9, 0), utc(2026, 3, 29, 3, 30)),
    ("Asia/Kolkata", date(2026, 3, 29), time(1, 0), utc(2026, 3, 28, 19, 30)),
    ("Australia/Sydney", date(2026, 1, 15), time(9, 0), utc(2026, 1, 14, 22, 0)),
    ("America/St_Johns", date(2026, 1, 15), time(9, 0), utc(2026, 1, 15, 12, 30)),
    ("UTC", date(2026, 1, 15), time(0, 0), utc(2026, 1, 15, 0, 0)),
])
def test_occurrence_on_ordinary_days(tz: str, day: date, at: time, expected: datetime) -> None:
    assert occurrence(day, at, ZoneInfo(tz)) == expected


# --- jumps forward: the wall time does not exist, the post goes at the next valid minute ---------

@pytest.mark.parametrize(("tz", "day", "at", "expected_local"), [
    # London: 01:00 -> 02:00 on 29 March 2026.
    ("Europe/London", date(2026, 3, 29), time(1, 0), datetime(2026, 3, 29, 2, 0)),
    ("Europe/London", date(2026, 3, 29), time(1, 30), datetime(2026, 3, 29, 2, 0)),
    ("Europe/London", date(2026, 3, 29), time(1, 59), datetime(2026, 3, 29, 2, 0)),
    # New York: 02:00 -> 03:00 on 8 March 2026.
    ("America/New_York", date(2026, 3, 8), time(2, 30), datetime(2026, 3, 8, 3, 0)),
    # Sydney: 02:00 -> 03:00 on 4 October 2026.
    ("Australia/Sydney", date(2026, 10, 4), time(2, 0), datetime(2026, 10, 4, 3, 0)),
    ("Australia/Sydney", date(2026, 10, 4), time(2, 45), datetime(2026, 10, 4, 3, 0)),
    # St John's (UTC-3:30): 02:00 -> 03:00 on 8 March 2026.
    ("America/St_Johns", date(2026, 3, 8), time(2, 15), datetime(2026, 3, 8, 3, 0)),
    # Lord Howe moves by half an hour: 02:00 -> 02:30 on 4 October 2026.
    ("Australia/Lord_Howe", date(2026, 10, 4), time(2, 10), datetime(2026, 10, 4, 2, 30)),
    # Samoa skipped 30 December 2011 altogether: the post goes at the first minute of the 31st.
    ("Pacific/Apia", date(2011, 12, 30), time(9, 0), datetime(2011, 12, 31, 0, 0)),
])
def test_gap_posts_at_the_next_valid_minute(tz: str, day: date, at: time, expected_local: datetime) -> None:
    zone_info = ZoneInfo(tz)
    moment = occurrence(day, at, zone_info)
    assert moment.astimezone(zone_info).replace(tzinfo=None) == expected_local
    # It is the first minute that exists after the wall time: one minute earlier is still inside the gap
    # (or is before the wall time asked for).
    before = (moment - timedelta(minutes=1)).astimezone(zone_info).replace(tzinfo=None)
    assert before < datetime.combine(day, at)


@pytest.mark.parametrize(("tz", "day"), [
    ("Europe/London", date(2026, 3, 29)), ("America/New_York", date(2026, 3, 8)),
    ("Australia/Sydney", date(2026, 10, 4)), ("America/St_Johns", date(2026, 3, 8)),
])
def test_times_around_a_gap_are_unaffected(tz: str, day: date) -> None:
    zone_info = ZoneInfo(tz)
    for at in (time(0, 59), time(3, 0), time(9, 0), time(23, 59)):
        local = occurrence(day, at, zone_info).astimezone(zone_info)
        assert (local.hour, local.minute) == (at.hour, at.minute)


# --- jumps back: the wall time happens twice, the post goes once (the first time) --------------------

@pytest.mark.parametrize(("tz", "day", "at", "expected"), [
    # London: 02:00 BST -> 01:00 GMT on 25 October 2026; 01:30 happens at 00:30 and 01:30 UTC.
    ("Europe/London", date(2026, 10, 25), time(1, 30), utc(2026, 10, 25, 0, 30)),
    # New York: 02:00 EDT -> 01:00 EST on 1 November 2026.
    ("America/New_York", date(2026, 11, 1), time(1, 30), utc(2026, 11, 1, 5, 30)),
    # Sydney: 03:00 AEDT -> 02:00 AEST on 5 April 2026.
    ("Australia/Sydney", date(2026, 4, 5), time(2, 30), utc(2026, 4, 4, 15, 30)),
    # St John's: 02:00 -> 01:00 on 1 November 2026 (UTC-2:30 -> UTC-3:30).
    ("America/St_Johns", date(2026, 11, 1), time(1, 15), utc(2026, 11, 1, 3, 45)),
])
def test_fold_posts_once_at_the_first_occurrence(tz: str, day: date, at: time, expected: datetime) -> None:
    zone_info = ZoneInfo(tz)
    assert occurrence(day, at, zone_info) == expected
    # Walking the days over the fold yields one moment for the fold day, not two.
    found = moments(day - timedelta(days=1), at, zone_info, until=expected + timedelta(days=1, hours=2))
    days = [d for d, _ in found]
    assert days == [day - timedelta(days=1), day, day + timedelta(days=1)]
    assert [m for d, m in found if d == day] == [expected]


def test_kolkata_has_no_daylight_saving() -> None:
    zone_info = ZoneInfo("Asia/Kolkata")
    start = date(2026, 1, 1)
    for offset in range(0, 365, 7):
        moment = occurrence(start + timedelta(days=offset), time(9, 0), zone_info)
        assert (moment.hour, moment.minute) == (3, 30)


@pytest.mark.parametrize("tz", ["Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata",
                                "America/St_Johns", "Australia/Lord_Howe", "Pacific/Chatham", "UTC"])
@pytest.mark.parametrize("at", [time(0, 0), time(1, 30), time(2, 30), time(9, 0), time(23, 59)])
def test_every_day_of_a_year_has_exactly_one_moment_in_order(tz: str, at: time) -> None:
    zone_info = ZoneInfo(tz)
    found = moments(date(2026, 1, 1), at, zone_info, until=utc(2027, 1, 1))
    days = [d for d, _ in found]
    assert len(set(days)) == len(days)
    # Consecutive days, strictly increasing moments, each 22-26 hours apart.
    for (d1, m1), (d2, m2) in itertools.pairwise(found):
        assert d2 - d1 == timedelta(days=1)
        assert timedelta(hours=22) <= m2 - m1 <= timedelta(hours=26)


# --- the next occurrence ----------------------------------------------------------------------------

def test_next_occurrence_today_or_tomorrow() -> None:
    london = ZoneInfo("Europe/London")
    assert next_occurrence(utc(2026, 1, 15, 8, 0), time(9, 0), london) == (date(2026, 1, 15), utc(2026, 1, 15, 9, 0))
    # Exactly at the time, or after it: tomorrow (a time that has passed does not post today).
    assert next_occurrence(utc(2026, 1, 15, 9, 0), time(9, 0), london)[0] == date(2026, 1, 16)
    assert next_occurrence(utc(2026, 1, 15, 9, 1), time(9, 0), london)[0] == date(2026, 1, 16)


def test_next_occurrence_uses_the_local_date() -> None:
    sydney = ZoneInfo("Australia/Sydney")
    # 20:00 UTC on 14 January is 07:00 on 15 January in Sydney.
    assert next_occurrence(utc(2026, 1, 14, 20, 0), time(9, 0), sydney) == (date(2026, 1, 15), utc(2026, 1, 14, 22, 0))
    new_york = ZoneInfo("America/New_York")
    # 03:00 UTC on 15 January is still the 14th in New York.
    assert next_occurrence(utc(2026, 1, 15, 3, 0), time(23, 0), new_york) == (
        date(2026, 1, 14), utc(2026, 1, 15, 4, 0))


def test_next_occurrence_over_a_gap_and_a_fold() -> None:
    london = ZoneInfo("Europe/London")
    assert next_occurrence(utc(2026, 3, 28, 12, 0), time(1, 30), london) == (date(2026, 3, 29), utc(2026, 3, 29, 1, 0))
    # Between the two 01:30s of the fold day, the next post is the next day's, not a second one.
    assert next_occurrence(utc(2026, 10, 25, 0, 45), time(1, 30), london) == (
        date(2026, 10, 26), utc(2026, 10, 26, 1, 30))


# --- which days -------------------------------------------------------------------------------------

SATURDAY = date(2026, 1, 10)


@pytest.mark.parametrize(("text", "posts_on"), [
    ("", "Mon Tue Wed Thu Fri Sat Sun"), ("every day", "Mon Tue Wed Thu Fri Sat Sun"),
    ("Weekdays", "Mon Tue Wed Thu Fri"), ("weekends", "Sat Sun"), ("mon, wed, fri", "Mon Wed Fri"),
    ("Tuesday and Thursday", "Tue Thu"), ("sundays", "Sun"), ("thurs/sat", "Thu Sat"),
])
def test_parse_days_by_weekday(text: str, posts_on: str) -> None:
    days = parse_days(text, SATURDAY)
    week = [SATURDAY + timedelta(days=n) for n in range(7)]
    assert sorted(d.weekday() for d in week if days.includes(d)) == sorted(
        ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun").index(name) for name in posts_on.split())


def test_parse_days_every_n_days_counts_from_the_first_post() -> None:
    days = parse_days("every 3 days", SATURDAY)
    assert [d.day for d in (SATURDAY + timedelta(days=n) for n in range(10)) if days.includes(d)] == [10, 13, 16, 19]
    assert days.describe() == "every 3 days"
    assert parse_days("every 1 day", SATURDAY).describe() == "every day"
    assert parse_days("mon, fri", SATURDAY).describe() == "on Mon and Fri"
    assert parse_days("mon tue sat", SATURDAY).describe() == "on Mon, Tue and Sat"


@pytest.mark.parametrize(("text", "message"), [
    ("funday", '"funday" is not a day of the week'),
    ("mon, someday", '"someday" is not a day of the week'),
    ("every 0 days", "from 1 to 365"), ("every -2 days", "from 1 to 365"), ("every 400 days", "from 1 to 365"),
    ("mo", '"mo" is not a day of the week'),
])
def test_parse_days_rejects(text: str, message: str) -> None:
    with pytest.raises(DaysError, match=message):
        parse_days(text, SATURDAY)


def test_parse_pause() -> None:
    pause = parse_pause("2026-12-24", "2026-12-31", date(2026, 12, 1))
    assert (pause.start, pause.end) == (date(2026, 12, 24), date(2026, 12, 31))
    assert pause.covers(date(2026, 12, 31)) and not pause.covers(date(2027, 1, 1))
    for start, end, message in [("2026-12-31", "2026-12-24", "would end"), ("24.12.2026", "2026-12-31", "not a date"),
                                ("2026-02-30", "2026-03-01", "not a date"), ("2026-11-01", "2026-11-02", "over"),
                                ("2026-12-01", "2028-01-01", "at most 366 days")]:
        with pytest.raises(DaysError, match=message):
            parse_pause(start, end, date(2026, 12, 1))


def test_moments_and_next_occurrence_keep_to_the_open_days() -> None:
    london = zone("Europe/London")
    sundays = parse_days("sun", SATURDAY)
    # 01:30 on Sunday 29 March 2026 does not exist in London: the clocks jump to 02:00 BST (01:00 UTC).
    assert next_occurrence(utc(2026, 3, 23), time(1, 30), london, sundays.includes) == (
        date(2026, 3, 29), utc(2026, 3, 29, 1, 0))
    found = moments(date(2026, 3, 20), time(1, 30), london, utc(2026, 4, 6), sundays.includes)
    assert found == [(date(2026, 3, 22), utc(2026, 3, 22, 1, 30)), (date(2026, 3, 29), utc(2026, 3, 29, 1, 0)),
                     (date(2026, 4, 5), utc(2026, 4, 5, 0, 30))]
    assert first_open(date(2026, 3, 23), time(9, 0), london, sundays.includes) == (
        date(2026, 3, 29), utc(2026, 3, 29, 8, 0))
