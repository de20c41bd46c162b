"""Picking on a real SQLite file: filters, safe mode, no repeats, ratings and the day's topic."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.config import Config
from bot.core import Core
from bot.errors import UserError
from bot.models import Filters, Item, VoteTally
from bot.services.packs import BUILTIN_CONTENT, load_library
from bot.storage.sqlite.picks import BUSY, CANDIDATES, RESERVE
from tests.support import (
    backend_of,
    found,
    item_by_key,
    manual,
    retire,
    sqlite_of,
    stored,
    vote_of,
    write_as_another_process,
)

GUILD, CHANNEL = 1001, 2001


async def pick_ids(core: Core, f: Filters, scope_id: int, n: int) -> list[int]:
    """Pick ``n`` times, a second apart, as members would."""
    ids = []
    for _ in range(n):
        ids.append((await show(core, f, scope_id)).id)
        await manual(core.clock).advance(1)
    return ids


async def show(core: Core, f: Filters, scope_id: int, search: str | None = None) -> Item:
    """Pick and count the item as shown, as the cogs do once the message is sent."""
    item = await core.picks.pick(f, scope_id=scope_id, search=search)
    core.picks.shown(item, scope_id=scope_id, guild_id=f.guild_id)
    return item


async def add_jokes(core: Core, tmp_path: Path, entries: list[str], name: str = "extra") -> None:
    folder = tmp_path / name
    (folder / "jokes").mkdir(parents=True)
    (folder / "jokes" / "p.yaml").write_text(f"pack: {name}\njokes:\n" + "".join(entries), encoding="utf-8")
    await core.library.import_library(load_library([folder], moods_file=BUILTIN_CONTENT / "moods.yaml"))


async def test_no_repeats_until_the_pool_is_shown(core: Core) -> None:
    f = await core.picks.filters("joke", GUILD, category="space")
    pool = await core.storage.items.count_eligible(f)
    seen = await pick_ids(core, f, CHANNEL, pool)
    assert len(set(seen)) == pool
    # The next one is a repeat: the one shown longest ago.
    assert (await show(core, f, CHANNEL)).id == seen[0]
    # Another channel has its own history.
    other = await pick_ids(core, f, CHANNEL + 1, pool)
    assert len(set(other)) == pool


async def test_whole_pool_cycles_and_history_is_trimmed(core: Core) -> None:
    # Every showing waits for the writer, however long the picks take: the cycle's end then
    # writes them all before trimming (a showing written after the trim would outlast it).
    backend_of(core).showings.write_delay = 3600
    f = await core.picks.filters("discussion", GUILD)
    pool = await core.storage.items.count_eligible(f)
    first = await pick_ids(core, f, CHANNEL, pool)
    assert len(set(first)) == pool
    await show(core, f, CHANNEL)
    remembered = await core.storage.history.count(CHANNEL, "discussion")
    assert remembered <= pool // 5 + 2
    second = await pick_ids(core, f, CHANNEL, pool - remembered)
    assert len(set(second)) == len(second)


async def test_safe_mode_and_gentle_moods_exclude_flagged_content(core: Core) -> None:
    flagged = {i.id for i in await core.storage.items.find(kind="joke") if i.flags}
    assert flagged, "the built-in packs carry some honestly flagged jokes"
    f = await core.picks.filters("joke", GUILD)
    shown = {(await core.picks.pick(f, scope_id=CHANNEL)).id for _ in range(150)}
    assert not shown & flagged
    await core.storage.settings.update(GUILD, safe_mode=False)
    f = await core.picks.filters("joke", GUILD)
    shown = {(await core.picks.pick(f, scope_id=CHANNEL + 5)).id for _ in range(220)}
    assert shown & flagged
    sad = core.moods.get("sad")
    f = await core.picks.filters("joke", GUILD, mood=sad)
    for _ in range(60):
        item = await core.picks.pick(f, scope_id=CHANNEL + 6)
        assert not item.flags and "sad" in item.moods


async def test_blocked_category_is_refused_and_never_picked(core: Core) -> None:
    await core.storage.settings.update(GUILD, blocked_categories=["pun"])
    with pytest.raises(UserError, match="switched off"):
        await core.picks.filters("joke", GUILD, category="pun")
    f = await core.picks.filters("joke", GUILD)
    for _ in range(80):
        assert "pun" not in (await core.picks.pick(f, scope_id=CHANNEL)).categories


async def test_search_finds_matching_words(core: Core, tmp_path: Path) -> None:
    await add_jokes(core, tmp_path, [
        "  - id: s-1\n    text: The zebracorn walked into a library.\n    categories: [test]\n",
        "  - id: s-2\n    setup: What does a zebracorn eat?\n    punchline: Stripes of hay.\n    categories: [test]\n",
    ])
    f = await core.picks.filters("joke", GUILD)
    found = {(await show(core, f, CHANNEL, search="zebracorn")).key for _ in range(2)}
    assert found == {"s-1", "s-2"}
    assert (await core.picks.pick(f, scope_id=CHANNEL, search="zebraco")).key in found
    with pytest.raises(UserError, match="No joke matches"):
        await core.picks.pick(f, scope_id=CHANNEL, search="qwxyzzy")
    with pytest.raises(UserError, match="a word or two"):
        await core.picks.pick(f, scope_id=CHANNEL, search="?!")
    # Quotes and FTS syntax in a search are words, not query operators.
    with pytest.raises(UserError):
        await core.picks.pick(f, scope_id=CHANNEL, search='zebracorn" OR "a')


async def test_better_rated_items_come_up_more_and_new_ones_still_do(core: Core, tmp_path: Path) -> None:
    await add_jokes(core, tmp_path, [
        f"  - id: r-{n}\n    text: Rated joke number {n}.\n    categories: [ratedtest]\n" for n in range(3)
    ])
    loved, hated, _fresh = [found(await item_by_key(core, "joke", f"r-{n}"), f"joke r-{n}") for n in range(3)]
    for user in range(12):
        await core.votes.click(item_id=loved.id, guild_id=GUILD, user_id=user, up=True)
        await core.votes.click(item_id=hated.id, guild_id=GUILD, user_id=user, up=False)
    f = await core.picks.filters("joke", GUILD, category="ratedtest")
    counts: Counter[str] = Counter()
    for n in range(600):
        # A fresh channel each time: this measures preference, not the no-repeat rule.
        counts[(await core.picks.pick(f, scope_id=10_000 + n)).key] += 1
    assert counts["r-0"] > counts["r-2"] > counts["r-1"]
    assert counts["r-2"] > 100


async def test_topic_of_the_day_is_stable_and_follows_the_server_day(core: Core, clock: ManualClock) -> None:
    first = await core.picks.of_the_day("discussion", GUILD)
    assert (await core.picks.of_the_day("discussion", GUILD)).id == first.id
    await clock.advance(timedelta(hours=11, minutes=59))  # 23:59 UTC, still the same day
    assert (await core.picks.of_the_day("discussion", GUILD)).id == first.id
    await clock.advance(timedelta(minutes=2))
    assert (await core.picks.of_the_day("discussion", GUILD)).id != first.id
    # At 00:01 UTC a server in Los Angeles is still on the day before.
    await core.storage.settings.update(GUILD + 1, timezone="America/Los_Angeles")
    assert core.picks.local_date(await core.storage.settings.get(GUILD + 1)) != core.picks.local_date(
        await core.storage.settings.get(GUILD))


async def test_topics_of_the_day_do_not_repeat_until_the_pool_is_used(core: Core, clock: ManualClock) -> None:
    f = await core.picks.filters("discussion", GUILD)
    pool = await core.storage.items.count_eligible(f)
    days = []
    for _ in range(pool):
        days.append((await core.picks.of_the_day("discussion", GUILD)).id)
        await clock.advance(timedelta(days=1))
    assert len(set(days)) == pool


async def test_votes_toggle_switch_and_count_per_server(core: Core) -> None:
    item = (await core.storage.items.find(kind="joke"))[0]
    click = core.votes.click
    assert (await click(item_id=item.id, guild_id=GUILD, user_id=1, up=True)).tally.up == 1
    out = await click(item_id=item.id, guild_id=GUILD, user_id=1, up=False)
    assert (out.vote, out.tally.up, out.tally.down) == (-1, 0, 1)
    out = await click(item_id=item.id, guild_id=GUILD, user_id=1, up=False)
    assert (out.vote, out.tally.up, out.tally.down) == (0, 0, 0)
    await click(item_id=item.id, guild_id=GUILD, user_id=2, up=True)
    await click(item_id=item.id, guild_id=GUILD + 1, user_id=2, up=True)
    assert (await core.votes.tally(item.id, GUILD)).up == 1
    assert (await stored(core, item.id)).up == 2
    top_here = await core.votes.top("joke", GUILD, server_only=True)
    assert [(r.item.id, r.up) for r in top_here] == [(item.id, 1)]
    with pytest.raises(UserError):
        await click(item_id=999_999, guild_id=GUILD, user_id=1, up=True)


async def test_votes_survive_reopening_the_database(core: Core, config: Config) -> None:
    item = (await core.storage.items.find(kind="joke"))[3]
    await core.votes.click(item_id=item.id, guild_id=GUILD, user_id=1, up=True)
    reopened = await Core.open(config)
    try:
        assert (await reopened.votes.tally(item.id, GUILD)).up == 1
        assert await vote_of(reopened, item.id, GUILD, 1) == 1
    finally:
        await reopened.close()


async def test_top_keeps_flagged_and_hidden_items_out_like_picks_do(core: Core) -> None:
    flagged = next(i for i in await core.storage.items.find(kind="joke") if i.flags)
    clean = next(i for i in await core.storage.items.find(kind="joke") if not i.flags)
    other = GUILD + 7  # another server, with safe mode off, votes on the flagged joke
    await core.storage.settings.update(other, safe_mode=False)
    for user in range(3):
        await core.votes.click(item_id=flagged.id, guild_id=other, user_id=user, up=True)
    await core.votes.click(item_id=clean.id, guild_id=other, user_id=1, up=True)
    assert flagged.id in [r.item.id for r in await core.votes.top("joke", other, server_only=False)]
    here = [r.item.id for r in await core.votes.top("joke", GUILD, server_only=False)]
    assert here == [clean.id]  # safe mode (the default here) keeps the flagged one out
    await backend_of(core).db.write(
        "INSERT INTO guild_hidden (guild_id, item_id, reason, hidden_at) VALUES (?, ?, 'test', '2026')",
        (GUILD, clean.id),
    )
    assert await core.votes.top("joke", GUILD, server_only=False) == []


async def test_topic_of_the_day_is_replaced_when_it_may_no_longer_be_shown(core: Core) -> None:
    first = await core.picks.of_the_day("discussion", GUILD)
    await retire(core, first.id)
    replaced = await core.picks.of_the_day("discussion", GUILD)
    assert replaced.id != first.id
    assert (await core.picks.of_the_day("discussion", GUILD)).id == replaced.id
    # Hidden in this server: replaced again, for this server only.
    await backend_of(core).db.write(
        "INSERT INTO guild_hidden (guild_id, item_id, reason, hidden_at) VALUES (?, ?, 't', 't')", (GUILD, replaced.id)
    )
    assert (await core.picks.of_the_day("discussion", GUILD)).id not in (first.id, replaced.id)


async def test_the_day_pick_and_a_channel_with_the_servers_id_do_not_share_memory(core: Core) -> None:
    # On servers made before 2017, #general has the server's own id.
    topic = await core.picks.of_the_day("discussion", GUILD)
    f = await core.picks.filters("discussion", GUILD)
    pool = await core.storage.items.count_eligible(f)
    in_general = await pick_ids(core, f, GUILD, pool)
    assert topic.id in in_general  # the day's pick did not use up the channel's pool


async def test_a_used_up_category_comes_back_in_a_new_order(core: Core) -> None:
    f = await core.picks.filters("joke", GUILD, category="space")
    pool = await core.storage.items.count_eligible(f)
    first = await pick_ids(core, f, CHANNEL, pool)
    second = await pick_ids(core, f, CHANNEL, pool)
    # The most recent fifth of the first round is not repeated at the start of the second.
    assert not set(second[: pool - (pool + 4) // 5]) & set(first[-(pool // 5):])
    assert second != first


def count_reads(core: Core) -> list[str]:
    """Every read of the random order from now on (all run on the loop's own connection here)."""
    reads: list[str] = []
    quick = sqlite_of(core).db.quick
    assert quick is not None
    quick.set_trace_callback(lambda sql: reads.append(sql) if "rand LIMIT" in sql else None)
    return reads


def limit(sql: str) -> int:
    return int(sql.rsplit("LIMIT", 1)[1])


async def small_category(core: Core, tmp_path: Path, size: int = 6) -> Filters:
    """Filters for a category of ``size`` new jokes of its own."""
    await add_jokes(core, tmp_path, [
        f"  - id: few-{n}\n    text: A joke of the small category, number {n}.\n    categories: [fewtest]\n"
        for n in range(size)
    ], name="few")
    return await core.picks.filters("joke", GUILD, category="fewtest")


@pytest.mark.backends("sqlite")  # PostgreSQL keeps no rows between picks (docs/storage.md)
async def test_a_busy_channel_reads_ahead_and_its_next_picks_use_those_rows(core: Core) -> None:
    backend_of(core).showings.write_delay = 3600  # nothing is written until flush(): the moment stays busy
    f = await core.picks.filters("joke", GUILD)
    reads = count_reads(core)
    # A quiet channel's pick reads just its candidates; the second pick, a moment after a
    # showing, reads RESERVE rows; the next ones use those while at least four are left.
    picks = 2 + RESERVE - CANDIDATES
    ids = [(await show(core, f, CHANNEL)).id for _ in range(picks)]
    assert [limit(sql) for sql in reads] == [CANDIDATES, RESERVE]
    assert len(set(ids)) == picks
    # Another channel, and other filters in this one, are read for themselves.
    await show(core, f, CHANNEL + 1)
    pun = await core.picks.filters("joke", GUILD, category="pun")
    assert (await show(core, pun, CHANNEL)).id not in ids
    assert [limit(sql) for sql in reads[2:]] == [CANDIDATES, RESERVE]
    # Once the showings are written the next pick reads again, and still nothing repeats.
    await core.storage.history.flush()
    ids.append((await show(core, f, CHANNEL)).id)
    assert [limit(sql) for sql in reads[4:]] == [RESERVE]
    # After a second with nothing shown, the channel is quiet again.
    await manual(core.clock).advance(BUSY)
    await core.storage.history.flush()
    ids.append((await show(core, f, CHANNEL)).id)
    assert [limit(sql) for sql in reads[5:]] == [CANDIDATES]
    assert len(set(ids)) == picks + 2


async def busy_start(core: Core, f: Filters) -> tuple[list[int], list[int]]:
    """Two picks in a row in CHANNEL: the second reads all that is left of the small category and
    keeps it. Returns the ids shown and the ids kept for the next picks."""
    shown = [(await show(core, f, CHANNEL)).id for _ in range(2)]
    few = [i.id for i in await core.storage.items.find(kind="joke") if i.key.startswith("few-")]
    return shown, [i for i in few if i not in shown]


async def test_an_item_hidden_after_a_read_is_not_picked_from_the_rows_kept(core: Core, tmp_path: Path) -> None:
    backend_of(core).showings.write_delay = 3600
    f = await small_category(core, tmp_path)
    shown, kept = await busy_start(core, f)
    async with backend_of(core).db.atomic() as conn:  # as moderation hides an item
        await conn.execute(
            "INSERT INTO guild_hidden (guild_id, item_id, reason, hidden_at) VALUES (?, ?, 'test', '2026')",
            (GUILD, kept[0]),
        )
    # Three picks use up the other kept rows; the fourth would be the hidden one, were it kept.
    rest = [(await show(core, f, CHANNEL)).id for _ in range(4)]
    assert kept[0] not in rest
    assert len({*shown, *rest}) == 5


async def test_a_vote_after_a_read_shows_on_the_buttons_of_a_later_pick(core: Core, tmp_path: Path) -> None:
    backend_of(core).showings.write_delay = 3600
    f = await small_category(core, tmp_path)
    _, kept = await busy_start(core, f)
    for user in range(3):
        await core.votes.click(item_id=kept[0], guild_id=GUILD, user_id=user, up=True)
    later = {item.id: item for item in [await show(core, f, CHANNEL) for _ in range(4)]}
    assert later[kept[0]].tally == VoteTally(3, 0)


async def test_a_change_by_another_process_reaches_picks_within_a_second(core: Core, tmp_path: Path) -> None:
    backend_of(core).showings.write_delay = 3600
    f = await small_category(core, tmp_path)
    _, kept = await busy_start(core, f)
    await write_as_another_process(core, "UPDATE items SET status = 'retired' WHERE id = ?", (kept[0],))
    await manual(core.clock).advance(BUSY)
    rest = [(await show(core, f, CHANNEL)).id for _ in range(4)]
    assert kept[0] not in rest


async def test_the_end_of_a_cycle_does_not_wait_for_the_writer_nor_repeat_what_it_holds(
    core: Core, tmp_path: Path
) -> None:
    backend_of(core).showings.write_delay = 3600  # the second round's showings stay unwritten throughout
    f = await small_category(core, tmp_path)
    first = [(await show(core, f, CHANNEL)).id for _ in range(6)]
    await core.storage.history.flush()
    # Cycle ends bring back the oldest written showings without waiting for the writer: an item
    # whose new showing is not written yet looks old in the table, and is passed over all the same.
    second = [(await show(core, f, CHANNEL)).id for _ in range(6)]
    assert sorted(second) == sorted(first)
    assert second[0] == first[0]
    assert len(backend_of(core).showings.unwritten(CHANNEL, "joke")) == 6


async def test_a_pick_never_shown_is_offered_again_at_the_end_of_the_pool(core: Core, tmp_path: Path) -> None:
    backend_of(core).showings.write_delay = 3600
    f = await small_category(core, tmp_path)
    shown = [(await show(core, f, CHANNEL)).id for _ in range(5)]
    await core.storage.history.flush()
    # The last one is picked, but its message fails (or is still on its way): not shown.
    last = await core.picks.pick(f, scope_id=CHANNEL)
    assert last.id not in shown
    # The next pick is not a repeat of what was shown: the unshown one is still there.
    assert (await core.picks.pick(f, scope_id=CHANNEL)).id == last.id


async def test_a_one_joke_category_can_be_picked_twice_before_it_is_shown(core: Core, tmp_path: Path) -> None:
    backend_of(core).showings.write_delay = 3600
    f = await small_category(core, tmp_path, size=1)
    first = await core.picks.pick(f, scope_id=CHANNEL)  # e.g. two members at the same moment
    assert (await core.picks.pick(f, scope_id=CHANNEL)).id == first.id


async def test_picks_draw_from_the_servers_languages(core: Core, tmp_path: Path) -> None:
    await add_jokes(core, tmp_path, [
        f"  - id: de-{n}\n    text: Ein Witz auf Deutsch, Nummer {n}.\n    categories: [sprachtest]\n"
        "    language: de\n" for n in range(3)
    ], name="deutsch")
    # English by default: the German category is not even offered, and no pick is German.
    with pytest.raises(UserError, match="no joke category called"):
        await core.picks.filters("joke", GUILD, category="sprachtest")
    f = await core.picks.filters("joke", GUILD)
    assert all(item.language == "en" for item in [await show(core, f, CHANNEL) for _ in range(30)])
    await core.storage.settings.update(GUILD, languages=("de",))
    german = await core.picks.filters("joke", GUILD, category="sprachtest")
    assert {(await show(core, german, CHANNEL + 1)).key for _ in range(3)} == {"de-0", "de-1", "de-2"}
    # Another server still reads English only.
    assert await core.storage.items.count_eligible(await core.picks.filters("joke", GUILD + 1)) == (
        await core.storage.items.count_eligible(f)
    )
