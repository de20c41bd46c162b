"""Turning a YAML parser error into words for the person who wrote the file.

Both the config file and the content packs are YAML; both report a syntax error the same way:
the line where the parser gave up, its reason, and where the construct it was reading began
(an unclosed ``[`` is found at the end of the file but was opened much earlier). All of them are
read with :data:`SAFE_LOADER`.
"""

from __future__ import annotations

import yaml
from msgspec import Struct

# libyaml's safe loader where PyYAML was built with it (its wheels are): the same documents and
# errors, read in C, where yaml.safe_load would read them in Python.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlProblem(Struct, frozen=True):
    line: int | None  # 1-based; None when the parser gave no position
    reason: str

    def where(self) -> str:
        return f"line {self.line}" if self.line is not None else "file"


def yaml_problem(exc: yaml.YAMLError) -> YamlProblem:
    if not isinstance(exc, yaml.MarkedYAMLError):
        return YamlProblem(None, str(exc).strip() or type(exc).__name__)
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else None
    reason = (exc.problem or "").strip() or "unreadable"
    if exc.context:
        started = exc.context_mark
        reason += f" ({exc.context}"
        if started is not None and started.line + 1 != line:
            reason += f" started at line {started.line + 1}"
        reason += ")"
    return YamlProblem(line, reason)
