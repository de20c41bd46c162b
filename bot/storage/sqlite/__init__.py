"""The SQLite backend of :mod:`bot.storage`: one file, one process."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cached_property
from pathlib import Path
from typing import Protocol

from bot.cache import ReadCache
from bot.clock import Clock, SystemClock
from bot.storage.sqlite.audit import AuditLog
from bot.storage.sqlite.catalog import CatalogRepository
from bot.storage.sqlite.daily import DailyRepository
from bot.storage.sqlite.database import Database
from bot.storage.sqlite.favorites import FavoriteRepository
from bot.storage.sqlite.history import HistoryRepository, ShowingWriter
from bot.storage.sqlite.items import ItemRepository
from bot.storage.sqlite.moderation import ModerationRepository
from bot.storage.sqlite.mood_corrections import MoodCorrectionRepository
from bot.storage.sqlite.picks import PickReads
from bot.storage.sqlite.privacy import PrivacyRepository
from bot.storage.sqlite.settings import MetaRepository, SettingsRepository
from bot.storage.sqlite.sql import Sql
from bot.storage.sqlite.votes import VoteRepository


class Shared(Protocol):
    """What every repository of one storage shares, whichever way it runs its statements."""

    @property
    def rng(self) -> random.Random: ...

    @property
    def showings(self) -> ShowingWriter: ...

    @property
    def cache(self) -> ReadCache: ...


class Repositories:
    """The repositories over one way of running statements: the database, or one transaction.
    The PostgreSQL backend takes them as they are, but for the few it writes its own way."""

    def __init__(self, sql: Sql, storage: Shared) -> None:
        self._sql = sql
        self._storage = storage

    @cached_property
    def items(self) -> ItemRepository:
        return ItemRepository(self._sql, self._storage.rng)

    @cached_property
    def history(self) -> HistoryRepository:
        return HistoryRepository(self._sql, self._storage.showings)

    @cached_property
    def votes(self) -> VoteRepository:
        return VoteRepository(self._sql)

    @cached_property
    def settings(self) -> SettingsRepository:
        return SettingsRepository(self._sql, self._storage.cache)

    @cached_property
    def meta(self) -> MetaRepository:
        return MetaRepository(self._sql)

    @cached_property
    def moderation(self) -> ModerationRepository:
        return ModerationRepository(self._sql)

    @cached_property
    def audit(self) -> AuditLog:
        return AuditLog(self._sql)

    @cached_property
    def daily(self) -> DailyRepository:
        return DailyRepository(self._sql)

    @cached_property
    def catalog(self) -> CatalogRepository:
        return CatalogRepository(self._sql)

    @cached_property
    def mood_corrections(self) -> MoodCorrectionRepository:
        return MoodCorrectionRepository(self._sql)

    @cached_property
    def favorites(self) -> FavoriteRepository:
        return FavoriteRepository(self._sql)

    @cached_property
    def privacy(self) -> PrivacyRepository:
        return PrivacyRepository(self._sql)


class SqliteTransaction(Repositories):
    """One unit of work: every repository call through it commits together, or none does."""


class SqliteStorage(Repositories):
    def __init__(self, db: Database, *, clock: Clock | None = None, rng: random.Random | None = None) -> None:
        self.db = db
        self.rng = rng or random.Random()
        self.clock = clock or SystemClock()
        self.showings = ShowingWriter(db)
        self.cache = ReadCache(self.version, self.clock.now)
        super().__init__(db, self)
        self.picks = PickReads(self.items, self.showings, self.cache, self.clock, self.rng)

    @classmethod
    async def open(cls, path: Path, *, clock: Clock | None = None,
                   rng: random.Random | None = None) -> SqliteStorage:
        """Open (creating if needed) the database at ``path``, with its schema up to date."""
        return cls(await Database.open(path), clock=clock, rng=rng)

    def version(self) -> int:
        """This process's writes so far (see :attr:`Database.writes`): other processes' are not
        seen, which is why SQLite is the one-process backend."""
        return self.db.writes

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SqliteTransaction]:
        async with self.db.atomic() as sql:
            yield SqliteTransaction(sql, self)

    async def close(self) -> None:
        """Write the showings still waiting, then close the database."""
        await self.showings.close()
        await self.db.close()
