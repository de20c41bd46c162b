"""Choosing what to show: random among eligible items, fair to new ones, without repeats.

How a pick works (and why it does not scan the table):

* Every item has a random number ``rand`` fixed when it is stored, indexed together with its
  kind (and, for categories and moods, with the tag). A pick seeks to a fresh random point in
  that index and reads the next few eligible rows, wrapping around at the end. Its cost depends
  on the rows skipped, not on the library's size. (An item after a wide gap in ``rand`` is a
  little likelier to be read first; weighting among the candidates and the no-repeat rule
  even that out over a channel's picks.)
* Eligible means active, global or this server's, not hidden here, not carrying a flag the
  server excludes (all flags in safe mode, and always for gentle moods), not in a blocked
  category, and not yet shown in this channel.
* Among the candidates read, better-rated items are likelier: the weight is the item's mean
  vote with two 👍 and two 👎 added as a prior, so an unrated item weighs 0.5, a loved one
  nearly 1 and a disliked one little. Unrated candidates keep at least a ``NEW_SHARE`` of the
  picks even among well-liked neighbours, so new content gets seen and voted on.
* Once every eligible item has been shown in a channel, the one shown longest ago comes back
  and the channel's memory of that pool (all of it, or one category or mood) is trimmed to its
  most recent fifth, so repeats come in a new order and never before the whole pool (well
  over 80% of it) has been shown.
* How the reads are made cheap (showings written in the background, rows read ahead in a busy
  channel) is the storage's business: see :mod:`bot.storage.sqlite.picks`.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Sequence
from datetime import date
from zoneinfo import ZoneInfo

from msgspec.structs import replace

from bot.clock import Clock, iso
from bot.errors import Code, Codes, Option, Term, UserError
from bot.models import Filters, GuildSettings, Item, Kind, Mood, category_tag, mood_tag
from bot.records import Candidate, daily_scope
from bot.storage import Storage
from bot.wording import plural

NEW_SHARE = 0.25
PRIOR_VOTES = 2
# A save counts as this much of a 👍 wherever items are ranked (picks here; the score of /top and
# the site: see migration 008). Light: saving is a bookmark as much as praise.
SAVE_WEIGHT = 0.5
KEEP_AFTER_CYCLE = 0.2
SEARCH_WORD = re.compile(r"\w+")


def counted(n: int, kind: Kind) -> Term:
    """"1 joke", "3 discussion topics", in the reader's language."""
    return Term(f"counted.{kind}", plural(n, "joke" if kind == "joke" else "discussion topic"), (("count", n),))


def kind_word(kind: Kind) -> Term:
    return Term(f"kind.{kind}", kind)


def _unrestricted(f: Filters) -> Filters:
    """The same pick without the server's safe mode, blocked flags and blocked categories: what
    a member would find if nothing were hidden from them."""
    return replace(f, excluded_flags=0, blocked_tags=())


def _hidden_by(settings: GuildSettings) -> Term:
    if settings.safe_mode:
        return Term("hidden_by.safe_mode", "this server's safe mode")
    return Term("hidden_by.blocks", "the flags and categories this server blocks")


def weight(candidate: Candidate) -> float:
    """The mean vote with a prior, a save (⭐) counting as half a 👍 (SAVE_WEIGHT); for a pick for
    a mood, times how this server's members voted on it in that mood (the same prior, scaled so
    that no such votes leave it as it was: a joke liked by members in that mood comes up up to
    twice as often, one they disliked less)."""
    up = candidate.up + SAVE_WEIGHT * candidate.saves
    base = (up + PRIOR_VOTES) / (up + candidate.down + 2 * PRIOR_VOTES)
    if candidate.mood_up or candidate.mood_down:
        base *= 2 * (candidate.mood_up + PRIOR_VOTES) / (candidate.mood_up + candidate.mood_down + 2 * PRIOR_VOTES)
    return base


def fts_query(text: str) -> str | None:
    """Words of a member's search as an FTS5 query: every word must match, the last as a prefix."""
    words = SEARCH_WORD.findall(text.lower())[:8]
    if not words:
        return None
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " AND ".join(quoted)


# Whole sentences, so that each language can say them its own way (cogs/locales/).
NOTHING = {
    ("joke", True): "There are no jokes for that here yet.",
    ("discussion", True): "There are no discussion topics for that here yet.",
    ("joke", False): "There are no jokes available in this server yet. A moderator can add some.",
    ("discussion", False): "There are no discussion topics available in this server yet. A moderator can add some.",
}


