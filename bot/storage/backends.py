"""Opening the storage a configuration names: the SQLite file, or a PostgreSQL database."""

from __future__ import annotations

import random

from bot.clock import Clock
from bot.config import Config
from bot.storage import Storage


async def open_storage(config: Config, *, clock: Clock | None = None, rng: random.Random | None = None) -> Storage:
    """The storage at ``config``'s database (migrated), or :class:`~bot.errors.BanterError` with
    one line saying why it cannot be reached."""
    if config.database_url is not None:
        from bot.storage.postgres import PostgresStorage

        return await PostgresStorage.open(config.database_url, clock=clock, rng=rng)
    from bot.storage.sqlite import SqliteStorage

    return await SqliteStorage.open(config.database_path, clock=clock, rng=rng)
