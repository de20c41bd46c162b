"""The message catalog (cogs/locales/): every language has every key with the same fields, every key
a cog uses exists, and every sentence a service can raise or hand a cog has a German translation."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from msgspec.structs import replace

from bot.errors import Command, Mention, Term, UserError
from bot.models import Item, JokeBody, Kind
from bot.services.daily import Note, decode_note
from bot.services.daily.notes import ENGLISH as NOTE_ENGLISH
from bot.services.daily.notes import note_english
from bot.services.moderation.access import item_label, suggestion_label
from bot.services.moderation.text import NewCategories
from bot.services.packs import load_moods
from bot.services.picker import counted, kind_word
from bot.services.problems import ENGLISH as PROBLEM_ENGLISH
from bot.services.problems import FormProblem, FormProblems, Problem
from cogs.daily_render import note_text
from cogs.i18n import LANGUAGES, Messages, entry_placeholders, language, language_of, messages, placeholders
from tests.support import found

ROOT = Path(__file__).resolve().parent.parent
# Sentences the services hand a cog as they are (not inside a UserError call), by constant name.
SENTENCE_CONSTANTS = ("NOT_A_MODERATOR", "REPORTED_ALREADY", "CRISIS_REPLY", "OTHER_LANGUAGE_REPLY")
# UserErrors whose text is built from parts, each named with why. Only English for now.
BUILT = {
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


SENTENCE = re.compile(r"[A-Za-z]{2,}[,.:;!?]?\s+[A-Za-z]{2,}")  # two words: something a person reads
# Calls whose text is not a reply: logging, what the catalog's commands section translates (option
# descriptions, renames, choices), a command's name, something to type, and errors meant for the developer.
NOT_REPLIES = {"describe", "rename", "Choice", "Command", "command_name", "Code", "Codes", "Option",
               "ValueError", "KeyError", "TypeError", "RuntimeError"}
# English in the cogs that no member reads in a reply, each with why.
NOT_SHOWN = {
    "The schedule's number, as /daily status shows it (start typing to choose)":
        "an option's description: the commands section of each catalog translates it",
    "every day": "the days option's default, read by the service, never shown",
}


def english_in_cogs() -> list[str]:
    """String literals of the cogs that read as English words, outside what the catalogs, the
    service-sentence test and NOT_SHOWN account for: a sentence written there reaches a member in
    English whatever their language."""
    translated = set(language("de").errors)
    out = []
    for path in sources("cogs"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip: set[int] = set()
        for node in ast.walk(tree):
            body = getattr(node, "body", None)
            if (isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and body
                    and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)):
                skip.add(id(body[0].value))  # a docstring
            if isinstance(node, ast.arguments):
                skip.update(id(d) for d in (*node.defaults, *node.kw_defaults) if d is not None)
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
                logged = isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "log"
                if logged or name in NOT_REPLIES:
                    skip.update(id(sub) for sub in ast.walk(node))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
                    and SENTENCE.search(node.value) and node.value not in translated and node.value not in NOT_SHOWN):
                out.append(f"{path.relative_to(ROOT).as_posix()}:{node.lineno}: {node.value!r}")
    return out


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


def test_the_cogs_write_no_english_outside_the_catalog() -> None:
    """Every word a member reads in Discord comes from a catalog (or is a service's sentence the
    catalogs translate): an English literal in a cog is a reply German members would read in English."""
    assert english_in_cogs() == []


def built_keys() -> set[str]:
    """The fixed start of keys the cogs build: ``t(f"content.not_shown.{code}")`` gives ``content.not_shown.``."""
    prefixes = set()
    for path in sources("cogs"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "t" and node.args
                    and isinstance(node.args[0], ast.JoinedStr) and node.args[0].values
                    and isinstance(node.args[0].values[0], ast.Constant)):
                prefixes.add(str(node.args[0].values[0].value))
    return prefixes


def test_every_key_a_cog_builds_has_entries() -> None:
    prefixes = built_keys()
    assert "content.not_shown." in prefixes and "daily.note." in prefixes  # the scan sees them
    english = language("en").messages
    assert sorted(p for p in prefixes if not any(key.startswith(p) for key in english)) == []


def term_keys() -> tuple[set[str], set[str]]:
    """The keys of every Term in bot/ and cogs/: those written out, and the fixed start of those built
    (``Term(f"counted.{kind}", ...)`` gives ``counted.``)."""
    keys, prefixes = set(), set()
    for path in sources("bot", "cogs"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Term" and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    keys.add(first.value)
                elif isinstance(first, ast.JoinedStr) and first.values and isinstance(first.values[0], ast.Constant):
                    prefixes.add(str(first.values[0].value))
                else:
                    keys.add(f"<built at {path.name}:{node.lineno}>")
    return keys, prefixes


def test_every_term_a_service_passes_is_in_the_catalog_and_reads_as_the_service_writes_it() -> None:
    keys, prefixes = term_keys()
    assert "none_yet" in keys and "counted." in prefixes  # the scan sees them
    english = language("en").messages
    assert sorted(k for k in keys if f"term.{k}" not in english) == []
    assert sorted(p for p in prefixes if not any(k.startswith(f"term.{p}") for k in english)) == []
    joke = Item(id=4, kind="joke", key="k", guild_id=None, origin="", status="active", body=JokeBody(text="x"),
                categories=(), moods=(), flags=frozenset(), language="en", credit="", up=0, down=0)
    samples = [counted(1, "joke"), counted(3, "discussion"), kind_word("joke"), kind_word("discussion"),
               suggestion_label(7), item_label(joke), item_label(replace(joke, kind="discussion")),
               NewCategories("joke", ("robots",), (), confirmable=True).fields["what"],
               NewCategories("discussion", ("a", "b"), (), confirmable=False).fields["what"]]
    en, de = messages("en"), messages("de")
    for term in samples:
        assert isinstance(term, Term) and en.markup(term) == term.english, term
        assert de.markup(term) != term.english, f"{term} has no German"
    assert de.markup(counted(3, "joke")) == "3 Witze" and de.markup(item_label(joke)) == "Witz #4"


def test_every_shipped_mood_has_a_name_and_a_description_in_each_language() -> None:
    moods = load_moods()
    assert len(moods) >= 5
    for code in LANGUAGES:
        table = language(code).messages
        assert sorted(m.name for m in moods if f"mood_names.{m.name}" not in table) == [], code
        assert sorted(m.name for m in moods if f"mood_descriptions.{m.name}" not in table) == [], code
    en, de = messages("en"), messages("de")
    for mood in moods:  # English says what content/moods.yaml says
        assert en.mood_name(mood.name) == mood.name and en.mood_description(mood.name, "") == mood.description
    assert de.mood_name("tired") == "müde" and de.mood_name("a-servers-own-mood") == "a-servers-own-mood"


def test_every_daily_note_has_words_in_each_language_and_english_reads_as_the_service_writes_it() -> None:
    values = {"hours": 2, "minutes": 5, "window": 60, "channel": Mention("channel", 9), "detail": "Missing Access",
              "post_now": Command("daily post-now"), "command": Command("daily set"), "status": 503,
              "error": "TimeoutError", "attempts": 3, "cause": Note("server-error", {"status": 503})}
    en, de = messages("en"), messages("de")
    for code in NOTE_ENGLISH:
        note = Note(code, {name: values[name] for name in placeholders(NOTE_ENGLISH[code]) | {"attempts"}
                           if name in values})
        assert note_text(en, note) == note_english(note, en.markup), code
        assert note_text(de, note) != note_text(en, note), f"{code} has no German"
    stored = Note("gave-up", {"attempts": 3, "cause": Note("forbidden", values)}).encode()
    shown = note_text(de, found(decode_note(stored), "the note"))
    assert shown.startswith("Discord ist immer wieder gescheitert (3 Versuche): Ich darf in <#9> nicht posten")
    assert "`/täglich jetzt-posten`" in shown
    old = "Words stored before notes were data."
    assert note_text(de, found(decode_note(old), "the note")) == old


def problem_values(code: str, count: int) -> tuple[tuple[str, int | str], ...]:
    """Values for every placeholder a problem's English has, with ``count`` for its plural."""
    text = PROBLEM_ENGLISH[code]
    names = set().union(*(placeholders(t) for t in (text if isinstance(text, tuple) else (text,))))
    return tuple((name, count if name in ("count", "line", "most") else f"'{name}-value'") for name in sorted(names))


