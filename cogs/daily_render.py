"""What /daily shows: the status embed with every schedule, the post-now lines, the preview line,
and the mod-log's review reminder; each in the language of ``t`` (cogs/i18n.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

import discord

from bot.errors import Command, Mention
from bot.records import EVERY_DAY, WEEKDAYS, WEEKENDS, DailyPost, DailySchedule, Days
from bot.services.daily import (
    DailyStatus,
    Note,
    PostNowResult,
    Preview,
    Reminder,
    ScheduleStatus,
    decode_note,
    note_english,
)
from cogs.i18n import Messages


def jump_url(guild_id: int, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


def when(moment: datetime) -> str:
    """A moment as Discord shows it to each reader: their own date and time, and how far off."""
    return f"{discord.utils.format_dt(moment, 'F')} ({discord.utils.format_dt(moment, 'R')})"


def post_link(post: DailyPost) -> str:
    if post.message_id is None:
        return f"<#{post.channel_id}>"
    return jump_url(post.guild_id, post.channel_id, post.message_id)


def days_text(t: Messages, days: Days) -> str:
    """Which days a schedule posts on: "on weekdays", "every 3 days", "on Mon, Wed and Fri"."""
    if days.every > 1:
        return t("daily.days.every_n", count=days.every)
    named = {EVERY_DAY: "every_day", WEEKDAYS: "weekdays", WEEKENDS: "weekends"}.get(days.weekdays)
    if named is not None:
        return t(f"daily.days.{named}")
    names = [t(f"date.weekdays_short.{n}") for n in range(7) if days.weekdays >> n & 1]
    listed = names[0] if len(names) == 1 else t("daily.days.and", first=", ".join(names[:-1]), last=names[-1])
    return t("daily.days.on", days=listed)


def post_now_line(t: Messages, result: PostNowResult) -> str:
    what = t(f"daily.label.{result.kind}")
    post = result.post
    if result.outcome == "sent":
        return t("daily.post_now.sent", what=what, link=post_link(post))
    if result.outcome == "already":
        if post.status == "sending":
            return t("daily.post_now.sending", what=what)
        return t(f"daily.post_now.already.{result.kind}", link=post_link(post))
    if result.outcome == "retrying":
        error = stored_note(t, post.error)
        return t("daily.post_now.retrying", what=what, error=error or t("daily.post_now.discord_problem"))
    return t("daily.post_now.failed", what=what, error=stored_note(t, post.error))


def schedule_label(t: Messages, schedule: DailySchedule) -> str:
    """A schedule in a few words, without markup (for autocomplete choices): "#3 · joke at 09:00 on weekdays"."""
    return t("daily.schedule_label", id=schedule.id, kinds=t(f"daily.kinds.{schedule.kinds}"),
             time=schedule.post_time, days=days_text(t, schedule.days))


def schedule_line(t: Messages, shown: ScheduleStatus, timezone: str) -> str:
    schedule = shown.schedule
    parts = [t("daily.status.schedule", id=schedule.id, what=t(f"daily.of_the_day.{schedule.kinds}"),
               channel=f"<#{schedule.channel_id}>", time=schedule.post_time, timezone=timezone,
               days=days_text(t, schedule.days),
               state=t("daily.status.on" if schedule.enabled else "daily.status.off"))]
    if schedule.role_id:
        parts.append(t("daily.status.pings", role=f"<@&{schedule.role_id}>"))
    if schedule.thread and schedule.kinds != "joke":
        parts.append(t("daily.status.thread"))
    line = ", ".join(parts) + "."
    if shown.paused and schedule.pause is not None:
        line += " " + t("daily.status.paused", start=schedule.pause.start.isoformat(),
                        end=schedule.pause.end.isoformat())
    if shown.next_due is not None:
        line += " " + t("daily.status.next", when=when(shown.next_due))
    return line


def status_embed(t: Messages, status: DailyStatus) -> discord.Embed:
    embed = discord.Embed(title=t("daily.status.title"), colour=discord.Colour(0x4285F4))
    if not status.schedules:
        embed.description = t("daily.status.not_set_up")
    else:
        embed.description = "\n".join(schedule_line(t, s, status.timezone) for s in status.schedules)[:4096]
    if status.next_due is not None:
        embed.add_field(name=t("daily.status.next_post"), value=when(status.next_due), inline=False)
    if status.last is not None:
        last = status.last
        at = discord.utils.format_dt(last.posted_at, "F") if last.posted_at else last.local_date.isoformat()
        embed.add_field(name=t("daily.status.last_post"),
                        value=f"{t(f'daily.label.{last.kind}')}, {at}: {post_link(last)}", inline=False)
    if status.problems:
        lines = [f"{p.local_date.isoformat()} {t(f'daily.kinds.{p.kind}')}: {problem_text(t, p)}"
                 for p in status.problems]
        embed.add_field(name=t("daily.status.problems"), value="\n".join(lines)[:1024], inline=False)
    left = []
    for kind, count in status.remaining.items():
        warn = t("daily.status.running_low") if kind in status.running_low else ""
        left.append(t(f"daily.status.left.{kind}", count=count, days=t("daily.status.days", count=count)) + warn)
    embed.add_field(name=t("daily.status.content_left"), value="\n".join(left), inline=False)
    return embed


def problem_text(t: Messages, post: DailyPost) -> str:
    if post.status == "sent" and post.thread_error:
        thread = decode_note(post.thread_error)
        if thread is not None and thread.code == "no-thread" and thread.cause is not None:
            return t("daily.problem.no_thread", link=post_link(post), error=note_text(t, thread.cause))
        words = post.thread_error  # stored as words, before notes were data
        return t("daily.problem.thread_words", link=post_link(post), error=f"{words[0].lower()}{words[1:]}")
    if post.status == "sending":
        return t("daily.problem.still_trying", error=stored_note(t, post.error))
    return stored_note(t, post.error) or t(f"daily.post_status.{post.status}")


def stored_note(t: Messages, stored: str | None) -> str:
    note = decode_note(stored)
    return note_text(t, note) if note is not None else ""


def note_text(t: Messages, note: Note) -> str:
    """Why a daily post did not go out as planned, in the reader's language (see bot/services/daily/notes.py)."""
    if note.code == "text":
        return str(note.values["text"])
    if note.code == "error":
        return t.error(note.user_error())
    fields: dict[str, object] = {}
    for name, value in note.values.items():
        fields[name] = (note_text(t, value) if isinstance(value, Note)
                        else t.markup(value) if isinstance(value, Mention | Command) else value)
    if note.code == "gave-up":
        fields["count"] = note.values.get("attempts", 0)
    if not t.knows(f"daily.note.{note.code}"):
        return note_english(note, t.markup)  # a code newer than this catalog
    return t(f"daily.note.{note.code}", **fields)


