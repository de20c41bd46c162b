"""Text from forms: cleaning, refusing mentions and links, turning a form into an entry, and
telling whether two items say the same thing."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Collection, Mapping
from typing import Any

from msgspec.structs import replace

from bot.errors import Code, Codes, Term, UserError
from bot.models import FLAGS, Body, ContentEntry, Filters, JokeBody, Kind, body_from_json
from bot.services.packs import parse_entry
from bot.services.problems import FormProblem, FormProblems, Problem, Problems
from bot.storage import Storage

# Form fields, by kind. The cogs build their modals from these keys.
JOKE_FORM = ("joke", "punchline", "categories", "flags")
DISCUSSION_FORM = ("title", "question", "benefits", "disadvantages", "talking_points")
DEFAULT_JOKE_CATEGORY = "misc"
REASON_MAX = 500
SIMILARITY = 0.95  # normalised texts this alike (typos, plurals, punctuation) count as the same item
# A light rewording (words reordered, added, dropped or swapped) counts as the same item when the
# token-set similarity of the normalised words (0-100) is at least this. The closest two shipped
# items score 79 (tests/test_similarity.py keeps every shipped pair below it); light rewordings
# of real items score 88 and up; four words of twelve changed (85) is where it stops.
PARAPHRASE = 85
# ...and when the shorter text has at least this share of the longer one's distinct words: token-set
# similarity is 100 for any text whose words all appear in the other, however much longer that is.
PARAPHRASE_COVER = 0.6
# ...and only between texts of this many distinct words or more: in a shorter one, one word swapped
# is another joke ("never lend emus your umbrella", "never lend badgers your umbrella").
PARAPHRASE_MIN_WORDS = 8

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
    """Why text may not be stored as content (mentions, links), as a code of
    :data:`bot.services.problems.ENGLISH`, or None if it may."""
    folded = unicodedata.normalize("NFKC", text)
    if MASS_MENTION.search(folded):
        return "mass_mention"
    if ID_MENTION.search(folded):
        return "id_mention"
    if MASKED_LINK.search(folded):
        return "masked_link"
    if LINK.search(folded):
        return "link"
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


def paraphrase(a: str, b: str) -> bool:
    """Whether two normalised texts say the same in other words (see :data:`PARAPHRASE`)."""
    # rapidfuzz's C++ extensions load when a suggestion is first compared, not at start-up (6 ms).
    from rapidfuzz import fuzz

    words_a, words_b = set(a.split()), set(b.split())
    if min(len(words_a), len(words_b)) < PARAPHRASE_MIN_WORDS:
        return False
    if min(len(words_a), len(words_b)) / max(len(words_a), len(words_b)) < PARAPHRASE_COVER:
        return False
    return bool(fuzz.token_set_ratio(a, b, score_cutoff=PARAPHRASE))


def same_item(a: str, b: str) -> bool:
    """Whether two normalised texts are one item: nearly the same characters, or a light rewording."""
    return similar(a, b) or paraphrase(a, b)


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


SAME_IN_LIBRARY = {"joke": "That is already in the library: joke #{id} says the same.",
                   "discussion": "That is already in the library: discussion #{id} says the same."}
PARAPHRASE_IN_LIBRARY = {"joke": "That is already in the library: joke #{id} says much the same in other words.",
                         "discussion": "That is already in the library: discussion #{id} says much the same in "
                                       "other words."}


def _refuse(lines: list[FormProblem]) -> UserError:
    return UserError("That cannot be stored:\n{problems}", problems=FormProblems(tuple(lines)))


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


def _joke_data(fields: dict[str, str], keep: ContentEntry | None, problems: list[Problem]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if not fields["joke"]:
        problems.append(Problem("empty", field="joke"))
    for name in ("joke", "punchline"):
        if "||" in fields[name]:  # spoiler bars in what the member typed
            problems.append(Problem("spoiler_bars", field=name))
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


def _discussion_data(fields: dict[str, str], keep: ContentEntry | None, problems: list[Problem]) -> dict[str, Any]:
    for name in DISCUSSION_FORM:
        if not fields[name]:
            problems.append(Problem("empty", field=name))
    points = []
    for n, line in enumerate(_lines(fields["talking_points"]), 1):
        heading, sep, text = line.partition(":")
        if not sep or not heading.strip() or not text.strip():
            problems.append(Problem("point_line", (("line", n),), "talking_points"))
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
    problems: list[Problem] = []
    for name, value in fields.items():
        why = unsafe_markup(value)
        if why is not None:
            problems.append(Problem(why, field=name))
    build = _joke_data if kind == "joke" else _discussion_data
    data: dict[str, Any] = {"id": key, **build(fields, keep, problems)}
    if keep is not None:
        data["moods"] = list(keep.moods)
        data["language"] = keep.language
        data["credit"] = keep.credit
    # Moods come only from an entry being edited, and were valid when it was stored.
    checked = Problems()
    entry = parse_entry(kind, data, "form", checked, data.get("moods", ()), {})
    lines = [FormProblem(kind, p) for p in problems]
    # Every problem in one answer; a field already complained about above is not repeated.
    named = {str(line).split(":", 1)[0] for line in lines}
    for _, found in checked.found:
        line = FormProblem(kind, found if isinstance(found, Problem) else Problem("incomplete"))
        if str(line).split(":", 1)[0] not in named and str(line) not in map(str, lines):
            lines.append(line)
    if lines or entry is None:
        raise _refuse(lines or [FormProblem(kind, Problem("incomplete"))])
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


# Whole sentences, by (a moderator may confirm them, more than one, close ones found); {what} is
# "joke category" or "discussion categories" in the reader's language.
NEW_CATEGORIES = {
    (True, False, True): "{names} is not a {what} yet. Close ones: {close}. Create it with the button, or edit what "
                         "you typed.",
    (True, False, False): "{names} is not a {what} yet. Create it with the button, or edit what you typed.",
    (True, True, True): "{names} are not {what} yet. Close ones: {close}. Create them with the button, or edit what "
                        "you typed.",
    (True, True, False): "{names} are not {what} yet. Create them with the button, or edit what you typed.",
    (False, False, True): "There is no {what} called {names} here. Did you mean {close}? Choose existing categories, "
                          "or leave the field empty for {default}; the moderators can make new ones.",
    (False, False, False): "There is no {what} called {names} here. Choose existing categories, or leave the field "
                           "empty for {default}; the moderators can make new ones.",
    (False, True, True): "There is no {what} called {names} here. Did you mean {close}? Choose existing categories, "
                         "or leave the field empty for {default}; the moderators can make new ones.",
    (False, True, False): "There is no {what} called {names} here. Choose existing categories, or leave the field "
                          "empty for {default}; the moderators can make new ones.",
}


class NewCategories(UserError):
    """A form names categories the server's library does not have. A moderator may confirm them
    (``confirmable``: the form is sent again with them in ``new_categories``); a member picks others."""

    def __init__(self, kind: Kind, names: tuple[str, ...], close: tuple[str, ...], *, confirmable: bool) -> None:
        self.names = names
        self.confirmable = confirmable
        many = len(names) > 1
        english = f"{kind} categor{'ies' if many else 'y'}"
        what = Term(f"category.{kind}", english, (("count", len(names)),))
        super().__init__(NEW_CATEGORIES[(confirmable, many, bool(close))], what=what, names=Codes(names),
                         close=Codes(close), default=Code(DEFAULT_JOKE_CATEGORY))


async def known_categories(storage: Storage, guild_id: int, kind: Kind) -> list[str]:
    """The categories of the server's library (global and its own active items), largest first."""
    every = Filters(kind=kind, guild_id=guild_id, excluded_flags=0, blocked_tags=())
    return [name for name, _ in await storage.items.categories(every)]


