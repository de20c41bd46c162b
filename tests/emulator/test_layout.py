"""The emulator's code stays in pieces a reader can hold: small modules that use one another
only through their public names."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "discord_emulator"
MAX_LINES = 400


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_no_module_is_over_400_lines() -> None:
    sizes = {str(p.relative_to(PACKAGE)): len(p.read_text("utf-8").splitlines()) for p in modules()}
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}


def test_no_module_reaches_into_another_ones_private_names() -> None:
    """``_name`` is private to its module: other modules neither import it nor use it on an
    object (``self._x`` inside a class is the class's own business)."""
    offenders = []
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            where = f"{path.relative_to(PACKAGE)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.ImportFrom) and node.level:
                offenders += [f"{where} imports {a.name}" for a in node.names if a.name.startswith("_")]
            elif isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
                if not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
                    offenders.append(f"{where} uses {ast.unparse(node)}")
    assert offenders == []
