"""/discussion: the server's topic of the day, another one, and the archive of earlier topics of the day."""

from __future__ import annotations

import asyncio
import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import BanterBot
from bot.services.daily import ArchiveEntry, ArchivePage
from cogs.daily_render import jump_url
from cogs.i18n import Messages, tr
from cogs.ui import item_message, send_pick

log = logging.getLogger(__name__)


def thread_url(guild_id: int, thread_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{thread_id}"


ThreadCounts = tuple[int, int] | None | str  # (messages, members); None: gone; str: could not be read


def archive_line(t: Messages, entry: ArchiveEntry, counts: ThreadCounts) -> str:
    post = entry.post
    day = post.local_date
    title = entry.item.title if entry.item is not None else t("archive.removed_topic")
    assert post.message_id is not None  # the archive holds sent posts only
    link = jump_url(post.guild_id, post.channel_id, post.message_id)
    line = (f"**{t.short_date(day)}** · [{discord.utils.escape_markdown(title)}]({link}) · "
            f"👍 {entry.tally.up} 👎 {entry.tally.down}")
    if post.thread_id is not None:
        thread = f"[{t('archive.thread')}]({thread_url(post.guild_id, post.thread_id)})"
        if isinstance(counts, tuple):
            messages, members = counts
            line += f" · 💬 {thread}: {t('archive.messages', count=messages)}, {t('archive.members', count=members)}"
        elif counts is None:
            line += f" · 💬 {t('archive.thread_deleted')}"
        else:
            line += f" · 💬 {thread}"
    if entry.item is not None:
        line += f" · `#{entry.item.id}`"
    return line


def archive_embed(t: Messages, page: ArchivePage, counts: list[ThreadCounts]) -> discord.Embed:
    embed = discord.Embed(title=t("archive.title"), colour=discord.Colour(0x4285F4))
    if not page.entries:
        embed.description = t("archive.empty")
        return embed
    embed.description = "\n".join(archive_line(t, e, c) for e, c in zip(page.entries, counts, strict=True))[:4096]
    embed.set_footer(text=t("archive.footer", page=page.page, pages=page.pages, topics=t("archive.topics",
                                                                                      count=page.total)))
    return embed


@app_commands.guild_only()
class Discussion(commands.GroupCog, group_name="discussion"):
    """Discussion topics for the server."""

    def __init__(self, bot: BanterBot) -> None:
        self.bot = bot
        self.core = bot.core
        super().__init__()

    @app_commands.command()
    async def today(self, interaction: discord.Interaction) -> None:
        """The server's topic of the day: the same for everyone all day."""
        assert interaction.guild_id is not None
        item = await self.core.picks.of_the_day("discussion", interaction.guild_id)
        await interaction.response.send_message(**await item_message(self.core, item, interaction.guild_id,
                                                                     t=tr(interaction)))

    @app_commands.command(name="random")
    async def random_topic(self, interaction: discord.Interaction) -> None:
        """Another topic to talk about."""
        assert interaction.guild_id is not None and interaction.channel_id is not None
        f = await self.core.picks.filters("discussion", interaction.guild_id)
        item = await self.core.picks.pick(f, scope_id=interaction.channel_id)
        await send_pick(interaction, item)

    @app_commands.command()
    @app_commands.describe(page="Which page, newest first (default: 1)")
    async def past(self, interaction: discord.Interaction, page: app_commands.Range[int, 1, 10_000] = 1) -> None:
        """Earlier topics of the day here: their votes, and how busy each day's thread was."""
        assert interaction.guild_id is not None
        shown = await self.core.daily.archive.page(interaction.guild_id, page)
        await interaction.response.defer(ephemeral=True, thinking=True)
        counts = await asyncio.gather(*(self._thread_counts(e.post.thread_id) for e in shown.entries))
        await interaction.followup.send(embed=archive_embed(tr(interaction), shown, list(counts)), ephemeral=True)

    @app_commands.command()
    @app_commands.describe(id="The topic's number, as /discussion past shows it (start typing to choose)")
    async def show(self, interaction: discord.Interaction, id: app_commands.Range[int, 1]) -> None:
        """Bring an earlier topic of the day back into this channel, with its votes."""
        assert interaction.guild_id is not None
        item, post = await self.core.daily.archive.bring_back(interaction.guild_id, id)
        t = tr(interaction)
        await interaction.response.send_message(
            t("archive.brought_back", date=t.long_date(post.local_date)),
            **await item_message(self.core, item, interaction.guild_id, t=t))

    @show.autocomplete("id")
    async def show_autocomplete(self, interaction: discord.Interaction,
                                current: str) -> list[app_commands.Choice[int]]:
        if interaction.guild_id is None:
            return []
        shown = await self.core.daily.archive.page(interaction.guild_id, 1, size=25)
        choices = []
        for entry in shown.entries:
            if entry.item is None:
                continue
            name = f"#{entry.item.id} · {entry.post.local_date.isoformat()} · {entry.item.title}"
            if current.strip().lstrip("#").lower() in name.lower():
                choices.append(app_commands.Choice(name=name[:100], value=entry.item.id))
        return choices

    async def _thread_counts(self, thread_id: int | None) -> ThreadCounts:
        """A thread's message and member counts, read from Discord now (no privileged intent needed)."""
        if thread_id is None:
            return "none"
        try:
            channel = await self.bot.fetch_channel(thread_id)
        except discord.NotFound:
            return None
        except (TimeoutError, discord.HTTPException) as exc:
            log.info("discussion past: could not read thread %s: %s", thread_id, exc)
            return "unknown"
        if not isinstance(channel, discord.Thread):
            return "unknown"
        return channel.message_count, channel.member_count


async def setup(bot: BanterBot) -> None:
    await bot.add_cog(Discussion(bot))
