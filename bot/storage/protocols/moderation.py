"""What services ask of moderation: the review queue, hidden items, versions, the action log, mood corrections."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.models import ContentEntry, Item, Kind
from bot.records import (
    ActionRecord,
    AuditEntry,
    Case,
    ItemState,
    MoodCorrection,
    Report,
    SimilarItem,
    Version,
)


class Moderation(Protocol):
    async def get_case(self, case_id: int, guild_id: int) -> Case | None:
        """A case of this server; another server's case is as good as missing."""
        ...

    async def next_pending(self, guild_id: int) -> Case | None:
        """The server's oldest pending suggestion or report case."""
        ...

    async def pending_count(self, guild_id: int) -> int: ...

    async def waiting_queues(self, older_than: str) -> list[tuple[int, int, int, datetime]]:
        """(server, pending suggestions, pending reports, the oldest's creation) for every server
        whose oldest pending suggestion or report was made before ``older_than``."""
        ...

    async def add_case(
        self,
        *,
        guild_id: int,
        type: str,
        kind: Kind,
        user_id: int,
        now: str,
        proposal: ContentEntry | None = None,
        fingerprint: str | None = None,
        item_id: int | None = None,
        status: str = "pending",
    ) -> int:
        """Open a case (or, with ``status``, record one decided at once); return its id."""
        ...

    async def decide(
        self, *, case_id: int, guild_id: int, status: str, actor_id: int, now: str, reason: str | None = None
    ) -> bool:
        """Close a pending case; False if it is not pending any more (someone decided first).

        One conditional UPDATE, so of two moderators deciding at once exactly one wins."""
        ...

    async def set_case_item(self, case_id: int, item_id: int) -> None: ...

    async def update_proposal(self, *, case_id: int, guild_id: int, proposal: ContentEntry, fingerprint: str) -> bool:
        """Replace a pending suggestion's content; False if it was decided meanwhile."""
        ...

    async def pending_proposal(self, *, case_id: int, guild_id: int) -> ContentEntry | None:
        """A pending suggestion's content as it is now (None once it is decided); read inside a write
        transaction, it lets an edit check that nobody changed it meanwhile."""
        ...

    async def suggestions_since(self, guild_id: int, user_id: int, since: str) -> int:
        """How many suggestions a member made in a server after ``since``, whatever became of them."""
        ...

    async def pending_fingerprints(self, guild_id: int, kind: Kind, limit: int = 500) -> list[tuple[int, int, str]]:
        """(case id, normalised text) of the server's newest pending suggestions of a kind."""
        ...

    async def similar_items(self, *, kind: Kind, guild_id: int, query: str, limit: int = 25) -> list[SimilarItem]:
        """Active items visible in the server that best match an FTS5 query (for duplicate checks)."""
        ...

    async def open_report_case(self, *, guild_id: int, item_id: int, kind: Kind, user_id: int, now: str) -> int:
        """The item's open report case in the server, opened now if there is none; return its id."""
        ...

    async def add_report(self, *, case_id: int, user_id: int, reason: str, now: str) -> bool:
        """Add a member's report to a case; False (and nothing changes) if they already reported it."""
        ...

    async def reporter_count(self, case_id: int) -> int: ...

    async def reports(self, case_id: int) -> list[Report]: ...

    async def open_report_case_for(self, guild_id: int, item_id: int) -> int | None: ...

    async def close_report_case(
        self, *, guild_id: int, item_id: int, status: str, actor_id: int, now: str, reason: str | None
    ) -> bool:
        """Settle the item's open report case in the server, if there is one."""
        ...

    async def set_item_status(self, *, item_id: int, guild_id: int, status: str, now: str) -> bool:
        """Retire or restore one of the server's own items; another server's or a global item is never
        touched (False)."""
        ...

    async def item_state(self, item_id: int) -> ItemState | None:
        """An item's content hash and status as they are now; read inside a write transaction, it lets
        an edit check that nobody changed the item since the editor opened it."""
        ...

    async def hidden_reason(self, guild_id: int, item_id: int) -> str | None: ...

    async def hide(self, *, guild_id: int, item_id: int, reason: str, now: str) -> bool:
        """Hide an item in a server. An item already hidden stays hidden with its first reason,
        except that a moderator's decision replaces a hide by reports. Returns whether a row changed."""
        ...

    async def unhide(self, *, guild_id: int, item_id: int, reason: str | None = None) -> bool:
        """Show a hidden item again (only if it was hidden for ``reason``, when given)."""
        ...

    async def save_version(self, *, item_id: int, entry: ContentEntry, edited_by: int | None, now: str) -> int:
        """Keep an item's content as it was before an edit; return the version's id."""
        ...

    async def versions(self, item_id: int, kind: Kind, key: str) -> list[Version]:
        """An item's earlier versions, oldest first."""
        ...

    async def pending(self, guild_id: int, *, limit: int = 20) -> list[Case]:
        """The server's pending suggestions and report cases, oldest first (at most ``limit``)."""
        ...

    async def library(self, guild_id: int, *, query: str | None, limit: int = 30) -> list[tuple[Item, str | None]]:
        """Items a server's moderators look after, with why each is hidden in the server (None: it is
        not): matching an FTS5 query, best first, the server's own and global ones, removed ones too;
        with no query, the server's own items, newest first."""
        ...


class Audit(Protocol):
    async def record(self, *, guild_id: int, actor_id: int | None, entry: AuditEntry, now: str) -> ActionRecord:
        """Append an action to the server's log, in the transaction it runs in (never updated or deleted)."""
        ...

    async def actions(self, guild_id: int, *, target: str | None = None, limit: int = 50) -> list[ActionRecord]:
        """The server's most recent actions (on one target, when given), newest first."""
        ...


class MoodCorrections(Protocol):
    async def add(
        self, *, guild_id: int, user_id: int, text: str, read_as: str, chosen: str, now: str
    ) -> MoodCorrection:
        """Store one correction. A member correcting the same text again replaces their earlier
        correction of it (the newest choice is what they mean), so a text counts once per member."""
        ...

    async def for_guild(self, guild_id: int, *, limit: int | None = None) -> list[MoodCorrection]:
        """The server's corrections, newest first (all of them, or the ``limit`` newest)."""
        ...

    async def guilds(self) -> list[int]:
        """The servers that have corrections, in id order."""
        ...

    async def clear(self, guild_id: int, correction_id: int | None = None) -> list[MoodCorrection]:
        """Remove one correction of the server (or, with no id, all of them); returns what was
        deleted (nothing if the id is not this server's)."""
        ...
