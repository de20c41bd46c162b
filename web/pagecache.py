"""Answers kept for a moment, so a link shared in a busy server is rendered once, not for
every member who opens it.

An answer is served again while the storage has seen no write from this process since it was
made (every vote, edit or showing moves the catalogue's version), and for at most
:data:`MAX_AGE` on the catalogue's clock, which bounds what another process's writes (the bot
running apart from ``python -m bot web``) can leave unseen: the rule of the storage's own read
cache. Only whole, successful, cacheable answers are kept.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta

from aiohttp import web
from multidict import CIMultiDict

MAX_AGE = timedelta(seconds=1)
# Answers kept at most; past that they all go (the next write would clear them anyway).
MAX_ENTRIES = 512


@dataclass(frozen=True)
class _Kept:
    until: datetime
    status: int
    body: bytes
    headers: CIMultiDict[str]


class PageCache:
    def __init__(self, version: Callable[[], int], now: Callable[[], datetime], *,
                 max_entries: int = MAX_ENTRIES) -> None:
        self.version = version
        self.now = now
        self.max_entries = max_entries
        self._kept: dict[Hashable, _Kept] = {}
        self._version = -1

    def get(self, key: Hashable) -> web.Response | None:
        if self.version() != self._version:
            self._kept.clear()
            self._version = self.version()
            return None
        kept = self._kept.get(key)
        if kept is None:
            return None
        if self.now() >= kept.until:
            del self._kept[key]
            return None
        return web.Response(status=kept.status, body=kept.body, headers=kept.headers)

    def put(self, key: Hashable, response: web.StreamResponse, version_at: int) -> None:
        """Keep ``response`` (made while the version was ``version_at``) if nothing was written
        meanwhile and it may be kept at all."""
        if (version_at != self.version() or not isinstance(response, web.Response) or response.status != 200
                or "no-store" in response.headers.get("Cache-Control", "") or "Set-Cookie" in response.headers):
            return
        body = response.body
        if not isinstance(body, bytes):
            return
        if self._version != version_at:
            self._kept.clear()
            self._version = version_at
        if len(self._kept) >= self.max_entries:
            self._kept.clear()
        self._kept[key] = _Kept(self.now() + MAX_AGE, response.status, body, CIMultiDict(response.headers))
