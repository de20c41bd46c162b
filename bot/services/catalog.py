"""The public catalogue: what the web site shows of the global library, and under which rules.

The site is an edge of its own beside the cogs and the command line; like them it speaks to the
services in plain values. What is public: global content only (a server's own items never
appear), active, not hidden for the site. What a visitor sees of it (:class:`View`): nothing
flagged while safe mode is on, the default; with safe mode off, flagged items too, except the
:data:`RESTRICTED_FLAGS`, which appear only where the operator allows them (``web.allow_flags``).

The site has a scope of its own (:data:`bot.records.SITE_SCOPE`), in which its
joke and discussion of the day are chosen and stored as a server's are: by the picker's
of-the-day logic, in UTC.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from typing import Generic, Literal, TypeVar

from msgspec import Struct

from bot.clock import Clock, iso
from bot.errors import UserError
from bot.models import (
    ALL_FLAGS_MASK,
    FLAGS,
    Item,
    JokeBody,
    Kind,
    Mood,
    category_tag,
    flags_to_mask,
    mood_tag,
    wilson_lower_bound,
)
from bot.records import SITE_SCOPE, Shape
from bot.services.picker import PickService, fts_query
from bot.storage import Storage

# Flags shown only where the operator allows them, even to a visitor who turned safe mode off.
RESTRICTED_FLAGS: frozenset[str] = frozenset({"nsfw", "explicit"})
PAGE_SIZE = 20
MAX_AMOUNT = 10
MAX_PAGE = 10_000
Period = Literal["week", "month", "all"]
PERIODS: dict[str, timedelta | None] = {"week": timedelta(days=7), "month": timedelta(days=30), "all": None}

T = TypeVar("T")


class NotFound(UserError):
    """Nothing public answers to that (or not under the visitor's safe mode)."""


class View(Struct, frozen=True):
    """What one visitor asked to see: safe mode, and flags to leave out besides."""

    safe: bool = True
    exclude: frozenset[str] = frozenset()


class Entry(Struct, frozen=True):
    """A public item with the figures shown beside it: its 👍 and 👎 (all of them, or those of
    the window a ranking counts), their Wilson lower bound, and its all-time place if asked."""

    item: Item
    up: int
    down: int
    score: float
    rank: int | None = None

    @classmethod
    def of(cls, item: Item) -> Entry:
        return cls(item, item.up, item.down, wilson_lower_bound(item.up, item.down))

    @property
    def shape(self) -> str:
        if isinstance(self.item.body, JokeBody):
            return "twopart" if self.item.body.two_part else "single"
        return "discussion"


class Page(Struct, Generic[T], frozen=True):
    entries: list[T]
    number: int
    total: int
    size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1


class TagCount(Struct, frozen=True):
    kind: Kind
    name: str
    count: int


class Home(Struct, frozen=True):
    joke_of_the_day: Entry | None
    discussion_of_the_day: Entry | None
    top_week: list[Entry]
    categories: list[TagCount]
    moods: list[TagCount]
    day: date


class CatalogService:
    def __init__(self, storage: Storage, picker: PickService, moods: Sequence[Mood], clock: Clock,
                 rng: random.Random | None = None, *, allow_flags: Iterable[str] = (),
                 public_url: str | None = None, version: Callable[[], int] = lambda: 0) -> None:
        self.catalog = storage.catalog
        self.settings = storage.settings
        # A number that moves whenever this process writes to the storage: what was read while it
        # stays the same is still what a read would return (the web layer keeps pages by it).
        self.version = version
        self.picker = picker
        self.moods = {mood.name: mood for mood in moods}
        self.clock = clock
        self.rng = rng or random.Random()
        self.allowed = frozenset(allow_flags)
        unknown = self.allowed - set(FLAGS)
        if unknown:
            raise ValueError(f"unknown flags: {sorted(unknown)}")
        self.public_url = public_url.rstrip("/") if public_url else None

    # --- who sees what -------------------------------------------------------------------------

    def excluded_mask(self, view: View) -> int:
        """The flags an item shown to this visitor must not carry."""
        if view.safe:
            return ALL_FLAGS_MASK
        return flags_to_mask((RESTRICTED_FLAGS - self.allowed) | view.exclude)

    def visible(self, item: Item, view: View) -> bool:
        return not flags_to_mask(item.flags) & self.excluded_mask(view)

    def may_be_public(self, item: Item) -> bool:
        """Whether the site can show ``item`` to someone (global, active, no flag it never shows)."""
        return (item.guild_id is None and item.status == "active"
                and not item.flags & (RESTRICTED_FLAGS - self.allowed))

    def page_url(self, item: Item) -> str | None:
        """The item's page on the public site, when the site has a public address and the item
        can be shown there (a server's own content never is)."""
        if self.public_url is None or not self.may_be_public(item):
            return None
        return f"{self.public_url}{self.path(item)}"

    @staticmethod
    def path(item: Item) -> str:
        return f"/{'jokes' if item.kind == 'joke' else 'discussions'}/{item.id}"

    # --- reads ---------------------------------------------------------------------------------

    async def item(self, item_id: int, view: View, *, kind: Kind | None = None) -> Entry:
        """One public item with its all-time place; NotFound if it is not public, not of
        ``kind``, or carries a flag this visitor does not see."""
        item = await self.catalog.item(item_id)
        if item is None or (kind is not None and item.kind != kind):
            raise NotFound(f"There is no {kind or 'item'} number {item_id} here.")
        if not self.visible(item, view):
            if view.safe and self.may_be_public(item):
                raise NotFound(f"{item.kind.capitalize()} {item_id} is hidden while safe mode is on.")
            raise NotFound(f"There is no {kind or 'item'} number {item_id} here.")
        entry = Entry.of(item)
        rank = await self.catalog.rank(item, score=entry.score, excluded_flags=self.excluded_mask(view))
        return Entry(item, entry.up, entry.down, entry.score, rank)

    # --- a server's own page (only where its moderators opted in) --------------------------------

    async def server_opted_in(self, guild_id: int) -> bool:
        return (await self.settings.get(guild_id)).public_page

    async def _require_server(self, guild_id: int) -> None:
        # One answer whether the server does not exist or keeps its content to itself: nothing leaks.
        if not await self.server_opted_in(guild_id):
            raise NotFound("There is no public page for that server: its moderators have not turned one on.")

    async def server_page(self, guild_id: int, kind: Kind, view: View, *, page: int = 1) -> Page[Entry]:
        """A server's own items of ``kind``, newest first, on the page its moderators turned on."""
        await self._require_server(guild_id)
        items, total = await self.catalog.server_page(guild_id, kind, excluded_flags=self.excluded_mask(view),
                                                      offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
        return Page([Entry.of(i) for i in items], page, total)

    async def server_item(self, guild_id: int, item_id: int, view: View, *, kind: Kind) -> Entry:
        """One of a server's own items on its public page (a global item is not one of them)."""
        await self._require_server(guild_id)
        item = await self.catalog.server_item(guild_id, item_id)
        if item is None or item.kind != kind or not self.visible(item, view):
            raise NotFound(f"There is no {kind} number {item_id} on this server's page.")
        return Entry.of(item)

    @staticmethod
    def server_path(guild_id: int, item: Item) -> str:
        return f"/servers/{guild_id}/{'jokes' if item.kind == 'joke' else 'discussions'}/{item.id}"

    def tag(self, *, category: str | None, mood: str | None) -> str | None:
        if category is not None and mood is not None:
            raise UserError("Give a category or a mood, not both.")
        if mood is not None:
            if mood not in self.moods:
                names = ", ".join(sorted(self.moods))
                raise UserError(f"There is no mood called {mood[:64]!r}. The moods are: {names}.")
            return mood_tag(mood)
        return category_tag(category) if category is not None else None

    async def browse(self, kind: Kind, view: View, *, category: str | None = None, mood: str | None = None,
                     page: int = 1) -> Page[Entry]:
        tag = self.tag(category=category, mood=mood)
        items, total = await self.catalog.page(kind, tag=tag, excluded_flags=self.excluded_mask(view),
                                               offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
        if tag is not None and total == 0:
            what = "jokes" if kind == "joke" else "discussions"
            name = f"in the category {category!r}" if category is not None else f"for the mood {mood!r}"
            raise NotFound(f"There are no {what} {name[:100]} here.")
        return Page([Entry.of(i) for i in items], page, total)

    async def search(self, text: str, view: View, *, kind: Kind | None = None, page: int = 1) -> Page[Entry]:
        """Items matching the words of ``text`` as /joke search matches them: every word, the last
        as a prefix."""
        query = fts_query(text)
        if query is None:
            raise UserError("Give a word or two to search for.")
        items, total = await self.catalog.search(query, kind=kind, excluded_flags=self.excluded_mask(view),
                                                 offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
        return Page([Entry.of(i) for i in items], page, total)

    async def random(self, view: View, *, kind: Kind = "joke", shape: Shape | None = None,
                     category: str | None = None, mood: str | None = None, amount: int = 1) -> list[Entry]:
        """Up to ``amount`` different public items at random (fewer if fewer match)."""
        if not 1 <= amount <= MAX_AMOUNT:
            raise UserError(f"amount must be from 1 to {MAX_AMOUNT}.")
        if shape is not None and kind != "joke":
            raise UserError("single and twopart are shapes of jokes only.")
        items = await self.catalog.random(kind, start=self.rng.random(), amount=amount,
                                          tag=self.tag(category=category, mood=mood), shape=shape,
                                          excluded_flags=self.excluded_mask(view))
        return [Entry.of(i) for i in items]

    async def top(self, kind: Kind, view: View, *, period: Period = "week", page: int = 1,
                  size: int = PAGE_SIZE) -> Page[Entry]:
        """The best-rated public items by the Wilson lower bound of the votes cast in ``period``."""
        window = PERIODS[period]
        since = None if window is None else iso(self.clock.now() - window)
        rows, total = await self.catalog.top(kind, since=since, excluded_flags=self.excluded_mask(view),
                                             offset=(page - 1) * size, limit=size)
        start = (page - 1) * size
        entries = [Entry(item, up, down, score, start + n) for n, (item, up, down, score) in enumerate(rows, 1)]
        return Page(entries, page, total, size)

    async def categories(self, view: View) -> list[TagCount]:
        return [TagCount(*row) for row in await self.catalog.tags("category", excluded_flags=self.excluded_mask(view))]

    async def mood_counts(self, view: View) -> list[TagCount]:
        return [TagCount(*row) for row in await self.catalog.tags("mood", excluded_flags=self.excluded_mask(view))]

    def today(self) -> date:
        return self.clock.now().date()  # the clock speaks UTC

    async def of_the_day(self, kind: Kind) -> Entry | None:
        """The site's item of the day, the same for everyone all UTC day (None if there is none).

        Chosen by the picker in :data:`SITE_SCOPE` under that scope's settings (safe mode), so it
        is never flagged. Should it stop being public during the day, the site shows a stand-in
        drawn from a seed of the date, the same all day too.
        """
        day = self.today()
        try:
            item = await self.picker.of_the_day(kind, SITE_SCOPE, local_date=day)
        except UserError:
            item = None
        if item is not None and await self.catalog.item(item.id) is not None:
            return Entry.of(item)
        seed = int.from_bytes(hashlib.sha256(f"{kind}:{day.isoformat()}".encode()).digest()[:8], "big")
        stand_in = await self.catalog.random(kind, start=seed / 2**64, amount=1, excluded_flags=ALL_FLAGS_MASK)
        return Entry.of(stand_in[0]) if stand_in else None

    async def home(self, view: View) -> Home:
        return Home(
            joke_of_the_day=await self.of_the_day("joke"),
            discussion_of_the_day=await self.of_the_day("discussion"),
            top_week=(await self.top("joke", view, period="week", size=5)).entries,
            categories=await self.categories(view),
            moods=await self.mood_counts(view),
            day=self.today(),
        )
