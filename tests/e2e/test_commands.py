"""/joke, /discussion and /top end to end, through discord.py and the local Discord (/mood: test_mood.py)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from discord_emulator import InvocationError
from discord_emulator.interactions import UPDATE_MESSAGE
from tests.e2e.harness import Banter, banter
from tests.e2e.seen import joke_as_shown, shipped_entry
from tests.support import joke_body


@pytest.fixture
async def b(tmp_path: Path) -> AsyncIterator[Banter]:
    async with banter(tmp_path) as world:
        yield world


async def test_joke_answers_with_an_embed_votes_and_no_mentions(b: Banter) -> None:
    joke = await b.alice.run("joke")
    assert not joke.ephemeral
    assert joke.embed.description
    assert joke.embed.footer.startswith("Joke #")
    assert joke.message.votes == (0, 0)
    # Every message goes out with no mentions allowed.
    callback = b.emu.requests_to("POST", r"/interactions/\d+/[^/]+/callback")[-1]
    assert callback.json["data"]["allowed_mentions"] == {"parse": []}


async def test_two_part_joke_hides_the_punchline_behind_a_spoiler(b: Banter) -> None:
    entry = shipped_entry("joke", "pun-001")
    setup = joke_body(entry.body).setup
    assert setup is not None, "pun-001 is a two-part joke in the pack"
    joke = await b.alice.run("joke", search=setup)
    assert joke.embed.description == joke_as_shown(entry)
    assert joke.embed.description.endswith("||It had a feeling its days were numbered.||")


async def test_joke_by_category_and_autocomplete(b: Banter) -> None:
    values = [c.value for c in await b.alice.suggestions("joke", focused="category", value="spo")]
    assert "sports" in values and "spooky" in values
    for _ in range(5):
        joke = await b.alice.run("joke", category="space")
        assert "space" in joke.embed.footer


async def test_unknown_category_lists_the_real_ones(b: Banter) -> None:
    answer = await b.alice.run("joke", category="knock-knock-nope")
    assert answer.ephemeral
    assert "no joke category called `knock-knock-nope`" in answer.content
    assert "`pun`" in answer.content


async def test_search_with_no_match_helps(b: Banter) -> None:
    answer = await b.alice.run("joke", search="xylophonequasar")
    assert answer.ephemeral
    assert "No joke matches" in answer.content


async def test_too_long_search_is_refused_by_discord_before_the_bot(b: Banter) -> None:
    with pytest.raises(InvocationError):
        await b.alice.run("joke", search="x" * 101)
    assert b.messages() == []


async def test_discussion_today_is_the_same_all_day_and_laid_out(b: Banter) -> None:
    first = await b.alice.run("discussion today")
    again = await b.bob.run("discussion today")
    assert first.message.item_id == again.message.item_id
    names = first.embed.field_names
    assert names[:2] == ["👍 Benefits", "👎 Disadvantages"]
    assert re.match(r"1\. ", names[2])
    assert "Credit:" in first.embed.footer
    await b.later(timedelta(days=1))
    tomorrow = await b.alice.run("discussion today")
    assert tomorrow.message.item_id != first.message.item_id


async def test_discussion_random_does_not_repeat_in_a_channel(b: Banter) -> None:
    seen = [(await b.alice.run("discussion random")).message.item_id for _ in range(10)]
    assert len(set(seen)) == 10


async def test_votes_toggle_switch_and_show_counts(b: Banter) -> None:
    joke = (await b.alice.run("joke")).message
    click = await b.alice.click(joke, "👍")
    assert click.updated and click.response is not None and click.response.type == UPDATE_MESSAGE
    assert joke.votes == (1, 0)
    await b.alice.click(joke, "👎")
    assert joke.votes == (0, 1)
    await b.alice.click(joke, "👎")
    assert joke.votes == (0, 0)


async def test_item_messages_leave_nothing_behind_in_the_bot(b: Banter) -> None:
    # Clicks reach the dynamic items by custom_id; a view kept per message would grow forever.
    for command in ("joke", "discussion today"):
        shown = (await b.alice.run(command)).message
        await b.bob.click(shown, "👍")
        assert shown.votes == (1, 0)
    assert b.bot.persistent_views == []


async def test_many_members_clicking_at_once_all_count(tmp_path: Path) -> None:
    names = tuple(f"m{n}" for n in range(25))
    async with banter(tmp_path, members=names) as b:
        joke = (await b.person("m0").run("joke")).message
        await asyncio.gather(*(b.person(n).click(joke, "👍") for n in names))
        # The clicks took turns, so the last redraw to reach Discord carries the full count.
        assert joke.votes == (25, 0)
        top = await b.person("m1").run("top", kind="jokes")
        assert f"#{joke.item_id} · 👍 25 · 👎 0" in top.embed.description
        await b.person("m0").click(joke, "👍")
        assert joke.votes == (24, 0)


async def test_a_slow_redraw_never_leaves_an_older_count_on_the_message(b: Banter,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    joke = (await b.alice.run("joke")).message
    counted = b.core.votes.click
    committed: list[int] = []

    async def slow_first_redraw(**vote: Any) -> Any:
        outcome = await counted(**vote)
        committed.append(vote["user_id"])
        if len(committed) == 1:
            # The first click's redraw is held back until the second click has committed its vote
            # (bounded, so a broken test cannot hang).
            for _ in range(100_000):
                if len(committed) > 1:
                    break
                await asyncio.sleep(0)
        return outcome

    monkeypatch.setattr(b.core.votes, "click", slow_first_redraw)
    await asyncio.gather(b.alice.click(joke, "👍"), b.bob.click(joke, "👍"))
    assert len(committed) == 2
    assert joke.votes == (2, 0)


async def test_votes_on_a_message_from_before_a_restart(b: Banter) -> None:
    joke = (await b.alice.run("joke")).message
    await b.alice.click(joke, "👍")
    first_bot = b.bot
    # Same Discord, same database file, a new bot process.
    await b.restart()
    assert b.bot is not first_bot
    click = await b.bob.click(joke, "👍")
    assert click.updated
    assert joke.votes == (2, 0)
    # Nothing changed in the command definitions, so nothing was synced again.
    syncs = b.emu.requests_to("PUT", r"/applications/\d+/commands")
    assert len(syncs) == 1


async def test_top_ranks_by_wilson_and_explains_when_empty(b: Banter) -> None:
    empty = await b.alice.run("top", kind="jokes")
    assert empty.ephemeral
    assert "No jokes have been voted up" in empty.content
    first = (await b.alice.run("joke")).message
    second = (await b.alice.run("joke")).message
    await b.alice.click(first, "👍")
    await b.bob.click(first, "👍")
    await b.alice.click(second, "👎")
    top = await b.alice.run("top", kind="jokes", scope="global")
    lines = top.embed.description
    # "#11 ·", not "#11": that would also match the start of "#113".
    assert f"#{first.item_id} ·" in lines and "👍 2 · 👎 0" in lines
    # Voted down more than up: not ranked at all, so never first.
    assert f"#{second.item_id} ·" not in lines
    await b.alice.click(first, "👎")
    await b.bob.click(first, "👎")
    again = await b.alice.run("top", kind="jokes", scope="global")
    assert "No jokes have been voted up anywhere" in again.content


async def test_top_rejects_a_kind_that_is_not_a_choice(b: Banter) -> None:
    with pytest.raises(InvocationError):
        await b.alice.run("top", kind="memes")
