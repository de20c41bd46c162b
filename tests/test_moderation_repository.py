"""The moderation repository on both backends: scoping between servers, conditional decisions."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.clock import iso
from bot.core import Core
from bot.models import Body, ContentEntry, Filters, JokeBody
from bot.records import AuditEntry, Case, ItemState
from bot.storage import Storage
from bot.storage.sqlite.audit import AuditLog
from bot.storage.sqlite.database import Database, migrations
from bot.storage.sqlite.moderation import ModerationRepository
from cogs.render import action_text
from tests.support import backend_of, found, joke_body, schema_at

A, B = 1001, 1002
NOW = "2026-03-14T12:00:00.000000Z"


def joke(key: str, text: str) -> ContentEntry:
    return ContentEntry(kind="joke", key=key, body=JokeBody(text=text), categories=("misc",))


async def server_item(storage: Storage, guild_id: int | None, key: str, text: str) -> int:
    item_id, _ = await storage.items.upsert(joke(key, text), origin="moderator", guild_id=guild_id, now=NOW)
    return item_id


async def test_cases_belong_to_their_server(storage: Storage) -> None:
    repo = storage.moderation
    async with storage.transaction() as tx:
        txr = tx.moderation
        case_a = await txr.add_case(guild_id=A, type="suggestion", kind="joke", user_id=5, now=NOW,
                                     proposal=joke("s", "A joke from server A"), fingerprint="a joke from server a")
    assert joke_body(proposal_of(await repo.get_case(case_a, A))).text == "A joke from server A"
    assert await repo.get_case(case_a, B) is None
    assert found(await repo.next_pending(A), "the next case").id == case_a
    assert await repo.next_pending(B) is None
    assert await repo.pending_fingerprints(B, "joke") == []
    assert await repo.pending_count(B) == 0
    # Server B cannot decide (or edit) server A's case, even knowing its id.
    async with storage.transaction() as tx:
        txr = tx.moderation
        assert not await txr.decide(case_id=case_a, guild_id=B, status="approved", actor_id=9, now=NOW)
        assert not await txr.update_proposal(case_id=case_a, guild_id=B, proposal=joke("s", "changed"),
                                              fingerprint="changed")
    assert case_of(await repo.get_case(case_a, A), "case A").pending


async def test_server_items_are_invisible_and_untouchable_elsewhere(storage: Storage) -> None:
    repo = storage.moderation
    mine = await server_item(storage, A, "ga-1", "Penguins wear tuxedos to every party")
    shared = await server_item(storage, None, "pack-1", "Owls give the wisest answers")
    # Duplicate checks in B never see A's content; global content is seen by both.
    assert [s.id for s in await repo.similar_items(kind="joke", guild_id=A, query='"penguins"')] == [mine]
    assert await repo.similar_items(kind="joke", guild_id=B, query='"penguins"') == []
    assert [s.id for s in await repo.similar_items(kind="joke", guild_id=B, query='"owls"')] == [shared]
    async with storage.transaction() as tx:
        txr = tx.moderation
        # What an edit checks inside its transaction: the content it started from, still active.
        digest = joke("ga-1", "Penguins wear tuxedos to every party").content_hash()
        assert await txr.item_state(mine) == ItemState(digest, "active")
        assert await txr.item_state(10**9) is None
        # B cannot retire A's item, nor anyone a global item through the server-content path.
        assert not await txr.set_item_status(item_id=mine, guild_id=B, status="retired", now=NOW)
        assert not await txr.set_item_status(item_id=shared, guild_id=B, status="retired", now=NOW)
        assert await txr.set_item_status(item_id=mine, guild_id=A, status="retired", now=NOW)
        assert await txr.item_state(mine) == ItemState(digest, "retired")
    items = storage.items
    assert found(await items.get(mine), "the server item").status == "retired"
    assert found(await items.get(shared), "the global item").status == "active"


async def test_hiding_is_per_server(storage: Storage) -> None:
    repo = storage.moderation
    items = storage.items
    shared = await server_item(storage, None, "pack-1", "Owls give the wisest answers")
    async with storage.transaction() as tx:
        txr = tx.moderation
        assert await txr.hide(guild_id=A, item_id=shared, reason="reports", now=NOW)
    assert await repo.hidden_reason(A, shared) == "reports"
    assert await repo.hidden_reason(B, shared) is None
    assert await items.count_eligible(Filters(kind="joke", guild_id=A, excluded_flags=0, blocked_tags=())) == 0
    assert await items.count_eligible(Filters(kind="joke", guild_id=B, excluded_flags=0, blocked_tags=())) == 1
    async with storage.transaction() as tx:
        txr = tx.moderation
        # A moderator's hide replaces a hide by reports; reports never downgrade a moderator's.
        assert await txr.hide(guild_id=A, item_id=shared, reason="moderator", now=NOW)
        assert not await txr.hide(guild_id=A, item_id=shared, reason="reports", now=NOW)
        # Lifting a hide by reports leaves a moderator's alone.
        assert not await txr.unhide(guild_id=A, item_id=shared, reason="reports")
        assert not await txr.unhide(guild_id=B, item_id=shared)
    assert await repo.hidden_reason(A, shared) == "moderator"


async def test_reports_join_one_open_case_and_count_members_once(storage: Storage) -> None:
    repo = storage.moderation
    shared = await server_item(storage, None, "pack-1", "Owls give the wisest answers")
    async with storage.transaction() as tx:
        txr = tx.moderation
        first = await txr.open_report_case(guild_id=A, item_id=shared, kind="joke", user_id=5, now=NOW)
        again = await txr.open_report_case(guild_id=A, item_id=shared, kind="joke", user_id=6, now=NOW)
        other = await txr.open_report_case(guild_id=B, item_id=shared, kind="joke", user_id=6, now=NOW)
        assert first == again != other
        assert await txr.add_report(case_id=first, user_id=5, reason="meh", now=NOW)
        assert not await txr.add_report(case_id=first, user_id=5, reason="meh again", now=NOW)
        assert await txr.add_report(case_id=first, user_id=6, reason="bad", now=NOW)
        assert await txr.reporter_count(first) == 2
        assert await txr.reporter_count(other) == 0
        # Once decided, a new report opens a new case.
        assert await txr.decide(case_id=first, guild_id=A, status="kept", actor_id=9, now=NOW)
        fresh = await txr.open_report_case(guild_id=A, item_id=shared, kind="joke", user_id=5, now=NOW)
        assert fresh not in (first, other)
    assert [r.reason for r in await repo.reports(first)] == ["meh", "bad"]


async def test_a_case_is_decided_once(storage: Storage) -> None:
    repo = storage.moderation
    async with storage.transaction() as tx:
        txr = tx.moderation
        case_id = await txr.add_case(guild_id=A, type="suggestion", kind="joke", user_id=5, now=NOW,
                                      proposal=joke("s", "x"), fingerprint="x")
        assert joke_body(found(await txr.pending_proposal(case_id=case_id, guild_id=A), "proposal").body).text == "x"
        assert await txr.pending_proposal(case_id=case_id, guild_id=B) is None
        assert await txr.decide(case_id=case_id, guild_id=A, status="approved", actor_id=8, now=NOW)
        assert await txr.pending_proposal(case_id=case_id, guild_id=A) is None
        assert not await txr.decide(case_id=case_id, guild_id=A, status="rejected", actor_id=9, now=NOW)
        assert not await txr.update_proposal(case_id=case_id, guild_id=A, proposal=joke("s", "y"),
                                              fingerprint="y")
    case = case_of(await repo.get_case(case_id, A), "the case")
    assert (case.status, case.decided_by) == ("approved", 8)


async def test_the_log_and_versions_are_per_server(storage: Storage) -> None:
    repo = storage.moderation
    log = storage.audit
    mine = await server_item(storage, A, "ga-1", "Penguins wear tuxedos")
    async with storage.transaction() as tx:
        entry = AuditEntry(action="edit", target=f"item:{mine}", kind="joke", item_id=mine,
                           before={"text": "old"}, after={"text": "new"}, details={"version": 1})
        await tx.audit.record(guild_id=A, actor_id=9, entry=entry, now=NOW)
        await tx.moderation.save_version(item_id=mine, entry=joke("ga-1", "Penguins wear tuxedos"),
                                                    edited_by=9, now=NOW)
    [record] = await log.actions(A)
    assert (record.actor_id, record.before, record.after) == (9, {"text": "old"}, {"text": "new"})
    # Read back as data, field for field.
    assert record.entry == entry and record.summary is None
    assert await log.actions(B) == []
    [version] = await repo.versions(mine, "joke", "ga-1")
    assert joke_body(version.entry.body).text == "Penguins wear tuxedos"


@pytest.mark.backends("sqlite")  # PostgreSQL's migrations: tests/test_postgres.py
async def test_migrations_bring_the_core_up(core: Core) -> None:
    # The whole schema, moderation included, applies to a fresh file in one go.
    version = await backend_of(core).db.scalar("PRAGMA user_version")
    assert version >= 3 and version == migrations()[-1][0]  # every migration, not only moderation's
    assert await core.storage.moderation.next_pending(A) is None
    assert iso(core.clock.now()).endswith("Z")


async def test_log_rows_from_before_migration_4_keep_their_sentence(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with schema_at(path, 3) as old:
        old.execute("""INSERT INTO moderation_log (guild_id, actor_id, action, target, before, after, reason, summary,
                                                   created_at)
                       VALUES (?, 9, 'reject', 'case:7', '{"status": "pending"}', '{"status": "rejected"}', 'Dated',
                               'rejected suggestion #7 from <@5>', ?)""", (A, NOW))
        old.execute("""INSERT INTO moderation_log (guild_id, actor_id, action, target, summary, created_at)
                       VALUES (?, 9, 'retire', 'item:3', 'removed joke #3: retired, its votes are kept', ?)""",
                    (A, NOW))
    db = await Database.open(path)
    try:
        assert await db.scalar("PRAGMA user_version") >= 4
        retired, rejected = await AuditLog(db).actions(A)
        # Read as they were written: the sentence, and the item or case recovered from the target.
        assert rejected.summary == "rejected suggestion #7 from <@5>" and rejected.entry.case_id == 7
        assert (rejected.before, rejected.after, rejected.reason) == ({"status": "pending"}, {"status": "rejected"},
                                                                      "Dated")
        assert retired.entry.item_id == 3 and retired.entry.case_id is None
        assert action_text(rejected) == "rejected suggestion #7 from <@5>"
    finally:
        await db.close()


def case_of(case: Case | None, what: str = "the case") -> Case:
    return found(case, what)


async def test_each_server_numbers_its_suggestions_and_reports_apart(storage: Storage) -> None:
    repo = storage.moderation
    shared = await server_item(storage, None, "shared", "A joke everyone sees")
    opened: list[tuple[int, int]] = []
    async with storage.transaction() as tx:
        txr = tx.moderation
        for guild_id, n in ((A, 1), (B, 1), (A, 2), (A, 3)):
            opened.append((guild_id, await txr.add_case(
                guild_id=guild_id, type="suggestion", kind="joke", user_id=5, now=NOW,
                proposal=joke(f"s{n}", f"Suggestion {n}"), fingerprint=f"suggestion {n}")))
        report_a = await txr.open_report_case(guild_id=A, item_id=shared, kind="joke", user_id=6, now=NOW)
        # The same open case again takes no number.
        assert await txr.open_report_case(guild_id=A, item_id=shared, kind="joke", user_id=7, now=NOW) == report_a
        addition = await txr.add_case(guild_id=A, type="addition", kind="joke", user_id=9, now=NOW, status="approved")
    numbers = [(guild_id, case_of(await repo.get_case(case_id, guild_id)).number) for guild_id, case_id in opened]
    assert numbers == [(A, 1), (B, 1), (A, 2), (A, 3)]
    assert case_of(await repo.get_case(report_a, A)).number == 1
    assert case_of(await repo.get_case(addition, A)).number == 1
    assert [(number, text) for _, number, text in await repo.pending_fingerprints(A, "joke")] == \
        [(3, "suggestion 3"), (2, "suggestion 2"), (1, "suggestion 1")]


async def test_cases_from_before_they_were_numbered_are_numbered_in_the_order_they_came(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    numbering = next(number for number, name, _ in migrations() if "case_numbers" in name)
    with schema_at(path, numbering - 1) as old:
        for guild_id, kind in ((A, "suggestion"), (B, "suggestion"), (A, "report"), (A, "suggestion")):
            old.execute("INSERT INTO review_cases (guild_id, type, kind, user_id, created_at) "
                        "VALUES (?, ?, 'joke', 5, ?)", (guild_id, kind, NOW))
    db = await Database.open(path)
    try:
        repo = ModerationRepository(db)
        assert [(c, case_of(await repo.get_case(c, g)).number) for c, g in ((1, A), (2, B), (3, A), (4, A))] == \
            [(1, 1), (2, 1), (3, 1), (4, 2)]
        # New cases go on from there.
        async with db.atomic() as tx:
            fifth = await ModerationRepository(tx).add_case(guild_id=A, type="suggestion", kind="joke", user_id=5,
                                                            now=NOW)
        assert case_of(await repo.get_case(fifth, A)).number == 3
    finally:
        await db.close()


def proposal_of(case: Case | None) -> Body:
    """The body a case proposes (the test expects the case, with a proposal)."""
    return found(found(case, "the case").proposal, "its proposal").body
