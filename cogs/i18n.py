"""The message catalog: every sentence the bot writes in Discord, in each language it speaks.

One YAML file per language in ``cogs/locales/`` (``en.yaml``, ``de.yaml``). A key is a dotted
path (``joke.footer``); a value is a string with named ``{placeholders}``, or a plural entry, a
mapping of ``one`` and ``other`` chosen by the ``count`` field. Two sections are not keyed that
way: ``errors`` maps the English template of a service's :class:`~bot.errors.UserError` (the
English lives in the service, which writes no markup) to its translation, and ``commands`` holds
the slash commands' names and descriptions for the :class:`CommandTranslator`.

A reply speaks the member's language (``interaction.locale``); a channel post speaks the server's
(``guild.preferred_locale``). Anything unknown falls back to English. Not an extension itself.
"""

from __future__ import annotations

import hashlib
import logging
import string
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import discord
import yaml
from discord import app_commands
from msgspec import Struct

from bot.errors import Code, Codes, Command, Mention, Option, Seconds, Term, UserError
from bot.members import FORMER_MEMBER
from bot.services.problems import SHOWN, FormProblem, FormProblems
from bot.wording import bullet_block
from bot.yaml_errors import SAFE_LOADER

log = logging.getLogger(__name__)

LOCALES = Path(__file__).parent / "locales"
LANGUAGES = ("en", "de")
DEFAULT = "en"
PLURAL_FORMS = frozenset({"one", "other"})
SECTIONS = ("errors", "commands")  # not dotted keys; see the module's docstring

Entry = str | dict[str, str]
MENTION_FORMATS = {"user": "<@{}>", "role": "<@&{}>", "channel": "<#{}>"}


def markup(value: object) -> str:
    """One field of a service's message as Discord shows it, in English (see :meth:`Messages.markup`)."""
    return english().markup(value)


def is_former_member(value: object) -> bool:
    return isinstance(value, Mention) and value.kind == "user" and value.id == FORMER_MEMBER


def plural_form(language: str, count: int) -> str:
    """English and German both say "1 Witz", "0 Witze", "2 Witze". A language with other rules
    adds its own here (CLDR's plural rules name the forms: zero, one, two, few, many, other)."""
    return "one" if count == 1 else "other"


def is_plural(value: object) -> bool:
    return isinstance(value, dict) and "other" in value and set(value) <= PLURAL_FORMS


def flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Entry]:
    """Nested mappings as dotted keys; a plural entry stays one value."""
    out: dict[str, Entry] = {}
    for key, value in table.items():
        if isinstance(key, bool):  # YAML 1.1 reads on/off/yes/no as booleans
            raise ValueError(f"{prefix}{key}: quote this key")
        name = f"{prefix}{key}"
        if is_plural(value) or isinstance(value, str):
            out[name] = value
        elif isinstance(value, dict):
            out.update(flatten(value, name + "."))
        else:
            raise ValueError(f"{name}: a message must be text or a mapping, not {type(value).__name__}")
    return out


def placeholders(text: str) -> frozenset[str]:
    """The named fields a message fills, such as ``{count}`` and ``{item}``."""
    return frozenset(name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(text) if name)


def entry_placeholders(entry: Entry) -> frozenset[str]:
    if isinstance(entry, str):
        return placeholders(entry)
    return frozenset().union(*(placeholders(text) for text in entry.values()))


class Language(Struct, frozen=True):
    """One language's file, read."""

    code: str
    messages: dict[str, Entry]
    errors: dict[str, str]
    commands: dict[str, Any]

    @classmethod
    def read(cls, path: Path) -> Language:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}
        sections = {name: raw.pop(name, None) or {} for name in SECTIONS}
        return cls(path.stem, flatten(raw), sections["errors"], sections["commands"])


@cache
def language(code: str) -> Language:
    return Language.read(LOCALES / f"{code}.yaml")


def language_of(locale: object) -> str:
    """The catalog language for a Discord locale ("de", "en-US", a :class:`discord.Locale`)."""
    value = locale.value if isinstance(locale, discord.Locale) else str(locale or "")
    code = value.split("-")[0].lower()
    return code if code in LANGUAGES else DEFAULT


