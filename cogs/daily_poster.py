"""How the daily service reaches Discord (:class:`DiscordPoster`): send a post with its nonce,
look for one already sent, open its thread; and the headline every daily post carries."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

import aiohttp
import discord
from msgspec.structs import replace

from bot.bot import BanterBot
from bot.errors import Command, Mention
from bot.services.daily import Note, OutgoingPost, PermanentSendError, Reminder, TransientSendError
from cogs.daily_render import reminder_text
from cogs.i18n import LANGUAGES, Messages, messages, tr_guild
from cogs.ui import footer, item_message

log = logging.getLogger(__name__)

THREAD_EXISTS = 160004  # "A thread has already been created for this message"
HISTORY_LOOKBACK = 100  # one page of history
NETWORK_ERRORS = (aiohttp.ClientError, asyncio.TimeoutError, OSError)


def headline(post: OutgoingPost, t: Messages) -> str:
    """The line above the embed, in the server's language: a ping if asked for, what this is, and
    the day it is for. It also marks the message as a daily post when the service looks for one
    after a restart.
    """
    text = f"**{t(f'daily.label.{post.kind}')}** · {t.day_and_month(post.local_date)}"
    return f"<@&{post.role_id}> {text}" if post.role_id else text


def _error_text(exc: discord.HTTPException) -> str:
    return exc.text or f"HTTP {exc.status}"


class DiscordPoster:
    """How the daily service reaches Discord: send with a nonce, look for a message, open a thread."""

    def __init__(self, bot: BanterBot) -> None:
        self.bot = bot

    async def send(self, post: OutgoingPost) -> int:
        channel = self.bot.get_partial_messageable(post.channel_id, guild_id=post.guild_id)
        t = tr_guild(self.bot.get_guild(post.guild_id))
        kwargs = await item_message(self.bot.core, post.item, post.guild_id, t=t)
        mentions = (discord.AllowedMentions(everyone=False, users=False, roles=[discord.Object(post.role_id)])
                    if post.role_id else discord.AllowedMentions.none())
        try:
            # discord.py 2.7 sends ``enforce_nonce: true`` with every nonce: Discord answers a repeat
            # (within a few minutes) with the message it already created instead of a new one.
            message = await channel.send(headline(post, t), nonce=post.nonce, allowed_mentions=mentions, **kwargs)
        except (discord.HTTPException, discord.RateLimited, *NETWORK_ERRORS) as exc:
            raise self._translate(exc, post.channel_id) from exc
        return message.id

    async def remind(self, reminder: Reminder) -> None:
        """Post the review reminder in the mod-log channel; only the moderator role may be pinged."""
        channel = self.bot.get_partial_messageable(reminder.channel_id, guild_id=reminder.guild_id)
        mentions = (discord.AllowedMentions(everyone=False, users=False, roles=[discord.Object(reminder.role_id)])
                    if reminder.role_id else discord.AllowedMentions.none())
        await channel.send(reminder_text(reminder, tr_guild(self.bot.get_guild(reminder.guild_id))),
                           allowed_mentions=mentions)

    async def find_sent(self, post: OutgoingPost, since: datetime) -> int | None:
        # Matched on what the message says (the headline names the kind and the date, the footer the
        # item) rather than on time, so a clock that disagrees with Discord's cannot hide it.
        me = self.bot.user
        if me is None:
            return None
        channel = self.bot.get_partial_messageable(post.channel_id, guild_id=post.guild_id)
        # In any language: the server may have changed its language since the post went out.
        languages = [messages(code) for code in LANGUAGES]
        markers = {footer(post.item, t).split(" · ")[0] for t in languages}
        titles = tuple(headline(replace(post, role_id=None), t) for t in languages)
        try:
            async for message in channel.history(limit=HISTORY_LOOKBACK):
                if (message.author.id != me.id or message.webhook_id is not None
                        or message.interaction_metadata is not None or not message.content.endswith(titles)):
                    continue
                if any((embed.footer.text or "").split(" · ")[0] in markers for embed in message.embeds):
                    return message.id
        except discord.Forbidden:
            return None  # cannot read the history: the nonce is the only guard left
        except (discord.HTTPException, discord.RateLimited, *NETWORK_ERRORS) as exc:
            raise self._translate(exc, post.channel_id) from exc
        return None

    async def open_thread(self, channel_id: int, message_id: int, name: str) -> int:
        channel = self.bot.get_channel(channel_id)
        if not isinstance(channel, discord.TextChannel):
            raise PermanentSendError(Note("thread-channel-gone"))
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
        """A discord.py error as the service's permanent or transient send error, as a note each
        reader's language words (cogs/daily_render.py); Discord's own error text stays as it is."""
        channel = Mention("channel", channel_id)
        if isinstance(exc, discord.RateLimited):
            return TransientSendError(Note("slow-down"), retry_after=exc.retry_after)
        if isinstance(exc, discord.Forbidden):
            return PermanentSendError(Note("forbidden", {"channel": channel, "detail": _error_text(exc),
                                                         "post_now": Command("daily post-now")}))
        if isinstance(exc, discord.NotFound):
            return PermanentSendError(Note("channel-gone", {"channel": channel, "command": Command("daily set")}))
        if isinstance(exc, discord.DiscordServerError):
            return TransientSendError(Note("server-error", {"status": exc.status}))
        if isinstance(exc, discord.HTTPException):
            if exc.status == 429:
                retry_after = exc.response.headers.get("Retry-After") if exc.response is not None else None
                return TransientSendError(Note("rate-limited"), retry_after=float(retry_after) if retry_after else None)
            return PermanentSendError(Note("refused", {"status": exc.status, "detail": _error_text(exc)}))
        return TransientSendError(Note("unreachable", {"error": type(exc).__name__}))
