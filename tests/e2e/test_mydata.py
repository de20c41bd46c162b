"""/mydata end to end: what a member sees of their data, the confirmation before deleting it, and
that afterwards nothing of them is left in the database but moderation records naming "a former
member". And the sweep that ages old pick history and settled reports out, on the ManualClock."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import asyncpg
import pytest

from bot.clock import iso
from bot.config import Config
from cogs.render import action_text
from tests.e2e.harness import START, Banter, Person, Shown, banter

JOKE = {"joke": "Why did the marmot bring a ladder to the meeting?", "punchline": "The agenda was high level."}
OTHER = {"joke": "What does a lighthouse keeper read at night?", "punchline": "Shore stories."}


@dataclass
class World:
    b: Banter
    carol: Person  # Manage Server

    async def suggest(self, who: Person, entry: dict[str, str]) -> None:
        form = (await who.run("suggest joke")).form
        assert "Your suggestion is" in (await form.submit({**entry, "categories": "puns"})).content

    async def report(self, who: Person, item: Shown, reason: str) -> None:
        form = (await who.click(item, f"report:{item.item_id}")).form
        await form.submit({"reason": reason})


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    async with banter(tmp_path) as b:
        yield World(b, await b.moderator("carol"))


async def fill(w: World) -> tuple[Shown, Shown]:
    """Alice votes on a joke and saves it, reports another, has one suggestion approved and one
    waiting, and corrects a mood reading; Bob votes on the first joke too."""
    b, alice = w.b, w.b.alice
    liked = (await alice.run("joke")).message
    await alice.click(liked, "👍")
    await b.bob.click(liked, "👍")
    await alice.click(liked, "⭐")
    await w.suggest(alice, JOKE)
    review = await w.carol.run("review")
    await w.carol.click(review, "review:1:approve")
    await b.later(timedelta(seconds=60))
    await w.suggest(alice, OTHER)
    disliked = (await alice.run("joke")).message
    while disliked.item_id == liked.item_id:
        disliked = (await alice.run("joke")).message
    await w.report(alice, disliked, "Told at every **wedding**")
    await b.core.mood_corrections.correct(b.home.id, alice.id, "my cactus bloomed at last", "none", "happy")
    return liked, disliked


async def rows_naming(config: Config, user_id: int) -> dict[str, int]:
    """Every table and column of the database (SQLite's file, or PostgreSQL's) in which ``user_id``
    appears, as a number or in text."""
    found: dict[str, int] = {}
    if config.database_url is not None:
        conn = await asyncpg.connect(config.database_url)
        try:
            columns = await conn.fetch("SELECT table_name, column_name FROM information_schema.columns "
                                       "WHERE table_schema = 'public'")
            for row in columns:
                table, column = row["table_name"], row["column_name"]
                count = await conn.fetchval(f'SELECT count(*) FROM "{table}" WHERE CAST("{column}" AS TEXT) '
                                            "LIKE $1", f"%{user_id}%")
                if count:
                    found[f"{table}.{column}"] = count
        finally:
            await conn.close()
        return found
    with sqlite3.connect(config.database_path) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for column in [r[1] for r in db.execute(f"PRAGMA table_info({table})")]:
                count = db.execute(f'SELECT count(*) FROM "{table}" WHERE CAST("{column}" AS TEXT) LIKE ?',
                                   (f"%{user_id}%",)).fetchone()[0]
                if count:
                    found[f"{table}.{column}"] = count
    return found


async def test_a_member_sees_what_is_stored_about_them(w: World) -> None:
    b = w.b
    nothing = await b.bob.run("mydata show")
    assert nothing.ephemeral and nothing.content.startswith("Banter stores nothing about you")
    liked, disliked = await fill(w)
    answer = await b.alice.run("mydata show")
    assert answer.ephemeral
    shown = answer.embed.fields
    assert list(shown) == ["👍👎 Votes: 1 vote", "⭐ Favourites: 1 favourite", "📝 Suggestions: 2 suggestions",
                           "🚩 Reports: 1 report", "🎭 Mood corrections: 1 mood correction",
                           "🛡️ Moderation records: 1 moderation record"]
    assert shown["👍👎 Votes: 1 vote"].startswith(f"👍 on #{liked.item_id} · <t:")
    assert f"saved #{liked.item_id}" in shown["⭐ Favourites: 1 favourite"]
    suggestions = shown["📝 Suggestions: 2 suggestions"].splitlines()
    assert suggestions[0].startswith("suggestion #2, pending")
    assert re.match(r"suggestion #1, approved: now #\d+ · ", suggestions[1])
    # What the member typed is shown as typed, not as markdown.
    assert f"report on #{disliked.item_id}: “Told at every \\*\\*wedding\\*\\*”" in shown["🚩 Reports: 1 report"]
    assert "“my cactus bloomed at last” → happy" in shown["🎭 Mood corrections: 1 mood correction"]
    assert "approve" in shown["🛡️ Moderation records: 1 moderation record"]


async def test_delete_asks_first_then_leaves_only_anonymised_moderation_records(w: World) -> None:
    b, alice = w.b, w.b.alice
    liked, _ = await fill(w)
    asked = await alice.run("mydata delete")
    assert asked.ephemeral and asked.content.startswith("This removes you from everything Banter stores")
    assert "1 vote, 1 favourite, 2 suggestions, 1 report, 1 mood correction, 1 moderation record" in asked.content
    assert [btn.label for btn in asked.buttons] == ["Yes, delete my data", "Keep it"]
    kept = await alice.click(asked, "Keep it")
    assert kept.content == "Nothing was deleted." and kept.buttons == []
    assert await rows_naming(b.config, alice.id) != {}

    asked = await alice.run("mydata delete")
    done = await alice.click(asked, "Yes, delete my data")
    assert done.content == ("Done. Deleted 1 vote, 1 favourite, 1 mood correction, 1 report, 1 suggestion. "
                            "3 moderation records now name a former member instead of you.")
    assert done.buttons == []
    # Nothing names her any more, anywhere in the database (the point of this test: it reads the file)...
    assert await rows_naming(b.config, alice.id) == {}
    # ...but the moderation history still reads, with a former member in her place.
    (approval,) = await b.core.storage.audit.actions(b.home.id, target="case:1")
    assert approval.entry.member_id == 0
    assert action_text(approval).startswith("approved suggestion #1 from a former member: it is now joke #")
    # Bob's vote is his own, and the count a moderator sees is his alone.
    shown = await w.carol.run("content show", id=liked.item_id)
    assert shown.embeds[1].fields["Votes"].startswith("here 👍 1 👎 0")
    assert await rows_naming(b.config, b.bob.id) == {"votes.user_id": 1}
    again = await alice.run("mydata show")
    assert again.content.startswith("Banter stores nothing about you")


async def test_old_pick_history_and_settled_reports_age_out(tmp_path: Path) -> None:
    extra = "privacy:\n  history_days: 30\n  reports_days: 7\n"
    async with banter(tmp_path, config_extra=extra) as b:
        carol = await b.moderator("carol")
        w = World(b, carol)
        shown = (await b.alice.run("joke")).message
        await w.report(b.alice, shown, "Heard it before")
        review = await carol.run("review")
        await carol.click(review, "review:1:keep")
        assert "🚩 Reports: 1 report" in (await b.alice.run("mydata show")).embed.fields
        history = b.core.storage.history

        async def sweep_after(days: float) -> None:
            b.core.privacy.swept.clear()
            await b.later(timedelta(days=days))
            await asyncio.wait_for(b.core.privacy.swept.wait(), 10)

        await sweep_after(8)  # the report was settled 8 days ago: gone, the showing stays
        assert (await b.alice.run("mydata show")).content.startswith("Banter stores nothing about you")
        assert await b.core.storage.moderation.get_case(1, b.home.id) is None
        assert await history.count(b.general.id, "joke") == 1
        # The moderation log keeps the decision.
        (kept,) = await b.core.storage.audit.actions(b.home.id, target=f"item:{shown.item_id}")
        assert kept.action == "keep"
        # On day 31, the showing of day 0 goes and one of day 30 stays.
        await history.record(scope_id=b.general.id, kind="joke", item_id=shown.item_id + 1,
                             guild_id=b.home.id, now=iso(START + timedelta(days=30)))
        await sweep_after(23)
        assert await history.places(shown.item_id) == []
        assert [place[0] for place in await history.places(shown.item_id + 1)] == [b.general.id]
