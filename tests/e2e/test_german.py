"""German end to end: a member whose Discord speaks German sees German command names and German
replies, an English member in the same server sees English, and a server whose language is German
gets its daily post in German."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from cogs.i18n import language
from discord_emulator import InvocationError
from tests.e2e.harness import Banter, Person, banter
from tests.e2e.test_daily import DUE, Daily, hang_at_due, link
from tests.e2e.test_daily import w as w

APOLOGY = "Entschuldige, bei mir ist etwas schiefgelaufen"


@pytest.fixture
async def b(tmp_path: Path) -> AsyncIterator[Banter]:
    async with banter(tmp_path) as world:
        german(world, world.alice)  # alice's Discord speaks German; bob's English
        yield world


def german(b: Banter, person: Person) -> None:
    b.emu.set_locale(person.member, "de")


async def test_a_changed_german_description_is_synced_at_the_next_start(b: Banter) -> None:
    syncs = len(b.emu.requests_to("PUT", r"/applications/\d+/commands"))
    entry = language("de").commands["joke"]
    before = entry["description"]
    entry["description"] = "Ein Witz, frisch übersetzt."  # as if de.yaml had been edited
    try:
        await b.restart()
        assert dict(b.emu.command_picker(b.alice.member, b.general))["witz"] == "Ein Witz, frisch übersetzt."
        assert len(b.emu.requests_to("PUT", r"/applications/\d+/commands")) == syncs + 1
    finally:
        entry["description"] = before
    await b.restart()  # back as the file says; and a start with nothing changed syncs nothing
    await b.restart()
    assert len(b.emu.requests_to("PUT", r"/applications/\d+/commands")) == syncs + 2
    assert dict(b.emu.command_picker(b.alice.member, b.general))["witz"] == before

async def test_a_german_member_sees_german_commands_and_an_english_one_english(b: Banter) -> None:
    picker = dict(b.emu.command_picker(b.alice.member, b.general))
    english = dict(b.emu.command_picker(b.bob.member, b.general))
    assert picker["witz"] == "Erzählt dir einen zufälligen Witz."
    assert "diskussion heute" in picker and "stimmung" in picker and "joke" not in picker
    assert {"favoriten", "hilfe", "über", "meine-daten anzeigen", "meine-daten löschen"} <= set(picker)
    assert english["joke"] == "Tell a random joke." and "witz" not in english and "favorites" in english
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
        await b.alice.run("joke")


async def test_witz_answers_in_german_and_joke_in_english_in_the_same_channel(b: Banter) -> None:
    witz = await b.alice.run("witz", kategorie="space")
    assert witz.embed.footer.startswith("Witz #") and "space" in witz.embed.footer
    assert [button.name for button in witz.buttons][2:] == ["Merken", "Melden"]
    joke = await b.bob.run("joke", category="space")
    assert joke.embed.footer.startswith("Joke #")
    assert [button.name for button in joke.buttons][2:] == ["Save", "Report"]


async def test_a_vote_keeps_the_message_language_and_a_report_is_thanked_in_german(b: Banter) -> None:
    witz = await b.alice.run("witz")
    # bob votes on alice's German message: the message stays German for everyone.
    vote = await b.bob.click(witz, "👍")
    assert vote.updated and vote.message.votes == (1, 0)
    assert [button.name for button in vote.buttons][2:] == ["Merken", "Melden"]
    opened = await b.alice.click(witz, "Melden")
    assert opened.form.title.startswith("Witz #") and "Was stimmt damit nicht?" in str(opened.form.fields)
    thanks = await b.alice.submit(opened.form, {"reason": "Der ist schon alt."})
    assert thanks.ephemeral and thanks.content.startswith("Danke, deine Meldung zu Witz #")
    again = await b.alice.click(witz, "Melden")
    assert again.content == "Du hast diesen Beitrag schon gemeldet; die Moderatoren sehen ihn sich an."


async def test_errors_speak_the_members_language(b: Banter) -> None:
    refused = await b.alice.run("witz", kategorie="gibtsnicht")
    assert refused.ephemeral and refused.content.startswith("Hier gibt es keine Kategorie `gibtsnicht`")
    english = await b.bob.run("joke", category="nope")
    assert english.content.startswith("There is no joke category called `nope` here.")
    no_page = await b.alice.run("diskussion archiv", seite=99)
    assert no_page.content.startswith("Es gibt keine Seite 99")


async def test_a_cooldown_is_set_and_waited_for_in_german(tmp_path: Path) -> None:
    async with banter(tmp_path, cooldowns=True) as b:
        carol = await b.moderator("carol")
        german(b, carol)
        german(b, b.alice)
        set_to = await carol.run("einstellungen abklingzeit", befehl="joke", sekunden=120)
        assert set_to.embed.fields["Abklingzeiten pro Mitglied"].startswith("`/witz` 2 Minuten, `/stimmung` ")
        await b.alice.run("witz")
        wait = await b.alice.run("witz")
        assert wait.ephemeral and wait.content == "Nicht so schnell: du kannst `/witz` in 2 Minuten wieder benutzen."
        await b.later(timedelta(seconds=61))
        wait = await b.alice.run("witz")
        assert wait.content == "Nicht so schnell: du kannst `/witz` in 59 Sekunden wieder benutzen."


async def test_a_german_server_gets_its_daily_post_in_german(w: Daily) -> None:
    w.emu.set_preferred_locale(w.b.home.guild, "de")
    await w.set_daily(thread=False)
    await w.set_daily(w.olga)  # the other server keeps English
    await w.b.at(DUE)
    [post] = [m for m in w.b.messages(w.daily) if m.message.interaction_metadata is None]
    assert post.content == "**Diskussion des Tages** · Samstag, 14. März"
    assert post.embed.footer.startswith("Diskussion #")
    assert post.embed.field_names[:2] == ["👍 Vorteile", "👎 Nachteile"]
    [other] = w.posts(w.other_daily)
    assert other.content == "**Discussion of the day** · Saturday 14 March"


async def test_a_german_post_is_found_after_a_crash_when_the_server_changed_language(w: Daily) -> None:
    """The post is looked for by its headline and footer in every language: a crash between sending
    and recording, and a server that switched to English meanwhile; still one post."""
    w.emu.set_preferred_locale(w.b.home.guild, "de")
    await w.set_daily()
    await hang_at_due(w, "record_sent")
    await w.b.stop()
    w.emu.set_preferred_locale(w.b.home.guild, "en-US")
    await w.b.at(DUE + timedelta(hours=1))
    await w.b.start()
    [post] = [m for m in w.b.messages(w.daily) if m.message.interaction_metadata is None]
    assert post.content.startswith("**Diskussion des Tages**") and len(w.sends()) == 1
    assert link(w, post) in await w.last_post()


async def test_a_german_moderator_runs_the_daily_and_moderation_commands_in_german(w: Daily) -> None:
    german(w.b, w.carol)
    german(w.b, w.alice)
    set_up = await w.carol.run("täglich einrichten", kanal=w.daily, uhrzeit="12:30", zeitzone="Europe/Berlin",
                               art="Witz", tage="weekdays")
    assert set_up.content.startswith(f"Der Witz des Tages erscheint in <#{w.daily.id}> an Werktagen um **12:30**")
    assert "Das ist Zeitplan #" in set_up.content
    status = await w.carol.run("täglich status")
    assert status.embed.title == "Tägliche Beiträge" and "Witz des Tages in" in status.embed.description
    assert status.embed.field_names[-1] == "Verbleibender Inhalt"
    preview = await w.carol.run("täglich vorschau")
    assert preview.content.startswith("Nächster täglicher Beitrag (#")
    paused = await w.carol.run("täglich pause", von="2026-03-16", bis="2026-03-20")
    assert paused.content.startswith("⏸️ Keine täglichen Beiträge von Montag, 16. März 2026 bis Freitag, 20. März 2026")
    resumed = await w.carol.run("täglich fortsetzen")
    assert resumed.content.startswith("▶️ Die Pause ist vorbei für 1 Zeitplan.")
    posted = await w.carol.run("täglich jetzt-posten")
    assert posted.content.startswith("✅ Witz des Tages gepostet:")
    settings = await w.carol.run("einstellungen anzeigen")
    assert settings.embed.title == "Servereinstellungen"
    assert settings.embed.field_names[-2:] == ["Abklingzeiten pro Mitglied", "Öffentliche Seite"]
    review = await w.carol.run("prüfen")
    assert review.content == "Die Prüfliste ist leer. ✨"
    archive = await w.carol.run("diskussion archiv")
    assert archive.embed.title == "Frühere Themen des Tages"
    refused = await w.alice.run("diskussion zeigen", nummer=999999)
    assert refused.content.startswith("Thema `#999999` war nie das Thema des Tages auf diesem Server: "
                                      "`/diskussion archiv` listet")
    for answer in (set_up, status, preview, paused, resumed, posted, settings, review, archive):
        assert APOLOGY not in answer.content


async def test_favourites_my_data_help_and_about_speak_german(b: Banter) -> None:
    witz = await b.alice.run("witz")
    saved = await b.alice.click(witz, "⭐")
    assert saved.ephemeral and saved.content.startswith(
        f"⭐ Witz #{witz.message.item_id} ist jetzt in deinen Favoriten: `/favoriten` listet sie.")
    mine = await b.alice.run("favoriten")
    assert mine.embed.title == "⭐ Deine Favoriten auf diesem Server"
    assert mine.embed.footer == "Seite 1 von 1 · 1 Beitrag gemerkt"
    assert mine.buttons[0].name == f"#{witz.message.item_id} entfernen"
    too_far = await b.alice.run("favoriten", seite=3)
    assert too_far.content == "Du hast hier 1 Favorit auf 1 Seite: frag nach Seite 1 bis 1."
    data = await b.alice.run("meine-daten anzeigen")
    assert data.embed.title == "Was Banter über dich speichert" and "`/meine-daten löschen`" in data.embed.description
    assert "⭐ Favoriten: 1 Favorit" in data.embed.field_names
    asked = await b.alice.run("meine-daten löschen")
    assert asked.content.startswith("Damit verschwindest du aus allem") and "1 Favorit" in asked.content
    kept = await b.alice.click(asked, "Behalten")
    assert kept.content == "Es wurde nichts gelöscht."
    helped = await b.alice.run("hilfe")
    assert helped.embed.title == "Banters Befehle"
    assert "`/witz` Erzählt dir einen zufälligen Witz." in helped.embed.description
    assert "**Schutzmodus:**" in helped.embed.fields["Auf diesem Server"]
    about = await b.alice.run("über")
    assert about.embed.title == "Über Banter" and "(`/stimmung`)" in about.embed.description
    # bob's English is unchanged by alice's German.
    english = await b.bob.run("help")
    assert english.embed.title == "Banter's commands" and "`/joke` Tell a random joke." in english.embed.description
