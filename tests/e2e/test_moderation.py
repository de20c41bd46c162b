"""Moderation end to end: the real bot, started as ``python -m bot run`` starts it (tests.e2e.harness),
against the local Discord emulator. Every command, button and modal, the refusals and the races, as
members and moderators see them: answers, the review message, DMs and the mod-log channel."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from discord_emulator import Channel, InvocationError, Role
from tests.e2e.harness import Answer, Banter, Person, Server, Shown, banter

MOD_COMMANDS = ("review", "content", "settings")
ZEBRA = {"joke": "Why did the zebracorn refuse the race?", "punchline": "It was already striped for success."}
EMPTY_QUEUE = "The review queue is empty"


@dataclass
class Cast:
    """The people of these stories, on Banter's test server and on another one."""

    b: Banter
    modlog: Channel
    alice: Person  # members without any rights
    bob: Person
    eve: Person  # does not take direct messages
    frank: Person
    carol: Person  # Manage Server (through the Admins role)
    dan: Person  # Manage Server too
    dave: Person  # holds the "Banter mods" role, which has no permissions
    mods_role: Role
    other: Server  # a second server
    olga: Person  # Manage Server in the other server
    _marks: int = 0

    async def modlog_post(self, text: str) -> Shown:
        """The mod-log post that says ``text`` (waiting for it)."""
        return await self.b.posted(self.modlog, text)

    def modlog_actions(self, target: str) -> list[str]:
        """The actions the mod-log shows for ``target`` ("item:4", "case:1"), newest last; each
        post's footer reads "Moderation action #N · action · target"."""
        actions = []
        for post in self.b.messages(self.modlog):
            _, action, on = post.embed.footer.split(" · ")
            if on == target:
                actions.append(action)
        return actions

    async def modlog_caught_up(self) -> None:
        """Until the mod-log shows everything done so far: a moderator makes one more change and
        its post arrives (the posts of earlier answers were sent before it)."""
        self._marks += 1
        await self.carol.run("settings report-threshold", count=50 + self._marks)
        await self.modlog_post(f"→ {50 + self._marks}")

    async def suggest(self, who: Person, kind: str, values: dict[str, str]) -> Answer:
        form = (await who.run(f"suggest {kind}")).form
        return await form.submit(values)

    async def find_joke(self, who: Person, words: str) -> Answer:
        return await who.run("joke", search=words)

    async def details(self, item_id: int, who: Person | None = None) -> dict[str, str]:
        """What /content show says of an item (the fields of its second embed)."""
        shown = await (who or self.carol).run("content show", id=item_id)
        assert shown.ephemeral and len(shown.embeds) == 2, shown.content
        return shown.embeds[1].fields

    async def review_shows(self, text: str) -> bool:
        return text in (await self.carol.run("review")).content


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[Cast]:
    async with banter(tmp_path, members=("alice", "bob", "frank"), channels=("general", "mod-log")) as b:
        mods_role = await b.role("Banter mods")
        other = await b.add_server("Other server")
        cast = Cast(b, b.channel("mod-log"), b.alice, b.bob, await b.join("eve", dms_open=False), b.person("frank"),
                    await b.moderator("carol"), await b.moderator("dan"), await b.join("dave", roles=[mods_role]),
                    mods_role, other, await b.moderator("olga", server=other))
        assert (await cast.carol.run("settings modlog", channel=cast.modlog)).content == "Saved."
        yield cast


# --- members suggest, moderators review ----------------------------------------------------------

