"""Banter, a Discord bot for jokes, mood-based picks and a discussion of the day."""

from __future__ import annotations

from importlib import metadata


def version() -> str:
    """Banter's version as installed (what ``python -m bot --version`` and /about say)."""
    try:
        return metadata.version("banter")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"
