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
from typing import Any

import pytest

from bot.clock import iso
from cogs.render import action_text
from discord_emulator import Member, Message
from discord_emulator import Permissions as P
from tests.e2e.harness import START, Banter, banter

JOKE = {"joke": "Why did the marmot bring a ladder to the meeting?", "punchline": "The agenda was high level."}
OTHER = {"joke": "What does a lighthouse keeper read at night?", "punchline": "Shore stories."}


@dataclass
class World:
    b: Banter
    carol: Member  # Manage Server

    async def reply(self, who: Member, command: str, **options: Any) -> Message:
        return await (await self.b.emu.slash(who, self.b.sb.general, command, **options)).original_message()

    async def click(self, who: Member, msg: Message, custom_id: str) -> Message:
        """Click a button; the message it answered with (or the clicked one, as edited)."""
        ix = await self.b.emu.click(who, msg, custom_id=custom_id)
        response = await ix.response()
        if ix.modal is not None:
            return msg
        return self.b.emu.get_message(msg.id) if response.type == 7 else await ix.original_message()

    async def suggest(self, who: Member, entry: dict[str, str]) -> None:
        ix = await self.b.emu.slash(who, self.b.sb.general, "suggest joke")
        await (await self.b.emu.submit_modal(who, ix, {**entry, "categories": "puns"})).response()

    async def report(self, who: Member, msg: Message, reason: str) -> None:
        ix = await self.b.emu.click(who, msg, custom_id=f"report:{item_of(msg)}")
        await (await self.b.emu.submit_modal(who, ix, {"reason": reason})).response()


def item_of(msg: Message) -> int:
    assert msg.embed is not None
    found = re.search(r"#(\d+)", msg.embed["footer"]["text"])
    assert found is not None
    return int(found.group(1))


def fields(msg: Message) -> dict[str, str]:
    assert msg.embed is not None
    return {f["name"]: f["value"] for f in msg.embed["fields"]}


async def moderator(b: Banter) -> Member:
    """Carol, with Manage Server through a role the bot has heard of."""
    admins = b.emu.add_role(b.sb.guild, "Admins", int(P.MANAGE_GUILD))
    carol = b.emu.add_member(b.sb.guild, "carol", roles=[admins])
    await b.emu.wait_for(lambda: (guild := b.bot.get_guild(b.sb.guild.id)) is not None
                         and guild.get_role(admins.id) is not None)
    return carol


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    async with banter(tmp_path) as b:
        yield World(b, await moderator(b))


async def fill(w: World) -> tuple[Message, Message]:
    """Alice votes on a joke and saves it, reports another, has one suggestion approved and one
    waiting, and corrects a mood reading; Bob votes on the first joke too."""
    b, alice = w.b, w.b.sb.alice
    liked = await w.reply(alice, "joke")
    await w.click(alice, liked, f"vote:{item_of(liked)}:up")
    await w.click(b.sb.bob, liked, f"vote:{item_of(liked)}:up")
    await w.click(alice, liked, f"save:{item_of(liked)}")
    await w.suggest(alice, JOKE)
    review = await w.reply(w.carol, "review")
    await w.click(w.carol, review, "review:1:approve")
    await b.clock.advance(60)
    await w.suggest(alice, OTHER)
    disliked = await w.reply(alice, "joke")
    while item_of(disliked) == item_of(liked):
        disliked = await w.reply(alice, "joke")
    await w.report(alice, disliked, "Told at every **wedding**")
    await b.core.mood_corrections.correct(b.sb.guild.id, alice.id, "my cactus bloomed at last", "none", "happy")
    return liked, disliked


def rows_naming(database: Path, user_id: int) -> dict[str, int]:
    """Every table and column of the database in which ``user_id`` appears, as a number or in text."""
    found: dict[str, int] = {}
    with sqlite3.connect(database) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for column in [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]:
                count = conn.execute(f'SELECT count(*) FROM "{table}" WHERE CAST("{column}" AS TEXT) LIKE ?',
                                     (f"%{user_id}%",)).fetchone()[0]
                if count:
                    found[f"{table}.{column}"] = count
    return found


