"""The message catalog (cogs/locales/): every language has every key with the same fields, every key
a cog uses exists, and every sentence a service can raise or hand a cog has a German translation."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.errors import Command, Mention, UserError
from cogs.i18n import LANGUAGES, Messages, entry_placeholders, language, language_of, messages, placeholders

ROOT = Path(__file__).resolve().parent.parent
# Sentences the services hand a cog as they are (not inside a UserError call), by constant name.
SENTENCE_CONSTANTS = ("NOT_A_MODERATOR", "REPORTED_ALREADY", "CRISIS_REPLY", "OTHER_LANGUAGE_REPLY")
# UserErrors whose text is built from parts, each named with why. Only English for now.
BUILT = {
    ("bot/services/moderation/text.py", "_refuse"): "lists a pack's validation problems, which are English data",
    ("cogs/errors.py", "message_for"): "a check's own text: NOT_A_MODERATOR, which is translated as a constant",
    ("bot/services/daily/notes.py", "user_error"): "a UserError raised before, rebuilt from the daily ledger's note",
}
# The web site speaks English only; its API's and dashboard's errors are not Discord replies.
ENGLISH_ONLY = ("bot/services/catalog.py", "bot/services/bot_link.py")


def sources(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def module_strings(tree: ast.Module) -> dict[str, list[str]]:
    """Module-level names bound to a string, or to a dict of strings (its values)."""
    out: dict[str, list[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            values = strings(node.value, {})
            if values is not None:
                out[node.targets[0].id] = values
    return out


def strings(node: ast.expr, names: dict[str, list[str]]) -> list[str] | None:
    """Every text ``node`` can be, when that is known from the source; None when it is built."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        a, b = strings(node.body, names), strings(node.orelse, names)
        return a + b if a is not None and b is not None else None
    if isinstance(node, ast.Dict):
        found = [strings(v, names) for v in node.values]
        return [s for f in found if f for s in f] if all(f is not None for f in found) else None
    if isinstance(node, ast.Name):
        return names.get(node.id)
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        return names.get(node.value.id)
    return None


def error_classes(trees: list[ast.Module]) -> tuple[set[str], set[str]]:
    """UserError and its subclasses, by name: those called with a template as UserError is, and
    those that build it in their own ``__init__`` (whose ``super().__init__`` is read instead)."""
    plain: set[str] = {"UserError"}
    own: set[str] = set()
    grew = True
    while grew:
        grew = False
        for tree in trees:
            for node in ast.walk(tree):
                if (isinstance(node, ast.ClassDef) and node.name not in plain | own
                        and any(isinstance(b, ast.Name) and b.id in plain | own for b in node.bases)):
                    inits = any(isinstance(f, ast.FunctionDef) and f.name == "__init__" for f in node.body)
                    (own if inits else plain).add(node.name)
                    grew = True
    return plain, own


def template_calls(tree: ast.Module, plain: set[str], own: set[str]) -> list[ast.Call]:
    """Every call that hands a UserError its template: ``UserError(...)``, a subclass called the same
    way, and ``super().__init__(...)`` inside a subclass that builds its own."""
    calls = [n for n in ast.walk(tree)
             if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in plain]
    for cls in ast.walk(tree):
        if isinstance(cls, ast.ClassDef) and cls.name in own:
            calls += [n for n in ast.walk(cls) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                      and n.func.attr == "__init__" and isinstance(n.func.value, ast.Call)
                      and isinstance(n.func.value.func, ast.Name) and n.func.value.func.id == "super"]
    return calls


def service_sentences() -> tuple[set[str], list[str]]:
    """The templates of every UserError raised in bot/ and cogs/, and the sentence constants; and
    the places whose text cannot be read from the source."""
    trees = {p: ast.parse(p.read_text(encoding="utf-8")) for p in sources("bot", "cogs")}
    plain, own = error_classes(list(trees.values()))
    shared: dict[str, list[str]] = {}
    for tree in trees.values():
        shared.update({k: v for k, v in module_strings(tree).items() if k in SENTENCE_CONSTANTS})
    found = {s for name in SENTENCE_CONSTANTS for s in shared[name]}
    unknown = []
    for path, tree in trees.items():
        rel = path.relative_to(ROOT).as_posix()
        if rel in ENGLISH_ONLY:
            continue
        names = {**shared, **module_strings(tree)}
        functions = {n: f.name for f in ast.walk(tree) if isinstance(f, ast.FunctionDef) for n in ast.walk(f)}
        for node in template_calls(tree, plain, own):
            texts = strings(node.args[0], names) if node.args else None
            if texts is None:
                if (rel, functions.get(node, "")) not in BUILT:
                    unknown.append(f"{rel}:{node.lineno}")
            else:
                found.update(texts)
    return found, unknown


