"""The architecture holds: only the bot class and the entry point in bot/ import discord."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALLOWED = {ROOT / "bot" / "bot.py", ROOT / "bot" / "__main__.py", ROOT / "bot" / "launcher.py"}
# The emulator stands in for Discord itself; it is not part of the bot's core.
EXEMPT_DIRS = {ROOT / "bot" / "sandbox"}


def imports_discord(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "discord" for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "discord":
            return True
    return False


def test_core_and_services_do_not_import_discord() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "bot").rglob("*.py")
        if path not in ALLOWED and not any(d in path.parents for d in EXEMPT_DIRS) and imports_discord(path)
    ]
    assert offenders == []


def test_sql_lives_in_repositories_and_migrations() -> None:
    offenders = []
    for folder in (ROOT / "cogs", ROOT / "bot" / "services"):
        for path in folder.rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if any(word in text for word in ("SELECT ", "INSERT ", "UPDATE ", "DELETE FROM")):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
