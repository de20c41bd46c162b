"""End-to-end harness: the local Discord emulator and the real bot, started as ``python -m bot run``
starts it (``bot.launcher.run`` through ``run_banter``: config, core, extensions, command sync), on
a real SQLite file.

A test reads as a story about people on a server (see ARCHITECTURE.md, "Tests")::

    async with banter(tmp_path) as b:
        joke = await b.alice.run("joke")
        await b.bob.click(joke.message, "👍")
        assert joke.message.votes == (1, 0)
        carol = await b.moderator("carol")
        ...
        await b.later(timedelta(days=1))
        await b.restart()

What it looks at is what people see on Discord (:mod:`tests.e2e.seen`): messages, embeds,
buttons, ephemeral answers, forms, threads and DMs, never the bot's database.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

import msgspec

from bot.bot import BanterBot
from bot.clock import ManualClock
from bot.config import Config, load_config
from bot.core import Core
from bot.sandbox.app import run_banter
from discord_emulator import Channel, DiscordEmulator, EmulatedInteraction, Guild, Member, Message, Permissions, Role
from discord_emulator.driver import Sandbox, sandbox
from discord_emulator.interactions import CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE
from tests import pg_databases
from tests.clocks import WatchedClock
from tests.e2e.seen import Answer, Button, Embed, Form, Shown
from tests.template_db import seeded

__all__ = ["COMMANDS", "START", "Answer", "Banter", "Button", "Choice", "Embed", "Form", "Person", "Server",
           "Shown", "banter", "fresh_config", "make_config", "run_banter", "until_closed"]

COMMANDS = ("joke", "mood", "discussion", "top")
START = datetime(2026, 3, 14, 12, 0, tzinfo=UTC)


# Members in most tests act faster than any cooldown allows: only the tests of cooldowns keep them
# (``cooldowns=True``, with their own ``cooldowns:`` section in ``extra`` or the defaults).
NO_COOLDOWNS = "cooldowns:\n  joke_seconds: 0\n  mood_seconds: 0\n"


def make_config(tmp_path: Path, extra: str = "", *, cooldowns: bool = False) -> Config:
    path = tmp_path / "config.yaml"
    # No web site: the tests that want one start it on a port of their own (tests/web).
    text = "database:\n  path: banter.db\nweb:\n  enabled: false\n" + ("" if cooldowns else NO_COOLDOWNS) + extra
    path.write_text(text, encoding="utf-8")
    return load_config(path, environ={"DISCORD_TOKEN": "test-token"})


# Set by tests/e2e/conftest.py for a test on PostgreSQL: the server, and the databases made for it
# (dropped after the test).
POSTGRES: dict[str, Any] = {"server": None, "made": []}


async def fresh_config(tmp_path: Path, extra: str = "", *, cooldowns: bool = False) -> Config:
    """A config whose database starts as a copy of the session's template, with the built-in
    packs imported (a file, or on PostgreSQL a database of the test's own). The bot still opens,
    migrates and re-checks it at start-up like any database; the tests just don't each pay for
    the first import."""
    config = make_config(tmp_path, extra, cooldowns=cooldowns)
    server = POSTGRES["server"]
    if server is None:
        return await seeded(config)
    url = await pg_databases.fresh(server, library=True)
    POSTGRES["made"].append(url)
    return msgspec.structs.replace(config, database_url=url)


class Choice(NamedTuple):
    """One autocomplete suggestion: what the list shows and what picking it fills in."""

    name: str
    value: str


@dataclass
class Server:
    """A Discord server (guild) and its text channels."""

    guild: Guild
    channels: dict[str, Channel]

    @property
    def id(self) -> int:
        return self.guild.id

    @property
    def general(self) -> Channel:
        """The first channel: where the server's people run commands unless told otherwise."""
        return next(iter(self.channels.values()))

    def channel(self, name: str) -> Channel:
        return self.channels[name]


@dataclass(eq=False)
class Person:
    """Someone on a server: runs slash commands, clicks buttons, fills in forms, reads DMs."""

    world: Banter
    member: Member
    server: Server

    @property
    def id(self) -> int:
        return self.member.id

    @property
    def name(self) -> str:
        return self.member.name

    @property
    def mention(self) -> str:
        return self.member.mention

    async def run(self, command: str, /, **options: Any) -> Answer:
        """Run ``/command`` (``"group sub"`` for a subcommand) with ``options`` in their server's first
        channel and see the bot's answer. An option Discord's client would not send raises
        InvocationError, as does a command the person cannot see."""
        return await self.run_in(self.server.general, command, **options)

    async def run_in(self, channel: Channel, command: str, /, **options: Any) -> Answer:
        """:meth:`run`, in ``channel``."""
        ix = await self.world.emu.slash(self.member, channel, command, **options)
        return await self.world.answer(self, ix)

    async def click(self, message: Shown | Answer | Message, button: str) -> Answer:
        """Click the button with this emoji, label or custom_id on ``message``."""
        target = _message_id(message)
        shown = Shown(self.world.emu, self.world.emu.get_message(target))
        wanted = next((b for b in shown.buttons if button in (b.emoji, b.custom_id)), None)
        emu = self.world.emu
        if wanted is not None and wanted.custom_id:
            ix = await emu.click(self.member, target, custom_id=wanted.custom_id)
        else:
            ix = await emu.click(self.member, target, label=button)
        return await self.world.answer(self, ix)

    async def submit(self, form: Form, values: dict[str, str]) -> Answer:
        """Fill in ``values`` on a form the bot showed this person and send it."""
        return await self.world.answer(self, await form.send(values))

    async def suggestions(self, command: str, /, *, focused: str, value: str = "", **options: Any) -> list[Choice]:
        """What the autocomplete list offers while typing ``value`` into option ``focused``."""
        choices = await self.world.emu.autocomplete(self.member, self.server.general, command, focused=focused,
                                                    value=value, **options)
        return [Choice(str(c["name"]), str(c["value"])) for c in choices]

    async def say(self, channel: Channel, text: str) -> Shown:
        """Write ``text`` in ``channel`` (or a thread), as a person types a message."""
        return Shown(self.world.emu, await self.world.emu.send_message(self.member, channel, text))

    async def dm(self, containing: str) -> Shown:
        """The direct message from the bot that says ``containing`` (waiting for it)."""
        channel = self.world.emu.dm_channel(self.member)
        found = await self.world.emu.wait_for_message(channel, lambda m: containing in m.text())
        return Shown(self.world.emu, found)

    def __repr__(self) -> str:
        return f"<Person {self.name}>"


def _message_id(message: Shown | Answer | Message) -> int:
    if isinstance(message, Answer):
        return message.message.id
    return message.id


@dataclass
class Banter:
    """The world of an end-to-end test: Discord (the emulator) with a server and its people, and
    the bot running against it on a real database, on a clock that moves only when told."""

    sb: Sandbox
    bot: BanterBot
    config: Config
    clock: ManualClock
    home: Server = field(init=False)
    people: dict[str, Person] = field(default_factory=dict)
    _stack: contextlib.AsyncExitStack = field(default_factory=contextlib.AsyncExitStack)
    _admins: dict[int, Role] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.home = Server(self.sb.guild, self.sb.channels)
        for name, member in self.sb.members.items():
            self.people[name] = Person(self, member, self.home)

    @property
    def emu(self) -> DiscordEmulator:
        return self.sb.emu

    @property
    def core(self) -> Core:
        return self.bot.core

    # -- people and places -------------------------------------------------------------------------

    @property
    def alice(self) -> Person:
        return self.people["alice"]

    @property
    def bob(self) -> Person:
        return self.people["bob"]

    def person(self, name: str) -> Person:
        return self.people[name]

    @property
    def general(self) -> Channel:
        return self.home.general

    def channel(self, name: str) -> Channel:
        return self.home.channel(name)

    async def join(self, name: str, *, server: Server | None = None, roles: Iterable[Role] = (),
                   dms_open: bool = True) -> Person:
        """Someone new joins ``server`` (this one by default) with ``roles``."""
        where = server or self.home
        member = self.emu.add_member(where.guild, name, roles=list(roles), dms_open=dms_open)
        person = self.people[name] = Person(self, member, where)
        return person

    async def moderator(self, name: str, *, server: Server | None = None) -> Person:
        """Someone with Manage Server (through the server's "Admins" role): a moderator to the bot."""
        where = server or self.home
        if where.id not in self._admins:
            self._admins[where.id] = await self.role("Admins", int(Permissions.MANAGE_GUILD), server=where)
        return await self.join(name, server=where, roles=[self._admins[where.id]])

    async def role(self, name: str, permissions: int = 0, *, server: Server | None = None,
                   mentionable: bool = False) -> Role:
        """A new role, once the bot has heard of it."""
        where = server or self.home
        made = self.emu.add_role(where.guild, name, permissions, mentionable=mentionable)

        def known() -> bool:
            guild = self.bot.get_guild(where.id)
            return guild is not None and guild.get_role(made.id) is not None

        await self.emu.wait_for(known, what=f"the bot to learn of the role {name}")
        return made

    async def add_server(self, name: str, channels: tuple[str, ...] = ("general",), *,
                         shard: tuple[int, int] | None = None) -> Server:
        """Another server the bot is in, once the bot has it. With ``shard`` (shard id, shard count) it
        lives on that shard, and a bot that does not run that shard never gets it: then nothing waits."""
        guild = self.emu.add_guild(name, shard=shard)
        server = Server(guild, {c: self.emu.add_text_channel(guild, c) for c in channels})
        if shard is None or shard[0] in self.bot.shards:
            await self.emu.wait_for(lambda: self.bot.get_guild(guild.id) is not None, what=f"the bot to join {name}")
        return server

    def open_to_everyone(self, *commands: str) -> None:
        """What a server does in its Integrations settings: let everyone see these commands."""
        for command in self.emu.registered_commands():
            if command.name in commands:
                command.default_member_permissions = None

    # -- what people see -----------------------------------------------------------------------------

    def shown(self, message: Message) -> Shown:
        return Shown(self.emu, message)

    def messages(self, channel: Channel | None = None) -> list[Shown]:
        """What everyone sees in ``channel`` (#general by default), oldest first: no ephemeral answers."""
        return [Shown(self.emu, m) for m in self.emu.channel_messages(channel or self.general)]

    def threads(self, server: Server | None = None) -> list[Channel]:
        return self.emu.threads((server or self.home).guild)

    async def posted(self, channel: Channel, containing: str) -> Shown:
        """The message in ``channel`` whose text or embeds say ``containing`` (waiting for it)."""

        def says(message: Message) -> bool:
            shown = Shown(self.emu, message)
            return containing in shown.content or any(containing in e.text for e in shown.embeds)

        return Shown(self.emu, await self.emu.wait_for_message(channel, says))

    async def answer(self, person: Person, ix: EmulatedInteraction) -> Answer:
        """Wait for the bot's answer to ``ix`` and for what it does right after (see :meth:`settle`)."""
        response = await ix.outcome()
        message: Shown | None = None
        if response is not None and response.type in (CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE):
            message = Shown(self.emu, await ix.original_message())
        elif ix.source_message is not None:
            message = Shown(self.emu, ix.source_message)
        await self.settle()
        return Answer(person, ix, response, message)

    # -- time ------------------------------------------------------------------------------------------

    async def settle(self) -> None:
        """Until the bot has done what it can before the clock moves again: its daily scheduler waits
        for its next time and every send is done or waits on the clock. Woken by the bot's own
        state changes (with a WatchedClock), never by real time passing; the timeout only turns a
        hang into a failure."""
        if isinstance(self.clock, WatchedClock):
            await asyncio.wait_for(self.clock.quiet(), 10)

    async def at(self, when: datetime) -> None:
        """Move the clock to ``when`` and let the bot act on it."""
        await self.clock.set(when)
        if self.running:
            await self.settle()

    async def later(self, delta: timedelta) -> None:
        await self.at(self.clock.now() + delta)

    # -- the bot process -------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return not self.bot.is_closed()

    async def start(self) -> None:
        """Start the bot again on the same database (as after a reboot), and wait until it is ready."""
        self.bot = await self._stack.enter_async_context(run_banter(self.emu, self.config, self.clock))
        await self.emu.wait_for_commands(list(COMMANDS))
        await self.settle()

    async def stop(self) -> None:
        """Stop the bot as a shutdown does; what it had not written yet is lost, as in a crash."""
        await self._stack.aclose()
        self._stack = contextlib.AsyncExitStack()
        await until_closed(self.config.database_path)

    async def restart(self, *, at: datetime | None = None) -> None:
        """Stop the bot, move the clock to ``at`` while it is down (if given), and start it again."""
        await self.stop()
        if at is not None:
            await self.at(at)
        await self.start()


@contextlib.asynccontextmanager
async def banter(tmp_path: Path, *, config_extra: str = "", members: tuple[str, ...] = ("alice", "bob"),
                 channels: tuple[str, ...] = ("general",), clock: ManualClock | None = None,
                 config: Config | None = None, cooldowns: bool = False,
                 require_sharding: bool = False) -> AsyncIterator[Banter]:
    """A sandbox world with the bot running and its commands registered.

    Every request the bot sends and every answer it gets must fit Discord's OpenAPI spec, and no
    message it sends may ping anyone by parsing its text (only roles it names on purpose). With
    ``require_sharding`` Discord refuses a connection that names no shard.
    """
    config = config or await fresh_config(tmp_path, config_extra, cooldowns=cooldowns)
    clock = clock or WatchedClock(START)
    async with sandbox(members=members, channels=channels, require_sharding=require_sharding) as sb:
        stack = contextlib.AsyncExitStack()
        bot = await stack.enter_async_context(run_banter(sb.emu, config, clock))
        world = Banter(sb, bot, config, clock, _stack=stack)
        try:
            await sb.emu.wait_for_commands(list(COMMANDS))
            await world.settle()
            yield world
        finally:
            await world._stack.aclose()
        assert sb.emu.spec_violations == []
        assert_no_pings(sb.emu)


def assert_no_pings(emu: DiscordEmulator) -> None:
    """Nothing the bot sent could ping anyone it did not name on purpose."""
    for request in emu.requests:
        if request.method not in ("POST", "PATCH") or not isinstance(request.json, dict):
            continue
        body: dict[str, Any] = request.json
        data = body.get("data") if isinstance(body.get("data"), dict) else body
        assert isinstance(data, dict)
        if "content" in data or "embeds" in data:
            mentions = data.get("allowed_mentions") or {}
            assert mentions.get("parse") == [], f"{request.method} {request.path} may ping: {mentions}"


async def until_closed(database: Path) -> None:
    """Until the bot that was stopped has closed ``database`` (its launcher lets go of the lock),
    as a new process would find it. Only yields to the loop: the launcher's last steps are a few
    turns of it and the closing of the database threads."""
    from bot.storage.sqlite.lock import DatabaseBusy, hold_database

    for _ in range(1_000_000):
        try:
            with hold_database(database, "test"):
                return
        except DatabaseBusy:
            await asyncio.sleep(0)
    raise TimeoutError(f"{database} is still held by a bot")
