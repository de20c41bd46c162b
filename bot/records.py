"""The records the storage hands the services, as every backend reads and writes them.

Dataclasses for schedules and posts of the day, review cases and reports, versions, the action
log, and the row layout an item is read in; no SQL. Services and edges import these from here,
never from a backend.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Literal, NamedTuple

from msgspec import Struct, field

from bot.models import ContentEntry, Item, Kind, VoteTally, body_from_json, mask_to_flags


def kind_list(kinds: str) -> tuple[Kind, ...]:
    """The kinds a schedule's ``kinds`` ('discussion', 'joke' or 'both') posts, in posting order.

    The discussion goes first: it carries the ping and opens the thread.
    """
    return ("discussion", "joke") if kinds == "both" else (kinds,)  # type: ignore[return-value]


SHORT_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
EVERY_DAY = 0b1111111
WEEKDAYS = 0b0011111
WEEKENDS = 0b1100000


class Days(Struct, frozen=True):
    """The days a schedule posts on: bit ``n`` of ``weekdays`` is ``date.weekday() == n``; with
    ``every`` above 1, one day in ``every`` counted from ``anchor`` instead."""

    weekdays: int = EVERY_DAY
    every: int = 1
    anchor: date | None = None

    def includes(self, day: date) -> bool:
        if self.every > 1:
            assert self.anchor is not None, "every N days needs an anchor"
            return (day - self.anchor).days % self.every == 0
        return bool(self.weekdays >> day.weekday() & 1)

    def describe(self) -> str:
        if self.every > 1:
            return f"every {self.every} days"
        if self.weekdays == EVERY_DAY:
            return "every day"
        if self.weekdays == WEEKDAYS:
            return "on weekdays"
        if self.weekdays == WEEKENDS:
            return "on weekends"
        names = [SHORT_DAY_NAMES[n] for n in range(7) if self.weekdays >> n & 1]
        return "on " + (names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1])


class Pause(Struct, frozen=True):
    """Local dates ``start`` to ``end``, both included, on which a schedule posts nothing."""

    start: date
    end: date

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


class DailySchedule(Struct, frozen=True):
    """One of a server's daily schedules (a server has one per channel at most)."""

    id: int
    guild_id: int
    channel_id: int
    post_time: str
    kinds: str  # 'discussion', 'joke' or 'both'
    role_id: int | None
    thread: bool
    enabled: bool
    next_date: date
    next_due: datetime
    days: Days = Days()
    pause: Pause | None = None
    revision: int = 0  # counts every change, so the scheduler can tell it read the latest

    @property
    def kind_list(self) -> tuple[Kind, ...]:
        return kind_list(self.kinds)

    def opens(self, day: date) -> bool:
        """Whether the schedule posts on local date ``day`` (one of its days, and not paused)."""
        return self.days.includes(day) and not (self.pause is not None and self.pause.covers(day))


class DailyPost(Struct, frozen=True):
    id: int
    guild_id: int
    schedule_id: int | None  # None only for posts of a schedule removed before migration 008
    kind: Kind
    local_date: date
    status: str  # 'sending', 'sent', 'failed' or 'missed'
    channel_id: int
    role_id: int | None
    want_thread: bool
    manual: bool
    item_id: int | None
    nonce: str | None
    attempts: int
    due_at: datetime
    claimed_at: datetime
    posted_at: datetime | None
    message_id: int | None
    thread_id: int | None
    thread_error: str | None
    error: str | None


class NewPost(Struct, frozen=True):
    """A ledger row to write: a claim (``status='sending'``, with a nonce) or a ``'missed'`` note."""

    kind: Kind
    local_date: date
    status: str
    channel_id: int
    due_at: str
    role_id: int | None = None
    want_thread: bool = False
    nonce: str | None = None
    error: str | None = None


def entry_to_json(entry: ContentEntry) -> dict[str, Any]:
    """The parts of an entry a moderator can change, as JSON data: the one form in which suggestions,
    old versions and the before and after of the action log keep content."""
    return {
        "body": entry.body.to_json(),
        "categories": list(entry.categories),
        "moods": list(entry.moods),
        "flags": sorted(entry.flags),
        "language": entry.language,
        "credit": entry.credit,
    }


def entry_from_json(kind: Kind, key: str, data: dict[str, Any]) -> ContentEntry:
    """The entry :func:`entry_to_json` describes."""
    return ContentEntry(
        kind=kind,
        key=key,
        body=body_from_json(kind, data["body"]),
        categories=tuple(data.get("categories", ())),
        moods=tuple(data.get("moods", ())),
        flags=frozenset(data.get("flags", ())),
        language=data.get("language", "en"),
        credit=data.get("credit", ""),
    )


class Case(Struct, frozen=True):
    """Something in (or once in) a server's review queue."""

    id: int
    guild_id: int
    type: str  # suggestion, report or addition
    status: str  # pending, approved, rejected (suggestions); kept, removed (reports)
    kind: Kind
    user_id: int
    item_id: int | None
    proposal: ContentEntry | None  # what a suggestion proposes
    created_at: str
    decided_at: str | None
    decided_by: int | None
    decision_reason: str | None
    number: int = 0  # the server's own number for it, counted apart for suggestions and reports

    @property
    def pending(self) -> bool:
        return self.status == "pending"


class Report(Struct, frozen=True):
    id: int
    case_id: int
    user_id: int
    reason: str
    created_at: str


class Version(Struct, frozen=True):
    """An item's content before one of its edits."""

    id: int
    item_id: int
    entry: ContentEntry
    edited_by: int | None
    edited_at: str


