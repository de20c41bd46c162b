"""/review: the server's oldest pending suggestion or report, with buttons to decide it.

The buttons are persistent (``review:<case>:<action>``) and check moderator rights on every
click: a review message can outlive its moderator's role. After each decision the same message
shows the next case.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable

import discord
from discord import app_commands
from discord.ext import commands
from msgspec import Struct

from bot.bot import BanterBot
from bot.errors import UserError
from bot.models import FLAGS
from bot.services.moderation import AlreadyDecided, CaseDetails, Decision, EditConflict
from cogs.checks import actor_of, is_moderator
from cogs.i18n import Messages, tr, tr_guild
from cogs.moderation_ui import FormModal, ReasonModal, entry_embed, flags_text, hidden_text, post_modlog, tell_member
from cogs.ui import core_of, guarded, item_embed

log = logging.getLogger(__name__)

ACTIONS = ("approve", "reject", "edit", "keep", "remove", *(f"flag-{flag}" for flag in FLAGS))
CONTENT_MAX = 1900


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def categories_text(t: Messages, details: CaseDetails) -> str:
    """"puns, space (new)": the case's categories, those the library does not have yet marked."""
    names = [t("review.new_category", name=name) if name in details.new_categories else name
             for name in details.categories]
    return ", ".join(names) or t("moderation.none")


def case_text(t: Messages, details: CaseDetails) -> str:
    case = details.case
    waiting = t("review.waiting", count=details.waiting) if details.waiting > 1 else t("review.last_one")
    flags = t("review.flags", categories=categories_text(t, details), flags=flags_text(details.flags, t))
    if case.type == "suggestion":
        lines = [t("review.suggestion", id=case.number, kind=t(f"daily.kinds.{case.kind}"),
                   member=f"<@{case.user_id}>", waiting=waiting), flags]
    else:
        item = details.item
        scope = "global" if item is None or item.guild_id is None else "own"
        lines = [t(f"review.report.{scope}.{case.kind}", id=case.number, item=case.item_id,
                   reports=t("review.reports", count=len(details.reports)),
                   hidden=hidden_text(details.hidden, t), waiting=waiting),
                 flags + ("" if details.editable else t("review.global_note"))]
        for report in details.reports[:10]:
            lines.append(f"> <@{report.user_id}>: {_clip(report.reason, 150)}")
    text = "\n".join(lines)
    return text if len(text) <= CONTENT_MAX else text[: CONTENT_MAX - 1] + "…"


def case_view(t: Messages, details: CaseDetails) -> discord.ui.View:
    case = details.case
    view = discord.ui.View(timeout=None)
    if case.type == "suggestion":
        view.add_item(ReviewButton(case.id, "approve", t("review.approve"), discord.ButtonStyle.success, emoji="✅"))
        view.add_item(ReviewButton(case.id, "reject", t("review.reject"), discord.ButtonStyle.danger, emoji="✖️"))
    else:
        view.add_item(ReviewButton(case.id, "keep", t("review.keep"), discord.ButtonStyle.success, emoji="✅"))
        view.add_item(ReviewButton(case.id, "remove", t("review.remove"), discord.ButtonStyle.danger, emoji="🗑️"))
    view.add_item(ReviewButton(case.id, "edit", t("review.edit"), discord.ButtonStyle.secondary, emoji="✏️",
                               disabled=not details.editable))
    for n, flag in enumerate(FLAGS):
        on = flag in details.flags
        view.add_item(ReviewButton(
            case.id, f"flag-{flag}", f"{flag}: {t('action.on' if on else 'action.off')}",
            discord.ButtonStyle.primary if on else discord.ButtonStyle.secondary,
            disabled=not details.editable, row=1 + n // 3,
        ))
    return view


class CaseMessage(Struct, frozen=True):
    """A review message: a case with its buttons, or the empty queue."""

    content: str
    embed: discord.Embed | None = None
    view: discord.ui.View | None = None

    async def edit(self, interaction: discord.Interaction) -> None:
        """Show it in place of the message the interaction came from."""
        await interaction.response.edit_message(content=self.content, embed=self.embed, view=self.view)

    async def send(self, interaction: discord.Interaction) -> None:
        """Answer the interaction with it, privately."""
        if self.embed is None or self.view is None:
            await interaction.response.send_message(self.content, ephemeral=True)
        else:
            await interaction.response.send_message(self.content, embed=self.embed, view=self.view, ephemeral=True)


