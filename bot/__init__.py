"""Banter, a Discord bot for jokes, mood-based picks and a discussion of the day."""

from __future__ import annotations


def version() -> str:
    """Banter's version as installed (what ``python -m bot --version`` and /about say)."""
    # Imported here: importlib.metadata took 40 ms of every start-up, for a line of /about.
    from importlib import metadata

    try:
        return metadata.version("banter")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"
