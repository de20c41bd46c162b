"""German end to end: a member whose Discord speaks German sees German command names and German
replies, an English member in the same server sees English, and a server whose language is German
gets its daily post in German."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from cogs import i18n
from cogs.i18n import language
from discord_emulator import InvocationError
from discord_emulator import Permissions as P
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


async def test_a_changed_german_description_is_synced_at_the_next_start(b: Banter, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    syncs = len(b.emu.requests_to("PUT", r"/applications/\d+/commands"))
    before = language("de").commands["joke"]["description"]
    # de.yaml as a translator would edit it, in a copy of the locales folder the bot reads instead.
    edited = tmp_path / "locales"
    shutil.copytree(i18n.LOCALES, edited)
    data = yaml.safe_load((edited / "de.yaml").read_text(encoding="utf-8"))
    data["commands"]["joke"]["description"] = "Ein Witz, frisch übersetzt."
    (edited / "de.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    shipped = i18n.LOCALES
    monkeypatch.setattr(i18n, "LOCALES", edited)
    language.cache_clear()
    try:
        await b.restart()
        assert dict(b.emu.command_picker(b.alice.member, b.general))["witz"] == "Ein Witz, frisch übersetzt."
        assert len(b.emu.requests_to("PUT", r"/applications/\d+/commands")) == syncs + 1
    finally:
        monkeypatch.setattr(i18n, "LOCALES", shipped)
        language.cache_clear()
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
    assert no_page.content == "Es gibt keine Seite 99: das Archiv hat 1 Seite."


async def test_the_words_inside_a_services_sentence_are_german_too(b: Banter) -> None:
    carol = await b.moderator("carol")
    german(b, carol)
    german(b, b.bob)  # both members German here
    hidden = await (await carol.run("inhalte hinzufügen", art="Witz")).form.submit(
        {"joke": "Der Zebrafink lacht zuletzt.", "categories": "animals", "flags": "dark"})
    item_id = number_in(hidden.content)
    found = await b.bob.run("witz", suche="zebrafink")
    assert found.content == ("1 Witz passt zu `zebrafink`, ist aber ausgeblendet durch den Schutzmodus dieses "
                             "Servers.")
    nothing = await b.bob.run("witz", suche="!!")
    assert nothing.content == "Gib ein oder zwei Wörter zum Suchen an, zum Beispiel `suche: cat`."
    none = await b.bob.run("witz", suche="quastenflosser")
    assert none.content.startswith("Keine Witze passen zu `quastenflosser`.")
    pack = (await b.bob.run("witz")).message.item_id
    refused = await carol.run("inhalte bearbeiten", nummer=pack)
    assert refused.content == (f"Witz #{pack} ist globaler Inhalt aus einem Paket und kann hier nicht bearbeitet "
                               "werden. `/inhalte entfernen` blendet den Beitrag auf diesem Server aus.")
    await carol.run("inhalte entfernen", nummer=item_id)
    again = await carol.run("inhalte entfernen", nummer=item_id)
    assert again.content == f"Witz #{item_id} ist schon entfernt."


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
    backwards = await w.carol.run("täglich pause", von="2026-03-20", bis="2026-03-16")
    assert backwards.content == ("Die Pause würde enden (`2026-03-16`), bevor sie beginnt (`2026-03-20`): gib den "
                                 "ersten freien Tag bei `von` an und den letzten bei `bis`. Es wurde nichts geändert.")
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


# --- what moderators read about items, forms and daily posts ------------------------------------------

def number_in(reply: str) -> int:
    """The item number a reply names first ("Witz #12 ist jetzt ...")."""
    return int(reply.split("#")[1].split(" ")[0].strip("*"))


async def test_content_show_says_in_german_why_an_item_does_not_show(tmp_path: Path) -> None:
    async with banter(tmp_path) as b:
        carol = await b.moderator("carol")
        german(b, carol)
        form = await carol.run("inhalte hinzufügen", art="Witz")
        added = await form.form.submit({"joke": "Meine Sonnenuhr geht im Winter nach.", "categories": "pun",
                                        "flags": "dark"})
        assert added.content.startswith("Witz #")
        item_id = number_in(added.content)
        shown = await carol.run("inhalte zeigen", nummer=item_id)
        why = shown.embeds[1].fields["Hier sichtbar"]
        assert why == ("🚫 der Schutzmodus ist an, und der Beitrag ist als `dark` markiert "
                       "(`/einstellungen schutzmodus`)")
        await carol.run("einstellungen schutzmodus", aktiv=False)
        assert (await carol.run("inhalte zeigen", nummer=item_id)).embeds[1].fields["Hier sichtbar"].startswith(
            "✅ ja: Auswahl, Suche und /top können den Beitrag zeigen")
        await carol.run("inhalte entfernen", nummer=item_id, grund="Zu düster")
        removed = (await carol.run("inhalte zeigen", nummer=item_id)).embeds[1].fields["Hier sichtbar"]
        assert removed.startswith(f"🚫 entfernt von {carol.mention} <t:")
        assert removed.endswith(":R>: „Zu düster“ · `/inhalte wiederherstellen` macht das rückgängig")
        # An English moderator reads the same reasons in English.
        dave = await b.moderator("dave")
        english = (await dave.run("content show", id=item_id)).embeds[1].fields["Shows here"]
        assert english.startswith(f"🚫 removed by {carol.mention} <t:") and "“Zu düster”" in english


async def test_a_refused_form_answers_and_reopens_in_german(tmp_path: Path) -> None:
    async with banter(tmp_path) as b:
        carol = await b.moderator("carol")
        german(b, carol)
        german(b, b.alice)
        typed = {"joke": "Mein Staubsaugerroboter hat gekündigt.", "punchline": "Die Arbeit war ihm zu öde.",
                 "categories": "roboter"}
        refused = await (await carol.run("inhalte hinzufügen", art="Witz")).form.submit(typed)
        assert refused.ephemeral and refused.content == (
            "`roboter` ist noch keine Witzkategorie. Leg sie mit dem Button an, oder bearbeite deine Eingabe.")
        assert [button.label for button in refused.buttons] == ["roboter anlegen", "Meine Eingabe bearbeiten"]
        reopened = await carol.click(refused, "Meine Eingabe bearbeiten")
        assert reopened.form.title == "Einen Witz hinzufügen" and reopened.form.value("categories") == "roboter"
        assert "Pointe (leer lassen für einen Einzeiler)" in str(reopened.form.fields)
        created = await carol.click(refused, "roboter anlegen")
        assert created.content.startswith("Witz #") and "ist jetzt auf diesem Server" in created.content
        # A member gets no button to create one, and is told in German which categories are close.
        asked = await (await b.alice.run("vorschlagen witz")).form.submit(typed | {"categories": "spaace"})
        assert asked.content.startswith("Hier gibt es keine Witzkategorie namens `spaace`. Meintest du `space`?")
        assert [button.label for button in asked.buttons] == ["Meine Eingabe bearbeiten"]


async def test_a_german_moderator_reads_why_a_daily_post_failed_in_german(w: Daily) -> None:
    await w.set_daily()
    german(w.b, w.carol)
    w.emu.set_overwrite(w.daily, w.emu.bot_user, deny=int(P.SEND_MESSAGES))
    await w.b.at(DUE)
    status = await w.carol.run("täglich status")
    problems = status.embed.fields["Probleme zuletzt"]
    assert problems.startswith(f"2026-03-14 Diskussion: Ich darf in <#{w.daily.id}> nicht posten (")
    assert problems.endswith("Prüf dort meine Berechtigungen und nutze dann `/täglich jetzt-posten`, oder warte "
                             "bis morgen.")
    # The same note, stored once, reads in English to an English moderator.
    dave = await w.b.moderator("dave")
    assert "I am not allowed to post in" in (await w.status(dave)).embed.fields["Recent problems"]
    w.emu.clear_overwrite(w.daily, w.emu.bot_user)
    w.emu.delete_channel(w.daily)
    await w.b.restart(at=DUE + timedelta(days=1, hours=6, minutes=10))
    problems = (await w.carol.run("täglich status")).embed.fields["Probleme zuletzt"]
    assert "2026-03-15 Diskussion: Verpasst: der Bot war zu der Zeit offline und kam 6 Std. 10 Min. zu spät" in problems


async def test_moods_are_named_in_german_everywhere_a_german_member_sees_them(tmp_path: Path) -> None:
    async with banter(tmp_path) as b:
        german(b, b.alice)
        carol = await b.moderator("carol")
        german(b, carol)
        read = await b.alice.run("stimmung", gefühl="ugh, exams tomorrow")
        assert read.content.startswith("Ich lese “ugh, exams tomorrow” als **gestresst** 😰 (wegen ")
        named = await b.alice.run("stimmung", gefühl="müde")  # a mood by its German name is that mood
        assert named.content.startswith("Ich lese “müde” als **müde** ")
        unsure = await b.alice.run("stimmung", gefühl="work is piling up and nobody helps")
        assert "Meintest du" in unsure.content and "**einsam**" in unsure.content
        offered = [btn.name for btn in unsure.buttons if (btn.custom_id or "").startswith("mood:pick:")]
        assert offered[0] == "einsam" and "lonely" not in offered
        picked = await b.alice.click(unsure, offered[1])
        assert picked.updated and unsure.content.startswith(f"Du hast **{offered[1]}** ")
        wrong = await b.alice.click(named, "Nicht meine Stimmung")
        assert wrong.updated and named.content.endswith("Welche Stimmung ist es?")
        fixes = [btn.name for btn in named.buttons if (btn.custom_id or "").startswith("mood:fix:")]
        assert "gelangweilt" in fixes and "bored" not in fixes and "müde" not in fixes
        await b.alice.click(named, "gelangweilt")
        assert named.content.startswith("Danke: auf diesem Server lese ich “müde” ab jetzt als **gelangweilt**")
        listed = await carol.run("inhalte stimmungen")
        assert "“müde” müde → **gelangweilt**" in listed.content
        choices = await b.alice.suggestions("stimmung", focused="gefühl", value="mü")
        assert choices[0].value == "tired" and choices[0].name.startswith("😴 müde: Auf Reserve")


async def test_my_data_lists_each_stored_thing_in_german(b: Banter) -> None:
    witz = await b.alice.run("witz")
    await b.alice.click(witz, "👍")
    await b.alice.click(witz, "⭐")
    other = await b.alice.run("witz")
    report = await b.alice.click(other, "Melden")
    await b.alice.submit(report.form, {"reason": "Der ist schon alt."})
    await (await b.alice.run("vorschlagen witz")).form.submit({"joke": "Was macht ein Keks unter einem Baum?",
                                                              "punchline": "Krümel."})
    fields = (await b.alice.run("meine-daten anzeigen")).embed.fields
    assert fields["👍👎 Stimmen: 1 Stimme"].startswith(f"👍 für #{witz.message.item_id} · <t:")
    assert fields["⭐ Favoriten: 1 Favorit"].startswith(f"#{witz.message.item_id} gemerkt · <t:")
    assert fields["🚩 Meldungen: 1 Meldung"].startswith(f"Meldung zu #{other.message.item_id}: „Der ist schon alt.“")
    assert fields["📝 Vorschläge: 1 Vorschlag"].startswith("Vorschlag #1, offen · <t:")


async def test_why_a_suggestion_cannot_be_stored_reads_in_the_members_language(b: Banter) -> None:
    # alice's Discord speaks German, bob's English; both send the same refused forms.
    joke = {"joke": "   ", "punchline": "Steht auf www.example.com", "flags": "gruselig"}
    point = "Kosten: " + "x" * 1200
    topic = {"title": "Homeoffice", "question": "Was hältst du vom Homeoffice?", "benefits": "  \n ",
             "disadvantages": "Einsam\n" + "y" * 320, "talking_points": f"{point}\nohne Doppelpunkt"}
    said: dict[str, tuple[str, str]] = {}
    for person, commands in ((b.alice, ("vorschlagen witz", "vorschlagen diskussion")),
                             (b.bob, ("suggest joke", "suggest discussion"))):
        refused_joke = await (await person.run(commands[0])).form.submit(joke)
        refused_topic = await (await person.run(commands[1])).form.submit(topic)
        assert refused_joke.ephemeral and refused_topic.ephemeral
        said[person.name] = (refused_joke.content, refused_topic.content)
    flags = "dark, explicit, nsfw, offensive, political, religious"
    assert said["alice"][0] == (
        "Das kann ich so nicht speichern:\n"
        "• Pointe: Links sind nicht erlaubt\n"
        "• Witz: darf nicht leer sein\n"
        f"• Inhaltsmarkierungen: unbekannte Markierung 'gruselig' (bekannt: {flags})")
    assert said["alice"][1] == (
        "Das kann ich so nicht speichern:\n"
        "• Vorteile: darf nicht leer sein\n"
        "• Gesprächspunkte: Zeile 2 braucht eine Überschrift, einen Doppelpunkt und den Text („Kosten: …“)\n"
        "• Nachteile: ein Eintrag hat 320 Zeichen, höchstens 300\n"
        "• Gesprächspunkt 1 (Text): 1200 Zeichen, höchstens 1000")
    # The English member reads what the validator says, as check-content writes it.
    assert said["bob"][0] == (
        "That cannot be stored:\n"
        "• Punchline: links are not allowed\n"
        "• Joke: must not be empty\n"
        f"• Flags: unknown flag 'gruselig' (known: {flags})")
    assert said["bob"][1] == (
        "That cannot be stored:\n"
        "• Benefits: must not be empty\n"
        "• Talking points: line 2 needs a heading, a colon and the text (\"Cost: …\")\n"
        "• Disadvantages: an item has 320 characters, at most 300\n"
        "• Talking point 1 (text): 1200 characters, at most 1000")
