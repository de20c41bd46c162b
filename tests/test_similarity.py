"""The near-duplicate checks on form content: nearly the same characters, or a light rewording
(token-set similarity of the normalised words), measured on the shipped packs."""

from __future__ import annotations

from functools import cache

import pytest

from bot.models import ContentEntry
from bot.services.moderation.text import PARAPHRASE, fingerprint, normalise, paraphrase, same_item
from bot.services.packs import BUILTIN_CONTENT, load_library


@cache
def shipped() -> tuple[ContentEntry, ...]:
    return tuple(load_library([BUILTIN_CONTENT]).entries())


def shipped_print(words: str) -> str:
    """The fingerprint of the one shipped item that contains ``words``."""
    found = [fingerprint(e) for e in shipped() if words in fingerprint(e)]
    assert len(found) == 1, (words, found)
    return found[0]


# Real shipped items, each with a light rewording a member might send in.
REWORDED = [
    ("bear with no teeth", "What do you call a bear without any teeth? Gummy bear!"),
    ("fake noodle", "What's a fake noodle called? An impasta!"),
    ("one wall say", "What did one wall say to the other one? Meet you at the corner!"),
    ("skeletons ever start fights", "Why don't skeletons ever start a fight? They haven't got the guts!"),
    ("scarecrow win an award", "Why did a scarecrow get an award? Because he was outstanding in his field."),
    ("zoos help animals", "Zoos: do zoos really help animals, or should wild animals stay in the wild?"),
]


@pytest.mark.parametrize(("words", "rewording"), REWORDED)
def test_a_light_rewording_of_a_shipped_item_is_the_same_item(words: str, rewording: str) -> None:
    original = shipped_print(words)
    reworded = normalise(rewording)
    assert reworded != original
    assert paraphrase(original, reworded) and paraphrase(reworded, original)
    assert same_item(original, reworded)


def test_no_two_shipped_items_count_as_the_same() -> None:
    """Every pair of shipped items of a kind, in every language: none is taken for a rewording of
    another, so the threshold refuses nothing the packs themselves hold."""
    for kind in ("joke", "discussion"):
        prints = [fingerprint(e) for e in shipped() if e.kind == kind]
        assert len(prints) > 40
        clashes = [(a, b) for n, a in enumerate(prints) for b in prints[n + 1:] if same_item(a, b)]
        assert clashes == [], f"{len(clashes)} shipped {kind} pairs clash, e.g. {clashes[:3]}"


@pytest.mark.parametrize(("a", "b"), [
    # Same frame, another joke.
    ("What do you call a bear with no teeth? A gummy bear.", "What do you call a fish with no eyes? A fsh."),
    ("What did one wall say to the other wall? I'll meet you at the corner.",
     "What did one shoe say to the other? Wherever you go, I'm right behind you."),
    # Every word of the short one is in the long one, which says much more.
    ("A gummy bear", "What do you call a bear with no teeth? A gummy bear, said the dentist to the zookeeper."),
    ("", "Anything at all"),
    # Short texts: one word swapped is another joke.
    ("Never lend aardvarks your umbrella", "Never lend badgers your umbrella"),
])
def test_other_texts_are_not_rewordings(a: str, b: str) -> None:
    assert not paraphrase(normalise(a), normalise(b))


def test_the_threshold_is_a_score_out_of_100() -> None:
    assert 80 < PARAPHRASE < 100
