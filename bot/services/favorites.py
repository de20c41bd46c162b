"""Favourites: a member saves items (⭐) in a server and lists them there, a page at a time."""

from __future__ import annotations

import math

from msgspec import Struct

from bot.clock import Clock, iso
from bot.members import FavoritePage
from bot.models import Item
from bot.storage import Storage

PAGE_SIZE = 5  # one row of remove buttons under the list


class SaveOutcome(Struct, frozen=True):
    item: Item
    saved: bool  # saved now (False: it was saved, and the click took it out)


class FavoriteService:
    def __init__(self, storage: Storage, clock: Clock) -> None:
        self.favorites = storage.favorites
        self.items = storage.items
        self.clock = clock

    async def toggle(self, *, guild_id: int, user_id: int, item_id: int) -> SaveOutcome | None:
        """A click on ⭐ Save: saves the item for the member here, or takes it out if it was saved.
        None if the item does not exist (any more)."""
        item = await self.items.get(item_id)
        if item is None:
            return None
        saved = await self.favorites.toggle(user_id=user_id, guild_id=guild_id, item_id=item_id,
                                            now=iso(self.clock.now()))
        return None if saved is None else SaveOutcome(item, saved)

    async def remove(self, *, guild_id: int, user_id: int, item_id: int) -> bool:
        """Take an item out of the member's favourites here; False if it was not in them."""
        return await self.favorites.remove(user_id=user_id, guild_id=guild_id, item_id=item_id)

    async def page(self, *, guild_id: int, user_id: int, page: int = 1) -> FavoritePage:
        """One page of the member's favourites here, newest first. A page past the end gives the
        last page (a removal can empty the page someone was on); page 1 of none is empty."""
        total = await self.favorites.count(user_id=user_id, guild_id=guild_id)
        pages = max(1, math.ceil(total / PAGE_SIZE))
        page = min(max(page, 1), pages)
        rows = await self.favorites.page(user_id=user_id, guild_id=guild_id, offset=(page - 1) * PAGE_SIZE,
                                         limit=PAGE_SIZE)
        return FavoritePage(rows, page, pages, total)