class Messages:
    """The catalog in one language: ``t("joke.footer", id=3)``, ``t.error(exc)``."""

    def __init__(self, code: str) -> None:
        self.code = code
        self.table = language(code)
        self.english = language(DEFAULT)

    def __call__(self, key: str, /, **fields: object) -> str:
        entry = self.table.messages.get(key)
        if entry is None:
            entry = self.english.messages.get(key)
            if entry is None:
                raise KeyError(f"no message {key!r} in the catalog")
            log.warning("message %r has no %s translation", key, self.code)
        if isinstance(entry, dict):
            count = fields.get("count")
            form = plural_form(self.code, count if isinstance(count, int) else 0)
            entry = entry.get(form, entry["other"])
        return entry.format_map(fields) if fields else entry

    def knows(self, key: str) -> bool:
        return key in self.english.messages

    def word(self, key: str, default: str) -> str:
        """A word the catalog may not know: what a service stored as data (a status, an action) by
        ``key``, or ``default`` (the data itself) for a value added since."""
        entry = self.table.messages.get(key, self.english.messages.get(key))
        return entry if isinstance(entry, str) else default

    def permission(self, name: str) -> str:
        """A permission by discord.py's name for it (``manage_guild``), as the member's Discord client
        shows it ("Manage Server", "Server verwalten"); one the catalog lacks, in words from its name."""
        return self.word(f"permission.{name}", name.replace("_", " ").title())

    def mood_name(self, name: str) -> str:
        """A mood by the name this language gives it; a mood from a server's own moods file, which
        the catalog does not know, keeps its own name."""
        return self.word(f"mood_names.{name}", name)

    def mood_description(self, name: str, default: str) -> str:
        return self.word(f"mood_descriptions.{name}", default)

    def sentence(self, text: str) -> str:
        """A sentence a service wrote (its English is the key of the ``errors`` section), translated."""
        return self.table.errors.get(text, text)

    def error(self, error: UserError) -> str:
        """A service's error as the member reads it in Discord, in this language."""
        template = self.table.errors.get(error.template, error.template)
        if not error.fields:
            return template
        return template.format_map({name: self.markup(value) for name, value in error.fields.items()})

    def markup(self, value: object) -> str:
        """One field of a service's message as Discord shows it (mentions, commands, code; a member
        who deleted their data, by words), with commands, options and terms in this language."""
        if isinstance(value, Command):
            return f"`/{self.command_name(value.name)}`"
        if is_former_member(value):
            return self("member.former")
        if isinstance(value, Seconds):
            return self.duration(value.seconds)
        if isinstance(value, Option):
            name = self.option_name(value.command, value.name)
            return f"`{name}`" if value.value is None else f"`{name}: {value.value}`"
        if isinstance(value, Term):
            return self(f"term.{value.key}", **dict(value.values)) if self.knows(f"term.{value.key}") else value.english
        if isinstance(value, FormProblems):
            return self.form_problems(value)
        if isinstance(value, Mention):
            return MENTION_FORMATS[value.kind].format(value.id)
        if isinstance(value, Code):
            return f"`{value.text}`"
        if isinstance(value, Codes):
            return ", ".join(f"`{text}`" for text in value.texts)
        return str(value)

    def form_problems(self, problems: FormProblems) -> str:
        """Why a form cannot be stored, a bullet a line, in this language (``str()`` is the English)."""
        text = bullet_block(self.form_problem(line) for line in problems.lines[:SHOWN])
        more = len(problems.lines) - SHOWN
        return text + (f"\n{self('problem.more', count=more)}" if more > 0 else "")

    def form_problem(self, line: FormProblem) -> str:
        """One line: the field by the name the form gives it, then what is wrong with it."""
        problem = line.problem
        if not self.knows(f"problem.{problem.code}"):
            return str(line)
        # The code goes along as one more value so that a message without any is still formatted.
        message = self(f"problem.{problem.code}", code=problem.code, **dict(problem.values))
        if problem.point is not None:
            if problem.field is None:
                return f"{self('problem.at_point', point=problem.point)}: {message}"
            part = self.word(f"problem.part.{problem.field}", problem.field)
            return f"{self('problem.at_point_part', point=problem.point, part=part)}: {message}"
        field = line.field_key()
        if field is not None:
            place, name = field
            label = self(f"form.kept.{name}") if place == "kept" else self(f"form.{place}.{name}.name")
            return f"{label}: {message}"
        text = f"{problem.field}: {message}" if problem.field else message
        return text[:1].upper() + text[1:]

    def command_description(self, qualified: str, default: str) -> str:
        """A command's description as this language's members see it (``default``: its English)."""
        entry = self.table.commands.get(qualified)
        text = entry.get("description") if isinstance(entry, dict) else None
        return text if isinstance(text, str) else default

    def option_name(self, qualified: str, option: str) -> str:
        """An option of a command as this language's members see it ("daily pause" "from": "von")."""
        entry = self.table.commands.get(qualified)
        options = entry.get("options") if isinstance(entry, dict) else None
        pair = options.get(option) if isinstance(options, dict) else None
        return pair[0] if isinstance(pair, list) and pair and isinstance(pair[0], str) else option

    def command_name(self, qualified: str) -> str:
        """ "discussion past" as this language's members see it ("diskussion archiv")."""
        words = qualified.split()
        commands = self.table.commands
        shown = []
        for n in range(1, len(words) + 1):
            entry = commands.get(" ".join(words[:n]))
            name = entry.get("name") if isinstance(entry, dict) else None
            shown.append(name if isinstance(name, str) else words[n - 1])
        return " ".join(shown)

    def duration(self, seconds: int) -> str:
        """A wait or a cooldown in words: "1 second", "45 seconds", "2 minutes", "off" for 0."""
        if seconds == 0:
            return self("time.off")
        if seconds % 60 == 0:
            return self("time.minutes", count=seconds // 60)
        return self("time.seconds", count=seconds)

    def long_date(self, day: date) -> str:
        """A day in full: "Saturday 14 March 2026", "Samstag, 14. März 2026"."""
        return self("date.long", weekday=self(f"date.weekdays.{day.weekday()}"), day=day.day,
                    month=self(f"date.months.{day.month}"), year=day.year)

    def short_date(self, day: date) -> str:
        """A day in short: "Sat 14 Mar 2026", "Sa., 14. März 2026"."""
        return self("date.short", weekday=self(f"date.weekdays_short.{day.weekday()}"), day=day.day,
                    month=self(f"date.months_short.{day.month}"), year=day.year)

    def day_and_month(self, day: date) -> str:
        """A day without its year: "Saturday 14 March", "Samstag, 14. März"."""
        return self("date.day_month", weekday=self(f"date.weekdays.{day.weekday()}"), day=day.day,
                    month=self(f"date.months.{day.month}"))


@cache
def messages(code: str) -> Messages:
    return Messages(code if code in LANGUAGES else DEFAULT)


def tr(interaction: discord.Interaction) -> Messages:
    """The catalog in the language of the member who acted (their Discord client's)."""
    return messages(language_of(interaction.locale))


def tr_guild(guild: discord.Guild | None) -> Messages:
    """The catalog in a server's language (its preferred locale), for posts everyone reads."""
    return messages(language_of(guild.preferred_locale) if guild is not None else DEFAULT)


def english() -> Messages:
    return messages(DEFAULT)


class CommandTranslator(app_commands.Translator):
    """Names and descriptions of the slash commands, their options and choices, from the
    ``commands`` section of each language's file. English is what the code says, so only the
    other languages are looked up; a name without a translation stays English."""

    def fingerprint(self) -> str:
        """A hash of everything a translation follows from: the other languages' files and this
        module's code. The bot hashes this beside the untranslated commands to tell whether a sync
        is due, rather than asking :meth:`translate` for every string in each of Discord's 30-odd
        locales (13,000 calls, a tenth of a second of each start-up). The files are hashed as they
        are, not read as YAML (15 ms): an edit to a reply's wording then syncs the commands once
        more, which costs nothing but the sync."""
        digest = hashlib.sha256(Path(__file__).read_bytes())
        for code in LANGUAGES:
            if code != DEFAULT:
                digest.update(f"\0{code}\0".encode() + (LOCALES / f"{code}.yaml").read_bytes())
        return digest.hexdigest()

    async def translate(self, string: app_commands.locale_str, locale: discord.Locale,
                        context: app_commands.TranslationContext[Any, Any]) -> str | None:
        code = language_of(locale)
        if code == DEFAULT or locale.value.split("-")[0].lower() != code:
            return None
        return command_text(code, context.location, context.data, string.message)


def command_text(code: str, where: app_commands.TranslationContextLocation, data: object, message: str) -> str | None:
    """One translated name or description; see ``commands`` in ``de.yaml`` for the shape."""
    commands = language(code).commands
    loc = app_commands.TranslationContextLocation
    if where is loc.choice_name:
        choices = commands.get("choices") or {}
        value = choices.get(message)
        return value if isinstance(value, str) else None
    if where in (loc.parameter_name, loc.parameter_description):
        assert isinstance(data, app_commands.Parameter)
        # By the name Discord shows (after @app_commands.rename), as de.yaml lists them.
        entry = (commands.get(data.command.qualified_name) or {}).get("options", {}).get(data.display_name)
        index = 0 if where is loc.parameter_name else 1
        return entry[index] if isinstance(entry, list) and len(entry) == 2 else None
    if where in (loc.command_name, loc.command_description, loc.group_name, loc.group_description):
        assert isinstance(data, app_commands.Command | app_commands.Group | app_commands.ContextMenu)
        entry = commands.get(data.qualified_name if not isinstance(data, app_commands.ContextMenu) else data.name)
        field = "name" if where in (loc.command_name, loc.group_name) else "description"
        value = entry.get(field) if isinstance(entry, dict) else None
        return value if isinstance(value, str) else None
    return None
