"""Text from forms: cleaning, refusing mentions and links, turning a form into an entry, and
telling whether two items say the same thing."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from bot.errors import UserError
from bot.models import FLAGS, Body, ContentEntry, JokeBody, Kind, body_from_json
from bot.services.packs import Problems, parse_entry
from bot.storage import Storage

# Form fields, by kind. The cogs build their modals from these keys.
JOKE_FORM = ("joke", "punchline", "categories", "flags")
DISCUSSION_FORM = ("title", "question", "benefits", "disadvantages", "talking_points")
FIELD_LABELS = {
    "text": "Joke", "setup": "Joke", "punchline": "Punchline", "categories": "Categories", "flags": "Flags",
    "title": "Title", "question": "Question", "benefits": "Benefits", "disadvantages": "Disadvantages",
    "talking_points": "Talking points", "moods": "Moods", "language": "Language", "credit": "Credit",
}
DEFAULT_JOKE_CATEGORY = "misc"
REASON_MAX = 500
SIMILARITY = 0.95  # normalised texts this alike (typos, plurals, punctuation) count as the same item

# Characters that show nothing but can hide words from a filter or from people.
INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e"
                       "\u2060-\u2064\u206a-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]")
MASS_MENTION = re.compile(r"@(everyone|here)\b", re.IGNORECASE)
ID_MENTION = re.compile(r"<(@[!&]?|#|/[^>]*:)\s*\d+\s*>")
MASKED_LINK = re.compile(r"\[[^\]]*\]\(\s*<?\s*[a-z][a-z0-9+.-]*:", re.IGNORECASE)
LINK = re.compile(r"(\b[a-z][a-z0-9+.-]*://|\bdiscord(app)?\.(gg|com/invite)/|\bwww\.)", re.IGNORECASE)
BULLET = re.compile(r"^\s*(?:[-*•·–]|\d{1,2}[.)])\s+")


def clean_text(text: str) -> str:
    """Text from a form as it will be stored: NFC, no invisible or control characters, trimmed."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = INVISIBLE.sub("", text)
    text = "".join(c for c in text if c == "\n" or unicodedata.category(c) != "Cc")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def unsafe_markup(text: str) -> str | None:
    """Why text may not be stored as content (mentions, links), or None if it may."""
    folded = unicodedata.normalize("NFKC", text)
    if MASS_MENTION.search(folded):
        return "@everyone and @here are not allowed"
    if ID_MENTION.search(folded):
        return "user, role, channel and command mentions are not allowed"
    if MASKED_LINK.search(folded):
        return "masked links ([text](link)) are not allowed"
    if LINK.search(folded):
        return "links are not allowed"
    return None


def normalise(text: str) -> str:
    """Text reduced for comparison: no accents, case, punctuation or extra spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


def body_fingerprint(body: Body) -> str:
    """The normalised text two items are compared by: a joke's words, a topic's title and question."""
    raw = body.searchable() if isinstance(body, JokeBody) else f"{body.title} {body.question}"
    return normalise(raw) or raw.casefold().strip()


def fingerprint(entry: ContentEntry) -> str:
    return body_fingerprint(entry.body)


def similar(a: str, b: str) -> bool:
    if a == b:
        return True
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return matcher.real_quick_ratio() >= SIMILARITY and matcher.quick_ratio() >= SIMILARITY \
        and matcher.ratio() >= SIMILARITY


def _lines(text: str) -> list[str]:
    return [bare for line in text.split("\n") if (bare := BULLET.sub("", line).strip())]


def _names(text: str) -> list[str]:
    """Comma- (or line-) separated names as slugs: "Bad Puns, animals" -> ["bad-puns", "animals"]."""
    names: list[str] = []
    for part in re.split(r"[,\n]", text):
        name = "-".join(part.strip().lower().split())
        if name and name not in names:
            names.append(name)
    return names


def _translate(problem: str) -> str:
    """A pack-rule problem ("form: text: must not be empty") in the form's words."""
    message = problem.removeprefix("form")
    point = re.match(r", talking point (\d+): (\w+): (.*)", message, re.DOTALL)
    if point:
        return f"Talking point {point[1]} ({point[2]}): {point[3]}"
    message = message.removeprefix(": ")
    key, sep, rest = message.partition(": ")
    if sep and key in FIELD_LABELS:
        return f"{FIELD_LABELS[key]}: {rest}"
    return message[:1].upper() + message[1:]


SAME_IN_LIBRARY = {"joke": "That is already in the library: joke #{id} says the same.",
                   "discussion": "That is already in the library: discussion #{id} says the same."}


def _refuse(what: str, problems: list[str]) -> UserError:
    shown = problems[:10]
    more = f"\n…and {len(problems) - 10} more" if len(problems) > 10 else ""
    return UserError(f"{what}:\n" + "\n".join(f"• {p}" for p in shown) + more)


def form_of(entry: ContentEntry) -> dict[str, str]:
    """An entry as form fields, to prefill an edit form."""
    body = entry.body
    if isinstance(body, JokeBody):
        return {
            "joke": (body.setup if body.two_part else body.text) or "",
            "punchline": body.punchline or "",
            "categories": ", ".join(entry.categories),
            "flags": ", ".join(sorted(entry.flags)),
        }
    return {
        "title": body.title,
        "question": body.question,
        "benefits": "\n".join(body.benefits),
        "disadvantages": "\n".join(body.disadvantages),
        "talking_points": "\n".join(f"{p.heading}: {p.text}" for p in body.talking_points),
    }


