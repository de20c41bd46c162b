"""/suggest joke and /suggest discussion: members propose content for the moderators to review."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import BanterBot
from bot.models import Kind
from cogs.i18n import tr
from cogs.moderation_ui import ConfirmCategoriesButton, FormModal, RetryButton


@app_commands.guild_only()
class Suggest(commands.GroupCog, group_name="suggest"):
    """Suggest content for this server."""

    def __init__(self, bot: BanterBot) -> None:
        self.bot = bot
        self.core = bot.core
        super().__init__()

    async def cog_load(self) -> None:
        # The button under every refused content form (suggest, /content add and edit, review edits).
        self.bot.add_dynamic_items(RetryButton, ConfirmCategoriesButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(RetryButton, ConfirmCategoriesButton)

    async def _open_form(self, interaction: discord.Interaction, kind: Kind) -> None:
        assert interaction.guild_id is not None
        # Refuse before the form is filled in, not after.
        await self.core.moderation.suggestions.may_suggest(interaction.guild_id, interaction.user.id)
        t = tr(interaction)

        async def submitted(modal_interaction: discord.Interaction, form: dict[str, str], _: frozenset[str]) -> None:
            assert modal_interaction.guild_id is not None
            case = await self.core.moderation.suggestions.suggest(modal_interaction.guild_id, modal_interaction.user.id,
                                                      kind, form)
            await modal_interaction.response.send_message(tr(modal_interaction)("suggest.thanks", id=case.number),
                                                          ephemeral=True)

        await interaction.response.send_modal(
            FormModal(kind=kind, title=t(f"suggest.title.{kind}"), custom_id=f"suggest:{kind}", on_done=submitted, t=t)
        )

    @app_commands.command()
    async def joke(self, interaction: discord.Interaction) -> None:
        """Suggest a joke for this server."""
        await self._open_form(interaction, "joke")

    @app_commands.command()
    async def discussion(self, interaction: discord.Interaction) -> None:
        """Suggest a discussion topic for this server."""
        await self._open_form(interaction, "discussion")


async def setup(bot: BanterBot) -> None:
    await bot.add_cog(Suggest(bot))
