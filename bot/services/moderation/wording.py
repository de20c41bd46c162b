"""The sentence for each recorded moderation action, written once for every edge: the values in it
that each edge shows its own way (a member, a role, a channel) go through the ``show`` it passes
(Discord mentions in the cogs, names or plain text on the web site)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from bot.errors import Mention
from bot.records import ActionRecord
from bot.wording import plural, seconds_text

Show = Callable[[object], str]
SETTING_NAMES = {
    "safe_mode": "safe mode", "moderator_role_id": "moderator role", "suggestions_enabled": "suggestions",
    "report_threshold": "report threshold", "modlog_channel_id": "mod-log channel",
    "blocked_categories": "blocked categories", "blocked_flags": "blocked flags", "languages": "languages",
    "public_page": "public page", "joke_cooldown": "/joke cooldown", "mood_cooldown": "/mood cooldown",
}




def _on_off(value: object) -> str:
    return "on" if value else "off"


def _setting_text(key: str, value: object, default_threshold: object, show: Show) -> str:
    if key in ("safe_mode", "suggestions_enabled", "public_page"):
        return _on_off(value)
    if key in ("moderator_role_id", "modlog_channel_id"):
        kind: Literal["role", "channel"] = "role" if key == "moderator_role_id" else "channel"
        return show(Mention(kind, value)) if isinstance(value, int) else "none"
    if key == "report_threshold":
        return str(value) if value else f"default ({default_threshold})"
    if key in ("joke_cooldown", "mood_cooldown"):
        return seconds_text(value) if isinstance(value, int) else "default"
    return ", ".join(map(str, value)) if isinstance(value, list) and value else "none"


def _settings_text(record: ActionRecord, show: Show) -> str:
    before, after = record.before or {}, record.after or {}
    default = record.entry.details.get("default_threshold")
    changes = [f"{SETTING_NAMES.get(key, key)} {_setting_text(key, before.get(key), default, show)} → "
               f"{_setting_text(key, value, default, show)}"
               for key, value in after.items() if before.get(key) != value]
    return "changed settings: " + "; ".join(changes)


def describe(record: ActionRecord, show: Show) -> str:
    """What a recorded action did, as a sentence that follows the actor's name ("approved suggestion #3 …"),
    with the member, role and channel values written by ``show`` (each edge's own way)."""
    if record.summary is not None:
        return record.summary  # written before the log kept data; its markup is already Discord's
    entry = record.entry
    details = entry.details
    label = f"{entry.kind} #{entry.item_id}"
    # The server's own number for the case; a record written before cases were numbered per server
    # (the case_numbers migration) has only the id, which was the number shown then.
    number = details.get("case_number", entry.case_id)
    case = f" (report case #{number})" if entry.case_id is not None else ""
    member = show(Mention("user", entry.member_id)) if entry.member_id is not None else "a member"
    flag = f"turned {details['flag']} {_on_off(details.get('on'))} for" if "flag" in details else "edited"
    match entry.action:
        case "add":
            return f"added {label}"
        case "approve":
            return f"approved suggestion #{number} from {member}: it is now {label}"
        case "reject":
            return f"rejected suggestion #{number} from {member}"
        case "keep":
            shown = ": it shows here again" if (record.before or {}).get("hidden") == "reports" else ""
            return f"kept {label}{case}{shown}"
        case "retire":
            return f"removed {label}{case}: retired, its votes are kept"
        case "hide" if record.actor_id is None:
            reports = details.get("reports")
            return (f"hid {label} in this server after {plural(reports if isinstance(reports, int) else 0, 'report')} "
                    f"(report case #{number} waits in /review)")
        case "hide":
            return f"hid global {label} in this server{case}"
        case "edit":
            return f"{flag} {label} (the previous version is kept as version {details.get('version')})"
        case "edit-suggestion":
            return f"{flag} suggestion #{number}"
        case "restore":
            return f"restored {label}: it shows in this server again"
        case "settings":
            return _settings_text(record, show)
        case "clear-mood-corrections":
            count = details.get("count")
            count = count if isinstance(count, int) else 0
            which = "every mood correction" if details.get("all") else plural(count, "mood correction")
            return f"cleared {which} in this server"
    return f"{entry.action} {entry.target}"