async def test_a_member_sees_what_is_stored_about_them(w: World) -> None:
    b = w.b
    nothing = await b.emu.slash(b.sb.bob, b.sb.general, "mydata show")
    assert (await nothing.response()).ephemeral
    assert (await nothing.original_message()).content.startswith("Banter stores nothing about you")
    liked, disliked = await fill(w)
    ix = await b.emu.slash(b.sb.alice, b.sb.general, "mydata show")
    assert (await ix.response()).ephemeral
    shown = fields(await ix.original_message())
    assert list(shown) == ["👍👎 Votes: 1 vote", "⭐ Favourites: 1 favourite", "📝 Suggestions: 2 suggestions",
                           "🚩 Reports: 1 report", "🎭 Mood corrections: 1 mood correction",
                           "🛡️ Moderation records: 1 moderation record"]
    assert shown["👍👎 Votes: 1 vote"].startswith(f"👍 on #{item_of(liked)} · <t:")
    assert f"saved #{item_of(liked)}" in shown["⭐ Favourites: 1 favourite"]
    suggestions = shown["📝 Suggestions: 2 suggestions"].splitlines()
    assert suggestions[0].startswith("suggestion #2, pending")
    assert re.match(r"suggestion #1, approved: now #\d+ · ", suggestions[1])
    # What the member typed is shown as typed, not as markdown.
    assert f"report on #{item_of(disliked)}: “Told at every \\*\\*wedding\\*\\*”" in shown["🚩 Reports: 1 report"]
    assert "my cactus bloomed at last → happy" in shown["🎭 Mood corrections: 1 mood correction"]
    assert "approve" in shown["🛡️ Moderation records: 1 moderation record"]


async def test_delete_asks_first_then_leaves_only_anonymised_moderation_records(w: World) -> None:
    b, alice = w.b, w.b.sb.alice
    liked, _ = await fill(w)
    asked = await w.reply(alice, "mydata delete")
    assert asked.ephemeral and asked.content.startswith("This removes you from everything Banter stores")
    assert "1 vote, 1 favourite, 2 suggestions, 1 report, 1 mood correction, 1 moderation record" in asked.content
    assert [btn["label"] for btn in asked.buttons()] == ["Yes, delete my data", "Keep it"]
    kept = await w.click(alice, asked, f"mydata:keep:{alice.id}")
    assert kept.content == "Nothing was deleted." and kept.buttons() == []
    assert rows_naming(b.config.database_path, alice.id) != {}

    asked = await w.reply(alice, "mydata delete")
    done = await w.click(alice, asked, f"mydata:delete:{alice.id}")
    assert done.content == ("Done. Deleted 1 vote, 1 favourite, 1 mood correction, 1 report, 1 suggestion. "
                            "3 moderation records now name a former member instead of you.")
    assert done.buttons() == []
    # Nothing names her any more, anywhere in the database...
    assert rows_naming(b.config.database_path, alice.id) == {}
    # ...but the moderation history still reads, with a former member in her place.
    (approval,) = await b.core.storage.audit.actions(b.sb.guild.id, target="case:1")
    assert approval.entry.member_id == 0
    assert action_text(approval).startswith("approved suggestion #1 from a former member: it is now joke #")
    # Bob's vote is his own, and the tally shows it alone.
    assert (await b.core.votes.tally(item_of(liked), b.sb.guild.id)).up == 1
    assert rows_naming(b.config.database_path, b.sb.bob.id) == {"votes.user_id": 1}
    again = await w.reply(alice, "mydata show")
    assert again.content.startswith("Banter stores nothing about you")


async def test_old_pick_history_and_settled_reports_age_out(tmp_path: Path) -> None:
    extra = "privacy:\n  history_days: 30\n  reports_days: 7\n"
    async with banter(tmp_path, config_extra=extra) as b:
        carol = await moderator(b)
        w = World(b, carol)
        shown = await w.reply(b.sb.alice, "joke")
        await w.report(b.sb.alice, shown, "Heard it before")
        review = await w.reply(carol, "review")
        await w.click(carol, review, "review:1:keep")
        history = b.core.storage.history

        async def sweep_after(days: float) -> None:
            b.core.privacy.swept.clear()
            await b.clock.advance(timedelta(days=days))
            await asyncio.wait_for(b.core.privacy.swept.wait(), 10)

        await sweep_after(8)  # the report was settled 8 days ago: gone, the showing stays
        assert await b.core.storage.moderation.get_case(1, b.sb.guild.id) is None
        assert (await b.core.privacy.show(b.sb.alice.id)).counts["reports"] == 0
        assert await history.count(b.sb.general.id, "joke") == 1
        # The moderation log keeps the decision.
        (kept,) = await b.core.storage.audit.actions(b.sb.guild.id, target=f"item:{item_of(shown)}")
        assert kept.action == "keep"
        # On day 31, the showing of day 0 goes and one of day 30 stays.
        await history.record(scope_id=b.sb.general.id, kind="joke", item_id=item_of(shown) + 1,
                             guild_id=b.sb.guild.id, now=iso(START + timedelta(days=30)))
        await sweep_after(23)
        assert await history.places(item_of(shown)) == []
        assert [place[0] for place in await history.places(item_of(shown) + 1)] == [b.sb.general.id]
