"""/mydata: a member sees what Banter stores about them, in every server, and deletes it (after a
confirmation button). Also runs the sweep that ages old pick history and settled reports out."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import BanterBot
from bot.clock import parse_iso
from bot.errors import Command
from bot.members import Deletion, Entry, MemberData
from cogs.i18n import Messages, english, tr
from cogs.ui import core_of, guarded, reply_error

log = logging.getLogger(__name__)

COLOUR = discord.Colour.dark_teal()
# Each kind of data, in the order shown: its heading and its count are mydata.heading.KIND and
# mydata.count.KIND in the catalog.
KINDS = ("votes", "favorites", "suggestions", "reports", "mood_corrections", "moderation")


def _clip(text: str, limit: int = 60) -> str:
    text = discord.utils.escape_markdown(" ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def entry_line(t: Messages, kind: str, entry: Entry, guild_id: int | None) -> str:
    """One stored thing, as the member reads it, in their language."""
    item = f"#{entry.item_id}" if entry.item_id is not None else ""
    match kind:
        case "votes":
            what = t("mydata.line.vote", vote="👍" if entry.value == "up" else "👎", item=item)
        case "favorites":
            what = t("mydata.line.favorite", item=item)
        case "suggestions":
            status = t.word(f"mydata.status.{entry.value}", entry.value)
            what = (t("mydata.line.suggestion_now", id=entry.case_id, status=status, item=item) if item
                    else t("mydata.line.suggestion", id=entry.case_id, status=status))
        case "reports":
            what = t("mydata.line.report", item=item, reason=_clip(entry.value))
        case "mood_corrections":
            text, arrow, mood = entry.value.rpartition(" → ")
            what = (t("mydata.line.mood_correction", text=_clip(text), mood=t.mood_name(mood)) if arrow
                    else f"“{_clip(entry.value)}”")
        case _:
            action = t.word(f"mydata.action.{entry.value}", entry.value)
            about = item or (t("mydata.line.case", id=entry.case_id) if entry.case_id is not None else "")
            what = f"{action} {about}".strip()
    where = "" if entry.guild_id == guild_id else t("mydata.line.elsewhere")
    return f"{what} · <t:{int(parse_iso(entry.at).timestamp())}:R>{where}"


def count_text(t: Messages, kind: str, count: int) -> str:
    return t(f"mydata.count.{kind}", count=count)


def data_embed(data: MemberData, guild_id: int | None, t: Messages | None = None) -> discord.Embed:
    t = t or english()
    embed = discord.Embed(title=t("mydata.title"), description=t("mydata.about",
                                                                  delete=t.markup(Command("mydata delete"))),
                          colour=COLOUR)
    for kind in KINDS:
        count = data.counts.get(kind, 0)
        lines = [entry_line(t, kind, e, guild_id) for e in data.recent.get(kind, [])]
        shown = "\n-# " + t("mydata.most_recent", count=len(lines)) if count > len(lines) else ""
        value = "\n".join(lines)[:1000] + shown if lines else t("moderation.none")
        embed.add_field(name=t("mydata.field", heading=t(f"mydata.heading.{kind}"), count=count_text(t, kind, count)),
                        value=value, inline=False)
    return embed


def counts_text(counts: dict[str, int], t: Messages | None = None) -> str:
    t = t or english()
    parts = [count_text(t, kind, n) for kind, n in counts.items() if n and kind in KINDS]
    return ", ".join(parts) if parts else t("mydata.nothing")


def deleted_text(deletion: Deletion, t: Messages | None = None) -> str:
    t = t or english()
    text = t("mydata.deleted", counts=counts_text(deletion.deleted, t))
    if deletion.anonymised:
        text += " " + t("mydata.anonymised", count=deletion.anonymised)
    return text


class DeleteButton(discord.ui.DynamicItem[discord.ui.Button],
                   template=r"mydata:(?P<do>delete|keep):(?P<user>[0-9]{1,20})"):
    """The confirmation under /mydata delete: Delete (everything, now) or Keep (nothing changes)."""

    def __init__(self, do: str, user_id: int) -> None:
        self.do = do
        self.user_id = user_id
        super().__init__(discord.ui.Button(label=do, custom_id=f"mydata:{do}:{user_id}"))

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> DeleteButton:
        return cls(match["do"], int(match["user"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, lambda: self._decide(interaction))

    async def _decide(self, interaction: discord.Interaction) -> None:
        t = tr(interaction)
        if interaction.user.id != self.user_id:
            await reply_error(interaction, t("mydata.not_yours"))
            return
        if self.do == "keep":
            await interaction.response.edit_message(content=t("mydata.kept"), embed=None, view=None)
            return
        deletion = await core_of(interaction).privacy.delete(self.user_id)
        await interaction.response.edit_message(content=deleted_text(deletion, t), embed=None, view=None)


def confirm_view(user_id: int, t: Messages | None = None) -> discord.ui.View:
    t = t or english()
    view = discord.ui.View(timeout=None)
    view.add_item(discord.ui.Button(style=discord.ButtonStyle.danger, label=t("mydata.yes_delete"),
                                    custom_id=f"mydata:delete:{user_id}"))
    view.add_item(discord.ui.Button(style=discord.ButtonStyle.secondary, label=t("mydata.keep"),
                                    custom_id=f"mydata:keep:{user_id}"))
    view.stop()  # only lays the buttons out: DeleteButton handles their clicks
    return view


class MyData(commands.GroupCog, group_name="mydata"):
    """What Banter stores about you."""

    def __init__(self, bot: BanterBot) -> None:
        self.bot = bot
        self.core = bot.core
        self._ageing: asyncio.Task[None] | None = None
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(DeleteButton)
        # Ageing needs only the database, not Discord: it starts with the cog.
        self._ageing = asyncio.create_task(self.core.privacy.run(), name="banter-ageing")

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(DeleteButton)
        if self._ageing is not None:
            self._ageing.cancel()
            await asyncio.gather(self._ageing, return_exceptions=True)

    @app_commands.command()
    async def show(self, interaction: discord.Interaction) -> None:
        """See what Banter stores about you (only you see it)."""
        t = tr(interaction)
        data = await self.core.privacy.show(interaction.user.id)
        if not data.total:
            await interaction.response.send_message(t("mydata.nothing_stored"), ephemeral=True)
            return
        await interaction.response.send_message(embed=data_embed(data, interaction.guild_id, t), ephemeral=True)

    @app_commands.command()
    async def delete(self, interaction: discord.Interaction) -> None:
        """Remove everything Banter stores about you (asks first)."""
        t = tr(interaction)
        data = await self.core.privacy.show(interaction.user.id)
        if not data.total:
            await interaction.response.send_message(t("mydata.nothing_stored"), ephemeral=True)
            return
        await interaction.response.send_message(t("mydata.confirm", counts=counts_text(data.counts, t)),
                                                view=confirm_view(interaction.user.id, t), ephemeral=True)


async def setup(bot: BanterBot) -> None:
    await bot.add_cog(MyData(bot))
