"""/daily: the discussion (and joke) of the day, posted on time in each server's time zone.

The rules (the ledger, retries, catch-up, time zones) live in :mod:`bot.services.daily`; this
cog turns interactions into plain values, and gives the service a :class:`DiscordPoster` that
does the sending.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import datetime
from typing import Literal

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import BanterBot
from bot.errors import UserError
from bot.records import DailyPost
from bot.services.daily import (
    DailyStatus,
    OutgoingPost,
    PermanentSendError,
    PostNowResult,
    Preview,
    TransientSendError,
)
from bot.services.schedule import suggest_zones
from cogs.checks import is_moderator
from cogs.ui import footer, item_embed, item_message

log = logging.getLogger(__name__)

LABELS = {"discussion": "Discussion of the day", "joke": "Joke of the day"}
THREAD_EXISTS = 160004  # "A thread has already been created for this message"
HISTORY_LOOKBACK = 100  # one page of history
NETWORK_ERRORS = (aiohttp.ClientError, asyncio.TimeoutError, OSError)


def headline(post: OutgoingPost) -> str:
    """The line above the embed: a ping if asked for, what this is, and the day it is for.

    It also marks the message as a daily post when the service looks for one after a restart.
    """
    day = post.local_date
    text = f"**{LABELS[post.kind]}** · {day:%A} {day.day} {day:%B}"
    return f"<@&{post.role_id}> {text}" if post.role_id else text


def jump_url(guild_id: int, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


def _error_text(exc: discord.HTTPException) -> str:
    return exc.text or f"HTTP {exc.status}"


class DiscordPoster:
    """How the daily service reaches Discord: send with a nonce, look for a message, open a thread."""

    def __init__(self, bot: BanterBot) -> None:
        self.bot = bot

    async def send(self, post: OutgoingPost) -> int:
        channel = self.bot.get_partial_messageable(post.channel_id, guild_id=post.guild_id)
        kwargs = await item_message(self.bot.core, post.item, post.guild_id)
        mentions = (discord.AllowedMentions(everyone=False, users=False, roles=[discord.Object(post.role_id)])
                    if post.role_id else discord.AllowedMentions.none())
        try:
            # discord.py 2.7 sends ``enforce_nonce: true`` with every nonce: Discord answers a repeat
            # (within a few minutes) with the message it already created instead of a new one.
            message = await channel.send(headline(post), nonce=post.nonce, allowed_mentions=mentions, **kwargs)
        except (discord.HTTPException, discord.RateLimited, *NETWORK_ERRORS) as exc:
            raise self._translate(exc, post.channel_id) from exc
        return message.id

    async def find_sent(self, post: OutgoingPost, since: datetime) -> int | None:
        # Matched on what the message says (the headline names the kind and the date, the footer the
        # item) rather than on time, so a clock that disagrees with Discord's cannot hide it.
        me = self.bot.user
        if me is None:
            return None
        channel = self.bot.get_partial_messageable(post.channel_id, guild_id=post.guild_id)
        marker = footer(post.item).split(" · ")[0]
        title = headline(replace(post, role_id=None))
        try:
            async for message in channel.history(limit=HISTORY_LOOKBACK):
                if (message.author.id != me.id or message.webhook_id is not None
                        or message.interaction_metadata is not None or not message.content.endswith(title)):
                    continue
                if any((embed.footer.text or "").split(" · ")[0] == marker for embed in message.embeds):
                    return message.id
        except discord.Forbidden:
            return None  # cannot read the history: the nonce is the only guard left
        except (discord.HTTPException, discord.RateLimited, *NETWORK_ERRORS) as exc:
            raise self._translate(exc, post.channel_id) from exc
        return None

    async def open_thread(self, channel_id: int, message_id: int, name: str) -> int:
        channel = self.bot.get_channel(channel_id)
        if not isinstance(channel, discord.TextChannel):
            raise PermanentSendError("The channel is gone, so no thread was opened.")
        try:
            thread = await channel.get_partial_message(message_id).create_thread(name=name, auto_archive_duration=1440)
        except discord.HTTPException as exc:
            if exc.code == THREAD_EXISTS:
                return message_id  # a thread started from a message has the message's id
            raise self._translate(exc, channel_id) from exc
        except NETWORK_ERRORS as exc:
            raise self._translate(exc, channel_id) from exc
        return thread.id

    @staticmethod
    def _translate(exc: Exception, channel_id: int) -> PermanentSendError | TransientSendError:
        """A discord.py error as the service's permanent or transient send error."""
        if isinstance(exc, discord.RateLimited):
            return TransientSendError("Discord asked the bot to slow down.", retry_after=exc.retry_after)
        if isinstance(exc, discord.Forbidden):
            return PermanentSendError(f"I am not allowed to post in <#{channel_id}> ({_error_text(exc)}). "
                                      "Check my permissions there, then use `/daily post-now` or wait for tomorrow.")
        if isinstance(exc, discord.NotFound):
            return PermanentSendError(f"The channel <#{channel_id}> no longer exists (or I cannot see it). "
                                      "Choose another with `/daily set`.")
        if isinstance(exc, discord.DiscordServerError):
            return TransientSendError(f"Discord had a server error ({exc.status}).")
        if isinstance(exc, discord.HTTPException):
            if exc.status == 429:
                retry_after = exc.response.headers.get("Retry-After") if exc.response is not None else None
                return TransientSendError("Discord rate-limited the bot.",
                                          retry_after=float(retry_after) if retry_after else None)
            return PermanentSendError(f"Discord refused the post ({exc.status}: {_error_text(exc)}).")
        return TransientSendError(f"Could not reach Discord ({type(exc).__name__}).")


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Daily(commands.GroupCog, group_name="daily"):
    """The discussion (and joke) of the day, posted on time in the server's time zone."""

    def __init__(self, bot: BanterBot) -> None:
        self.bot = bot
        self.core = bot.core
        self.poster = DiscordPoster(bot)
        self._scheduler: asyncio.Task[None] | None = None
        super().__init__()

    async def cog_load(self) -> None:
        # The task waits for the bot to be ready itself; waiting here would deadlock setup_hook.
        self._scheduler = self.core.daily.scheduler.start(self.poster, ready=self.bot.wait_until_ready)
        self._scheduler.add_done_callback(_report_end)

    async def cog_unload(self) -> None:
        if self._scheduler is not None:
            self._scheduler.cancel()
            await asyncio.gather(self._scheduler, return_exceptions=True)
        await self.core.daily.stop()

    @app_commands.command(name="set")
    @app_commands.describe(
        channel="Where the post goes",
        time="Local time of day, 24-hour HH:MM (for example 09:00)",
        timezone="The server's time zone, e.g. Europe/London (start typing to search)",
        kind="What to post (default: discussion)",
        role="A role to ping with each post (only that role is mentioned)",
        thread="Open a thread on the discussion for the conversation (default: yes)",
    )
    @is_moderator()
    async def set_schedule(self, interaction: discord.Interaction, channel: discord.TextChannel, time: str,
                           timezone: str, kind: Literal["discussion", "joke", "both"] = "discussion",
                           role: discord.Role | None = None, thread: bool = True) -> None:
        """Post the discussion (or joke) of the day in a channel at a local time."""
        assert interaction.guild is not None and isinstance(interaction.user, discord.Member)
        self._check_channel(interaction.guild, interaction.user, channel, kind, thread, role)
        configured = await self.core.daily.setup.configure(
            interaction.guild.id, channel_id=channel.id, time_text=time, timezone=timezone, kinds=kind,
            role_id=role.id if role else None, thread=thread,
        )
        what = {"discussion": "The discussion of the day", "joke": "The joke of the day",
                "both": "The discussion and joke of the day"}[kind]
        extras = []
        if role is not None:
            extras.append(f"pinging {role.mention}")
        if thread and kind != "joke":
            extras.append("with a thread for the conversation")
        more = f", {', '.join(extras)}" if extras else ""
        when = configured.next_due
        await interaction.response.send_message(
            f"{what} will be posted in {channel.mention} every day at **{configured.schedule.post_time}** "
            f"({configured.timezone}){more}.\nNext post: {discord.utils.format_dt(when, 'F')} "
            f"({discord.utils.format_dt(when, 'R')}).",
            ephemeral=True,
        )

    @set_schedule.autocomplete("timezone")
    async def timezone_autocomplete(self, interaction: discord.Interaction,
                                    current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=name, value=name) for name in suggest_zones(current)]

    def _check_channel(self, guild: discord.Guild, member: discord.Member, channel: discord.TextChannel, kind: str,
                       thread: bool, role: discord.Role | None) -> None:
        """Refuse a schedule the bot could not carry out, or that would let the member do through the
        bot what they may not do themselves (post in the channel, ping the role)."""
        theirs = channel.permissions_for(member)
        if not (theirs.view_channel and theirs.send_messages):
            raise UserError(f"You cannot post in {channel.mention} yourself, so you cannot schedule posts there "
                            "(you need the View Channel and Send Messages permissions there). Nothing was saved.")
        perms = channel.permissions_for(guild.me)
        # Without View Channel Discord takes every other permission away, and without Send Messages
        # Embed Links: name only the one to fix first. Read Message History lets the bot find a post
        # it sent just before a crash, so that it never posts twice.
        needed = [("View Channel", perms.view_channel)]
        if perms.view_channel:
            needed.append(("Send Messages", perms.send_messages))
            needed.append(("Read Message History", perms.read_message_history))
        if perms.send_messages:
            needed.append(("Embed Links", perms.embed_links))
        if perms.view_channel and thread and kind != "joke":
            needed.append(("Create Public Threads", perms.create_public_threads))
        missing = [name for name, ok in needed if not ok]
        if missing:
            hint = " (or set `thread: False`)" if missing == ["Create Public Threads"] else ""
            raise UserError(f"I cannot post in {channel.mention}: I need the {', '.join(missing)} permission"
                            f"{'s' if len(missing) > 1 else ''} there{hint}. Nothing was saved.")
        if role is not None:
            if role.is_default():
                raise UserError("Pick a role to ping, not @everyone. Nothing was saved.")
            if not role.mentionable and not perms.mention_everyone:
                raise UserError(f"I cannot ping {role.mention}: make the role mentionable, or give me the "
                                "Mention @everyone, @here and All Roles permission. Nothing was saved.")
            if not role.mentionable and not theirs.mention_everyone:
                raise UserError(f"You cannot ping {role.mention} in {channel.mention} yourself (the role is not "
                                "mentionable and you lack the Mention @everyone, @here and All Roles permission "
                                "there), so you cannot have the daily post ping it. Nothing was saved.")

    @app_commands.command()
    @is_moderator()
    async def status(self, interaction: discord.Interaction) -> None:
        """The schedule, the next and the last post, recent problems and how much content is left."""
        assert interaction.guild_id is not None
        status = await self.core.daily.setup.status(interaction.guild_id)
        await interaction.response.send_message(embed=status_embed(status), ephemeral=True)

    @app_commands.command()
    @is_moderator()
    async def preview(self, interaction: discord.Interaction) -> None:
        """See the next daily post before it goes out (only you see this)."""
        assert interaction.guild_id is not None
        preview = await self.core.daily.setup.preview(interaction.guild_id)
        await interaction.response.send_message(preview_text(preview), embeds=[item_embed(i) for i in preview.items],
                                                ephemeral=True)

    @app_commands.command()
    @is_moderator()
    async def off(self, interaction: discord.Interaction) -> None:
        """Stop the daily posts (the settings are kept for /daily set)."""
        assert interaction.guild_id is not None
        stopped = await self.core.daily.setup.turn_off(interaction.guild_id)
        message = ("Daily posts are off. Turn them back on with `/daily set`." if stopped
                   else "Daily posts were not on here.")
        await interaction.response.send_message(message, ephemeral=True)

    @app_commands.command(name="post-now")
    @is_moderator()
    async def post_now(self, interaction: discord.Interaction) -> None:
        """Post today's post now; it counts as today's, so none follows at the usual time."""
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        results = await self.core.daily.delivery.post_now(interaction.guild_id, self.poster)
        await interaction.followup.send("\n".join(post_now_line(r) for r in results), ephemeral=True)


