"""What /daily shows: the status embed with every schedule, the post-now lines, the preview line."""

from __future__ import annotations

from datetime import datetime, timedelta

import discord

from bot.records import DailyPost, DailySchedule
from bot.services.daily import DailyStatus, PostNowResult, Preview, Reminder, ScheduleStatus

LABELS = {"discussion": "Discussion of the day", "joke": "Joke of the day"}
KIND_WORDS = {"discussion": "discussion", "joke": "joke", "both": "discussion and joke"}


def jump_url(guild_id: int, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


def when(moment: datetime) -> str:
    """A moment as Discord shows it to each reader: their own date and time, and how far off."""
    return f"{discord.utils.format_dt(moment, 'F')} ({discord.utils.format_dt(moment, 'R')})"


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


def schedule_label(schedule: DailySchedule) -> str:
    """A schedule in a few words, without markup (for autocomplete choices): "#3 · joke at 09:00 on weekdays"."""
    return f"#{schedule.id} · {KIND_WORDS[schedule.kinds]} at {schedule.post_time} {schedule.days.describe()}"


def schedule_line(shown: ScheduleStatus, timezone: str) -> str:
    schedule = shown.schedule
    state = "on" if schedule.enabled else "**off**"
    parts = [f"**#{schedule.id}** · {KIND_WORDS[schedule.kinds].capitalize()} of the day in <#{schedule.channel_id}> "
             f"at **{schedule.post_time}** ({timezone}) {schedule.days.describe()}, {state}"]
    if schedule.role_id:
        parts.append(f"pings <@&{schedule.role_id}>")
    if schedule.thread and schedule.kinds != "joke":
        parts.append("opens a thread")
    line = ", ".join(parts) + "."
    if shown.paused and schedule.pause is not None:
        line += f" ⏸️ Paused from {schedule.pause.start.isoformat()} to {schedule.pause.end.isoformat()}."
    if shown.next_due is not None:
        line += f" Next: {when(shown.next_due)}."
    return line


def status_embed(status: DailyStatus) -> discord.Embed:
    embed = discord.Embed(title="Daily posts", colour=discord.Colour(0x4285F4))
    if not status.schedules:
        embed.description = "Not set up. Use `/daily set` to post a discussion of the day."
    else:
        embed.description = "\n".join(schedule_line(s, status.timezone) for s in status.schedules)[:4096]
    if status.next_due is not None:
        embed.add_field(name="Next post", value=when(status.next_due), inline=False)
    if status.last is not None:
        last = status.last
        at = discord.utils.format_dt(last.posted_at, "F") if last.posted_at else last.local_date.isoformat()
        embed.add_field(name="Last post", value=f"{LABELS[last.kind]}, {at}: {post_link(last)}", inline=False)
    if status.problems:
        lines = [f"{p.local_date.isoformat()} {p.kind}: {problem_text(p)}" for p in status.problems]
        embed.add_field(name="Recent problems", value="\n".join(lines)[:1024], inline=False)
    left = []
    for kind, count in status.remaining.items():
        noun = ("topic" if kind == "discussion" else "joke") + ("" if count == 1 else "s")
        days = "1 day" if count == 1 else f"{count} days"
        warn = " ⚠️ running low: add some, or they will start to repeat" if kind in status.running_low else ""
        left.append(f"{count} unused {noun} ({days}){warn}")
    embed.add_field(name="Content left", value="\n".join(left), inline=False)
    return embed


def problem_text(post: DailyPost) -> str:
    if post.status == "sent" and post.thread_error:
        return f"posted ({post_link(post)}), but {post.thread_error[0].lower()}{post.thread_error[1:]}"
    if post.status == "sending":
        return f"still trying: {post.error}"
    return post.error or post.status


def preview_text(preview: Preview) -> str:
    at = discord.utils.format_dt(preview.due, "F")
    state = "" if preview.schedule.enabled else " (daily posts are off: this is what `/daily set` would post)"
    return f"Next daily post (#{preview.schedule.id}), {at} in <#{preview.schedule.channel_id}>{state}:"



def duration_text(waited: timedelta) -> str:
    """How long something waited, in whole hours (and days past two days): "1 hour", "26 hours", "3 days 4 hours"."""
    hours = int(waited.total_seconds() // 3600)
    if hours < 48:
        return f"{hours} hour" if hours == 1 else f"{hours} hours"
    days, hours = divmod(hours, 24)
    return f"{days} days" + ("" if hours == 0 else f" {hours} hour" if hours == 1 else f" {hours} hours")


def reminder_text(reminder: Reminder) -> str:
    """The mod-log's daily reminder: what waits, how long the oldest has, and where to start."""
    parts = []
    if reminder.suggestions:
        parts.append("1 suggestion" if reminder.suggestions == 1 else f"{reminder.suggestions} suggestions")
    if reminder.reports:
        parts.append("1 reported item" if reminder.reports == 1 else f"{reminder.reports} reported items")
    verb = "waits" if reminder.size == 1 else "wait"
    what = " and ".join(parts)
    oldest = "it has" if reminder.size == 1 else "the oldest has"
    text = (f"⏰ **Review queue:** {what} {verb} for a moderator; {oldest} waited {duration_text(reminder.waited)} "
            f"(since {discord.utils.format_dt(reminder.oldest, 'f')}). Start with `/review`.")
    return f"<@&{reminder.role_id}> {text}" if reminder.role_id else text
