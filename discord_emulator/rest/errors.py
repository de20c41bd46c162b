"""Discord's error answers: status, numeric code, message and the nested 50035 ``errors``."""

from __future__ import annotations

import logging
from typing import Any

from .. import validation as V

log = logging.getLogger(__name__)



# code -> (HTTP status, Discord's message)
ERRORS: dict[int, tuple[int, str]] = {
    0: (404, "404: Not Found"),
    10002: (404, "Unknown Application"),
    10003: (404, "Unknown Channel"),
    10004: (404, "Unknown Guild"),
    10007: (404, "Unknown Member"),
    10008: (404, "Unknown Message"),
    10013: (404, "Unknown User"),
    10015: (404, "Unknown Webhook"),
    10062: (404, "Unknown interaction"),
    10063: (404, "Unknown application command"),
    20001: (403, "Bots cannot use this endpoint"),
    40060: (400, "Interaction has already been acknowledged."),
    50001: (403, "Missing Access"),
    50005: (403, "Cannot edit a message authored by another user"),
    50006: (400, "Cannot send an empty message"),
    50007: (403, "Cannot send messages to this user"),
    50008: (400, "Cannot send messages in a non-text channel"),
    50013: (403, "Missing Permissions"),
    50024: (400, "Cannot execute action on this channel type"),
    50027: (401, "Invalid Webhook Token"),
    50035: (400, "Invalid Form Body"),
    50083: (400, "Operation cannot be performed on an archived thread"),
    50109: (400, "The request body contains invalid JSON."),
    160004: (400, "A thread has already been created for this message"),
}

# Channels a message can be posted in (voice channels have a text chat too).
_MESSAGEABLE = frozenset({0, 1, 2, 5, 10, 11, 12})

class HTTPError(Exception):
    def __init__(self, status: int, code: int, message: str, errors: dict[str, Any] | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def body(self) -> dict[str, Any]:
        data: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors is not None:
            data["errors"] = self.errors
        return data


def error(code: int, message: str | None = None) -> HTTPError:
    status, default = ERRORS[code]
    return HTTPError(status, code, message or default)


def form_error(errors: V.FormErrors) -> HTTPError:
    return HTTPError(400, 50035, "Invalid Form Body", errors.tree)


def single_form_error(path: tuple[str | int, ...], code: str, message: str) -> HTTPError:
    errors = V.FormErrors()
    errors.add(path, code, message)
    return form_error(errors)