class ItemState(Struct, frozen=True):
    """What an edit checks an item against under the write lock."""

    content_hash: str
    status: str


class SimilarItem(Struct, frozen=True):
    id: int
    kind: Kind
    guild_id: int | None
    body: dict[str, Any]


# What an action stores before and after, and what else it came with: JSON objects.
Values = dict[str, object]


class AuditEntry(Struct, frozen=True):
    """One action to record, as data: what was done, to what, and the values before and after."""

    action: str  # add, approve, reject, keep, retire, hide, edit, edit-suggestion, restore, settings
    target: str  # 'item:<id>', 'case:<id>' or 'settings': what the action is filed under
    kind: Kind | None = None
    item_id: int | None = None
    case_id: int | None = None
    member_id: int | None = None  # the member the action concerns (whose suggestion it was)
    before: Values | None = None
    after: Values | None = None
    details: Values = field(default_factory=dict)  # numbers and names that came with it
    reason: str | None = None


class ActionRecord(Struct, frozen=True):
    """One moderation action as recorded: who (None for the bot itself), what, when, before and after.

    ``summary`` is set only on rows written before the log kept its fields as data (migration 4).
    """

    id: int
    guild_id: int
    actor_id: int | None
    entry: AuditEntry
    created_at: str
    summary: str | None = None

    @property
    def action(self) -> str:
        return self.entry.action

    @property
    def target(self) -> str:
        return self.entry.target

    @property
    def before(self) -> Values | None:
        return self.entry.before

    @property
    def after(self) -> Values | None:
        return self.entry.after

    @property
    def reason(self) -> str | None:
        return self.entry.reason


def daily_scope(guild_id: int) -> int:
    """The history scope of a server's pick of the day. Channel ids are positive snowflakes, and
    on servers made before 2017 #general has the server's own id, so the day's picks use the
    negated id: a scope no channel can have."""
    return -guild_id


ITEM_FIELDS = ("id", "kind", "key", "guild_id", "origin", "status", "body", "flags", "language", "credit",
               "up", "down", "tags", "saves")


ITEM_WIDTH = len(ITEM_FIELDS)


_ID, _UP, _DOWN, _SAVES = (ITEM_FIELDS.index(c) for c in ("id", "up", "down", "saves"))


class Candidate(NamedTuple):
    """An eligible item as a pick reads it: its votes to weigh it by, and the values of its row,
    so that the chosen one becomes an :class:`Item` (:func:`item_of`) without a second read.
    (A tuple: a pick builds one per eligible row, and nothing is quicker to make.)"""

    id: int
    up: int
    down: int
    values: tuple[Any, ...] = ()
    # For a pick for a mood: this server's votes on the item cast while it was picked for it.
    mood_up: int = 0
    mood_down: int = 0
    saves: int = 0  # how many members saved it (⭐), everywhere

    def item(self) -> Item:
        """The candidate as an item, with this server's tally (every candidate query reads it)."""
        return item_of(self.values, with_tally=True)


def candidate(row: Sequence[Any]) -> Candidate:
    """A row that starts with ``ITEM_COLUMNS`` as a candidate (read by position: see ``item_of``)."""
    values = tuple(row)
    if len(values) >= ITEM_WIDTH + 4:  # a mood pick reads the mood's tally after the server's
        return Candidate(values[_ID], values[_UP], values[_DOWN], values,
                         values[ITEM_WIDTH + 2] or 0, values[ITEM_WIDTH + 3] or 0, values[_SAVES])
    return Candidate(values[_ID], values[_UP], values[_DOWN], values, saves=values[_SAVES])


def item_of(row: Sequence[Any], *, with_tally: bool = False) -> Item:
    """The item of a row that starts with ``ITEM_COLUMNS`` (followed by ``TALLY_COLUMNS``
    when ``with_tally``). Read by position: every pick goes through here, and looking
    columns up by name costs more than the rest of it."""
    values = tuple(row)
    item_id, kind, key, guild_id, origin, status, body, flags, language, credit, up, down, tags, saves = (
        values[:ITEM_WIDTH]
    )
    categories, moods = [], []
    for tag in json.loads(tags):
        group, _, name = tag.partition(":")
        if group == "category":
            categories.append(name)
        elif group == "mood":
            moods.append(name)
    g_up, g_down = values[ITEM_WIDTH:ITEM_WIDTH + 2] if with_tally else (0, 0)
    return Item(
        id=item_id, kind=kind, key=key, guild_id=guild_id, origin=origin, status=status,
        body=body_from_json(kind, json.loads(body)),
        categories=tuple(categories), moods=tuple(moods), flags=mask_to_flags(flags),
        language=language, credit=credit, up=up, down=down, saves=saves,
        tally=VoteTally(g_up or 0, g_down or 0) if with_tally else None,
    )


# The site's own scope, used where a server's id would be (hidden items, the day's picks and their
# history). Discord ids are positive, so no server, channel or owner of an item has it, nor does
# a server's day scope (its negated id, see ``daily_scope``). Settings are never stored for it, so
# they are the defaults: safe mode on, UTC.
SITE_SCOPE = 0

Shape = Literal["single", "twopart"]


class MoodCorrection(Struct, frozen=True):
    """A member's "not my mood": what they wrote, what it was read as, and the mood they chose."""

    id: int
    guild_id: int
    user_id: int
    text: str
    read_as: str  # a mood name, or none / other-language
    chosen: str
    created_at: str
