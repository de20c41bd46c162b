"""Content the seeded packs do not have, added behind the site's back as an import or a server would;
and the rate limit the tests' sites run with."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from bot.clock import iso
from bot.core import Core
from bot.models import ContentEntry, DiscussionBody, Item, JokeBody, TalkingPoint
from bot.records import SITE_SCOPE
from tests.support import backend_of
from web.ratelimit import RateLimiter

# High enough that no test but the rate limit's own meets it.
GENEROUS = RateLimiter(rate=1e6, burst=1_000_000)


async def add_joke(core: Core, key: str, *, text: str | None = None, setup: str | None = None,
                   punchline: str | None = None, categories: Iterable[str] = ("testing",),
                   moods: Iterable[str] = (), flags: Iterable[str] = (), credit: str = "",
                   guild_id: int | None = None) -> Item:
    body = JokeBody(text=text) if setup is None else JokeBody(setup=setup, punchline=punchline)
    return await _add(core, ContentEntry("joke", key, body, tuple(categories), tuple(moods), frozenset(flags),
                                         credit=credit), guild_id)


async def add_discussion(core: Core, key: str, *, title: str, question: str, benefits: Iterable[str] = ("A plus.",),
                         disadvantages: Iterable[str] = ("A minus.",),
                         points: Iterable[tuple[str, str]] = (("First", "One."),),
                         categories: Iterable[str] = ("testing",), credit: str = "",
                         guild_id: int | None = None) -> Item:
    body = DiscussionBody(title, question, tuple(benefits), tuple(disadvantages),
                          tuple(TalkingPoint(h, t) for h, t in points))
    return await _add(core, ContentEntry("discussion", key, body, tuple(categories), credit=credit), guild_id)


async def _add(core: Core, entry: ContentEntry, guild_id: int | None) -> Item:
    origin = "test-pack" if guild_id is None else "moderator"
    item_id, _ = await core.storage.items.upsert(entry, origin=origin, guild_id=guild_id, now=iso(core.clock.now()))
    item = await core.storage.items.get(item_id)
    assert item is not None
    return item


async def hide_for_site(core: Core, item_id: int) -> None:
    """Hide an item for the site, as a moderator of the site (a later step) will."""
    await backend_of(core).db.execute(
        "INSERT INTO guild_hidden (guild_id, item_id, reason, hidden_at) VALUES (?, ?, 'moderator', ?)",
        (SITE_SCOPE, item_id, iso(core.clock.now())),
    )


async def hide_in_server(core: Core, guild_id: int, item_id: int) -> None:
    await backend_of(core).db.execute(
        "INSERT INTO guild_hidden (guild_id, item_id, reason, hidden_at) VALUES (?, ?, 'reports', ?)",
        (guild_id, item_id, iso(core.clock.now())),
    )


_members = itertools.count(10_000)


async def vote(core: Core, item_id: int, *, up: int = 0, down: int = 0, guild_id: int = 111) -> None:
    """``up`` 👍 and ``down`` 👎 from as many members never seen before, now (by the core's clock)."""
    for n in range(up + down):
        await core.votes.click(item_id=item_id, guild_id=guild_id, user_id=next(_members), up=n < up)
