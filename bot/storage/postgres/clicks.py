"""The toggles of a click (⭐ Save, 👍/👎) on PostgreSQL, each one statement.

On SQLite a toggle reads and writes under the write lock, so two clicks at the same moment take
turns. Here a transaction takes no such lock: two clicks both find no row, both insert, and the
second fails on the primary key (a double-click on ⭐ Save), or both "cast" one vote. So each
toggle is one statement whose delete and insert see the same snapshot, and whose insert gives
way on a conflict (``ON CONFLICT``) instead of failing. A statement that did neither met a click
committed after its snapshot was taken; run again, it sees that click and undoes or switches
it. However they meet, the clicks end as they would one after another, as on SQLite.
"""

from __future__ import annotations

from bot.models import VoteTally
from bot.storage.sqlite.favorites import FavoriteRepository
from bot.storage.sqlite.votes import VoteRepository

# Each retry means another click on the same row committed meanwhile; this many in a row is no
# member clicking, and is left to fail loudly.
ATTEMPTS = 8

SAVE = """
WITH removed AS (
    DELETE FROM favorites WHERE user_id = ?1 AND guild_id = ?2 AND item_id = ?3 RETURNING 1
), added AS (
    INSERT INTO favorites (user_id, guild_id, item_id, saved_at)
    SELECT ?1, ?2, ?3, ?4
     WHERE NOT EXISTS (SELECT 1 FROM removed) AND EXISTS (SELECT 1 FROM items WHERE id = ?3)
    ON CONFLICT DO NOTHING
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM removed) AS removed, EXISTS (SELECT 1 FROM added) AS added,
       EXISTS (SELECT 1 FROM items WHERE id = ?3) AS found"""

# A vote that is already there with the other value switches; one with the same value can only
# be there if a click committed after this statement's snapshot (else the delete took it), so
# the update leaves it alone and the statement runs again.
VOTE = """
WITH withdrawn AS (
    DELETE FROM votes WHERE item_id = ?1 AND guild_id = ?2 AND user_id = ?3 AND value = ?4 RETURNING 1
), cast_ AS (
    INSERT INTO votes (item_id, guild_id, user_id, value, voted_at, mood)
    SELECT ?1, ?2, ?3, ?4, ?5, ?6
     WHERE NOT EXISTS (SELECT 1 FROM withdrawn) AND EXISTS (SELECT 1 FROM items WHERE id = ?1)
    ON CONFLICT (item_id, guild_id, user_id)
    DO UPDATE SET value = excluded.value, voted_at = excluded.voted_at, mood = excluded.mood
          WHERE votes.value <> excluded.value
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM withdrawn) AS withdrawn, EXISTS (SELECT 1 FROM cast_) AS cast_,
       EXISTS (SELECT 1 FROM items WHERE id = ?1) AS found"""


class ClickRaced(RuntimeError):
    """A toggle kept meeting other clicks on the same row (see ATTEMPTS)."""


class PgFavoriteRepository(FavoriteRepository):
    async def toggle(self, *, user_id: int, guild_id: int, item_id: int, now: str) -> bool | None:
        """As on SQLite: saved afterwards, False if the click took it out, None if no such item."""
        for _ in range(ATTEMPTS):
            row = await self.sql.fetch_one(SAVE, (user_id, guild_id, item_id, now))
            assert row is not None
            if row["removed"]:
                return False
            if row["added"]:
                return True
            if not row["found"]:
                return None
        raise ClickRaced(f"saving item {item_id}: {ATTEMPTS} other clicks came in between")


class PgVoteRepository(VoteRepository):
    async def toggle(self, *, item_id: int, guild_id: int, user_id: int, value: int,
                     now: str, mood: str | None = None) -> tuple[int, VoteTally] | None:
        """As on SQLite (cast, withdrawn or switched); the tally is read after the statement,
        whose triggers have brought it up to date."""
        for _ in range(ATTEMPTS):
            row = await self.sql.fetch_one(VOTE, (item_id, guild_id, user_id, value, now, mood))
            assert row is not None
            if row["withdrawn"] or row["cast_"]:
                return (0 if row["withdrawn"] else value), await self.tally(item_id, guild_id)
            if not row["found"]:
                return None
        raise ClickRaced(f"voting on item {item_id}: {ATTEMPTS} other clicks came in between")
