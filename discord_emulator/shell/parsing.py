"""Reading a shell line: ``/command sub opt:value ...`` into a command path and its options."""

from __future__ import annotations

import re

# "name:" at the start or after whitespace begins an option; _OPTION_NAME reads one in place.
_OPTION_MARK = re.compile(r"(?:^|\s)([A-Za-z0-9_-]+):")
_OPTION_NAME = re.compile(r"([A-Za-z0-9_-]+):")


class ShellError(ValueError):
    """A line the shell cannot make sense of."""


def parse_slash(line: str) -> tuple[str, dict[str, str]]:
    """``/a b x:1 y:two words z:"q: r"`` -> ``("a b", {"x": "1", "y": "two words", "z": "q: r"})``."""
    body = line.strip()
    if body.startswith("/"):
        body = body[1:]
    first = _OPTION_MARK.search(body)
    if first is None:
        return " ".join(body.split()), {}
    path = " ".join(body[: first.start()].split())
    options: dict[str, str] = {}
    pos = first.start(1)
    while pos < len(body):
        mark = _OPTION_NAME.match(body, pos)
        if mark is None:
            raise ShellError(f"cannot read options from {body[pos:]!r}")
        name, start = mark.group(1), mark.end()
        if body[start : start + 1] in ('"', "'"):
            quote = body[start]
            end = body.find(quote, start + 1)
            if end == -1:
                raise ShellError(f"unclosed {quote} in option {name!r}")
            value, pos = body[start + 1 : end], end + 1
            if pos < len(body) and not body[pos].isspace():
                raise ShellError(f"text right after the closing quote of option {name!r}")
        else:
            following = _OPTION_MARK.search(body, start)
            end = following.start() if following is not None else len(body)
            value, pos = body[start:end].strip(), end
        if name in options:
            raise ShellError(f"option {name!r} given twice")
        options[name] = value
        while pos < len(body) and body[pos].isspace():
            pos += 1
    return path, options