async def test_a_suggestion_goes_to_the_library_and_into_picks(w: Cast) -> None:
    opened = await w.alice.run("suggest joke")
    form = opened.form
    assert form.title == "Suggest a joke"
    assert form.field_ids == ["joke", "punchline", "categories", "flags"]
    assert form.field("joke").max_length == 1000
    receipt = await form.submit({**ZEBRA, "categories": "Animals, puns"})
    assert receipt.ephemeral and "Your suggestion is **#1**" in receipt.content
    # Not in the library yet.
    assert "No joke matches" in (await w.find_joke(w.bob, "zebracorn")).content

    review = await w.carol.run("review")
    assert review.ephemeral and review.content.startswith("**Suggestion #1** · joke · from")
    assert review.embed.description.startswith(ZEBRA["joke"])
    assert review.message.custom_ids[:3] == ["review:1:approve", "review:1:reject", "review:1:edit"]
    await w.carol.click(review, "review:1:approve")
    after = review.message
    assert after.content.startswith("✅ Approved suggestion #1: it is now joke #")
    assert EMPTY_QUEUE in after.content and after.buttons == []
    item_id = int(after.content.split("joke #")[1].split(".")[0])

    dm = await w.alice.dm("was approved")
    assert f"joke #{item_id}" in dm.content
    post = await w.modlog_post("approved suggestion #1")
    assert w.carol.mention in post.embed.description

    picked = await w.find_joke(w.bob, "zebracorn")
    assert picked.embed.description.startswith(ZEBRA["joke"])
    assert picked.message.custom_ids == [f"vote:{item_id}:up", f"vote:{item_id}:down", f"save:{item_id}",
                                       f"report:{item_id}"]
    # Server content stays in its server.
    assert "No joke matches" in (await w.find_joke(w.olga, "zebracorn")).content
    details = await w.details(item_id)
    # "puns" was taken as the library's existing category "pun".
    assert details["Scope"].startswith("this server's · origin `suggestion`")
    assert details["Categories"] == "animals, pun"


async def test_discussion_suggestion_edit_flags_and_reject(w: Cast) -> None:
    topic = {"title": "Four-day weeks", "question": "Should offices try a four-day week?",
             "benefits": "More rest\nFewer commutes", "disadvantages": "Longer days",
             "talking_points": "Output: does it hold up?\nFairness: what about shift work?"}
    receipt = await w.suggest(w.alice, "discussion", topic)
    assert "**#1**" in receipt.content
    review = await w.carol.run("review")
    assert review.embed.title == "💬 Four-day weeks"
    assert review.embed.field_names[:2] == ["👍 Benefits", "👎 Disadvantages"]

    await w.carol.click(review, "review:1:flag-dark")
    assert "Flags: dark" in review.content
    assert review.message.button("review:1:flag-dark").label == "dark: on"
    await w.modlog_post("turned dark on for suggestion #1")

    edit = await w.carol.click(review, "review:1:edit")
    form = edit.form
    assert form.title == "Edit suggestion #1"
    assert form.value("title") == "Four-day weeks"
    assert form.value("talking_points") == "Output: does it hold up?\nFairness: what about shift work?"
    await form.submit({"title": "The four-day week"})
    assert review.content.startswith("✏️ Edited.") and review.embed.title == "💬 The four-day week"
    assert "Flags: dark" in review.content  # the edit kept the flag

    reject = (await w.carol.click(review, "review:1:reject")).form
    assert reject.title == "Reject suggestion #1"
    await reject.submit({"reason": "We covered this last week."})
    assert review.content.startswith("✖️ Rejected suggestion #1.")
    # Nothing became a topic, and nothing is left to review.
    assert "it is now" not in review.content and EMPTY_QUEUE in review.content
    dm = await w.alice.dm("was not accepted")
    assert "We covered this last week." in dm.content
    post = await w.modlog_post("rejected suggestion #1")
    assert post.embed.fields["Reason"] == "We covered this last week."
    assert w.modlog_actions("case:1") == ["edit-suggestion", "edit-suggestion", "reject"]


