"""What the services say as data, written for Discord: the mentions, command names and code in
error messages, and the sentence for each recorded moderation action, in the catalog's language
(cogs/i18n.py). Not an extension itself."""

from __future__ import annotations

from typing import Literal

from bot.errors import Mention, UserError
from bot.records import ActionRecord
from bot.services.moderation.wording import describe
from bot.wording import plural as plural  # the cogs' plurals, written once
from bot.wording import seconds_text as seconds_text
from cogs.i18n import Messages, english, markup

__all__ = ["action_text", "error_text", "markup", "plural", "seconds_text"]

SETTINGS = ("safe_mode", "moderator_role_id", "suggestions_enabled", "report_threshold", "modlog_channel_id",
            "blocked_categories", "blocked_flags", "languages", "public_page", "joke_cooldown", "mood_cooldown")


def error_text(error: UserError, t: Messages | None = None) -> str:
    """A user-facing error as the member reads it in Discord (in English unless ``t`` says otherwise)."""
    return (t or english()).error(error)


def _on_off(t: Messages, value: object) -> str:
    return t("action.on" if value else "action.off")


def _setting_text(t: Messages, key: str, value: object, default_threshold: object) -> str:
    if key in ("safe_mode", "suggestions_enabled", "public_page"):
        return _on_off(t, value)
    if key in ("moderator_role_id", "modlog_channel_id"):
        kind: Literal["role", "channel"] = "role" if key == "moderator_role_id" else "channel"
        return t.markup(Mention(kind, value)) if isinstance(value, int) else t("action.none")
    if key == "report_threshold":
        return str(value) if value else t("action.default_threshold", count=default_threshold)
    if key in ("joke_cooldown", "mood_cooldown"):
        return t.duration(value) if isinstance(value, int) else t("action.default")
    return ", ".join(map(str, value)) if isinstance(value, list) and value else t("action.none")


def _settings_text(t: Messages, record: ActionRecord) -> str:
    before, after = record.before or {}, record.after or {}
    default = record.entry.details.get("default_threshold")
    changes = [f"{t(f'action.setting.{key}') if key in SETTINGS else key} "
               f"{_setting_text(t, key, before.get(key), default)} → {_setting_text(t, key, value, default)}"
               for key, value in after.items() if before.get(key) != value]
    return t("action.settings", changes="; ".join(changes))


def action_text(record: ActionRecord, t: Messages | None = None) -> str:
    """What a recorded action did, as a sentence that follows the actor's name ("approved suggestion #3 …").
    English is the services' own sentence (the web site writes the same); other languages read the catalog."""
    t = t or english()
    if t.code == "en" or record.summary is not None:
        return describe(record, t.markup)
    entry = record.entry
    details = entry.details
    # The server's own number for the case (a record from before per-server numbers has only the id).
    number = details.get("case_number", entry.case_id)
    fields: dict[str, object] = {
        "label": t(f"action.label.{entry.kind}", id=entry.item_id) if entry.kind in ("joke", "discussion")
        else f"{entry.kind} #{entry.item_id}",
        "case": t("action.case", id=number) if entry.case_id is not None else "",
        "member": t.markup(Mention("user", entry.member_id)) if entry.member_id is not None else t("action.a_member"),
        "suggestion": number,
    }
    edit = (t("action.turned", flag=details["flag"], state=_on_off(t, details.get("on"))) if "flag" in details
            else t("action.edited"))
    match entry.action:
        case "add" | "approve" | "reject" | "retire" | "hide" | "restore":
            if entry.action == "hide" and record.actor_id is None:
                reports = details.get("reports")
                return t("action.hide_by_reports", count=reports if isinstance(reports, int) else 0, **fields)
            return t(f"action.{entry.action}", **fields)
        case "keep":
            shown = t("action.shows_again") if (record.before or {}).get("hidden") == "reports" else ""
            return t("action.keep", shown=shown, **fields)
        case "edit":
            return t("action.edit", edit=edit, version=details.get("version"), **fields)
        case "edit-suggestion":
            return t("action.edit_suggestion", edit=edit, **fields)
        case "settings":
            return _settings_text(t, record)
        case "clear-mood-corrections":
            if details.get("all"):
                return t("action.cleared_all")
            count = details.get("count")
            return t("action.cleared", count=count if isinstance(count, int) else 0)
    return describe(record, t.markup)
