"""A terminal front end over the emulator: try a bot with no Discord account or token.

The shell knows nothing about any particular bot: it reads the commands the bot registered and
turns lines like these into interactions::

    /joke category:pun
    /mood feeling:tired and grumpy        (a value runs until the next " word:")
    /mood feeling:"quoted: works too"
    /discussion today
    click 1                               (buttons of the last message shown, numbered from 1)
    as bob                                (switch user; unknown names become new members)
    channel random                        (switch to, or create, a text channel or thread)
    say hello everyone                    (post a plain message)
    help / quit

Messages appear as they arrive (content, embeds, buttons as ``[1] 👍 0  [2] 👎 0``); ephemeral
ones are marked; a modal is shown and its fields are asked for on the next input lines.

Run it against any bot factory (a callable returning a discord.py client)::

    python -m discord_emulator.shell package.module:make_bot
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import io
import logging
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TextIO

from .commands import InvocationError, describe_options, visible_commands
from .emulator import DiscordEmulator, SandboxTimeout
from .interactions import AUTOCOMPLETE_RESULT, MODAL, EmulatedInteraction, Modal, ModalField
from .models import Channel, ChannelType, Guild, Member, Message, User, emoji_text, iter_components

if TYPE_CHECKING:
    import discord

log = logging.getLogger(__name__)

# "name:" at the start or after whitespace begins an option; _OPTION_NAME reads one in place.
_OPTION_MARK = re.compile(r"(?:^|\s)([A-Za-z0-9_-]+):")
_OPTION_NAME = re.compile(r"([A-Za-z0-9_-]+):")
SHELL_HELP = """\
Shell commands:
  /command [sub] opt:value ...   run a slash command (values run until the next " word:"; quotes ok)
  click N                        click button N of the last message shown
  as NAME                        act as another user (a new member if the name is unknown)
  channel NAME                   switch to (or create) a text channel; thread names work too
  say TEXT                       post a plain message as the current user
  help                           this list and the bot's commands
  quit                           leave"""


class ShellError(ValueError):
    """A line the shell cannot make sense of."""


def parse_slash(line: str) -> tuple[str, dict[str, str]]:
    """``/a b x:1 y:two words z:"q: r"`` -> ``("a b", {"x": "1", "y": "two words", "z": "q: r"})``."""
    body = line.strip()
    if body.startswith("/"):
        body = body[1:]
    first = _OPTION_MARK.search(body)
    if first is None:
        return " ".join(body.split()), {}
    path = " ".join(body[: first.start()].split())
    options: dict[str, str] = {}
    pos = first.start(1)
    while pos < len(body):
        mark = _OPTION_NAME.match(body, pos)
        if mark is None:
            raise ShellError(f"cannot read options from {body[pos:]!r}")
        name, start = mark.group(1), mark.end()
        if body[start : start + 1] in ('"', "'"):
            quote = body[start]
            end = body.find(quote, start + 1)
            if end == -1:
                raise ShellError(f"unclosed {quote} in option {name!r}")
            value, pos = body[start + 1 : end], end + 1
            if pos < len(body) and not body[pos].isspace():
                raise ShellError(f"text right after the closing quote of option {name!r}")
        else:
            following = _OPTION_MARK.search(body, start)
            end = following.start() if following is not None else len(body)
            value, pos = body[start:end].strip(), end
        if name in options:
            raise ShellError(f"option {name!r} given twice")
        options[name] = value
        while pos < len(body) and body[pos].isspace():
            pos += 1
    return path, options


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
        await self.emu.wait_for(
            lambda: ix.responded or bool(ix.rejected), timeout=self.response_timeout, what="the bot's answer"
        )
        if ix.responded:
            return True
        status, body = ix.rejected[-1]
        self._write(f"! This interaction failed: Discord refused the bot's answer ({status} {_error_text(body)})")
        return False

    async def _fill_modal(self, opened_by: EmulatedInteraction, modal: Modal) -> None:
        self._write(f"┌ {modal.title}")
        for text in modal.texts:
            self._write(f"│ {text}")
        for fld in modal.fields:
            self._write(f"│ {fld.label or fld.custom_id}{_field_hint(fld)}")
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
            problem = _field_problem(fld, value)
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
        commands = visible_commands(self.emu, self.guild, self.user)
        if commands:
            self._write("Bot commands:")
            for cmd in sorted(commands, key=lambda c: c.name):
                for usage, description in _command_lines(cmd.name, cmd.description, cmd.options):
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
        channel = self.emu.channels.get(msg.channel_id)
        where = ""
        if channel is not None and channel.type == ChannelType.DM:
            where = "[DM] "
        elif channel is not None and channel.id != self.channel.id:
            where = f"[#{channel.name}] "
        tags = []
        if msg.ephemeral:
            tags.append("(only you can see this)")
        if edited:
            tags.append("(edited)")
        head = f"{where}{msg.author.name}: " + " ".join(tags)
        lines = [head.rstrip()]
        text = msg.text()
        if text:
            lines += [f"  {line}" for line in text.splitlines()]
        for embed in msg.embeds:
            lines += _render_embed(embed)
        lines += _render_components(msg.components)
        if msg.thread is not None:
            lines.append(f"  (thread: #{msg.thread.name})")
        return "\n".join(lines)

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
# ==============================================================================================


def _render_embed(embed: dict[str, Any]) -> list[str]:
    lines = []
    author = (embed.get("author") or {}).get("name")
    if author:
        lines.append(f"  │ {author}")
    if embed.get("title"):
        lines.append(f"  ┃ {embed['title']}")
    for line in (embed.get("description") or "").splitlines():
        lines.append(f"  │ {line}")
    for fld in embed.get("fields") or []:
        value = str(fld.get("value") or "")
        if "\n" in value or len(value) > 60:
            # A long value goes under its name, indented, as Discord shows it.
            lines.append(f"  │ {fld.get('name')}")
            lines += [f"  │   {line}" for line in value.splitlines()]
        else:
            lines.append(f"  │ {fld.get('name')}: {value}")
    footer = (embed.get("footer") or {}).get("text")
    if footer:
        lines.append(f"  └ {footer}")
    return lines or ["  │ (empty embed)"]


def _render_components(components: list[dict[str, Any]]) -> list[str]:
    lines: list[str] = []
    buttons: list[str] = []
    number = 0
    for comp in iter_components(components):
        kind = comp.get("type")
        if kind == 2:
            number += 1
            label = " ".join(x for x in (emoji_text(comp.get("emoji")), comp.get("label")) if x)
            text = f"[{number}] {label}"
            if comp.get("style") == 5:
                text += f" -> {comp.get('url')}"
            if comp.get("disabled"):
                text += " (disabled)"
            buttons.append(text)
        elif kind == 3:
            options = " | ".join(o.get("label", "") for o in comp.get("options") or [])
            lines.append(f"  <{comp.get('placeholder') or 'select'}: {options}>")
        elif kind in (5, 6, 7, 8):
            lines.append(f"  <{comp.get('placeholder') or 'select'}>")
    if buttons:
        lines.append("  " + "  ".join(buttons))
    return lines


def _field_hint(fld: ModalField) -> str:
    bits = ["required" if fld.required else "optional"]
    if fld.type == 4:
        if fld.min_length or fld.max_length:
            bits.append(f"{fld.min_length or 0}-{fld.max_length or 4000} characters")
        if fld.style == 2:
            bits.append("paragraph")
        if fld.value:
            bits.append(f"default {fld.value!r}")
    else:
        bits.append("choose: " + ", ".join(o.get("label", "") for o in fld.options))
    description = f" - {fld.description}" if fld.description else ""
    return f"{description} ({', '.join(bits)})"


def _field_problem(fld: ModalField, value: str) -> str | None:
    """What the Discord client would say before letting the user submit."""
    if fld.required and not value:
        return "this field is required"
    if value and fld.min_length is not None and len(value) < fld.min_length:
        return f"at least {fld.min_length} characters, please"
    if fld.max_length is not None and len(value) > fld.max_length:
        return f"at most {fld.max_length} characters, please"
    return None


def _command_lines(name: str, description: str, options: list[dict[str, Any]]) -> list[tuple[str, str]]:
    subs = [o for o in options if o.get("type") in (1, 2)]
    if not subs:
        usage = f"/{name} {describe_options(options)}".rstrip()
        return [(usage, description)]
    lines: list[tuple[str, str]] = []
    for sub in subs:
        lines += _command_lines(f"{name} {sub['name']}", sub.get("description", ""), sub.get("options") or [])
    return lines


def _error_text(body: Any) -> str:
    if not isinstance(body, dict):
        return str(body)
    text = f"{body.get('code')}: {body.get('message')}"
    errors = body.get("errors")
    if errors:
        text += " - " + "; ".join(_flatten(errors))
    return text


def _flatten(errors: dict[str, Any], prefix: str = "") -> list[str]:
    out = []
    for key, value in errors.items():
        if key == "_errors":
            out += [f"{prefix}: {e.get('message')}" for e in value]
        elif isinstance(value, dict):
            out += _flatten(value, f"{prefix}.{key}" if prefix else key)
    return out


# ==============================================================================================
# running it
# ==============================================================================================


async def run_shell(
    bot_factory: Callable[[], discord.Client],
    *,
    token: str = "sandbox-token",
    guild_name: str = "Sandbox",
    channels: Iterable[str] = ("general",),
    users: Iterable[str] = ("you", "friend"),
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    spec_path: str | None = "auto",
) -> DiscordEmulator:
    """Start an emulator, run the bot against it and hand the terminal to a shell."""
    from .testing import running_bot, sandbox

    async with (
        sandbox(token=token, guild_name=guild_name, channels=channels, members=users, spec_path=spec_path) as world,
        running_bot(world.emu, bot_factory),
    ):
        shell = SandboxShell(
            world.emu, world.guild, world.channels, world.members, stdin or sys.stdin, stdout or sys.stdout
        )
        await shell.run()
        for violation in world.emu.spec_violations:
            (stdout or sys.stdout).write(f"OpenAPI: {violation}\n")
        return world.emu


def _load_factory(spec: str) -> Callable[[], discord.Client]:
    module_name, _, attr = spec.partition(":")
    if not attr:
        raise SystemExit("expected module:factory, e.g. bot.bot:create_bot")
    module = importlib.import_module(module_name)
    factory = getattr(module, attr)
    if not callable(factory):
        raise SystemExit(f"{spec} is not callable")
    return factory  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Try a discord.py bot against a local Discord emulator.")
    parser.add_argument("factory", help="module:callable returning the discord.py client")
    parser.add_argument("--channel", action="append", dest="channels", help="text channel (repeatable)")
    parser.add_argument("--user", action="append", dest="users", help="member to act as (repeatable)")
    parser.add_argument("--verbose", action="store_true", help="show discord.py and emulator logs")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.ERROR, format="%(name)s: %(message)s")
    factory = _load_factory(args.factory)
    asyncio.run(run_shell(factory, channels=args.channels or ["general"], users=args.users or ["you", "friend"]))


__all__ = ["SandboxShell", "ShellError", "main", "parse_slash", "run_shell"]

if __name__ == "__main__":
    main()
