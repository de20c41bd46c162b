"""/content: moderators add, edit, remove, restore and inspect the server's content.

A server's moderators can change only their server's own items; global (pack) items can be hidden
for the server with /content remove. The service enforces both; this cog only translates.
"""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import BanterBot
from bot.clock import parse_iso
from bot.errors import Codes, Command
from bot.records import ActionRecord
from bot.services.moderation import ActionResult, ItemDetails, NotShown
from cogs.checks import actor_of, is_moderator
from cogs.i18n import Messages, tr
from cogs.moderation_ui import FlagName, FormModal, flags_text, post_modlog
from cogs.ui import item_embed

# Discord integer options stop at 2**53.
ItemId = app_commands.Range[int, 1, 2**53 - 1]


def _when(stamp: str) -> str:
    return discord.utils.format_dt(parse_iso(stamp), "R")


def details_embed(t: Messages, details: ItemDetails, guild_id: int) -> discord.Embed:
    item = details.item
    embed = discord.Embed(title=t(f"item.label.{item.kind}", id=item.id), colour=discord.Colour.light_grey())
    owner = t("content.global" if details.scope == "global" else "content.own")
    embed.add_field(name=t("content.scope"), value=t("content.scope_value", owner=owner, origin=item.origin,
                                                     key=item.key), inline=False)
    if details.shows_here:
        embed.add_field(name=t("content.shows_here"), value=t("content.shows_yes"), inline=False)
    else:
        embed.add_field(name=t("content.shows_here"),
                        value="\n".join(f"🚫 {not_shown_text(t, n)}" for n in details.not_shown)[:1024], inline=False)
    embed.add_field(name=t("content.flags"), value=flags_text(item.flags, t), inline=True)
    embed.add_field(name=t("content.categories"), value=", ".join(item.categories) or t("moderation.none"),
                    inline=True)
    embed.add_field(name=t("content.votes"), value=t("content.votes_value", up=details.server_tally.up,
                                                     down=details.server_tally.down, all_up=item.up,
                                                     all_down=item.down), inline=True)
    places = [
        (t("content.of_the_day") if scope is None else f"<#{scope}>") + f" {_when(when)}"
        for scope, when in details.places
    ]
    embed.add_field(name=t("content.shown"), value="\n".join(places) or t("content.not_yet"), inline=False)
    if details.versions:
        last = details.versions[-1]
        by = t("content.by", member=f"<@{last.edited_by}>") if last.edited_by else ""
        embed.add_field(name=t("content.edits"), value=t("content.versions", count=len(details.versions),
                                                         when=_when(last.edited_at), by=by), inline=False)
    if details.open_reports:
        embed.add_field(name=t("content.open_reports"), value=t("content.reports_value", count=details.open_reports),
                        inline=False)
    return embed


# The /settings command that decides each reason an item is kept out.
SETTING_FOR = {"safe-mode": Command("settings safe-mode"), "blocked-flag": Command("settings flag"),
               "blocked-category": Command("settings category"), "language": Command("settings languages")}


def _taken_down(t: Messages, how: str, action: ActionRecord | None) -> str:
    """"removed by @carol 2 hours ago: “reason”", from the recorded action, in the reader's language."""
    if action is None:
        details = ""
    else:
        who = t("content.by", member=f"<@{action.actor_id}>") if action.actor_id is not None else ""
        why = (t("content.reason", reason=discord.utils.escape_markdown(action.reason)) if action.reason
               else t("content.no_reason"))
        details = f"{who} {_when(action.created_at)}{why}"
    return t(f"content.not_shown.{how}", details=details, command=t.markup(Command("content restore")))