async def test_a_member_who_takes_no_dms_still_gets_a_decision(w: Cast) -> None:
    await w.suggest(w.eve, "joke", ZEBRA)
    review = await w.carol.run("review")
    await w.carol.click(review, "review:1:approve")
    assert review.content.startswith("✅ Approved suggestion #1")
    await w.modlog_post("approved suggestion #1")
    # The bot tried to tell eve, "Discord" refused (her DMs are closed), and nothing else broke.
    emu = w.b.emu
    await emu.wait_for(lambda: any(r.status == 403 for r in emu.requests_to("POST", r"^/channels/\d+/messages$")))
    assert "zebracorn" in (await w.find_joke(w.bob, "zebracorn")).embed.description


# --- bad input and abuse ---------------------------------------------------------------------------

@pytest.mark.parametrize(("values", "expected"), [
    ({"joke": "    "}, "Joke: must not be empty"),
    ({"joke": "Hey @everyone, a joke"}, "@everyone and @here are not allowed"),
    ({"joke": "Ask <@&123456789012345678> why"}, "mentions are not allowed"),
    ({"joke": "Funny", "punchline": "[click](https://example.com)"}, "masked links"),
    ({"joke": "Ok", "flags": "spicy"}, "unknown flag 'spicy'"),
])
async def test_bad_suggestions_get_a_clear_error_and_store_nothing(w: Cast, values: dict[str, str],
                                                                   expected: str) -> None:
    answer = await w.suggest(w.alice, "joke", values)
    assert answer.ephemeral and expected in answer.content
    assert await w.review_shows(EMPTY_QUEUE)


async def test_over_long_and_malformed_discussions_are_refused(w: Cast) -> None:
    form = (await w.alice.run("suggest discussion")).form
    # The form itself stops what Discord's client would stop...
    with pytest.raises(InvocationError, match="at most 200"):
        await form.submit({"title": "t" * 201, "question": "q", "benefits": "b", "disadvantages": "d",
                           "talking_points": "a: b"})
    # ...and the bot checks what the form cannot.
    values = {"title": "Pets", "question": "Cats or dogs?", "benefits": "\n".join(f"b{n}" for n in range(9)),
              "disadvantages": "d", "talking_points": "no colon here"}
    answer = await form.submit(values)
    assert "Benefits: 9 items, at most 8" in answer.content
    assert "Talking points: line 1 needs a heading" in answer.content
    # Every field within its limit, but together too much for one embed.
    big = {"title": "t" * 200, "question": "q" * 1000, "benefits": "\n".join(["b" * 300] * 3),
           "disadvantages": "\n".join(["d" * 300] * 3),
           "talking_points": "\n".join(f"Point {n}: " + "x" * 380 for n in range(10))}
    answer = await w.suggest(w.alice, "discussion", big)
    assert "characters in all, at most 5500" in answer.content
    assert await w.review_shows(EMPTY_QUEUE)


async def test_duplicates_and_the_daily_limit(w: Cast) -> None:
    dup = await w.suggest(w.alice, "joke", {"joke": "What do you call a dog that does magic tricks?",
                                            "punchline": "A labracadabrador"})
    assert "already in the library: joke #" in dup.content
    for animal in ("aardvarks", "badgers", "capybaras", "dolphins", "emus"):
        answer = await w.suggest(w.alice, "joke", {"joke": f"Never lend {animal} your umbrella"})
        assert "Your suggestion is" in answer.content
    near = await w.suggest(w.bob, "joke", {"joke": "Never lend emus your umbrellas!"})
    assert "suggested already" in near.content
    # The sixth of the day is refused before a form is shown.
    refused = await w.alice.run("suggest joke")
    assert not refused.has_form
    assert refused.ephemeral and "5 suggestions in the last 24 hours" in refused.content


async def test_two_members_with_the_suggest_form_open_at_once_both_get_through(w: Cast) -> None:
    # Discord tells the bot which form was sent by its custom_id alone: two open at once must not
    # share one, or the second to be sent is dropped ("This interaction failed").
    alices = (await w.alice.run("suggest joke")).form
    bobs = (await w.bob.run("suggest joke")).form
    first = await alices.submit({"joke": "Quokkas smile at every camera they meet."})
    second = await bobs.submit({"joke": "Wombats stack their worries in neat cubes."})
    assert not second.refused and not first.refused
    assert "Your suggestion is **#1**" in first.content and "Your suggestion is **#2**" in second.content
    assert first.message.ephemeral and second.message.ephemeral


