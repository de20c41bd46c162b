"""Banter bound to the local Discord (:mod:`discord_emulator`): ``python -m bot sandbox``.

The emulator itself knows nothing of Banter; this package starts it, runs the bot exactly as
``python -m bot run`` does against it, and hands the terminal to the emulator's shell.
"""
