"""Members report items: reports gather on one open case per item and server, and at the server's
threshold the item is hidden there until a moderator decides."""

from __future__ import annotations

from msgspec import Struct

from bot.errors import UserError
from bot.models import Item
from bot.records import ActionRecord
from bot.services.moderation.access import Access
from bot.services.moderation.audit import acting, on_item
from bot.services.moderation.text import check_reason

REPORTED_ALREADY = "You have reported this item already; the moderators will look at it."


class ReportOutcome(Struct, frozen=True):
    case_id: int
    reporters: int
    hidden_now: bool
    record: ActionRecord | None  # the automatic hide, when the report crossed the threshold


class Reports:
    def __init__(self, access: Access) -> None:
        self.access = access
        self.storage = access.storage

    async def _reportable_item(self, guild_id: int, item_id: int) -> Item:
        item = await self.access.visible_item(guild_id, item_id)
        if item.status != "active":
            raise UserError("That item has been removed already.")
        return item

    async def may_report(self, guild_id: int, user_id: int, item_id: int) -> Item:
        """The item a member is about to report; raise if they cannot (gone, or reported already)."""
        item = await self._reportable_item(guild_id, item_id)
        case_id = await self.storage.moderation.open_report_case_for(guild_id, item_id)
        if case_id is not None and any(r.user_id == user_id for r in await self.storage.moderation.reports(case_id)):
            raise UserError(REPORTED_ALREADY)
        return item

    async def report(self, guild_id: int, user_id: int, item_id: int, reason: str) -> ReportOutcome:
        """Add a member's report to the item's open case; hide the item here at the threshold."""
        item = await self._reportable_item(guild_id, item_id)
        text = check_reason(reason, required=True)
        assert text is not None
        threshold = await self.access.report_threshold(guild_id)
        record = None
        hidden_now = False
        # The hide, if it comes, is the bot's own action: recorded without an actor.
        async with acting(self.access, guild_id, None) as act:
            moderation = act.tx.moderation
            case_id = await moderation.open_report_case(guild_id=guild_id, item_id=item_id, kind=item.kind,
                                                        user_id=user_id, now=act.now)
            if not await moderation.add_report(case_id=case_id, user_id=user_id, reason=text, now=act.now):
                raise UserError(REPORTED_ALREADY)
            reporters = await moderation.reporter_count(case_id)
            if reporters >= threshold:
                hidden_now = await moderation.hide(guild_id=guild_id, item_id=item_id, reason="reports", now=act.now)
                if hidden_now:
                    case = await moderation.get_case(case_id, guild_id)
                    record = await act.record(on_item(
                        "hide", item, case_id=case_id, case_number=case.number if case is not None else None,
                        before={"hidden": None}, after={"hidden": "reports"},
                        details={"reports": reporters},
                    ))
        return ReportOutcome(case_id, reporters, hidden_now, record)
