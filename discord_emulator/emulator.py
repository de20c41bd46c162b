"""DiscordEmulator: state, server lifecycle and the Python API tests drive it with."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from . import payloads as P
from .commands import InvocationError, build_invocation
from .gateway import Gateway
from .interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    MODAL,
    MODAL_SUBMIT,
    EmulatedInteraction,
)
from .models import (
    DEFAULT_BOT_PERMISSIONS,
    DEFAULT_EVERYONE_PERMISSIONS,
    PRIVILEGED_INTENTS,
    AppCommand,
    Channel,
    ChannelType,
    Guild,
    Intents,
    Member,
    Message,
    MessageFlags,
    Overwrite,
    Permissions,
    Role,
    SnowflakeFactory,
    User,
    iter_components,
)
from .openapi import OpenAPIValidator, SpecViolation, default_spec_path
from .payloads import Payloads
from .perms import channel_permissions, has
from .rest import RequestRecord, RestAPI

log = logging.getLogger(__name__)

_AUTO = "auto"
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024
UserLike = User | Member


class SandboxTimeout(TimeoutError):
    """A wait in the emulator API ran out; the message says what was awaited and what happened."""


@dataclass
class Fault:
    """An injected failure: the next ``times`` matching requests get ``status``."""

    method: str
    pattern: re.Pattern[str]
    status: int
    times: int
    retry_after: float
    is_global: bool
    hits: int = 0

    def matches(self, method: str, path: str) -> bool:
        return self.hits < self.times and self.method in ("*", method) and bool(self.pattern.search(path))


@dataclass
class _Waiter:
    predicate: Callable[[], bool]
    future: asyncio.Future[None] = field(repr=False)


class DiscordEmulator:
    """A loopback Discord (REST ``/api/v10`` + Gateway) for running an unmodified discord.py bot.

    ``spec_path`` is Discord's OpenAPI JSON: the default ``"auto"`` uses the shared copy when it
    exists (see :func:`discord_emulator.openapi.default_spec_path`), ``None`` disables validation.
    ``clock`` is what the interaction deadlines (3 s, 15 min) are measured on; :meth:`advance`
    moves it forward without sleeping.
    """

    def __init__(
        self,
        token: str = "test-token",
        spec_path: str | Path | None = _AUTO,
        *,
        clock: Callable[[], float] = time.monotonic,
        bot_name: str = "Banter",
        host: str = "127.0.0.1",
        port: int = 0,
        privileged_intents: int = PRIVILEGED_INTENTS,
        interaction_deadline: float = 3.0,
        token_lifetime: float = 15 * 60.0,
        nonce_window: float = 5 * 60.0,
    ) -> None:
        self.token = token
        self.host = host
        self.port = port
        self.privileged_intents = privileged_intents
        self.interaction_deadline = interaction_deadline
        self.token_lifetime = token_lifetime
        self.nonce_window = nonce_window
        self._clock = clock
        self._offset = 0.0

        self.snowflakes = SnowflakeFactory()
        self.application_id = self.snowflakes.next()
        # Like real bots, the bot user shares the application's id.
        self.bot_user = User(id=self.application_id, name=bot_name, bot=True)
        self.owner = User(id=self.snowflakes.next(), name="owner")
        self.users: dict[int, User] = {u.id: u for u in (self.bot_user, self.owner)}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, Message] = {}
        self.commands: dict[int, AppCommand] = {}
        self.interactions: dict[int, EmulatedInteraction] = {}
        self._by_token: dict[str, EmulatedInteraction] = {}

        self.requests: list[RequestRecord] = []
        self.spec_violations: list[SpecViolation] = []
        self.unhandled: list[str] = []
        self.dispatched: list[dict[str, Any]] = []
        self.faults: list[Fault] = []

        resolved_spec = default_spec_path() if spec_path == _AUTO else spec_path
        self.validator = OpenAPIValidator(resolved_spec, self.spec_violations.append)
        self.payloads = Payloads(self)
        self.gateway = Gateway(self)
        self.rest = RestAPI(self)

        self._waiters: list[_Waiter] = []
        self._check_scheduled = False
        self._runner: web.AppRunner | None = None

    # ==========================================================================================
    # lifecycle
    # ==========================================================================================

    async def start(self) -> DiscordEmulator:
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/gateway/resume", self.gateway.handle)
        app.router.add_route("*", "/api/v10/{tail:.*}", self.rest.handle)
        app.router.add_route("*", "/{tail:.*}", self.rest.handle_unknown)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        server = site._server
        assert server is not None and server.sockets  # type: ignore[attr-defined]
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        log.info("Discord emulator listening on %s", self.url)
        return self

    async def stop(self) -> None:
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        for waiter in self._waiters:
            if not waiter.future.done():
                waiter.future.cancel()
        self._waiters.clear()

    async def __aenter__(self) -> DiscordEmulator:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_base(self) -> str:
        return f"{self.url}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://{self.host}:{self.port}/gateway"

    @property
    def resume_gateway_url(self) -> str:
        return f"ws://{self.host}:{self.port}/gateway/resume"

    @contextlib.contextmanager
    def patch_discord(self) -> Iterator[None]:
        """Point discord.py's REST base and default gateway at this emulator (restored on exit)."""
        import discord.gateway
        import discord.http
        import yarl

        old_base = discord.http.Route.BASE
        old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
        discord.http.Route.BASE = self.api_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)
        try:
            yield
        finally:
            discord.http.Route.BASE = old_base
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway

    # ==========================================================================================
    # clock and waiting
    # ==========================================================================================

    def now(self) -> float:
        return self._clock() + self._offset

    def advance(self, seconds: float) -> None:
        """Move the emulator's clock forward (interaction deadlines, token expiry, nonces)."""
        self._offset += seconds
        self._changed()

    def _changed(self) -> None:
        """Note a state change: pending waits are re-checked once the current step finishes.

        The check is deferred with ``call_soon`` (and coalesced) so a predicate never sees a
        half-applied change, e.g. a response recorded before its message is stored.
        """
        if self._check_scheduled or not self._waiters:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop, so nobody can be waiting
        self._check_scheduled = True
        loop.call_soon(self._check_waiters)

    def _check_waiters(self) -> None:
        self._check_scheduled = False
        for waiter in list(self._waiters):
            if waiter.future.done():
                continue
            try:
                ok = waiter.predicate()
            except Exception as exc:  # a broken predicate should fail its wait, not the server
                waiter.future.set_exception(exc)
                continue
            if ok:
                waiter.future.set_result(None)

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0, what: str | None = None) -> None:  # noqa: ASYNC109 - the test API takes explicit timeouts
        """Wait until ``predicate()`` is true.

        Re-checked after every emulator state change (each request, event, interaction...) and,
        for clients passed to :meth:`watch_client`, after each gateway event the bot processes;
        never by polling.
        """
        if predicate():
            return
        loop = asyncio.get_running_loop()
        waiter = _Waiter(predicate, loop.create_future())
        self._waiters.append(waiter)
        try:
            await asyncio.wait_for(asyncio.shield(waiter.future), timeout)
        except TimeoutError:
            raise SandboxTimeout(self._timeout_message(what or "condition", timeout)) from None
        finally:
            self._waiters.remove(waiter)

    def _timeout_message(self, what: str, timeout: float) -> str:
        recent = ", ".join(f"{r.method} {r.path}->{r.status}" for r in self.requests[-5:]) or "none"
        text = f"timed out after {timeout}s waiting for {what}; last requests: {recent}"
        if self.unhandled:
            text += f"; unhandled routes: {self.unhandled[-3:]}"
        return text

    def watch_client(self, client: Any) -> None:
        """Also re-check waits after ``client`` (a discord.py Client) processes a gateway event.

        discord.py dispatches ``socket_event_type`` for every frame it receives, just before
        running the event's (synchronous) parser; re-checking with ``call_soon`` from there means a
        predicate about the bot's cache (``bot.get_channel(...)``) is evaluated after the parser.
        :func:`discord_emulator.testing.running_bot` calls this.
        """
        original = client.dispatch

        def dispatch(event: str, /, *args: Any, **kwargs: Any) -> None:
            original(event, *args, **kwargs)
            if event == "socket_event_type":
                asyncio.get_running_loop().call_soon(self._changed)

        client.dispatch = dispatch

    async def wait_until_connected(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109 - the test API takes explicit timeouts
        """Until a bot session has identified and been sent READY and every GUILD_CREATE."""
        await self.wait_for(
            lambda: any(s.ready and s.connection is not None for s in self.gateway.live_sessions()),
            timeout=timeout,
            what="the bot to connect to the gateway",
        )

    async def wait_until_resumed(self, count: int = 1, timeout: float = 5.0) -> None:  # noqa: ASYNC109 - the test API takes explicit timeouts
        await self.wait_for(lambda: self.gateway.resumes >= count, timeout=timeout, what=f"{count} RESUME(s)")

    @property
    def connected(self) -> bool:
        return any(s.connection is not None for s in self.gateway.live_sessions())

    # ==========================================================================================
    # faults
    # ==========================================================================================

    def inject_fault(
        self,
        method: str,
        path_regex: str,
        status: int = 500,
        times: int = 1,
        retry_after: float = 0.05,
        *,
        is_global: bool = False,
    ) -> Fault:
        """Answer the next ``times`` requests matching ``method`` ("*" = any) and ``path_regex``
        (searched in the path after ``/api/v10``) with ``status`` instead of handling them."""
        if status not in (429, 500, 502, 503, 504):
            raise ValueError("status must be one of 429, 500, 502, 503, 504")
        fault = Fault(method.upper(), re.compile(path_regex), status, times, retry_after, is_global)
        self.faults.append(fault)
        return fault

    def _take_fault(self, method: str, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.matches(method, path):
                fault.hits += 1
                return fault
        return None

    async def drop_gateway(self, code: int = 4000) -> None:
        """Close the bot's websocket(s); the session stays resumable and keeps collecting events."""
        await self.gateway.drop(code)

    async def request_reconnect(self) -> None:
        """Send op 7 RECONNECT, as Discord does before moving a session."""
        await self.gateway.reconnect_request()

    # ==========================================================================================
    # building the world
    # ==========================================================================================

    def add_user(self, name: str, *, dms_open: bool = True, bot: bool = False, global_name: str | None = None) -> User:
        existing = next((u for u in self.users.values() if u.name == name), None)
        if existing is not None:
            return existing
        user = User(id=self.snowflakes.next(), name=name, bot=bot, dms_open=dms_open, global_name=global_name)
        self.users[user.id] = user
        return user

    def add_guild(self, name: str, *, owner: UserLike | None = None) -> Guild:
        owner_user = _user_of(owner) if owner is not None else self.owner
        guild = Guild(id=self.snowflakes.next(), name=name, owner_id=owner_user.id)
        guild.roles[guild.id] = Role(
            id=guild.id, guild_id=guild.id, name="@everyone", permissions=DEFAULT_EVERYONE_PERMISSIONS
        )
        bot_role = Role(
            id=self.snowflakes.next(),
            guild_id=guild.id,
            name=self.bot_user.name,
            permissions=DEFAULT_BOT_PERMISSIONS,
            position=1,
            managed=True,
            bot_id=self.bot_user.id,
        )
        guild.roles[bot_role.id] = bot_role
        self.guilds[guild.id] = guild
        guild.members[owner_user.id] = Member(user=owner_user, guild_id=guild.id)
        guild.members[self.bot_user.id] = Member(user=self.bot_user, guild_id=guild.id, roles=[bot_role.id])
        if self.gateway.live_sessions(guild.id):
            # The bot "joins" a guild while connected.
            self._broadcast_guild_create(guild)
        self._changed()
        return guild

    def _broadcast_guild_create(self, guild: Guild) -> None:
        for session in self.gateway.live_sessions(guild.id):
            with_members = bool(session.intents & Intents.GUILD_MEMBERS)
            payload = self.payloads.guild_create(guild, with_members=with_members)
            self.gateway._send_dispatch(session, "GUILD_CREATE", payload)

    def add_text_channel(
        self,
        guild: Guild,
        name: str,
        *,
        topic: str | None = None,
        category: Channel | None = None,
        nsfw: bool = False,
        type: int = ChannelType.GUILD_TEXT,
    ) -> Channel:
        position = sum(1 for c in guild.channels.values() if not c.is_thread)
        channel = Channel(
            id=self.snowflakes.next(),
            type=int(type),
            name=name,
            guild_id=guild.id,
            position=position,
            parent_id=category.id if category else None,
            topic=topic,
            nsfw=nsfw,
        )
        guild.channels[channel.id] = channel
        self.channels[channel.id] = channel
        self.gateway.dispatch("CHANNEL_CREATE", self.payloads.channel(channel), guild_id=guild.id)
        self._changed()
        return channel

    def add_category(self, guild: Guild, name: str) -> Channel:
        return self.add_text_channel(guild, name, type=ChannelType.GUILD_CATEGORY)

    def add_role(
        self,
        guild: Guild,
        name: str,
        permissions: int = 0,
        *,
        color: int = 0,
        hoist: bool = False,
        mentionable: bool = False,
    ) -> Role:
        role = Role(
            id=self.snowflakes.next(),
            guild_id=guild.id,
            name=name,
            permissions=int(permissions),
            position=len(guild.roles),
            color=color,
            hoist=hoist,
            mentionable=mentionable,
        )
        guild.roles[role.id] = role
        self.gateway.dispatch("GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": P.role(role)}, guild_id=guild.id)
        self._changed()
        return role

    def add_member(
        self,
        guild: Guild,
        user: str | UserLike,
        *,
        roles: Iterable[Role] = (),
        nick: str | None = None,
        dms_open: bool = True,
        bot: bool = False,
    ) -> Member:
        """Add a member (creating the user, or reusing one with that name)."""
        if isinstance(user, str):
            existing = next((u for u in self.users.values() if u.name == user), None)
            target = existing or self.add_user(user, dms_open=dms_open, bot=bot)
        else:
            target = _user_of(user)
        if target.id in guild.members:
            return guild.members[target.id]
        member = Member(user=target, guild_id=guild.id, roles=[r.id for r in roles], nick=nick)
        guild.members[target.id] = member
        data = P.member(member)
        data["guild_id"] = str(guild.id)
        self.gateway.dispatch("GUILD_MEMBER_ADD", data, guild_id=guild.id)
        self._changed()
        return member

    def member(self, guild: Guild, user: UserLike) -> Member:
        found = guild.members.get(_user_of(user).id)
        if found is None:
            raise KeyError(f"{_user_of(user).name} is not a member of {guild.name}")
        return found

    def bot_member(self, guild: Guild) -> Member:
        return guild.members[self.bot_user.id]

    def set_roles(self, member: Member, roles: Iterable[Role]) -> None:
        member.roles = [r.id for r in roles]
        guild = self.guilds[member.guild_id]
        data = P.member(member)
        data["guild_id"] = str(guild.id)
        self.gateway.dispatch("GUILD_MEMBER_UPDATE", data, guild_id=guild.id)
        self._changed()

    def set_role_permissions(self, role: Role, permissions: int) -> None:
        role.permissions = int(permissions)
        self.gateway.dispatch(
            "GUILD_ROLE_UPDATE", {"guild_id": str(role.guild_id), "role": P.role(role)}, guild_id=role.guild_id
        )
        self._changed()

    def set_overwrite(
        self,
        channel: Channel,
        target: UserLike | Role | Guild,
        *,
        allow: int = 0,
        deny: int = 0,
    ) -> Overwrite:
        """Set a permission overwrite for a role, a member (e.g. ``emu.bot_user``) or @everyone."""
        if channel.guild_id is None:
            raise ValueError("permission overwrites only exist in guild channels")
        if isinstance(target, Role):
            ow = Overwrite(id=target.id, type=0, allow=int(allow), deny=int(deny))
        elif isinstance(target, Guild):
            ow = Overwrite(id=target.id, type=0, allow=int(allow), deny=int(deny))
        else:
            ow = Overwrite(id=_user_of(target).id, type=1, allow=int(allow), deny=int(deny))
        channel.overwrites[ow.id] = ow
        self._channel_updated(channel)
        return ow

    def clear_overwrite(self, channel: Channel, target: UserLike | Role | Guild) -> None:
        key = target.id if isinstance(target, (Role, Guild)) else _user_of(target).id
        channel.overwrites.pop(key, None)
        self._channel_updated(channel)

    def _channel_updated(self, channel: Channel) -> None:
        event = "THREAD_UPDATE" if channel.is_thread else "CHANNEL_UPDATE"
        self.gateway.dispatch(event, self.payloads.channel(channel), guild_id=channel.guild_id)
        self._changed()

    def delete_channel(self, channel: Channel) -> None:
        """Delete a channel (its threads go with it); the bot gets CHANNEL_DELETE/THREAD_DELETE."""
        if channel.deleted:
            return
        for thread in [c for c in self.channels.values() if c.parent_id == channel.id and c.is_thread]:
            self.delete_channel(thread)
        channel.deleted = True
        guild = self.guilds.get(channel.guild_id) if channel.guild_id else None
        if guild is not None:
            guild.channels.pop(channel.id, None)
        if channel.is_thread:
            data = {
                "id": str(channel.id),
                "guild_id": str(channel.guild_id),
                "parent_id": str(channel.parent_id),
                "type": channel.type,
            }
            self.gateway.dispatch("THREAD_DELETE", data, guild_id=channel.guild_id)
        else:
            self.gateway.dispatch("CHANNEL_DELETE", self.payloads.channel(channel), guild_id=channel.guild_id)
        self._changed()

    def dm_channel(self, user: UserLike) -> Channel:
        """The DM channel between the bot and ``user`` (created on first use)."""
        target = _user_of(user)
        for ch in self.channels.values():
            if ch.is_dm and ch.recipients and ch.recipients[0].id == target.id:
                return ch
        channel = Channel(id=self.snowflakes.next(), type=ChannelType.DM, name=f"dm-{target.name}", recipients=[target])
        self.channels[channel.id] = channel
        return channel

    # ==========================================================================================
    # looking at the world
    # ==========================================================================================

    def channel_messages(self, channel: Channel, *, include_ephemeral: bool = False) -> list[Message]:
        """Messages in ``channel`` (or thread) in order; ephemeral ones only if asked for."""
        live = self.channels.get(channel.id, channel)
        out = [m for m in live.messages if not m.deleted]
        if include_ephemeral:
            out += [m for m in self.messages.values() if m.channel_id == channel.id and m.ephemeral and not m.deleted]
            out.sort(key=lambda m: m.id)
        return out

    def last_message(self, channel: Channel) -> Message | None:
        msgs = self.channel_messages(channel)
        return msgs[-1] if msgs else None

    def get_message(self, message: Message | int) -> Message:
        msg_id = message.id if isinstance(message, Message) else int(message)
        return self.messages[msg_id]

    def threads(self, guild: Guild) -> list[Channel]:
        return guild.threads

    def registered_commands(self, guild: Guild | None = None) -> list[AppCommand]:
        """Global commands (``guild=None``) or the commands registered for ``guild``."""
        gid = guild.id if guild is not None else None
        return [c for c in self.commands.values() if c.guild_id == gid]

    async def wait_for_commands(
        self,
        names: Iterable[str] | None = None,
        *,
        guild: Guild | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - the test API takes explicit timeouts
    ) -> list[AppCommand]:
        """Until the bot has registered ``names`` (or anything) globally or in ``guild``."""
        wanted = set(names) if names is not None else None

        def done() -> bool:
            registered = {c.name for c in self.registered_commands(guild)}
            return bool(registered) if wanted is None else wanted <= registered

        await self.wait_for(done, timeout=timeout, what=f"command registration {sorted(wanted or [])}")
        return self.registered_commands(guild)

    def requests_to(self, method: str, path_regex: str) -> list[RequestRecord]:
        pattern = re.compile(path_regex)
        return [r for r in self.requests if r.method == method.upper() and pattern.search(r.path)]

    async def wait_for_message(
        self,
        channel: Channel,
        check: Callable[[Message], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - the test API takes explicit timeouts
        *,
        after: Message | int | None = None,
        include_ephemeral: bool = False,
    ) -> Message:
        """The newest message in ``channel`` matching ``check`` (waiting until there is one)."""
        after_id = after.id if isinstance(after, Message) else (after or 0)
        found: list[Message] = []

        def look() -> bool:
            for msg in reversed(self.channel_messages(channel, include_ephemeral=include_ephemeral)):
                if msg.id > after_id and not msg.loading and (check is None or check(msg)):
                    found.append(msg)
                    return True
            return False

        await self.wait_for(look, timeout=timeout, what=f"a matching message in #{channel.name}")
        return found[-1]

    # ==========================================================================================
    # what users do
    # ==========================================================================================

    async def send_message(
        self,
        user: UserLike,
        channel: Channel,
        content: str = "",
        *,
        embeds: list[dict[str, Any]] | None = None,
        reply_to: Message | None = None,
    ) -> Message:
        """A user posts a message (the bot gets MESSAGE_CREATE)."""
        author = _user_of(user)
        guild = self._guild_of(channel)
        if guild is not None:
            member = self.member(guild, author)
            perms = channel_permissions(guild, member, channel)
            needed = Permissions.SEND_MESSAGES_IN_THREADS if channel.is_thread else Permissions.SEND_MESSAGES
            if not has(perms, Permissions.VIEW_CHANNEL, needed):
                raise InvocationError(f"{author.name} cannot send messages in #{channel.name}")
        ref = None
        if reply_to is not None:
            ref = {"type": 0, "message_id": str(reply_to.id), "channel_id": str(reply_to.channel_id)}
            if reply_to.guild_id:
                ref["guild_id"] = str(reply_to.guild_id)
        return self._create_message(channel, author, content=content, embeds=embeds or [], message_reference=ref)

    async def react(self, user: UserLike, message: Message, emoji: str) -> None:
        msg = self.get_message(message)
        who = _user_of(user)
        msg.reactions.setdefault(emoji, set()).add(who.id)
        data: dict[str, Any] = {
            "user_id": str(who.id),
            "channel_id": str(msg.channel_id),
            "message_id": str(msg.id),
            "emoji": {"id": None, "name": emoji},
            "type": 0,
            "burst": False,
        }
        if msg.guild_id:
            data["guild_id"] = str(msg.guild_id)
            guild = self.guilds[msg.guild_id]
            if who.id in guild.members:
                data["member"] = P.member(guild.members[who.id])
        self.gateway.dispatch(
            "MESSAGE_REACTION_ADD",
            data,
            guild_id=msg.guild_id,
            intent=Intents.GUILD_MESSAGE_REACTIONS if msg.guild_id else 1 << 13,
        )
        self._changed()

    async def slash(self, user: UserLike, channel: Channel, command: str, /, **options: Any) -> EmulatedInteraction:
        """Run ``/command`` (``"group sub"`` for subcommands) as ``user`` in ``channel``.

        Options are checked like the Discord client does; a problem raises
        :class:`InvocationError` and nothing is sent.  Users, channels and roles may be given as
        objects, ids, mentions or names and arrive resolved in ``data.resolved``.
        """
        guild, member = self._actor(user, channel, needs=Permissions.USE_APPLICATION_COMMANDS)
        inv = build_invocation(self, guild, member, channel, command, options)
        data: dict[str, Any] = {"id": str(inv.command.id), "name": inv.command.name, "type": 1}
        if inv.data_options:
            data["options"] = inv.data_options
        if inv.resolved:
            data["resolved"] = inv.resolved
        if inv.command.guild_id is not None:
            data["guild_id"] = str(inv.command.guild_id)
        return self._create_interaction(APPLICATION_COMMAND, _user_of(user), channel, data)

    async def autocomplete(
        self,
        user: UserLike,
        channel: Channel,
        command: str,
        /,
        *,
        focused: str,
        value: str = "",
        timeout: float = 5.0,  # noqa: ASYNC109 - the test API takes explicit timeouts
        **options: Any,
    ) -> list[dict[str, Any]]:
        """Type ``value`` into option ``focused`` and return the bot's suggestions."""
        guild, member = self._actor(user, channel, needs=Permissions.USE_APPLICATION_COMMANDS)
        values = dict(options)
        values[focused] = value
        inv = build_invocation(self, guild, member, channel, command, values, focused=focused)
        data: dict[str, Any] = {
            "id": str(inv.command.id),
            "name": inv.command.name,
            "type": 1,
            "options": inv.data_options,
        }
        if inv.resolved:
            data["resolved"] = inv.resolved
        if inv.command.guild_id is not None:
            data["guild_id"] = str(inv.command.guild_id)
        ix = self._create_interaction(AUTOCOMPLETE, _user_of(user), channel, data)
        response = await ix.response(timeout=timeout)
        return list(response.choices or [])

    async def click(
        self,
        user: UserLike,
        message: Message | int,
        /,
        *,
        label: str | None = None,
        custom_id: str | None = None,
        emoji: str | None = None,
        index: int | None = None,
    ) -> EmulatedInteraction:
        """Click a button on ``message`` picked by label, custom_id, emoji or position."""
        msg = self._live_message(message)
        self._check_can_see_message(user, msg)
        buttons = [c for c in iter_components(msg.components) if c.get("type") == 2]
        button = _pick_button(buttons, label=label, custom_id=custom_id, emoji=emoji, index=index, msg=msg)
        if button.get("disabled"):
            raise InvocationError(f"button {_button_name(button)} on message {msg.id} is disabled")
        if button.get("style") == 5 or not button.get("custom_id"):
            raise InvocationError(
                f"button {_button_name(button)} is a link button: clicking it opens {button.get('url')}"
            )
        channel = self.channels[msg.channel_id]
        data: dict[str, Any] = {"custom_id": button["custom_id"], "component_type": 2}
        if "id" in button:
            data["id"] = button["id"]
        return self._create_interaction(MESSAGE_COMPONENT, _user_of(user), channel, data, message=msg)

    async def select(
        self,
        user: UserLike,
        message: Message | int,
        values: list[str],
        /,
        *,
        custom_id: str | None = None,
    ) -> EmulatedInteraction:
        """Choose ``values`` in a string select menu on ``message``."""
        msg = self._live_message(message)
        self._check_can_see_message(user, msg)
        selects = [c for c in iter_components(msg.components) if c.get("type") == 3]
        if custom_id is not None:
            selects = [s for s in selects if s.get("custom_id") == custom_id]
        if not selects:
            raise InvocationError(f"message {msg.id} has no string select{f' {custom_id!r}' if custom_id else ''}")
        menu = selects[0]
        if menu.get("disabled"):
            raise InvocationError(f"select {menu.get('custom_id')!r} is disabled")
        allowed = {o["value"]: o for o in menu.get("options", [])}
        labels = {o["label"]: o["value"] for o in menu.get("options", [])}
        chosen = [v if v in allowed else labels.get(v, v) for v in values]
        bad = [v for v in chosen if v not in allowed]
        if bad:
            raise InvocationError(f"select {menu.get('custom_id')!r} has no option {bad[0]!r}")
        low, high = menu.get("min_values", 1), menu.get("max_values", 1)
        if not low <= len(chosen) <= high:
            raise InvocationError(f"select {menu.get('custom_id')!r} takes {low}..{high} values, got {len(chosen)}")
        data = {"custom_id": menu["custom_id"], "component_type": 3, "values": chosen}
        return self._create_interaction(
            MESSAGE_COMPONENT, _user_of(user), self.channels[msg.channel_id], data, message=msg
        )

    async def submit_modal(
        self,
        user: UserLike,
        opened_by: EmulatedInteraction,
        values: dict[str, Any],
        /,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - the test API takes explicit timeouts
    ) -> EmulatedInteraction:
        """Fill in and submit the modal the bot showed in answer to ``opened_by``.

        ``values`` are keyed by field custom_id or label; required fields, min/max length and
        select value counts are checked like the Discord client does.
        """
        response = await opened_by.response(timeout=timeout)
        if response.type != MODAL or response.modal is None:
            raise InvocationError(f"{opened_by.describe()} was answered with {response.name}, not a modal")
        who = _user_of(user)
        if who.id != opened_by.user.id:
            raise InvocationError(f"the modal was shown to {opened_by.user.name}, not {who.name}")
        modal = response.modal
        filled: dict[str, Any] = {}
        for key, value in values.items():
            filled[modal.field(key).custom_id] = value
        submitted: dict[str, dict[str, Any]] = {}
        for fld in modal.fields:
            raw = filled.get(fld.custom_id, fld.value if fld.value is not None else None)
            if fld.type == 4:
                text = "" if raw is None else str(raw)
                if fld.required and not text:
                    raise InvocationError(f"modal field {fld.label or fld.custom_id!r} is required")
                if text and fld.min_length is not None and len(text) < fld.min_length:
                    raise InvocationError(
                        f"modal field {fld.label or fld.custom_id!r} needs at least {fld.min_length} characters"
                    )
                if fld.max_length is not None and len(text) > fld.max_length:
                    raise InvocationError(
                        f"modal field {fld.label or fld.custom_id!r} allows at most {fld.max_length} characters"
                    )
                if len(text) > 4000:
                    raise InvocationError(f"modal field {fld.label or fld.custom_id!r} is over 4000 characters")
                submitted[fld.custom_id] = {"type": 4, "custom_id": fld.custom_id, "value": text}
            else:
                chosen = [] if raw is None else ([raw] if isinstance(raw, str) else list(raw))
                low = fld.min_values if fld.min_values is not None else (1 if fld.required else 0)
                high = fld.max_values if fld.max_values is not None else 1
                if not low <= len(chosen) <= high:
                    raise InvocationError(f"modal select {fld.label or fld.custom_id!r} takes {low}..{high} values")
                if fld.type == 3:
                    allowed = {o["value"] for o in fld.options}
                    by_label = {o["label"]: o["value"] for o in fld.options}
                    chosen = [c if c in allowed else by_label.get(c, c) for c in chosen]
                    bad = [c for c in chosen if c not in allowed]
                    if bad:
                        raise InvocationError(f"modal select {fld.label or fld.custom_id!r} has no option {bad[0]!r}")
                submitted[fld.custom_id] = {"type": fld.type, "custom_id": fld.custom_id, "values": chosen}
        # Answer in the same layout the modal used: action rows or labels.
        components: list[dict[str, Any]] = []
        for fld in modal.fields:
            inner = submitted[fld.custom_id]
            if fld.in_label:
                components.append({"type": 18, "component": inner})
            else:
                components.append({"type": 1, "components": [inner]})
        data = {"custom_id": modal.custom_id, "components": components}
        message = opened_by.source_message if opened_by.type == MESSAGE_COMPONENT else None
        return self._create_interaction(MODAL_SUBMIT, who, opened_by.channel, data, message=message, parent=opened_by)

    # ==========================================================================================
    # internals shared with the REST handlers
    # ==========================================================================================

    def _guild_of(self, channel: Channel) -> Guild | None:
        return self.guilds.get(channel.guild_id) if channel.guild_id else None

    def _actor(self, user: UserLike, channel: Channel, *, needs: Permissions) -> tuple[Guild | None, Member | None]:
        live = self.channels.get(channel.id)
        if live is None or live.deleted:
            raise InvocationError(f"channel {channel.name!r} does not exist (deleted?)")
        guild = self._guild_of(live)
        if guild is None:
            who = _user_of(user)
            if live.is_dm and (not live.recipients or live.recipients[0].id != who.id):
                raise InvocationError(f"{who.name} is not part of DM channel {live.id}")
            return None, None
        member = guild.members.get(_user_of(user).id)
        if member is None:
            raise InvocationError(f"{_user_of(user).name} is not a member of {guild.name}")
        perms = channel_permissions(guild, member, live)
        if not has(perms, Permissions.VIEW_CHANNEL):
            raise InvocationError(f"{member.name} cannot see #{live.name}")
        if not has(perms, needs):
            raise InvocationError(f"{member.name} lacks {needs.name} in #{live.name}")
        return guild, member

    def _live_message(self, message: Message | int) -> Message:
        msg_id = message.id if isinstance(message, Message) else int(message)
        msg = self.messages.get(msg_id)
        if msg is None or msg.deleted:
            raise InvocationError(f"message {msg_id} does not exist (deleted?)")
        return msg

    def _check_can_see_message(self, user: UserLike, msg: Message) -> None:
        who = _user_of(user)
        if msg.ephemeral and msg.interaction_metadata is not None:
            owner = msg.interaction_metadata.get("user", {}).get("id")
            if owner is not None and owner != str(who.id):
                raise InvocationError(f"message {msg.id} is ephemeral: only its user can click it")
        channel = self.channels.get(msg.channel_id)
        if channel is None or channel.deleted:
            raise InvocationError(f"the channel of message {msg.id} is gone")
        self._actor(who, channel, needs=Permissions.VIEW_CHANNEL)

    def _create_interaction(
        self,
        kind: int,
        user: User,
        channel: Channel,
        data: dict[str, Any],
        *,
        message: Message | None = None,
        parent: EmulatedInteraction | None = None,
    ) -> EmulatedInteraction:
        guild = self._guild_of(channel)
        if not self.gateway.live_sessions(guild.id if guild else None):
            raise InvocationError("no bot session is connected to receive the interaction")
        member = guild.members.get(user.id) if guild is not None else None
        ix = EmulatedInteraction(
            self,
            id=self.snowflakes.next(),
            token=f"aW50ZXJhY3Rpb24{secrets.token_urlsafe(60)}",
            type=kind,
            user=user,
            member=member,
            channel=channel,
            guild=guild,
            data=data,
            created_at=self.now(),
            message_id=message.id if message is not None else None,
            parent=parent,
        )
        payload: dict[str, Any] = {
            "id": str(ix.id),
            "application_id": str(self.application_id),
            "type": kind,
            "data": data,
            "channel_id": str(channel.id),
            "token": ix.token,
            "version": 1,
            "locale": user.locale,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        }
        if guild is not None and member is not None:
            user_perms = channel_permissions(guild, member, channel)
            bot_perms = channel_permissions(guild, self.bot_member(guild), channel)
            member_data = P.member(member)
            member_data["permissions"] = str(user_perms)
            payload.update(
                {
                    "guild_id": str(guild.id),
                    "guild": {"id": str(guild.id), "locale": "en-US", "features": []},
                    "guild_locale": "en-US",
                    "member": member_data,
                    "app_permissions": str(bot_perms),
                    "channel": self.payloads.interaction_channel(channel, user_perms),
                    "authorizing_integration_owners": {"0": str(guild.id)},
                    "context": 0,
                }
            )
        else:
            payload.update(
                {
                    "user": P.user(user),
                    "app_permissions": str(
                        int(Permissions.VIEW_CHANNEL | Permissions.SEND_MESSAGES | Permissions.EMBED_LINKS)
                    ),
                    "channel": self.payloads.interaction_channel(channel, None),
                    "authorizing_integration_owners": {"0": "0"},
                    "context": 1,
                }
            )
        if message is not None:
            payload["message"] = self.payloads.message(message)
        ix.payload = payload
        self.interactions[ix.id] = ix
        self._by_token[ix.token] = ix
        sent = self.gateway.dispatch(
            "INTERACTION_CREATE", payload, guild_id=guild.id if guild else None, only_latest=True
        )
        log.debug("interaction %s dispatched to %d session(s)", ix.describe(), sent)
        self._changed()
        return ix

    # -- messages ----------------------------------------------------------------------------

    def _create_message(
        self,
        channel: Channel,
        author: User,
        *,
        content: str = "",
        embeds: list[dict[str, Any]] | None = None,
        components: list[dict[str, Any]] | None = None,
        flags: int = 0,
        nonce: str | int | None = None,
        tts: bool = False,
        message_reference: dict[str, Any] | None = None,
        attachments: list[dict[str, Any]] | None = None,
        type: int = 0,
        webhook_id: int | None = None,
        interaction: EmulatedInteraction | None = None,
    ) -> Message:
        msg = Message(
            id=self.snowflakes.next(),
            channel_id=channel.id,
            guild_id=channel.guild_id,
            author=author,
            content=content or "",
            embeds=normalize_embeds(embeds or []),
            components=normalize_components(components or []),
            flags=flags,
            nonce=nonce,
            tts=tts,
            message_reference=message_reference,
            attachments=attachments or [],
            type=type,
            webhook_id=webhook_id,
        )
        if interaction is not None:
            msg.application_id = self.application_id
            msg.interaction_id = interaction.id
            msg.interaction_metadata = interaction_metadata(interaction)
        self.messages[msg.id] = msg
        if not msg.ephemeral:
            channel.messages.append(msg)
            channel.message_count += 1
            if channel.is_thread:
                channel.member_ids.add(author.id)
            self._dispatch_message("MESSAGE_CREATE", msg)
        self._changed()
        return msg

    def _dispatch_message(self, event: str, msg: Message) -> None:
        if msg.ephemeral:
            return  # ephemeral messages never reach the gateway
        data = self.payloads.message(msg, gateway=True)
        intent = Intents.GUILD_MESSAGES if msg.guild_id else Intents.DIRECT_MESSAGES
        self.gateway.dispatch(event, data, guild_id=msg.guild_id, intent=intent, content_of=msg.author.id)

    def _edit_message(self, msg: Message, body: dict[str, Any]) -> Message:
        if "content" in body:
            msg.content = body["content"] or ""
        if "embeds" in body:
            msg.embeds = normalize_embeds(body["embeds"] or [])
        if "components" in body:
            msg.components = normalize_components(body["components"] or [])
        if "attachments" in body and body["attachments"] is not None:
            keep = {str(a.get("id")) for a in body["attachments"]}
            msg.attachments = [a for a in msg.attachments if a["id"] in keep]
        if body.get("flags") is not None:
            # Only SUPPRESS_EMBEDS and IS_COMPONENTS_V2 can change on an existing message.
            changeable = int(MessageFlags.SUPPRESS_EMBEDS | MessageFlags.IS_COMPONENTS_V2)
            msg.flags = (msg.flags & ~changeable) | (int(body["flags"]) & changeable)
        msg.edited_timestamp = datetime.now(UTC)
        self._dispatch_message("MESSAGE_UPDATE", msg)
        self._changed()
        return msg

    def _delete_message(self, msg: Message) -> None:
        msg.deleted = True
        channel = self.channels.get(msg.channel_id)
        if channel is not None and msg in channel.messages:
            channel.messages.remove(msg)
        if not msg.ephemeral:
            data: dict[str, Any] = {"id": str(msg.id), "channel_id": str(msg.channel_id)}
            if msg.guild_id:
                data["guild_id"] = str(msg.guild_id)
            intent = Intents.GUILD_MESSAGES if msg.guild_id else Intents.DIRECT_MESSAGES
            self.gateway.dispatch("MESSAGE_DELETE", data, guild_id=msg.guild_id, intent=intent)
        self._changed()

    def _create_thread(
        self,
        parent: Channel,
        name: str,
        *,
        type: int,
        owner: User,
        starter: Message | None = None,
        auto_archive_duration: int = 1440,
        invitable: bool = True,
        rate_limit_per_user: int = 0,
    ) -> Channel:
        thread = Channel(
            # A thread started from a message shares the message's id, as on Discord.
            id=starter.id if starter is not None else self.snowflakes.next(),
            type=type,
            name=name,
            guild_id=parent.guild_id,
            parent_id=parent.id,
            owner_id=owner.id,
            auto_archive_duration=auto_archive_duration,
            invitable=invitable,
            rate_limit_per_user=rate_limit_per_user,
            member_ids={owner.id},
        )
        guild = self.guilds[parent.guild_id] if parent.guild_id else None
        if guild is not None:
            guild.channels[thread.id] = thread
        self.channels[thread.id] = thread
        data = self.payloads.thread(thread)
        data["newly_created"] = True
        data["member"] = self.payloads.thread_member(thread, owner.id)
        self.gateway.dispatch("THREAD_CREATE", data, guild_id=parent.guild_id)
        if starter is not None:
            starter.thread = thread
            starter.flags |= MessageFlags.HAS_THREAD
            self._dispatch_message("MESSAGE_UPDATE", starter)
        self._changed()
        return thread


# ==============================================================================================
# helpers
# ==============================================================================================


def _user_of(user: UserLike) -> User:
    return user.user if isinstance(user, Member) else user


def _button_name(button: dict[str, Any]) -> str:
    return repr(button.get("label") or (button.get("emoji") or {}).get("name") or button.get("custom_id"))


def _pick_button(
    buttons: list[dict[str, Any]],
    *,
    label: str | None,
    custom_id: str | None,
    emoji: str | None,
    index: int | None,
    msg: Message,
) -> dict[str, Any]:
    if not buttons:
        raise InvocationError(f"message {msg.id} has no buttons")
    if index is not None:
        if not 0 <= index < len(buttons):
            raise InvocationError(f"message {msg.id} has {len(buttons)} button(s); no index {index}")
        return buttons[index]
    for button in buttons:
        button_emoji = (button.get("emoji") or {}).get("name")
        if custom_id is not None and button.get("custom_id") == custom_id:
            return button
        if label is not None and (button.get("label") == label or button_emoji == label):
            return button
        if emoji is not None and button_emoji == emoji:
            return button
    # Labels often carry counters ("👍 3"): accept a unique prefix match as a person would.
    if label is not None:
        prefixed = [b for b in buttons if (b.get("label") or "").startswith(label)]
        if len(prefixed) == 1:
            return prefixed[0]
    shown = ", ".join(_button_name(b) for b in buttons)
    wanted = custom_id or label or emoji
    raise InvocationError(f"message {msg.id} has no button {wanted!r} (buttons: {shown})")


def interaction_metadata(ix: EmulatedInteraction) -> dict[str, Any]:
    owners = {"0": str(ix.guild.id)} if ix.guild is not None else {"1": str(ix.user.id)}
    data: dict[str, Any] = {
        "id": str(ix.id),
        "type": ix.type,
        "user": P.user(ix.user),
        "authorizing_integration_owners": owners,
    }
    if ix.type == MESSAGE_COMPONENT and ix.message_id is not None:
        data["interacted_message_id"] = str(ix.message_id)
    if ix.type == MODAL_SUBMIT and ix.parent is not None:
        data["triggering_interaction_metadata"] = interaction_metadata(ix.parent)
    return data


def json_copy(value: Any) -> Any:
    """A deep copy of JSON data (dicts, lists and scalars): what deepcopy does for these, without
    its memo bookkeeping, which made it the emulator's largest cost per message."""
    if isinstance(value, dict):
        return {key: json_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [json_copy(item) for item in value]
    return value


def normalize_components(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Store components as Discord echoes them: every component gets a numeric ``id``."""
    out = json_copy(components)
    walk = list(iter_components(out))
    used = {c["id"] for c in walk if isinstance(c.get("id"), int)}
    next_id = 1
    for comp in walk:
        if comp.get("id") is None:
            while next_id in used:
                next_id += 1
            comp["id"] = next_id
            used.add(next_id)
        if comp.get("type") in (3, 5, 6, 7, 8):
            comp.setdefault("min_values", 1)
            comp.setdefault("max_values", 1)
    return out


def normalize_embeds(embeds: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for embed in embeds:
        stored = {k: v for k, v in json_copy(embed).items() if v is not None}
        stored.setdefault("type", "rich")
        for fld in stored.get("fields") or []:
            fld.setdefault("inline", False)
        out.append(stored)
    return out
