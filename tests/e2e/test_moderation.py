"""Moderation end to end: the real bot, started as ``python -m bot run`` starts it (tests.e2e.harness),
against the local Discord emulator. Every command, button and modal, the refusals and the races."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.bot import BanterBot
from bot.clock import ManualClock
from bot.core import Core
from discord_emulator import Channel, DiscordEmulator, EmulatedInteraction, Guild, InvocationError, Member, Message
from discord_emulator import Permissions as P
from tests.e2e.harness import banter
from tests.support import item_by_key

MOD_COMMANDS = ("review", "content", "settings")
ZEBRA = {"joke": "Why did the zebracorn refuse the race?", "punchline": "It was already striped for success."}


@dataclass
class World:
    emu: DiscordEmulator
    bot: BanterBot
    core: Core
    clock: ManualClock
    guild: Guild
    general: Channel
    modlog: Channel
    alice: Member  # members without any rights
    bob: Member
    eve: Member  # does not take direct messages
    frank: Member
    carol: Member  # Manage Server (through the Admins role)
    dan: Member  # Manage Server too
    dave: Member  # holds the "Banter mods" role, which has no permissions
    mods_role: Any
    other: Guild  # a second server
    other_general: Channel
    olga: Member  # Manage Server in the other server

    # -- acting ----------------------------------------------------------------------------

    async def slash(self, who: Member, command: str, channel: Channel | None = None,
                    **options: Any) -> EmulatedInteraction:
        return await self.emu.slash(who, channel or self.channel_of(who), command, **options)

    def channel_of(self, who: Member) -> Channel:
        return self.other_general if who.guild_id == self.other.id else self.general

    async def reply(self, who: Member, command: str, channel: Channel | None = None, **options: Any) -> Message:
        """Run a command and return the message it answered with."""
        return await (await self.slash(who, command, channel, **options)).original_message()

    async def form(self, who: Member, opened_by: EmulatedInteraction, values: dict[str, Any]) -> EmulatedInteraction:
        submitted = await self.emu.submit_modal(who, opened_by, values)
        await submitted.response()
        return submitted

    async def click(self, who: Member, message: Message, custom_id: str) -> EmulatedInteraction:
        ix = await self.emu.click(who, message, custom_id=custom_id)
        await ix.response()
        return ix

    def message(self, message: Message) -> Message:
        """A message as it is now (after edits)."""
        return self.emu.get_message(message.id)

    async def modlog_post(self, text: str) -> Message:
        return await self.emu.wait_for_message(
            self.modlog, lambda m: any(text in (e.get("description") or "") for e in m.embeds)
        )

    async def dm(self, who: Member, text: str) -> Message:
        return await self.emu.wait_for_message(self.emu.dm_channel(who), lambda m: text in m.content)

    def open_to_everyone(self, *names: str) -> None:
        """What a server does in Integrations settings: let everyone see moderator commands."""
        for command in self.emu.registered_commands():
            if command.name in names:
                command.default_member_permissions = None


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    async with banter(tmp_path, members=("alice", "bob", "frank"), channels=("general", "mod-log")) as b:
        emu, sb = b.emu, b.sb
        admins = emu.add_role(sb.guild, "Admins", int(P.MANAGE_GUILD))
        mods_role = emu.add_role(sb.guild, "Banter mods")
        eve = emu.add_member(sb.guild, "eve", dms_open=False)
        carol = emu.add_member(sb.guild, "carol", roles=[admins])
        dan = emu.add_member(sb.guild, "dan", roles=[admins])
        dave = emu.add_member(sb.guild, "dave", roles=[mods_role])
        other = emu.add_guild("Other server")
        other_general = emu.add_text_channel(other, "general")
        olga = emu.add_member(other, "olga", roles=[emu.add_role(other, "Admins", int(P.MANAGE_GUILD))])
        # The bot learns about the new roles and the second server from the gateway.
        await emu.wait_for(lambda: b.bot.get_guild(other.id) is not None
                           and b.bot.get_guild(sb.guild.id).get_role(mods_role.id) is not None)
        world = World(emu, b.bot, b.core, b.clock, sb.guild, sb.general, sb.channel("mod-log"), sb.alice, sb.bob,
                      eve, sb.member("frank"), carol, dan, dave, mods_role, other, other_general, olga)
        setup = await emu.slash(carol, sb.general, "settings modlog", channel=sb.channel("mod-log"))
        assert (await setup.original_message()).content == "Saved."
        yield world
        # Nothing the bot sent could ping anyone.
        for request in emu.requests:
            body = request.json if isinstance(request.json, dict) else {}
            data = body.get("data") if isinstance(body.get("data"), dict) else body
            if request.method in ("POST", "PATCH") and ("content" in data or "embeds" in data):
                assert data.get("allowed_mentions", {}).get("parse") == [], request.path


async def suggest(w: World, who: Member, kind: str, values: dict[str, str]) -> Message:
    ix = await w.slash(who, f"suggest {kind}")
    submitted = await w.form(who, ix, values)
    return await submitted.original_message()


async def find_joke(w: World, who: Member, words: str, channel: Channel | None = None) -> Message:
    return await w.reply(who, "joke", channel, search=words)


# --- members suggest, moderators review ----------------------------------------------------------

async def test_a_suggestion_goes_to_the_library_and_into_picks(w: World) -> None:
    ix = await w.slash(w.alice, "suggest joke")
    modal = (await ix.response()).modal
    assert modal is not None and modal.title == "Suggest a joke"
    assert [f.custom_id for f in modal.fields] == ["joke", "punchline", "categories", "flags"]
    assert modal.field("joke").max_length == 1000
    receipt = await (await w.form(w.alice, ix, {**ZEBRA, "categories": "Animals, puns"})).original_message()
    assert receipt.ephemeral and "Your suggestion is **#1**" in receipt.content
    # Not in the library yet.
    assert "No joke matches" in (await find_joke(w, w.bob, "zebracorn")).content

    review = await w.reply(w.carol, "review")
    assert review.ephemeral and review.content.startswith("**Suggestion #1** · joke · from")
    assert review.embed["description"].startswith(ZEBRA["joke"])
    assert [b["custom_id"] for b in review.buttons()][:3] == ["review:1:approve", "review:1:reject", "review:1:edit"]
    await w.click(w.carol, review, "review:1:approve")
    after = w.message(review)
    assert after.content.startswith("✅ Approved suggestion #1: it is now joke #")
    assert "The review queue is empty" in after.content and after.buttons() == []
    item_id = int(after.content.split("joke #")[1].split(".")[0])

    dm = await w.dm(w.alice, "was approved")
    assert f"joke #{item_id}" in dm.content
    post = await w.modlog_post("approved suggestion #1")
    assert f"<@{w.carol.id}>" in post.embeds[0]["description"]

    picked = await find_joke(w, w.bob, "zebracorn")
    assert picked.embed["description"].startswith(ZEBRA["joke"])
    assert [b["custom_id"] for b in picked.buttons()] == [f"vote:{item_id}:up", f"vote:{item_id}:down",
                                                          f"report:{item_id}"]
    # Server content stays in its server.
    assert "No joke matches" in (await find_joke(w, w.olga, "zebracorn")).content
    item = await w.core.storage.items.get(item_id)
    assert (item.guild_id, item.origin, item.categories) == (w.guild.id, "suggestion", ("animals", "puns"))


async def test_discussion_suggestion_edit_flags_and_reject(w: World) -> None:
    topic = {"title": "Four-day weeks", "question": "Should offices try a four-day week?",
             "benefits": "More rest\nFewer commutes", "disadvantages": "Longer days",
             "talking_points": "Output: does it hold up?\nFairness: what about shift work?"}
    receipt = await suggest(w, w.alice, "discussion", topic)
    assert "**#1**" in receipt.content
    review = await w.reply(w.carol, "review")
    assert review.embed["title"] == "💬 Four-day weeks"
    assert [f["name"] for f in review.embed["fields"]][:2] == ["👍 Benefits", "👎 Disadvantages"]

    await w.click(w.carol, review, "review:1:flag-dark")
    flagged = w.message(review)
    assert "Flags: dark" in flagged.content
    assert next(b for b in flagged.buttons() if b["custom_id"] == "review:1:flag-dark")["label"] == "dark: on"
    await w.modlog_post("turned dark on for suggestion #1")

    edit = await w.click(w.carol, flagged, "review:1:edit")
    form = edit.modal
    assert form is not None and form.title == "Edit suggestion #1"
    assert form.field("title").value == "Four-day weeks"
    assert form.field("talking_points").value == "Output: does it hold up?\nFairness: what about shift work?"
    await w.form(w.carol, edit, {"title": "The four-day week"})
    edited = w.message(review)
    assert edited.content.startswith("✏️ Edited.") and edited.embed["title"] == "💬 The four-day week"
    assert "Flags: dark" in edited.content  # the edit kept the flag

    reject = await w.click(w.carol, edited, "review:1:reject")
    assert reject.modal is not None and reject.modal.title == "Reject suggestion #1"
    await w.form(w.carol, reject, {"reason": "We covered this last week."})
    assert w.message(review).content.startswith("✖️ Rejected suggestion #1.")
    dm = await w.dm(w.alice, "was not accepted")
    assert "We covered this last week." in dm.content
    post = await w.modlog_post("rejected suggestion #1")
    assert post.embeds[0]["fields"][0]["value"] == "We covered this last week."
    assert await item_by_key(w.core, "discussion", f"g{w.guild.id}-1") is None


async def test_a_member_who_takes_no_dms_still_gets_a_decision(w: World) -> None:
    await suggest(w, w.eve, "joke", ZEBRA)
    review = await w.reply(w.carol, "review")
    await w.click(w.carol, review, "review:1:approve")
    assert w.message(review).content.startswith("✅ Approved suggestion #1")
    await w.modlog_post("approved suggestion #1")
    # The bot tried to tell eve, "Discord" refused (her DMs are closed), and nothing else broke.
    await w.emu.wait_for(lambda: any(r.status == 403 for r in w.emu.requests_to("POST", r"^/channels/\d+/messages$")))
    assert "zebracorn" in (await find_joke(w, w.bob, "zebracorn")).embed["description"]


# --- bad input and abuse ---------------------------------------------------------------------------

@pytest.mark.parametrize(("values", "expected"), [
    ({"joke": "    "}, "Joke: must not be empty"),
    ({"joke": "Hey @everyone, a joke"}, "@everyone and @here are not allowed"),
    ({"joke": "Ask <@&123456789012345678> why"}, "mentions are not allowed"),
    ({"joke": "Funny", "punchline": "[click](https://example.com)"}, "masked links"),
    ({"joke": "Ok", "flags": "spicy"}, "unknown flag 'spicy'"),
])
async def test_bad_suggestions_get_a_clear_error_and_store_nothing(w: World, values: dict[str, str],
                                                                   expected: str) -> None:
    answer = await suggest(w, w.alice, "joke", values)
    assert answer.ephemeral and expected in answer.content
    assert await w.core.storage.moderation.next_pending(w.guild.id) is None


async def test_over_long_and_malformed_discussions_are_refused(w: World) -> None:
    ix = await w.slash(w.alice, "suggest discussion")
    # The form itself stops what Discord's client would stop...
    with pytest.raises(InvocationError, match="at most 200"):
        await w.emu.submit_modal(w.alice, ix, {"title": "t" * 201, "question": "q", "benefits": "b",
                                              "disadvantages": "d", "talking_points": "a: b"})
    # ...and the bot checks what the form cannot.
    values = {"title": "Pets", "question": "Cats or dogs?", "benefits": "\n".join(f"b{n}" for n in range(9)),
              "disadvantages": "d", "talking_points": "no colon here"}
    answer = await (await w.form(w.alice, ix, values)).original_message()
    assert "Benefits: 9 items, at most 8" in answer.content
    assert "Talking points: line 1 needs a heading" in answer.content
    # Every field within its limit, but together too much for one embed.
    big = {"title": "t" * 200, "question": "q" * 1000, "benefits": "\n".join(["b" * 300] * 3),
           "disadvantages": "\n".join(["d" * 300] * 3),
           "talking_points": "\n".join(f"Point {n}: " + "x" * 380 for n in range(10))}
    ix = await w.slash(w.alice, "suggest discussion")
    answer = await (await w.form(w.alice, ix, big)).original_message()
    assert "characters in all, at most 5500" in answer.content
    assert await w.core.storage.moderation.next_pending(w.guild.id) is None


async def test_duplicates_and_the_daily_limit(w: World) -> None:
    dup = await suggest(w, w.alice, "joke", {"joke": "What do you call a dog that does magic tricks?",
                                             "punchline": "A labracadabrador"})
    assert "already in the library: joke #" in dup.content
    for animal in ("aardvarks", "badgers", "capybaras", "dolphins", "emus"):
        assert "Your suggestion is" in (await suggest(w, w.alice, "joke",
                                                      {"joke": f"Never lend {animal} your umbrella"})).content
    near = await suggest(w, w.bob, "joke", {"joke": "Never lend emus your umbrellas!"})
    assert "suggested already" in near.content
    # The sixth of the day is refused before a form is shown.
    refused = await (await w.slash(w.alice, "suggest joke")).original_message()
    assert refused.ephemeral and "5 suggestions in the last 24 hours" in refused.content


async def test_suggestions_switched_off(w: World) -> None:
    await w.reply(w.carol, "settings suggestions", enabled=False)
    answer = await (await w.slash(w.alice, "suggest joke")).original_message()
    assert answer.ephemeral and answer.content == "Suggestions are switched off in this server."


# --- reports ---------------------------------------------------------------------------------------

async def report(w: World, who: Member, message: Message, item_id: int, reason: str) -> Message:
    ix = await w.click(who, message, f"report:{item_id}")
    if ix.modal is None:
        return await ix.original_message()
    return await (await w.form(who, ix, {"reason": reason})).original_message()


async def test_reports_hide_an_item_and_keep_restores_it(w: World) -> None:
    shown = await find_joke(w, w.alice, "labracadabrador")
    item_id = int(shown.buttons()[2]["custom_id"].split(":")[1])
    open_form = await w.click(w.alice, shown, f"report:{item_id}")
    assert open_form.modal.title == f"Report joke #{item_id}"
    thanks = await (await w.form(w.alice, open_form, {"reason": "Heard it a hundred times"})).original_message()
    assert thanks.ephemeral and "your report on joke" in thanks.content
    again = await report(w, w.alice, shown, item_id, "again")
    assert "reported this item already" in again.content
    await report(w, w.bob, shown, item_id, "Not funny")
    assert "labracadabrador" in (await find_joke(w, w.frank, "labracadabrador")).embed["description"]
    await report(w, w.frank, shown, item_id, "Offensive to dogs")
    # Three members: hidden here until a moderator decides, still shown elsewhere.
    assert "No joke matches" in (await find_joke(w, w.bob, "labracadabrador")).content
    assert "labracadabrador" in (await find_joke(w, w.olga, "labracadabrador")).embed["description"]
    await w.modlog_post("in this server after 3 reports")

    review = await w.reply(w.carol, "review")
    assert "**Report case #1**" in review.content and "3 reports" in review.content
    assert "hidden here by reports" in review.content and "Offensive to dogs" in review.content
    buttons = {b["custom_id"]: b for b in review.buttons()}
    assert buttons["review:1:edit"]["disabled"]  # global content cannot be edited here
    await w.click(w.carol, review, "review:1:keep")
    assert w.message(review).content.startswith(f"✅ Kept joke #{item_id}")
    assert "labracadabrador" in (await find_joke(w, w.bob, "labracadabrador")).embed["description"]
    await w.modlog_post(f"kept joke #{item_id}")


async def test_a_report_decided_by_removal(w: World) -> None:
    await w.reply(w.carol, "settings report-threshold", count=1)
    shown = await find_joke(w, w.alice, "labracadabrador")
    item_id = int(shown.buttons()[2]["custom_id"].split(":")[1])
    await report(w, w.alice, shown, item_id, "Too silly")
    review = await w.reply(w.carol, "review")
    remove = await w.click(w.carol, review, "review:1:remove")
    assert remove.modal.title == f"Remove joke #{item_id}"
    await w.form(w.carol, remove, {"reason": "Off-topic for this server"})
    assert w.message(review).content.startswith(f"🗑️ Removed joke #{item_id}")
    assert await w.core.storage.moderation.hidden_reason(w.guild.id, item_id) == "moderator"
    # A global item: hidden here only, never retired.
    assert (await w.core.storage.items.get(item_id)).status == "active"
    assert "labracadabrador" in (await find_joke(w, w.olga, "labracadabrador")).embed["description"]


async def test_a_report_on_server_content_edited_then_removed(w: World) -> None:
    ix = await w.slash(w.carol, "content add", kind="joke")
    done = await (await w.form(w.carol, ix, {"joke": "Hedgehogs never win at hide and seek."})).original_message()
    item_id = int(done.content.split("#")[1].split(" ")[0])
    shown = await find_joke(w, w.alice, "hedgehogs")
    await report(w, w.alice, shown, item_id, "Spiky humour")
    review = await w.reply(w.carol, "review")
    assert "this server's joke" in review.content
    # Cases share one numbering with moderators' additions: this report case is #2.
    buttons = {b["custom_id"]: b for b in review.buttons()}
    assert not buttons["review:2:edit"]["disabled"] and not buttons["review:2:flag-dark"]["disabled"]
    edit = await w.click(w.carol, review, "review:2:edit")
    assert edit.modal.title == f"Edit joke #{item_id}"
    assert edit.modal.field("joke").value == "Hedgehogs never win at hide and seek."
    await w.form(w.carol, edit, {"joke": "Hedgehogs always lose at hide and seek: they stick out."})
    assert w.message(review).content.startswith("✏️ Edited.")
    await w.click(w.carol, review, "review:2:flag-offensive")
    assert (await w.core.storage.items.get(item_id)).flags == {"offensive"}
    remove = await w.click(w.carol, w.message(review), "review:2:remove")
    assert remove.modal.field("reason").label == "Reason (retire it)"
    await w.form(w.carol, remove, {"reason": "Still not funny"})
    assert w.message(review).content.startswith(f"🗑️ Removed joke #{item_id}")
    item = await w.core.storage.items.get(item_id)
    assert item.status == "retired" and item.body.text.startswith("Hedgehogs always lose")
    assert len(await w.core.storage.moderation.versions(item_id, "joke", item.key)) == 2
    await w.modlog_post(f"removed joke #{item_id} (report case #2)")


# --- /content --------------------------------------------------------------------------------------

async def test_content_add_edit_flag_show_remove_restore(w: World) -> None:
    ix = await w.slash(w.carol, "content add", kind="joke")
    submitted = await w.form(w.carol, ix, {"joke": "Otters hold hands so they do not drift apart."})
    done = await submitted.original_message()
    assert done.content.startswith("Added joke #")
    item_id = int(done.content.split("#")[1].split(" ")[0])
    await w.modlog_post(f"added joke #{item_id}")
    assert "Otters" in (await find_joke(w, w.bob, "otters")).embed["description"]

    edit = await w.slash(w.carol, "content edit", id=item_id)
    form = (await edit.response()).modal
    assert form.title == f"Edit joke #{item_id}"
    assert form.field("joke").value == "Otters hold hands so they do not drift apart."
    edited = await (await w.form(w.carol, edit, {"joke": "Sea otters hold hands so they never drift apart."})
                    ).original_message()
    assert edited.content == f"Edited joke #{item_id}; the previous version is kept."
    await w.reply(w.carol, "content flag", id=item_id, flag="dark", on=True)
    # Members are told that something matches but this server's safe mode hides it.
    hidden = await w.reply(w.bob, "joke", search="sea otters")
    assert hidden.content == "1 joke matches `sea otters` but is hidden by this server's safe mode."

    shown = await w.reply(w.carol, "content show", id=item_id)
    details = {f["name"]: f["value"] for f in shown.embeds[1]["fields"]}
    assert details["Flags"] == "dark"
    assert details["Edits"].startswith("2 earlier versions kept")
    assert "this server's" in details["Scope"]
    assert f"<#{w.general.id}>" in details["Shown here"]

    removed = await w.reply(w.carol, "content remove", id=item_id, reason="Dated")
    assert removed.content.startswith(f"Removed joke #{item_id}")
    assert (await w.core.storage.items.get(item_id)).status == "retired"
    await w.modlog_post(f"removed joke #{item_id}")
    restored = await w.reply(w.carol, "content restore", id=item_id)
    assert restored.content.startswith(f"Restored joke #{item_id}")
    actions = [r.action for r in await w.core.storage.audit.actions(w.guild.id)]
    assert actions[:5] == ["restore", "retire", "edit", "edit", "add"]


async def test_content_scope_between_servers(w: World) -> None:
    ix = await w.slash(w.olga, "content add", kind="joke")
    done = await (await w.form(w.olga, ix, {"joke": "Moles dig the underground music scene."})).original_message()
    theirs = int(done.content.split("#")[1].split(" ")[0])
    for command in ("content show", "content remove", "content restore"):
        answer = await w.reply(w.carol, command, id=theirs)
        assert answer.ephemeral and answer.content == f"There is no item #{theirs} in this server."
    refused = await (await w.slash(w.carol, "content edit", id=theirs)).original_message()
    assert refused.content == f"There is no item #{theirs} in this server."
    assert (await w.core.storage.items.get(theirs)).status == "active"
    # Global content: cannot be edited, can be hidden here.
    pack = (await w.core.storage.items.find(kind="joke", global_only=True))[0]
    refused = await (await w.slash(w.carol, "content edit", id=pack.id)).original_message()
    assert "global content from a pack" in refused.content
    hidden = await w.reply(w.carol, "content remove", id=pack.id)
    assert hidden.content.startswith(f"Hid global joke #{pack.id} in this server.")
    assert await w.core.storage.moderation.hidden_reason(w.other.id, pack.id) is None


# --- /settings -------------------------------------------------------------------------------------

async def test_settings(w: World) -> None:
    shown = await w.reply(w.carol, "settings show")
    fields = {f["name"]: f["value"] for f in shown.embed["fields"]}
    assert fields["Safe mode"].startswith("on") and fields["Mod-log channel"] == f"<#{w.modlog.id}>"
    answer = await w.reply(w.carol, "settings safe-mode", enabled=False)
    assert answer.content == "Saved."
    await w.modlog_post("safe mode on → off")
    assert (await w.reply(w.carol, "settings safe-mode", enabled=False)).content.startswith("Nothing changed")
    choices = await w.emu.autocomplete(w.carol, w.general, "settings category", focused="name", value="progr",
                                       blocked=True)
    assert [c["value"] for c in choices] == ["programming"]
    await w.reply(w.carol, "settings category", name="Programming", blocked=True)
    await w.reply(w.carol, "settings flag", name="dark", blocked=True)
    await w.reply(w.carol, "settings report-threshold", count=2)
    settings = await w.core.storage.settings.get(w.guild.id)
    assert (settings.safe_mode, settings.blocked_categories, settings.blocked_flags, settings.report_threshold) == (
        False, ("programming",), {"dark"}, 2)
    # Blocked categories are honoured by picks.
    blocked = await w.reply(w.bob, "joke", category="programming")
    assert "switched off in this server" in blocked.content
    record = (await w.core.storage.audit.actions(w.guild.id))[0]
    assert (record.actor_id, record.before, record.after) == (
        w.carol.id, {"report_threshold": None}, {"report_threshold": 2})


async def test_the_moderator_role(w: World) -> None:
    # Without the role set, dave is nobody; the commands are hidden from him by default.
    with pytest.raises(InvocationError, match="cannot use /review"):
        await w.slash(w.dave, "review")
    w.open_to_everyone(*MOD_COMMANDS)
    refused = await w.reply(w.dave, "review")
    assert refused.ephemeral and refused.content.startswith("Only moderators can do that")
    # Only Manage Server may hand out the moderator role.
    await w.reply(w.carol, "settings moderator-role", role=w.mods_role)
    await w.modlog_post("moderator role none → ")
    denied = await w.reply(w.dave, "settings moderator-role")
    assert "Manage Server permission can change the moderator role" in denied.content
    # With the role, dave moderates.
    await suggest(w, w.alice, "joke", ZEBRA)
    review = await w.reply(w.dave, "review")
    await w.click(w.dave, review, "review:1:approve")
    assert w.message(review).content.startswith("✅ Approved suggestion #1")
    await w.dm(w.alice, "was approved")


# --- refusals and races ----------------------------------------------------------------------------

async def test_members_are_refused_on_the_server_side(w: World) -> None:
    with pytest.raises(InvocationError, match="cannot use /review"):
        await w.slash(w.bob, "review")
    # A server may open the commands to everyone; the bot still refuses members.
    w.open_to_everyone(*MOD_COMMANDS)
    await suggest(w, w.alice, "joke", ZEBRA)
    pack = (await w.core.storage.items.find(kind="joke", global_only=True))[0]
    for command, options in [("review", {}), ("content remove", {"id": pack.id}), ("content show", {"id": pack.id}),
                             ("content add", {"kind": "joke"}), ("content edit", {"id": pack.id}),
                             ("settings safe-mode", {"enabled": False}), ("settings show", {})]:
        answer = await w.reply(w.bob, command, **options)
        assert answer.ephemeral and answer.content.startswith("Only moderators can do that"), command
    assert (await w.core.storage.moderation.next_pending(w.guild.id)).pending
    assert (await w.core.storage.settings.get(w.guild.id)).safe_mode
    assert await w.core.storage.moderation.hidden_reason(w.guild.id, pack.id) is None


async def test_a_moderator_button_pressed_without_rights_changes_nothing(w: World) -> None:
    w.open_to_everyone(*MOD_COMMANDS)
    await w.reply(w.carol, "settings moderator-role", role=w.mods_role)
    await suggest(w, w.alice, "joke", ZEBRA)
    review = await w.reply(w.dave, "review")
    # Dave loses the role while his review message is still open.
    w.emu.set_roles(w.dave, [])
    for action in ("approve", "reject", "edit", "flag-nsfw"):
        ix = await w.click(w.dave, review, f"review:1:{action}")
        assert ix.modal is None
        answer = await ix.original_message()
        assert answer.ephemeral and answer.content.startswith("Only moderators can do that"), action
    case = await w.core.storage.moderation.get_case(1, w.guild.id)
    assert case.pending and case.proposal.flags == frozenset()
    assert await w.core.storage.audit.actions(w.guild.id, target="case:1") == []


async def test_two_moderators_deciding_at_once(w: World) -> None:
    await suggest(w, w.alice, "joke", ZEBRA)
    await suggest(w, w.bob, "joke", {"joke": "Penguins wear tuxedos to every party."})
    first = await w.reply(w.carol, "review")
    second = await w.reply(w.dan, "review")
    # Dan is writing his reason for a rejection while Carol approves.
    reject_form = await w.click(w.dan, second, "review:1:reject")
    assert reject_form.modal is not None
    await w.click(w.carol, first, "review:1:approve")
    rejected = await w.form(w.dan, reject_form, {"reason": "Too late?"})
    assert w.message(first).content.startswith("✅ Approved suggestion #1")
    told = w.message(second)
    assert told.content.startswith(f"⚠️ Suggestion #1 was already approved by <@{w.carol.id}>.")
    assert "**Suggestion #2**" in told.content  # and the next one comes up
    assert rejected.responded
    case = await w.core.storage.moderation.get_case(1, w.guild.id)
    assert (case.status, case.decided_by) == ("approved", w.carol.id)
    assert [r.action for r in await w.core.storage.audit.actions(w.guild.id, target="case:1")] == ["approve"]
    await w.dm(w.alice, "was approved")


async def test_simultaneous_clicks_make_one_decision(w: World) -> None:
    await suggest(w, w.alice, "joke", ZEBRA)
    first = await w.reply(w.carol, "review")
    second = await w.reply(w.dan, "review")
    clicks = [await w.emu.click(w.carol, first, custom_id="review:1:approve"),
              await w.emu.click(w.dan, second, custom_id="review:1:approve")]
    await asyncio.gather(*(c.response() for c in clicks))
    texts = [w.message(first).content, w.message(second).content]
    assert sum(t.startswith("✅ Approved suggestion #1") for t in texts) == 1
    assert sum(t.startswith("⚠️ Suggestion #1 was already approved") for t in texts) == 1
    items = [i for i in await w.core.storage.items.find(kind="joke") if i.guild_id == w.guild.id]
    assert len(items) == 1
    await w.dm(w.alice, "was approved")


async def test_two_moderators_editing_the_same_item_at_once(w: World) -> None:
    original = "Otters hold hands so they do not drift apart."
    ix = await w.slash(w.carol, "content add", kind="joke")
    done = await (await w.form(w.carol, ix, {"joke": original})).original_message()
    item_id = int(done.content.split("#")[1].split(" ")[0])
    mods = (w.carol, w.dan)
    texts = {w.carol.id: "Sea otters hold hands so they never drift apart.",
             w.dan.id: "River otters hold paws while they sleep on the water."}
    # Both open the edit form on the same version...
    opened = {who.id: await w.slash(who, "content edit", id=item_id) for who in mods}
    for form in opened.values():
        assert (await form.response()).modal.field("joke").value == original
    # ...and submit at once.
    submitted = {who.id: await w.emu.submit_modal(who, opened[who.id], {"joke": texts[who.id]}) for who in mods}
    await asyncio.gather(*(s.response() for s in submitted.values()))
    answers = {who.id: (await submitted[who.id].original_message()).content for who in mods}
    [winner] = [who for who in mods if answers[who.id] == f"Edited joke #{item_id}; the previous version is kept."]
    [loser] = [who for who in mods if who is not winner]
    assert answers[loser.id] == (f"Joke #{item_id} was changed by someone else meanwhile, so this edit was not saved; "
                                 "open it again.")
    item = await w.core.storage.items.get(item_id)
    assert item.body.text == texts[winner.id]
    # The original is the one earlier version; one edit is recorded and posted, from the original.
    versions = await w.core.storage.moderation.versions(item_id, "joke", item.key)
    assert [(v.entry.body.text, v.edited_by) for v in versions] == [(original, winner.id)]
    logged = await w.core.storage.audit.actions(w.guild.id, target=f"item:{item_id}")
    edits = [r for r in logged if r.action == "edit"]
    assert [(r.actor_id, r.before["body"]["text"], r.after["body"]["text"]) for r in edits] == [
        (winner.id, original, texts[winner.id])]
    await w.modlog_post(f"edited joke #{item_id}")

    # Opened again, the form shows the winner's text; the loser's edit then keeps it as a version too.
    again = await w.slash(loser, "content edit", id=item_id)
    assert (await again.response()).modal.field("joke").value == texts[winner.id]
    answer = await (await w.form(loser, again, {"joke": texts[loser.id]})).original_message()
    assert answer.content == f"Edited joke #{item_id}; the previous version is kept."
    assert (await w.core.storage.items.get(item_id)).body.text == texts[loser.id]
    versions = await w.core.storage.moderation.versions(item_id, "joke", item.key)
    assert [(v.entry.body.text, v.edited_by) for v in versions] == [(original, winner.id),
                                                                     (texts[winner.id], loser.id)]


async def test_two_moderators_editing_a_suggestion_in_review(w: World) -> None:
    await suggest(w, w.alice, "joke", ZEBRA)
    first = await w.reply(w.carol, "review")
    second = await w.reply(w.dan, "review")
    carol_form = await w.click(w.carol, first, "review:1:edit")
    dan_form = await w.click(w.dan, second, "review:1:edit")
    await w.form(w.carol, carol_form, {"punchline": "Stripes win races."})
    assert w.message(first).content.startswith("✏️ Edited.")
    await w.form(w.dan, dan_form, {"punchline": "It had already earned its stripes."})
    # Dan is told, and his review message shows the suggestion as it is now.
    told = w.message(second)
    assert told.content.startswith("⚠️ Suggestion #1 was changed by someone else meanwhile, so this edit was not "
                                   "saved; open it again.")
    assert "**Suggestion #1**" in told.content and "Stripes win races." in told.embed["description"]
    case = await w.core.storage.moderation.get_case(1, w.guild.id)
    assert case.proposal.body.punchline == "Stripes win races."
    [record] = await w.core.storage.audit.actions(w.guild.id, target="case:1")
    assert (record.actor_id, record.before["body"]["punchline"]) == (w.carol.id, ZEBRA["punchline"])
    again = await w.click(w.dan, told, "review:1:edit")
    assert again.modal.field("punchline").value == "Stripes win races."


async def test_settings_languages_takes_only_languages_with_content(w: World) -> None:
    refused = await w.reply(w.carol, "settings languages", codes="en, xx")
    assert refused.content.startswith("Give one or more of the languages there is content in: `")
    assert "Languages" not in str(refused.embeds)
    saved = await w.reply(w.carol, "settings languages", codes="EN")
    fields = {f["name"]: f["value"] for f in saved.embeds[0]["fields"]}
    assert fields["Languages"] == "en"
    with pytest.raises(InvocationError):
        await w.slash(w.alice, "settings languages", codes="en")

