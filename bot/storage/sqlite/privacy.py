"""SQL for what is stored about a member (``/mydata``) and for ageing old data out.

Every table that holds a user id, and what a deletion does to it:

* ``votes``, ``favorites``, ``mood_corrections``, ``reports`` (the member's own report on a case):
  deleted (the tallies follow by trigger);
* ``review_cases``: the member's pending suggestions are deleted (withdrawn); every other case
  they opened, and every case they decided, keeps its row with the user id replaced by
  :data:`~bot.members.FORMER_MEMBER`;
* ``item_versions.edited_by``, ``moderation_log.actor_id`` and ``member_id``: replaced the same way,
  so the moderation history still reads.
"""

from __future__ import annotations

from bot.members import FORMER_MEMBER, AgedOut, Deletion, Entry, MemberData
from bot.storage.sqlite.sql import Sql

RECENT = 5

# Each kind's recent rows: (kind, query). Every query takes the user id (?1) and how many rows to
# return (?2), and reads (at, guild_id, item_id, case number, value, total): the number each server
# gives its suggestions and report cases, as members see it elsewhere, and in every row how many
# rows the kind holds in all (a window count: the table is read once for both).
QUERIES: tuple[tuple[str, str], ...] = (
    ("votes", """SELECT voted_at, guild_id, item_id, NULL, CASE value WHEN 1 THEN 'up' ELSE 'down' END,
                        count(*) OVER ()
                   FROM votes WHERE user_id = ?1 ORDER BY voted_at DESC LIMIT ?2"""),
    ("favorites", """SELECT saved_at, guild_id, item_id, NULL, '', count(*) OVER ()
                       FROM favorites WHERE user_id = ?1 ORDER BY saved_at DESC LIMIT ?2"""),
    ("suggestions", """SELECT created_at, guild_id, item_id, number, status, count(*) OVER () FROM review_cases
                        WHERE user_id = ?1 AND type = 'suggestion' ORDER BY created_at DESC, id DESC LIMIT ?2"""),
    ("reports", """SELECT r.created_at, c.guild_id, c.item_id, c.number, r.reason, count(*) OVER () FROM reports r
                     JOIN review_cases c ON c.id = r.case_id
                    WHERE r.user_id = ?1 ORDER BY r.created_at DESC, r.id DESC LIMIT ?2"""),
    ("mood_corrections", """SELECT created_at, guild_id, NULL, NULL, printf('%s → %s', text, chosen),
                                   count(*) OVER ()
                              FROM mood_corrections WHERE user_id = ?1 ORDER BY id DESC LIMIT ?2"""),
    # The log keeps the case's id; the member knows it by its number (the id if the case is gone).
    ("moderation", """SELECT l.created_at, l.guild_id, l.item_id, coalesce(c.number, l.case_id), l.action,
                             count(*) OVER ()
                        FROM moderation_log l LEFT JOIN review_cases c ON c.id = l.case_id
                       WHERE l.actor_id = ?1 OR l.member_id = ?1 ORDER BY l.id DESC LIMIT ?2"""),
)

# What a deletion runs, in order, each statement taking the user id (then FORMER_MEMBER where it
# anonymises): (kind, statement); kinds starting with "~" are anonymised, not deleted.
DELETIONS: tuple[tuple[str, str], ...] = (
    ("votes", "DELETE FROM votes WHERE user_id = ?"),
    ("favorites", "DELETE FROM favorites WHERE user_id = ?"),
    ("mood_corrections", "DELETE FROM mood_corrections WHERE user_id = ?"),
    ("reports", "DELETE FROM reports WHERE user_id = ?"),
    ("suggestions", "DELETE FROM review_cases WHERE user_id = ? AND type = 'suggestion' AND status = 'pending'"),
    ("~cases", "UPDATE review_cases SET user_id = ?2 WHERE user_id = ?1"),
    ("~decisions", "UPDATE review_cases SET decided_by = ?2 WHERE decided_by = ?1"),
    ("~versions", "UPDATE item_versions SET edited_by = ?2 WHERE edited_by = ?1"),
    ("~actors", "UPDATE moderation_log SET actor_id = ?2 WHERE actor_id = ?1"),
    ("~members", "UPDATE moderation_log SET member_id = ?2 WHERE member_id = ?1"),
)


class PrivacyRepository:
    def __init__(self, sql: Sql) -> None:
        self.sql = sql

    async def member_data(self, user_id: int, *, recent: int = RECENT) -> MemberData:
        """Everything stored under ``user_id``, in every server: counts, and the newest entries."""
        counts: dict[str, int] = {}
        entries: dict[str, list[Entry]] = {}
        for kind, query in QUERIES:
            # At least one row, which carries the count, even when no entries are asked for.
            rows = await self.sql.fetch_all(query, (user_id, max(recent, 1)))
            counts[kind] = rows[0][5] if rows else 0
            entries[kind] = [Entry(r[0], r[1], r[2], r[3], r[4] or "") for r in rows[:recent]]
        return MemberData(counts, entries)

    async def delete_member(self, user_id: int) -> Deletion:
        """Delete what is stored under ``user_id`` and anonymise the moderation records, in one
        transaction (see the module's docstring for what happens to each table)."""
        deleted: dict[str, int] = {}
        anonymised = 0
        async with self.sql.atomic() as tx:
            for kind, statement in DELETIONS:
                if kind.startswith("~"):
                    anonymised += await tx.execute(statement, (user_id, FORMER_MEMBER))
                else:
                    deleted[kind] = await tx.execute(statement, (user_id,))
        return Deletion(deleted, anonymised)

    async def age_out(self, *, history_before: str, reports_before: str) -> AgedOut:
        """Forget showings older than ``history_before`` and report cases decided before
        ``reports_before`` (with their reports; the moderation log keeps the decision).

        No transaction: each statement stands on its own. The scopes with old showings are found
        by a read (which holds no lock), then each scope's are deleted through the history_age
        index, one short statement each, so votes and picks are never held up behind one long
        delete that scans the whole table with the write lock held."""
        scopes = await self.sql.fetch_all("SELECT DISTINCT scope_id, kind FROM history WHERE shown_at < ?",
                                          (history_before,))
        history = 0
        for scope in scopes:
            history += await self.sql.execute(
                "DELETE FROM history WHERE scope_id = ? AND kind = ? AND shown_at < ?",
                (scope["scope_id"], scope["kind"], history_before),
            )
        reports = await self.sql.execute(
            """DELETE FROM review_cases WHERE type = 'report' AND status IN ('kept', 'removed')
                AND decided_at < ?""",
            (reports_before,),
        )
        return AgedOut(history, reports)
