"""What a repository runs its statements on (see :class:`Sql`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol, TypeAlias

# A row read by name or by position: an sqlite3.Row here, an asyncpg Record on PostgreSQL (whose
# backend runs these repositories' portable statements through the same protocol).
Row: TypeAlias = Any


class Sql(Protocol):
    """What a repository runs its statements on: the database itself (each statement on its own)
    or one transaction (:meth:`Database.atomic`). A repository written against this works in
    both, so a service can call the same method alone or as part of a larger change. The
    PostgreSQL backend provides it too (``bot.storage.postgres.database``), translating ``?``."""

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[Row]: ...

    async def fetch_one(self, sql: str, params: Iterable[Any] = ()) -> Row | None: ...

    async def scalar(self, sql: str, params: Iterable[Any] = ()) -> Any: ...

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run one statement; return how many rows it changed."""
        ...

    async def execute_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...

    def atomic(self) -> AbstractAsyncContextManager[Sql]:
        """A transaction, or the one under way: statements in it commit together or not at all."""
        ...

    def exclusive(self) -> AbstractAsyncContextManager[Sql]:
        """Statements that no other coroutine's writes come in between (each may commit alone)."""
        ...