@pytest.mark.parametrize("count", [1, 7])
def test_every_content_problem_has_words_in_each_language_and_english_reads_as_check_content_writes_it(
        count: int) -> None:
    en, de = messages("en"), messages("de")
    for code in PROBLEM_ENGLISH:
        where: tuple[tuple[Kind, str | None, int | None], ...] = (
            ("joke", None, None), ("joke", "punchline", None), ("discussion", "moods", None), ("discussion", "text", 2),
            ("joke", "setup", None), ("joke", "id", None))
        for kind, field, point in where:
            line = FormProblem(kind, Problem(code, problem_values(code, count), field, point))
            assert en.knows(f"problem.{code}"), code
            assert en.form_problem(line) == str(line), (code, field)
            assert de.form_problem(line) != en.form_problem(line), f"{code} has no German"
            assert "{" not in de.form_problem(line) or code == "points_not_list", code
    many = FormProblems(tuple(FormProblem("joke", Problem("empty", field="joke")) for _ in range(10 + count)))
    error = UserError("That cannot be stored:\n{problems}", problems=many)
    assert en.error(error) == str(error) and str(error).endswith(f"…and {count} more")
    assert de.error(error).startswith("Das kann ich so nicht speichern:\n• Witz: darf nicht leer sein\n")
    assert de.error(error).endswith(f"…und {count} weitere{'s' if count == 1 else ''}")
