"""A moderation action's check, write and record, written once: the moderator is checked, then one
transaction holds the change and the log entry that says who did it, when, and what it was before
and after."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from msgspec import Struct

from bot.models import Item
from bot.records import ActionRecord, AuditEntry, Case, Values
from bot.services.moderation.access import Access, Actor
from bot.storage import Transaction


class Acting(Struct, frozen=True):
    """One moderation action under way: its transaction, its moment, and how it is recorded."""

    tx: Transaction
    now: str
    guild_id: int
    actor_id: int | None  # None: the bot itself (a hide by reports)

    async def record(self, entry: AuditEntry) -> ActionRecord:
        return await self.tx.audit.record(guild_id=self.guild_id, actor_id=self.actor_id, entry=entry, now=self.now)


@asynccontextmanager
async def acting(access: Access, guild_id: int, actor: Actor | None) -> AsyncIterator[Acting]:
    """One moderation action: the actor is checked to be a moderator (``None`` is the bot itself),
    then everything written through the transaction, its record included, commits together or not
    at all (an error raised inside undoes the lot).

    Methods check the moderator first thing too, before they read anything for a member who may
    not see it; the check here makes it impossible to record a moderator's action without one.
    """
    if actor is not None:
        await access.require_moderator(guild_id, actor)
    async with access.storage.transaction() as tx:
        yield Acting(tx, access.now(), guild_id, actor.user_id if actor is not None else None)


def on_item(action: str, item: Item, *, case_id: int | None = None, case_number: int | None = None,
            before: Values | None = None, after: Values | None = None, details: Values | None = None,
            reason: str | None = None) -> AuditEntry:
    """An action filed under an item (and a review case: its id, and the number the server sees)."""
    numbered = {"case_number": case_number} if case_number is not None else {}
    return AuditEntry(action=action, target=f"item:{item.id}", kind=item.kind, item_id=item.id, case_id=case_id,
                      before=before, after=after, details={**numbered, **(details or {})}, reason=reason)


def on_case(action: str, case: Case, *, item_id: int | None = None, before: Values | None = None,
            after: Values | None = None, details: Values | None = None, reason: str | None = None) -> AuditEntry:
    """An action filed under a review case; the member concerned is the one who opened it."""
    return AuditEntry(action=action, target=f"case:{case.id}", kind=case.kind, item_id=item_id or case.item_id,
                      case_id=case.id, member_id=case.user_id, before=before, after=after,
                      details={"case_number": case.number, **(details or {})}, reason=reason)


class AuditTrail:
    """Reading the server's log of moderation actions."""

    def __init__(self, access: Access) -> None:
        self.access = access

    async def actions(self, guild_id: int, actor: Actor, *, target: str | None = None,
                      limit: int = 20) -> list[ActionRecord]:
        await self.access.require_moderator(guild_id, actor)
        return await self.access.storage.audit.actions(guild_id, target=target, limit=limit)
