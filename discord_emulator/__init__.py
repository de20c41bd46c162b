"""A loopback Discord (REST + Gateway) emulator for running the bot offline and in tests.

Typical use::

    from discord_emulator import DiscordEmulator

    async with DiscordEmulator(token="test-token") as emu:
        guild = emu.add_guild("Test server")
        general = emu.add_text_channel(guild, "general")
        alice = emu.add_member(guild, "alice")
        with emu.patch_discord():
            ...  # start the discord.py bot with token "test-token"
            ix = await emu.slash(alice, general, "joke", category="pun")
            msg = await ix.original_message()

See :mod:`discord_emulator.driver` for ready-made helpers (a world, a bot running against it) and
:mod:`discord_emulator.shell` for the interactive terminal front end.
"""

from __future__ import annotations

import logging

from .emulator import DiscordEmulator
from .errors import InvocationError, SandboxTimeout
from .flags import ChannelType, Intents, MessageFlags, Permissions
from .interactions import EmulatedInteraction, InteractionResponse, Modal, ModalField
from .models import AppCommand, Channel, Emoji, Guild, Member, Message, Overwrite, Role, User
from .openapi import SpecViolation, default_spec_path
from .traffic import Fault, RequestRecord

log = logging.getLogger(__name__)

__all__ = [
    "AppCommand",
    "Channel",
    "ChannelType",
    "DiscordEmulator",
    "Emoji",
    "EmulatedInteraction",
    "Fault",
    "Guild",
    "Intents",
    "InteractionResponse",
    "InvocationError",
    "Member",
    "Message",
    "MessageFlags",
    "Modal",
    "ModalField",
    "Overwrite",
    "Permissions",
    "RequestRecord",
    "Role",
    "SandboxTimeout",
    "SpecViolation",
    "User",
    "default_spec_path",
]
