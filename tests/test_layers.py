"""The architecture holds: only the bot class and the entry point in bot/ import discord.

The local Discord (``discord_emulator``) counts as discord here: the core and the services must
not know it either. Only Banter's binding to it, ``bot/sandbox/``, may import it.
"""

from __future__ import annotations

import ast
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
# Besides the repositories: the database file itself (connections and migrations, and its backup
# and restore, which copy and inspect whole files rather than query rows).
SQL_HOMES = {ROOT / "bot" / "db.py", ROOT / "bot" / "storage" / "backup.py"}


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
        if path not in SQL_HOMES and (ROOT / "bot" / "repositories") not in path.parents
        for line in runs_sql(path)
    ]
    assert offenders == []
