"""Votes count per mood: a vote on a joke picked for a mood is tallied for that mood (in the
vote's own statement), and a pick for that mood weighs candidates by it; other moods are not
moved by it beyond the vote's ordinary weight."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

from bot.core import Core
from bot.models import VoteTally
from tests.support import found, item_by_key
from tests.test_picker import add_jokes

GUILD = 1001
ENTRY = "  - id: {key}\n    text: \"A test joke called {key}.\"\n    categories: [testing]\n    moods: [happy, bored]\n"


async def test_a_mood_vote_is_tallied_for_its_mood_and_follows_switches(core: Core) -> None:
    await add_jokes(core, Path(core.config.database_path).parent, [ENTRY.format(key="mv-a")], name="mv")
    item = await item_by_key(core, "joke", "mv-a")
    assert item is not None
    votes = core.storage.votes
    await core.votes.click(item_id=item.id, guild_id=GUILD, user_id=1, up=True, mood="happy")
    await core.votes.click(item_id=item.id, guild_id=GUILD, user_id=2, up=False, mood="happy")
    await core.votes.click(item_id=item.id, guild_id=GUILD, user_id=3, up=True)  # a plain /joke vote
    assert await votes.mood_tally(item.id, GUILD, "happy") == VoteTally(1, 1)
    assert await votes.tally(item.id, GUILD) == VoteTally(2, 1)
    # Switching moves the vote; a switch in another mood moves it to that mood; withdrawing removes it.
    await core.votes.click(item_id=item.id, guild_id=GUILD, user_id=2, up=True, mood="happy")
    assert await votes.mood_tally(item.id, GUILD, "happy") == VoteTally(2, 0)
    await core.votes.click(item_id=item.id, guild_id=GUILD, user_id=1, up=False, mood="bored")
    assert await votes.mood_tally(item.id, GUILD, "happy") == VoteTally(1, 0)
    assert await votes.mood_tally(item.id, GUILD, "bored") == VoteTally(0, 1)
    await core.votes.click(item_id=item.id, guild_id=GUILD, user_id=1, up=False, mood="bored")
    assert await votes.mood_tally(item.id, GUILD, "bored") == VoteTally(0, 0)
    assert await votes.mood_tally(item.id, GUILD + 1, "happy") == VoteTally(0, 0)  # per server


async def share(core: Core, mood: str, ids: dict[str, int], draws: int = 4000) -> Counter[str]:
    """How often each of our jokes wins the picker's weighted choice among them, for ``mood``,
    on candidates as a pick for that mood reads them from the database (seeded: no flakiness)."""
    f = await core.picks.filters("joke", GUILD, mood=core.moods.get(mood))
    rows = await core.storage.items.candidates(f, start=0.0, limit=1000)
    ours = [c for c in rows if c.id in ids.values()]
    assert len(ours) == len(ids)
    names = {v: k for k, v in ids.items()}
    core.picks.rng = random.Random(12)
    return Counter(names[core.picks._choose(ours).id] for _ in range(draws))


async def test_a_joke_liked_in_a_mood_comes_up_more_for_that_mood_only(core: Core) -> None:
    keys = ["mv-liked", "mv-plain", "mv-new-1", "mv-new-2"]
    await add_jokes(core, Path(core.config.database_path).parent, [ENTRY.format(key=k) for k in keys], name="mv")
    ids = {k: found(await item_by_key(core, "joke", k), f"joke {k}").id for k in keys}
    for user in range(6):
        # The same six 👍 on both: on one picked for happy, on the other from a plain /joke.
        await core.votes.click(item_id=ids["mv-liked"], guild_id=GUILD, user_id=user, up=True, mood="happy")
        await core.votes.click(item_id=ids["mv-plain"], guild_id=GUILD, user_id=user, up=True)
    happy = await share(core, "happy", ids)
    bored = await share(core, "bored", ids)
    # Expected shares: happy 1.28 : 0.8 : 0.5 : 0.5 (41.6% against 26%); bored 0.8 : 0.8 (30.8% each).
    assert happy["mv-liked"] > happy["mv-plain"] + 0.1 * 4000
    assert abs(bored["mv-liked"] - bored["mv-plain"]) < 0.04 * 4000
    assert happy["mv-liked"] > bored["mv-liked"] + 0.05 * 4000
