"""``python -m bot migrate-db``: a SQLite database with something in every table moves to an empty
PostgreSQL database, verified table by table, and a second run copies nothing."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, date, datetime
from pathlib import Path

import msgspec
import pytest

from bot.__main__ import main
from bot.clock import ManualClock
from bot.config import Config, load_config
from bot.core import Core
from bot.models import ContentEntry, JokeBody
from bot.records import AuditEntry, DailySchedule, NewPost
from tests import pg_databases
from tests.support import found
from tests.template_db import seeded

GUILD = 77
NOW = "2026-03-14T12:00:00.000000Z"

pytestmark = pytest.mark.backends("sqlite")


async def busy_database(config: Config, clock: ManualClock) -> None:
    """A SQLite database with rows in every table a community fills."""
    core = await Core.open(await seeded(config), clock=clock, rng=random.Random(3))
    try:
        storage = core.storage
        jokes = await storage.items.find(kind="joke")
        for user in range(4):
            await core.votes.click(item_id=jokes[0].id, guild_id=GUILD, user_id=user, up=user != 3)
        await storage.votes.toggle(item_id=jokes[1].id, guild_id=GUILD, user_id=9, value=1, now=NOW,
                                   mood="happy")
        await storage.settings.update(GUILD, safe_mode=False, languages=("en", "de"))
        await storage.meta.set("command_hash", "abc")
        await core.picks.of_the_day("discussion", GUILD)
        f = await core.picks.filters("joke", GUILD)
        core.picks.shown(await core.picks.pick(f, scope_id=5), scope_id=5, guild_id=GUILD)
        for user in (1, 2):
            await storage.favorites.toggle(user_id=user, guild_id=GUILD, item_id=jokes[0].id, now=NOW)
        await storage.favorites.toggle(user_id=1, guild_id=GUILD + 1, item_id=jokes[4].id, now=NOW)
        await storage.daily.claim_reminder(GUILD, date(2026, 3, 14), NOW)
        async with storage.transaction() as tx:
            # Withdrawn below (its member's data is deleted): the suggestion after it keeps number 2.
            await tx.moderation.add_case(guild_id=GUILD, type="suggestion", kind="joke", user_id=11, now=NOW,
                                         fingerprint="y", proposal=ContentEntry(kind="joke", key="w",
                                                                                body=JokeBody(text="Gone")))
            case = await tx.moderation.add_case(guild_id=GUILD, type="suggestion", kind="joke", user_id=4,
                                                now=NOW, fingerprint="x",
                                                proposal=ContentEntry(kind="joke", key="s",
                                                                      body=JokeBody(text="Ça va")))
            report = await tx.moderation.open_report_case(guild_id=GUILD, item_id=jokes[2].id, kind="joke", user_id=5,
                                                          now=NOW)
            await tx.moderation.add_report(case_id=report, user_id=5, reason="meh", now=NOW)
            await tx.moderation.hide(guild_id=GUILD, item_id=jokes[2].id, reason="reports", now=NOW)
            await tx.moderation.save_version(item_id=jokes[3].id, entry=ContentEntry(
                kind="joke", key=jokes[3].key, body=JokeBody(text="older")), edited_by=4, now=NOW)
            await tx.audit.record(guild_id=GUILD, actor_id=4, entry=AuditEntry(action="add", target=f"case:{case}",
                                  case_id=case), now=NOW)
            await tx.mood_corrections.add(guild_id=GUILD, user_id=4, text="meh", read_as="sad", chosen="bored",
                                          now=NOW)
        schedule = await storage.daily.save_schedule(DailySchedule(
            id=0, guild_id=GUILD, channel_id=5, post_time="09:00", kinds="both", role_id=None, thread=True,
            enabled=True,
            next_date=date(2026, 3, 15), next_due=datetime(2026, 3, 15, 9, tzinfo=UTC)), now=NOW)
        await storage.daily.claim_now(schedule, NewPost(kind="joke", local_date=date(2026, 3, 14), status="sending",
                                                     channel_id=5, due_at="2026-03-14T09:00:00.000000Z", nonce="n"),
                                      now=NOW)
        await storage.privacy.delete_member(11)
    finally:
        await core.close()


async def test_a_whole_database_moves_with_matching_counts_and_checksums(
        config: Config, clock: ManualClock, capsys: pytest.CaptureFixture[str],
        postgres_server: str, tmp_path: Path) -> None:
    await busy_database(config, clock)
    target = await pg_databases.fresh(postgres_server, library=False)
    try:
        cfg = tmp_path / "config.yaml"
        assert await asyncio.to_thread(main, ["migrate-db", "--config", str(cfg), "--to", target]) == 0
        out = capsys.readouterr().out
        assert "every table matches" in out
        rows = {line.split()[0]: int(line.split()[1]) for line in out.splitlines()[2:-1]}
        for table in ("items", "item_tags", "items_fts", "votes", "guild_item_stats", "mood_item_stats", "history",
                      "guild_settings", "daily_picks", "review_cases", "reports", "guild_hidden", "item_versions",
                      "moderation_log", "mood_corrections", "meta", "daily_schedules", "daily_posts", "favorites",
                      "review_reminders", "case_numbers"):
            assert rows[table] > 0, table
        # The copy is a working database: the bot opens it and sees the same votes and settings.
        moved = await Core.open(msgspec.structs.replace(load_config(None, environ={}), database_url=target))
        try:
            joke = (await moved.storage.items.find(kind="joke"))[0]
            assert (await moved.votes.tally(joke.id, GUILD)).up == 3
            assert not (await moved.storage.settings.get(GUILD)).safe_mode
            # Saves came along in the score, and cases keep their numbers (and go on from them).
            assert await moved.storage.favorites.saves(joke.id, GUILD) == 2
            [kept] = [c for c in await moved.storage.moderation.pending(GUILD) if c.type == "suggestion"]
            assert kept.number == 2
            async with moved.storage.transaction() as tx:
                after = await tx.moderation.add_case(guild_id=GUILD, type="suggestion", kind="joke", user_id=4,
                                                     now=NOW)
            assert found(await moved.storage.moderation.get_case(after, GUILD), "the new case").number == 3
        finally:
            await moved.close()
        # A second run finds the rows and copies nothing.
        assert await asyncio.to_thread(main, ["migrate-db", "--config", str(cfg), "--to", target]) != 0
        err = capsys.readouterr().err
        assert "already holds data" in err and "nothing was copied twice" in err
    finally:
        await pg_databases.drop(target)
