"""/daily: the discussion (and joke) of the day, posted on time in each server's time zone, on
one or more schedules (one per channel) with their own days and pauses.

The rules (the ledger, retries, catch-up, time zones, days) live in :mod:`bot.services.daily`;
this cog turns interactions into plain values, and gives the service a
:class:`~cogs.daily_poster.DiscordPoster` that does the sending.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import BanterBot
from bot.errors import Mention, Option, UserError
from bot.services.daily import DAY_SUGGESTIONS
from bot.services.schedule import suggest_zones
from cogs.checks import is_moderator
from cogs.daily_poster import DiscordPoster
from cogs.daily_render import days_text, post_now_line, preview_text, schedule_label, status_embed, when
from cogs.i18n import Messages, tr
from cogs.ui import item_embed

log = logging.getLogger(__name__)

SCHEDULE_OPTION = "The schedule's number, as /daily status shows it (start typing to choose)"


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Daily(commands.GroupCog, group_name="daily"):
    """The discussion (and joke) of the day, posted on time in the server's time zone."""

    def __init__(self, bot: BanterBot) -> None:
        self.bot = bot
        self.core = bot.core
        self.poster = DiscordPoster(bot)
        self._scheduler: asyncio.Task[None] | None = None
        self._reminders: asyncio.Task[None] | None = None
        super().__init__()

    async def cog_load(self) -> None:
        # The task waits for the bot to be ready itself; waiting here would deadlock setup_hook.
        self._scheduler = self.core.daily.scheduler.start(self.poster, ready=self.bot.wait_until_ready)
        self._scheduler.add_done_callback(_report_end)
        self._reminders = self.core.daily.reminders.start(self.poster, ready=self.bot.wait_until_ready)
        self._reminders.add_done_callback(_report_end)

    async def cog_unload(self) -> None:
        for task in (self._scheduler, self._reminders):
            if task is not None:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        await self.core.daily.stop()

    @app_commands.command(name="set")
    @app_commands.describe(
        channel="Where the post goes (a channel with a schedule already gets this one instead)",
        time="Local time of day: 09:00, 9am or 9:30pm",
        timezone="The server's time zone: Europe/London, or a city such as london (default: as set before, or UTC)",
        kind="What to post (default: discussion)",
        days="Which days: every day, weekdays, weekends, mon, wed, fri, or every 3 days (default: every day)",
        role="A role to ping with each post (only that role is mentioned)",
        thread="Open a thread on the discussion for the conversation (default: yes)",
    )
    @is_moderator()
    async def set_schedule(self, interaction: discord.Interaction, channel: discord.TextChannel, time: str,
                           timezone: str | None = None, kind: Literal["discussion", "joke", "both"] = "discussion",
                           days: str = "every day", role: discord.Role | None = None, thread: bool = True) -> None:
        """Post the discussion (or joke) of the day in a channel at a local time, on the days you choose."""
        assert interaction.guild is not None and isinstance(interaction.user, discord.Member)
        self._check_channel(tr(interaction), interaction.guild, interaction.user, channel, kind, thread, role)
        configured = await self.core.daily.setup.configure(
            interaction.guild.id, channel_id=channel.id, time_text=time, timezone=timezone, kinds=kind,
            role_id=role.id if role else None, thread=thread, days_text=days,
        )
        t = tr(interaction)
        extras = []
        if role is not None:
            extras.append(t("daily.set.pinging", role=role.mention))
        if thread and kind != "joke":
            extras.append(t("daily.set.with_thread"))
        more = f", {', '.join(extras)}" if extras else ""
        schedule = configured.schedule
        count = len(await self.core.daily.setup.schedules(interaction.guild.id))
        which = (t("daily.set.changed", id=schedule.id, channel=channel.mention) if configured.replaced
                 else t("daily.set.new", id=schedule.id, count=count))
        await interaction.response.send_message(
            t(f"daily.set.done.{kind}", channel=channel.mention, days=days_text(t, schedule.days),
              time=schedule.post_time, timezone=configured.timezone, more=more, next=when(configured.next_due),
              which=which),
            ephemeral=True,
        )

    @set_schedule.autocomplete("timezone")
    async def timezone_autocomplete(self, interaction: discord.Interaction,
                                    current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=name, value=name) for name in suggest_zones(current)]

    @set_schedule.autocomplete("days")
    async def days_autocomplete(self, interaction: discord.Interaction,
                                current: str) -> list[app_commands.Choice[str]]:
        typed = current.strip()
        offered = [d for d in DAY_SUGGESTIONS if typed.lower() in d] or list(DAY_SUGGESTIONS)
        if typed and typed.lower() not in offered:
            offered.insert(0, typed[:100])
        return [app_commands.Choice(name=d, value=d) for d in offered[:25]]

    async def schedule_autocomplete(self, interaction: discord.Interaction,
                                    current: str) -> list[app_commands.Choice[int]]:
        if interaction.guild is None:
            return []
        choices = []
        for schedule in await self.core.daily.setup.schedules(interaction.guild.id):
            channel = interaction.guild.get_channel(schedule.channel_id)
            name = tr(interaction)("daily.autocomplete", label=schedule_label(tr(interaction), schedule),
                                   channel=channel.name if channel else "deleted-channel")
            if current.strip().lstrip("#") in name:
                choices.append(app_commands.Choice(name=name[:100], value=schedule.id))
        return choices[:25]

    def _check_channel(self, t: Messages, guild: discord.Guild, member: discord.Member, channel: discord.TextChannel,
                       kind: str, thread: bool, role: discord.Role | None) -> None:
        """Refuse a schedule the bot could not carry out, or that would let the member do through the
        bot what they may not do themselves (post in the channel, ping the role)."""
        theirs = channel.permissions_for(member)
        where = Mention("channel", channel.id)
        if not (theirs.view_channel and theirs.send_messages):
            raise UserError("You cannot post in {channel} yourself, so you cannot schedule posts there (you need the "
                            "View Channel and Send Messages permissions there). Nothing was saved.", channel=where)
        perms = channel.permissions_for(guild.me)
        # Without View Channel Discord takes every other permission away, and without Send Messages
        # Embed Links: name only the one to fix first. Read Message History lets the bot find a post
        # it sent just before a crash, so that it never posts twice.
        needed = [("view_channel", perms.view_channel)]
        if perms.view_channel:
            needed.append(("send_messages", perms.send_messages))
            needed.append(("read_message_history", perms.read_message_history))
        if perms.send_messages:
            needed.append(("embed_links", perms.embed_links))
        if perms.view_channel and thread and kind != "joke":
            needed.append(("create_public_threads", perms.create_public_threads))
        # By the names the member's Discord client shows (the catalog's permission.*).
        missing = [t.permission(name) for name, ok in needed if not ok]
        if missing:
            if [name for name, ok in needed if not ok] == ["create_public_threads"]:
                raise UserError("I cannot post in {channel}: I need the Create Public Threads permission there (or "
                                "set {hint}). Nothing was saved.", channel=where,
                                hint=Option("daily set", "thread", "False"))
            if len(missing) == 1:
                raise UserError("I cannot post in {channel}: I need the {missing} permission there. Nothing was saved.",
                                channel=where, missing=missing[0])
            raise UserError("I cannot post in {channel}: I need the {missing} permissions there. Nothing was saved.",
                            channel=where, missing=", ".join(missing))
        if role is not None:
            ping = Mention("role", role.id)
            if role.is_default():
                raise UserError("Pick a role to ping, not @everyone. Nothing was saved.")
            if not role.mentionable and not perms.mention_everyone:
                raise UserError("I cannot ping {role}: make the role mentionable, or give me the Mention @everyone, "
                                "@here and All Roles permission. Nothing was saved.", role=ping)
            if not role.mentionable and not theirs.mention_everyone:
                raise UserError("You cannot ping {role} in {channel} yourself (the role is not mentionable and you "
                                "lack the Mention @everyone, @here and All Roles permission there), so you cannot "
                                "have the daily post ping it. Nothing was saved.", role=ping, channel=where)

    @app_commands.command()
    @is_moderator()
    async def status(self, interaction: discord.Interaction) -> None:
        """Every schedule with its next post, the last post, recent problems and how much content is left."""
        assert interaction.guild_id is not None
        status = await self.core.daily.setup.status(interaction.guild_id)
        await interaction.response.send_message(embed=status_embed(tr(interaction), status), ephemeral=True)

    @app_commands.command()
    @app_commands.describe(schedule=SCHEDULE_OPTION + " (default: the one that posts next)")
    @is_moderator()
    async def preview(self, interaction: discord.Interaction, schedule: int | None = None) -> None:
        """See the next daily post before it goes out (only you see this)."""
        assert interaction.guild_id is not None
        preview = await self.core.daily.setup.preview(interaction.guild_id, schedule)
        t = tr(interaction)
        await interaction.response.send_message(preview_text(t, preview),
                                                embeds=[item_embed(i, t=t) for i in preview.items], ephemeral=True)

    @app_commands.command()
    @is_moderator()
    async def off(self, interaction: discord.Interaction) -> None:
        """Stop every daily post (the schedules are kept for /daily set)."""
        assert interaction.guild_id is not None
        stopped = await self.core.daily.setup.turn_off(interaction.guild_id)
        await interaction.response.send_message(tr(interaction)("daily.off" if stopped else "daily.was_off"),
                                                ephemeral=True)

    @app_commands.command()
    @app_commands.describe(schedule=SCHEDULE_OPTION)
    @is_moderator()
    async def remove(self, interaction: discord.Interaction, schedule: int) -> None:
        """Remove one daily schedule (what it posted stays in /discussion past)."""
        assert interaction.guild_id is not None
        removed = await self.core.daily.setup.remove(interaction.guild_id, schedule)
        left = len(await self.core.daily.setup.schedules(interaction.guild_id))
        t = tr(interaction)
        await interaction.response.send_message(
            t("daily.removed", id=removed.id, label=schedule_label(t, removed).split(" · ", 1)[1],
              channel=f"<#{removed.channel_id}>", count=left), ephemeral=True)

    @app_commands.command()
    @app_commands.rename(start="from", end="to")
    @app_commands.describe(start="The first day without posts, YYYY-MM-DD",
                           end="The last day without posts, YYYY-MM-DD",
                           schedule=SCHEDULE_OPTION + " (default: every schedule)")
    @is_moderator()
    async def pause(self, interaction: discord.Interaction, start: str, end: str, schedule: int | None = None) -> None:
        """Pause daily posts over some days (holidays); the schedules stay and start again after."""
        assert interaction.guild_id is not None
        pause, paused = await self.core.daily.setup.pause(interaction.guild_id, start, end, schedule)
        t = tr(interaction)
        lines = [t("daily.paused", start=t.long_date(pause.start), end=t.long_date(pause.end), count=len(paused))]
        lines += [t("daily.posts_again", id=s.id, channel=f"<#{s.channel_id}>", when=when(s.next_due))
                  for s in paused if s.enabled]
        lines.append(t("daily.undo_pause"))
        await interaction.response.send_message("\n".join(lines), ephemeral=True)

    @app_commands.command()
    @app_commands.describe(schedule=SCHEDULE_OPTION + " (default: every schedule)")
    @is_moderator()
    async def resume(self, interaction: discord.Interaction, schedule: int | None = None) -> None:
        """End a pause now: posts go out again from the next time due."""
        assert interaction.guild_id is not None
        resumed = await self.core.daily.setup.resume(interaction.guild_id, schedule)
        if not resumed:
            await interaction.response.send_message(tr(interaction)("daily.none_paused"), ephemeral=True)
            return
        t = tr(interaction)
        lines = [t("daily.resumed", count=len(resumed))]
        lines += [t("daily.posts_next", id=s.id, channel=f"<#{s.channel_id}>", when=when(s.next_due))
                  for s in resumed if s.enabled]
        await interaction.response.send_message("\n".join(lines), ephemeral=True)

    @app_commands.command(name="post-now")
    @app_commands.describe(schedule=SCHEDULE_OPTION + " (default: every schedule that is on)")
    @is_moderator()
    async def post_now(self, interaction: discord.Interaction, schedule: int | None = None) -> None:
        """Post today's post now; it counts as today's, so none follows at the usual time."""
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        results = await self.core.daily.delivery.post_now(interaction.guild_id, self.poster, schedule)
        t = tr(interaction)
        await interaction.followup.send("\n".join(post_now_line(t, r) for r in results), ephemeral=True)

    preview.autocomplete("schedule")(schedule_autocomplete)
    remove.autocomplete("schedule")(schedule_autocomplete)
    pause.autocomplete("schedule")(schedule_autocomplete)
    resume.autocomplete("schedule")(schedule_autocomplete)
    post_now.autocomplete("schedule")(schedule_autocomplete)


def _report_end(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("daily: %s stopped", task.get_name(), exc_info=task.exception())


async def setup(bot: BanterBot) -> None:
    await bot.add_cog(Daily(bot))
