"""Answers kept for a moment, so a link shared in a busy server is rendered once, not for
every member who opens it.

An answer is served again while the storage has seen no write from this process since it was
made (every vote, edit or showing moves the catalogue's version), and for at most
:data:`bot.cache.MAX_AGE` on the catalogue's clock, which bounds what another process's writes (the bot
running apart from ``python -m bot web``) can leave unseen: the rule of the storage's own read
cache. Only whole, successful, cacheable answers are kept.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import datetime

from aiohttp import web
from msgspec import Struct
from multidict import CIMultiDict

from bot.cache import ReadCache

# Answers kept at most; past that they all go (the next write would clear them anyway).
MAX_ENTRIES = 512


class _Kept(Struct, frozen=True):
    status: int
    body: bytes
    headers: CIMultiDict[str]


class PageCache:
    """Rendered answers in a :class:`bot.cache.ReadCache`: the same rule as the storage's reads."""

    def __init__(self, version: Callable[[], int], now: Callable[[], datetime], *,
                 max_entries: int = MAX_ENTRIES) -> None:
        self._kept = ReadCache(version, now, max_entries=max_entries)

    def get(self, key: Hashable) -> web.Response | None:
        kept: _Kept | None = self._kept.get(key)
        if kept is None:
            return None
        return web.Response(status=kept.status, body=kept.body, headers=kept.headers)

    def put(self, key: Hashable, response: web.StreamResponse, version_at: int) -> None:
        """Keep ``response`` (made while the version was ``version_at``) if nothing was written
        meanwhile and it may be kept at all."""
        if (not isinstance(response, web.Response) or response.status != 200
                or "no-store" in response.headers.get("Cache-Control", "") or "Set-Cookie" in response.headers):
            return
        body = response.body
        if isinstance(body, bytes):
            self._kept.put(key, _Kept(response.status, body, CIMultiDict(response.headers)), version_at)
