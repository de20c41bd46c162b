"""The moderation repository on a real SQLite file: scoping between servers, conditional decisions."""

from __future__ import annotations

from bot.clock import iso
from bot.core import Core
from bot.db import Database
from bot.models import ContentEntry, Filters, JokeBody
from bot.repositories.items import ItemRepository
from bot.repositories.moderation import ModerationRepository

A, B = 1001, 1002
NOW = "2026-03-14T12:00:00.000000Z"


def joke(key: str, text: str) -> ContentEntry:
    return ContentEntry(kind="joke", key=key, body=JokeBody(text=text), categories=("misc",))


async def server_item(db: Database, guild_id: int | None, key: str, text: str) -> int:
    item_id, _ = await ItemRepository(db).upsert(joke(key, text), origin="moderator", guild_id=guild_id, now=NOW)
    return item_id


async def test_cases_belong_to_their_server(db: Database) -> None:
    repo = ModerationRepository(db)
    async with db.transaction() as conn:
        case_a = await repo.add_case(conn, guild_id=A, type="suggestion", kind="joke", user_id=5, now=NOW,
                                     proposal=joke("s", "A joke from server A"), fingerprint="a joke from server a")
    assert (await repo.get_case(case_a, A)).proposal.body.text == "A joke from server A"
    assert await repo.get_case(case_a, B) is None
    assert (await repo.next_pending(A)).id == case_a
    assert await repo.next_pending(B) is None
    assert await repo.pending_fingerprints(B, "joke") == []
    assert await repo.pending_count(B) == 0
    # Server B cannot decide (or edit) server A's case, even knowing its id.
    async with db.transaction() as conn:
        assert not await repo.decide(conn, case_id=case_a, guild_id=B, status="approved", actor_id=9, now=NOW)
        assert not await repo.update_proposal(conn, case_id=case_a, guild_id=B, proposal=joke("s", "changed"),
                                              fingerprint="changed")
    assert (await repo.get_case(case_a, A)).pending


async def test_server_items_are_invisible_and_untouchable_elsewhere(db: Database) -> None:
    repo = ModerationRepository(db)
    mine = await server_item(db, A, "ga-1", "Penguins wear tuxedos to every party")
    shared = await server_item(db, None, "pack-1", "Owls give the wisest answers")
    # Duplicate checks in B never see A's content; global content is seen by both.
    assert [s.id for s in await repo.similar_items(kind="joke", guild_id=A, query='"penguins"')] == [mine]
    assert await repo.similar_items(kind="joke", guild_id=B, query='"penguins"') == []
    assert [s.id for s in await repo.similar_items(kind="joke", guild_id=B, query='"owls"')] == [shared]
    async with db.transaction() as conn:
        # What an edit checks inside its transaction: the content it started from, still active.
        digest = joke("ga-1", "Penguins wear tuxedos to every party").content_hash()
        assert await repo.item_state(conn, mine) == (digest, "active")
        assert await repo.item_state(conn, 10**9) is None
        # B cannot retire A's item, nor anyone a global item through the server-content path.
        assert not await repo.set_item_status(conn, item_id=mine, guild_id=B, status="retired", now=NOW)
        assert not await repo.set_item_status(conn, item_id=shared, guild_id=B, status="retired", now=NOW)
        assert await repo.set_item_status(conn, item_id=mine, guild_id=A, status="retired", now=NOW)
        assert await repo.item_state(conn, mine) == (digest, "retired")
    items = ItemRepository(db)
    assert (await items.get(mine)).status == "retired"
    assert (await items.get(shared)).status == "active"


async def test_hiding_is_per_server(db: Database) -> None:
    repo = ModerationRepository(db)
    items = ItemRepository(db)
    shared = await server_item(db, None, "pack-1", "Owls give the wisest answers")
    async with db.transaction() as conn:
        assert await repo.hide(conn, guild_id=A, item_id=shared, reason="reports", now=NOW)
    assert await repo.hidden_reason(A, shared) == "reports"
    assert await repo.hidden_reason(B, shared) is None
    assert await items.count_eligible(Filters(kind="joke", guild_id=A, excluded_flags=0, blocked_tags=())) == 0
    assert await items.count_eligible(Filters(kind="joke", guild_id=B, excluded_flags=0, blocked_tags=())) == 1
    async with db.transaction() as conn:
        # A moderator's hide replaces a hide by reports; reports never downgrade a moderator's.
        assert await repo.hide(conn, guild_id=A, item_id=shared, reason="moderator", now=NOW)
        assert not await repo.hide(conn, guild_id=A, item_id=shared, reason="reports", now=NOW)
        # Lifting a hide by reports leaves a moderator's alone.
        assert not await repo.unhide(conn, guild_id=A, item_id=shared, reason="reports")
        assert not await repo.unhide(conn, guild_id=B, item_id=shared)
    assert await repo.hidden_reason(A, shared) == "moderator"


