"""The shell's session: reads lines, drives the emulator as one user at a time, shows what they see."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, tzinfo
from typing import Any, TextIO

from ..commands import visible_commands
from ..emulator import DiscordEmulator
from ..errors import InvocationError, SandboxTimeout
from ..interactions import AUTOCOMPLETE_RESULT, MODAL, EmulatedInteraction, Modal, ModalField
from ..models import Channel, Guild, Member, Message, User, iter_components
from .markup import Markup
from .parsing import ShellError, parse_slash
from .render import command_lines, error_text, field_hint, field_problem, render_message

log = logging.getLogger(__name__)

SHELL_HELP = """\
Shell commands:
  /command [sub] opt:value ...   run a slash command (values run until the next " word:"; quotes ok)
  click N                        click button N of the last message shown
  as NAME                        act as another user (a new member if the name is unknown)
  channel NAME                   switch to (or create) a text channel; thread names work too
  say TEXT                       post a plain message as the current user
  help                           this list and the bot's commands
  quit                           leave"""


class SandboxShell:
    """Reads lines from ``stdin``, drives ``emu`` and writes what users would see to ``stdout``.

    ``channels`` and ``users`` are the ones to start with (the first of each is current); both may
    be mappings of name to object or plain iterables.
    """

    def __init__(
        self,
        emu: DiscordEmulator,
        guild: Guild,
        channels: Mapping[str, Channel] | Iterable[Channel],
        users: Mapping[str, Member | User] | Iterable[Member | User],
        stdin: TextIO,
        stdout: TextIO,
        *,
        prompt: bool = True,
        response_timeout: float = 5.0,
        now: Callable[[], datetime] | None = None,
        tz: tzinfo | None = None,
    ) -> None:
        self.emu = emu
        self.guild = guild
        channel_list = list(channels.values()) if isinstance(channels, Mapping) else list(channels)
        user_list = list(users.values()) if isinstance(users, Mapping) else list(users)
        if not channel_list or not user_list:
            raise ValueError("the shell needs at least one channel and one user")
        self.channel: Channel = channel_list[0]
        self.user: Member = self._as_member(user_list[0])
        self.stdin = stdin
        self.stdout = stdout
        self.prompt = prompt
        self.response_timeout = response_timeout
        self.last_with_buttons: Message | None = None
        # message id -> edited_timestamp when shown, so edits are shown again
        self._shown: dict[int, Any] = {}
        self._watcher: asyncio.Task[None] | None = None
        self._running = False
        self._pending_prompt: str | None = None  # shown and waiting for input
        # Mentions and timestamps as the client shows them; times in ``tz`` (None: this machine's).
        self.markup = Markup(guild, emu.world.users, self._channel_name, now=now, tz=tz)

    # ==========================================================================================
    # main loop
    # ==========================================================================================

    async def run(self) -> None:
        self._running = True
        self._mark_existing_seen()
        self._write(f"Sandbox: {self.guild.name} as {self.user.name} in #{self.channel.name}. Type 'help'.")
        self._watcher = asyncio.create_task(self._watch(), name="sandbox-shell-watch")
        try:
            while self._running:
                self._show_new()
                line = await self._read(f"{self.user.name}@#{self.channel.name}> ")
                if line is None:
                    break
                await self.handle_line(line)
            self._show_new()
        finally:
            self._running = False
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher

    async def handle_line(self, line: str) -> None:
        text = line.strip()
        if not text:
            return
        word, _, rest = text.partition(" ")
        rest = rest.strip()
        try:
            if text.startswith("/"):
                await self._slash(text)
            elif word in ("quit", "exit"):
                self._running = False
            elif word == "help":
                self._help()
            elif word == "click":
                await self._click(rest)
            elif word == "as":
                self._switch_user(rest)
            elif word == "channel":
                self._switch_channel(rest.lstrip("#"))
            elif word == "say":
                await self.emu.send_message(self.user, self.channel, rest)
            else:
                raise ShellError(f"unknown command {word!r}; type 'help'")
        except (ShellError, InvocationError) as exc:
            self._write(f"! {exc}")
        except SandboxTimeout:
            self._write("! The application did not respond (no answer within the time limit).")

    # ==========================================================================================
    # commands
    # ==========================================================================================

    async def _slash(self, text: str) -> None:
        path, options = parse_slash(text)
        if not path:
            raise ShellError("which command? type 'help' for the list")
        ix = await self.emu.slash(self.user, self.channel, path, **options)
        await self._follow(ix)

    async def _click(self, rest: str) -> None:
        if not rest.isdigit():
            raise ShellError("usage: click N (a button number shown as [N])")
        if self.last_with_buttons is None:
            raise ShellError("no message with buttons has been shown yet")
        number = int(rest)
        buttons = [
            c for c in iter_components(self.emu.get_message(self.last_with_buttons).components) if c.get("type") == 2
        ]
        if not 1 <= number <= len(buttons):
            raise ShellError(f"the last message has buttons 1..{len(buttons)}")
        ix = await self.emu.click(self.user, self.last_with_buttons, index=number - 1)
        await self._follow(ix)

    async def _follow(self, ix: EmulatedInteraction) -> None:
        """Wait for the bot's answer, then show it (or the modal, or why it failed)."""
        answered = await self._answer_or_rejection(ix)
        if not answered:
            return
        response = ix.initial
        assert response is not None
        if response.type == MODAL and response.modal is not None:
            await self._fill_modal(ix, response.modal)
            return
        if response.type == AUTOCOMPLETE_RESULT:
            return
        with contextlib.suppress(SandboxTimeout):
            await ix.original_message(timeout=self.response_timeout)
        self._show_new()

    async def _answer_or_rejection(self, ix: EmulatedInteraction) -> bool:
        if await ix.outcome(timeout=self.response_timeout) is not None:
            return True
        status, body = ix.rejected[-1]
        self._write(f"! This interaction failed: Discord refused the bot's answer ({status} {error_text(body)})")
        return False

    async def _fill_modal(self, opened_by: EmulatedInteraction, modal: Modal) -> None:
        self._write(f"┌ {modal.title}")
        for text in modal.texts:
            self._write(f"│ {text}")
        for fld in modal.fields:
            self._write(f"│ {fld.label or fld.custom_id}{field_hint(fld)}")
        self._write("└ (answer each field below; an empty line leaves an optional field empty)")
        values: dict[str, Any] = {}
        for fld in modal.fields:
            answer = await self._ask_field(fld)
            if answer is None:
                self._write("! modal closed without submitting")
                return
            if answer != "" or fld.required:
                values[fld.custom_id] = answer if fld.type == 4 else [v.strip() for v in answer.split(",") if v.strip()]
        ix = await self.emu.submit_modal(self.user, opened_by, values)
        await self._follow(ix)

    async def _ask_field(self, fld: ModalField) -> str | None:
        name = fld.label or fld.custom_id
        while True:
            line = await self._read(f"{name}: ")
            if line is None:
                return None
            value = line.rstrip("\n")
            if fld.type != 4:
                return value
            if not value and fld.value:
                value = fld.value  # keep the pre-filled default
            problem = field_problem(fld, value)
            if problem is None:
                return value
            self._write(f"! {problem}")

    def _switch_user(self, name: str) -> None:
        if not name:
            raise ShellError("usage: as NAME")
        member = self.guild.member_named(name)
        if member is None:
            member = self.emu.add_member(self.guild, name)
            self._write(f"({name} joined {self.guild.name})")
        self.user = member
        self._write(f"You are now {member.name}.")

    def _switch_channel(self, name: str) -> None:
        if not name:
            raise ShellError("usage: channel NAME")
        channel = self.guild.channel_named(name)
        if channel is None:
            channel = self.emu.add_text_channel(self.guild, name)
            self._write(f"(created #{name})")
        self.channel = channel
        kind = "thread" if channel.is_thread else "channel"
        self._write(f"Now in {kind} #{channel.name}.")
        for msg in self.emu.channel_messages(channel)[-5:]:
            self._shown.pop(msg.id, None)
        self._show_new()

    def _help(self) -> None:
        commands = visible_commands(self.emu.world, self.guild, self.user)
        if commands:
            self._write("Bot commands:")
            for cmd in sorted(commands, key=lambda c: c.name):
                for usage, description in command_lines(cmd.name, cmd.description, cmd.options):
                    self._write(f"  {usage}" + (f"  - {description}" if description else ""))
        else:
            self._write("The bot has not registered any commands (yet).")
        self._write(SHELL_HELP)

    # ==========================================================================================
    # showing messages
    # ==========================================================================================

    def _mark_existing_seen(self) -> None:
        for msg in self._visible():
            self._shown[msg.id] = msg.edited_timestamp

    def _visible(self) -> list[Message]:
        """What the current user sees: the current channel (with their ephemerals) and their DMs."""
        out = [m for m in self.emu.channel_messages(self.channel, include_ephemeral=True) if self._may_see(m)]
        for ch in list(self.emu.channels.values()):
            if ch.is_dm and ch.recipients and ch.recipients[0].id == self.user.id:
                out += self.emu.channel_messages(ch)
        return out

    def _may_see(self, msg: Message) -> bool:
        if not msg.ephemeral:
            return True
        owner = (msg.interaction_metadata or {}).get("user", {}).get("id")
        return bool(owner == str(self.user.id))

    def _unseen(self) -> list[Message]:
        return [
            m
            for m in self._visible()
            if not m.loading and (m.id not in self._shown or self._shown[m.id] != m.edited_timestamp)
        ]

    async def _watch(self) -> None:
        """Show messages as they arrive, woken by emulator state changes (no polling)."""
        while self._running:
            await self.emu.wait_for(lambda: bool(self._unseen()), timeout=24 * 3600, what="new messages")
            prompt = self._pending_prompt
            if prompt is not None:
                self.stdout.write("\n")  # don't glue the message to a prompt already on screen
            self._show_new()
            if prompt is not None:
                self.stdout.write(prompt)
                self.stdout.flush()

    def _show_new(self) -> None:
        for msg in self._unseen():
            edited = msg.id in self._shown
            self._shown[msg.id] = msg.edited_timestamp
            self._write(self.render(msg, edited=edited))
            if any(c.get("type") == 2 for c in iter_components(msg.components)):
                self.last_with_buttons = msg

    def render(self, msg: Message, *, edited: bool = False) -> str:
        return render_message(msg, self.emu.channels.get(msg.channel_id), self.channel, edited=edited,
                              markup=self.markup.render)

    def _channel_name(self, channel_id: int) -> str | None:
        channel = self.emu.channels.get(channel_id)
        return None if channel is None else channel.name

    # ==========================================================================================
    # io
    # ==========================================================================================

    async def _read(self, prompt: str) -> str | None:
        if self.prompt:
            self.stdout.write(prompt)
            self.stdout.flush()
        if isinstance(self.stdin, io.StringIO):
            line = self.stdin.readline()
        else:
            # A terminal or pipe would block the event loop the bot runs on.
            self._pending_prompt = prompt if self.prompt else None
            try:
                line = await asyncio.to_thread(self.stdin.readline)
            finally:
                self._pending_prompt = None
        if line == "":
            return None
        if self.prompt and not self.stdin.isatty():
            self.stdout.write(line if line.endswith("\n") else line + "\n")  # echo piped input
        return line.rstrip("\n")

    def _write(self, text: str) -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def _as_member(self, user: Member | User) -> Member:
        if isinstance(user, Member):
            return user
        return self.emu.add_member(self.guild, user)


# ==============================================================================================
# rendering helpers
