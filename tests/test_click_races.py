"""Clicks that land at the same moment (a double-click on ⭐ Save, 👍 pressed twice), on both
backends. However they meet, the outcome is that of the same clicks one after another: each
click is told what it did, and what is stored is what those replies add up to."""

from __future__ import annotations

import asyncio

from bot.core import Core
from bot.models import VoteTally
from tests.test_members import ALICE, BOB, GUILD, joke_id


async def saves(core: Core, count: int, item_id: int) -> list[bool]:
    """``count`` clicks of ⭐ Save by Alice on one item at once; what each was told (saved or not)."""
    outcomes = await asyncio.gather(*(core.favorites.toggle(guild_id=GUILD, user_id=ALICE, item_id=item_id)
                                      for _ in range(count)))
    told = []
    for outcome in outcomes:
        assert outcome is not None and outcome.item.id == item_id
        told.append(outcome.saved)
    return sorted(told)


async def test_a_double_click_on_save_counts_as_two_clicks(core: Core) -> None:
    items = [await joke_id(core, f"pun-00{n}") for n in (1, 2, 3)]
    for item_id in items:
        # Three at once on an unsaved item: saved, taken out, saved again.
        assert await saves(core, 3, item_id) == [False, True, True]
    page = await core.favorites.page(guild_id=GUILD, user_id=ALICE)
    assert page.total == 3 and sorted(f.item.id for f in page.favorites) == sorted(items)
    for item_id in items:
        assert await core.storage.favorites.saves(item_id, GUILD) == 1
        # Two at once on a saved item: taken out and saved again; it is there once.
        assert await saves(core, 2, item_id) == [False, True]
    page = await core.favorites.page(guild_id=GUILD, user_id=ALICE)
    assert page.total == 3 and sorted(f.item.id for f in page.favorites) == sorted(items)
    assert [await core.storage.favorites.saves(item_id, GUILD) for item_id in items] == [1, 1, 1]
    # Nothing is left over: one more click on each empties the list.
    for item_id in items:
        assert await saves(core, 1, item_id) == [False]
    assert (await core.favorites.page(guild_id=GUILD, user_id=ALICE)).total == 0


async def clicks(core: Core, item_id: int, *ups: bool) -> list[int]:
    """Alice's clicks on one item at once (True for 👍); the vote each left her with."""
    outcomes = await asyncio.gather(*(core.votes.click(item_id=item_id, guild_id=GUILD, user_id=ALICE, up=up)
                                      for up in ups))
    return sorted(outcome.vote for outcome in outcomes)


async def test_votes_clicked_at_once_add_up_as_one_after_another(core: Core) -> None:
    items = [await joke_id(core, f"pun-00{n}") for n in (1, 2, 3)]
    await core.votes.click(item_id=items[0], guild_id=GUILD, user_id=BOB, up=True)
    for item_id in items:
        # 👍 three times at once: cast, withdrawn, cast.
        assert await clicks(core, item_id, True, True, True) == [0, 1, 1]
    assert await core.votes.tally(items[0], GUILD) == VoteTally(2, 0)
    assert [await core.votes.tally(i, GUILD) for i in items[1:]] == [VoteTally(1, 0)] * 2
    for item_id in items:
        # 👍 twice at once on an up vote: withdrawn, cast again.
        assert await clicks(core, item_id, True, True) == [0, 1]
    assert [await core.votes.tally(i, GUILD) for i in items] == [VoteTally(2, 0), VoteTally(1, 0), VoteTally(1, 0)]
    for item_id in items:
        # 👍 and 👎 at once on an up vote: withdrawn then 👎 cast, or switched to 👎 then back to 👍.
        votes = await clicks(core, item_id, True, False)
        assert votes in ([-1, 0], [-1, 1])
        alice = VoteTally(0, 1) if votes == [-1, 0] else VoteTally(1, 0)
        bob = 1 if item_id == items[0] else 0
        assert await core.votes.tally(item_id, GUILD) == VoteTally(alice.up + bob, alice.down)