def preview_text(t: Messages, preview: Preview) -> str:
    at = discord.utils.format_dt(preview.due, "F")
    state = "" if preview.schedule.enabled else t("daily.preview.off")
    return t("daily.preview.line", id=preview.schedule.id, at=at, channel=f"<#{preview.schedule.channel_id}>",
             state=state)


def duration_text(t: Messages, waited: timedelta) -> str:
    """How long something waited, in whole hours (and days past two days): "1 hour", "26 hours", "3 days 4 hours"."""
    hours = int(waited.total_seconds() // 3600)
    if hours < 48:
        return t("daily.hours", count=hours)
    days, hours = divmod(hours, 24)
    return t("daily.days_count", count=days) + ("" if hours == 0 else " " + t("daily.hours", count=hours))


def reminder_text(reminder: Reminder, t: Messages) -> str:
    """The mod-log's daily reminder: what waits, how long the oldest has, and where to start."""
    parts = []
    if reminder.suggestions:
        parts.append(t("reminder.suggestions", count=reminder.suggestions))
    if reminder.reports:
        parts.append(t("reminder.reports", count=reminder.reports))
    what = t("reminder.and").join(parts)
    text = t("reminder.text", what=what, count=reminder.size, waited=duration_text(t, reminder.waited),
             since=discord.utils.format_dt(reminder.oldest, "f"))
    return f"<@&{reminder.role_id}> {text}" if reminder.role_id else text
