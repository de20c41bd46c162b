"""The repositories a :class:`bot.storage.Storage` hands out, as protocols: the methods the services
call, with the project's own records (:mod:`bot.models`, :mod:`bot.records`) in and out.

A backend's classes satisfy these structurally (mypy checks it where :mod:`bot.storage.backends`
opens a backend as a ``Storage``); nothing here knows a backend. A new query a service needs is
named here first, then written in each backend (docs/storage.md has the checklist).
"""

from __future__ import annotations

from bot.storage.protocols.daily import Daily
from bot.storage.protocols.library import Catalog, History, Items, Picks, RankedRow, Votes
from bot.storage.protocols.members import Favorites, Privacy
from bot.storage.protocols.moderation import Audit, Moderation, MoodCorrections
from bot.storage.protocols.settings import Meta, Settings

__all__ = ["Audit", "Catalog", "Daily", "Favorites", "History", "Items", "Meta", "Moderation", "MoodCorrections",
           "Picks", "Privacy", "RankedRow", "Settings", "Votes"]