def case_message(t: Messages, details: CaseDetails | None, note: str | None = None) -> CaseMessage:
    """What shows a case (or the empty queue) in a review message, in the moderator's language."""
    prefix = f"{note}\n\n" if note else ""
    if details is None:
        return CaseMessage(prefix + t("review.empty"))
    case = details.case
    if case.proposal is not None:
        embed = entry_embed(case.proposal, t(f"review.suggested.{case.kind}", id=case.number), t)
    else:
        assert details.item is not None
        embed = item_embed(details.item, t=t)
    return CaseMessage(prefix + case_text(t, details), embed, case_view(t, details))


def outcome_note(t: Messages, decision: Decision) -> str:
    case = decision.case
    if case.status == "approved" and decision.item is not None:
        return t(f"review.approved.{case.kind}", id=case.number, item=decision.item.id)
    if case.status == "rejected":
        return t("review.rejected", id=case.number)
    outcome = "kept" if case.status == "kept" else "removed"
    return t(f"review.{outcome}.{case.kind}", id=case.number, item=case.item_id)


class ReviewButton(discord.ui.DynamicItem[discord.ui.Button],
                   template=r"review:(?P<case>[0-9]{1,19}):(?P<action>[a-z-]{1,20})"):
    """A decision or an edit on one case of the review queue."""

    def __init__(self, case_id: int, action: str, label: str = "…",
                 style: discord.ButtonStyle = discord.ButtonStyle.secondary, *, emoji: str | None = None,
                 disabled: bool = False, row: int | None = None) -> None:
        self.case_id = case_id
        self.action = action
        super().__init__(
            discord.ui.Button(style=style, label=label, emoji=emoji, disabled=disabled,
                              custom_id=f"review:{case_id}:{action}"),
            row=row,
        )

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[discord.ui.View],
                             match: re.Match[str], /) -> ReviewButton:
        return cls(int(match["case"]), match["action"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, lambda: self._act(interaction))

    async def _act(self, interaction: discord.Interaction) -> None:
        if interaction.guild_id is None:
            raise UserError("Reviews happen in servers only.")
        if self.action not in ACTIONS:
            raise UserError("That button is not one I know any more; run /review again.")
        core = core_of(interaction)
        guild_id, actor = interaction.guild_id, actor_of(interaction)
        # Rights are checked on every click: the first service call of each branch checks them.
        if self.action in ("approve", "keep"):
            decide = core.moderation.review.approve if self.action == "approve" else core.moderation.review.keep
            await _decide(interaction, lambda: decide(guild_id, actor, self.case_id))
        elif self.action in ("reject", "remove"):
            details = await core.moderation.review.case_details(guild_id, actor, self.case_id)
            if not details.case.pending:
                lost = await core.moderation.access.already_decided(guild_id, self.case_id)
                await _show_next(interaction, note="⚠️ " + tr(interaction).error(lost))
                return
            await interaction.response.send_modal(self._reason_form(tr(interaction), details))
        elif self.action == "edit":
            try:
                form = await core.moderation.review.case_form(guild_id, actor, self.case_id)
            except AlreadyDecided as lost:
                await _show_next(interaction, note="⚠️ " + tr(interaction).error(lost))
                return
            t = tr(interaction)
            if form.item_id is None:
                title = t("review.edit_suggestion", id=form.case_number)
            else:
                title = t(f"content.edit_title.{form.kind}", id=form.item_id)

            async def edited(modal_interaction: discord.Interaction, values: dict[str, str],
                             new_categories: frozenset[str]) -> None:
                editor = actor_of(modal_interaction)
                try:
                    # Applied only if the content is still what the form was filled from.
                    update = await core.moderation.review.edit_case(guild_id, editor, self.case_id, values,
                                                                    base=form.base, new_categories=new_categories)
                except AlreadyDecided as lost:
                    await _show_next(modal_interaction, note="⚠️ " + tr(modal_interaction).error(lost))
                    return
                except EditConflict as changed:
                    # Show the case as it is now, so the other edit is seen before editing again.
                    details = await core.moderation.review.case_details(guild_id, editor, self.case_id)
                    mt = tr(modal_interaction)
                    await case_message(mt, details, "⚠️ " + mt.error(changed)).edit(modal_interaction)
                    return
                mt = tr(modal_interaction)
                await case_message(mt, update.details, mt("review.edited")).edit(modal_interaction)
                await post_modlog(modal_interaction.client, guild_id, update.record)  # type: ignore[arg-type]

            await interaction.response.send_modal(FormModal(
                kind=form.kind, title=title, custom_id=f"review-edit:{self.case_id}", on_done=edited,
                prefill=form.prefill, t=t,
            ))
        else:
            flag = self.action.removeprefix("flag-")
            try:
                update = await core.moderation.review.toggle_case_flag(guild_id, actor, self.case_id, flag)
            except AlreadyDecided as lost:
                await _show_next(interaction, note="⚠️ " + tr(interaction).error(lost))
                return
            await case_message(tr(interaction), update.details).edit(interaction)
            await post_modlog(interaction.client, guild_id, update.record)  # type: ignore[arg-type]

    def _reason_form(self, t: Messages, details: CaseDetails) -> ReasonModal:
        reject = self.action == "reject"

        async def submitted(modal_interaction: discord.Interaction, reason: str) -> None:
            core = core_of(modal_interaction)
            guild_id = modal_interaction.guild_id
            assert guild_id is not None
            actor = actor_of(modal_interaction)
            decide = core.moderation.review.reject if reject else core.moderation.review.remove_reported
            await _decide(modal_interaction, lambda: decide(guild_id, actor, self.case_id, reason))

        if reject:
            return ReasonModal(title=t("review.reject_title", id=details.case.number), label=t("review.reject_label"),
                               custom_id=f"review-reject:{self.case_id}", on_done=submitted,
                               placeholder=t("review.reject_placeholder"))
        item = details.item
        where = "retire" if item is not None and item.guild_id is not None else "hide"
        return ReasonModal(title=t(f"review.remove_title.{details.case.kind}", id=details.case.item_id),
                           label=t(f"review.remove_label.{where}"),
                           custom_id=f"review-remove:{self.case_id}", on_done=submitted)


async def _show_next(interaction: discord.Interaction, *, note: str | None = None) -> None:
    """Replace the review message with the next pending case."""
    core = core_of(interaction)
    assert interaction.guild_id is not None
    details = await core.moderation.review.next_case(interaction.guild_id, actor_of(interaction))
    message = case_message(tr(interaction), details, note)
    if interaction.message is not None:
        await message.edit(interaction)
    else:
        await message.send(interaction)


async def _decide(interaction: discord.Interaction, decide: Callable[[], Awaitable[Decision]]) -> None:
    """Run a decision, show the next case, then post to the mod-log and tell the member."""
    try:
        decision = await decide()
    except AlreadyDecided as lost:
        t = tr(interaction)
        await _show_next(interaction, note=f"⚠️ {t.error(lost)} {t('review.next_one')}")
        return
    await _show_next(interaction, note=outcome_note(tr(interaction), decision))
    bot: BanterBot = interaction.client  # type: ignore[assignment]
    assert interaction.guild_id is not None
    await post_modlog(bot, interaction.guild_id, decision.record)
    await tell_submitter(bot, interaction.guild, decision)


async def tell_submitter(bot: BanterBot, guild: discord.Guild | None, decision: Decision) -> None:
    """Tell the member who suggested something how it was decided (by DM, if they take them)."""
    case = decision.case
    if case.type != "suggestion":
        return
    # The member is not here to say their language: the server's is the best guess.
    t = tr_guild(guild)
    name = guild.name if guild is not None else t("review.the_server")
    if case.status == "approved" and decision.item is not None:
        text = t(f"review.dm_approved.{case.kind}", id=case.number, guild=name, item=decision.item.id)
    else:
        text = t("review.dm_rejected", id=case.number, guild=name, reason=case.decision_reason)
    await tell_member(bot, case.user_id, text)


class Review(commands.Cog):
    def __init__(self, bot: BanterBot) -> None:
        self.bot = bot
        self.core = bot.core

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(ReviewButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(ReviewButton)

    @app_commands.command()
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @is_moderator()
    async def review(self, interaction: discord.Interaction) -> None:
        """Review the oldest pending suggestion or report."""
        assert interaction.guild_id is not None
        details = await self.core.moderation.review.next_case(interaction.guild_id, actor_of(interaction))
        await case_message(tr(interaction), details).send(interaction)


async def setup(bot: BanterBot) -> None:
    await bot.add_cog(Review(bot))
