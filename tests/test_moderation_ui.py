"""The moderation forms and buttons fit Discord's limits and stay in step with the service, and what
the services say as data reads right in Discord."""

from __future__ import annotations

from typing import get_args

import pytest

from bot.errors import Code, Command, Mention, UserError
from bot.models import FLAGS, Kind
from bot.records import ActionRecord, AuditEntry, Values
from bot.services.moderation import DISCUSSION_FORM, JOKE_FORM, REASON_MAX
from cogs.i18n import LANGUAGES, messages
from cogs.moderation_ui import FORMS, FlagName
from cogs.render import action_text, error_text, markup
from cogs.review import ACTIONS, ReviewButton


def test_forms_match_the_service_and_fit_discord() -> None:
    assert tuple(spec.key for spec in FORMS["joke"]) == JOKE_FORM
    assert tuple(spec.key for spec in FORMS["discussion"]) == DISCUSSION_FORM
    for specs in FORMS.values():
        assert len(specs) <= 5  # inputs per modal
        for spec in specs:
            for code in LANGUAGES:
                t, kind = messages(code), "joke" if specs is FORMS["joke"] else "discussion"
                assert 1 <= len(spec.label(t, kind)) <= 45, (code, spec.key)
                assert len(spec.placeholder(t, kind)) <= 100, (code, spec.key)
            assert 1 <= spec.max_length <= 4000
    assert REASON_MAX <= 4000


def test_flag_options_are_the_content_flags() -> None:
    assert get_args(FlagName) == FLAGS


def test_review_custom_ids_fit_and_parse() -> None:
    for action in ACTIONS:
        custom_id = f"review:{2**63 - 1}:{action}"
        assert len(custom_id) <= 100
        match = ReviewButton.__discord_ui_compiled_template__.fullmatch(custom_id)
        assert match is not None and match["action"] == action


# --- rendering what the services say as data -----------------------------------------------------

def test_error_fields_are_markup_in_discord_and_words_elsewhere() -> None:
    error = UserError("{item} was removed; {restore} it first ({by}, {typed}).", item="Joke #4",
                      restore=Command("content restore"), by=Mention("user", 7), typed=Code("09:00"))
    assert error_text(error) == "Joke #4 was removed; `/content restore` it first (<@7>, `09:00`)."
    assert str(error) == 'Joke #4 was removed; /content restore it first (user 7, "09:00").'
    # Without fields the message is shown as written, braces and all.
    assert error_text(UserError("Use {this} as it is.")) == "Use {this} as it is."
    assert markup(Mention("role", 5)) == "<@&5>" and markup(Mention("channel", 6)) == "<#6>"


def record(actor_id: int | None = 9, *, action: str, target: str, kind: Kind | None = None,
           item_id: int | None = None, case_id: int | None = None, member_id: int | None = None,
           before: Values | None = None, after: Values | None = None, details: Values | None = None) -> ActionRecord:
    entry = AuditEntry(action=action, target=target, kind=kind, item_id=item_id, case_id=case_id, member_id=member_id,
                       before=before, after=after, details=details or {})
    return ActionRecord(1, 100, actor_id, entry, "2026-03-14T12:00:00.000000Z")


@pytest.mark.parametrize(("made", "text"), [
    (record(action="add", target="item:4", kind="joke", item_id=4, case_id=2), "added joke #4"),
    (record(action="approve", target="case:2", kind="joke", item_id=4, case_id=2, member_id=5),
     "approved suggestion #2 from <@5>: it is now joke #4"),
    (record(action="reject", target="case:2", kind="joke", case_id=2, member_id=5), "rejected suggestion #2 from <@5>"),
    (record(action="keep", target="item:4", kind="joke", item_id=4, case_id=3, before={"hidden": "reports"}),
     "kept joke #4 (report case #3): it shows here again"),
    (record(action="retire", target="item:4", kind="joke", item_id=4),
     "removed joke #4: retired, its votes are kept"),
    (record(None, action="hide", target="item:4", kind="joke", item_id=4, case_id=3, details={"reports": 3}),
     "hid joke #4 in this server after 3 reports (report case #3 waits in /review)"),
    (record(action="hide", target="item:4", kind="joke", item_id=4, case_id=3),
     "hid global joke #4 in this server (report case #3)"),
    (record(action="edit", target="item:4", kind="joke", item_id=4, details={"version": 2, "flag": "dark", "on": True}),
     "turned dark on for joke #4 (the previous version is kept as version 2)"),
    (record(action="edit-suggestion", target="case:2", kind="joke", case_id=2), "edited suggestion #2"),
    (record(action="restore", target="item:4", kind="discussion", item_id=4),
     "restored discussion #4: it shows in this server again"),
    (record(action="settings", target="settings", before={"moderator_role_id": None, "report_threshold": 4},
            after={"moderator_role_id": 8, "report_threshold": None}, details={"default_threshold": 3}),
     "changed settings: moderator role none → <@&8>; report threshold 4 → default (3)"),
])
def test_logged_actions_read_as_sentences(made: ActionRecord, text: str) -> None:
    assert action_text(made) == text


def test_a_missing_permission_is_named_as_the_discord_client_names_it() -> None:
    from discord import app_commands

    from cogs.errors import message_for
    from cogs.i18n import english, messages

    assert message_for(app_commands.MissingPermissions(["manage_guild"]), english()) == \
        "You need the Manage Server permission for that."
    assert message_for(app_commands.MissingPermissions(["manage_roles", "kick_members"]), english()) == \
        "You need the Manage Roles and Kick Members permissions for that."
    assert message_for(app_commands.MissingPermissions(["manage_roles", "kick_members"]), messages("de")) == \
        "Dafür brauchst du die Berechtigungen Rollen verwalten und Mitglieder kicken."
    # One the catalog does not name reads in words from discord.py's name for it.
    assert message_for(app_commands.MissingPermissions(["some_new_thing"]), english()) == \
        "You need the Some New Thing permission for that."
