"""Favourites and members' data on a real SQLite file: the saves tallies and scores the triggers
keep, the pick weight, and what a deletion and an ageing sweep leave."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import iso
from bot.core import Core
from bot.members import FORMER_MEMBER
from bot.models import VoteTally, wilson_lower_bound
from bot.records import Candidate
from bot.services.moderation import Actor
from bot.services.picker import weight
from tests.support import item_by_key

GUILD, OTHER, ALICE, BOB = 1001, 1002, 501, 502
ZEBRA = {"joke": "Why did the zebracorn refuse the race?", "punchline": "It was already striped for success."}


async def joke_id(core: Core, key: str = "pun-001") -> int:
    item = await item_by_key(core, "joke", key)
    assert item is not None
    return item.id


async def scores(core: Core, item_id: int) -> tuple[int, float, int, float]:
    """(saves, score) of the item everywhere, then in GUILD."""
    item = await core.storage.items.get(item_id)
    assert item is not None
    ranked = {r.item.id: r for r in await core.votes.top("joke", GUILD, server_only=True, limit=500)}
    everywhere = {r.item.id: r for r in await core.votes.top("joke", GUILD, server_only=False, limit=500)}
    return (item.saves, everywhere[item_id].score if item_id in everywhere else 0.0,
            await core.storage.favorites.saves(item_id, GUILD), ranked[item_id].score if item_id in ranked else 0.0)


async def test_a_save_counts_as_half_an_up_vote_in_the_scores(core: Core) -> None:
    item_id = await joke_id(core)
    await core.votes.click(item_id=item_id, guild_id=GUILD, user_id=BOB, up=True)
    assert await scores(core, item_id) == (0, wilson_lower_bound(1, 0), 0, wilson_lower_bound(1, 0))
    saved = await core.favorites.toggle(guild_id=GUILD, user_id=ALICE, item_id=item_id)
    assert saved is not None and saved.saved
    await core.favorites.toggle(guild_id=OTHER, user_id=ALICE, item_id=item_id)
    assert await scores(core, item_id) == (2, wilson_lower_bound(2, 0), 1, wilson_lower_bound(1.5, 0))
    # A vote after the saves keeps them in the score; a switched vote too.
    await core.votes.click(item_id=item_id, guild_id=GUILD, user_id=ALICE, up=False)
    assert await scores(core, item_id) == (2, wilson_lower_bound(2, 1), 1, wilson_lower_bound(1.5, 1))
    await core.votes.click(item_id=item_id, guild_id=GUILD, user_id=ALICE, up=True)
    assert await scores(core, item_id) == (2, wilson_lower_bound(3, 0), 1, wilson_lower_bound(2.5, 0))
    # The buttons count votes alone.
    assert await core.votes.tally(item_id, GUILD) == VoteTally(2, 0)
    unsaved = await core.favorites.toggle(guild_id=GUILD, user_id=ALICE, item_id=item_id)
    assert unsaved is not None and not unsaved.saved
    assert await scores(core, item_id) == (1, wilson_lower_bound(2.5, 0), 0, wilson_lower_bound(2, 0))


async def test_saving_a_missing_item_changes_nothing(core: Core) -> None:
    assert await core.favorites.toggle(guild_id=GUILD, user_id=ALICE, item_id=10**9) is None
    assert (await core.favorites.page(guild_id=GUILD, user_id=ALICE)).total == 0


def test_saves_weigh_in_picks_lightly() -> None:
    plain, saved, voted = Candidate(1, 0, 0), Candidate(2, 0, 0, saves=2), Candidate(3, 2, 0)
    assert weight(plain) < weight(saved) < weight(voted)
    assert weight(saved) == weight(Candidate(4, 1, 0))


async def test_deleting_a_member_keeps_others_and_their_tallies(core: Core) -> None:
    item_id = await joke_id(core)
    for user in (ALICE, BOB):
        await core.votes.click(item_id=item_id, guild_id=GUILD, user_id=user, up=True)
        await core.favorites.toggle(guild_id=GUILD, user_id=user, item_id=item_id)
    deletion = await core.privacy.delete(ALICE)
    assert deletion.deleted["votes"] == 1 and deletion.deleted["favorites"] == 1
    assert await scores(core, item_id) == (1, wilson_lower_bound(1.5, 0), 1, wilson_lower_bound(1.5, 0))
    assert (await core.privacy.show(ALICE)).total == 0
    assert (await core.privacy.show(BOB)).counts == {"votes": 1, "favorites": 1, "suggestions": 0, "reports": 0,
                                                     "mood_corrections": 0, "moderation": 0}
    assert FORMER_MEMBER == 0


async def test_a_member_with_more_than_the_recent_few_sees_every_one_counted(core: Core) -> None:
    items = [item.id for item in await core.storage.items.find(kind="joke")][:7]
    for item_id in items:
        await core.votes.click(item_id=item_id, guild_id=GUILD, user_id=ALICE, up=True)
    shown = await core.privacy.show(ALICE)
    assert shown.counts["votes"] == 7 and shown.counts["favorites"] == 0
    assert len(shown.recent["votes"]) == 5 and shown.recent["favorites"] == []
    # Asked for no entries, the counts are still there.
    none = await core.storage.privacy.member_data(ALICE, recent=0)
    assert none.counts["votes"] == 7 and none.recent["votes"] == []


async def test_a_moderation_record_names_the_case_by_the_number_the_server_gave_it(core: Core) -> None:
    await core.moderation.suggestions.suggest(OTHER, BOB, "joke", ZEBRA)  # another server's case first
    case = await core.moderation.suggestions.suggest(GUILD, ALICE, "joke", ZEBRA)
    assert case.number == 1 and case.id != case.number
    await core.moderation.review.reject(GUILD, Actor(BOB, manage_guild=True), case.id, "Not this one")
    (record,) = (await core.privacy.show(ALICE)).recent["moderation"]
    assert (record.value, record.case_id) == ("reject", 1)


async def test_ageing_keeps_recent_history_and_pending_reports(core: Core) -> None:
    item_id = await joke_id(core)
    now = core.clock.now()
    await core.moderation.reports.report(GUILD, ALICE, item_id, "seen it")
    for days in (200, 10):
        await core.storage.history.record(scope_id=2001, kind="joke", item_id=item_id + days, guild_id=GUILD,
                                          now=iso(now - timedelta(days=days)))
    aged = await core.privacy.age_out(now)
    assert (aged.history, aged.reports) == (1, 0)
    assert [p[2] for p in await core.storage.history.places(item_id + 10)] != []
    # A report nobody decided stays however old it is.
    aged = await core.privacy.age_out(now + timedelta(days=365))
    assert (aged.history, aged.reports) == (1, 0)
    assert (await core.privacy.show(ALICE)).counts["reports"] == 1
