"""Where content, votes and everything else are kept: the one seam between the rules and a database.

Services hold a :class:`Storage` and speak to it in the project's own records. A read is one
call (``await storage.items.get(item_id)``); a change that must hold together is a unit of work::

    async with storage.transaction() as tx:
        item_id, _ = await tx.items.upsert(entry, origin="moderator", guild_id=guild_id, now=now)
        await tx.moderation.set_case_item(case_id, item_id)

Everything in the block commits together or not at all, and no service ever holds a connection.
The repositories are protocols (:mod:`bot.storage.protocols`); a backend's classes are the SQL
behind those names, and what a backend does to be fast (statements on the event loop, showings
written behind, settings kept in memory) stays behind this seam too. The backends are SQLite
(:mod:`bot.storage.sqlite`, the default: one file, one process) and PostgreSQL
(:mod:`bot.storage.postgres`: several processes on one database); :func:`bot.storage.open.open_storage`
opens the one a database URL names.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Protocol

from bot.storage.protocols import (
    Audit,
    Catalog,
    Daily,
    Favorites,
    History,
    Items,
    Meta,
    Moderation,
    MoodCorrections,
    Picks,
    Privacy,
    Votes,
)
from bot.storage.protocols import Settings as SettingsRepository


class Transaction(Protocol):
    """One unit of work: every repository call through it commits together, or none does."""

    @property
    def items(self) -> Items: ...

    @property
    def history(self) -> History: ...

    @property
    def votes(self) -> Votes: ...

    @property
    def settings(self) -> SettingsRepository: ...

    @property
    def meta(self) -> Meta: ...

    @property
    def moderation(self) -> Moderation: ...

    @property
    def audit(self) -> Audit: ...

    @property
    def daily(self) -> Daily: ...

    @property
    def catalog(self) -> Catalog: ...

    @property
    def mood_corrections(self) -> MoodCorrections: ...

    @property
    def favorites(self) -> Favorites: ...

    @property
    def privacy(self) -> Privacy:
        """What is stored about a member, its deletion, and ageing old data out."""
        ...


class Storage(Transaction, Protocol):
    """The repositories for reads and single changes, and units of work for the rest."""

    @property
    def picks(self) -> Picks:
        """The reads a pick makes."""
        ...

    def transaction(self) -> AbstractAsyncContextManager[Transaction]: ...

    def version(self) -> int:
        """A number that moves whenever something this storage can tell of may have changed what a
        read returns: while it stays the same, rows read earlier may be used again (see
        :mod:`bot.cache`). What it covers is the backend's to say (this process's own writes on
        SQLite; on PostgreSQL, where other processes write too, it moves at every call)."""
        ...

    async def close(self) -> None:
        """Write what is still waiting to be written, then close."""
        ...
