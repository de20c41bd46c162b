"""Plain data the services and repositories pass around. Nothing here knows about Discord."""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
from typing import Literal

from msgspec import Struct, field
from msgspec.structs import asdict

# Limits chosen so that any valid entry renders within Discord's embed limits
# (title 256, description 4096, field name 256, field value 1024, 25 fields, 6000 in all).
JOKE_PART_MAX = 1000
TITLE_MAX = 200
QUESTION_MAX = 1000
LIST_ITEMS_MAX = 8
LIST_TEXT_MAX = 1024  # benefits (or disadvantages) shown as one field of bullet lines
POINTS_MAX = 10
HEADING_MAX = 200
POINT_TEXT_MAX = 1000
CREDIT_MAX = 300
EMBED_TOTAL_MAX = 5500  # leaves room for the footer and field labels under Discord's 6000


Kind = Literal["joke", "discussion"]
KINDS: tuple[Kind, ...] = ("joke", "discussion")

# Content flags, as in the packs. Stored as a bit mask so a pick filters them in the index scan.
FLAGS: tuple[str, ...] = ("nsfw", "dark", "religious", "political", "offensive", "explicit")
ALL_FLAGS_MASK = (1 << len(FLAGS)) - 1


def flags_to_mask(names: frozenset[str] | set[str] | tuple[str, ...]) -> int:
    return sum(1 << FLAGS.index(name) for name in names)


@functools.cache
def mask_to_flags(mask: int) -> frozenset[str]:
    # Cached: every item read converts its mask, and there are only 2 ** len(FLAGS) of them.
    return frozenset(name for i, name in enumerate(FLAGS) if mask & (1 << i))


class JokeBody(Struct, frozen=True):
    text: str | None = None
    setup: str | None = None
    punchline: str | None = None

    @property
    def two_part(self) -> bool:
        return self.setup is not None

    def searchable(self) -> str:
        return " ".join(part for part in (self.text, self.setup, self.punchline) if part)

    def to_json(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v is not None}


class TalkingPoint(Struct, frozen=True):
    heading: str
    text: str


class DiscussionBody(Struct, frozen=True):
    title: str
    question: str
    benefits: tuple[str, ...]
    disadvantages: tuple[str, ...]
    talking_points: tuple[TalkingPoint, ...]

    def searchable(self) -> str:
        parts = [self.title, self.question, *self.benefits, *self.disadvantages]
        for point in self.talking_points:
            parts += [point.heading, point.text]
        return " ".join(parts)

    def to_json(self) -> dict[str, object]:
        return {
            "title": self.title,
            "question": self.question,
            "benefits": list(self.benefits),
            "disadvantages": list(self.disadvantages),
            "talking_points": [{"heading": p.heading, "text": p.text} for p in self.talking_points],
        }


Body = JokeBody | DiscussionBody


def body_from_json(kind: str, data: dict) -> Body:
    if kind == "joke":
        return JokeBody(**data)
    return DiscussionBody(
        title=data["title"],
        question=data["question"],
        benefits=tuple(data["benefits"]),
        disadvantages=tuple(data["disadvantages"]),
        talking_points=tuple(TalkingPoint(**p) for p in data["talking_points"]),
    )


class ContentEntry(Struct, frozen=True, dict=True):
    """One joke or discussion as a pack, an import or a moderator describes it."""

    kind: Kind
    key: str
    body: Body
    categories: tuple[str, ...] = ()
    moods: tuple[str, ...] = ()
    flags: frozenset[str] = field(default_factory=frozenset)
    language: str = "en"
    credit: str = ""

    def content_hash(self) -> str:
        """A hash of what the entry says (not its kind or key): an item stores it to tell an edit.
        Worked out once per entry, since an entry never changes (:func:`with_content_hash`)."""
        known: str | None = self.__dict__.get("_content_hash")
        if known is None:
            data = {
                "body": self.body.to_json(),
                "categories": sorted(self.categories),
                "moods": sorted(self.moods),
                "flags": sorted(self.flags),
                "language": self.language,
                "credit": self.credit,
            }
            known = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
            self.__dict__["_content_hash"] = known  # beside the fields (``dict=True``), not one of them
        return known

    def searchable(self) -> str:
        return " ".join([self.body.searchable(), *self.categories])