def used_keys() -> set[str]:
    """Keys the cogs pass to a catalog as plain strings: ``t("joke.footer")``."""
    keys = set()
    for path in sources("cogs"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if ((isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "t")
                    or (isinstance(node, ast.Call) and isinstance(node.func, ast.Call))):
                if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                    keys.add(node.args[0].value)
    return keys


def test_every_language_has_every_key_with_the_same_fields() -> None:
    english = language("en").messages
    assert len(english) > 100
    for code in LANGUAGES:
        table = language(code).messages
        assert sorted(set(english) - set(table)) == [], f"{code} lacks these keys"
        assert sorted(set(table) - set(english)) == [], f"{code} has keys English does not"
        for key, entry in english.items():
            assert entry_placeholders(table[key]) == entry_placeholders(entry), f"{code}: {key}"
            assert isinstance(table[key], str) == isinstance(entry, str), f"{code}: {key} plural in one only"


def test_every_key_a_cog_uses_exists() -> None:
    keys = used_keys()
    assert "item.report" in keys and "daily.status.title" in keys  # the scan sees the cogs' calls
    assert sorted(k for k in keys if k not in language("en").messages) == []


def test_every_service_sentence_is_translated_with_the_same_fields() -> None:
    found, unknown = service_sentences()
    assert unknown == [], "a UserError whose text is built cannot be translated: give it a template and fields"
    assert "There is no item #{id} in this server." in found and "Nothing changed." in found
    for code in LANGUAGES:
        if code == "en":
            continue
        errors = language(code).errors
        assert sorted(found - set(errors)) == [], f"{code} lacks these sentences"
        assert sorted(set(errors) - found) == [], f"{code} translates sentences no service says any more"
        for english, translated in errors.items():
            assert placeholders(translated) == placeholders(english), english


def test_command_translations_fit_discord() -> None:
    commands = language("de").commands
    for name, entry in commands.items():
        if name == "choices":
            continue
        assert entry["name"] == entry["name"].lower() and len(entry["name"]) <= 32, name
        assert 1 <= len(entry["description"]) <= 100, name
        for option, pair in (entry.get("options") or {}).items():
            assert isinstance(option, str), f"{name}: YAML read {option!r} as a {type(option).__name__}: quote it"
            assert isinstance(pair, list) and len(pair) == 2, f"{name} {option}: [name, description]"
            assert pair[0] == pair[0].lower() and 1 <= len(pair[1]) <= 100, f"{name} {option}"


@pytest.mark.parametrize(("locale", "code"), [("de", "de"), ("en-US", "en"), ("en-GB", "en"), ("fr", "en"),
                                               (None, "en")])
def test_a_locale_picks_its_language(locale: str | None, code: str) -> None:
    assert language_of(locale) == code


def test_plurals_fields_and_errors_render_in_each_language() -> None:
    de, en = messages("de"), messages("en")
    assert isinstance(de, Messages)
    assert en("archive.topics", count=1) == "1 topic" and en("archive.topics", count=3) == "3 topics"
    assert de("archive.topics", count=1) == "1 Thema" and de("archive.topics", count=0) == "0 Themen"
    error = UserError("You cannot post in {channel} yourself, so you cannot schedule posts there (you need the "
                      "View Channel and Send Messages permissions there). Nothing was saved.",
                      channel=Mention("channel", 5))
    assert en.error(error).startswith("You cannot post in <#5> yourself")
    assert de.error(error).startswith("Du kannst in <#5> selbst nicht posten")
    with pytest.raises(KeyError):
        en("no.such.key")
    # A command named in a message is the one the member types.
    setup = UserError("There is no daily post here yet: set one up with {command}.", command=Command("daily set"))
    assert en.error(setup).endswith("`/daily set`.") and de.error(setup).endswith("`/täglich einrichten` ein.")
