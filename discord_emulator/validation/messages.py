"""Discord's server-side limits for messages, embeds, components, modals and commands.

Discord rejects a bad body with HTTP 400, code 50035 ("Invalid Form Body") and a nested
``errors`` object that mirrors the request, e.g.::

    {"code": 50035, "message": "Invalid Form Body",
     "errors": {"content": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH",
                                         "message": "Must be 2000 or fewer in length."}]}}}

discord.py flattens that into ``HTTPException.text`` ("In content: Must be 2000 or fewer in
length."), which is what a bot logs.  The limits are Discord's documented ones; the per-error
``code`` strings follow Discord's naming where known and are best-effort otherwise.
"""

from __future__ import annotations

import logging
from typing import Any

from ..flags import MessageFlags
from ..models import iter_components

log = logging.getLogger(__name__)

Path = tuple[str | int, ...]

CONTENT_MAX = 2000
EMBEDS_MAX = 10
EMBED_TOTAL_MAX = 6000
EMBED_LIMITS = {"title": 256, "description": 4096}
EMBED_FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
AUTHOR_MAX = 256
ROWS_MAX = 5
ROW_WIDTH = 5
CUSTOM_ID_MAX = 100
BUTTON_LABEL_MAX = 80
V2_COMPONENTS_MAX = 40

ALLOWED_MESSAGE_FLAGS = int(
    MessageFlags.SUPPRESS_EMBEDS
    | MessageFlags.EPHEMERAL
    | MessageFlags.SUPPRESS_NOTIFICATIONS
    | MessageFlags.IS_COMPONENTS_V2
)



class FormErrors:
    """Collects errors in Discord's nested ``errors`` shape."""

    def __init__(self) -> None:
        self.tree: dict[str, Any] = {}
        self.count = 0

    def add(self, path: Path, code: str, message: str) -> None:
        node = self.tree
        for part in path:
            node = node.setdefault(str(part), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})
        self.count += 1

    def too_long(self, path: Path, limit: int) -> None:
        self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")

    def required(self, path: Path) -> None:
        self.add(path, "BASE_TYPE_REQUIRED", "This field is required")

    def __bool__(self) -> bool:
        return self.count > 0

    def body(self) -> dict[str, Any]:
        return {"message": "Invalid Form Body", "code": 50035, "errors": self.tree}

    def summary(self) -> str:
        lines: list[str] = []

        def walk(node: dict[str, Any], prefix: str) -> None:
            for key, value in node.items():
                if key == "_errors":
                    lines.extend(f"{prefix or '<body>'}: {e['message']}" for e in value)
                else:
                    walk(value, f"{prefix}.{key}" if prefix else key)

        walk(self.tree, "")
        return "; ".join(lines)


def str_len(value: Any) -> int:
    return len(value) if isinstance(value, str) else 0


def check_message(body: dict[str, Any], errors: FormErrors, *, creating: bool) -> None:
    """Content, embeds, components and flags of a message create/edit body."""
    content = body.get("content")
    if content is not None and not isinstance(content, str):
        errors.add(("content",), "BASE_TYPE_STRING", "Must be a string.")
    elif str_len(content) > CONTENT_MAX:
        errors.too_long(("content",), CONTENT_MAX)

    embeds = body.get("embeds")
    if embeds:
        check_embeds(embeds, errors)

    flags = body.get("flags") or 0
    if flags & ~ALLOWED_MESSAGE_FLAGS:
        errors.add(("flags",), "MESSAGE_FLAGS_INVALID", "Invalid message flags")
    components = body.get("components")
    if components:
        check_components(components, errors, v2=bool(flags & MessageFlags.IS_COMPONENTS_V2))

    if creating and "nonce" in body and body["nonce"] is not None:
        nonce = body["nonce"]
        if isinstance(nonce, str) and len(nonce) > 25:
            errors.too_long(("nonce",), 25)


def is_empty_message(body: dict[str, Any]) -> bool:
    """Discord refuses (50006) a message with nothing to show."""
    return not any(
        body.get(key) for key in ("content", "embeds", "components", "attachments", "sticker_ids", "poll", "files")
    )


def embed_size(embed: dict[str, Any]) -> int:
    total = str_len(embed.get("title")) + str_len(embed.get("description"))
    for fld in embed.get("fields") or []:
        if isinstance(fld, dict):
            total += str_len(fld.get("name")) + str_len(fld.get("value"))
    total += str_len((embed.get("footer") or {}).get("text"))
    total += str_len((embed.get("author") or {}).get("name"))
    return total


