"""Favourites: the ⭐ Save button on every item message, and /favorites, a member's saved items in
this server, a page at a time, each with a button that takes it out. Every button carries what it
needs in its custom_id, so all of them keep working after a restart."""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import BanterBot
from bot.clock import parse_iso
from bot.errors import Command
from bot.members import FavoritePage
from bot.models import Item
from bot.services.favorites import PAGE_SIZE
from cogs.i18n import Messages, english, tr
from cogs.ui import JOKE_COLOUR, core_of, guarded, reply_error


def label(t: Messages, item: Item) -> str:
    return t(f"action.label.{item.kind}", id=item.id)


def _line(text: str, limit: int = 90) -> str:
    text = " ".join(text.replace("|", "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def favorites_message(page: FavoritePage, t: Messages | None = None) -> dict[str, Any]:
    """The keyword arguments that show (or redraw) one page of a member's favourites, in ``t``'s language."""
    t = t or english()
    if not page.favorites:
        return {"content": t("favorites.empty"), "embed": None, "view": None}
    first = (page.page - 1) * PAGE_SIZE
    lines = []
    for n, favorite in enumerate(page.favorites, first + 1):
        saved = int(parse_iso(favorite.saved_at).timestamp())
        lines.append(t("favorites.line", n=n, title=_line(favorite.item.title), label=label(t, favorite.item),
                       when=f"<t:{saved}:R>"))
    embed = discord.Embed(title=t("favorites.title"), description="\n".join(lines), colour=JOKE_COLOUR)
    embed.set_footer(text=t("favorites.footer", page=page.page, pages=page.pages,
                            saved=t("favorites.saved", count=page.total)))
    view = discord.ui.View(timeout=None)
    for favorite in page.favorites:
        view.add_item(discord.ui.Button(style=discord.ButtonStyle.secondary,
                                        label=t("favorites.remove", id=favorite.item.id),
                                        custom_id=f"fav:rm:{favorite.item.id}:{page.page}", row=0))
    view.add_item(discord.ui.Button(style=discord.ButtonStyle.primary, label=t("favorites.previous"), row=1,
                                    custom_id=f"fav:page:{page.page - 1}", disabled=page.page <= 1))
    view.add_item(discord.ui.Button(style=discord.ButtonStyle.primary, label=t("favorites.next"), row=1,
                                    custom_id=f"fav:page:{page.page + 1}", disabled=page.page >= page.pages))
    view.stop()  # only lays the buttons out: the dynamic items below handle their clicks
    return {"content": None, "embed": embed, "view": view}


class SaveButton(discord.ui.DynamicItem[discord.ui.Button], template=r"save:(?P<item>[0-9]{1,19})"):
    """⭐ Save on an item: saves it for the member who clicked, or takes it out again."""

    def __init__(self, button: discord.ui.Button[Any], item_id: int) -> None:
        self.item_id = item_id
        super().__init__(button)

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> SaveButton:
        assert isinstance(item, discord.ui.Button)
        return cls(item, int(match["item"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, lambda: self._save(interaction))

    async def _save(self, interaction: discord.Interaction) -> None:
        t = tr(interaction)
        if interaction.guild_id is None:
            await reply_error(interaction, t("favorites.servers_only"))
            return
        outcome = await core_of(interaction).favorites.toggle(guild_id=interaction.guild_id,
                                                              user_id=interaction.user.id, item_id=self.item_id)
        if outcome is None:
            await reply_error(interaction, t("favorites.gone"))
        elif outcome.saved:
            await interaction.response.send_message(
                t("favorites.saved_one", label=label(t, outcome.item), command=t.markup(Command("favorites")),
                  save=t("item.save")), ephemeral=True)
        else:
            await interaction.response.send_message(t("favorites.unsaved", label=label(t, outcome.item)),
                                                    ephemeral=True)


class FavoritePageButton(discord.ui.DynamicItem[discord.ui.Button], template=r"fav:page:(?P<page>[0-9]{1,6})"):
    """◀ / ▶ under a member's favourites: redraws their message with another page."""

    def __init__(self, page: int) -> None:
        self.page = page
        super().__init__(discord.ui.Button(label="page", custom_id=f"fav:page:{page}"))

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> FavoritePageButton:
        return cls(int(match["page"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, lambda: show_page(interaction, self.page, edit=True))


class FavoriteRemoveButton(discord.ui.DynamicItem[discord.ui.Button],
                           template=r"fav:rm:(?P<item>[0-9]{1,19}):(?P<page>[0-9]{1,6})"):
    """Remove #N under a member's favourites: takes the item out and redraws the page."""

    def __init__(self, item_id: int, page: int) -> None:
        self.item_id = item_id
        self.page = page
        super().__init__(discord.ui.Button(label="remove", custom_id=f"fav:rm:{item_id}:{page}"))

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> FavoriteRemoveButton:
        return cls(int(match["item"]), int(match["page"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, lambda: self._remove(interaction))

    async def _remove(self, interaction: discord.Interaction) -> None:
        if interaction.guild_id is None:
            await reply_error(interaction, tr(interaction)("favorites.servers_only"))
            return
        await core_of(interaction).favorites.remove(guild_id=interaction.guild_id, user_id=interaction.user.id,
                                                    item_id=self.item_id)
        await show_page(interaction, self.page, edit=True)


async def show_page(interaction: discord.Interaction, page: int, *, edit: bool) -> None:
    """Answer with (or, for a button, redraw the message as) one page of the member's favourites."""
    t = tr(interaction)
    if interaction.guild_id is None:
        await reply_error(interaction, t("favorites.servers_only"))
        return
    shown = await core_of(interaction).favorites.page(guild_id=interaction.guild_id, user_id=interaction.user.id,
                                                     page=page)
    message = favorites_message(shown, t)
    if edit:
        await interaction.response.edit_message(**message)
        return
    if page > shown.pages and shown.total:
        await reply_error(interaction, t("favorites.too_far", favourites=t("favorites.count", count=shown.total),
                                         pages=t("favorites.pages", count=shown.pages), last=shown.pages))
        return
    await interaction.response.send_message(**{k: v for k, v in message.items() if v is not None}, ephemeral=True)


class Favorites(commands.Cog):
    def __init__(self, bot: BanterBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(SaveButton, FavoritePageButton, FavoriteRemoveButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(SaveButton, FavoritePageButton, FavoriteRemoveButton)

    @app_commands.command()
    @app_commands.guild_only()
    @app_commands.describe(page="Which page of your favourites (5 to a page)")
    async def favorites(self, interaction: discord.Interaction,
                        page: app_commands.Range[int, 1, 100000] = 1) -> None:
        """The jokes and topics you saved with ⭐ in this server (only you see them)."""
        await show_page(interaction, page, edit=False)


async def setup(bot: BanterBot) -> None:
    await bot.add_cog(Favorites(bot))
