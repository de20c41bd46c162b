"""German end to end: a member whose Discord speaks German sees German command names and German
replies, an English member in the same server sees English, and a server whose language is German
gets its daily post in German."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from discord_emulator import InvocationError
from tests.e2e.harness import Banter, banter
from tests.e2e.test_daily import DUE, World, hang_at_due
from tests.e2e.test_daily import w as w


@pytest.fixture
async def b(tmp_path: Path) -> AsyncIterator[Banter]:
    async with banter(tmp_path) as world:
        world.emu.set_locale(world.sb.alice, "de")  # alice's Discord speaks German; bob's English
        yield world


async def test_a_german_member_sees_german_commands_and_an_english_one_english(b: Banter) -> None:
    german = dict(b.emu.command_picker(b.sb.alice, b.sb.general))
    english = dict(b.emu.command_picker(b.sb.bob, b.sb.general))
    assert german["witz"] == "Erzählt dir einen zufälligen Witz."
    assert "diskussion heute" in german and "stimmung" in german and "joke" not in german
    assert english["joke"] == "Tell a random joke." and "witz" not in english
    # Every command, subcommand and option was synced with a German name and description.
    for command in b.emu.registered_commands():
        assert command.name_localizations and command.name_localizations.get("de"), command.name
        assert command.description_localizations and command.description_localizations.get("de"), command.name
        options = [(command.name, o) for o in command.options]
        while options:
            where, option = options.pop()
            assert (option.get("name_localizations") or {}).get("de"), (where, option["name"])
            assert (option.get("description_localizations") or {}).get("de"), (where, option["name"])
            options += [(f"{where} {option['name']}", o) for o in option.get("options") or []]
    # A German client shows only the German names: the English one is not there to type.
    with pytest.raises(InvocationError):
        await b.emu.slash(b.sb.alice, b.sb.general, "joke")


async def test_witz_answers_in_german_and_joke_in_english_in_the_same_channel(b: Banter) -> None:
    witz = await (await b.emu.slash(b.sb.alice, b.sb.general, "witz", kategorie="space")).original_message()
    assert witz.embed["footer"]["text"].startswith("Witz #") and "space" in witz.embed["footer"]["text"]
    assert [button.get("label") for button in witz.buttons()] == ["0", "0", "Melden"]
    joke = await (await b.emu.slash(b.sb.bob, b.sb.general, "joke", category="space")).original_message()
    assert joke.embed["footer"]["text"].startswith("Joke #")
    assert [button.get("label") for button in joke.buttons()] == ["0", "0", "Report"]
    # The interaction the bot got carried the command's own name, as Discord sends it.
    assert b.emu.requests_to("POST", r"/interactions/\d+/[^/]+/callback")


async def test_a_vote_keeps_the_message_language_and_a_report_is_thanked_in_german(b: Banter) -> None:
    witz = await (await b.emu.slash(b.sb.alice, b.sb.general, "witz")).original_message()
    # bob votes on alice's German message: the message stays German for everyone.
    click = await b.emu.click(b.sb.bob, witz, emoji="👍")
    assert (await click.response()).type == 7
    assert [button.get("label") for button in b.emu.get_message(witz).buttons()] == ["1", "0", "Melden"]
    opened = await b.emu.click(b.sb.alice, witz, label="Melden")
    modal = (await opened.response()).modal
    assert modal is not None and modal.title.startswith("Witz #") and "Was stimmt damit nicht?" in str(modal)
    submitted = await b.emu.submit_modal(b.sb.alice, opened, {"reason": "Der ist schon alt."})
    thanks = await submitted.original_message()
    assert thanks.ephemeral and thanks.content.startswith("Danke, deine Meldung zu Witz #")
    again = await b.emu.click(b.sb.alice, witz, label="Melden")
    refused = await again.original_message()
    assert refused.content == "Du hast diesen Beitrag schon gemeldet; die Moderatoren sehen ihn sich an."


async def test_errors_speak_the_members_language(b: Banter) -> None:
    german = await (await b.emu.slash(b.sb.alice, b.sb.general, "witz", kategorie="gibtsnicht")).original_message()
    assert german.ephemeral and german.content.startswith("Hier gibt es keine Kategorie `gibtsnicht`")
    english = await (await b.emu.slash(b.sb.bob, b.sb.general, "joke", category="nope")).original_message()
    assert english.content.startswith("There is no joke category called `nope` here.")
    moderators_only = await (await b.emu.slash(b.sb.alice, b.sb.general, "diskussion archiv", seite=99)
                             ).original_message()
    assert moderators_only.content.startswith("Es gibt keine Seite 99")


async def test_a_german_server_gets_its_daily_post_in_german(w: World) -> None:
    w.emu.set_preferred_locale(w.guild, "de")
    await w.set_daily(thread=False)
    await w.set_daily(w.olga)  # the other server keeps English
    await w.at(DUE)
    [post] = [m for m in w.emu.channel_messages(w.daily) if m.interaction_metadata is None]
    assert post.content == "**Diskussion des Tages** · Samstag, 14. März"
    assert post.embed["footer"]["text"].startswith("Diskussion #")
    assert [f["name"] for f in post.embed["fields"]][:2] == ["👍 Vorteile", "👎 Nachteile"]
    [other] = [m for m in w.emu.channel_messages(w.other_daily) if m.interaction_metadata is None]
    assert other.content == "**Discussion of the day** · Saturday 14 March"


async def test_a_german_post_is_found_after_a_crash_when_the_server_changed_language(w: World) -> None:
    """The post is looked for by its headline and footer in every language: a crash between sending
    and recording, a server that switched to English meanwhile, and Discord has forgotten the nonce;
    still one post."""
    w.emu.set_preferred_locale(w.guild, "de")
    await w.set_daily()
    await hang_at_due(w, "record_sent")
    await w.stop()
    w.emu.set_preferred_locale(w.guild, "en-US")
    w.emu.advance(3600)
    await w.at(DUE + timedelta(hours=1))
    await w.start()
    [post] = [m for m in w.emu.channel_messages(w.daily) if m.interaction_metadata is None]
    assert post.content.startswith("**Diskussion des Tages**") and len(w.sends()) == 1
    [row] = await w.ledger()
    assert (row.status, row.message_id) == ("sent", post.id)


async def test_a_german_moderator_runs_the_daily_and_moderation_commands_in_german(w: World) -> None:
    w.emu.set_locale(w.carol, "de")
    w.emu.set_locale(w.alice, "de")
    apology = "Entschuldige, bei mir ist etwas schiefgelaufen"
    set_up = await w.reply(w.carol, "täglich einrichten", kanal=w.daily, uhrzeit="12:30", zeitzone="Europe/Berlin",
                           art="Witz", tage="weekdays")
    assert set_up.content.startswith(f"Der Witz des Tages erscheint in <#{w.daily.id}> an Werktagen um **12:30**")
    assert "Das ist Zeitplan #" in set_up.content
    status = await w.reply(w.carol, "täglich status")
    assert status.embed["title"] == "Tägliche Beiträge" and "Witz des Tages in" in status.embed["description"]
    assert [f["name"] for f in status.embed["fields"]][-1] == "Verbleibender Inhalt"
    preview = await w.reply(w.carol, "täglich vorschau")
    assert preview.content.startswith("Nächster täglicher Beitrag (#")
    paused = await w.reply(w.carol, "täglich pause", von="2026-03-16", bis="2026-03-20")
    assert paused.content.startswith("⏸️ Keine täglichen Beiträge von Montag, 16. März 2026 bis Freitag, 20. März 2026")
    resumed = await w.reply(w.carol, "täglich fortsetzen")
    assert resumed.content.startswith("▶️ Die Pause ist vorbei für 1 Zeitplan.")
    posted = await w.reply(w.carol, "täglich jetzt-posten")
    assert posted.content.startswith("✅ Witz des Tages gepostet:")
    settings = await w.reply(w.carol, "einstellungen anzeigen")
    assert settings.embed["title"] == "Servereinstellungen"
    review = await w.reply(w.carol, "prüfen")
    assert review.content == "Die Prüfliste ist leer. ✨"
    archive = await w.reply(w.carol, "diskussion archiv")
    assert archive.embed["title"] == "Frühere Themen des Tages"
    refused = await w.reply(w.alice, "diskussion zeigen", nummer=999999)
    assert refused.content.startswith("Thema `#999999` war nie das Thema des Tages auf diesem Server: "
                                      "`/diskussion archiv` listet")
    for answer in (set_up, status, preview, paused, resumed, posted, settings, review, archive):
        assert apology not in answer.content
