"""Which shards this process runs, and which servers they hold.

Discord splits a bot's servers over shards by id: a server belongs to shard
``(guild_id >> 22) % shard_count``. A large bot runs its shards in several processes (clusters),
each given the same ``shard_count`` and its own ``shard_ids``. By default one process runs every
shard and Discord picks how many (:attr:`Shards.count` is then None).
"""

from __future__ import annotations

from collections.abc import Sequence

from msgspec import Struct

# Discord's own limit is far lower for any bot; this only keeps a typo from asking for millions.
MAX_SHARDS = 65536


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard that holds ``guild_id`` when the bot runs ``shard_count`` shards."""
    return (guild_id >> 22) % shard_count


class Shards(Struct, frozen=True):
    """``count`` shards in all (None: Discord decides) of which this process runs ``ids`` (None: all)."""

    count: int | None = None
    ids: tuple[int, ...] | None = None

    @property
    def is_cluster(self) -> bool:
        """Whether this process runs only some of the bot's shards (so other servers are not its own)."""
        return self.count is not None and self.ids is not None and len(self.ids) < self.count

    def owns(self, guild_id: int) -> bool:
        """Whether the server is on one of this process's shards (every server, unless a cluster)."""
        if self.count is None or self.ids is None:
            return True
        return shard_of(guild_id, self.count) in self.ids


def shards_problem(count: int | None, ids: Sequence[int] | None) -> str | None:
    """What is wrong with this choice of shards, in words naming the key, or None."""
    if count is not None and not 1 <= count <= MAX_SHARDS:
        return f"discord.shard_count must be from 1 to {MAX_SHARDS} (got {count})"
    if ids is None:
        return None
    if count is None:
        return ("discord.shard_ids needs discord.shard_count too: every cluster must be told how many shards "
                "the bot runs in all")
    if not ids:
        return "discord.shard_ids must list at least one shard (or leave it out to run them all)"
    outside = [i for i in ids if not 0 <= i < count]
    if outside:
        return (f"discord.shard_ids must be from 0 to {count - 1} with discord.shard_count {count} "
                f"(got {', '.join(str(i) for i in outside)})")
    repeated = sorted({i for i in ids if list(ids).count(i) > 1})
    if repeated:
        return f"discord.shard_ids lists shard {', '.join(str(i) for i in repeated)} more than once"
    return None


def parse_ids(text: str) -> list[int] | None:
    """``"0,1"`` (or ``"0 1"``) as shard ids; None if it is not a list of whole numbers."""
    parts = [p for p in text.replace(",", " ").split()]
    if not parts or not all(p.isdigit() for p in parts):
        return None
    return [int(p) for p in parts]