async def test_suggestions_switched_off(w: Cast) -> None:
    await w.carol.run("settings suggestions", enabled=False)
    answer = await w.alice.run("suggest joke")
    assert answer.ephemeral and answer.content == "Suggestions are switched off in this server."


# --- reports ---------------------------------------------------------------------------------------

async def report(who: Person, message: Shown, item_id: int, reason: str) -> Answer:
    clicked = await who.click(message, f"report:{item_id}")
    if not clicked.has_form:
        return clicked
    return await clicked.form.submit({"reason": reason})


async def test_reports_hide_an_item_and_keep_restores_it(w: Cast) -> None:
    shown = (await w.find_joke(w.alice, "labracadabrador")).message
    item_id = shown.item_id
    open_form = await w.alice.click(shown, f"report:{item_id}")
    assert open_form.form.title == f"Report joke #{item_id}"
    thanks = await open_form.form.submit({"reason": "Heard it a hundred times"})
    assert thanks.ephemeral and "your report on joke" in thanks.content
    again = await report(w.alice, shown, item_id, "again")
    assert "reported this item already" in again.content
    await report(w.bob, shown, item_id, "Not funny")
    assert "labracadabrador" in (await w.find_joke(w.frank, "labracadabrador")).embed.description
    await report(w.frank, shown, item_id, "Offensive to dogs")
    # Three members: hidden here until a moderator decides, still shown elsewhere.
    assert "No joke matches" in (await w.find_joke(w.bob, "labracadabrador")).content
    assert "labracadabrador" in (await w.find_joke(w.olga, "labracadabrador")).embed.description
    await w.modlog_post("in this server after 3 reports")

    review = await w.carol.run("review")
    assert "**Report case #1**" in review.content and "3 reports" in review.content
    assert "hidden here by reports" in review.content and "Offensive to dogs" in review.content
    assert review.message.button("review:1:edit").disabled  # global content cannot be edited here
    await w.carol.click(review, "review:1:keep")
    assert review.content.startswith(f"✅ Kept joke #{item_id}")
    assert "labracadabrador" in (await w.find_joke(w.bob, "labracadabrador")).embed.description
    await w.modlog_post(f"kept joke #{item_id}")


async def test_a_report_decided_by_removal(w: Cast) -> None:
    await w.carol.run("settings report-threshold", count=1)
    shown = (await w.find_joke(w.alice, "labracadabrador")).message
    item_id = shown.item_id
    await report(w.alice, shown, item_id, "Too silly")
    review = await w.carol.run("review")
    remove = (await w.carol.click(review, "review:1:remove")).form
    assert remove.title == f"Remove joke #{item_id}"
    await remove.submit({"reason": "Off-topic for this server"})
    assert review.content.startswith(f"🗑️ Removed joke #{item_id}")
    # A global item: hidden here only (by the moderator now), never retired.
    assert (await w.details(item_id))["Shows here"].startswith("🚫 hidden in this server")
    assert "No joke matches" in (await w.find_joke(w.bob, "labracadabrador")).content
    assert "labracadabrador" in (await w.find_joke(w.olga, "labracadabrador")).embed.description
    assert (await w.details(item_id, w.olga))["Shows here"].startswith("✅ yes")


