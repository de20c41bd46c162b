"""What a person reads in the shell: messages, embeds, buttons, modal fields, command usage."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..commands import describe_options
from ..flags import ChannelType
from ..interactions import ModalField
from ..models import Channel, Message, emoji_text, iter_components


def _plain(text: str) -> str:
    return text


def render_message(msg: Message, channel: Channel | None, current: Channel, *, edited: bool = False,
                   markup: Callable[[str], str] = _plain) -> str:
    """``msg`` (posted in ``channel``) as the user in ``current`` reads it; ``markup`` shows mentions
    and timestamps in the content, embed descriptions and field values as the client does."""
    where = ""
    if channel is not None and channel.type == ChannelType.DM:
        where = "[DM] "
    elif channel is not None and channel.id != current.id:
        where = f"[#{channel.name}] "
    tags = []
    if msg.ephemeral:
        tags.append("(only you can see this)")
    if edited:
        tags.append("(edited)")
    head = f"{where}{msg.author.name}: " + " ".join(tags)
    lines = [head.rstrip()]
    text = markup(msg.text())
    if text:
        lines += [f"  {line}" for line in text.splitlines()]
    for embed in msg.embeds:
        lines += render_embed(embed, markup)
    lines += render_components(msg.components)
    if msg.thread is not None:
        lines.append(f"  (thread: #{msg.thread.name})")
    return "\n".join(lines)


def render_embed(embed: dict[str, Any], markup: Callable[[str], str] = _plain) -> list[str]:
    lines = []
    author = (embed.get("author") or {}).get("name")
    if author:
        lines.append(f"  │ {author}")
    if embed.get("title"):
        lines.append(f"  ┃ {embed['title']}")
    for line in markup(embed.get("description") or "").splitlines():
        lines.append(f"  │ {line}")
    for fld in embed.get("fields") or []:
        value = markup(str(fld.get("value") or ""))
        if "\n" in value or len(value) > 60:
            # A long value goes under its name, indented, as Discord shows it.
            lines.append(f"  │ {fld.get('name')}")
            lines += [f"  │   {line}" for line in value.splitlines()]
        else:
            lines.append(f"  │ {fld.get('name')}: {value}")
    footer = (embed.get("footer") or {}).get("text")
    if footer:
        lines.append(f"  └ {footer}")
    return lines or ["  │ (empty embed)"]


def render_components(components: list[dict[str, Any]]) -> list[str]:
    lines: list[str] = []
    buttons: list[str] = []
    number = 0
    for comp in iter_components(components):
        kind = comp.get("type")
        if kind == 2:
            number += 1
            label = " ".join(x for x in (emoji_text(comp.get("emoji")), comp.get("label")) if x)
            text = f"[{number}] {label}"
            if comp.get("style") == 5:
                text += f" -> {comp.get('url')}"
            if comp.get("disabled"):
                text += " (disabled)"
            buttons.append(text)
        elif kind == 3:
            options = " | ".join(o.get("label", "") for o in comp.get("options") or [])
            lines.append(f"  <{comp.get('placeholder') or 'select'}: {options}>")
        elif kind in (5, 6, 7, 8):
            lines.append(f"  <{comp.get('placeholder') or 'select'}>")
    if buttons:
        lines.append("  " + "  ".join(buttons))
    return lines


def field_hint(fld: ModalField) -> str:
    bits = ["required" if fld.required else "optional"]
    if fld.type == 4:
        if fld.min_length or fld.max_length:
            bits.append(f"{fld.min_length or 0}-{fld.max_length or 4000} characters")
        if fld.style == 2:
            bits.append("paragraph")
        if fld.value:
            bits.append(f"default {fld.value!r}")
    else:
        bits.append("choose: " + ", ".join(o.get("label", "") for o in fld.options))
    description = f" - {fld.description}" if fld.description else ""
    return f"{description} ({', '.join(bits)})"


def field_problem(fld: ModalField, value: str) -> str | None:
    """What the Discord client would say before letting the user submit."""
    if fld.required and not value:
        return "this field is required"
    if value and fld.min_length is not None and len(value) < fld.min_length:
        return f"at least {fld.min_length} characters, please"
    if fld.max_length is not None and len(value) > fld.max_length:
        return f"at most {fld.max_length} characters, please"
    return None


def command_lines(name: str, description: str, options: list[dict[str, Any]]) -> list[tuple[str, str]]:
    subs = [o for o in options if o.get("type") in (1, 2)]
    if not subs:
        usage = f"/{name} {describe_options(options)}".rstrip()
        return [(usage, description)]
    lines: list[tuple[str, str]] = []
    for sub in subs:
        lines += command_lines(f"{name} {sub['name']}", sub.get("description", ""), sub.get("options") or [])
    return lines


def error_text(body: Any) -> str:
    if not isinstance(body, dict):
        return str(body)
    text = f"{body.get('code')}: {body.get('message')}"
    errors = body.get("errors")
    if errors:
        text += " - " + "; ".join(_flatten(errors))
    return text


def _flatten(errors: dict[str, Any], prefix: str = "") -> list[str]:
    out = []
    for key, value in errors.items():
        if key == "_errors":
            out += [f"{prefix}: {e.get('message')}" for e in value]
        elif isinstance(value, dict):
            out += _flatten(value, f"{prefix}.{key}" if prefix else key)
    return out
