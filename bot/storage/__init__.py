"""Where content, votes and everything else are kept: the one seam between the rules and a database.

Services hold a :class:`Storage` and speak to it in the project's own dataclasses. A read is one
call (``await storage.items.get(item_id)``); a change that must hold together is a unit of work::

    async with storage.transaction() as tx:
        item_id, _ = await tx.items.upsert(entry, origin="moderator", guild_id=guild_id, now=now)
        await tx.moderation.set_case_item(case_id, item_id)

Everything in the block commits together or not at all, and no service ever holds a connection.
The repositories (``bot.repositories``) are the SQL behind these names; what a backend does to be
fast (statements on the event loop, showings written behind, settings kept in memory) stays
behind this seam too. SQLite (:mod:`bot.storage.sqlite`) is the one backend today.
"""

from __future__ import annotations

from bot.storage.sqlite import SqliteStorage as Storage
from bot.storage.sqlite import SqliteTransaction as Transaction

__all__ = ["Storage", "Transaction"]
