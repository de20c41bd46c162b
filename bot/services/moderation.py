"""Moderation: member suggestions, reports, the review queue, editing and removing content, and
per-server settings.

Rules this service keeps (the cogs only translate):

* Who moderates: a member with Manage Server, or with the server's moderator role. Every
  moderator method checks this itself, whatever the command's default permissions say.
* Scope: content suggested or added in a server belongs to that server (``items.guild_id``) and
  appears only there; pack content is global. A server's moderators can hide a global item for
  their server but can edit or retire only their server's own content. Another server's items and
  cases are treated as missing, so nothing about them leaks.
* Content from a form is cleaned (invisible characters dropped), refused if it carries mentions or
  links, validated with the pack rules (:func:`bot.services.packs.parse_entry`) and checked for
  duplicates by normalised text before anything is stored.
* A decision is one conditional update of a pending case, so of two moderators deciding at once one
  wins and the other is told (:class:`AlreadyDecided`).
* An edit applies only to the content its form was made from (:attr:`EditForm.base`, checked again
  inside the write transaction), so of two moderators editing at once one wins and the other is told
  (:class:`EditConflict`); nothing is overwritten unseen.
* Every action is recorded with who, what, when, before and after, in the same transaction.
"""

from __future__ import annotations

import difflib
import logging
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from bot.clock import Clock, iso
from bot.db import Database, TransactionSql
from bot.errors import UserError
from bot.models import (
    FLAGS,
    Body,
    ContentEntry,
    GuildSettings,
    Item,
    JokeBody,
    Kind,
    VoteTally,
    body_from_json,
)
from bot.repositories.history import HistoryRepository, daily_scope
from bot.repositories.items import ItemRepository
from bot.repositories.moderation import (
    ActionRecord,
    Case,
    ModerationRepository,
    Report,
    Version,
    entry_to_json,
)
from bot.repositories.settings import SettingsRepository
from bot.repositories.votes import VoteRepository
from bot.services.packs import SLUG, _Problems, parse_entry

log = logging.getLogger(__name__)

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
SUGGESTION_WINDOW = timedelta(hours=24)
THRESHOLD_MAX = 100
CATEGORY_MAX = 50  # blocked categories per server
NOT_A_MODERATOR = ("Only moderators can do that: it needs the Manage Server permission or the server's "
                   "moderator role.")
REPORTED_ALREADY = "You have reported this item already; the moderators will look at it."

# Characters that show nothing but can hide words from a filter or from people.
INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e"
                       "\u2060-\u2064\u206a-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]")
MASS_MENTION = re.compile(r"@(everyone|here)\b", re.IGNORECASE)
ID_MENTION = re.compile(r"<(@[!&]?|#|/[^>]*:)\s*\d+\s*>")
MASKED_LINK = re.compile(r"\[[^\]]*\]\(\s*<?\s*[a-z][a-z0-9+.-]*:", re.IGNORECASE)
LINK = re.compile(r"(\b[a-z][a-z0-9+.-]*://|\bdiscord(app)?\.(gg|com/invite)/|\bwww\.)", re.IGNORECASE)
BULLET = re.compile(r"^\s*(?:[-*•·–]|\d{1,2}[.)])\s+")


class AlreadyDecided(UserError):
    """Another moderator decided the case first; the message says who and how."""

    def __init__(self, message: str, case: Case | None) -> None:
        super().__init__(message)
        self.case = case


class EditConflict(UserError):
    """The content changed after the editor's form was made from it; the edit was not applied."""


@dataclass(frozen=True)
class EditForm:
    """What an edit form opens with, and which content it was made from."""

    kind: Kind
    prefill: dict[str, str]
    base: str  # the content hash of what the form shows: the edit applies only while it is current
    item_id: int | None = None  # the item being edited; None for a suggestion


@dataclass(frozen=True)
class Actor:
    """Who is acting, as plain values: the cog reads them from the interaction."""

    user_id: int
    manage_guild: bool = False
    role_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class CaseDetails:
    """A case as /review shows it."""

    case: Case
    item: Item | None  # the reported item, or the item an approved suggestion became
    reports: tuple[Report, ...]
    hidden: str | None  # why the item is hidden in this server, if it is
    waiting: int  # pending cases in the server, this one included

    @property
    def editable(self) -> bool:
        """Edit and the flag toggles apply: a pending suggestion, or a report on this server's own item."""
        return self.case.pending and (
            self.case.type == "suggestion" or (self.item is not None and self.item.guild_id == self.case.guild_id)
        )

    @property
    def flags(self) -> frozenset[str]:
        if self.case.proposal is not None:
            return self.case.proposal.flags
        return self.item.flags if self.item is not None else frozenset()


@dataclass(frozen=True)
class Decision:
    case: Case
    record: ActionRecord
    item: Item | None = None


@dataclass(frozen=True)
class ActionResult:
    record: ActionRecord
    item: Item | None = None


@dataclass(frozen=True)
class CaseUpdate:
    """A pending case after an edit or a flag toggle, and the action recorded for it."""

    details: CaseDetails
    record: ActionRecord


