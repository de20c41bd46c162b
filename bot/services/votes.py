"""Votes and rankings."""

from __future__ import annotations

from msgspec import Struct

from bot.clock import Clock, iso
from bot.errors import UserError
from bot.models import Filters, Item, Kind, VoteTally
from bot.storage import Storage


class VoteOutcome(Struct, frozen=True):
    item_id: int
    vote: int  # the member's vote now: 1, -1, or 0 when withdrawn
    tally: VoteTally


class Ranked(Struct, frozen=True):
    item: Item
    up: int
    down: int
    score: float


class VoteService:
    def __init__(self, storage: Storage, clock: Clock) -> None:
        self.votes = storage.votes
        self.items = storage.items
        self.settings = storage.settings
        self.clock = clock

    async def click(self, *, item_id: int, guild_id: int, user_id: int, up: bool,
                    mood: str | None = None) -> VoteOutcome:
        """A click on 👍/👎; ``mood`` is the mood the item was picked for, if it was."""
        result = await self.votes.toggle(
            item_id=item_id, guild_id=guild_id, user_id=user_id, value=1 if up else -1, now=iso(self.clock.now()),
            mood=mood,
        )
        if result is None:
            raise UserError("That item no longer exists, so it cannot take votes.")
        vote, tally = result
        return VoteOutcome(item_id, vote, tally)

    async def tally(self, item_id: int, guild_id: int) -> VoteTally:
        return await self.votes.tally(item_id, guild_id)

    async def top(self, kind: Kind, guild_id: int, *, server_only: bool, limit: int = 10) -> list[Ranked]:
        """The best-rated items this server may be shown: safe mode, blocked categories and flags,
        and hidden items apply here as they do to picks."""
        f = Filters.of(kind, await self.settings.get(guild_id))
        rows = await self.items.top(f, server_only=server_only, limit=limit)
        return [Ranked(item, up, down, score) for item, up, down, score in rows]
