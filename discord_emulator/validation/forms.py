"""Discord's server-side limits for modals, autocomplete choices and application commands
(the message limits and the 50035 error shape are in :mod:`.messages`)."""

from __future__ import annotations

import logging
import re
from typing import Any

from .messages import CUSTOM_ID_MAX, FormErrors, Path, check_custom_id, check_select, str_len

log = logging.getLogger(__name__)

COMMAND_NAME_RE = re.compile(r"^[-_'\w]{1,32}$")


# -- modals -----------------------------------------------------------------------------------


def check_modal(data: Any, errors: FormErrors) -> None:
    prefix: Path = ("data",)
    if not isinstance(data, dict):
        errors.required(prefix)
        return
    title = data.get("title")
    if not title:
        errors.required((*prefix, "title"))
    elif len(title) > 45:
        errors.too_long((*prefix, "title"), 45)
    custom_id = data.get("custom_id")
    if not custom_id:
        errors.required((*prefix, "custom_id"))
    elif len(custom_id) > CUSTOM_ID_MAX:
        errors.too_long((*prefix, "custom_id"), CUSTOM_ID_MAX)
    components = data.get("components")
    if not isinstance(components, list) or not 1 <= len(components) <= 5:
        errors.add((*prefix, "components"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.")
        return
    seen: dict[str, Path] = {}
    for i, comp in enumerate(components):
        path = (*prefix, "components", i)
        kind = comp.get("type") if isinstance(comp, dict) else None
        if kind == 1:  # legacy: an action row holding exactly one text input (label on the input)
            children = comp.get("components") or []
            if len(children) != 1 or children[0].get("type") != 4:
                errors.add((*path, "components"), "BASE_TYPE_BAD_LENGTH", "Must be 1 in length.")
                continue
            _check_text_input(children[0], (*path, "components", 0), errors, seen, needs_label=True)
        elif kind == 18:  # Label wrapping one interactive component
            label = comp.get("label")
            if not label:
                errors.required((*path, "label"))
            elif len(label) > 45:
                errors.too_long((*path, "label"), 45)
            if str_len(comp.get("description")) > 100:
                errors.too_long((*path, "description"), 100)
            inner = comp.get("component")
            if not isinstance(inner, dict):
                errors.required((*path, "component"))
            elif inner.get("type") == 4:
                _check_text_input(inner, (*path, "component"), errors, seen, needs_label=False)
            elif inner.get("type") in (3, 5, 6, 7, 8):
                check_select(inner, (*path, "component"), errors, seen)
            else:
                check_custom_id(inner, (*path, "component"), errors, seen)
        elif kind == 10:
            if not comp.get("content"):
                errors.required((*path, "content"))
        else:
            errors.add((*path, "type"), "UNION_TYPE_CHOICES", 'Value of field "type" must be one of (1, 10, 18).')


def _check_text_input(
    comp: dict[str, Any], path: Path, errors: FormErrors, seen: dict[str, Path], *, needs_label: bool
) -> None:
    check_custom_id(comp, path, errors, seen)
    if comp.get("style") not in (1, 2):
        errors.add((*path, "style"), "BASE_TYPE_CHOICES", "Value must be one of {1, 2}.")
    label = comp.get("label")
    if needs_label and not label:
        errors.required((*path, "label"))
    elif label and len(label) > 45:
        errors.too_long((*path, "label"), 45)
    min_length, max_length = comp.get("min_length"), comp.get("max_length")
    if min_length is not None and not 0 <= min_length <= 4000:
        errors.add((*path, "min_length"), "NUMBER_TYPE_MAX", "int value should be <= 4000 and >= 0.")
    if max_length is not None and not 1 <= max_length <= 4000:
        errors.add((*path, "max_length"), "NUMBER_TYPE_MAX", "int value should be <= 4000 and >= 1.")
    if str_len(comp.get("value")) > 4000:
        errors.too_long((*path, "value"), 4000)
    if str_len(comp.get("placeholder")) > 100:
        errors.too_long((*path, "placeholder"), 100)


# -- autocomplete and commands ----------------------------------------------------------------


def check_choices(data: Any, errors: FormErrors) -> None:
    choices = (data or {}).get("choices")
    if not isinstance(choices, list):
        errors.required(("data", "choices"))
        return
    if len(choices) > 25:
        errors.too_long(("data", "choices"), 25)
    for i, choice in enumerate(choices):
        path: Path = ("data", "choices", i)
        name = choice.get("name")
        if not name:
            errors.required((*path, "name"))
        elif len(name) > 100:
            errors.too_long((*path, "name"), 100)
        value = choice.get("value")
        if value is None:
            errors.required((*path, "value"))
        elif isinstance(value, str) and len(value) > 100:
            errors.too_long((*path, "value"), 100)


def check_command(cmd: Any, errors: FormErrors, prefix: Path) -> None:
    if not isinstance(cmd, dict):
        errors.add(prefix, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
        return
    kind = cmd.get("type", 1) or 1
    name = cmd.get("name")
    if not isinstance(name, str) or not name:
        errors.required((*prefix, "name"))
    elif kind == 1 and (not COMMAND_NAME_RE.match(name) or name != name.lower()):
        errors.add((*prefix, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
    elif len(name) > 32:
        errors.too_long((*prefix, "name"), 32)
    if kind == 1:
        description = cmd.get("description")
        if not description:
            errors.required((*prefix, "description"))
        elif len(description) > 100:
            errors.too_long((*prefix, "description"), 100)
        _check_localizations(cmd, errors, prefix)
        _check_options(cmd.get("options") or [], errors, (*prefix, "options"), depth=0)


# AvailableLocalesEnum of Discord's OpenAPI spec: the locales a name or description may be given in.
LOCALES = frozenset({
    "ar", "bg", "cs", "da", "de", "el", "en-GB", "en-US", "es-419", "es-ES", "fi", "fr", "he", "hi", "hr", "hu", "id",
    "it", "ja", "ko", "lt", "nl", "no", "pl", "pt-BR", "ro", "ru", "sv-SE", "th", "tr", "uk", "vi", "zh-CN", "zh-TW",
})


def _check_localizations(obj: dict[str, Any], errors: FormErrors, prefix: Path) -> None:
    """name_localizations and description_localizations: known locales; each name a valid lowercase
    command name, each description 1-100 characters, as Discord checks them."""
    for key, limit in (("name_localizations", 32), ("description_localizations", 100)):
        values = obj.get(key)
        if values is None:
            continue
        if not isinstance(values, dict):
            errors.add((*prefix, key), "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
            continue
        for locale, text in values.items():
            path = (*prefix, key, locale)
            if locale not in LOCALES:
                errors.add(path, "LOCALE_INVALID", f"{locale!r} is not a valid locale")
            elif not isinstance(text, str) or not 1 <= len(text) <= limit:
                errors.add(path, "BASE_TYPE_BAD_LENGTH", f"Must be between 1 and {limit} in length.")
            elif key == "name_localizations" and (not COMMAND_NAME_RE.match(text) or text != text.lower()):
                errors.add(path, "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")


def _check_options(options: list[Any], errors: FormErrors, prefix: Path, depth: int) -> None:
    if len(options) > 25:
        errors.too_long(prefix, 25)
    names: set[str] = set()
    seen_optional = False
    for i, opt in enumerate(options):
        path = (*prefix, i)
        name = opt.get("name", "")
        if not COMMAND_NAME_RE.match(name) or name != name.lower():
            errors.add((*path, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
        if name in names:
            errors.add((*path, "name"), "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS", "Option name already exists")
        names.add(name)
        if not opt.get("description") or len(opt["description"]) > 100:
            errors.add((*path, "description"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
        _check_localizations(opt, errors, path)
        kind = opt.get("type")
        if kind in (1, 2):
            if depth >= (1 if kind == 2 else 2):
                errors.add((*path, "type"), "APPLICATION_COMMAND_OPTION_TYPE_INVALID", "Too deeply nested")
            _check_options(opt.get("options") or [], errors, (*path, "options"), depth + 1)
            continue
        if opt.get("required"):
            if seen_optional:
                errors.add(
                    (*path, "required"),
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            seen_optional = True
        choices = opt.get("choices") or []
        if len(choices) > 25:
            errors.too_long((*path, "choices"), 25)
        if choices and opt.get("autocomplete"):
            errors.add(
                (*path, "autocomplete"),
                "APPLICATION_COMMAND_AUTOCOMPLETE_CHOICES",
                "Autocomplete cannot be set with choices",
            )