@dataclass(frozen=True)
class ReportOutcome:
    case_id: int
    reporters: int
    hidden_now: bool
    record: ActionRecord | None  # the automatic hide, when the report crossed the threshold


@dataclass(frozen=True)
class ItemDetails:
    item: Item
    server_tally: VoteTally
    hidden: str | None
    places: tuple[tuple[int | None, str], ...]  # (channel id, or None for the day's pick; when)
    versions: tuple[Version, ...]
    open_reports: int

    @property
    def scope(self) -> str:
        return "global" if self.item.guild_id is None else "server"


@dataclass(frozen=True)
class SettingsChange:
    settings: GuildSettings
    record: ActionRecord | None  # None when nothing changed


# --- text: cleaning, checking, comparing ---------------------------------------------------------

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
    names = []
    for part in re.split(r"[,\n]", text):
        name = "-".join(part.strip().lower().split())
        if name and name not in names:
            names.append(name)
    return names


def _translate(problem: str) -> str:
    """A parse_entry problem ("form: text: must not be empty") in the form's words."""
    message = problem.removeprefix("form")
    point = re.match(r", talking point (\d+): (\w+): (.*)", message, re.DOTALL)
    if point:
        return f"Talking point {point[1]} ({point[2]}): {point[3]}"
    message = message.removeprefix(": ")
    key, sep, rest = message.partition(": ")
    if sep and key in FIELD_LABELS:
        return f"{FIELD_LABELS[key]}: {rest}"
    return message[:1].upper() + message[1:]


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


def _item_form(item: Item) -> EditForm:
    entry = item.entry()
    return EditForm(item.kind, form_of(entry), entry.content_hash(), item.id)


def _changed_meanwhile(what: str) -> EditConflict:
    return EditConflict(f"{what[:1].upper()}{what[1:]} was changed by someone else meanwhile, so this edit was "
                        "not saved; open it again.")