async def test_a_report_on_server_content_edited_then_removed(w: Cast) -> None:
    added = await (await w.carol.run("content add", kind="joke")).form.submit(
        {"joke": "Hedgehogs never win at hide and seek."})
    item_id = int(added.content.split("#")[1].split(" ")[0])
    shown = (await w.find_joke(w.alice, "hedgehogs")).message
    await report(w.alice, shown, item_id, "Spiky humour")
    review = await w.carol.run("review")
    assert "this server's joke" in review.content
    # People see the server's first report case; its buttons carry the case's id, 2 (the moderator's
    # addition above was case 1).
    assert "**Report case #1**" in review.content
    assert not review.message.button("review:2:edit").disabled
    assert not review.message.button("review:2:flag-dark").disabled
    edit = (await w.carol.click(review, "review:2:edit")).form
    assert edit.title == f"Edit joke #{item_id}"
    assert edit.value("joke") == "Hedgehogs never win at hide and seek."
    await edit.submit({"joke": "Hedgehogs always lose at hide and seek: they stick out."})
    assert review.content.startswith("✏️ Edited.")
    await w.carol.click(review, "review:2:flag-offensive")
    assert (await w.details(item_id))["Flags"] == "offensive"
    remove = (await w.carol.click(review, "review:2:remove")).form
    assert remove.field("reason").label == "Reason (retire it)"
    await remove.submit({"reason": "Still not funny"})
    assert review.content.startswith(f"🗑️ Removed joke #{item_id}")
    shown_now = await w.carol.run("content show", id=item_id)
    assert shown_now.embeds[0].description.startswith("Hedgehogs always lose")
    details = shown_now.embeds[1].fields
    assert details["Shows here"].startswith("🚫 removed")
    assert details["Edits"].startswith("2 earlier versions kept")
    assert "No joke matches" in (await w.find_joke(w.bob, "hedgehogs")).content
    await w.modlog_post(f"removed joke #{item_id} (report case #1)")


# --- /content --------------------------------------------------------------------------------------

async def test_content_add_edit_flag_show_remove_restore(w: Cast) -> None:
    add = await w.carol.run("content add", kind="joke")
    done = await add.form.submit({"joke": "Otters hold hands so they do not drift apart."})
    assert done.content.startswith("Added joke #")
    item_id = int(done.content.split("#")[1].split(" ")[0])
    await w.modlog_post(f"added joke #{item_id}")
    assert "Otters" in (await w.find_joke(w.bob, "otters")).embed.description

    form = (await w.carol.run("content edit", id=item_id)).form
    assert form.title == f"Edit joke #{item_id}"
    assert form.value("joke") == "Otters hold hands so they do not drift apart."
    edited = await form.submit({"joke": "Sea otters hold hands so they never drift apart."})
    assert edited.content == f"Edited joke #{item_id}; the previous version is kept."
    await w.carol.run("content flag", id=item_id, flag="dark", on=True)
    # Members are told that something matches but this server's safe mode hides it.
    hidden = await w.bob.run("joke", search="sea otters")
    assert hidden.content == "1 joke matches `sea otters` but is hidden by this server's safe mode."

    details = await w.details(item_id)
    assert details["Flags"] == "dark"
    assert details["Edits"].startswith("2 earlier versions kept")
    assert "this server's" in details["Scope"]
    assert w.b.general.mention in details["Shown here"]

    removed = await w.carol.run("content remove", id=item_id, reason="Dated")
    assert removed.content.startswith(f"Removed joke #{item_id}")
    assert (await w.details(item_id))["Shows here"].startswith("🚫 removed")
    await w.modlog_post(f"removed joke #{item_id}")
    restored = await w.carol.run("content restore", id=item_id)
    assert restored.content.startswith(f"Restored joke #{item_id}")
    await w.modlog_post(f"restored joke #{item_id}")
    assert w.modlog_actions(f"item:{item_id}") == ["add", "edit", "edit", "retire", "restore"]


