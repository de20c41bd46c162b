"""What went over the wire: REST calls and their answers, gateway events, injected faults."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .openapi import SpecViolation


@dataclass
class RequestRecord:
    """One REST call the bot made, and the emulator's answer."""

    method: str
    path: str
    query: dict[str, str]
    json: Any
    status: int = 0
    response: Any = None
    at: float = 0.0
    # Which client sent it (its User-Agent): tells apart several bot processes on one token.
    user_agent: str = ""

    def __repr__(self) -> str:
        return f"<{self.method} {self.path} -> {self.status}>"


@dataclass
class Fault:
    """An injected failure: the next ``times`` matching requests get ``status``."""

    method: str
    pattern: re.Pattern[str]
    status: int
    times: int
    retry_after: float
    is_global: bool
    hits: int = 0

    def matches(self, method: str, path: str) -> bool:
        return self.hits < self.times and self.method in ("*", method) and bool(self.pattern.search(path))


FAULT_STATUSES = (429, 500, 502, 503, 504)


@dataclass
class Traffic:
    """The emulator's log, for tests to read: nothing here changes how it answers, except faults."""

    requests: list[RequestRecord] = field(default_factory=list)
    spec_violations: list[SpecViolation] = field(default_factory=list)
    unhandled: list[str] = field(default_factory=list)  # "METHOD /path" of routes the emulator lacks
    dispatched: list[dict[str, Any]] = field(default_factory=list)  # every gateway event, as {"t", "d"}
    faults: list[Fault] = field(default_factory=list)

    def add_fault(
        self, method: str, path_regex: str, status: int, times: int, retry_after: float, is_global: bool
    ) -> Fault:
        if status not in FAULT_STATUSES:
            raise ValueError("status must be one of 429, 500, 502, 503, 504")
        fault = Fault(method.upper(), re.compile(path_regex), status, times, retry_after, is_global)
        self.faults.append(fault)
        return fault

    def take_fault(self, method: str, path: str) -> Fault | None:
        """The fault that answers this request instead of its handler, counted as used."""
        for fault in self.faults:
            if fault.matches(method, path):
                fault.hits += 1
                return fault
        return None

    def requests_to(self, method: str, path_regex: str) -> list[RequestRecord]:
        pattern = re.compile(path_regex)
        return [r for r in self.requests if r.method == method.upper() and pattern.search(r.path)]

    def recent(self) -> str:
        """The last requests and unknown routes, to explain a wait that timed out."""
        shown = ", ".join(f"{r.method} {r.path}->{r.status}" for r in self.requests[-5:]) or "none"
        text = f"last requests: {shown}"
        if self.unhandled:
            text += f"; unhandled routes: {self.unhandled[-3:]}"
        return text
