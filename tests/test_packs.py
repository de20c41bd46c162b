"""Content packs: every shipped pack is valid, and bad packs are refused with precise messages."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bot.errors import ContentError
from bot.services.packs import BUILTIN_CONTENT, load_library

MOODS = BUILTIN_CONTENT / "moods.yaml"


@pytest.fixture(scope="module")
def library():
    return load_library([BUILTIN_CONTENT])


def test_builtin_packs_meet_the_content_brief(library) -> None:
    jokes = [e for e in library.entries() if e.kind == "joke"]
    topics = [e for e in library.entries() if e.kind == "discussion"]
    assert len(jokes) >= 150
    categories = Counter(c for j in jokes for c in j.categories)
    assert len(categories) >= 8
    assert sum(j.body.two_part for j in jokes) / len(jokes) >= 0.4
    per_mood = Counter(m for j in jokes for m in j.moods)
    for mood in library.moods:
        assert per_mood[mood.name] >= 10, mood.name
    assert len(topics) >= 20
    assert {m.name for m in library.moods} >= {"happy", "sad", "stressed", "bored", "angry", "tired", "lonely"}


def test_gentle_moods_never_list_flagged_jokes(library) -> None:
    gentle = {m.name for m in library.moods if m.gentle}
    assert {"sad", "lonely", "stressed"} <= gentle
    for entry in library.entries():
        if entry.flags:
            assert not gentle & set(entry.moods), entry.key


def test_seed_topic_is_present_and_credited(library) -> None:
    topic = next(e for e in library.entries() if e.key == "social-media")
    assert "Baidu" in topic.credit
    assert len(topic.body.benefits) >= 2 and len(topic.body.disadvantages) >= 2
    assert len(topic.body.talking_points) == 4


def write_pack(folder: Path, name: str, text: str) -> None:
    (folder / "jokes").mkdir(parents=True, exist_ok=True)
    (folder / "jokes" / name).write_text(text, encoding="utf-8")


def test_bad_entries_are_named_by_file_entry_and_field(tmp_path: Path) -> None:
    write_pack(tmp_path, "bad.yaml", """
pack: bad
jokes:
  - id: ok-1
    text: Fine.
    categories: [pun]
  - id: no-cats
    text: Where are my categories?
  - id: both
    text: One
    setup: Two
    punchline: Three
    categories: [pun]
  - id: Bad Id
    text: x
    categories: [pun]
  - id: moody
    text: x
    categories: [pun]
    moods: [hangry]
    flags: [spicy]
  - id: long
    text: "%s"
    categories: [pun]
""" % ("x" * 1200))
    with pytest.raises(ContentError) as caught:
        load_library([tmp_path], moods_file=MOODS)
    problems = "\n".join(caught.value.problems)
    assert "bad.yaml, entry 2 (no-cats): categories: must list at least one" in problems
    assert "entry 3 (both): text: give either text, or setup and punchline, not both" in problems
    assert "entry 4 (Bad Id): id:" in problems
    assert "entry 5 (moody): moods: unknown mood 'hangry'" in problems
    assert "entry 5 (moody): flags: unknown flag 'spicy'" in problems
    assert "entry 6 (long): text: 1200 characters, at most 1000" in problems
    assert "ok-1" not in problems


def test_duplicate_ids_across_files_are_refused(tmp_path: Path) -> None:
    body = "pack: {name}\njokes:\n  - id: same\n    text: hi\n    categories: [pun]\n"
    write_pack(tmp_path, "a.yaml", body.format(name="a"))
    write_pack(tmp_path, "b.yaml", body.format(name="b"))
    with pytest.raises(ContentError) as caught:
        load_library([tmp_path], moods_file=MOODS)
    assert "id: already used in" in str(caught.value)


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    write_pack(tmp_path, "broken.yaml", "pack: x\njokes:\n  - id: a\n    text: [unclosed\n")
    with pytest.raises(ContentError) as caught:
        load_library([tmp_path], moods_file=MOODS)
    assert "broken.yaml, line" in str(caught.value)
    assert "not valid YAML" in str(caught.value)


def test_discussion_limits_keep_the_embed_showable(tmp_path: Path) -> None:
    (tmp_path / "discussions").mkdir()
    (tmp_path / "discussions" / "t.yaml").write_text("""
pack: t
discussions:
  - id: too-many-points
    title: A title
    question: A question?
    benefits: [one]
    disadvantages: [two]
    talking_points: [{}]
""".format(", ".join(["{heading: h, text: t}"] * 11)), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_library([tmp_path], moods_file=MOODS)
    assert "talking_points: 11 points, at most 10" in str(caught.value)