def check_embeds(embeds: Any, errors: FormErrors, prefix: Path = ("embeds",)) -> None:
    if not isinstance(embeds, list):
        errors.add(prefix, "BASE_TYPE_ARRAY", "Must be an array.")
        return
    if len(embeds) > EMBEDS_MAX:
        errors.too_long(prefix, EMBEDS_MAX)
    total = 0
    for i, embed in enumerate(embeds):
        path = (*prefix, i)
        if not isinstance(embed, dict):
            errors.add(path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
            continue
        for key, limit in EMBED_LIMITS.items():
            if str_len(embed.get(key)) > limit:
                errors.too_long((*path, key), limit)
        color = embed.get("color")
        if color is not None and not (isinstance(color, int) and 0 <= color <= 0xFFFFFF):
            errors.add((*path, "color"), "NUMBER_TYPE_MAX", "int value should be <= 16777215 and >= 0.")
        fields = embed.get("fields") or []
        if len(fields) > EMBED_FIELDS_MAX:
            errors.too_long((*path, "fields"), EMBED_FIELDS_MAX)
        for j, fld in enumerate(fields):
            fpath = (*path, "fields", j)
            name, value = fld.get("name"), fld.get("value")
            if not name:
                errors.required((*fpath, "name"))
            elif len(name) > FIELD_NAME_MAX:
                errors.too_long((*fpath, "name"), FIELD_NAME_MAX)
            if not value:
                errors.required((*fpath, "value"))
            elif len(value) > FIELD_VALUE_MAX:
                errors.too_long((*fpath, "value"), FIELD_VALUE_MAX)
        footer = embed.get("footer") or {}
        if str_len(footer.get("text")) > FOOTER_MAX:
            errors.too_long((*path, "footer", "text"), FOOTER_MAX)
        author = embed.get("author") or {}
        if str_len(author.get("name")) > AUTHOR_MAX:
            errors.too_long((*path, "author", "name"), AUTHOR_MAX)
        total += embed_size(embed)
    if total > EMBED_TOTAL_MAX:
        errors.add(prefix, "MAX_EMBED_SIZE_EXCEEDED", f"Embed size exceeds maximum size of {EMBED_TOTAL_MAX}")


def check_components(components: Any, errors: FormErrors, *, v2: bool, prefix: Path = ("components",)) -> None:
    if not isinstance(components, list):
        errors.add(prefix, "BASE_TYPE_ARRAY", "Must be an array.")
        return
    seen: dict[str, Path] = {}
    if not v2:
        if len(components) > ROWS_MAX:
            errors.too_long(prefix, ROWS_MAX)
        for i, row in enumerate(components):
            path = (*prefix, i)
            if not isinstance(row, dict) or row.get("type") != 1:
                errors.add(
                    (*path, "type"),
                    "UNION_TYPE_CHOICES",
                    'Value of field "type" must be one of (1,) unless the IS_COMPONENTS_V2 flag is set.',
                )
                continue
            _check_row(row, path, errors, seen)
        return
    total = sum(1 for _ in iter_components(components))
    if total > V2_COMPONENTS_MAX:
        errors.add(prefix, "COMPONENT_MAX_TOTAL_COMPONENTS_EXCEEDED", f"Must be {V2_COMPONENTS_MAX} or fewer.")
    _check_v2_list(components, prefix, errors, seen)


def _check_v2_list(components: list[Any], prefix: Path, errors: FormErrors, seen: dict[str, Path]) -> None:
    for i, comp in enumerate(components):
        path = (*prefix, i)
        if not isinstance(comp, dict):
            errors.add(path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
            continue
        kind = comp.get("type")
        if kind == 1:
            _check_row(comp, path, errors, seen)
        elif kind == 2:
            _check_button(comp, path, errors, seen)
        elif kind in (3, 5, 6, 7, 8):
            check_select(comp, path, errors, seen)
        elif kind == 10:
            if not comp.get("content"):
                errors.required((*path, "content"))
            elif len(comp["content"]) > 4000:
                errors.too_long((*path, "content"), 4000)
        elif kind == 9:  # section: 1-3 text displays plus an accessory
            children = comp.get("components") or []
            if not 1 <= len(children) <= 3:
                errors.add((*path, "components"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 3 in length.")
            _check_v2_list(children, (*path, "components"), errors, seen)
            accessory = comp.get("accessory")
            if not isinstance(accessory, dict):
                errors.required((*path, "accessory"))
            elif accessory.get("type") == 2:
                _check_button(accessory, (*path, "accessory"), errors, seen)
        elif kind == 17:  # container
            _check_v2_list(comp.get("components") or [], (*path, "components"), errors, seen)
        elif kind in (11, 12, 13, 14):
            pass  # thumbnail, media gallery, file, separator: nothing interactive to check
        else:
            errors.add((*path, "type"), "UNION_TYPE_CHOICES", f'Value of field "type" must be valid, got {kind!r}.')


def _check_row(row: dict[str, Any], path: Path, errors: FormErrors, seen: dict[str, Path]) -> None:
    children = row.get("components")
    if not isinstance(children, list) or not children:
        errors.add((*path, "components"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.")
        return
    kinds = {c.get("type") for c in children if isinstance(c, dict)}
    if kinds & {3, 5, 6, 7, 8} and len(children) > 1:
        errors.add(
            (*path, "components"),
            "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
            "The specified component exceeds the maximum width",
        )
    elif len(children) > ROW_WIDTH:
        errors.too_long((*path, "components"), ROW_WIDTH)
    for j, child in enumerate(children):
        cpath = (*path, "components", j)
        if not isinstance(child, dict):
            errors.add(cpath, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
        elif child.get("type") == 2:
            _check_button(child, cpath, errors, seen)
        elif child.get("type") in (3, 5, 6, 7, 8):
            check_select(child, cpath, errors, seen)
        else:
            errors.add(
                (*cpath, "type"), "UNION_TYPE_CHOICES", 'Value of field "type" must be one of (2, 3, 5, 6, 7, 8).'
            )


def check_custom_id(comp: dict[str, Any], path: Path, errors: FormErrors, seen: dict[str, Path]) -> None:
    custom_id = comp.get("custom_id")
    if not custom_id:
        errors.required((*path, "custom_id"))
        return
    if len(custom_id) > CUSTOM_ID_MAX:
        errors.too_long((*path, "custom_id"), CUSTOM_ID_MAX)
    if custom_id in seen:
        errors.add((*path, "custom_id"), "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated")
    seen[custom_id] = path


def _check_button(button: dict[str, Any], path: Path, errors: FormErrors, seen: dict[str, Path]) -> None:
    style = button.get("style")
    if style not in (1, 2, 3, 4, 5, 6):
        errors.add((*path, "style"), "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4, 5, 6}.")
    label = button.get("label")
    if label is not None and len(label) > BUTTON_LABEL_MAX:
        errors.too_long((*path, "label"), BUTTON_LABEL_MAX)
    if style == 5:
        if not button.get("url"):
            errors.add((*path, "url"), "BUTTON_COMPONENT_URL_REQUIRED", "A url is required")
        if button.get("custom_id"):
            errors.add((*path, "custom_id"), "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED", "A custom id is not allowed")
    elif style == 6:
        if not button.get("sku_id"):
            errors.required((*path, "sku_id"))
    else:
        if button.get("url"):
            errors.add((*path, "url"), "BUTTON_COMPONENT_URL_NOT_ALLOWED", "A url is not allowed")
        check_custom_id(button, path, errors, seen)
    if style != 6 and not label and not button.get("emoji"):
        errors.add(path, "BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED", "A label or an emoji is required")


def check_select(select: dict[str, Any], path: Path, errors: FormErrors, seen: dict[str, Path]) -> None:
    check_custom_id(select, path, errors, seen)
    if str_len(select.get("placeholder")) > 150:
        errors.too_long((*path, "placeholder"), 150)
    min_values = select.get("min_values", 1)
    max_values = select.get("max_values", 1)
    if min_values is not None and not 0 <= min_values <= 25:
        errors.add((*path, "min_values"), "NUMBER_TYPE_MAX", "int value should be <= 25 and >= 0.")
    if max_values is not None and not 1 <= max_values <= 25:
        errors.add((*path, "max_values"), "NUMBER_TYPE_MAX", "int value should be <= 25 and >= 1.")
    if select.get("type") == 3:
        options = select.get("options") or []
        if not 1 <= len(options) <= 25:
            errors.add((*path, "options"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 25 in length.")
        for k, option in enumerate(options):
            for key in ("label", "value"):
                if not option.get(key):
                    errors.required((*path, "options", k, key))
                elif len(option[key]) > 100:
                    errors.too_long((*path, "options", k, key), 100)
        if max_values is not None and max_values > len(options) and options:
            errors.add((*path, "max_values"), "SELECT_COMPONENT_TOO_MANY_MAX_VALUES", "max_values exceeds options")