async def test_content_scope_between_servers(w: Cast) -> None:
    add = await w.olga.run("content add", kind="joke")
    done = await add.form.submit({"joke": "Moles dig the underground music scene."})
    theirs = int(done.content.split("#")[1].split(" ")[0])
    for command in ("content remove", "content restore"):
        answer = await w.carol.run(command, id=theirs)
        assert answer.ephemeral and answer.content == f"There is no item #{theirs} in this server."
    # /content show says why it does not show here, and nothing else of it.
    shown = await w.carol.run("content show", id=theirs)
    assert shown.ephemeral and not shown.embeds
    assert shown.content == (f"Item #{theirs} does not show in this server: it is another server's own content, "
                             "and only that server sees it.")
    refused = await w.carol.run("content edit", id=theirs)
    assert not refused.has_form and refused.content == f"There is no item #{theirs} in this server."
    assert (await w.details(theirs, w.olga))["Shows here"].startswith("✅ yes")
    # Global content: cannot be edited, can be hidden here.
    pack = (await w.alice.run("joke")).message.item_id
    refused = await w.carol.run("content edit", id=pack)
    assert "global content from a pack" in refused.content
    hidden = await w.carol.run("content remove", id=pack)
    assert hidden.content.startswith(f"Hid global joke #{pack} in this server.")
    assert (await w.details(pack))["Shows here"].startswith("🚫 hidden in this server")
    assert (await w.details(pack, w.olga))["Shows here"].startswith("✅ yes")


# --- /settings -------------------------------------------------------------------------------------

async def test_settings(w: Cast) -> None:
    shown = await w.carol.run("settings show")
    fields = shown.embed.fields
    assert fields["Safe mode"].startswith("on") and fields["Mod-log channel"] == w.modlog.mention
    answer = await w.carol.run("settings safe-mode", enabled=False)
    assert answer.content == "Saved."
    await w.modlog_post("safe mode on → off")
    assert (await w.carol.run("settings safe-mode", enabled=False)).content.startswith("Nothing changed")
    choices = await w.carol.suggestions("settings category", focused="name", value="progr", blocked=True)
    assert [c.value for c in choices] == ["programming"]
    await w.carol.run("settings category", name="Programming", blocked=True)
    await w.carol.run("settings flag", name="dark", blocked=True)
    await w.carol.run("settings report-threshold", count=2)
    fields = (await w.carol.run("settings show")).embed.fields
    assert fields["Safe mode"].startswith("off")
    assert (fields["Blocked categories"], fields["Blocked flags"], fields["Reports that hide an item"]) == (
        "programming", "dark", "2")
    # Blocked categories are honoured by picks.
    blocked = await w.bob.run("joke", category="programming")
    assert "switched off in this server" in blocked.content
    post = await w.modlog_post("report threshold")
    assert post.embed.description.startswith(w.carol.mention) and post.embed.description.endswith("→ 2")


async def test_the_moderator_role(w: Cast) -> None:
    # Without the role set, dave is nobody; the commands are hidden from him by default.
    with pytest.raises(InvocationError, match="cannot use /review"):
        await w.dave.run("review")
    w.b.open_to_everyone(*MOD_COMMANDS)
    refused = await w.dave.run("review")
    assert refused.ephemeral and refused.content.startswith("Only moderators can do that")
    # Only Manage Server may hand out the moderator role.
    await w.carol.run("settings moderator-role", role=w.mods_role)
    await w.modlog_post("moderator role none → ")
    denied = await w.dave.run("settings moderator-role")
    assert "Manage Server permission can change the moderator role" in denied.content
    # With the role, dave moderates.
    await w.suggest(w.alice, "joke", ZEBRA)
    review = await w.dave.run("review")
    await w.dave.click(review, "review:1:approve")
    assert review.content.startswith("✅ Approved suggestion #1")
    await w.alice.dm("was approved")


# --- refusals and races ----------------------------------------------------------------------------

