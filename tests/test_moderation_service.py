"""The moderation service on a real SQLite file: suggestions, reports, the review queue, editing,
removal, scope between servers, permissions and the action log."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.core import Core
from bot.errors import Mention, UserError
from bot.models import ContentEntry
from bot.services.moderation import ActionResult, Actor, AlreadyDecided, EditConflict, library_admin, review
from bot.services.moderation.text import clean_text, form_of, normalise, parse_form, unsafe_markup
from bot.storage import Storage
from cogs.render import action_text, error_text
from tests.support import found, joke_body, joke_text, logged, logged_text, manual, stored, topic_body

G, H = 1001, 1002  # two servers
CHANNEL = 2001
MOD = Actor(900, manage_guild=True)
MOD2 = Actor(901, manage_guild=True)
ROLE = 555
ROLE_MOD = Actor(902, role_ids=frozenset({ROLE}))
MEMBER = Actor(100)

ZEBRA = {"joke": "Why did the zebracorn refuse the race?", "punchline": "It was already striped for success."}
TOPIC = {
    "title": "Four-day weeks",
    "question": "Should every office try a four-day working week?",
    "benefits": "More rest\n- Fewer commutes",
    "disadvantages": "• Longer days\nHarder scheduling",
    "talking_points": "Productivity: does output really hold up?\nFairness: what about shift workers?",
}


async def approved(core: Core, form: dict[str, str] = ZEBRA, guild: int = G, user: int = 100) -> int:
    case = await core.moderation.suggestions.suggest(guild, user, "joke", form)
    decision = await core.moderation.review.approve(guild, MOD, case.id)
    assert decision.item is not None
    return decision.item.id


async def edit_from_form(core: Core, item_id: int, changes: dict[str, str], actor: Actor = MOD) -> ActionResult:
    """What /content edit does: open the form, change some fields, submit it."""
    form = await core.moderation.library.item_form(G, actor, item_id)
    return await core.moderation.library.edit_item(G, actor, item_id, {**form.prefill, **changes}, base=form.base)


# --- forms ---------------------------------------------------------------------------------------

def test_forms_are_cleaned_and_parsed() -> None:
    entry = parse_form("joke", {"joke": " Knock\u200b knock \r\n", "punchline": "", "categories": "Bad Puns, x",
                                "flags": "dark"})
    assert joke_body(entry.body).text == "Knock knock"
    assert entry.categories == ("bad-puns", "x")
    assert entry.flags == {"dark"}
    assert parse_form("joke", ZEBRA).categories == ("misc",)
    topic = parse_form("discussion", TOPIC)
    body = topic_body(topic.body)
    assert body.benefits == ("More rest", "Fewer commutes")
    assert body.disadvantages == ("Longer days", "Harder scheduling")
    assert [p.heading for p in body.talking_points] == ["Productivity", "Fairness"]
    # A form round-trips through the prefill of an edit form.
    assert parse_form("discussion", form_of(topic)) == topic
    assert parse_form("joke", form_of(parse_form("joke", ZEBRA))) == parse_form("joke", ZEBRA)


@pytest.mark.parametrize(("form", "expected"), [
    ({"joke": "   \n  "}, "Joke: must not be empty"),
    ({"joke": "x" * 1001}, "Joke: 1001 characters, at most 1000"),
    ({"joke": "ok", "punchline": "y" * 1200}, "Punchline: 1200 characters, at most 1000"),
    ({"joke": "ping @everyone now"}, "@everyone and @here are not allowed"),
    ({"joke": "ping ＠here now"}, "@everyone and @here are not allowed"),
    ({"joke": "hi <@123456789012345678>"}, "mentions are not allowed"),
    ({"joke": "hi <@&123456789012345678>"}, "mentions are not allowed"),
    ({"joke": "see [this](https://evil.example)"}, "masked links"),
    ({"joke": "join discord.gg/abc"}, "links are not allowed"),
    ({"joke": "a||b"}, "spoiler bars"),
    ({"joke": "ok", "flags": "spicy"}, "Flags: unknown flag 'spicy'"),
])
def test_bad_joke_forms_are_refused_with_a_clear_message(form: dict[str, str], expected: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_form("joke", form)
    assert expected in str(caught.value)


@pytest.mark.parametrize(("change", "expected"), [
    ({"title": ""}, "Title: must not be empty"),
    ({"question": "q" * 1001}, "Question: 1001 characters, at most 1000"),
    ({"talking_points": "no colon here"}, "Talking points: line 1 needs a heading"),
    ({"benefits": "\n".join(f"b{n}" for n in range(9))}, "Benefits: 9 items, at most 8"),
    ({"talking_points": "H: " + "t" * 1001}, "Talking point 1 (text): 1004 characters"[:24]),
])
def test_bad_discussion_forms_are_refused(change: dict[str, str], expected: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_form("discussion", {**TOPIC, **change})
    assert expected in str(caught.value)


def test_text_helpers() -> None:
    assert clean_text("a\u202eb\u0007c\t d ") == "abc  d"
    assert normalise("Café — CAFE!!  cafe") == "cafe cafe cafe"
    assert unsafe_markup("just a joke about email @ here") is None
    assert unsafe_markup("<#123456>") is not None


# --- suggestions ---------------------------------------------------------------------------------

async def test_a_suggestion_goes_from_a_member_to_the_library_and_into_picks(core: Core) -> None:
    case = await core.moderation.suggestions.suggest(G, 100, "joke", ZEBRA)
    assert case.pending and case.user_id == 100
    assert joke_body(found(case.proposal, "proposal").body).setup == ZEBRA["joke"]
    details = found(await core.moderation.review.next_case(G, MOD), "the next case")
    assert details.case.id == case.id and details.editable and details.waiting == 1
    decision = await core.moderation.review.approve(G, MOD, case.id)
    item = found(decision.item, "the approved item")
    assert (item.guild_id, item.origin, item.key, item.status) == (G, "suggestion", f"g{G}-{case.id}", "active")
    assert decision.case.status == "approved" and decision.case.item_id == item.id
    assert await core.moderation.review.next_case(G, MOD) is None
    # It is picked in its server, and only there.
    f = await core.picks.filters("joke", G)
    assert found(await core.picks.pick(f, scope_id=CHANNEL, search="zebracorn"), "a pick").id == item.id
    with pytest.raises(UserError):
        await core.picks.pick(await core.picks.filters("joke", H), scope_id=CHANNEL + 1, search="zebracorn")
    [record] = await core.moderation.audit.actions(G, MOD)
    assert (record.actor_id, record.action, record.before, logged(record.after, "item")) == (
        MOD.user_id, "approve", {"status": "pending"}, item.id)


async def test_a_discussion_suggestion_is_approved(core: Core) -> None:
    case = await core.moderation.suggestions.suggest(G, 100, "discussion", TOPIC)
    item = found((await core.moderation.review.approve(G, MOD, case.id)).item, "the approved item")
    assert item.kind == "discussion" and topic_body(item.body).title == "Four-day weeks"


async def test_duplicates_are_refused(core: Core) -> None:
    # A pack joke, in other case and punctuation.
    with pytest.raises(UserError, match="already in the library: joke #"):
        await core.moderation.suggestions.suggest(G, 100, "joke", {
            "joke": "what do you call a DOG that does magic tricks", "punchline": "A labracadabrador!!"})
    # A near duplicate of a pending suggestion (one letter apart).
    await core.moderation.suggestions.suggest(G, 100, "joke", ZEBRA)
    near = {**ZEBRA, "punchline": "It was already stripped for success."}
    with pytest.raises(UserError, match="suggested already"):
        await core.moderation.suggestions.suggest(G, 101, "joke", near)
    # Another server's pending suggestions and content are no duplicates here.
    await approved(core, ZEBRA, guild=H)
    with pytest.raises(UserError, match="already in the library"):
        await core.moderation.suggestions.suggest(H, 101, "joke", near)


async def test_members_have_a_daily_limit(core: Core) -> None:
    animals = ["aardvarks", "badgers", "capybaras", "dolphins", "emus"]
    for animal in animals:
        await core.moderation.suggestions.suggest(G, 100, "joke", {"joke": f"Never trust {animal} with your sandwich"})
    with pytest.raises(UserError, match="5 suggestions in the last 24 hours"):
        await core.moderation.suggestions.may_suggest(G, 100)
    with pytest.raises(UserError, match="5 suggestions in the last 24 hours"):
        await core.moderation.suggestions.suggest(G, 100, "joke", {"joke": "One more about quokkas"})
    # Others, and other servers, have their own count; a day later the member may suggest again.
    await core.moderation.suggestions.suggest(G, 101, "joke", {"joke": "One more about quokkas"})
    await core.moderation.suggestions.suggest(H, 100, "joke", {"joke": "One more about quokkas"})
    await manual(core.clock).advance(timedelta(hours=24))
    await core.moderation.suggestions.suggest(G, 100, "joke", {"joke": "Yet another about wombats"})


async def test_suggestions_can_be_switched_off(core: Core) -> None:
    await core.moderation.settings.change(G, MOD, suggestions_enabled=False)
    with pytest.raises(UserError, match="switched off"):
        await core.moderation.suggestions.suggest(G, 100, "joke", ZEBRA)
    await core.moderation.suggestions.suggest(H, 100, "joke", ZEBRA)


# --- review ----------------------------------------------------------------------------------------

async def test_reject_edit_and_flags(core: Core) -> None:
    case = await core.moderation.suggestions.suggest(G, 100, "joke", ZEBRA)
    details = (await core.moderation.review.toggle_case_flag(G, MOD, case.id, "dark")).details
    assert details.flags == {"dark"}
    # The edit form comes prefilled (flags included) with the current proposal.
    form = await core.moderation.review.case_form(G, MOD, case.id)
    assert form.prefill == form_of(found(details.case.proposal, "proposal")) and form.prefill["flags"] == "dark"
    assert form.item_id is None
    update = await core.moderation.review.edit_case(G, MOD, case.id,
                                                    {**form.prefill, "punchline": "Stripes win races."}, base=form.base)
    assert logged(update.record.before, "body", "punchline") == ZEBRA["punchline"]
    proposal = found(update.details.case.proposal, "proposal")
    assert joke_body(proposal.body).punchline == "Stripes win races."
    assert proposal.flags == {"dark"}
    decision = await core.moderation.review.reject(G, MOD, case.id, "Not funny enough")
    assert decision.case.status == "rejected" and decision.case.decision_reason == "Not funny enough"
    with pytest.raises(AlreadyDecided, match="already rejected by user 900") as lost:
        await core.moderation.review.approve(G, MOD2, case.id)
    # Who decided is data; the cog renders it as a mention.
    assert lost.value.fields["by"] == Mention("user", 900) and "by <@900>" in error_text(lost.value)
    actions = [r.action for r in await core.moderation.audit.actions(G, MOD)]
    assert actions == ["reject", "edit-suggestion", "edit-suggestion"]


async def test_two_moderators_deciding_at_once_one_wins(core: Core) -> None:
    case = await core.moderation.suggestions.suggest(G, 100, "joke", ZEBRA)
    results = await asyncio.gather(
        core.moderation.review.approve(G, MOD, case.id),
        core.moderation.review.reject(G, MOD2, case.id, "no"),
        core.moderation.review.approve(G, MOD2, case.id),
        return_exceptions=True,
    )
    wins = [r for r in results if not isinstance(r, BaseException)]
    losses = [r for r in results if isinstance(r, AlreadyDecided)]
    assert len(wins) == 1 and len(losses) == 2
    servers_items = [i for i in await core.storage.items.find(kind="joke") if i.guild_id == G]
    assert len(servers_items) == (1 if wins[0].case.status == "approved" else 0)
    assert len(await core.moderation.audit.actions(G, MOD)) == 1


async def test_members_cannot_moderate(core: Core) -> None:
    case = await core.moderation.suggestions.suggest(G, 100, "joke", ZEBRA)
    item_id = (await core.storage.items.find(kind="joke"))[0].id
    attempts = [
        core.moderation.review.next_case(G, MEMBER),
        core.moderation.review.approve(G, MEMBER, case.id),
        core.moderation.review.reject(G, MEMBER, case.id, "x"),
        core.moderation.review.edit_case(G, MEMBER, case.id, ZEBRA,
                                         base=found(case.proposal, "proposal").content_hash()),
        core.moderation.review.toggle_case_flag(G, MEMBER, case.id, "dark"),
        core.moderation.library.add(G, MEMBER, "joke", {"joke": "Sneaky"}),
        core.moderation.library.remove_item(G, MEMBER, item_id),
        core.moderation.library.show_item(G, MEMBER, item_id),
        core.moderation.settings.change(G, MEMBER, safe_mode=False),
    ]
    for attempt in attempts:
        with pytest.raises(UserError, match="Only moderators"):
            await attempt
    assert found(await core.storage.moderation.get_case(case.id, G), "the case").pending
    assert (await core.storage.settings.get(G)).safe_mode
    assert await core.storage.audit.actions(G) == []


async def test_the_moderator_role(core: Core) -> None:
    assert not await core.moderation.access.is_moderator(G, ROLE_MOD)
    with pytest.raises(UserError, match="Manage Server"):
        await core.moderation.settings.change(G, MOD.__class__(ROLE_MOD.user_id, False, ROLE_MOD.role_ids),
                                              moderator_role_id=ROLE)
    await core.moderation.settings.change(G, MOD, moderator_role_id=ROLE)
    assert await core.moderation.access.is_moderator(G, ROLE_MOD)
    assert not await core.moderation.access.is_moderator(H, ROLE_MOD)
    # A role moderator moderates but cannot hand the role on.
    await core.moderation.settings.change(G, ROLE_MOD, safe_mode=False)
    with pytest.raises(UserError, match="Manage Server"):
        await core.moderation.settings.change(G, ROLE_MOD, moderator_role_id=None)


# --- reports ---------------------------------------------------------------------------------------

async def test_reports_hide_and_a_keep_restores(core: Core) -> None:
    item = (await core.storage.items.find(kind="joke"))[0]
    for n, member in enumerate((100, 101), 1):
        outcome = await core.moderation.reports.report(G, member, item.id, "not funny")
        assert (outcome.reporters, outcome.hidden_now) == (n, False)
    with pytest.raises(UserError, match="reported this item already"):
        await core.moderation.reports.may_report(G, 100, item.id)
    with pytest.raises(UserError, match="reported this item already"):
        await core.moderation.reports.report(G, 100, item.id, "really not funny")
    assert (await core.moderation.reports.may_report(G, 102, item.id)).id == item.id
    outcome = await core.moderation.reports.report(G, 102, item.id, "offensive")
    assert outcome.hidden_now and found(outcome.record, "the automatic hide").actor_id is None
    assert await core.storage.moderation.hidden_reason(G, item.id) == "reports"
    assert await core.storage.moderation.hidden_reason(H, item.id) is None
    details = found(await core.moderation.review.next_case(G, MOD), "the next case")
    assert details.case.type == "report" and len(details.reports) == 3 and details.hidden == "reports"
    assert not details.editable  # a global item: it can be hidden here, not edited
    decision = await core.moderation.review.keep(G, MOD, details.case.id)
    assert decision.case.status == "kept"
    assert await core.storage.moderation.hidden_reason(G, item.id) is None
    # Reports start counting afresh after a decision.
    outcome = await core.moderation.reports.report(G, 100, item.id, "still not funny")
    assert (outcome.reporters, outcome.hidden_now) == (1, False)


async def test_the_server_threshold_and_removal(core: Core) -> None:
    await core.moderation.settings.change(G, MOD, report_threshold=1)
    item = (await core.storage.items.find(kind="joke"))[0]
    assert (await core.moderation.reports.report(G, 100, item.id, "bad")).hidden_now
    assert not (await core.moderation.reports.report(H, 100, item.id, "bad")).hidden_now
    case_id = found(await core.moderation.review.next_case(G, MOD), "the next case").case.id
    decision = await core.moderation.review.remove_reported(G, MOD, case_id, "Off-topic here")
    assert decision.case.status == "removed"
    # A global item is hidden in this server (by a moderator now), never retired.
    assert found(decision.item, "the item").status == "active"
    assert await core.storage.moderation.hidden_reason(G, item.id) == "moderator"
    with pytest.raises(AlreadyDecided):
        await core.moderation.review.keep(G, MOD2, case_id)


async def test_reporting_own_server_content_and_removal_retires_it(core: Core) -> None:
    item_id = await approved(core)
    case_id = (await core.moderation.reports.report(G, 101, item_id, "meh")).case_id
    details = await core.moderation.review.case_details(G, MOD, case_id)
    assert details.editable
    await core.moderation.review.toggle_case_flag(G, MOD, case_id, "nsfw")
    assert (await stored(core, item_id)).flags == {"nsfw"}
    decision = await core.moderation.review.remove_reported(G, MOD, case_id, "nope")
    assert found(decision.item, "the item").status == "retired"
    with pytest.raises(UserError, match="removed already"):
        await core.moderation.reports.report(G, 102, item_id, "x")
    # Another server cannot even report it: it does not exist there.
    with pytest.raises(UserError, match="no item"):
        await core.moderation.reports.report(H, 102, item_id, "x")


# --- content --------------------------------------------------------------------------------------

async def test_content_add_edit_remove_restore_show(core: Core) -> None:
    added = await core.moderation.library.add(G, MOD, "joke", {"joke": "A moderator's own joke about otters"})
    item = found(added.item, "the added item")
    assert (item.guild_id, item.origin, item.status) == (G, "moderator", "active")
    await core.votes.click(item_id=item.id, guild_id=G, user_id=100, up=True)
    edited = found((await edit_from_form(core, item.id, {"joke": "A moderator's own joke about sea otters"})).item,
                   "the edited item")
    assert joke_text(edited).endswith("sea otters") and edited.id == item.id
    assert edited.up == 1  # votes are kept
    with pytest.raises(UserError, match="Nothing changed"):
        await edit_from_form(core, item.id, form_of(edited.entry()))
    await core.moderation.library.set_item_flag(G, MOD, item.id, "dark", True)
    details = await core.moderation.library.show_item(G, MOD, item.id)
    assert [joke_body(v.entry.body).text for v in details.versions] == [
        "A moderator's own joke about otters", "A moderator's own joke about sea otters"]
    assert details.item.flags == {"dark"} and details.server_tally.up == 1 and details.scope == "server"
    removed = found((await core.moderation.library.remove_item(G, MOD, item.id, "dated")).item, "the removed item")
    assert removed.status == "retired" and removed.up == 1
    with pytest.raises(UserError, match="restore"):
        await edit_from_form(core, item.id, {"joke": "changed"})
    restored = await core.moderation.library.restore_item(G, MOD, item.id)
    assert found(restored.item, "the restored item").status == "active"
    actions = [r.action for r in reversed(await core.moderation.audit.actions(G, MOD))]
    assert actions == ["add", "edit", "edit", "retire", "restore"]
    edit = (await core.moderation.audit.actions(G, MOD, target=f"item:{item.id}"))[-2]
    assert logged_text(edit.before, "body", "text").endswith(" otters")
    assert logged_text(edit.after, "body", "text").endswith("sea otters")


async def test_two_moderators_editing_an_item_at_once_one_wins(core: Core) -> None:
    original = "Otters hold hands so they never drift apart"
    item_id = found((await core.moderation.library.add(G, MOD, "joke", {"joke": original})).item, "the item").id
    # Both open the edit form on the same version, then both submit.
    forms = [await core.moderation.library.item_form(G, who, item_id) for who in (MOD, MOD2)]
    assert forms[0].base == forms[1].base and forms[0].item_id == item_id
    texts = ["Sea otters hold hands so they never drift apart", "River otters hold paws so they never float off"]
    results = await asyncio.gather(*(
        core.moderation.library.edit_item(G, who, item_id, {**form.prefill, "joke": text}, base=form.base)
        for who, form, text in zip((MOD, MOD2), forms, texts, strict=True)
    ), return_exceptions=True)
    [won] = [r for r in results if isinstance(r, ActionResult)]
    [lost] = [r for r in results if isinstance(r, BaseException)]
    assert isinstance(lost, EditConflict)
    assert str(lost) == f"Joke #{item_id} was changed by someone else meanwhile, so this edit was not saved; " \
                        "open it again."
    winner, loser = (MOD, MOD2) if results[0] is won else (MOD2, MOD)
    won_text, lost_text = texts if winner is MOD else texts[::-1]
    assert joke_text(await stored(core, item_id)) == won_text
    # The original is kept as the one earlier version, and one edit is recorded, from the original.
    key = found(won.item, "the edited item").key
    [version] = await core.storage.moderation.versions(item_id, "joke", key)
    assert (joke_body(version.entry.body).text, version.edited_by) == (original, winner.user_id)
    record, added = await core.moderation.audit.actions(G, MOD, target=f"item:{item_id}")
    assert added.action == "add"
    assert (record.action, record.actor_id, logged(record.before, "body", "text"),
            logged(record.after, "body", "text")) == (
        "edit", winner.user_id, original, won_text)
    # Opened again, the form shows the winner's text; the loser's edit then keeps it as a version too.
    again = await core.moderation.library.item_form(G, loser, item_id)
    assert again.prefill["joke"] == won_text
    await core.moderation.library.edit_item(G, loser, item_id, {**again.prefill, "joke": lost_text}, base=again.base)
    assert joke_text(await stored(core, item_id)) == lost_text
    versions = await core.storage.moderation.versions(item_id, "joke", key)
    assert [(joke_body(v.entry.body).text, v.edited_by) for v in versions] == [(original, winner.user_id),
                                                                     (won_text, loser.user_id)]
    latest = (await core.moderation.audit.actions(G, MOD, target=f"item:{item_id}"))[0]
    assert (logged(latest.before, "body", "text"), logged(latest.after, "body", "text")) == (won_text, lost_text)


async def test_an_edit_that_lands_while_another_is_on_its_way_is_kept(core: Core,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    original = "Otters hold hands so they never drift apart"
    item_id = found((await core.moderation.library.add(G, MOD, "joke", {"joke": original})).item, "the item").id
    form = await core.moderation.library.item_form(G, MOD, item_id)
    check_duplicate = library_admin.check_duplicate

    async def meanwhile(storage: Storage, guild_id: int, entry: ContentEntry, *, exclude_item: int | None = None,
                        exclude_case: int | None = None, pending: bool = True) -> None:
        # MOD2 saves an edit after MOD's was checked against the item, before it is written.
        monkeypatch.setattr(library_admin, "check_duplicate", check_duplicate)
        await core.moderation.library.edit_item(G, MOD2, item_id, {**form.prefill, "joke": "Sea otters hold hands"},
                                        base=form.base)
        await check_duplicate(storage, guild_id, entry, exclude_item=exclude_item, exclude_case=exclude_case,
                              pending=pending)

    monkeypatch.setattr(library_admin, "check_duplicate", meanwhile)
    with pytest.raises(EditConflict, match="changed by someone else meanwhile"):
        await core.moderation.library.edit_item(G, MOD, item_id, {**form.prefill, "joke": "River otters hold paws"},
                                        base=form.base)
    item = await stored(core, item_id)
    assert joke_text(item) == "Sea otters hold hands"
    versions = await core.storage.moderation.versions(item_id, "joke", item.key)
    assert [joke_body(v.entry.body).text for v in versions] == [original]
    assert [r.actor_id for r in await core.moderation.audit.actions(G, MOD, target=f"item:{item_id}")] == [
        MOD2.user_id, MOD.user_id]  # the edit and the addition
    # A flag set meanwhile counts as a change too.
    form = await core.moderation.library.item_form(G, MOD, item_id)
    await core.moderation.library.set_item_flag(G, MOD2, item_id, "dark", True)
    with pytest.raises(EditConflict):
        await core.moderation.library.edit_item(G, MOD, item_id, {**form.prefill, "joke": "River otters"},
                                                base=form.base)
    assert joke_text(await stored(core, item_id)) == "Sea otters hold hands"


async def test_two_moderators_editing_a_suggestion_at_once_one_wins(core: Core) -> None:
    case = await core.moderation.suggestions.suggest(G, 100, "joke", ZEBRA)
    forms = [await core.moderation.review.case_form(G, who, case.id) for who in (MOD, MOD2)]
    punchlines = ["Stripes win races.", "It had already earned its stripes."]
    results = await asyncio.gather(*(
        core.moderation.review.edit_case(G, who, case.id, {**form.prefill, "punchline": text}, base=form.base)
        for who, form, text in zip((MOD, MOD2), forms, punchlines, strict=True)
    ), return_exceptions=True)
    lost = [r for r in results if isinstance(r, BaseException)]
    assert len(lost) == 1 and isinstance(lost[0], EditConflict)
    assert str(lost[0]).startswith(f"Suggestion #{case.id} was changed by someone else meanwhile")
    won = punchlines[0] if isinstance(results[1], BaseException) else punchlines[1]
    case_now = found(await core.storage.moderation.get_case(case.id, G), "the case")
    assert joke_body(found(case_now.proposal, "proposal").body).punchline == won
    [record] = await core.moderation.audit.actions(G, MOD, target=f"case:{case.id}")
    assert (logged(record.before, "body", "punchline"), logged(record.after, "body", "punchline")) == (
        ZEBRA["punchline"], won)
    # Submitting the form unchanged changes nothing.
    form = await core.moderation.review.case_form(G, MOD, case.id)
    with pytest.raises(UserError, match="Nothing changed"):
        await core.moderation.review.edit_case(G, MOD, case.id, form.prefill, base=form.base)


async def test_scope_between_servers(core: Core) -> None:
    theirs = await approved(core, ZEBRA, guild=H)
    pack_item = (await core.storage.items.find(kind="joke", global_only=True))[0]
    # Knowing the items' current content does not help.
    their_base = (await stored(core, theirs)).entry().content_hash()
    for attempt in (
        core.moderation.library.edit_item(G, MOD, theirs, {"joke": "mine now"}, base=their_base),
        core.moderation.library.remove_item(G, MOD, theirs),
        core.moderation.library.restore_item(G, MOD, theirs),
        core.moderation.library.set_item_flag(G, MOD, theirs, "nsfw", True),
    ):
        with pytest.raises(UserError, match=f"no item #{theirs} in this server"):
            await attempt
    # Showing it says only why it does not show here.
    with pytest.raises(UserError, match="another server's own content") as refused:
        await core.moderation.library.show_item(G, MOD, theirs)
    assert "zebra" not in str(refused.value).lower()
    assert (await stored(core, theirs)).status == "active"
    # Global content: not editable, but a server can hide it for itself.
    with pytest.raises(UserError, match="global content"):
        await core.moderation.library.edit_item(G, MOD, pack_item.id, {"joke": "changed"},
                                        base=pack_item.entry().content_hash())
    with pytest.raises(UserError, match="global content"):
        await core.moderation.library.item_form(G, MOD, pack_item.id)
    hidden = await core.moderation.library.remove_item(G, MOD, pack_item.id)
    assert hidden.record.action == "hide" and found(hidden.item, "the hidden item").status == "active"
    assert await core.storage.moderation.hidden_reason(G, pack_item.id) == "moderator"
    assert await core.storage.moderation.hidden_reason(H, pack_item.id) is None
    with pytest.raises(UserError, match="hidden in this server already"):
        await core.moderation.library.remove_item(G, MOD, pack_item.id)
    await core.moderation.library.restore_item(G, MOD, pack_item.id)
    assert await core.storage.moderation.hidden_reason(G, pack_item.id) is None
    # Cases are per server too.
    case = await core.moderation.suggestions.suggest(H, 100, "joke", {"joke": "Only for server H, about moles"})
    with pytest.raises(UserError, match="no case"):
        await core.moderation.review.approve(G, MOD, case.id)
    assert found(await core.storage.moderation.get_case(case.id, H), "the case").pending


async def test_settings_changes_are_recorded(core: Core) -> None:
    change = await core.moderation.settings.change(G, MOD, safe_mode=False, report_threshold=4)
    assert not change.settings.safe_mode and change.settings.report_threshold == 4
    record = found(change.record, "the logged change")
    assert record.before == {"safe_mode": True, "report_threshold": None}
    assert record.after == {"safe_mode": False, "report_threshold": 4}
    assert record.summary is None and "safe mode on → off" in action_text(record)
    assert (await core.moderation.settings.change(G, MOD, safe_mode=False)).record is None
    with pytest.raises(UserError, match="between 1 and 100"):
        await core.moderation.settings.change(G, MOD, report_threshold=0)
    await core.moderation.settings.set_category_blocked(G, MOD, "Dad Jokes", True)
    await core.moderation.settings.set_flag_blocked(G, MOD, "dark", True)
    settings = await core.storage.settings.get(G)
    assert settings.blocked_categories == ("dad-jokes",) and settings.blocked_flags == {"dark"}
    assert (await core.storage.settings.get(H)).safe_mode


async def test_show_says_where_an_item_was_shown_including_as_topic_of_the_day(core: Core) -> None:
    today = found(await core.picks.of_the_day("discussion", G), "the topic of the day")
    core.picks.shown(today, scope_id=555, guild_id=G)
    details = await core.moderation.library.show_item(G, MOD, today.id)
    assert sorted(scope or 0 for scope, _ in details.places) == [0, 555]
    assert None in [scope for scope, _ in details.places]


async def test_an_edit_that_lands_while_a_suggestion_is_approved_is_not_lost(core: Core,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    case = await core.moderation.suggestions.suggest(G, 100, "joke", ZEBRA)
    form = await core.moderation.review.case_form(G, MOD2, case.id)
    check_duplicate = review.check_duplicate

    async def meanwhile(storage: Storage, guild_id: int, entry: ContentEntry, *, exclude_item: int | None = None,
                        exclude_case: int | None = None, pending: bool = True) -> None:
        # MOD2 saves an edit after MOD's approval read the suggestion, before it is written.
        monkeypatch.setattr(review, "check_duplicate", check_duplicate)
        await core.moderation.review.edit_case(G, MOD2, case.id, {**form.prefill, "punchline": "Stripes beat spots."},
                                        base=form.base)
        await check_duplicate(storage, guild_id, entry, exclude_item=exclude_item, exclude_case=exclude_case,
                              pending=pending)

    monkeypatch.setattr(review, "check_duplicate", meanwhile)
    with pytest.raises(EditConflict, match="edited by someone else meanwhile"):
        await core.moderation.review.approve(G, MOD, case.id)
    # Still pending, with the edit; approving now takes the edited text.
    decision = await core.moderation.review.approve(G, MOD, case.id)
    assert decision.item is not None and joke_body(decision.item.body).punchline == "Stripes beat spots."
    assert [joke_body(i.body).punchline for i in await core.storage.items.find(kind="joke") if i.guild_id == G] == [
        "Stripes beat spots."]
