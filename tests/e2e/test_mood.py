"""/mood end to end: the reading goes to the member alone, the joke to the channel; an unsure
reading asks with buttons and the click brings the pick; a crisis gets care and no joke."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.services.mood.rules import CRISIS_REPLY, OTHER_LANGUAGE_REPLY
from tests.e2e.harness import Banter, banter, run_banter, until_closed

MOODS = {"happy", "sad", "stressed", "bored", "angry", "tired", "lonely"}


@pytest.fixture
async def b(tmp_path: Path):
    async with banter(tmp_path) as world:
        yield world


def item_id(msg) -> int:
    return int(re.search(r"#(\d+)", msg.embed["footer"]["text"]).group(1))


def mood_buttons(msg) -> list[str]:
    return [btn["label"] for btn in msg.buttons() if str(btn.get("custom_id", "")).startswith("mood:pick:")]


async def test_the_reading_is_for_the_member_and_the_joke_for_everyone(b: Banter) -> None:
    ix = await b.emu.slash(b.sb.alice, b.sb.general, "mood", feeling="ugh, exams tomorrow")
    assert (await ix.response()).ephemeral
    reading = await ix.original_message()
    assert reading.content.startswith("I read “ugh, exams tomorrow” as **stressed** 😰")
    assert "exams tomorrow" in reading.content.split("(", 1)[1]  # it says why
    (joke,) = await ix.wait_followups(1)
    assert not joke.ephemeral and joke.embed["footer"]["text"].startswith("Joke #")
    # Nothing anyone else can see says what alice typed or the mood read.
    public = b.emu.channel_messages(b.sb.general)
    assert public == [joke]
    # (The joke's own text may use the word "stressed"; what must not show is the reading.)
    shown = str(joke.embed)
    assert not joke.content and "I read" not in shown and "exams tomorrow" not in shown and "Mood" not in shown
    item = await b.core.storage.items.get(item_id(joke))
    assert "stressed" in item.moods and not item.flags


async def test_typos_negation_and_emoji_read_as_a_person_would(b: Banter) -> None:
    for feeling, expected in (("not happy at all", "sad"), ("😴😴", "tired"), ("so tierd", "tired"),
                              ("happy but nervous about tomorrow", "stressed")):
        ix = await b.emu.slash(b.sb.alice, b.sb.general, "mood", feeling=feeling)
        assert f"as **{expected}**" in (await ix.original_message()).content, feeling
        (joke,) = await ix.wait_followups(1)
        assert expected in (await b.core.storage.items.get(item_id(joke))).moods


async def test_an_unsure_reading_asks_and_the_click_brings_the_pick(b: Banter) -> None:
    ix = await b.emu.slash(b.sb.alice, b.sb.general, "mood", feeling="nobody is answering")
    answer = await ix.original_message()
    assert answer.ephemeral and "Did you mean" in answer.content and "**lonely**" in answer.content
    offered = mood_buttons(answer)
    assert 2 <= len(offered) <= 3 and offered[0] == "lonely"
    assert ix.followups == [] and b.emu.channel_messages(b.sb.general) == []  # no joke before a choice
    click = await b.emu.click(b.sb.alice, answer, label=offered[1])
    assert (await click.response()).type == 7  # the question is replaced by the answer
    picked = b.emu.get_message(answer)
    assert picked.content == f"You picked **{offered[1]}** {b.core.moods.get(offered[1]).emoji}."
    assert mood_buttons(picked) == []
    (joke,) = await click.wait_followups(1)
    assert not joke.ephemeral
    assert offered[1] in (await b.core.storage.items.get(item_id(joke))).moods


async def test_nothing_read_is_no_dead_end(b: Banter) -> None:
    ix = await b.emu.slash(b.sb.alice, b.sb.general, "mood", feeling="the quarterly report")
    answer = await ix.original_message()
    assert answer.ephemeral and "could not tell a mood from “the quarterly report”" in answer.content
    assert set(mood_buttons(answer)) == MOODS
    click = await b.emu.click(b.sb.alice, answer, label="bored")
    (joke,) = await click.wait_followups(1)
    assert "bored" in (await b.core.storage.items.get(item_id(joke))).moods


async def test_a_crisis_gets_care_and_no_joke(b: Banter) -> None:
    ix = await b.emu.slash(b.sb.alice, b.sb.general, "mood", feeling="i don't want to be alive anymore")
    answer = await ix.original_message()
    assert answer.ephemeral and answer.content == CRISIS_REPLY
    assert "moderators" in answer.content and answer.buttons() == [] and answer.embed is None
    assert ix.followups == [] and b.emu.channel_messages(b.sb.general) == []


async def test_another_language_is_said_so_with_moods_to_pick(b: Banter) -> None:
    ix = await b.emu.slash(b.sb.alice, b.sb.general, "mood", feeling="estoy muy cansado hoy")
    answer = await ix.original_message()
    assert answer.ephemeral and answer.content == OTHER_LANGUAGE_REPLY
    assert set(mood_buttons(answer)) == MOODS


async def test_a_pick_offered_for_a_gentle_reading_stays_gentle(b: Banter) -> None:
    # Flagged jokes are allowed here, except where a gentle mood is in play.
    await b.core.storage.settings.update(b.sb.guild.id, safe_mode=False)
    ix = await b.emu.slash(b.sb.alice, b.sb.general, "mood", feeling="nobody is answering")
    answer = await ix.original_message()
    # lonely is gentle, so every mood offered beside it picks gently too.
    assert all(btn["custom_id"].endswith(":g") for btn in answer.buttons() if btn["custom_id"].startswith("mood:pick:"))
    not_gentle = next(label for label in mood_buttons(answer) if not b.core.moods.get(label).gentle)
    for _ in range(8):
        click = await b.emu.click(b.sb.alice, answer, label=not_gentle)
        (joke,) = await click.wait_followups(1)
        assert not (await b.core.storage.items.get(item_id(joke))).flags
        ix = await b.emu.slash(b.sb.alice, b.sb.general, "mood", feeling="nobody is answering")
        answer = await ix.original_message()


async def test_a_click_after_a_restart_still_picks(tmp_path: Path) -> None:
    async with banter(tmp_path) as b:
        answer = await (await b.emu.slash(b.sb.alice, b.sb.general, "mood", feeling="the quarterly report")
                        ).original_message()
        await b.bot.close()
        await until_closed(b.config.database_path)
        async with run_banter(b.emu, b.config, b.clock):
            click = await b.emu.click(b.sb.alice, answer, label="happy")
            (joke,) = await click.wait_followups(1)
            assert joke.embed["footer"]["text"].startswith("Joke #")


async def test_autocomplete_offers_moods_and_reads_text(b: Banter) -> None:
    choices = await b.emu.autocomplete(b.sb.alice, b.sb.general, "mood", focused="feeling", value="")
    assert {c["value"] for c in choices} >= MOODS
    choices = await b.emu.autocomplete(b.sb.alice, b.sb.general, "mood", focused="feeling", value="so knackered")
    assert choices[0]["name"].endswith("→ tired")


async def test_votes_on_a_mood_pick_count_for_that_mood_and_old_buttons_still_count(b: Banter) -> None:
    ix = await b.emu.slash(b.sb.alice, b.sb.general, "mood", feeling="ugh, exams tomorrow")
    (joke,) = await ix.wait_followups(1)
    joke_id = item_id(joke)
    ids = [btn["custom_id"] for btn in joke.buttons()]
    assert f"vote:{joke_id}:up:stressed" in ids and f"vote:{joke_id}:down:stressed" in ids
    click = await b.emu.click(b.sb.bob, joke, custom_id=f"vote:{joke_id}:up:stressed")
    assert (await click.response()).type == 7
    voted = b.emu.get_message(joke)
    assert f"vote:{joke_id}:up:stressed" in [btn["custom_id"] for btn in voted.buttons()]  # it keeps its mood
    votes = b.core.storage.votes
    assert (await votes.mood_tally(joke_id, b.sb.guild.id, "stressed")).up == 1
    assert (await votes.tally(joke_id, b.sb.guild.id)).up == 1
    # A plain /joke's buttons, the only kind sent before votes counted per mood, still count.
    plain = await (await b.emu.slash(b.sb.alice, b.sb.general, "joke")).original_message()
    plain_id = item_id(plain)
    assert f"vote:{plain_id}:up" in [btn["custom_id"] for btn in plain.buttons()]
    before = await votes.tally(plain_id, b.sb.guild.id)
    moods_before = await b.core.storage.db.scalar("SELECT count(*) FROM mood_item_stats WHERE up + down > 0")
    await (await b.emu.click(b.sb.alice, plain, custom_id=f"vote:{plain_id}:up")).response()
    assert (await votes.tally(plain_id, b.sb.guild.id)).up == before.up + 1
    assert await b.core.storage.db.scalar("SELECT count(*) FROM mood_item_stats WHERE up + down > 0") == moods_before
