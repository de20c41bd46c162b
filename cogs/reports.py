"""The 🚩 Report button on every item message: a member says what is wrong; enough reports from
different members hide the item in that server until a moderator decides."""

from __future__ import annotations

import re
from typing import Any

import discord
from discord.ext import commands

from bot.bot import BanterBot
from bot.errors import UserError
from cogs.i18n import tr
from cogs.moderation_ui import ReasonModal, post_modlog
from cogs.ui import core_of, guarded


class ReportButton(discord.ui.DynamicItem[discord.ui.Button], template=r"report:(?P<item>[0-9]{1,19})"):
    """🚩 on an item. The custom_id carries the item, so it works after a restart."""

    def __init__(self, button: discord.ui.Button[Any], item_id: int) -> None:
        self.item_id = item_id
        super().__init__(button)

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> ReportButton:
        assert isinstance(item, discord.ui.Button)
        return cls(item, int(match["item"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, lambda: self._open_form(interaction))

    async def _open_form(self, interaction: discord.Interaction) -> None:
        if interaction.guild_id is None:
            raise UserError("Reports work in servers only.")
        core = core_of(interaction)
        item = await core.moderation.reports.may_report(interaction.guild_id, interaction.user.id, self.item_id)
        kind = item.kind
        t = tr(interaction)

        async def submitted(modal_interaction: discord.Interaction, reason: str) -> None:
            assert modal_interaction.guild_id is not None
            outcome = await core.moderation.reports.report(modal_interaction.guild_id, modal_interaction.user.id,
                                                   self.item_id, reason)
            await modal_interaction.response.send_message(
                tr(modal_interaction)(f"report.thanks.{kind}", id=self.item_id), ephemeral=True
            )
            await post_modlog(modal_interaction.client, modal_interaction.guild_id, outcome.record)  # type: ignore[arg-type]

        await interaction.response.send_modal(ReasonModal(
            title=t(f"report.title.{kind}", id=self.item_id), label=t("report.label"),
            custom_id=f"report-reason:{self.item_id}", on_done=submitted,
            placeholder=t("report.placeholder"),
        ))


class Reports(commands.Cog):
    def __init__(self, bot: BanterBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(ReportButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(ReportButton)


async def setup(bot: BanterBot) -> None:
    await bot.add_cog(Reports(bot))
