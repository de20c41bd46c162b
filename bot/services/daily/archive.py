"""The archive of a server's topics of the day: every discussion the daily post sent, newest
first, with the server's votes on it; and bringing one back."""

from __future__ import annotations

from msgspec import Struct

from bot.errors import Code, Command, Term, UserError
from bot.models import Item, VoteTally
from bot.records import DailyPost
from bot.services.picker import PickService
from bot.storage import Storage
from bot.wording import plural

PAGE_SIZE = 5


class ArchiveEntry(Struct, frozen=True):
    post: DailyPost  # the daily post: its date, channel, message and thread
    item: Item | None  # None if the topic is gone from the library
    tally: VoteTally  # the server's votes on the topic


class ArchivePage(Struct, frozen=True):
    entries: list[ArchiveEntry]
    page: int
    pages: int
    total: int  # how many dates the archive holds


class Archive:
    def __init__(self, storage: Storage, picker: PickService) -> None:
        self.storage = storage
        self.picker = picker

    async def page(self, guild_id: int, page: int = 1, size: int = PAGE_SIZE) -> ArchivePage:
        """One page of the server's earlier topics of the day, newest first."""
        total = await self.storage.daily.archive_size(guild_id)
        pages = max(1, -(-total // size))
        if page < 1 or page > pages:
            raise UserError("There is no page {page}: the archive has {pages}.", page=page,
                            pages=Term("pages", plural(pages, "page"), (("count", pages),)))
        posts = await self.storage.daily.archive(guild_id, limit=size, offset=(page - 1) * size)
        entries = []
        for post in posts:
            item = await self.storage.items.get(post.item_id) if post.item_id is not None else None
            tally = await self.storage.votes.tally(item.id, guild_id) if item is not None else VoteTally(0, 0)
            entries.append(ArchiveEntry(post, item, tally))
        return ArchivePage(entries, page, pages, total)

    async def bring_back(self, guild_id: int, item_id: int) -> tuple[Item, DailyPost]:
        """A topic this server had as its topic of the day, if it may still be shown here."""
        post = await self.storage.daily.archived(guild_id, item_id)
        if post is None:
            raise UserError("Topic {number} was never this server's topic of the day: {command} lists those that "
                            "were.", number=Code(f"#{item_id}"), command=Command("discussion past"))
        item = await self.storage.items.get(item_id)
        filters = await self.picker.filters("discussion", guild_id)
        if item is None or not await self.storage.items.is_eligible(item_id, filters):
            raise UserError("Topic {number} can no longer be shown here (it was removed, hidden or is filtered out "
                            "by this server's settings).", number=Code(f"#{item_id}"))
        return item, post
