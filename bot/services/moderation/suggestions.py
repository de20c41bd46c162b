"""Members suggest content: a form, checked and stored as a pending case for /review."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta

from bot.clock import iso
from bot.errors import UserError
from bot.models import Kind
from bot.records import Case
from bot.services.moderation.access import Access
from bot.services.moderation.text import check_categories, check_duplicate, fingerprint, parse_form

log = logging.getLogger(__name__)

SUGGESTION_WINDOW = timedelta(hours=24)


class Suggestions:
    def __init__(self, access: Access) -> None:
        self.access = access
        self.storage = access.storage

    async def may_suggest(self, guild_id: int, user_id: int) -> None:
        """Raise if the member cannot suggest now (switched off, or the day's limit reached).

        Checked before a form is shown, so nobody fills one in for nothing, and again on submit.
        """
        await self._check_on(guild_id)
        since = iso(self.access.clock.now() - SUGGESTION_WINDOW)
        self._check_limit(await self.storage.moderation.suggestions_since(guild_id, user_id, since))

    async def _check_on(self, guild_id: int) -> None:
        if not (await self.storage.settings.get(guild_id)).suggestions_enabled:
            raise UserError("Suggestions are switched off in this server.")

    def _check_limit(self, made: int) -> None:
        if made >= self.access.daily_limit:
            raise UserError("You have made {count} suggestions in the last 24 hours, as many as a member may "
                            "make in a day. Try again tomorrow.", count=made)

    async def suggest(self, guild_id: int, user_id: int, kind: Kind, form: Mapping[str, str]) -> Case:
        """Store a member's suggestion for review; return the case (its id is the receipt)."""
        await self._check_on(guild_id)
        entry = parse_form(kind, form)
        entry = await check_categories(self.storage, guild_id, entry, confirmable=False)
        await check_duplicate(self.storage, guild_id, entry)
        now = self.access.clock.now()
        since = iso(now - SUGGESTION_WINDOW)
        async with self.storage.transaction() as tx:
            # Counted inside the write transaction, so two quick submissions cannot both slip under.
            self._check_limit(await tx.moderation.suggestions_since(guild_id, user_id, since))
            case_id = await tx.moderation.add_case(guild_id=guild_id, type="suggestion", kind=kind, user_id=user_id,
                                                   now=iso(now), proposal=entry, fingerprint=fingerprint(entry))
        log.info("suggestion %s in guild %s by %s", case_id, guild_id, user_id)
        case = await self.storage.moderation.get_case(case_id, guild_id)
        assert case is not None
        return case