class PickService:
    def __init__(self, storage: Storage, clock: Clock, rng: random.Random | None = None) -> None:
        self.storage = storage
        self.items = storage.items
        self.history = storage.history
        self.settings = storage.settings
        self.clock = clock
        self.rng = rng or random.Random()

    async def filters(self, kind: Kind, guild_id: int, *, category: str | None = None,
                      mood: Mood | None = None, settings: GuildSettings | None = None) -> Filters:
        """What a pick in this server may return; a category must be one it has something in."""
        settings = settings or await self.settings.get(guild_id)
        tag = category_tag(category) if category else (mood_tag(mood.name) if mood else None)
        f = Filters.of(kind, settings, tag=tag, gentle=bool(mood and mood.gentle))
        if category is not None:
            if category in settings.blocked_categories:
                raise UserError("The category {category} is switched off in this server.", category=Code(category))
            available = [name for name, _ in await self.categories(f)]
            if category not in available:
                hidden = dict(await self.categories(_unrestricted(f))).get(category, 0)
                if hidden:
                    raise UserError("The {what} category {category} has {count} here, all hidden by {why}.",
                                    what=kind_word(kind), category=Code(category), count=counted(hidden, kind),
                                    why=_hidden_by(settings))
                raise UserError("There is no {what} category called {category} here. Try one of: {names}.",
                                what=kind_word(kind), category=Code(category[:64]),
                                names=Codes(tuple(sorted(available))) if available else Term("none_yet", "none yet"))
        return f

    async def categories(self, f: Filters) -> list[tuple[str, int]]:
        """The categories a member of this server can pick from, with how many items each has."""
        return await self.items.categories(f)

    def _choose(self, candidates: Sequence[Candidate]) -> Candidate:
        weights = [weight(c) for c in candidates]
        unrated = [n for n, c in enumerate(candidates) if c.up + c.down + c.saves == 0]
        if unrated and len(unrated) < len(candidates):
            if sum(weights[n] for n in unrated) < NEW_SHARE * sum(weights):
                # Well-liked neighbours would crowd new items out: keep their share at NEW_SHARE.
                if self.rng.random() < NEW_SHARE:
                    return candidates[self.rng.choice(unrated)]
                weights = [0.0 if n in unrated else w for n, w in enumerate(weights)]
        # A weighted draw; random.choices does the same with more set-up than four items need.
        point = self.rng.random() * sum(weights)
        chosen = candidates[0]
        for candidate, w in zip(candidates, weights, strict=True):
            if w:
                chosen = candidate
                point -= w
                if point < 0:
                    break
        return chosen

    async def pick(self, f: Filters, *, scope_id: int, search: str | None = None) -> Item:
        """Choose one item for ``scope_id`` (a channel). Reads only: call :meth:`shown` once the
        item has really been shown, so a message that failed to send does not count."""
        if search is not None:
            chosen = await self._pick_search(f, scope_id, search)
        else:
            chosen = await self._pick_fresh(f, scope_id)
        return chosen.item()

    def shown(self, item: Item, *, scope_id: int, guild_id: int) -> None:
        """Record that ``item`` was shown in ``scope_id``, for the no-repeat rule (the next pick
        there skips it at once)."""
        self.storage.picks.shown(scope_id=scope_id, kind=item.kind, item_id=item.id, guild_id=guild_id)

    async def _pick_fresh(self, f: Filters, scope_id: int) -> Candidate:
        chosen = await self.storage.picks.choose(f, scope_id, self._choose)
        if chosen is not None:
            return chosen
        # Every eligible item has been shown here: bring back the one shown longest ago, and
        # trim the channel's memory of this pool so the next round comes in a new order.
        oldest = await self.storage.picks.least_recent(f, scope_id)
        if oldest is None:
            raise UserError(NOTHING[(f.kind, f.tag is not None)])
        pool = await self.items.count_eligible(f)
        await self.history.trim(scope_id=scope_id, kind=f.kind, tag=f.tag, keep=math.ceil(pool * KEEP_AFTER_CYCLE))
        return oldest

    async def _pick_search(self, f: Filters, scope_id: int, search: str) -> Candidate:
        query = fts_query(search)
        if query is None:
            raise UserError("Give a word or two to search for, for example {example}.",
                            example=Option("joke", "search", "cat"))
        matches = await self.items.search(f, query=query)
        if not matches:
            words = Code(search.strip()[:100])
            hidden = len(await self.items.search(_unrestricted(f), query=query))
            if hidden:
                settings = await self.settings.get(f.guild_id)
                raise UserError("{count} matches {words} but is hidden by {why}." if hidden == 1 else
                                "{count} match {words} but are hidden by {why}.",
                                count=counted(hidden, f.kind), words=words, why=_hidden_by(settings))
            raise UserError("No {kind} matches {words}. Try another word, or leave the search out for a random one.",
                            kind=kind_word(f.kind), words=words)
        fresh = await self.storage.picks.unseen(scope_id, f.kind, matches)
        return self._choose(fresh or matches)

    # --- of the day --------------------------------------------------------------------------

    def local_date(self, settings: GuildSettings) -> date:
        return self.clock.now().astimezone(ZoneInfo(settings.timezone)).date()

    async def of_the_day(self, kind: Kind, guild_id: int, *, local_date: date | None = None) -> Item:
        """The server's item of the day: chosen once per local date and stored, so it stays all day.

        If the stored pick may no longer be shown here (retired, hidden, or flagged since safe
        mode or a blocked category changed), another takes its place for the rest of the day.
        Topics of the day do not repeat in a server until its whole eligible pool has been used.
        """
        settings = await self.settings.get(guild_id)
        day = (local_date or self.local_date(settings)).isoformat()
        f = await self.filters(kind, guild_id, settings=settings)
        stored = await self.history.daily_pick(guild_id, kind, day)
        if stored is not None and await self.items.is_eligible(stored, f):
            item = await self.items.get(stored)
            assert item is not None
            return item
        scope = daily_scope(guild_id)
        candidate = await self._pick_fresh(f, scope_id=scope)
        async with self.storage.transaction() as tx:
            item_id = await tx.history.claim_daily_pick(
                guild_id=guild_id, kind=kind, local_date=day, item_id=candidate.id, replacing=stored
            )
            if item_id == candidate.id:
                await tx.history.record(scope_id=scope, kind=kind, item_id=item_id,
                                        guild_id=guild_id, now=iso(self.clock.now()))
        item = await self.items.get(item_id)
        assert item is not None
        return item