def _check_base(current: ContentEntry, base: str, what: str) -> None:
    """Refuse an edit made from content (``base``, a content hash) that is no longer current."""
    if current.content_hash() != base:
        raise _changed_meanwhile(what)


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
    data: dict[str, Any] = {"id": key}
    if kind == "joke":
        if not fields["joke"]:
            problems.append("Joke: must not be empty")
        for name in ("joke", "punchline"):
            if "||" in fields[name]:
                problems.append(f"{FIELD_LABELS.get(name, 'Joke')}: leave out spoiler bars (||); "
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
    else:
        for name in DISCUSSION_FORM:
            if not fields[name]:
                problems.append(f"{FIELD_LABELS[name]}: must not be empty")
        data["title"] = fields["title"]
        data["question"] = fields["question"]
        data["benefits"] = _lines(fields["benefits"])
        data["disadvantages"] = _lines(fields["disadvantages"])
        points = []
        for n, line in enumerate(_lines(fields["talking_points"]), 1):
            heading, sep, text = line.partition(":")
            if not sep or not heading.strip() or not text.strip():
                problems.append(f"Talking points: line {n} needs a heading, a colon and the text (\"Cost: …\")")
                continue
            points.append({"heading": heading.strip(), "text": text.strip()})
        data["talking_points"] = points
        if keep is not None:
            data["categories"] = list(keep.categories)
            data["flags"] = sorted(keep.flags)
    if keep is not None:
        data["moods"] = list(keep.moods)
        data["language"] = keep.language
        data["credit"] = keep.credit
    found = _Problems()
    # Moods come only from an entry being edited, and were valid when it was stored.
    entry = parse_entry(kind, data, "form", found, data.get("moods", ()), {})
    # Every problem in one answer; a field already complained about above is not repeated.
    named = {p.split(":", 1)[0] for p in problems}
    for problem in map(_translate, found.items):
        if problem.split(":", 1)[0] not in named and problem not in problems:
            problems.append(problem)
    if problems or entry is None:
        raise _refuse("That cannot be stored", problems or ["the form is incomplete"])
    return entry


def server_key(guild_id: int, case_id: int) -> str:
    """The stable key of server content: its server and the case it came from."""
    return f"g{guild_id}-{case_id}"


def _item_label(item: Item) -> str:
    return f"{item.kind} #{item.id}"


def _reason(text: str | None, *, required: bool) -> str | None:
    reason = clean_text(text or "")
    if not reason:
        if required:
            raise UserError("Give a short reason.")
        return None
    if len(reason) > REASON_MAX:
        raise UserError(f"The reason has {len(reason)} characters; at most {REASON_MAX}, please.")
    return reason


def _check_flag(flag: str) -> None:
    if flag not in FLAGS:
        raise UserError(f"There is no flag called {flag[:30]!r}.")


def _yes_no(value: bool) -> str:
    return "on" if value else "off"


# --- the service --------------------------------------------------------------------------------

class ModerationService:
    def __init__(self, db: Database, repo: ModerationRepository, items: ItemRepository,
                 settings: SettingsRepository, history: HistoryRepository, votes: VoteRepository, clock: Clock,
                 *, hide_after: int = 3, daily_limit: int = 5) -> None:
        self.db = db
        self.repo = repo
        self.items = items
        self.settings = settings
        self.history = history
        self.votes = votes
        self.clock = clock
        self.hide_after = hide_after  # reports that hide an item, unless the server set its own number
        self.daily_limit = daily_limit  # suggestions per member and server in 24 hours

    def _now(self) -> str:
        return iso(self.clock.now())

    # --- who moderates ---------------------------------------------------------------------------

    async def is_moderator(self, guild_id: int, actor: Actor) -> bool:
        if actor.manage_guild:
            return True
        settings = await self.settings.get(guild_id)
        return settings.moderator_role_id is not None and settings.moderator_role_id in actor.role_ids

    async def require_moderator(self, guild_id: int, actor: Actor) -> None:
        if not await self.is_moderator(guild_id, actor):
            raise UserError(NOT_A_MODERATOR)

    async def report_threshold(self, guild_id: int) -> int:
        settings = await self.settings.get(guild_id)
        return settings.report_threshold or self.hide_after

    # --- duplicates ------------------------------------------------------------------------------

    async def _check_duplicate(self, guild_id: int, entry: ContentEntry, *, exclude_item: int | None = None,
                               exclude_case: int | None = None, pending: bool = True) -> None:
        mine = fingerprint(entry)
        words = sorted(set(mine.split()), key=lambda w: (-len(w), w))[:12]
        if words:
            query = " OR ".join(f'"{w}"' for w in words)
            for other in await self.repo.similar_items(kind=entry.kind, guild_id=guild_id, query=query):
                if other.id != exclude_item and similar(mine, body_fingerprint(body_from_json(other.kind, other.body))):
                    raise UserError(f"That is already in the library: {entry.kind} #{other.id} "
                                    "says the same.")
        if pending:
            for case_id, other_print in await self.repo.pending_fingerprints(guild_id, entry.kind):
                if case_id != exclude_case and similar(mine, other_print):
                    raise UserError(f"That was suggested already (suggestion #{case_id}) and is waiting for review.")

    # --- members: suggestions and reports --------------------------------------------------------

    async def may_suggest(self, guild_id: int, user_id: int) -> None:
        """Raise if the member cannot suggest now (switched off, or the day's limit reached).

        Checked before a form is shown, so nobody fills one in for nothing, and again on submit.
        """
        await self._check_suggestions_on(guild_id)
        since = iso(self.clock.now() - SUGGESTION_WINDOW)
        self._check_limit(await self.repo.suggestions_since(guild_id, user_id, since))

    async def _check_suggestions_on(self, guild_id: int) -> None:
        if not (await self.settings.get(guild_id)).suggestions_enabled:
            raise UserError("Suggestions are switched off in this server.")

    def _check_limit(self, made: int) -> None:
        if made >= self.daily_limit:
            raise UserError(f"You have made {made} suggestions in the last 24 hours, as many as a member may "
                            "make in a day. Try again tomorrow.")

    async def suggest(self, guild_id: int, user_id: int, kind: Kind, form: Mapping[str, str]) -> Case:
        """Store a member's suggestion for review; return the case (its id is the receipt)."""
        await self._check_suggestions_on(guild_id)
        entry = parse_form(kind, form)
        await self._check_duplicate(guild_id, entry)
        now = self.clock.now()
        since = iso(now - SUGGESTION_WINDOW)
        async with self.db.transaction() as conn:
            # Counted inside the write transaction, so two quick submissions cannot both slip under.
            self._check_limit(await self.repo.suggestions_since(guild_id, user_id, since, conn=conn))
            case_id = await self.repo.add_case(conn, guild_id=guild_id, type="suggestion", kind=kind,
                                               user_id=user_id, now=iso(now), proposal=entry,
                                               fingerprint=fingerprint(entry))
        log.info("suggestion %s in guild %s by %s", case_id, guild_id, user_id)
        case = await self.repo.get_case(case_id, guild_id)
        assert case is not None
        return case

    async def _visible_item(self, guild_id: int, item_id: int) -> Item:
        """An item the server can see (global or its own); anything else is as good as missing."""
        item = await self.items.get(item_id)
        if item is None or item.guild_id not in (None, guild_id):
            raise UserError(f"There is no item #{item_id} in this server.")
        return item

    async def _reportable_item(self, guild_id: int, item_id: int) -> Item:
        item = await self._visible_item(guild_id, item_id)
        if item.status != "active":
            raise UserError("That item has been removed already.")
        return item

    async def may_report(self, guild_id: int, user_id: int, item_id: int) -> Item:
        """The item a member is about to report; raise if they cannot (gone, or reported already)."""
        item = await self._reportable_item(guild_id, item_id)
        case_id = await self.repo.open_report_case_for(guild_id, item_id)
        if case_id is not None and any(r.user_id == user_id for r in await self.repo.reports(case_id)):
            raise UserError(REPORTED_ALREADY)
        return item

    async def report(self, guild_id: int, user_id: int, item_id: int, reason: str) -> ReportOutcome:
        """Add a member's report to the item's open case; hide the item here at the threshold."""
        item = await self._reportable_item(guild_id, item_id)
        text = _reason(reason, required=True)
        assert text is not None
        threshold = await self.report_threshold(guild_id)
        now = self._now()
        record = None
        hidden_now = False
        async with self.db.transaction() as conn:
            case_id = await self.repo.open_report_case(conn, guild_id=guild_id, item_id=item_id, kind=item.kind,
                                                       user_id=user_id, now=now)
            if not await self.repo.add_report(conn, case_id=case_id, user_id=user_id, reason=text, now=now):
                raise UserError(REPORTED_ALREADY)
            reporters = await self.repo.reporter_count(conn, case_id)
            if reporters >= threshold:
                hidden_now = await self.repo.hide(conn, guild_id=guild_id, item_id=item_id, reason="reports",
                                                  now=now)
                if hidden_now:
                    record = await self.repo.record(
                        conn, guild_id=guild_id, actor_id=None, action="hide", target=f"item:{item_id}",
                        summary=f"hid {_item_label(item)} in this server after {reporters} reports "
                                f"(report case #{case_id} waits in /review)",
                        before={"hidden": None}, after={"hidden": "reports"}, now=now,
                    )
        return ReportOutcome(case_id, reporters, hidden_now, record)

    # --- the review queue ------------------------------------------------------------------------

    async def _details(self, case: Case) -> CaseDetails:
        item = await self.items.get(case.item_id) if case.item_id is not None else None
        reports = tuple(await self.repo.reports(case.id)) if case.type == "report" else ()
        hidden = await self.repo.hidden_reason(case.guild_id, item.id) if item is not None else None
        return CaseDetails(case, item, reports, hidden, await self.repo.pending_count(case.guild_id))

    async def next_case(self, guild_id: int, actor: Actor) -> CaseDetails | None:
        """The oldest pending suggestion or report in the server, or None when the queue is empty."""
        await self.require_moderator(guild_id, actor)
        case = await self.repo.next_pending(guild_id)
        return None if case is None else await self._details(case)

    async def case_details(self, guild_id: int, actor: Actor, case_id: int) -> CaseDetails:
        await self.require_moderator(guild_id, actor)
        return await self._details(await self._case(guild_id, case_id))

    async def _case(self, guild_id: int, case_id: int) -> Case:
        case = await self.repo.get_case(case_id, guild_id)
        if case is None or case.type == "addition":
            raise UserError(f"There is no case #{case_id} in this server's review queue.")
        return case

    async def already_decided(self, guild_id: int, case_id: int) -> AlreadyDecided:
        """The error that tells a moderator who decided a case before them, and how."""
        case = await self.repo.get_case(case_id, guild_id)
        what = "Suggestion" if case is None or case.type == "suggestion" else "Report case"
        if case is None:
            return AlreadyDecided(f"{what} #{case_id} is gone.", None)
        by = f" by <@{case.decided_by}>" if case.decided_by else ""
        return AlreadyDecided(f"{what} #{case_id} was already {case.status}{by}.", case)

    async def _pending_case(self, guild_id: int, case_id: int, type: str | None = None) -> Case:
        """A pending case of the server's review queue (of ``type``, when given)."""
        case = await self._case(guild_id, case_id)
        if type is not None and case.type != type:
            if type == "suggestion":
                raise UserError("Reports are decided with Keep or Remove.")
            raise UserError("Suggestions are decided with Approve or Reject.")
        if not case.pending:
            raise await self.already_decided(guild_id, case_id)
        return case

    async def _decided(self, guild_id: int, case_id: int, record: ActionRecord | None) -> Case:
        """The case as a decision left it; ``record`` None means another moderator decided first."""
        if record is None:
            raise await self.already_decided(guild_id, case_id)
        decided = await self.repo.get_case(case_id, guild_id)
        assert decided is not None
        return decided

    async def approve(self, guild_id: int, actor: Actor, case_id: int) -> Decision:
        """Approve a suggestion: it becomes this server's item at once."""
        await self.require_moderator(guild_id, actor)
        case = await self._pending_case(guild_id, case_id, "suggestion")
        assert case.proposal is not None
        entry = replace(case.proposal, key=server_key(guild_id, case.id))
        # Something like it may have been added since it was suggested.
        await self._check_duplicate(guild_id, entry, pending=False)
        now = self._now()
        record = None
        async with self.db.transaction() as conn:
            # An edit may have landed while the duplicate check ran: approve what was reviewed, or nothing.
            current = await self.repo.pending_proposal(conn, case_id=case_id, guild_id=guild_id)
            if current is not None and current.content_hash() != case.proposal.content_hash():
                raise EditConflict(f"Suggestion #{case_id} was edited by someone else meanwhile, so it was "
                                   "not approved; look at it again.")
            if await self.repo.decide(conn, case_id=case_id, guild_id=guild_id, status="approved",
                                      actor_id=actor.user_id, now=now):
                item_id, _ = await ItemRepository(TransactionSql(self.db, conn), self.items.rng).upsert(
                    entry, origin="suggestion", guild_id=guild_id, now=now)
                await self.repo.set_case_item(conn, case_id, item_id)
                record = await self.repo.record(
                    conn, guild_id=guild_id, actor_id=actor.user_id, action="approve", target=f"case:{case_id}",
                    summary=f"approved suggestion #{case_id} from <@{case.user_id}>: it is now "
                            f"{case.kind} #{item_id}",
                    before={"status": "pending"}, after={"status": "approved", "item": item_id, **entry_to_json(entry)},
                    now=now,
                )
        decided = await self._decided(guild_id, case_id, record)
        assert decided.item_id is not None
        return Decision(decided, record, await self.items.get(decided.item_id))

    async def reject(self, guild_id: int, actor: Actor, case_id: int, reason: str) -> Decision:
        await self.require_moderator(guild_id, actor)
        text = _reason(reason, required=True)
        case = await self._pending_case(guild_id, case_id, "suggestion")
        now = self._now()
        record = None
        async with self.db.transaction() as conn:
            if await self.repo.decide(conn, case_id=case_id, guild_id=guild_id, status="rejected",
                                      actor_id=actor.user_id, now=now, reason=text):
                record = await self.repo.record(
                    conn, guild_id=guild_id, actor_id=actor.user_id, action="reject", target=f"case:{case_id}",
                    summary=f"rejected suggestion #{case_id} from <@{case.user_id}>",
                    before={"status": "pending"}, after={"status": "rejected"}, reason=text, now=now,
                )
        return Decision(await self._decided(guild_id, case_id, record), record)

    async def keep(self, guild_id: int, actor: Actor, case_id: int) -> Decision:
        """Decide that a reported item is fine: the reports are closed and a hide by reports is lifted."""
        await self.require_moderator(guild_id, actor)
        case = await self._pending_case(guild_id, case_id, "report")
        assert case.item_id is not None
        now = self._now()
        record = None
        async with self.db.transaction() as conn:
            if await self.repo.decide(conn, case_id=case_id, guild_id=guild_id, status="kept",
                                      actor_id=actor.user_id, now=now):
                shown = await self.repo.unhide(conn, guild_id=guild_id, item_id=case.item_id, reason="reports")
                record = await self.repo.record(
                    conn, guild_id=guild_id, actor_id=actor.user_id, action="keep", target=f"item:{case.item_id}",
                    summary=f"kept {case.kind} #{case.item_id} (report case #{case_id})"
                            + (": it shows here again" if shown else ""),
                    before={"hidden": "reports" if shown else None}, after={"hidden": None}, now=now,
                )
        return Decision(await self._decided(guild_id, case_id, record), record, await self.items.get(case.item_id))

    async def remove_reported(self, guild_id: int, actor: Actor, case_id: int, reason: str) -> Decision:
        """Decide that a reported item goes: this server's own is retired, a global one hidden here."""
        await self.require_moderator(guild_id, actor)
        text = _reason(reason, required=True)
        case = await self._pending_case(guild_id, case_id, "report")
        assert case.item_id is not None
        item = await self.items.get(case.item_id)
        assert item is not None
        now = self._now()
        record = None
        async with self.db.transaction() as conn:
            if await self.repo.decide(conn, case_id=case_id, guild_id=guild_id, status="removed",
                                      actor_id=actor.user_id, now=now, reason=text):
                record = await self._take_down(conn, guild_id, actor, item, text, now,
                                               f" (report case #{case_id})")
        return Decision(await self._decided(guild_id, case_id, record), record, await self.items.get(item.id))

    async def _take_down(self, conn: Any, guild_id: int, actor: Actor, item: Item, reason: str | None,
                         now: str, note: str = "") -> ActionRecord:
        if item.guild_id == guild_id:
            await self.repo.set_item_status(conn, item_id=item.id, guild_id=guild_id, status="retired", now=now)
            return await self.repo.record(
                conn, guild_id=guild_id, actor_id=actor.user_id, action="retire", target=f"item:{item.id}",
                summary=f"removed {_item_label(item)}{note}: retired, its votes are kept",
                before={"status": item.status}, after={"status": "retired"}, reason=reason, now=now,
            )
        before = await self.repo.hidden_reason(guild_id, item.id)
        await self.repo.hide(conn, guild_id=guild_id, item_id=item.id, reason="moderator", now=now)
        return await self.repo.record(
            conn, guild_id=guild_id, actor_id=actor.user_id, action="hide", target=f"item:{item.id}",
            summary=f"hid global {_item_label(item)} in this server{note}",
            before={"hidden": before}, after={"hidden": "moderator"}, reason=reason, now=now,
        )

    async def edit_case(self, guild_id: int, actor: Actor, case_id: int, form: Mapping[str, str], *,
                        base: str) -> CaseUpdate:
        """Edit what a pending case is about: a suggestion's content, or a reported item of this server.

        ``base`` is the :attr:`EditForm.base` of the form (:meth:`case_form`) the moderator filled in.
        """
        await self.require_moderator(guild_id, actor)
        case = await self._pending_case(guild_id, case_id)
        if case.type == "report":
            assert case.item_id is not None
            record = (await self.edit_item(guild_id, actor, case.item_id, form, base=base)).record
        else:
            assert case.proposal is not None
            _check_base(case.proposal, base, f"suggestion #{case_id}")
            entry = parse_form(case.kind, form, keep=case.proposal)
            if entry.content_hash() == base:
                raise UserError("Nothing changed.")
            record = await self._change_proposal(guild_id, actor, case, entry, "edited")
        return CaseUpdate(await self._details(await self._case(guild_id, case_id)), record)

    async def toggle_case_flag(self, guild_id: int, actor: Actor, case_id: int, flag: str) -> CaseUpdate:
        await self.require_moderator(guild_id, actor)
        _check_flag(flag)
        case = await self._pending_case(guild_id, case_id)
        if case.type == "report":
            assert case.item_id is not None
            item = await self._own_item(guild_id, case.item_id, "changed")
            record = (await self._flag_item(guild_id, actor, item, flag, flag not in item.flags)).record
        else:
            assert case.proposal is not None
            flags = case.proposal.flags ^ {flag}
            record = await self._change_proposal(guild_id, actor, case, replace(case.proposal, flags=flags),
                                                 f"turned {flag} {_yes_no(flag in flags)} for")
        return CaseUpdate(await self._details(await self._case(guild_id, case_id)), record)

    async def _change_proposal(self, guild_id: int, actor: Actor, case: Case, entry: ContentEntry,
                               what: str) -> ActionRecord:
        """Replace a pending suggestion's content with ``entry``, provided it is still the content
        ``case`` was read with."""
        assert case.proposal is not None
        if fingerprint(entry) != fingerprint(case.proposal):
            await self._check_duplicate(guild_id, entry, exclude_case=case.id)
        now = self._now()
        record = None
        async with self.db.transaction() as conn:
            # Read again under the write lock: another moderator's edit may have landed since.
            current = await self.repo.pending_proposal(conn, case_id=case.id, guild_id=guild_id)
            if current is not None:
                _check_base(current, case.proposal.content_hash(), f"suggestion #{case.id}")
                await self.repo.update_proposal(conn, case_id=case.id, guild_id=guild_id, proposal=entry,
                                                fingerprint=fingerprint(entry))
                record = await self.repo.record(
                    conn, guild_id=guild_id, actor_id=actor.user_id, action="edit-suggestion",
                    target=f"case:{case.id}", summary=f"{what} suggestion #{case.id}",
                    before=entry_to_json(case.proposal), after=entry_to_json(entry), now=now,
                )
        if record is None:
            raise await self.already_decided(guild_id, case.id)
        return record

    # --- moderators: the library -----------------------------------------------------------------

    async def _own_item(self, guild_id: int, item_id: int, verb: str) -> Item:
        item = await self._visible_item(guild_id, item_id)
        if item.guild_id is None:
            raise UserError(f"{_item_label(item).capitalize()} is global content from a pack, so it cannot be "
                            f"{verb} here. `/content remove` hides it in this server.")
        return item

    async def add(self, guild_id: int, actor: Actor, kind: Kind, form: Mapping[str, str]) -> ActionResult:
        """A moderator adds content to the server's library, approved at once."""
        await self.require_moderator(guild_id, actor)
        entry = parse_form(kind, form)
        await self._check_duplicate(guild_id, entry)
        now = self._now()
        async with self.db.transaction() as conn:
            case_id = await self.repo.add_case(conn, guild_id=guild_id, type="addition", kind=kind,
                                               user_id=actor.user_id, now=now, proposal=entry,
                                               fingerprint=fingerprint(entry), status="approved")
            entry = replace(entry, key=server_key(guild_id, case_id))
            item_id, _ = await ItemRepository(TransactionSql(self.db, conn), self.items.rng).upsert(
                    entry, origin="moderator", guild_id=guild_id, now=now)
            await self.repo.set_case_item(conn, case_id, item_id)
            record = await self.repo.record(
                conn, guild_id=guild_id, actor_id=actor.user_id, action="add", target=f"item:{item_id}",
                summary=f"added {kind} #{item_id}", before=None, after=entry_to_json(entry), now=now,
            )
        return ActionResult(record, await self.items.get(item_id))

    async def item_form(self, guild_id: int, actor: Actor, item_id: int) -> EditForm:
        """The edit form of an item of this server, prefilled with its content."""
        await self.require_moderator(guild_id, actor)
        return _item_form(await self._own_item(guild_id, item_id, "edited"))

    async def case_form(self, guild_id: int, actor: Actor, case_id: int) -> EditForm:
        """The edit form behind a case's Edit button: the suggestion, or the reported item of this server."""
        await self.require_moderator(guild_id, actor)
        case = await self._pending_case(guild_id, case_id)
        if case.type == "report":
            assert case.item_id is not None
            return _item_form(await self._own_item(guild_id, case.item_id, "edited"))
        assert case.proposal is not None
        return EditForm(case.kind, form_of(case.proposal), case.proposal.content_hash())

    async def edit_item(self, guild_id: int, actor: Actor, item_id: int, form: Mapping[str, str], *,
                        base: str) -> ActionResult:
        """Edit an item of this server; ``base`` is the :attr:`EditForm.base` of the form (:meth:`item_form`)
        the moderator filled in. The previous content is kept as a version."""
        await self.require_moderator(guild_id, actor)
        item = await self._own_item(guild_id, item_id, "edited")
        _check_base(item.entry(), base, _item_label(item))
        entry = parse_form(item.kind, form, key=item.key, keep=item.entry())
        return await self._replace_content(guild_id, actor, item, entry, "edited")

    async def set_item_flag(self, guild_id: int, actor: Actor, item_id: int, flag: str, on: bool) -> ActionResult:
        await self.require_moderator(guild_id, actor)
        _check_flag(flag)
        return await self._flag_item(guild_id, actor, await self._own_item(guild_id, item_id, "changed"), flag, on)

    async def _flag_item(self, guild_id: int, actor: Actor, item: Item, flag: str, on: bool) -> ActionResult:
        flags = item.flags | {flag} if on else item.flags - {flag}
        if flags == item.flags:
            raise UserError(f"{_item_label(item).capitalize()} already has {flag} {_yes_no(on)}.")
        return await self._replace_content(guild_id, actor, item, replace(item.entry(), flags=frozenset(flags)),
                                           f"turned {flag} {_yes_no(on)} for")

    async def _replace_content(self, guild_id: int, actor: Actor, item: Item, entry: ContentEntry,
                               what: str) -> ActionResult:
        """Give ``item`` the content ``entry``, provided it still has the content it was read with;
        that content is kept as a version."""
        removed = UserError(f"{_item_label(item).capitalize()} was removed; `/content restore` it first.")
        if item.status != "active":
            raise removed
        old = item.entry()
        base = old.content_hash()
        if entry.content_hash() == base:
            raise UserError("Nothing changed.")
        if fingerprint(entry) != fingerprint(old):
            await self._check_duplicate(guild_id, entry, exclude_item=item.id)
        now = self._now()
        async with self.db.transaction() as conn:
            # Read again under the write lock, so what is kept as the previous version is what the
            # item holds now, and another moderator's edit that landed meanwhile is never overwritten.
            state = await self.repo.item_state(conn, item.id)
            if state is None or state[1] != "active":
                raise removed
            if state[0] != base:
                raise _changed_meanwhile(_item_label(item))
            version = await self.repo.save_version(conn, item_id=item.id, entry=old, edited_by=actor.user_id, now=now)
            # Same key and origin: the item keeps its id, rand and votes; only its content changes.
            await ItemRepository(TransactionSql(self.db, conn), self.items.rng).upsert(
                    entry, origin=item.origin, guild_id=item.guild_id, now=now)
            record = await self.repo.record(
                conn, guild_id=guild_id, actor_id=actor.user_id, action="edit", target=f"item:{item.id}",
                summary=f"{what} {_item_label(item)} (the previous version is kept as version {version})",
                before=entry_to_json(old), after=entry_to_json(entry), now=now,
            )
        return ActionResult(record, await self.items.get(item.id))

    async def remove_item(self, guild_id: int, actor: Actor, item_id: int, reason: str | None = None) -> ActionResult:
        """Retire this server's item (hidden, votes kept), or hide a global item in this server."""
        await self.require_moderator(guild_id, actor)
        text = _reason(reason, required=False)
        item = await self._visible_item(guild_id, item_id)
        if item.guild_id == guild_id and item.status != "active":
            raise UserError(f"{_item_label(item).capitalize()} is removed already.")
        if item.guild_id is None and await self.repo.hidden_reason(guild_id, item_id) == "moderator":
            raise UserError(f"{_item_label(item).capitalize()} is hidden in this server already.")
        now = self._now()
        async with self.db.transaction() as conn:
            record = await self._take_down(conn, guild_id, actor, item, text, now)
            # Open reports on it are settled by the removal.
            await self.repo.close_report_case(conn, guild_id=guild_id, item_id=item_id, status="removed",
                                              actor_id=actor.user_id, now=now, reason=text)
        return ActionResult(record, await self.items.get(item_id))

    async def restore_item(self, guild_id: int, actor: Actor, item_id: int) -> ActionResult:
        """Undo a removal or a hide: the item shows in this server again."""
        await self.require_moderator(guild_id, actor)
        item = await self._visible_item(guild_id, item_id)
        hidden = await self.repo.hidden_reason(guild_id, item_id)
        retired = item.guild_id == guild_id and item.status != "active"
        if not retired and hidden is None:
            raise UserError(f"{_item_label(item).capitalize()} is not removed or hidden here.")
        now = self._now()
        async with self.db.transaction() as conn:
            if retired:
                await self.repo.set_item_status(conn, item_id=item_id, guild_id=guild_id, status="active", now=now)
            await self.repo.unhide(conn, guild_id=guild_id, item_id=item_id)
            await self.repo.close_report_case(conn, guild_id=guild_id, item_id=item_id, status="kept",
                                              actor_id=actor.user_id, now=now, reason=None)
            record = await self.repo.record(
                conn, guild_id=guild_id, actor_id=actor.user_id, action="restore", target=f"item:{item_id}",
                summary=f"restored {_item_label(item)}: it shows in this server again",
                before={"status": item.status, "hidden": hidden}, after={"status": "active", "hidden": None},
                now=now,
            )
        return ActionResult(record, await self.items.get(item_id))

    async def show_item(self, guild_id: int, actor: Actor, item_id: int) -> ItemDetails:
        await self.require_moderator(guild_id, actor)
        item = await self._visible_item(guild_id, item_id)
        places = tuple((None if scope == daily_scope(guild_id) else scope, when)
                       for scope, where, when in await self.history.places(item_id, limit=50)
                       if where == guild_id)[:10]
        case_id = await self.repo.open_report_case_for(guild_id, item_id)
        reports = len(await self.repo.reports(case_id)) if case_id is not None else 0
        return ItemDetails(
            item=item,
            server_tally=await self.votes.tally(item_id, guild_id),
            hidden=await self.repo.hidden_reason(guild_id, item_id),
            places=places,
            versions=tuple(await self.repo.versions(item_id, item.kind, item.key)),
            open_reports=reports,
        )

    # --- settings --------------------------------------------------------------------------------

    async def get_settings(self, guild_id: int, actor: Actor) -> GuildSettings:
        await self.require_moderator(guild_id, actor)
        return await self.settings.get(guild_id)

    async def change_settings(self, guild_id: int, actor: Actor, **changes: Any) -> SettingsChange:
        """Change server settings; the change is recorded with the values before and after."""
        await self.require_moderator(guild_id, actor)
        if "moderator_role_id" in changes and not actor.manage_guild:
            raise UserError("Only members with the Manage Server permission can change the moderator role.")
        allowed = {"safe_mode", "moderator_role_id", "suggestions_enabled", "report_threshold",
                   "modlog_channel_id", "blocked_categories", "blocked_flags"}
        unknown = set(changes) - allowed
        if unknown:
            raise ValueError(f"not a moderation setting: {sorted(unknown)}")
        threshold = changes.get("report_threshold")
        if threshold is not None and not 1 <= threshold <= THRESHOLD_MAX:
            raise UserError(f"The report threshold must be between 1 and {THRESHOLD_MAX}.")
        current = await self.settings.get(guild_id)
        before = {k: _setting_value(getattr(current, k)) for k in changes}
        after = {k: _setting_value(v) for k, v in changes.items()}
        if before == after:
            return SettingsChange(current, None)
        now = self._now()
        async with self.db.transaction() as conn:
            await SettingsRepository(TransactionSql(self.db, conn), self.settings.cache).apply(
                guild_id, **changes)
            record = await self.repo.record(
                conn, guild_id=guild_id, actor_id=actor.user_id, action="settings", target="settings",
                summary="changed settings: " + "; ".join(
                    f"{_setting_name(k)} {_setting_text(k, before[k], self.hide_after)} → "
                    f"{_setting_text(k, after[k], self.hide_after)}" for k in changes if before[k] != after[k]),
                before=before, after=after, now=now,
            )
        return SettingsChange(await self.settings.get(guild_id), record)

    async def set_category_blocked(self, guild_id: int, actor: Actor, category: str, blocked: bool) -> SettingsChange:
        await self.require_moderator(guild_id, actor)
        name = "-".join(category.strip().lower().split())
        if not SLUG.match(name):
            raise UserError("A category is a name of lowercase letters, digits and dashes, such as `puns`.")
        current = await self.settings.get(guild_id)
        names = set(current.blocked_categories)
        names = names | {name} if blocked else names - {name}
        if len(names) > CATEGORY_MAX:
            raise UserError(f"At most {CATEGORY_MAX} categories can be blocked.")
        return await self.change_settings(guild_id, actor, blocked_categories=tuple(sorted(names)))

    async def set_flag_blocked(self, guild_id: int, actor: Actor, flag: str, blocked: bool) -> SettingsChange:
        if flag not in FLAGS:
            raise UserError(f"There is no flag called {flag[:30]!r}; the flags are {', '.join(FLAGS)}.")
        current = await self.get_settings(guild_id, actor)
        flags = current.blocked_flags | {flag} if blocked else current.blocked_flags - {flag}
        return await self.change_settings(guild_id, actor, blocked_flags=frozenset(flags))

    async def actions(self, guild_id: int, actor: Actor, *, target: str | None = None,
                  limit: int = 20) -> list[ActionRecord]:
        await self.require_moderator(guild_id, actor)
        return await self.repo.actions(guild_id, target=target, limit=limit)


def _setting_value(value: Any) -> Any:
    if isinstance(value, frozenset | set | tuple | list):
        return sorted(value)
    return value


def _setting_name(key: str) -> str:
    return {"safe_mode": "safe mode", "moderator_role_id": "moderator role", "suggestions_enabled": "suggestions",
            "report_threshold": "report threshold", "modlog_channel_id": "mod-log channel",
            "blocked_categories": "blocked categories", "blocked_flags": "blocked flags"}[key]


def _setting_text(key: str, value: Any, default_threshold: int) -> str:
    if key in ("safe_mode", "suggestions_enabled"):
        return _yes_no(bool(value))
    if key == "moderator_role_id":
        return f"<@&{value}>" if value else "none"
    if key == "modlog_channel_id":
        return f"<#{value}>" if value else "none"
    if key == "report_threshold":
        return str(value) if value else f"default ({default_threshold})"
    return ", ".join(value) if value else "none"