async def test_members_are_refused_on_the_server_side(w: Cast) -> None:
    with pytest.raises(InvocationError, match="cannot use /review"):
        await w.bob.run("review")
    # A server may open the commands to everyone; the bot still refuses members.
    w.b.open_to_everyone(*MOD_COMMANDS)
    await w.suggest(w.alice, "joke", ZEBRA)
    pack = (await w.alice.run("joke")).message.item_id
    attempts: list[tuple[str, dict[str, int | str | bool]]] = [
        ("review", {}), ("content remove", {"id": pack}), ("content show", {"id": pack}),
        ("content add", {"kind": "joke"}), ("content edit", {"id": pack}), ("settings safe-mode", {"enabled": False}),
        ("settings show", {})]
    for command, options in attempts:
        answer = await w.bob.run(command, **options)
        assert not answer.has_form, command
        assert answer.ephemeral and answer.content.startswith("Only moderators can do that"), command
    # Nothing changed: the suggestion waits, safe mode is on, the joke still shows.
    assert await w.review_shows("**Suggestion #1**")
    assert (await w.carol.run("settings show")).embed.fields["Safe mode"].startswith("on")
    assert (await w.details(pack))["Shows here"].startswith("✅ yes")
    await w.modlog_caught_up()
    assert {post.embed.footer.split(" · ")[2] for post in w.b.messages(w.modlog)} == {"settings"}


async def test_a_moderator_button_pressed_without_rights_changes_nothing(w: Cast) -> None:
    w.b.open_to_everyone(*MOD_COMMANDS)
    await w.carol.run("settings moderator-role", role=w.mods_role)
    await w.suggest(w.alice, "joke", ZEBRA)
    review = await w.dave.run("review")
    # Dave loses the role while his review message is still open.
    w.b.emu.set_roles(w.dave.member, [])
    for action in ("approve", "reject", "edit", "flag-nsfw"):
        answer = await w.dave.click(review, f"review:1:{action}")
        assert not answer.has_form, action
        assert answer.ephemeral and answer.content.startswith("Only moderators can do that"), action
    waiting = await w.carol.run("review")
    assert waiting.content.startswith("**Suggestion #1**") and "Flags: none" in waiting.content
    await w.modlog_caught_up()
    assert w.modlog_actions("case:1") == []


async def test_two_moderators_deciding_at_once(w: Cast) -> None:
    await w.suggest(w.alice, "joke", ZEBRA)
    await w.suggest(w.bob, "joke", {"joke": "Penguins wear tuxedos to every party."})
    first = await w.carol.run("review")
    second = await w.dan.run("review")
    # Dan is writing his reason for a rejection while Carol approves.
    reject_form = (await w.dan.click(second, "review:1:reject")).form
    await w.carol.click(first, "review:1:approve")
    rejected = await reject_form.submit({"reason": "Too late?"})
    assert not rejected.refused
    assert first.content.startswith("✅ Approved suggestion #1")
    assert second.content.startswith(f"⚠️ Suggestion #1 was already approved by {w.carol.mention}.")
    assert "**Suggestion #2**" in second.content  # and the next one comes up
    await w.modlog_post("approved suggestion #1")
    await w.modlog_caught_up()
    assert w.modlog_actions("case:1") == ["approve"]
    await w.alice.dm("was approved")


async def test_simultaneous_clicks_make_one_decision(w: Cast) -> None:
    await w.suggest(w.alice, "joke", ZEBRA)
    first = await w.carol.run("review")
    second = await w.dan.run("review")
    await asyncio.gather(w.carol.click(first, "review:1:approve"), w.dan.click(second, "review:1:approve"))
    texts = [first.content, second.content]
    assert sum(t.startswith("✅ Approved suggestion #1") for t in texts) == 1
    assert sum(t.startswith("⚠️ Suggestion #1 was already approved") for t in texts) == 1
    await w.alice.dm("was approved")
    # One joke was made: one approval in the mod-log, one DM to alice.
    await w.modlog_caught_up()
    assert w.modlog_actions("case:1") == ["approve"]
    dms = w.b.messages(w.b.emu.dm_channel(w.alice.member))
    assert [m for m in dms if "was approved" in m.content] == dms[-1:]
    assert "zebracorn" in (await w.find_joke(w.bob, "zebracorn")).embed.description