def _report_end(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("daily: the scheduler stopped", exc_info=task.exception())


def post_link(post: DailyPost) -> str:
    if post.message_id is None:
        return f"<#{post.channel_id}>"
    return jump_url(post.guild_id, post.channel_id, post.message_id)


def post_now_line(result: PostNowResult) -> str:
    what = LABELS[result.kind]
    post = result.post
    if result.outcome == "sent":
        return f"✅ {what} posted: {post_link(post)}"
    if result.outcome == "already":
        if post.status == "sending":
            return f"⏳ {what} is being posted already."
        return f"ℹ️ Today's {what.lower()} is already posted: {post_link(post)}"
    if result.outcome == "retrying":
        return f"⏳ {what}: {post.error or 'Discord had a problem'}. I will keep trying for a while."
    return f"❌ {what} could not be posted: {post.error}"


def status_embed(status: DailyStatus) -> discord.Embed:
    embed = discord.Embed(title="Daily posts", colour=discord.Colour(0x4285F4))
    schedule = status.schedule
    if schedule is None:
        embed.description = "Not set up. Use `/daily set` to post a discussion of the day."
    else:
        state = "on" if schedule.enabled else "**off**"
        kinds = {"discussion": "discussion", "joke": "joke", "both": "discussion and joke"}[schedule.kinds]
        lines = [f"{kinds.capitalize()} of the day in <#{schedule.channel_id}> at **{schedule.post_time}** "
                 f"({status.timezone}), {state}."]
        if schedule.role_id:
            lines.append(f"Pings <@&{schedule.role_id}>.")
        lines.append("Opens a thread on the discussion." if schedule.thread and schedule.kinds != "joke"
                     else "No thread.")
        embed.description = " ".join(lines)
    if status.next_due is not None:
        embed.add_field(name="Next post", value=f"{discord.utils.format_dt(status.next_due, 'F')} "
                                                f"({discord.utils.format_dt(status.next_due, 'R')})", inline=False)
    if status.last is not None:
        last = status.last
        when = discord.utils.format_dt(last.posted_at, "F") if last.posted_at else last.local_date.isoformat()
        embed.add_field(name="Last post", value=f"{LABELS[last.kind]}, {when}: {post_link(last)}", inline=False)
    if status.problems:
        lines = [f"{p.local_date.isoformat()} {p.kind}: {problem_text(p)}" for p in status.problems]
        embed.add_field(name="Recent problems", value="\n".join(lines)[:1024], inline=False)
    left = []
    for kind, count in status.remaining.items():
        noun = "topics" if kind == "discussion" else "jokes"
        warn = " ⚠️ running low: add some, or they will start to repeat" if kind in status.running_low else ""
        left.append(f"{count} unused {noun} ({count} days){warn}")
    embed.add_field(name="Content left", value="\n".join(left), inline=False)
    return embed


def problem_text(post: DailyPost) -> str:
    if post.status == "sent" and post.thread_error:
        return f"posted ({post_link(post)}), but {post.thread_error[0].lower()}{post.thread_error[1:]}"
    if post.status == "sending":
        return f"still trying: {post.error}"
    return post.error or post.status


def preview_text(preview: Preview) -> str:
    when = discord.utils.format_dt(preview.due, "F")
    state = "" if preview.schedule.enabled else " (daily posts are off: this is what `/daily set` would post)"
    return f"Next daily post, {when} in <#{preview.schedule.channel_id}>{state}:"


async def setup(bot: BanterBot) -> None:
    await bot.add_cog(Daily(bot))