HEX_DIGEST = re.compile(r"[0-9a-f]{64}")  # a sha256 hexdigest, as content_hash() gives it


def with_content_hash(entry: ContentEntry, content_hash: str) -> ContentEntry:
    """``entry`` with its :meth:`~ContentEntry.content_hash` given rather than worked out, as kept
    beside it in a file written from the same entry (``services/pack_cache.py``)."""
    if not HEX_DIGEST.fullmatch(content_hash):
        raise ValueError(f"not a content hash: {content_hash!r}")
    entry.__dict__["_content_hash"] = content_hash
    return entry


class VoteTally(Struct, frozen=True):
    up: int
    down: int

    @property
    def total(self) -> int:
        return self.up + self.down


class Item(Struct, frozen=True):
    """A stored joke or discussion."""

    id: int
    kind: Kind
    key: str
    guild_id: int | None
    origin: str
    status: str
    body: Body
    categories: tuple[str, ...]
    moods: tuple[str, ...]
    flags: frozenset[str]
    language: str
    credit: str
    up: int
    down: int
    saves: int = 0  # members who saved it (⭐), in every server; counts as half a 👍 in rankings
    # This server's tally, when the item was read together with it (as picks are).
    tally: VoteTally | None = None

    @property
    def title(self) -> str:
        if isinstance(self.body, DiscussionBody):
            return self.body.title
        return self.body.setup or self.body.text or ""

    def entry(self) -> ContentEntry:
        return ContentEntry(
            kind=self.kind,
            key=self.key,
            body=self.body,
            categories=self.categories,
            moods=self.moods,
            flags=self.flags,
            language=self.language,
            credit=self.credit,
        )


def wilson_lower_bound(up: float, down: float, z: float = 1.96) -> float:
    """Lower bound of the Wilson score interval (95%) for the share of 👍 votes (a save counts
    as half a 👍 in the scores, hence the fractions)."""
    n = up + down
    if n == 0:
        return 0.0
    phat = up / n
    centre = phat + z * z / (2 * n)
    margin = z * math.sqrt((phat * (1 - phat) + z * z / (4 * n)) / n)
    return (centre - margin) / (1 + z * z / n)


class Mood(Struct, frozen=True):
    name: str
    emoji: str
    description: str
    cues: dict[str, int]
    emoji_cues: tuple[str, ...]
    when_negated: str | None
    gentle: bool


class GuildSettings(Struct, frozen=True):
    guild_id: int
    safe_mode: bool = True
    timezone: str = "UTC"
    moderator_role_id: int | None = None
    suggestions_enabled: bool = True
    report_threshold: int | None = None
    modlog_channel_id: int | None = None
    blocked_categories: tuple[str, ...] = ()
    blocked_flags: frozenset[str] = frozenset()
    languages: tuple[str, ...] = ("en",)  # what picks draw from, by each item's language
    # Seconds a member waits between two /joke (or /mood) here; None: the bot's configured default.
    joke_cooldown: int | None = None
    mood_cooldown: int | None = None
    public_page: bool = False  # the server's own content on the web site, at the server's own address

    def excluded_flags_mask(self, gentle: bool = False) -> int:
        """Flags a pick must not carry: all of them in safe mode or for a gentle mood."""
        if self.safe_mode or gentle:
            return ALL_FLAGS_MASK
        return flags_to_mask(self.blocked_flags)


def category_tag(name: str) -> str:
    return f"category:{name}"


def mood_tag(name: str) -> str:
    return f"mood:{name}"


class Filters(Struct, frozen=True):
    """What a server may be shown: the one derivation from its settings that picks, counts
    and rankings all use."""

    kind: Kind
    guild_id: int
    excluded_flags: int
    blocked_tags: tuple[str, ...]
    tag: str | None = None
    # Languages of the global content it may draw from (empty: any); a server's own content is
    # always its own, whatever language its form left on it.
    languages: tuple[str, ...] = ()

    @classmethod
    def of(cls, kind: Kind, settings: GuildSettings, *, tag: str | None = None, gentle: bool = False) -> Filters:
        return cls(
            kind=kind,
            guild_id=settings.guild_id,
            excluded_flags=settings.excluded_flags_mask(gentle=gentle),
            blocked_tags=tuple(category_tag(c) for c in settings.blocked_categories),
            tag=tag,
            languages=settings.languages,
        )
