"""What services ask of the content library: items, picks, what was shown where, votes, the public catalogue."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Literal, Protocol

from bot.models import ContentEntry, Filters, Item, Kind, VoteTally
from bot.records import Candidate, Shape

# A row of a ranking: the item, its 👍 and 👎 in the window ranked, and their Wilson lower bound.
RankedRow = tuple[Item, int, int, float]


class Items(Protocol):
    async def get(self, item_id: int) -> Item | None: ...

    async def find(
        self, *, kind: Kind | None = None, status: str | None = "active", global_only: bool = False
    ) -> list[Item]:
        """Items in id order: of one kind, with one status (None: any), only global ones."""
        ...

    async def categories(self, f: Filters) -> list[tuple[str, int]]:
        """Categories with at least one item the server may be shown under these filters (their
        tag aside), with how many, largest first."""
        ...

    async def fingerprints(self) -> dict[tuple[str, str], tuple[str, str, str]]:
        """(kind, key) -> (content hash, status, origin) of every item, read in one query."""
        ...

    async def upsert(self, entry: ContentEntry, *, origin: str, guild_id: int | None, now: str) -> tuple[int, str]:
        """Add or update one entry (in one transaction, or in the caller's).

        Returns the item id and what happened: ``added``, ``updated``, ``unchanged`` or
        ``restored`` (a retired item brought back). An item keeps its id, rand and votes
        when it is edited; only its content changes."""
        ...

    async def retire_missing(self, *, kind: Kind, origin: str, keep: Iterable[str], now: str) -> int:
        """Retire active items of ``origin`` whose keys are not in ``keep``. Rows and votes stay."""
        ...

    async def count_eligible(self, f: Filters) -> int:
        """How many items a pick with these filters could return (no history applied)."""
        ...

    async def count_unshown(self, f: Filters, *, scope_id: int) -> int:
        """How many items a pick with these filters could still return in ``scope_id`` before it
        repeats (their tag aside; as written so far)."""
        ...

    async def search(self, f: Filters, *, query: str, limit: int = 200) -> list[Candidate]:
        """Eligible items matching an FTS5 query (and carrying the filters' tag), best matches first."""
        ...

    async def least_recent(self, f: Filters, *, scope_id: int, skip: Sequence[int] = ()) -> Candidate | None:
        """The eligible item shown longest ago in ``scope_id`` (other than those in ``skip``): the
        pick once every item was shown."""
        ...

    async def top(self, f: Filters, *, server_only: bool, limit: int) -> list[tuple[Item, int, int, float]]:
        """The best-rated items this server may be shown, by the Wilson lower bound of the votes
        cast in this server (``server_only``) or everywhere: (item, 👍, 👎, score). Only items
        voted up at least as often as down are ranked: a ranking never leads with a disliked
        item, however few the votes."""
        ...

    async def is_eligible(self, item_id: int, f: Filters) -> bool:
        """Whether a pick with these filters (their tag aside) could return ``item_id`` (no history applied)."""
        ...

    async def candidates(self, f: Filters, *, start: float, limit: int, history_scope: int | None = None,
                         skip: Sequence[int] = ()) -> list[Candidate]:
        """Up to ``limit`` eligible items from the point ``start`` of the random order onwards.

        Seeks into an index ordered by ``rand`` (the tag index when the filters have a tag), so the
        cost depends on how many rows are skipped, not on the size of the library. Items shown in
        ``history_scope``, and those in ``skip``, are skipped.
        """
        ...

    async def shown_in(self, scope_id: int, kind: Kind, ids: Sequence[int]) -> set[int]:
        """Which of ``ids`` have been shown in ``scope_id`` (as written so far)."""
        ...


class Picks(Protocol):
    async def choose(
        self, f: Filters, scope_id: int, choose: Callable[[Sequence[Candidate]], Candidate]
    ) -> Candidate | None:
        """Up to :data:`CANDIDATES` eligible items not yet shown in ``scope_id``, handed to
        ``choose``; its choice, or None when everything eligible has been shown there."""
        ...

    async def least_recent(self, f: Filters, scope_id: int) -> Candidate | None:
        """The eligible item shown longest ago in ``scope_id``. Showings not yet written are the
        latest of all, so they are passed over without waiting for the writer (which on a busy
        loop waits its turn for the write lock), unless they are all there is."""
        ...

    async def unseen(self, scope_id: int, kind: Kind, found: Sequence[Candidate]) -> list[Candidate]:
        """Those of ``found`` not shown in ``scope_id`` yet."""
        ...

    def shown(self, *, scope_id: int, kind: Kind, item_id: int, guild_id: int | None) -> None:
        """Note that ``item_id`` was shown in ``scope_id`` (written in the background; the next
        pick there skips it at once)."""
        ...


class History(Protocol):
    """What was shown where. Reads of the history see the showings still waiting in the
    :class:`ShowingWriter` too (they are written first)."""

    async def record(self, *, scope_id: int, kind: Kind, item_id: int, guild_id: int | None, now: str) -> None:
        """Note that ``item_id`` was shown in ``scope_id`` now, not in the background; an earlier
        showing is moved to ``now``."""
        ...

    async def flush(self) -> None:
        """Write the showings still waiting in the background (a read of the history here does)."""
        ...

    async def count(self, scope_id: int, kind: Kind) -> int: ...

    async def trim(self, *, scope_id: int, kind: Kind, keep: int, tag: str | None = None) -> None:
        """Forget all but the ``keep`` most recent showings in a scope (of items with ``tag``, if
        given: the rest of the scope's memory stays). One statement, so no transaction: on a
        busy loop, getting into a transaction on the writer thread waits behind everyone else's."""
        ...

    async def places(self, item_id: int, limit: int = 10) -> list[tuple[int, int | None, str]]:
        """Where an item was shown most recently: (scope id, guild id, when)."""
        ...

    async def daily_pick(self, guild_id: int, kind: Kind, local_date: str) -> int | None:
        """The pick of the day stored for a server's local date, if any."""
        ...

    async def claim_daily_pick(
        self, *, guild_id: int, kind: Kind, local_date: str, item_id: int, replacing: int | None = None
    ) -> int:
        """Store the pick of the day unless one is stored already; return the one that stands.

        With ``replacing``, the stored pick is swapped for ``item_id`` only if it is still
        ``replacing``: when two commands replace a pick that went out of bounds, one wins."""
        ...


class Votes(Protocol):
    async def toggle(
        self, *, item_id: int, guild_id: int, user_id: int, value: int, now: str, mood: str | None = None
    ) -> tuple[int, VoteTally] | None:
        """Apply a click: a new vote is cast, the same vote again is withdrawn, the other one switches.

        ``mood`` is the mood the item was picked for (None for a plain pick): the vote is kept
        with it, and the server's tally for that mood follows by trigger in the same statement.

        Returns the member's vote afterwards (1, -1 or 0) and the server's tally, or None if the
        item does not exist. Each change is one statement, the tallies following it by trigger,
        so a click is two or three statements; holding the write lock across them keeps one
        member's rapid clicks in order."""
        ...

    async def tally(self, item_id: int, guild_id: int) -> VoteTally: ...

    async def mood_tally(self, item_id: int, guild_id: int, mood: str) -> VoteTally:
        """The server's votes on an item cast while it was picked for ``mood``."""
        ...


class Catalog(Protocol):
    async def item(self, item_id: int) -> Item | None:
        """The item if the public site may ever show it (whatever its flags), else None."""
        ...

    async def rank(self, item: Item, *, score: float, excluded_flags: int) -> int | None:
        """The item's place among all public items of its kind ranked by all-time votes (as the
        all-time top list orders them), or None when it is not ranked (no 👍, or more 👎 than 👍)."""
        ...

    async def page(
        self, kind: Kind, *, tag: str | None, excluded_flags: int, offset: int, limit: int
    ) -> tuple[list[Item], int]:
        """Public items of ``kind`` (with ``tag``, if given) in id order from ``offset``, and how
        many there are in all."""
        ...

    async def search(
        self, query: str, *, kind: Kind | None, excluded_flags: int, offset: int, limit: int
    ) -> tuple[list[Item], int]:
        """Public items matching an FTS5 query, best matches first, from ``offset``; and how many
        match in all."""
        ...

    async def random(
        self,
        kind: Kind,
        *,
        start: float,
        amount: int,
        tag: str | None = None,
        shape: Shape | None = None,
        excluded_flags: int,
    ) -> list[Item]:
        """Up to ``amount`` public items from the point ``start`` of the random order onwards,
        wrapping around to its beginning: a seek into the same ``rand`` index picks use."""
        ...

    async def top(
        self, kind: Kind, *, since: str | None, excluded_flags: int, offset: int, limit: int
    ) -> tuple[list[RankedRow], int]:
        """Public items of ``kind`` ranked by the Wilson lower bound of their votes (all of them,
        or those cast at ``since`` or later), from ``offset``; and how many are ranked. As in
        /top, only items voted up at least as often as down are ranked."""
        ...

    async def tags(self, group: Literal["category", "mood"], *, excluded_flags: int) -> list[tuple[Kind, str, int]]:
        """(kind, name, how many public items) for every category or mood that has any, largest
        first within each kind."""
        ...

    async def server_item(self, guild_id: int, item_id: int) -> Item | None:
        """The server's own item if its public page may ever show it (whatever its flags), else None."""
        ...

    async def server_page(self, guild_id: int, kind: Kind, *, excluded_flags: int, offset: int,
                          limit: int) -> tuple[list[Item], int]:
        """The server's own public items of ``kind``, newest first from ``offset``, and how many in all."""
        ...
