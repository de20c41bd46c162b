"""The rough edges a first try-out hit, end to end through the emulator: refused forms that keep
what was typed, /content show saying whether an item shows here and why not, categories in
/review and near-duplicate checks, counts in replies, and the numbering of suggestions and reports.

Alice and Bob are members without rights, Carol moderates; what is checked is what they see."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.e2e.harness import Answer, Banter, Person, Shown, banter
from tests.e2e.seen import shipped_joke, timestamp

QUEUE_EMPTY = "The review queue is empty."


@dataclass
class Server:
    b: Banter
    alice: Person  # no rights
    bob: Person  # no rights
    carol: Person  # Manage Server

    async def suggest(self, who: Person, values: dict[str, str]) -> Answer:
        return await (await who.run("suggest joke")).form.submit(values)

    async def add(self, values: dict[str, str]) -> Answer:
        return await (await self.carol.run("content add", kind="joke")).form.submit(values)

    async def review(self) -> Answer:
        return await self.carol.run("review")

    async def shows_here(self, item_id: int) -> str:
        shown = await self.carol.run("content show", id=item_id)
        assert shown.ephemeral
        return shown.embeds[1].fields["Shows here"]


@pytest.fixture
async def s(tmp_path: Path) -> AsyncIterator[Server]:
    async with banter(tmp_path, channels=("general", "mod-log")) as b:
        yield Server(b, b.alice, b.bob, await b.moderator("carol"))


def number_in(reply: str) -> int:
    """The item number a reply names first ("Added joke #12 ...")."""
    return int(reply.split("#")[1].split(" ")[0].strip("*"))


# --- a refused form keeps what was typed -----------------------------------------------------------

async def test_a_refused_suggestion_reopens_filled_in_with_what_was_typed(s: Server) -> None:
    typed = {"joke": "Why do owls never tell secrets?", "punchline": "See https://example.com",
             "categories": "animals"}
    refused = await s.suggest(s.alice, typed)
    assert refused.ephemeral and "Punchline: links are not allowed" in refused.content
    assert [b.label for b in refused.buttons] == ["Edit what I typed"]
    reopened = await s.alice.click(refused, "Edit what I typed")
    assert reopened.form.title == "Suggest a joke"
    assert {key: reopened.form.value(key) for key in typed} == typed
    assert reopened.form.value("flags") is None
    # Put right and sent from the reopened form, it is an ordinary suggestion, waiting in /review.
    receipt = await reopened.form.submit({"punchline": "Because it is a hoot to keep them."})
    assert "Your suggestion is **#" in receipt.content
    review = await s.review()
    assert review.content.startswith("**Suggestion #1**")
    assert review.embed.description.startswith("Why do owls never tell secrets?")
    assert "Because it is a hoot to keep them." in review.embed.text and "example.com" not in review.embed.text


async def test_a_refused_moderator_form_reopens_until_it_expires(s: Server) -> None:
    refused = await s.add({"joke": "Hi @everyone", "categories": "puns"})
    assert "@everyone and @here are not allowed" in refused.content
    reopened = await s.carol.click(refused, "Edit what I typed")
    assert reopened.form.value("joke") == "Hi @everyone"
    await s.b.later(timedelta(minutes=31))
    expired = await s.carol.click(refused, "Edit what I typed")
    assert not expired.has_form
    assert expired.ephemeral and "That form has expired" in expired.content


# --- /content show: does it show here, and if not, why ----------------------------------------------

async def test_content_show_says_whether_an_item_shows_here_and_why_not(s: Server) -> None:
    added = await s.add({"joke": "My sundial is always late in winter.", "categories": "pun", "flags": "dark"})
    item_id = number_in(added.content)
    assert await s.shows_here(item_id) == "🚫 safe mode is on and it is flagged `dark` (`/settings safe-mode`)"
    await s.carol.run("settings safe-mode", enabled=False)
    assert (await s.shows_here(item_id)).startswith("✅ yes")
    await s.carol.run("settings flag", name="dark", blocked=True)
    assert await s.shows_here(item_id) == "🚫 this server blocks the flag `dark` (`/settings flag`)"
    await s.carol.run("settings flag", name="dark", blocked=False)
    await s.carol.run("settings category", name="pun", blocked=True)
    assert await s.shows_here(item_id) == "🚫 this server blocks the category `pun` (`/settings category`)"
    await s.carol.run("settings category", name="pun", blocked=False)
    await s.carol.run("content remove", id=item_id, reason="Too gloomy for us")
    removed = await s.shows_here(item_id)
    assert removed.startswith(f"🚫 removed by {s.carol.mention} <t:")
    assert ":R>: “Too gloomy for us” · `/content restore` brings it back" in removed
    await s.carol.run("content restore", id=item_id)
    assert (await s.shows_here(item_id)).startswith("✅ yes")


async def test_content_show_on_global_items_hidden_here_or_in_another_language(s: Server) -> None:
    # A German joke, as a server reading German is shown one; then the server reads English again.
    await s.carol.run("settings languages", codes="de")
    german = (await s.alice.run("joke")).message.item_id
    await s.carol.run("settings languages", codes="en")
    assert await s.shows_here(german) == "🚫 it is in `de`, not one of this server's languages (`/settings languages`)"
    shown = await s.alice.run("joke")
    english = shown.message.item_id
    assert (await s.shows_here(english)).startswith("✅ yes")
    await s.carol.run("content remove", id=english)
    hidden = await s.shows_here(english)
    assert hidden.startswith(f"🚫 hidden in this server by {s.carol.mention} <t:") and "(no reason given)" in hidden
    # Several reasons at once are all given.
    await s.carol.run("settings category", name=shipped_joke(shown.embed).categories[0], blocked=True)
    lines = (await s.shows_here(english)).split("\n")
    assert len(lines) == 2 and "blocks the category" in lines[1]


# --- categories must exist unless a moderator confirms a new one -----------------------------------

async def test_a_member_suggesting_an_unknown_category_is_shown_close_ones(s: Server) -> None:
    astronaut = {"joke": "Why did the astronaut break up?", "punchline": "She needed space."}
    refused = await s.suggest(s.alice, astronaut | {"categories": "spaace"})
    assert refused.content == ("There is no joke category called `spaace` here. Did you mean `space`? Choose "
                               "existing categories, or leave the field empty for `misc`; the moderators can make "
                               "new ones.")
    # A member gets no button to create it, only their form back, and nothing waits for review.
    assert [b.label for b in refused.buttons] == ["Edit what I typed"]
    assert QUEUE_EMPTY in (await s.review()).content
    # A plural of an existing category is that category.
    receipt = await s.suggest(s.alice, astronaut | {"categories": "Spaces, puns"})
    assert "Your suggestion is" in receipt.content
    assert "Categories: space, pun · Flags: none" in (await s.review()).content


async def test_a_moderator_confirms_a_new_category_with_a_button(s: Server) -> None:
    modlog = s.b.channel("mod-log")
    await s.carol.run("settings modlog", channel=modlog)
    await s.b.posted(modlog, "mod-log channel")  # the change itself is logged there first
    logged = len(s.b.messages(modlog))
    typed = {"joke": "My robot vacuum quit its job.", "punchline": "It said the work really sucked.",
             "categories": "robots, tech"}
    refused = await s.add(typed)
    assert refused.ephemeral
    assert refused.content.startswith("`robots` is not a joke category yet.")
    assert "Create it with the button, or edit what you typed." in refused.content
    assert [b.label for b in refused.buttons] == ["Create robots", "Edit what I typed"]
    # Nothing was added yet: the library has no such joke, and the mod-log no new entry (which
    # alone proves little: on PostgreSQL an add's post arrives after its answer).
    assert "No joke matches" in (await s.alice.run("joke", search="robot vacuum")).content
    assert len(s.b.messages(modlog)) == logged
    added = await s.carol.click(refused, "Create robots")
    assert added.ephemeral and added.content.startswith("Added joke #")
    item_id = number_in(added.content)
    await s.b.posted(modlog, f"added joke #{item_id}")
    assert len(s.b.messages(modlog)) == logged + 1
    shown = await s.carol.run("content show", id=item_id)
    assert shown.embeds[1].fields["Categories"] == "robots, tech"
    # The confirmation is spent; the category now exists for members too.
    again = await s.carol.click(refused, "Create robots")
    assert "That form has expired" in again.content
    receipt = await s.suggest(s.alice, {"joke": "Why was the robot tired?", "punchline": "It had a hard drive.",
                                        "categories": "robots"})
    assert "Your suggestion is" in receipt.content


async def test_a_light_rewording_of_a_library_joke_is_refused(s: Server) -> None:
    refused = await s.suggest(s.alice, {"joke": "What did one wall say to the other one?",
                                        "punchline": "Meet you at the corner!"})
    assert refused.ephemeral and "already in the library: joke #" in refused.content
    assert "says much the same in other words" in refused.content
    assert QUEUE_EMPTY in (await s.review()).content


# --- each server numbers its suggestions and its reports ----------------------------------------------

async def test_suggestions_and_report_cases_are_numbered_per_server(s: Server) -> None:
    other = await s.b.add_server("Other server")
    olga = await s.b.join("olga", server=other)

    async def suggest(who: Person, text: str) -> str:
        return (await s.suggest(who, {"joke": text})).content

    assert "Your suggestion is **#1**" in await suggest(s.alice, "Never trust atoms: they make it all up")
    assert "Your suggestion is **#1**" in await suggest(olga, "Bakers knead the dough, always")
    assert "Your suggestion is **#2**" in await suggest(s.bob, "My calendar's days are numbered")
    shown = await s.alice.run("joke", search="labracadabrador")
    item_id = shown.message.item_id
    report = await s.alice.click(shown, "Report")
    await report.form.submit({"reason": "Heard it before"})
    # The queue, oldest first: the two suggestions, then the server's first report case.
    review = await s.review()
    assert review.content.startswith("**Suggestion #1**")
    first = await s.carol.click(review, "Approve")
    assert first.content.startswith("✅ Approved suggestion #1: it is now joke #")
    second = await s.carol.click(review, "Approve")
    assert second.content.startswith("✅ Approved suggestion #2")
    assert f"**Report case #1** · global joke #{item_id} · 1 report ·" in second.content


async def test_a_review_edit_with_a_new_category_is_confirmed_and_the_case_shows_it(s: Server) -> None:
    await s.suggest(s.alice, {"joke": "I only know 25 letters of the alphabet.", "punchline": "I don't know y.",
                              "categories": "wordplay"})
    review = await s.review()
    assert "Categories: wordplay · Flags: none" in review.content
    edit = await s.carol.click(review, "Edit")
    refused = await edit.form.submit({"categories": "wordplay, alphabet"})
    assert refused.ephemeral and refused.content.startswith("`alphabet` is not a joke category yet.")
    confirmed = await s.carol.click(refused, "Create alphabet")
    # The message the button was on shows the case now.
    assert confirmed.updated and confirmed.message == refused.message
    assert confirmed.content.startswith("✏️ Edited.")
    assert "Categories: wordplay, alphabet (new) · Flags: none" in confirmed.content
    # The edit was kept: the case, looked at again, has both categories.
    assert "Categories: wordplay, alphabet" in (await s.review()).content


# --- /daily set takes 12-hour times and city names -------------------------------------------------

async def set_daily(s: Server, time: str, timezone: str) -> Answer:
    return await s.carol.run("daily set", channel=s.b.general, time=time, timezone=timezone)


async def daily_status(s: Server) -> Shown:
    return (await s.carol.run("daily status")).message


async def test_daily_set_takes_12_hour_times_and_city_names(s: Server) -> None:
    # The harness starts at 14 March 2026, 12:00 UTC.
    answer = await set_daily(s, "8:30pm", "tokyo")
    assert "**20:30** (Asia/Tokyo)" in answer.content
    # 20:30 in Tokyo (UTC+9) is 11:30 UTC, already past at noon: tomorrow's it is.
    assert timestamp(datetime(2026, 3, 15, 11, 30, tzinfo=UTC)) in answer.content
    answer = await set_daily(s, "9am", "uk")
    assert "**09:00** (Europe/London)" in answer.content
    assert "at **09:00** (Europe/London)" in (await daily_status(s)).embed.description


async def test_an_ambiguous_or_unknown_zone_says_what_to_choose_and_saves_nothing(s: Server) -> None:
    answer = await set_daily(s, "09:00", "usa")
    assert answer.ephemeral
    assert "`usa` has several time zones: `America/New_York`, `America/Chicago`" in answer.content
    answer = await set_daily(s, "09:00", "lodnon")
    assert "Did you mean `Europe/London`?" in answer.content
    answer = await set_daily(s, "13pm", "london")
    assert "hours go 1-12" in answer.content
    assert (await daily_status(s)).embed.description.startswith("Not set up.")