def not_shown_text(t: Messages, reason: NotShown) -> str:
    """Why an item does not show in this server, as a moderator reads it."""
    names = Codes(tuple(reason.names))
    match reason.reason:
        case "removed" | "hidden-moderator":
            return _taken_down(t, reason.reason.replace("-", "_"), reason.action)
        case "withdrawn":
            return t("content.not_shown.withdrawn")
        case "hidden-reports":
            return t("content.not_shown.hidden_reports", command=t.markup(Command("review")))
        case "safe-mode" | "blocked-flag" | "blocked-category" | "language":
            return t(f"content.not_shown.{reason.reason.replace('-', '_')}", names=t.markup(names),
                     count=len(reason.names), command=t.markup(SETTING_FOR[reason.reason]))
    return reason.reason


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Content(commands.GroupCog, group_name="content"):
    """Manage this server's jokes and discussion topics."""

    def __init__(self, bot: BanterBot) -> None:
        self.bot = bot
        self.core = bot.core
        super().__init__()

    async def _done(self, interaction: discord.Interaction, result: ActionResult, text: str) -> None:
        assert interaction.guild_id is not None
        t = tr(interaction)
        embeds = [item_embed(result.item, t=t)] if result.item is not None and result.item.status == "active" else []
        await interaction.response.send_message(text, embeds=embeds, ephemeral=True)
        await post_modlog(self.bot, interaction.guild_id, result.record)

    @app_commands.command()
    @app_commands.describe(kind="What to add")
    @is_moderator()
    async def add(self, interaction: discord.Interaction, kind: Literal["joke", "discussion"]) -> None:
        """Add a joke or topic to this server's library (approved at once)."""
        async def submitted(modal_interaction: discord.Interaction, form: dict[str, str],
                            new_categories: frozenset[str]) -> None:
            assert modal_interaction.guild_id is not None
            result = await self.core.moderation.library.add(modal_interaction.guild_id, actor_of(modal_interaction),
                                                            kind, form, new_categories=new_categories)
            assert result.item is not None
            await self._done(modal_interaction, result, tr(modal_interaction)(f"content.added.{kind}",
                                                                                id=result.item.id))

        t = tr(interaction)
        await interaction.response.send_modal(
            FormModal(kind=kind, title=t(f"content.add_title.{kind}"), custom_id=f"content-add:{kind}",
                      on_done=submitted, t=t)
        )

    @app_commands.command()
    @app_commands.rename(item_id="id")
    @app_commands.describe(item_id="The item's number (in its footer)")
    @is_moderator()
    async def edit(self, interaction: discord.Interaction, item_id: ItemId) -> None:
        """Edit one of this server's items (the previous version is kept)."""
        assert interaction.guild_id is not None
        form = await self.core.moderation.library.item_form(interaction.guild_id, actor_of(interaction), item_id)

        async def submitted(modal_interaction: discord.Interaction, values: dict[str, str],
                            new_categories: frozenset[str]) -> None:
            assert modal_interaction.guild_id is not None
            # Applied only if the item still holds what the form was filled from.
            result = await self.core.moderation.library.edit_item(
                modal_interaction.guild_id, actor_of(modal_interaction), item_id, values, base=form.base,
                new_categories=new_categories)
            await self._done(modal_interaction, result, tr(modal_interaction)(f"content.edited.{form.kind}",
                                                                                id=item_id))

        t = tr(interaction)
        await interaction.response.send_modal(FormModal(
            kind=form.kind, title=t(f"content.edit_title.{form.kind}", id=item_id), custom_id=f"content-edit:{item_id}",
            on_done=submitted, prefill=form.prefill, t=t,
        ))

    @app_commands.command()
    @app_commands.rename(item_id="id")
    @app_commands.describe(item_id="The item's number (in its footer)", reason="Why (for the mod-log)")
    @is_moderator()
    async def remove(self, interaction: discord.Interaction, item_id: ItemId,
                     reason: app_commands.Range[str, 1, 500] | None = None) -> None:
        """Remove an item here: this server's is retired (votes kept), a global one is hidden here."""
        assert interaction.guild_id is not None
        result = await self.core.moderation.library.remove_item(interaction.guild_id, actor_of(interaction), item_id,
                                                                reason)
        item = result.item
        assert item is not None
        t = tr(interaction)
        done = "removed" if result.record.action == "retire" else "hidden"
        await self._done(interaction, result, t(f"content.{done}.{item.kind}", id=item_id) + " " + t("content.undo"))

    @app_commands.command()
    @app_commands.rename(item_id="id")
    @app_commands.describe(item_id="The item's number")
    @is_moderator()
    async def restore(self, interaction: discord.Interaction, item_id: ItemId) -> None:
        """Bring back an item that was removed or hidden in this server."""
        assert interaction.guild_id is not None
        result = await self.core.moderation.library.restore_item(interaction.guild_id, actor_of(interaction), item_id)
        assert result.item is not None
        await self._done(interaction, result, tr(interaction)(f"content.restored.{result.item.kind}", id=item_id))

    @app_commands.command()
    @app_commands.rename(item_id="id")
    @app_commands.describe(item_id="The item's number", flag="The content flag", on="Whether the item carries it")
    @is_moderator()
    async def flag(self, interaction: discord.Interaction, item_id: ItemId, flag: FlagName, on: bool) -> None:
        """Set or clear a content flag on one of this server's items."""
        assert interaction.guild_id is not None
        result = await self.core.moderation.library.set_item_flag(interaction.guild_id, actor_of(interaction), item_id,
                                                          flag, on)
        await self._done(interaction, result, tr(interaction)("content.flag_on" if on else "content.flag_off",
                                                              flag=flag, id=item_id))

    @app_commands.command()
    @app_commands.rename(item_id="id")
    @app_commands.describe(item_id="The item's number")
    @is_moderator()
    async def show(self, interaction: discord.Interaction, item_id: ItemId) -> None:
        """Show an item with its flags, votes, where it was shown and its edits."""
        assert interaction.guild_id is not None
        details = await self.core.moderation.library.show_item(interaction.guild_id, actor_of(interaction), item_id)
        t = tr(interaction)
        await interaction.response.send_message(
            embeds=[item_embed(details.item, t=t), details_embed(t, details, interaction.guild_id)], ephemeral=True
        )

    @app_commands.command()
    @app_commands.describe(clear="A correction's number to clear, or all")
    @is_moderator()
    async def moods(self, interaction: discord.Interaction,
                    clear: app_commands.Range[str, 1, 20] | None = None) -> None:
        """Members' "not my mood" corrections: who, when, what, from and to; clear one or all."""
        assert interaction.guild_id is not None
        service = self.core.mood_corrections
        t = tr(interaction)
        if clear is not None:
            which = clear.strip().lstrip("#").lower()
            if which != "all" and not which.isdigit():
                await interaction.response.send_message(t("content.moods.bad_number"), ephemeral=True)
                return
            record = await service.clear(interaction.guild_id, actor_of(interaction),
                                         None if which == "all" else int(which))
            count = record.entry.details.get("count")
            await interaction.response.send_message(t("content.moods.cleared", count=int(str(count or 0))),
                                                    ephemeral=True)
            await post_modlog(self.bot, interaction.guild_id, record)
            return
        rows = await service.recent(interaction.guild_id, actor_of(interaction))
        if not rows:
            await interaction.response.send_message(t("content.moods.none"), ephemeral=True)
            return
        lines = [f"`#{c.id}` <@{c.user_id}> {_when(c.created_at)}: “{discord.utils.escape_markdown(c.text[:80])}” "
                 f"{t.mood_name(c.read_as)} → **{t.mood_name(c.chosen)}**" for c in rows]
        await interaction.response.send_message(
            t("content.moods.recent") + "\n" + "\n".join(lines),
            ephemeral=True, allowed_mentions=discord.AllowedMentions.none())


async def setup(bot: BanterBot) -> None:
    await bot.add_cog(Content(bot))
