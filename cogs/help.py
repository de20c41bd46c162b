"""/help and /about. /help reads the commands from the bot's own command tree (what Discord was
given), so it never falls behind them, and tells members how the bot is set up in their server."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot import version
from bot.bot import BanterBot
from bot.services.guide import ServerGuide
from cogs.render import seconds_text

COLOUR = discord.Colour.blurple()
ABOUT = ("Banter tells jokes, finds one to suit how you feel (`/mood`) and posts a discussion topic of the day. "
         "Members vote 👍/👎 and save ⭐ favourites; moderators keep the library clean, and every "
         "moderation action is recorded.")
DAILY_KINDS = {"discussion": "the discussion of the day", "joke": "the joke of the day",
               "both": "the discussion and the joke of the day"}


def _for_moderators(command: app_commands.Command | app_commands.Group) -> bool:
    """Hidden from members by default (Manage Server), as the moderator commands are."""
    permissions = command.default_permissions
    if permissions is None and command.parent is not None:
        permissions = command.parent.default_permissions
    return permissions is not None and permissions.value != 0


def command_lines(tree: app_commands.CommandTree[BanterBot]) -> tuple[list[str], list[str]]:
    """The members' commands with their descriptions, and the moderators' commands by group."""
    members: list[str] = []
    moderators: list[str] = []
    for command in sorted(tree.get_commands(type=discord.AppCommandType.chat_input), key=lambda c: c.name):
        if isinstance(command, app_commands.Group):
            subs = [c for c in command.walk_commands() if isinstance(c, app_commands.Command)]
            if _for_moderators(command):
                moderators.append(f"`/{command.name}` {', '.join(c.name for c in subs)}: {command.description}")
            else:
                members += [f"`/{c.qualified_name}` {c.description}" for c in subs]
        elif isinstance(command, app_commands.Command):
            line = f"`/{command.name}` {command.description}"
            (moderators if _for_moderators(command) else members).append(line)
    return members, moderators


def settings_lines(guide: ServerGuide) -> list[str]:
    safe = "on: nothing flagged is shown" if guide.safe_mode else "off"
    daily = "; ".join(
        f"{DAILY_KINDS.get(line.kinds, 'a daily post')} in <#{line.channel_id}>, "
        f"next <t:{int(line.next_due.timestamp())}:R>"
        for line in guide.daily
    ) or "none"
    cooldowns = f"`/joke` {seconds_text(guide.joke_cooldown)}, `/mood` {seconds_text(guide.mood_cooldown)} per member"
    if guide.moderators_exempt and (guide.joke_cooldown or guide.mood_cooldown):
        cooldowns += " (none for moderators)"
    return [
        f"**Safe mode:** {safe}",
        f"**Languages:** {', '.join(guide.languages)}",
        f"**Daily post:** {daily}",
        f"**Cooldowns:** {cooldowns}",
        f"**Suggestions:** {'open: `/suggest`' if guide.suggestions_enabled else 'closed'}",
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
        members, moderators = command_lines(self.bot.tree)
        embed = discord.Embed(title="Banter's commands", description="\n".join(members)[:4096], colour=COLOUR)
        for n, chunk in enumerate(_field_chunks(moderators)):
            embed.add_field(name="For moderators" if n == 0 else "\u200b", value=chunk, inline=False)
        if interaction.guild_id is not None:
            guide = await self.core.guide.server(interaction.guild_id)
            embed.add_field(name="In this server", value="\n".join(settings_lines(guide)), inline=False)
        embed.set_footer(text="Under every joke and topic: 👍 👎 to vote, ⭐ Save, 🚩 Report. /about · /mydata show")
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command()
    async def about(self, interaction: discord.Interaction) -> None:
        """What Banter is, its version and its web site."""
        embed = discord.Embed(title="About Banter", description=ABOUT, colour=COLOUR)
        embed.add_field(name="Version", value=version(), inline=True)
        url = self.core.config.web.public_url
        if url:
            embed.add_field(name="Web site", value=url, inline=True)
            embed.url = url
        embed.add_field(name="Your data", value="`/mydata show` lists what is stored about you; "
                                                "`/mydata delete` deletes it.", inline=False)
        await interaction.response.send_message(embed=embed, ephemeral=True)


async def setup(bot: BanterBot) -> None:
    await bot.add_cog(Help(bot))
