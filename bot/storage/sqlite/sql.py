"""What a repository runs its statements on (see :class:`Sql`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from bot.storage.sqlite.database import TransactionSql

Row = sqlite3.Row


class Sql(Protocol):
    """What a repository runs its statements on: the database itself (each statement on its own)
    or one transaction (:meth:`Database.atomic`). A repository written against this works in
    both, so a service can call the same method alone or as part of a larger change."""

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[Row]: ...

    async def fetch_one(self, sql: str, params: Iterable[Any] = ()) -> Row | None: ...

    async def scalar(self, sql: str, params: Iterable[Any] = ()) -> Any: ...

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run one statement; return how many rows it changed."""
        ...

    async def execute_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...

    def atomic(self) -> AbstractAsyncContextManager[TransactionSql]:
        """A transaction, or the one under way: statements in it commit together or not at all."""
        ...

    def exclusive(self) -> AbstractAsyncContextManager[Sql]:
        """Statements that no other coroutine's writes come in between (each may commit alone)."""
        ...
