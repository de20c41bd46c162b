"""Where content, votes and everything else are kept: the one seam between the rules and a database.

Services hold a :class:`Storage` and speak to it in the project's own dataclasses. A read is one
call (``await storage.items.get(item_id)``); a change that must hold together is a unit of work::

    async with storage.transaction() as tx:
        item_id, _ = await tx.items.upsert(entry, origin="moderator", guild_id=guild_id, now=now)
        await tx.moderation.set_case_item(case_id, item_id)

Everything in the block commits together or not at all, and no service ever holds a connection.
The repositories (``bot.storage.sqlite``) are the SQL behind these names; what a backend does to be
fast (statements on the event loop, showings written behind, settings kept in memory) stays
behind this seam too. SQLite (:mod:`bot.storage.sqlite`) is the one backend today.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from bot.storage.sqlite.audit import AuditLog
    from bot.storage.sqlite.catalog import CatalogRepository
    from bot.storage.sqlite.daily import DailyRepository
    from bot.storage.sqlite.favorites import FavoriteRepository
    from bot.storage.sqlite.history import HistoryRepository
    from bot.storage.sqlite.items import ItemRepository
    from bot.storage.sqlite.moderation import ModerationRepository
    from bot.storage.sqlite.mood_corrections import MoodCorrectionRepository
    from bot.storage.sqlite.picks import PickReads
    from bot.storage.sqlite.privacy import PrivacyRepository
    from bot.storage.sqlite.settings import MetaRepository, SettingsRepository
    from bot.storage.sqlite.votes import VoteRepository


class Transaction(Protocol):
    """One unit of work: every repository call through it commits together, or none does."""

    @property
    def items(self) -> ItemRepository: ...

    @property
    def history(self) -> HistoryRepository: ...

    @property
    def votes(self) -> VoteRepository: ...

    @property
    def settings(self) -> SettingsRepository: ...

    @property
    def meta(self) -> MetaRepository: ...

    @property
    def moderation(self) -> ModerationRepository: ...

    @property
    def audit(self) -> AuditLog: ...

    @property
    def daily(self) -> DailyRepository: ...

    @property
    def catalog(self) -> CatalogRepository: ...

    @property
    def mood_corrections(self) -> MoodCorrectionRepository: ...

    @property
    def favorites(self) -> FavoriteRepository: ...

    @property
    def privacy(self) -> PrivacyRepository:
        """What is stored about a member, its deletion, and ageing old data out."""
        ...


class Storage(Transaction, Protocol):
    """The repositories for reads and single changes, and units of work for the rest."""

    @property
    def picks(self) -> PickReads:
        """The reads a pick makes (see :mod:`bot.storage.sqlite.picks`)."""
        ...

    def transaction(self) -> AbstractAsyncContextManager[Transaction]: ...

    async def close(self) -> None:
        """Write what is still waiting to be written, then close."""
        ...