def _joke_data(fields: dict[str, str], keep: ContentEntry | None, problems: list[str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if not fields["joke"]:
        problems.append("Joke: must not be empty")
    for name in ("joke", "punchline"):
        if "||" in fields[name]:  # spoiler bars in what the member typed
            problems.append(f"{FIELD_LABELS.get(name, 'Joke')}: leave out spoiler bars; "
                            "the punchline is hidden as a spoiler anyway")
    if fields["punchline"]:
        data["setup"], data["punchline"] = fields["joke"], fields["punchline"]
    else:
        data["text"] = fields["joke"]
    categories = _names(fields["categories"])
    if not categories:
        categories = list(keep.categories) if keep and keep.categories else [DEFAULT_JOKE_CATEGORY]
    data["categories"] = categories
    data["flags"] = _names(fields["flags"])
    return data


def _discussion_data(fields: dict[str, str], keep: ContentEntry | None, problems: list[str]) -> dict[str, Any]:
    for name in DISCUSSION_FORM:
        if not fields[name]:
            problems.append(f"{FIELD_LABELS[name]}: must not be empty")
    points = []
    for n, line in enumerate(_lines(fields["talking_points"]), 1):
        heading, sep, text = line.partition(":")
        if not sep or not heading.strip() or not text.strip():
            problems.append(f"Talking points: line {n} needs a heading, a colon and the text (\"Cost: …\")")
            continue
        points.append({"heading": heading.strip(), "text": text.strip()})
    data: dict[str, Any] = {
        "title": fields["title"], "question": fields["question"], "benefits": _lines(fields["benefits"]),
        "disadvantages": _lines(fields["disadvantages"]), "talking_points": points,
    }
    if keep is not None:
        data["categories"] = list(keep.categories)
        data["flags"] = sorted(keep.flags)
    return data


def parse_form(kind: Kind, form: Mapping[str, str], *, key: str = "suggestion",
               keep: ContentEntry | None = None) -> ContentEntry:
    """Turn a form into a validated entry, or raise :class:`UserError` listing every problem.

    ``keep`` is the entry being edited: what the form does not show (moods, language, credit, and a
    topic's categories and flags) is kept from it.
    """
    fields = {name: clean_text(form.get(name) or "") for name in (JOKE_FORM if kind == "joke" else DISCUSSION_FORM)}
    problems: list[str] = []
    for name, value in fields.items():
        why = unsafe_markup(value)
        if why is not None:
            problems.append(f"{FIELD_LABELS.get(name, 'Joke')}: {why}")
    build = _joke_data if kind == "joke" else _discussion_data
    data: dict[str, Any] = {"id": key, **build(fields, keep, problems)}
    if keep is not None:
        data["moods"] = list(keep.moods)
        data["language"] = keep.language
        data["credit"] = keep.credit
    # Moods come only from an entry being edited, and were valid when it was stored.
    checked = Problems()
    entry = parse_entry(kind, data, "form", checked, data.get("moods", ()), {})
    found = checked.items
    # Every problem in one answer; a field already complained about above is not repeated.
    named = {p.split(":", 1)[0] for p in problems}
    for problem in map(_translate, found):
        if problem.split(":", 1)[0] not in named and problem not in problems:
            problems.append(problem)
    if problems or entry is None:
        raise _refuse("That cannot be stored", problems or ["the form is incomplete"])
    return entry


def check_reason(text: str | None, *, required: bool) -> str | None:
    """A moderator's or member's reason, cleaned; None when none was given and none is needed."""
    reason = clean_text(text or "")
    if not reason:
        if required:
            raise UserError("Give a short reason.")
        return None
    if len(reason) > REASON_MAX:
        raise UserError("The reason has {count} characters; at most {most}, please.", count=len(reason),
                        most=REASON_MAX)
    return reason


def check_flag(flag: str) -> None:
    if flag not in FLAGS:
        raise UserError("There is no flag called {flag}.", flag=repr(flag[:30]))


def on_off(value: bool) -> str:
    return "on" if value else "off"


async def check_duplicate(storage: Storage, guild_id: int, entry: ContentEntry, *, exclude_item: int | None = None,
                          exclude_case: int | None = None, pending: bool = True) -> None:
    """Refuse content the server's library (or, with ``pending``, its review queue) already has."""
    mine = fingerprint(entry)
    words = sorted(set(mine.split()), key=lambda w: (-len(w), w))[:12]
    if words:
        query = " OR ".join(f'"{w}"' for w in words)
        for other in await storage.moderation.similar_items(kind=entry.kind, guild_id=guild_id, query=query):
            if other.id != exclude_item and similar(mine, body_fingerprint(body_from_json(other.kind, other.body))):
                raise UserError(SAME_IN_LIBRARY[entry.kind], id=other.id)
    if pending:
        for case_id, other_print in await storage.moderation.pending_fingerprints(guild_id, entry.kind):
            if case_id != exclude_case and similar(mine, other_print):
                raise UserError("That was suggested already (suggestion #{id}) and is waiting for review.", id=case_id)
