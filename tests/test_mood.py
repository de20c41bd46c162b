from __future__ import annotations

import subprocess
import sys

import pytest

from bot.services.mood import MoodReader
from bot.services.packs import load_moods


@pytest.fixture(scope="module")
def reader() -> MoodReader:
    return MoodReader(load_moods())


@pytest.mark.parametrize(
    ("text", "mood"),
    [
        ("happy", "happy"),
        ("ugh, exams tomorrow", "stressed"),
        ("not happy at all", "sad"),
        ("I'm not sad, just bored out of my mind", "bored"),
        ("so tired, barely slept", "tired"),
        ("nobody to talk to tonight", "lonely"),
        ("this traffic makes me furious", "angry"),
        ("😴", "tired"),
        ("😡😡", "angry"),
        ("feeling great today!", "happy"),
        ("HAPPY", "happy"),
        ("sad but happy", "happy"),
        ("happy but sad", "sad"),
    ],
)
def test_reads_moods_in_peoples_words(reader: MoodReader, text: str, mood: str) -> None:
    reading = reader.read(text)
    assert reading.mood is not None, text
    assert reading.mood.name == mood, (text, reading.cues)


def test_text_with_no_cue_reads_as_nothing(reader: MoodReader) -> None:
    assert reader.read("the quarterly report is attached").mood is None


def test_cli_prints_the_mood_then_the_cues() -> None:
    out = subprocess.run([sys.executable, "-m", "bot", "mood", "not happy at all"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "sad"
    assert any("happy" in line and "negated" in line for line in lines[1:])
