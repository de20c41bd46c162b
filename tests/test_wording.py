"""Counting things in replies: one helper, plural-correct."""

from __future__ import annotations

import pytest

from bot.wording import plural, plural_of


@pytest.mark.parametrize(("count", "noun", "expected"), [
    (1, "character", "1 character"), (3, "report", "3 reports"), (0, "joke", "0 jokes"),
    (1, "category", "1 category"), (2, "category", "2 categories"), (2, "day", "2 days"),
    (2, "match", "2 matches"), (5, "box", "5 boxes"), (2, "mood correction", "2 mood corrections"),
    (1, "discussion topic", "1 discussion topic"), (4, "discussion topic", "4 discussion topics"),
    (2, "person", "2 people"), (-1, "point", "-1 points"),
])
def test_plural(count: int, noun: str, expected: str) -> None:
    assert plural(count, noun) == expected


def test_a_plural_given_whole_wins() -> None:
    assert plural(2, "criterion", "criteria") == "2 criteria"
    assert plural(1, "criterion", "criteria") == "1 criterion"
    assert plural_of("key") == "keys"
