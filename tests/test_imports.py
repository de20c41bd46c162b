"""The project's modules import one another in one direction only: no circle, however hidden.

Imports are read statically with ``ast``, so every import counts as an edge: at module level,
inside functions (a "lazy" import defers a cycle, it does not remove it) and under
``TYPE_CHECKING`` (a type is a dependency too; a module that must name a type from a module
above it belongs lower down, or the type does).

An import names a module: ``import a.b`` and ``from a.b import c`` point at ``a.b``, unless
``a.b.c`` is itself a module of the project, in which case they point at that. A package's
``__init__`` being run first when one of its submodules is imported is Python's doing, not a
dependency the code chose, so it is not counted; importing the package by name is.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "cogs", "discord_emulator", "bench")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    return {module_name(path): path for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))}


def imported_names(path: Path, module: str) -> Iterator[str]:
    """Every dotted name ``path`` imports, relative imports made absolute; for ``from x import
    y`` that is ``x.y``, which resolves to ``x`` unless ``y`` is a submodule."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                if not is_package:
                    base.pop()
                base = base[: len(base) - (node.level - 1)]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            for alias in node.names:
                yield f"{source}.{alias.name}"


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for target in imported_names(path, name):
            # The longest prefix of the imported name that is a project module.
            parts = target.split(".")
            while parts and ".".join(parts) not in modules:
                parts.pop()
            found = ".".join(parts)
            if found and found != name:
                graph[name].add(found)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def describe(component: list[str], graph: dict[str, set[str]]) -> str:
    inside = set(component)
    edges = [f"{a} -> {b}" for a in component for b in sorted(graph[a] & inside)]
    return "circle of " + ", ".join(component) + ":\n    " + "\n    ".join(edges)


def test_the_finder_sees_a_circle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_relative_imports_resolve_to_project_modules() -> None:
    graph = import_graph()
    assert "discord_emulator.world" in graph["discord_emulator.payloads"]
    assert "bot.launcher" in graph["bot.sandbox.app"]


def test_no_import_circles() -> None:
    graph = import_graph()
    found = cycles(graph)
    assert not found, "import circles:\n  " + "\n  ".join(describe(c, graph) for c in found)


def test_the_emulator_stands_alone() -> None:
    """discord_emulator is a library for any discord.py project: nothing of Banter's in it."""
    offenders = []
    for name, path in project_modules().items():
        if not name.startswith("discord_emulator"):
            continue
        for target in imported_names(path, name):
            if target.split(".")[0] in ("bot", "cogs", "content", "bench", "tests"):
                offenders.append(f"{path.relative_to(ROOT)}: {target}")
    assert offenders == []
