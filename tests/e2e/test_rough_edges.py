"""The rough edges a first try-out hit, end to end through the emulator: refused forms that keep
what was typed, /content show saying whether an item shows here and why not, categories in
/review and near-duplicate checks, counts in replies, and the numbering of suggestions and reports."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from discord_emulator import Channel, EmulatedInteraction, Member, Message
from discord_emulator import Permissions as P
from tests.e2e.harness import Banter, banter


@dataclass
class World:
    b: Banter
    general: Channel
    alice: Member  # no rights
    bob: Member  # no rights
    carol: Member  # Manage Server

    async def slash(self, who: Member, command: str, **options: Any) -> EmulatedInteraction:
        return await self.b.emu.slash(who, self.general, command, **options)

    async def reply(self, who: Member, command: str, **options: Any) -> Message:
        return await (await self.slash(who, command, **options)).original_message()

    async def submit(self, who: Member, opened_by: EmulatedInteraction, values: dict[str, str]) -> Message:
        submitted = await self.b.emu.submit_modal(who, opened_by, values)
        return await submitted.original_message()

    async def click(self, who: Member, message: Message, label: str) -> EmulatedInteraction:
        ix = await self.b.emu.click(who, message, label=label)
        await ix.response()
        return ix


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    async with banter(tmp_path) as b:
        admins = b.emu.add_role(b.sb.guild, "Admins", int(P.MANAGE_GUILD))
        carol = b.emu.add_member(b.sb.guild, "carol", roles=[admins])
        def role_seen() -> bool:
            guild = b.bot.get_guild(b.sb.guild.id)
            return guild is not None and guild.get_role(admins.id) is not None

        await b.emu.wait_for(role_seen)
        yield World(b, b.sb.general, b.sb.alice, b.sb.bob, carol)


# --- a refused form keeps what was typed -----------------------------------------------------------

async def test_a_refused_suggestion_reopens_filled_in_with_what_was_typed(w: World) -> None:
    typed = {"joke": "Why do owls never tell secrets?", "punchline": "See https://example.com",
             "categories": "animals"}
    refused = await w.submit(w.alice, await w.slash(w.alice, "suggest joke"), typed)
    assert refused.ephemeral and "Punchline: links are not allowed" in refused.content
    assert [b["label"] for b in refused.buttons()] == ["Edit what I typed"]
    reopened = await w.click(w.alice, refused, "Edit what I typed")
    modal = (await reopened.response()).modal
    assert modal is not None and modal.title == "Suggest a joke"
    assert {key: modal.field(key).value for key in typed} == typed
    assert modal.field("flags").value is None
    # Put right and sent from the reopened form, it is an ordinary suggestion.
    receipt = await w.submit(w.alice, reopened, {"punchline": "Because it is a hoot to keep them."})
    assert "Your suggestion is **#" in receipt.content
    case = await w.b.core.storage.moderation.next_pending(w.b.sb.guild.id)
    assert case is not None and case.proposal is not None
    assert case.proposal.body.searchable().startswith("Why do owls never tell secrets?")


async def test_a_refused_moderator_form_reopens_until_it_expires(w: World) -> None:
    refused = await w.submit(w.carol, await w.slash(w.carol, "content add", kind="joke"),
                             {"joke": "Hi @everyone", "categories": "puns"})
    assert "@everyone and @here are not allowed" in refused.content
    reopened = await w.click(w.carol, refused, "Edit what I typed")
    modal = (await reopened.response()).modal
    assert modal is not None and modal.field("joke").value == "Hi @everyone"
    await w.b.clock.advance(timedelta(minutes=31))
    expired = await w.click(w.carol, refused, "Edit what I typed")
    answer = await expired.original_message()
    assert answer.ephemeral and "That form has expired" in answer.content
    assert (await expired.response()).modal is None


# --- /content show: does it show here, and if not, why ----------------------------------------------

async def shows_here(w: World, item_id: int) -> str:
    shown = await w.reply(w.carol, "content show", id=item_id)
    assert shown.ephemeral
    return str({f["name"]: f["value"] for f in shown.embeds[1]["fields"]}["Shows here"])


async def test_content_show_says_whether_an_item_shows_here_and_why_not(w: World) -> None:
    added = await w.submit(w.carol, await w.slash(w.carol, "content add", kind="joke"),
                           {"joke": "My sundial is always late in winter.", "categories": "pun", "flags": "dark"})
    item_id = int(added.content.split("#")[1].split(" ")[0])
    assert await shows_here(w, item_id) == "🚫 safe mode is on and it is flagged `dark` (`/settings safe-mode`)"
    await w.reply(w.carol, "settings safe-mode", enabled=False)
    assert (await shows_here(w, item_id)).startswith("✅ yes")
    await w.reply(w.carol, "settings flag", name="dark", blocked=True)
    assert await shows_here(w, item_id) == "🚫 this server blocks the flag `dark` (`/settings flag`)"
    await w.reply(w.carol, "settings flag", name="dark", blocked=False)
    await w.reply(w.carol, "settings category", name="pun", blocked=True)
    assert await shows_here(w, item_id) == "🚫 this server blocks the category `pun` (`/settings category`)"
    await w.reply(w.carol, "settings category", name="pun", blocked=False)
    await w.reply(w.carol, "content remove", id=item_id, reason="Too gloomy for us")
    removed = await shows_here(w, item_id)
    assert removed.startswith(f"🚫 removed by <@{w.carol.id}> <t:")
    assert ":R>: “Too gloomy for us” · `/content restore` brings it back" in removed
    await w.reply(w.carol, "content restore", id=item_id)
    assert (await shows_here(w, item_id)).startswith("✅ yes")


async def test_content_show_on_global_items_hidden_here_or_in_another_language(w: World) -> None:
    jokes = await w.b.core.storage.items.find(kind="joke", global_only=True)
    german = next(j for j in jokes if j.language == "de" and not j.flags)
    assert await shows_here(w, german.id) == ("🚫 it is in `de`, not one of this server's languages "
                                              "(`/settings languages`)")
    english = next(j for j in jokes if j.language == "en" and not j.flags)
    assert (await shows_here(w, english.id)).startswith("✅ yes")
    await w.reply(w.carol, "content remove", id=english.id)
    hidden = await shows_here(w, english.id)
    assert hidden.startswith(f"🚫 hidden in this server by <@{w.carol.id}> <t:") and "(no reason given)" in hidden
    # Several reasons at once are all given.
    await w.reply(w.carol, "settings category", name=english.categories[0], blocked=True)
    lines = (await shows_here(w, english.id)).split("\n")
    assert len(lines) == 2 and "blocks the category" in lines[1]


# --- categories must exist unless a moderator confirms a new one -----------------------------------

async def test_a_member_suggesting_an_unknown_category_is_shown_close_ones(w: World) -> None:
    refused = await w.submit(w.alice, await w.slash(w.alice, "suggest joke"),
                             {"joke": "Why did the astronaut break up?", "punchline": "She needed space.",
                              "categories": "spaace"})
    assert refused.content == ("There is no joke category called `spaace` here. Did you mean `space`? Choose "
                               "existing categories, or leave the field empty for `misc`; the moderators can make "
                               "new ones.")
    # A member gets no button to create it, only their form back.
    assert [b["label"] for b in refused.buttons()] == ["Edit what I typed"]
    assert await w.b.core.storage.moderation.next_pending(w.b.sb.guild.id) is None
    # A plural of an existing category is that category.
    receipt = await w.submit(w.alice, await w.slash(w.alice, "suggest joke"),
                             {"joke": "Why did the astronaut break up?", "punchline": "She needed space.",
                              "categories": "Spaces, puns"})
    assert "Your suggestion is" in receipt.content
    review = await w.reply(w.carol, "review")
    assert "Categories: space, pun · Flags: none" in review.content


async def test_a_moderator_confirms_a_new_category_with_a_button(w: World) -> None:
    typed = {"joke": "My robot vacuum quit its job.", "punchline": "It said the work really sucked.",
             "categories": "robots, tech"}
    before = len(await w.b.core.storage.items.find(kind="joke"))
    refused = await w.submit(w.carol, await w.slash(w.carol, "content add", kind="joke"), typed)
    assert refused.ephemeral
    assert refused.content.startswith("`robots` is not a joke category yet.")
    assert "Create it with the button, or edit what you typed." in refused.content
    assert [b["label"] for b in refused.buttons()] == ["Create robots", "Edit what I typed"]
    assert len(await w.b.core.storage.items.find(kind="joke")) == before
    confirmed = await w.click(w.carol, refused, "Create robots")
    added = await confirmed.original_message()
    assert added.ephemeral and added.content.startswith("Added joke #")
    item_id = int(added.content.split("#")[1].split(" ")[0])
    item = await w.b.core.storage.items.get(item_id)
    assert item is not None and item.categories == ("robots", "tech")
    # The confirmation is spent; the category now exists for members too.
    again = await w.click(w.carol, refused, "Create robots")
    assert "That form has expired" in (await again.original_message()).content
    receipt = await w.submit(w.alice, await w.slash(w.alice, "suggest joke"),
                             {"joke": "Why was the robot tired?", "punchline": "It had a hard drive.",
                              "categories": "robots"})
    assert "Your suggestion is" in receipt.content


async def test_a_light_rewording_of_a_library_joke_is_refused(w: World) -> None:
    refused = await w.submit(w.alice, await w.slash(w.alice, "suggest joke"),
                             {"joke": "What did one wall say to the other one?",
                              "punchline": "Meet you at the corner!"})
    assert refused.ephemeral and "already in the library: joke #" in refused.content
    assert "says much the same in other words" in refused.content
    assert await w.b.core.storage.moderation.next_pending(w.b.sb.guild.id) is None


# --- each server numbers its suggestions and its reports ----------------------------------------------

async def test_suggestions_and_report_cases_are_numbered_per_server(w: World) -> None:
    emu = w.b.emu
    other = emu.add_guild("Other server")
    other_general = emu.add_text_channel(other, "general")
    olga = emu.add_member(other, "olga")
    await emu.wait_for(lambda: w.b.bot.get_guild(other.id) is not None)

    async def suggest(who: Member, channel: Channel, text: str) -> str:
        ix = await emu.slash(who, channel, "suggest joke")
        return (await w.submit(who, ix, {"joke": text})).content

    assert "Your suggestion is **#1**" in await suggest(w.alice, w.general, "Never trust atoms: they make it all up")
    assert "Your suggestion is **#1**" in await suggest(olga, other_general, "Bakers knead the dough, always")
    assert "Your suggestion is **#2**" in await suggest(w.bob, w.general, "My calendar's days are numbered")
    shown = await w.reply(w.alice, "joke", search="labracadabrador")
    item_id = int(shown.buttons()[2]["custom_id"].split(":")[1])
    report = await w.click(w.alice, shown, "Report")
    await emu.submit_modal(w.alice, report, {"reason": "Heard it before"})
    # The queue, oldest first: the two suggestions, then the server's first report case.
    review = await w.reply(w.carol, "review")
    assert review.content.startswith("**Suggestion #1**")
    await w.click(w.carol, review, "Approve")
    assert emu.get_message(review.id).content.startswith("✅ Approved suggestion #1: it is now joke #")
    await w.click(w.carol, emu.get_message(review.id), "Approve")
    after = emu.get_message(review.id).content
    assert after.startswith("✅ Approved suggestion #2")
    assert f"**Report case #1** · global joke #{item_id} · 1 report ·" in after


async def test_a_review_edit_with_a_new_category_is_confirmed_and_the_case_shows_it(w: World) -> None:
    await w.submit(w.alice, await w.slash(w.alice, "suggest joke"),
                   {"joke": "I only know 25 letters of the alphabet.", "punchline": "I don't know y.",
                    "categories": "wordplay"})
    review = await w.reply(w.carol, "review")
    assert "Categories: wordplay · Flags: none" in review.content
    edit = await w.click(w.carol, review, "Edit")
    refused = await w.submit(w.carol, edit, {"categories": "wordplay, alphabet"})
    assert refused.ephemeral and refused.content.startswith("`alphabet` is not a joke category yet.")
    confirmed = await w.click(w.carol, refused, "Create alphabet")
    assert (await confirmed.response()).type == 7  # the message the button was on shows the case now
    shown = w.b.emu.get_message(refused.id)
    assert shown.content.startswith("✏️ Edited.")
    assert "Categories: wordplay, alphabet (new) · Flags: none" in shown.content
    case = await w.b.core.storage.moderation.next_pending(w.b.sb.guild.id)
    assert case is not None and case.proposal is not None and case.proposal.categories == ("wordplay", "alphabet")


# --- /daily set takes 12-hour times and city names -------------------------------------------------

def timestamp(moment: datetime, style: str = "F") -> str:
    return f"<t:{int(moment.timestamp())}:{style}>"


async def set_daily(w: World, time: str, timezone: str) -> Message:
    return await w.reply(w.carol, "daily set", channel=w.general, time=time, timezone=timezone)


async def test_daily_set_takes_12_hour_times_and_city_names(w: World) -> None:
    # The harness starts at 14 March 2026, 12:00 UTC.
    answer = await set_daily(w, "8:30pm", "tokyo")
    assert "**20:30** (Asia/Tokyo)" in answer.content
    # 20:30 in Tokyo (UTC+9) is 11:30 UTC, already past at noon: tomorrow's it is.
    assert timestamp(datetime(2026, 3, 15, 11, 30, tzinfo=UTC)) in answer.content
    answer = await set_daily(w, "9am", "uk")
    assert "**09:00** (Europe/London)" in answer.content
    assert (await w.b.core.storage.settings.get(w.b.sb.guild.id)).timezone == "Europe/London"


async def test_an_ambiguous_or_unknown_zone_says_what_to_choose_and_saves_nothing(w: World) -> None:
    answer = await set_daily(w, "09:00", "usa")
    assert answer.ephemeral
    assert "`usa` has several time zones: `America/New_York`, `America/Chicago`" in answer.content
    answer = await set_daily(w, "09:00", "lodnon")
    assert "Did you mean `Europe/London`?" in answer.content
    answer = await set_daily(w, "13pm", "london")
    assert "hours go 1-12" in answer.content
    assert (await w.b.core.storage.settings.get(w.b.sb.guild.id)).timezone == "UTC"
