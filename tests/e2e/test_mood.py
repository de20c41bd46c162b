"""/mood end to end: the reading goes to the member alone, the joke to the channel; an unsure
reading asks with buttons and the click brings the pick; a crisis gets care and no joke."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.services.mood.rules import CRISIS_REPLY, OTHER_LANGUAGE_REPLY
from bot.services.packs import load_moods
from tests.e2e.harness import Banter, banter
from tests.e2e.seen import Shown, shipped_joke

MOODS = {m.name: m for m in load_moods()}


@pytest.fixture
async def b(tmp_path: Path) -> AsyncIterator[Banter]:
    async with banter(tmp_path) as world:
        yield world


def mood_buttons(message: Shown) -> list[str]:
    return [btn.name for btn in message.buttons if (btn.custom_id or "").startswith("mood:pick:")]


def fits(joke: Shown, mood: str) -> bool:
    """Whether the joke shown is one the built-in packs give for ``mood``."""
    return mood in shipped_joke(joke.embed).moods


async def test_the_reading_is_for_the_member_and_the_joke_for_everyone(b: Banter) -> None:
    answer = await b.alice.run("mood", feeling="ugh, exams tomorrow")
    assert answer.ephemeral
    assert answer.content.startswith("I read “ugh, exams tomorrow” as **stressed** 😰")
    assert "exams tomorrow" in answer.content.split("(", 1)[1]  # it says why
    (joke,) = await answer.followups(1)
    assert not joke.ephemeral and joke.embed.footer.startswith("Joke #")
    # Nothing anyone else can see says what alice typed or the mood read.
    assert b.messages() == [joke]
    # (The joke's own text may use the word "stressed"; what must not show is the reading.)
    shown = joke.embed.text
    assert not joke.content and "I read" not in shown and "exams tomorrow" not in shown and "Mood" not in shown
    entry = shipped_joke(joke.embed)
    assert "stressed" in entry.moods and not entry.flags


async def test_typos_negation_and_emoji_read_as_a_person_would(b: Banter) -> None:
    for feeling, expected in (("not happy at all", "sad"), ("😴😴", "tired"), ("so tierd", "tired"),
                              ("happy but nervous about tomorrow", "stressed")):
        answer = await b.alice.run("mood", feeling=feeling)
        assert f"as **{expected}**" in answer.content, feeling
        (joke,) = await answer.followups(1)
        assert fits(joke, expected), feeling


async def test_an_unsure_reading_asks_and_the_click_brings_the_pick(b: Banter) -> None:
    answer = await b.alice.run("mood", feeling="work is piling up and nobody helps")
    assert answer.ephemeral and "Did you mean" in answer.content and "**lonely**" in answer.content
    offered = mood_buttons(answer.message)
    assert 2 <= len(offered) <= 3 and offered[0] == "lonely"
    assert answer.followups_so_far == [] and b.messages() == []  # no joke before a choice
    click = await b.alice.click(answer, offered[1])
    assert click.updated  # the question is replaced by the answer
    assert answer.content == f"You picked **{offered[1]}** {MOODS[offered[1]].emoji}."
    assert mood_buttons(answer.message) == []
    (joke,) = await click.followups(1)
    assert not joke.ephemeral
    assert fits(joke, offered[1])


async def test_nothing_read_is_no_dead_end(b: Banter) -> None:
    answer = await b.alice.run("mood", feeling="the quarterly report")
    assert answer.ephemeral and "could not tell a mood from “the quarterly report”" in answer.content
    assert set(mood_buttons(answer.message)) == set(MOODS)
    click = await b.alice.click(answer, "bored")
    (joke,) = await click.followups(1)
    assert fits(joke, "bored")


async def test_a_crisis_gets_care_and_no_joke(b: Banter) -> None:
    answer = await b.alice.run("mood", feeling="i don't want to be alive anymore")
    assert answer.ephemeral and answer.content == CRISIS_REPLY
    assert "moderators" in answer.content and answer.buttons == [] and not answer.message.has_embed
    assert answer.followups_so_far == [] and b.messages() == []


async def test_another_language_is_said_so_with_moods_to_pick(b: Banter) -> None:
    answer = await b.alice.run("mood", feeling="estoy muy cansado hoy")
    assert answer.ephemeral and answer.content == OTHER_LANGUAGE_REPLY
    assert set(mood_buttons(answer.message)) == set(MOODS)


def gentle_test_pack(folder: Path) -> str:
    """A French pack of eight jokes for every mood that is not gentle and eight more like them but
    flagged, so that a server reading French alone picks from these: an ungentle pick shows a
    flagged one in all but one of 12,870 runs of eight picks. The config that loads it."""
    moods = [name for name, mood in MOODS.items() if not mood.gentle]
    jokes = "".join(f"  - id: fr-{flag or 'plain'}-{n}\n    text: \"{flag or 'plain'} joke {n}\"\n"
                    f"    categories: [pun]\n    moods: [{', '.join(moods)}]\n    flags: [{flag}]\n"
                    for flag in ("", "dark") for n in range(8))
    (folder / "packs" / "jokes").mkdir(parents=True)
    (folder / "packs" / "jokes" / "fr.yaml").write_text(f"pack: fr\nlanguage: fr\njokes:\n{jokes}", encoding="utf-8")
    return "content:\n  paths: [packs]\n"


async def test_a_pick_offered_for_a_gentle_reading_stays_gentle(tmp_path: Path) -> None:
    # Flagged jokes are allowed here, except where a gentle mood is in play.
    async with banter(tmp_path, config_extra=gentle_test_pack(tmp_path)) as b:
        carol = await b.moderator("carol")
        assert (await carol.run("settings safe-mode", enabled=False)).content == "Saved."
        assert (await carol.run("settings languages", codes="fr")).content.startswith("Saved.")
        answer = await b.alice.run("mood", feeling="work is piling up and nobody helps")
        # lonely is gentle, so every mood offered beside it picks gently too.
        picks = [btn for btn in answer.buttons if (btn.custom_id or "").startswith("mood:pick:")]
        assert picks and all((btn.custom_id or "").endswith(":g") for btn in picks)
        not_gentle = next(label for label in mood_buttons(answer.message) if not MOODS[label].gentle)
        for _ in range(8):
            click = await b.alice.click(answer, not_gentle)
            (joke,) = await click.followups(1)
            assert joke.embed.description.startswith("plain joke"), joke.embed.description
            answer = await b.alice.run("mood", feeling="work is piling up and nobody helps")


async def test_a_click_after_a_restart_still_picks(b: Banter) -> None:
    answer = await b.alice.run("mood", feeling="the quarterly report")
    await b.restart()
    click = await b.alice.click(answer, "happy")
    (joke,) = await click.followups(1)
    assert joke.embed.footer.startswith("Joke #") and fits(joke, "happy")


async def test_autocomplete_offers_moods_and_reads_text(b: Banter) -> None:
    choices = await b.alice.suggestions("mood", focused="feeling", value="")
    assert {c.value for c in choices} >= set(MOODS)
    choices = await b.alice.suggestions("mood", focused="feeling", value="so knackered")
    assert choices[0].name.endswith("→ tired")


async def test_votes_on_a_mood_pick_count_for_that_mood_and_old_buttons_still_count(b: Banter) -> None:
    # How a mood's votes steer its later picks is tested on the service (tests/test_mood_votes.py);
    # here: the buttons carry the mood, keep it when redrawn, and count like any vote.
    answer = await b.alice.run("mood", feeling="ugh, exams tomorrow")
    (joke,) = await answer.followups(1)
    joke_id = joke.item_id
    assert {f"vote:{joke_id}:up:stressed", f"vote:{joke_id}:down:stressed"} <= set(joke.custom_ids)
    click = await b.bob.click(joke, f"vote:{joke_id}:up:stressed")
    assert click.updated and joke.votes == (1, 0)
    assert f"vote:{joke_id}:up:stressed" in joke.custom_ids  # it keeps its mood
    # A plain /joke's buttons, the only kind sent before votes counted per mood, still count.
    plain = (await b.alice.run("joke")).message
    assert f"vote:{plain.item_id}:up" in plain.custom_ids
    await b.alice.click(plain, f"vote:{plain.item_id}:up")
    assert plain.votes == (1, 0)
    # Both votes show where a moderator looks at the items.
    carol = await b.moderator("carol")
    for item_id in {joke_id, plain.item_id}:
        shown = await carol.run("content show", id=item_id)
        assert shown.embeds[1].fields["Votes"].startswith("here 👍 1 👎 0"), item_id
