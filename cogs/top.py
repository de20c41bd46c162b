"""/top: the best-rated jokes or discussions."""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import BanterBot
from bot.errors import UserError
from bot.models import Kind
from cogs.i18n import tr
from cogs.ui import DISCUSSION_COLOUR, JOKE_COLOUR


def _line(text: str, limit: int = 90) -> str:
    text = " ".join(text.replace("|", "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Whole sentences, one per case, so each language can say them its own way.
NOTHING_VOTED = {
    ("joke", "server"): "No jokes have been voted up in this server yet. Vote with 👍 and 👎 under any joke.",
    ("joke", "global"): "No jokes have been voted up anywhere yet. Vote with 👍 and 👎 under any joke.",
    ("discussion", "server"): "No discussions have been voted up in this server yet. Vote with 👍 and 👎 under any "
                              "discussion.",
    ("discussion", "global"): "No discussions have been voted up anywhere yet. Vote with 👍 and 👎 under any "
                              "discussion.",
}


class Top(commands.Cog):
    def __init__(self, bot: BanterBot) -> None:
        self.bot = bot
        self.core = bot.core

    @app_commands.command()
    @app_commands.guild_only()
    @app_commands.describe(kind="What to rank", scope="Votes from this server only, or from every server")
    async def top(self, interaction: discord.Interaction, kind: Literal["jokes", "discussions"],
                  scope: Literal["server", "global"] = "server") -> None:
        """The best-rated items, by the lower bound of the Wilson score on their votes."""
        assert interaction.guild_id is not None
        singular: Kind = "joke" if kind == "jokes" else "discussion"
        ranked = await self.core.votes.top(singular, interaction.guild_id, server_only=scope == "server")
        if not ranked:
            raise UserError(NOTHING_VOTED[(singular, scope)])
        t = tr(interaction)
        lines = [
            f"**{n}.** {_line(r.item.title)}\n-# #{r.item.id} · 👍 {r.up} · 👎 {r.down} · "
            + t("top.score", score=f"{r.score:.2f}")
            for n, r in enumerate(ranked, 1)
        ]
        embed = discord.Embed(
            title=t(f"top.title.{singular}.{scope}"),
            description="\n".join(lines),
            colour=JOKE_COLOUR if kind == "jokes" else DISCUSSION_COLOUR,
        )
        embed.set_footer(text=t("top.footer"))
        await interaction.response.send_message(embed=embed)


async def setup(bot: BanterBot) -> None:
    await bot.add_cog(Top(bot))
