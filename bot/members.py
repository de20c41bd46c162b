"""What the bot keeps about one member, as the storage hands it back: favourites, and everything
keyed by their user id (what ``/mydata`` shows and deletes)."""

from __future__ import annotations

from msgspec import Struct, field

from bot.models import Item

# The user id a member's moderation records keep once they deleted their data: Discord ids are
# positive, so no member has it, and the moderation history still reads ("a former member").
FORMER_MEMBER = 0


class Favorite(Struct, frozen=True):
    item: Item
    saved_at: str


class FavoritePage(Struct, frozen=True):
    """One page of a member's favourites in a server (pages count from 1)."""

    favorites: list[Favorite]
    page: int
    pages: int
    total: int


class Entry(Struct, frozen=True):
    """One recent thing stored about a member, as data the cog words: when, in which server, the
    item or case it is about, and its value (the vote's up/down, a suggestion's status, a report's
    reason, a correction's "text → mood", a moderation record's action)."""

    at: str
    guild_id: int
    item_id: int | None = None
    case_id: int | None = None
    value: str = ""


class MemberData(Struct, frozen=True):
    """How much is stored about a member, per kind, with the most recent entries of each.

    Kinds, in the order they are shown: votes, favorites, suggestions, reports, mood_corrections,
    moderation (actions they took or that concern them, kept anonymised on deletion)."""

    counts: dict[str, int]
    recent: dict[str, list[Entry]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class Deletion(Struct, frozen=True):
    """What a deletion removed (per kind) and how many moderation records it anonymised."""

    deleted: dict[str, int]
    anonymised: int


class AgedOut(Struct, frozen=True):
    """What one ageing sweep forgot: pick-history rows and resolved report cases."""

    history: int
    reports: int
