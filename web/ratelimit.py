"""Per-client rate limits: a token bucket for each address, kept in memory.

Each client may make ``burst`` requests at once and ``rate`` a second after that. The clock is
injected (a function returning seconds), so tests move time instead of sleeping.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from msgspec import Struct

# Clients remembered at most; past that, the buckets that have filled up again are forgotten
# (a full bucket is what a client never seen before gets anyway).
MAX_CLIENTS = 10_000


class _Bucket(Struct):
    tokens: float
    at: float


class RateLimiter:
    def __init__(self, *, rate: float = 2.0, burst: int = 60, clock: Callable[[], float] = time.monotonic,
                 max_clients: int = MAX_CLIENTS) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be above 0 and burst at least 1")
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self.max_clients = max_clients
        self._buckets: dict[str, _Bucket] = {}

    def take(self, client: str) -> float:
        """Spend one of ``client``'s tokens: 0 if the request may go ahead, otherwise how many
        seconds until it may (nothing is spent then)."""
        now = self.clock()
        bucket = self._buckets.get(client)
        if bucket is None:
            if len(self._buckets) >= self.max_clients:
                self._forget_full(now)
            bucket = self._buckets[client] = _Bucket(float(self.burst), now)
        else:
            bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.at) * self.rate)
            bucket.at = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self.rate

    def retry_after(self, wait: float) -> str:
        """A Retry-After header value (whole seconds, rounded up) for a wait from :meth:`take`."""
        return str(max(1, math.ceil(wait)))

    def _forget_full(self, now: float) -> None:
        full = [k for k, b in self._buckets.items() if b.tokens + (now - b.at) * self.rate >= self.burst]
        for key in full:
            del self._buckets[key]
        if len(self._buckets) >= self.max_clients:
            # Everyone is busy: forgetting some only gives them a fresh burst.
            self._buckets.clear()