def _same_name(name: str, known: Collection[str]) -> str | None:
    """The known category ``name`` is a plural or singular of ("puns" for "pun"), if any."""
    for other in (name.removesuffix("s"), name.removesuffix("es"), name + "s", name + "es"):
        if other != name and other in known:
            return other
    return None


async def check_categories(storage: Storage, guild_id: int, entry: ContentEntry, *, keep: ContentEntry | None = None,
                           confirmed: Collection[str] = (), confirmable: bool) -> ContentEntry:
    """A joke's categories checked against the library: each must be one it has (a plural or singular
    of one is taken as that one), be ``confirmed`` new by a moderator (``confirmable``), or be on the
    entry being edited (``keep``); raises :class:`NewCategories` otherwise. Returns the entry with its
    categories so spelt. Topics take their categories from the entry they edit, never from a form."""
    if entry.kind != "joke":
        return entry
    known = await known_categories(storage, guild_id, entry.kind)
    allowed = {*known, *(keep.categories if keep else ()), *confirmed, DEFAULT_JOKE_CATEGORY}
    names: list[str] = []
    for name in entry.categories:
        spelt = name if name in allowed else _same_name(name, allowed) or name
        if spelt not in names:
            names.append(spelt)
    unknown = tuple(c for c in names if c not in allowed)
    if unknown:
        close: list[str] = []
        for name in unknown:
            close += [c for c in difflib.get_close_matches(name, known, n=3, cutoff=0.6) if c not in close]
        if not close and not confirmable:
            close = known[:5]
        raise NewCategories(entry.kind, unknown, tuple(close[:5]), confirmable=confirmable)
    return entry if tuple(names) == entry.categories else replace(entry, categories=tuple(names))


async def check_duplicate(storage: Storage, guild_id: int, entry: ContentEntry, *, exclude_item: int | None = None,
                          exclude_case: int | None = None, pending: bool = True) -> None:
    """Refuse content the server's library (or, with ``pending``, its review queue) already has."""
    mine = fingerprint(entry)
    words = sorted(set(mine.split()), key=lambda w: (-len(w), w))[:12]
    if words:
        query = " OR ".join(f'"{w}"' for w in words)
        for other in await storage.moderation.similar_items(kind=entry.kind, guild_id=guild_id, query=query):
            theirs = body_fingerprint(body_from_json(other.kind, other.body))
            if other.id == exclude_item:
                continue
            if similar(mine, theirs):
                raise UserError(SAME_IN_LIBRARY[entry.kind], id=other.id)
            if paraphrase(mine, theirs):
                raise UserError(PARAPHRASE_IN_LIBRARY[entry.kind], id=other.id)
    if pending:
        for case_id, number, other_print in await storage.moderation.pending_fingerprints(guild_id, entry.kind):
            if case_id != exclude_case and same_item(mine, other_print):
                raise UserError("That was suggested already (suggestion #{id}) and is waiting for review.", id=number)
