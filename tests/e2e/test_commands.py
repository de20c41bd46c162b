"""/joke, /mood, /discussion and /top end to end, through discord.py and the local Discord."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from discord_emulator import InvocationError
from tests.e2e.harness import Banter, banter, run_banter, until_closed
from tests.support import item_by_key


@pytest.fixture
async def b(tmp_path: Path):
    async with banter(tmp_path) as world:
        yield world


def votes(msg) -> tuple[str, str]:
    up, down = [btn for btn in msg.buttons() if str(btn.get("custom_id", "")).startswith("vote:")]
    return up["label"], down["label"]


def item_id(msg) -> int:
    return int(re.search(r"#(\d+)", msg.embed["footer"]["text"]).group(1))


async def test_joke_answers_with_an_embed_votes_and_no_mentions(b: Banter) -> None:
    ix = await b.emu.slash(b.sb.alice, b.sb.general, "joke")
    msg = await ix.original_message()
    assert msg.embed["description"]
    assert msg.embed["footer"]["text"].startswith("Joke #")
    assert votes(msg) == ("0", "0")
    # Every message goes out with no mentions allowed.
    callback = b.emu.requests_to("POST", r"/interactions/\d+/[^/]+/callback")[-1]
    assert callback.json["data"]["allowed_mentions"] == {"parse": []}


async def test_two_part_joke_hides_the_punchline_behind_a_spoiler(b: Banter) -> None:
    item = await item_by_key(b.core, "joke", "pun-001")
    assert item.body.two_part
    msg = await (await b.emu.slash(b.sb.alice, b.sb.general, "joke", search=item.body.setup)).original_message()
    assert msg.embed["description"] == f"{item.body.setup}\n\n||{item.body.punchline}||"


async def test_joke_by_category_and_autocomplete(b: Banter) -> None:
    choices = await b.emu.autocomplete(b.sb.alice, b.sb.general, "joke", focused="category", value="spo")
    values = [c["value"] for c in choices]
    assert "sports" in values and "spooky" in values
    for _ in range(5):
        msg = await (await b.emu.slash(b.sb.alice, b.sb.general, "joke", category="space")).original_message()
        assert "space" in msg.embed["footer"]["text"]


async def test_unknown_category_lists_the_real_ones(b: Banter) -> None:
    ix = await b.emu.slash(b.sb.alice, b.sb.general, "joke", category="knock-knock-nope")
    response = await ix.response()
    assert response.ephemeral
    msg = await ix.original_message()
    assert "no joke category called `knock-knock-nope`" in msg.content
    assert "`pun`" in msg.content


async def test_search_with_no_match_helps(b: Banter) -> None:
    ix = await b.emu.slash(b.sb.alice, b.sb.general, "joke", search="xylophonequasar")
    assert (await ix.response()).ephemeral
    assert "No joke matches" in (await ix.original_message()).content


async def test_too_long_search_is_refused_by_discord_before_the_bot(b: Banter) -> None:
    with pytest.raises(InvocationError):
        await b.emu.slash(b.sb.alice, b.sb.general, "joke", search="x" * 101)


async def test_mood_reads_free_text_and_says_so(b: Banter) -> None:
    msg = await (await b.emu.slash(b.sb.alice, b.sb.general, "mood", feeling="ugh, exams tomorrow")).original_message()
    assert msg.content.startswith("Mood: stressed")
    item = await b.core.storage.items.get(item_id(msg))
    assert "stressed" in item.moods and not item.flags


async def test_mood_negation_and_emoji(b: Banter) -> None:
    msg = await (await b.emu.slash(b.sb.alice, b.sb.general, "mood", feeling="not happy at all")).original_message()
    assert msg.content.startswith("Mood: sad")
    msg = await (await b.emu.slash(b.sb.alice, b.sb.general, "mood", feeling="😴😴")).original_message()
    assert msg.content.startswith("Mood: tired")


async def test_mood_autocomplete_offers_moods_and_reads_text(b: Banter) -> None:
    choices = await b.emu.autocomplete(b.sb.alice, b.sb.general, "mood", focused="feeling", value="")
    assert {c["value"] for c in choices} >= {"happy", "sad", "stressed", "bored", "angry", "tired", "lonely"}
    choices = await b.emu.autocomplete(b.sb.alice, b.sb.general, "mood", focused="feeling", value="so knackered")
    assert choices[0]["name"].endswith("→ tired")


async def test_mood_that_cannot_be_read_is_explained(b: Banter) -> None:
    ix = await b.emu.slash(b.sb.alice, b.sb.general, "mood", feeling="the quarterly report")
    assert (await ix.response()).ephemeral
    assert "could not tell a mood" in (await ix.original_message()).content


async def test_discussion_today_is_the_same_all_day_and_laid_out(b: Banter) -> None:
    first = await (await b.emu.slash(b.sb.alice, b.sb.general, "discussion today")).original_message()
    again = await (await b.emu.slash(b.sb.bob, b.sb.general, "discussion today")).original_message()
    assert item_id(first) == item_id(again)
    names = [f["name"] for f in first.embed["fields"]]
    assert names[:2] == ["👍 Benefits", "👎 Disadvantages"]
    assert re.match(r"1\. ", names[2])
    assert "Credit:" in first.embed["footer"]["text"]
    await b.clock.advance(24 * 3600)
    tomorrow = await (await b.emu.slash(b.sb.alice, b.sb.general, "discussion today")).original_message()
    assert item_id(tomorrow) != item_id(first)


async def test_discussion_random_does_not_repeat_in_a_channel(b: Banter) -> None:
    seen = []
    for _ in range(10):
        msg = await (await b.emu.slash(b.sb.alice, b.sb.general, "discussion random")).original_message()
        seen.append(item_id(msg))
    assert len(set(seen)) == 10


async def test_votes_toggle_switch_and_show_counts(b: Banter) -> None:
    msg = await (await b.emu.slash(b.sb.alice, b.sb.general, "joke")).original_message()
    click = await b.emu.click(b.sb.alice, msg, emoji="👍")
    assert (await click.response()).type == 7
    assert votes(b.emu.get_message(msg)) == ("1", "0")
    await (await b.emu.click(b.sb.alice, msg, emoji="👎")).response()
    assert votes(b.emu.get_message(msg)) == ("0", "1")
    await (await b.emu.click(b.sb.alice, msg, emoji="👎")).response()
    assert votes(b.emu.get_message(msg)) == ("0", "0")


async def test_item_messages_leave_nothing_behind_in_the_bot(b: Banter) -> None:
    # Clicks reach the dynamic items by custom_id; a view kept per message would grow forever.
    for command in ("joke", "discussion today"):
        msg = await (await b.emu.slash(b.sb.alice, b.sb.general, command)).original_message()
        await (await b.emu.click(b.sb.bob, msg, emoji="👍")).response()
        assert votes(b.emu.get_message(msg)) == ("1", "0")
    assert b.bot.persistent_views == []


async def test_many_members_clicking_at_once_all_count(tmp_path: Path) -> None:
    names = tuple(f"m{n}" for n in range(25))
    async with banter(tmp_path, members=names) as b:
        msg = await (await b.emu.slash(b.sb.member("m0"), b.sb.general, "joke")).original_message()
        clicks = await asyncio.gather(*(b.emu.click(b.sb.member(n), msg, emoji="👍") for n in names))
        await asyncio.gather(*(c.response() for c in clicks))
        assert (await b.core.votes.tally(item_id(msg), b.sb.guild.id)).up == 25
        # Concurrent edits may land in any order; the next click shows the committed count.
        later = await b.emu.click(b.sb.member("m0"), msg, emoji="👍")
        await later.response()
        assert votes(b.emu.get_message(msg)) == ("24", "0")


async def test_votes_on_a_message_from_before_a_restart(tmp_path: Path) -> None:
    async with banter(tmp_path) as b:
        msg = await (await b.emu.slash(b.sb.alice, b.sb.general, "joke")).original_message()
        await (await b.emu.click(b.sb.alice, msg, emoji="👍")).response()
        await b.bot.close()
        await until_closed(b.config.database_path)
        # Same Discord, same database file, a new bot process.
        async with run_banter(b.emu, b.config, b.clock) as again:
            assert again is not b.bot
            click = await b.emu.click(b.sb.bob, msg, emoji="👍")
            assert (await click.response()).type == 7
            assert votes(b.emu.get_message(msg)) == ("2", "0")
            # Nothing changed in the command definitions, so nothing was synced again.
            syncs = b.emu.requests_to("PUT", r"/applications/\d+/commands")
            assert len(syncs) == 1


async def test_top_ranks_by_wilson_and_explains_when_empty(b: Banter) -> None:
    ix = await b.emu.slash(b.sb.alice, b.sb.general, "top", kind="jokes")
    assert (await ix.response()).ephemeral
    assert "No jokes have been voted up" in (await ix.original_message()).content
    first = await (await b.emu.slash(b.sb.alice, b.sb.general, "joke")).original_message()
    second = await (await b.emu.slash(b.sb.alice, b.sb.general, "joke")).original_message()
    await (await b.emu.click(b.sb.alice, first, emoji="👍")).response()
    await (await b.emu.click(b.sb.bob, first, emoji="👍")).response()
    await (await b.emu.click(b.sb.alice, second, emoji="👎")).response()
    msg = await (await b.emu.slash(b.sb.alice, b.sb.general, "top", kind="jokes", scope="global")).original_message()
    lines = msg.embed["description"]
    # "#11 ·", not "#11": that would also match the start of "#113".
    assert f"#{item_id(first)} ·" in lines and "👍 2 · 👎 0" in lines
    # Voted down more than up: not ranked at all, so never first.
    assert f"#{item_id(second)} ·" not in lines
    await (await b.emu.click(b.sb.alice, first, emoji="👎")).response()
    await (await b.emu.click(b.sb.bob, first, emoji="👎")).response()
    ix = await b.emu.slash(b.sb.alice, b.sb.general, "top", kind="jokes", scope="global")
    assert "No jokes have been voted up anywhere" in (await ix.original_message()).content


async def test_top_rejects_a_kind_that_is_not_a_choice(b: Banter) -> None:
    with pytest.raises(InvocationError):
        await b.emu.slash(b.sb.alice, b.sb.general, "top", kind="memes")
