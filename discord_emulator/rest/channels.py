"""Channels and threads: reading, editing, deleting, typing, starting and joining threads."""

from __future__ import annotations

import logging
from typing import Any

from ..flags import ChannelType, Permissions
from ..models import Channel
from .errors import error, single_form_error
from .resource import Resource
from .routing import Ctx, Reply, Router, no_content, ok

_ARCHIVE_DURATIONS = (60, 1440, 4320, 10080)

log = logging.getLogger(__name__)


class Channels(Resource):
    def routes(self, router: Router) -> None:
        add = router.add
        add("GET", "/channels/{channel_id}", self.get_channel)
        add("PATCH", "/channels/{channel_id}", self.edit_channel)
        add("DELETE", "/channels/{channel_id}", self.delete_channel)
        add("POST", "/channels/{channel_id}/typing", self.typing)
        add("POST", "/channels/{channel_id}/messages/{message_id}/threads", self.thread_from_message)
        add("POST", "/channels/{channel_id}/threads", self.thread_without_message)
        add("PUT", "/channels/{channel_id}/thread-members/@me", self.join_thread)
        add("DELETE", "/channels/{channel_id}/thread-members/@me", self.leave_thread)
        add("PUT", "/channels/{channel_id}/thread-members/{user_id}", self.add_thread_member)

    def get_channel(self, ctx: Ctx) -> Reply:
        return ok(self.payloads.channel(self.channel(ctx)))

    def edit_channel(self, ctx: Ctx) -> Reply:
        channel = self.channel(ctx)
        body = ctx.json_object()
        perms = self.bot_permissions(channel) or 0
        if channel.is_thread:
            owner = channel.owner_id == self.world.bot_user.id
            if not owner and not perms & Permissions.MANAGE_THREADS:
                raise error(50013)
            if "locked" in body and not perms & Permissions.MANAGE_THREADS:
                raise error(50013)
            for key in ("name", "archived", "locked", "auto_archive_duration", "invitable", "rate_limit_per_user"):
                if key in body and body[key] is not None:
                    setattr(channel, key, body[key])
        else:
            if channel.guild_id is not None and not perms & Permissions.MANAGE_CHANNELS:
                raise error(50013)
            for key in ("name", "topic", "nsfw", "rate_limit_per_user", "position"):
                if key in body:
                    setattr(channel, key, body[key])
        if "name" in body and not 1 <= len(body.get("name") or "") <= 100:
            raise single_form_error(("name",), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
        self.events.channel_updated(channel)
        return ok(self.payloads.channel(channel))

    def delete_channel(self, ctx: Ctx) -> Reply:
        channel = self.channel(ctx)
        perms = self.bot_permissions(channel)
        needed = Permissions.MANAGE_THREADS if channel.is_thread else Permissions.MANAGE_CHANNELS
        if perms is not None and not perms & needed:
            raise error(50013)
        data = self.payloads.channel(channel)
        if not channel.is_dm:
            self.events.delete_channel(channel)
        return ok(data)

    def typing(self, ctx: Ctx) -> Reply:
        self.channel(ctx, Permissions.SEND_MESSAGES)
        return no_content()

    def _thread_body(self, body: dict[str, Any]) -> tuple[str, int]:
        name = body.get("name")
        if not isinstance(name, str) or not 1 <= len(name) <= 100:
            raise single_form_error(("name",), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
        duration = body.get("auto_archive_duration") or 1440
        if duration not in _ARCHIVE_DURATIONS:
            raise single_form_error(
                ("auto_archive_duration",), "BASE_TYPE_CHOICES", "Value must be one of (60, 1440, 4320, 10080)."
            )
        return name, int(duration)

    def thread_from_message(self, ctx: Ctx) -> Reply:
        channel = self.channel(ctx, Permissions.CREATE_PUBLIC_THREADS)
        if channel.type not in (ChannelType.GUILD_TEXT, ChannelType.GUILD_ANNOUNCEMENT):
            raise error(50024)
        msg = self.message_in(channel, ctx)
        if msg.thread is not None:
            raise error(160004)
        name, duration = self._thread_body(ctx.json_object())
        kind = (
            ChannelType.ANNOUNCEMENT_THREAD
            if channel.type == ChannelType.GUILD_ANNOUNCEMENT
            else ChannelType.PUBLIC_THREAD
        )
        thread = self.events.create_thread(
            channel,
            name,
            type=kind,
            owner=self.world.bot_user,
            starter=msg,
            auto_archive_duration=duration,
            rate_limit_per_user=int(ctx.json_object().get("rate_limit_per_user") or 0),
        )
        return ok(self.payloads.thread(thread), 201)

    def thread_without_message(self, ctx: Ctx) -> Reply:
        channel = self.channel(ctx)
        body = ctx.json_object()
        name, duration = self._thread_body(body)
        if channel.type == ChannelType.GUILD_FORUM:
            return self._forum_post(ctx, channel, body, name, duration)
        if channel.type not in (ChannelType.GUILD_TEXT, ChannelType.GUILD_ANNOUNCEMENT):
            raise error(50024)
        kind = int(body.get("type") or ChannelType.PRIVATE_THREAD)
        if kind not in (10, 11, 12):
            raise single_form_error(("type",), "BASE_TYPE_CHOICES", "Value must be one of (10, 11, 12).")
        perms = self.bot_permissions(channel) or 0
        needed = Permissions.CREATE_PRIVATE_THREADS if kind == 12 else Permissions.CREATE_PUBLIC_THREADS
        if not perms & needed:
            raise error(50013)
        thread = self.events.create_thread(
            channel,
            name,
            type=kind,
            owner=self.world.bot_user,
            auto_archive_duration=duration,
            invitable=bool(body.get("invitable", True)),
            rate_limit_per_user=int(body.get("rate_limit_per_user") or 0),
        )
        return ok(self.payloads.thread(thread), 201)

    def _forum_post(self, ctx: Ctx, channel: Channel, body: dict[str, Any], name: str, duration: int) -> Reply:
        perms = self.bot_permissions(channel) or 0
        if not perms & Permissions.SEND_MESSAGES:
            raise error(50013)
        message = body.get("message")
        if not isinstance(message, dict):
            raise single_form_error(("message",), "BASE_TYPE_REQUIRED", "This field is required")
        self.check_message_body(message, creating=True)
        thread = self.events.create_thread(
            channel, name, type=ChannelType.PUBLIC_THREAD, owner=self.world.bot_user, auto_archive_duration=duration
        )
        starter = self.events.create_message(
            thread,
            self.world.bot_user,
            content=message.get("content") or "",
            embeds=message.get("embeds"),
            components=message.get("components"),
            flags=int(message.get("flags") or 0),
        )
        data = self.payloads.thread(thread)
        data["message"] = self.payloads.message(starter)
        return ok(data, 201)

    def _thread(self, ctx: Ctx) -> Channel:
        channel = self.channel(ctx)
        if not channel.is_thread:
            raise error(50024)
        return channel

    def join_thread(self, ctx: Ctx) -> Reply:
        thread = self._thread(ctx)
        if thread.archived:
            raise error(50083)
        thread.member_ids.add(self.world.bot_user.id)
        self.world.changed()
        return no_content()

    def leave_thread(self, ctx: Ctx) -> Reply:
        self._thread(ctx).member_ids.discard(self.world.bot_user.id)
        self.world.changed()
        return no_content()

    def add_thread_member(self, ctx: Ctx) -> Reply:
        thread = self._thread(ctx)
        user_id = ctx.snowflake("user_id")
        guild = self.world.guilds[thread.guild_id] if thread.guild_id else None
        if guild is None or user_id not in guild.members:
            raise error(10007)
        thread.member_ids.add(user_id)
        self.world.changed()
        return no_content()