async def test_reports_join_one_open_case_and_count_members_once(db: Database) -> None:
    repo = ModerationRepository(db)
    shared = await server_item(db, None, "pack-1", "Owls give the wisest answers")
    async with db.transaction() as conn:
        first = await repo.open_report_case(conn, guild_id=A, item_id=shared, kind="joke", user_id=5, now=NOW)
        again = await repo.open_report_case(conn, guild_id=A, item_id=shared, kind="joke", user_id=6, now=NOW)
        other = await repo.open_report_case(conn, guild_id=B, item_id=shared, kind="joke", user_id=6, now=NOW)
        assert first == again != other
        assert await repo.add_report(conn, case_id=first, user_id=5, reason="meh", now=NOW)
        assert not await repo.add_report(conn, case_id=first, user_id=5, reason="meh again", now=NOW)
        assert await repo.add_report(conn, case_id=first, user_id=6, reason="bad", now=NOW)
        assert await repo.reporter_count(conn, first) == 2
        assert await repo.reporter_count(conn, other) == 0
        # Once decided, a new report opens a new case.
        assert await repo.decide(conn, case_id=first, guild_id=A, status="kept", actor_id=9, now=NOW)
        fresh = await repo.open_report_case(conn, guild_id=A, item_id=shared, kind="joke", user_id=5, now=NOW)
        assert fresh not in (first, other)
    assert [r.reason for r in await repo.reports(first)] == ["meh", "bad"]


async def test_a_case_is_decided_once(db: Database) -> None:
    repo = ModerationRepository(db)
    async with db.transaction() as conn:
        case_id = await repo.add_case(conn, guild_id=A, type="suggestion", kind="joke", user_id=5, now=NOW,
                                      proposal=joke("s", "x"), fingerprint="x")
        assert (await repo.pending_proposal(conn, case_id=case_id, guild_id=A)).body.text == "x"
        assert await repo.pending_proposal(conn, case_id=case_id, guild_id=B) is None
        assert await repo.decide(conn, case_id=case_id, guild_id=A, status="approved", actor_id=8, now=NOW)
        assert await repo.pending_proposal(conn, case_id=case_id, guild_id=A) is None
        assert not await repo.decide(conn, case_id=case_id, guild_id=A, status="rejected", actor_id=9, now=NOW)
        assert not await repo.update_proposal(conn, case_id=case_id, guild_id=A, proposal=joke("s", "y"),
                                              fingerprint="y")
    case = await repo.get_case(case_id, A)
    assert (case.status, case.decided_by) == ("approved", 8)


async def test_the_log_and_versions_are_per_server(db: Database) -> None:
    repo = ModerationRepository(db)
    mine = await server_item(db, A, "ga-1", "Penguins wear tuxedos")
    async with db.transaction() as conn:
        await repo.record(conn, guild_id=A, actor_id=9, action="edit", target=f"item:{mine}", summary="edited",
                          before={"text": "old"}, after={"text": "new"}, now=NOW)
        await repo.save_version(conn, item_id=mine, entry=joke("ga-1", "Penguins wear tuxedos"), edited_by=9,
                                now=NOW)
    [record] = await repo.actions(A)
    assert (record.actor_id, record.before, record.after) == (9, {"text": "old"}, {"text": "new"})
    assert await repo.actions(B) == []
    [version] = await repo.versions(mine, "joke", "ga-1")
    assert version.entry.body.text == "Penguins wear tuxedos"


async def test_migrations_bring_the_core_up(core: Core) -> None:
    # The whole schema, moderation included, applies to a fresh file in one go.
    assert await core.db.scalar("PRAGMA user_version") >= 3
    assert await core.moderation_repo.next_pending(A) is None
    assert iso(core.clock.now()).endswith("Z")
