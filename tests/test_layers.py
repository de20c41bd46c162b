"""The architecture holds: only the bot class and the entry point in bot/ import discord.

The local Discord (``discord_emulator``) counts as discord here: the core and the services must
not know it either. Only Banter's binding to it, ``bot/sandbox/``, may import it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALLOWED = {ROOT / "bot" / "bot.py", ROOT / "bot" / "__main__.py", ROOT / "bot" / "launcher.py"}
# Banter on the emulator: it starts the real bot through the launcher, so it sits beside it.
BINDING = ROOT / "bot" / "sandbox"
DISCORD = {"discord", "discord_emulator"}


def imports_discord(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] in DISCORD for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and not node.level and (node.module or "").split(".")[0] in DISCORD:
            return True
    return False


def test_core_and_services_do_not_import_discord() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "bot").rglob("*.py")
        if path not in ALLOWED and BINDING not in path.parents and imports_discord(path)
    ]
    assert offenders == []


def test_the_check_sees_the_emulator_as_discord() -> None:
    assert imports_discord(BINDING / "app.py")


SQL_CALLS = {"execute", "executemany", "executescript", "execute_fetchall", "fetch_all", "fetch_one", "scalar",
             "write"}
# A backend holds all of it: its repositories, its connections and migrations, its backup and
# restore. The rest of the project speaks to the storage seam (bot/storage/__init__.py).
SQL_HOMES = (ROOT / "bot" / "storage" / "sqlite", ROOT / "bot" / "storage" / "postgres")


def runs_sql(path: Path) -> list[int]:
    """Lines where a file calls a database method or holds an SQL statement in a string."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SQL_CALLS:
            lines.append(node.lineno)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            words = node.value.upper().split()
            if words[:1] in (["SELECT"], ["INSERT"], ["UPDATE"], ["DELETE"]) and len(words) > 2:
                lines.append(node.lineno)
    return lines


def test_sql_lives_in_repositories_and_migrations() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for folder in (ROOT / "bot", ROOT / "cogs")
        for path in folder.rglob("*.py")
        if not any(home in path.parents for home in SQL_HOMES)
        for line in runs_sql(path)
    ]
    assert offenders == []


# Discord markup a service or repository must not write: mentions (<@id>, <@&id>, <#id>), timestamps
# (<t:...>), inline code and command names in backticks (`/daily set`), and markdown (**bold**,
# ||spoiler||). Services say who and what as data; the cogs render it (cogs/render.py).
MARKUP = re.compile(r"<@|<#|<t:|`[^`\s][^`\n]*`|\*\*\S|\S\*\*|\|\|")
MARKUP_FREE = (ROOT / "bot" / "services", ROOT / "bot" / "storage")


def _not_written(tree: ast.AST) -> set[int]:
    """The ids of string constants that are not text the code writes: docstrings (prose about the
    code) and operands of comparisons (``"||" in text`` looks for markup in what someone typed)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
        elif isinstance(node, ast.Compare):
            found.update(id(operand) for operand in (node.left, *node.comparators) if isinstance(operand, ast.Constant))
    return found


def writes_markup(path: Path) -> list[int]:
    """Lines where a string literal (f-strings included) holds Discord markup."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _not_written(tree)
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            # An f-string's literal parts, joined with a stand-in for each value, so that markup
            # around a value (f"<@{user}>", f"**{name}**") is still seen.
            text = "".join(p.value if isinstance(p, ast.Constant) and isinstance(p.value, str) else "0"
                           for p in node.values)
            if MARKUP.search(text):
                lines.append(node.lineno)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            if MARKUP.search(node.value):
                lines.append(node.lineno)
    return sorted(set(lines))


def test_services_and_repositories_write_no_discord_markup() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for folder in MARKUP_FREE
        for path in sorted(folder.rglob("*.py"))
        for line in writes_markup(path)
    ]
    assert offenders == [], "render mentions, markdown and command names in the cogs"


def test_the_markup_check_sees_markup(tmp_path: Path) -> None:
    source = ('''"""A docstring may say `/daily set` and **bold**."""\n'''
              '''a = f"by <@{user}>"\nb = "see `/content restore`"\nc = f"**{name}**"\nd = "||x||"\n'''
              '''e = "|" in text\nf = "plain words, #3 and 4 * 5"\n''')
    path = tmp_path / "sample.py"
    path.write_text(source, encoding="utf-8")
    assert writes_markup(path) == [2, 3, 4, 5]


def reaches_past_the_services(path: Path) -> list[int]:
    """Lines where an edge reaches for the storage (``core.storage``) or a repository instead of
    calling a service."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr == "storage":
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(("bot.repositories", "bot.storage",
                                                                                   "bot.storage.sqlite.database")):
            lines.append(node.lineno)
    return lines


def test_cogs_speak_only_to_services() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in sorted((ROOT / "cogs").rglob("*.py"))
        for line in reaches_past_the_services(path)
    ]
    assert offenders == [], "a cog calls a service of the Core; the storage is the services' business"


def test_services_know_the_storage_seam_not_a_backend() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in sorted((ROOT / "bot" / "services").rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("bot.storage.")
    ]
    assert offenders == [], "services import bot.storage (the seam) and bot.records, never a backend"


# Production code stays in pieces a newcomer can hold (the emulator's own test says the same of it).
PRODUCTION = ("bot", "cogs", "web", "discord_emulator")
MAX_LINES = 400


def test_no_production_module_is_over_400_lines() -> None:
    sizes = {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for package in PRODUCTION
        for path in (ROOT / package).rglob("*.py")
    }
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}
