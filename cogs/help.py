"""/help and /about. /help reads the commands from the bot's own command tree (what Discord was
given), so it never falls behind them, and tells members how the bot is set up in their server."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import version
from bot.bot import BanterBot
from bot.errors import Command
from bot.services.guide import ServerGuide
from cogs.i18n import Messages, english, tr

COLOUR = discord.Colour.blurple()


def _for_moderators(command: app_commands.Command | app_commands.Group) -> bool:
    """Hidden from members by default (Manage Server), as the moderator commands are."""
    permissions = command.default_permissions
    if permissions is None and command.parent is not None:
        permissions = command.parent.default_permissions
    return permissions is not None and permissions.value != 0


def command_lines(tree: app_commands.CommandTree[BanterBot],
                  t: Messages | None = None) -> tuple[list[str], list[str]]:
    """The members' commands with their descriptions, and the moderators' commands by group, by the
    names and descriptions the reader's Discord shows."""
    t = t or english()
    members: list[str] = []
    moderators: list[str] = []

    def name(command: app_commands.Command[Any, ..., Any] | app_commands.Group) -> str:
        return t.command_name(command.qualified_name).split()[-1]

    def about(command: app_commands.Command[Any, ..., Any] | app_commands.Group) -> str:
        return t.command_description(command.qualified_name, command.description)

    for command in sorted(tree.get_commands(type=discord.AppCommandType.chat_input), key=lambda c: c.name):
        if isinstance(command, app_commands.Group):
            subs = [c for c in command.walk_commands() if isinstance(c, app_commands.Command)]
            if _for_moderators(command):
                moderators.append(f"`/{name(command)}` {', '.join(name(c) for c in subs)}: {about(command)}")
            else:
                members += [f"`/{t.command_name(c.qualified_name)}` {about(c)}" for c in subs]
        elif isinstance(command, app_commands.Command):
            line = f"`/{name(command)}` {about(command)}"
            (moderators if _for_moderators(command) else members).append(line)
    return members, moderators


def settings_lines(guide: ServerGuide, t: Messages | None = None) -> list[str]:
    t = t or english()
    daily = "; ".join(
        t("help.daily_line", what=t(f"help.daily.{line.kinds}" if line.kinds in ("discussion", "joke", "both")
                                    else "help.daily.other"),
          channel=f"<#{line.channel_id}>", when=f"<t:{int(line.next_due.timestamp())}:R>")
        for line in guide.daily
    ) or t("moderation.none")
    cooldowns = t("help.cooldowns", joke=t.markup(Command("joke")), joke_time=t.duration(guide.joke_cooldown),
                  mood=t.markup(Command("mood")), mood_time=t.duration(guide.mood_cooldown))
    if guide.moderators_exempt and (guide.joke_cooldown or guide.mood_cooldown):
        cooldowns += t("help.moderators_exempt")
    return [
        t("help.safe_mode", state=t("help.safe_on" if guide.safe_mode else "action.off")),
        t("help.languages", languages=", ".join(guide.languages)),
        t("help.daily_post", daily=daily),
        t("help.cooldowns_line", cooldowns=cooldowns),
        t("help.suggestions", state=t("help.suggest_open", command=t.markup(Command("suggest")))
          if guide.suggestions_enabled else t("help.suggest_closed")),
    ]


def _field_chunks(lines: list[str], limit: int = 1024) -> list[str]:
    """Lines joined into as few field values as fit Discord's limit."""
    chunks: list[str] = []
    for line in lines:
        if chunks and len(chunks[-1]) + 1 + len(line) <= limit:
            chunks[-1] += "\n" + line
        else:
            chunks.append(line[:limit])
    return chunks


class Help(commands.Cog):
    def __init__(self, bot: BanterBot) -> None:
        self.bot = bot
        self.core = bot.core

    @app_commands.command(name="help")
    async def help_command(self, interaction: discord.Interaction) -> None:
        """What Banter's commands do, and how it is set up in this server."""
        t = tr(interaction)
        members, moderators = command_lines(self.bot.tree, t)
        embed = discord.Embed(title=t("help.title"), description="\n".join(members)[:4096], colour=COLOUR)
        for n, chunk in enumerate(_field_chunks(moderators)):
            embed.add_field(name=t("help.for_moderators") if n == 0 else "\u200b", value=chunk, inline=False)
        if interaction.guild_id is not None:
            guide = await self.core.guide.server(interaction.guild_id)
            embed.add_field(name=t("help.in_this_server"), value="\n".join(settings_lines(guide, t)), inline=False)
        embed.set_footer(text=t("help.footer", save=t("item.save"), report=t("item.report"),
                                about=f"/{t.command_name('about')}", mydata=f"/{t.command_name('mydata show')}"))
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command()
    async def about(self, interaction: discord.Interaction) -> None:
        """What Banter is, its version and its web site."""
        t = tr(interaction)
        embed = discord.Embed(title=t("about.title"), description=t("about.text", mood=t.markup(Command("mood"))),
                              colour=COLOUR)
        embed.add_field(name=t("about.version"), value=version(), inline=True)
        url = self.core.config.web.public_url
        if url:
            embed.add_field(name=t("about.web_site"), value=url, inline=True)
            embed.url = url
        embed.add_field(name=t("about.your_data"), value=t("about.data", show=t.markup(Command("mydata show")),
                                                           delete=t.markup(Command("mydata delete"))), inline=False)
        await interaction.response.send_message(embed=embed, ephemeral=True)


async def setup(bot: BanterBot) -> None:
    await bot.add_cog(Help(bot))
