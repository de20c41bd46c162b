"""The two ways the emulator's Python API says no."""

from __future__ import annotations


class InvocationError(ValueError):
    """The Discord client would not let the user do this (unknown command, bad option, a disabled
    button, a channel they cannot see...): nothing was sent."""


class SandboxTimeout(TimeoutError):
    """A wait in the emulator API ran out; the message says what was awaited and what happened."""
