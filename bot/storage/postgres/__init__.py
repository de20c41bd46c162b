"""The PostgreSQL backend of :mod:`bot.storage`: one database that several bot processes share.

The repositories are SQLite's where their SQL is standard, and :mod:`.repositories` where it is
not; :mod:`.database` translates placeholders and the few SQLite spellings. Two things differ in
behaviour, both because other processes write to the same database:

* nothing read is kept between requests: :meth:`PostgresStorage.version` moves at every call, so
  the read cache (settings, rows read ahead for picks) and the site's page cache keep nothing.
  A settings read is one primary-key lookup (docs/storage.md says why this, and not LISTEN/NOTIFY);
* a showing is still written in the background (one statement per batch), but the next pick in
  the same process skips it at once, as on SQLite.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cached_property

from bot.cache import ReadCache
from bot.clock import Clock, SystemClock
from bot.storage.postgres.clicks import PgFavoriteRepository, PgVoteRepository
from bot.storage.postgres.database import PgDatabase
from bot.storage.postgres.repositories import (
    PgCatalogRepository,
    PgItemRepository,
    PgModerationRepository,
    PgShowingWriter,
)
from bot.storage.sqlite import Repositories
from bot.storage.sqlite.picks import PickReads


class _Repositories(Repositories):
    """SQLite's repositories over the pool or one transaction's connection, but for those whose
    SQL PostgreSQL says its own way (:mod:`.repositories`)."""

    @cached_property
    def items(self) -> PgItemRepository:
        # Outside a transaction, picks read on the connections that keep one plan for them.
        planned = self._sql.planned if isinstance(self._sql, PgDatabase) else None
        return PgItemRepository(self._sql, self._storage.rng, planned=planned)

    @cached_property
    def moderation(self) -> PgModerationRepository:
        return PgModerationRepository(self._sql)

    @cached_property
    def catalog(self) -> PgCatalogRepository:
        return PgCatalogRepository(self._sql)

    @cached_property
    def votes(self) -> PgVoteRepository:
        return PgVoteRepository(self._sql)

    @cached_property
    def favorites(self) -> PgFavoriteRepository:
        return PgFavoriteRepository(self._sql)


class PostgresTransaction(_Repositories):
    """One unit of work: every repository call through it commits together, or none does."""


class PostgresStorage(_Repositories):
    def __init__(self, db: PgDatabase, *, clock: Clock | None = None, rng: random.Random | None = None) -> None:
        self.db = db
        self.rng = rng or random.Random()
        self.clock = clock or SystemClock()
        self._versions = itertools.count()
        self.showings = PgShowingWriter(db)
        self.cache = ReadCache(self.version, self.clock.now)
        super().__init__(db, self)
        self.picks = PickReads(self.items, self.showings, self.cache, self.clock, self.rng)

    @classmethod
    async def open(cls, url: str, *, clock: Clock | None = None,
                   rng: random.Random | None = None) -> PostgresStorage:
        """Connect to the database at ``url``, with its schema brought up to date."""
        return cls(await PgDatabase.open(url), clock=clock, rng=rng)

    def version(self) -> int:
        """Another process may have written anything at any moment: every call is a new version,
        so nothing read is used again."""
        return next(self._versions)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[PostgresTransaction]:
        async with self.db.atomic() as sql:
            yield PostgresTransaction(sql, self)

    async def close(self) -> None:
        """Write the showings still waiting, then close the pool."""
        await self.showings.close()
        await self.db.close()
