"""The trained mood reader kept in a file between start-ups (bot/services/mood/model_cache.py):
a reader from the file reads exactly as one trained afresh, and a stale or damaged file is
trained over and written again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.models import Mood
from bot.services.mood import MoodReader, MoodReading, load_examples
from bot.services.mood.classifier import NaiveBayes
from bot.services.packs import load_moods

# Plain moods, events with no mood word, typos, negation, "but", sarcasm, chat, emoji.
PHRASES = ("so tired today", "my flatmate ate my leftovers again", "not happy at all", "im so tierd",
           "happy but nervous about tomorrow", "great, another flat tyre on the way to work", "hello there",
           "everyone's out but me", "I passed!", "😡😡", "feelin lonley tonight", "in the dumps")


def readings(reader: MoodReader) -> list[MoodReading]:
    return [reader.read(text) for text in PHRASES]


@pytest.fixture(scope="module")
def moods() -> list[Mood]:
    return load_moods()


@pytest.fixture(scope="module")
def trained(moods: list[Mood]) -> list[MoodReading]:
    """What a reader trained afresh, with no file, reads."""
    return readings(MoodReader(moods, reuse=False))


def no_training(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> NaiveBayes:
        raise AssertionError("the reader was trained although the file matched")

    monkeypatch.setattr(NaiveBayes, "train", refuse)


def test_a_reader_from_the_file_reads_as_a_trained_one(tmp_path: Path, moods: list[Mood],
                                                        trained: list[MoodReading],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "mood-model.json"
    assert readings(MoodReader(moods, reuse=False, cache=cache)) == trained
    written = cache.read_bytes()
    no_training(monkeypatch)
    cached = MoodReader(moods, reuse=False, cache=cache)
    assert readings(cached) == trained
    assert cache.read_bytes() == written  # read, not written again


@pytest.mark.parametrize("damage", ["not json at all {", "[1, 2, 3]", ""])
def test_a_damaged_file_is_trained_over_and_written_again(tmp_path: Path, moods: list[Mood],
                                                          trained: list[MoodReading], damage: str) -> None:
    cache = tmp_path / "mood-model.json"
    cache.write_text(damage, encoding="utf-8")
    assert readings(MoodReader(moods, reuse=False, cache=cache)) == trained
    assert json.loads(cache.read_text(encoding="utf-8"))["model"]["labels"]


def test_a_file_of_the_right_key_but_the_wrong_shape_is_trained_over(tmp_path: Path, moods: list[Mood],
                                                                     trained: list[MoodReading]) -> None:
    cache = tmp_path / "mood-model.json"
    MoodReader(moods, reuse=False, cache=cache)
    data = json.loads(cache.read_text(encoding="utf-8"))
    data["model"]["counts"] = "gone"
    cache.write_text(json.dumps(data), encoding="utf-8")
    assert readings(MoodReader(moods, reuse=False, cache=cache)) == trained
    assert isinstance(json.loads(cache.read_text(encoding="utf-8"))["model"]["counts"], dict)


def test_a_file_trained_on_other_examples_is_not_used(tmp_path: Path, moods: list[Mood],
                                                      trained: list[MoodReading]) -> None:
    cache = tmp_path / "mood-model.json"
    examples = load_examples(labels=[m.name for m in moods])
    fewer = MoodReader(moods, examples[::3], reuse=False, cache=cache)
    assert readings(fewer) != trained  # the two models do differ on these phrases
    stale = cache.read_bytes()
    assert readings(MoodReader(moods, reuse=False, cache=cache)) == trained
    assert cache.read_bytes() != stale


def test_a_folder_that_cannot_be_written_only_costs_the_training(tmp_path: Path, moods: list[Mood],
                                                                 trained: list[MoodReading]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    reader = MoodReader(moods, reuse=False, cache=blocker / "mood-model.json")
    assert readings(reader) == trained


def test_a_reader_left_untrained_trains_at_its_first_reading(moods: list[Mood], trained: list[MoodReading]) -> None:
    reader = MoodReader(moods, reuse=False, train_now=False)
    assert reader.get("tired") is not None and reader.suggest("lone")[0].name == "lonely"
    assert not reader.warmed  # the moods themselves need no training
    assert readings(reader) == trained
    assert reader.warmed