async def test_two_moderators_editing_the_same_item_at_once(w: Cast) -> None:
    original = "Otters hold hands so they do not drift apart."
    done = await (await w.carol.run("content add", kind="joke")).form.submit({"joke": original})
    item_id = int(done.content.split("#")[1].split(" ")[0])
    mods = (w.carol, w.dan)
    texts = {w.carol.id: "Sea otters hold hands so they never drift apart.",
             w.dan.id: "River otters hold paws while they sleep on the water."}
    # Both open the edit form on the same version...
    forms = {who.id: (await who.run("content edit", id=item_id)).form for who in mods}
    for form in forms.values():
        assert form.value("joke") == original
    # ...and submit at once.
    answers = dict(zip([who.id for who in mods],
                       await asyncio.gather(*(forms[who.id].submit({"joke": texts[who.id]}) for who in mods)),
                       strict=True))
    [winner] = [who for who in mods if answers[who.id].content == f"Edited joke #{item_id}; the previous version "
                "is kept."]
    [loser] = [who for who in mods if who is not winner]
    assert answers[loser.id].content == (f"Joke #{item_id} was changed by someone else meanwhile, so this edit was "
                                         "not saved; open it again.")
    shown = await w.carol.run("content show", id=item_id)
    assert shown.embeds[0].description == texts[winner.id]
    # The original is the one earlier version; one edit is recorded and posted, the winner's.
    edits = shown.embeds[1].fields["Edits"]
    assert edits.startswith("1 earlier version kept") and edits.endswith(f"by {winner.mention}")
    post = await w.modlog_post(f"edited joke #{item_id}")
    assert post.embed.description.startswith(winner.mention)
    await w.modlog_caught_up()
    assert w.modlog_actions(f"item:{item_id}") == ["add", "edit"]

    # Opened again, the form shows the winner's text; the loser's edit then keeps it as a version too.
    again = (await loser.run("content edit", id=item_id)).form
    assert again.value("joke") == texts[winner.id]
    answer = await again.submit({"joke": texts[loser.id]})
    assert answer.content == f"Edited joke #{item_id}; the previous version is kept."
    shown = await w.carol.run("content show", id=item_id)
    assert shown.embeds[0].description == texts[loser.id]
    edits = shown.embeds[1].fields["Edits"]
    assert edits.startswith("2 earlier versions kept") and edits.endswith(f"by {loser.mention}")


async def test_two_moderators_editing_a_suggestion_in_review(w: Cast) -> None:
    await w.suggest(w.alice, "joke", ZEBRA)
    first = await w.carol.run("review")
    second = await w.dan.run("review")
    carol_form = (await w.carol.click(first, "review:1:edit")).form
    dan_form = (await w.dan.click(second, "review:1:edit")).form
    await carol_form.submit({"punchline": "Stripes win races."})
    assert first.content.startswith("✏️ Edited.")
    await dan_form.submit({"punchline": "It had already earned its stripes."})
    # Dan is told, and his review message shows the suggestion as it is now.
    assert second.content.startswith("⚠️ Suggestion #1 was changed by someone else meanwhile, so this edit was not "
                                     "saved; open it again.")
    assert "**Suggestion #1**" in second.content and "Stripes win races." in second.embed.description
    post = await w.modlog_post("edited suggestion #1")
    assert post.embed.description.startswith(w.carol.mention)
    await w.modlog_caught_up()
    assert w.modlog_actions("case:1") == ["edit-suggestion"]
    again = (await w.dan.click(second, "review:1:edit")).form
    assert again.value("punchline") == "Stripes win races."


async def test_settings_languages_takes_only_languages_with_content(w: Cast) -> None:
    refused = await w.carol.run("settings languages", codes="en, xx")
    assert refused.content.startswith("Give one or more of the languages there is content in: `")
    assert "Languages" not in str([e.raw for e in refused.embeds])
    saved = await w.carol.run("settings languages", codes="EN")
    assert saved.embeds[0].fields["Languages"] == "en"
    with pytest.raises(InvocationError):
        await w.alice.run("settings languages", codes="en")
