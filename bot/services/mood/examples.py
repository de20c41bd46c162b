"""The labelled example phrases the classifier is trained on: ``content/mood_examples.yaml``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from bot.errors import ContentError
from bot.services.mood.text import normalise
from bot.services.packs import BUILTIN_CONTENT

EXAMPLES_FILE = BUILTIN_CONTENT / "mood_examples.yaml"
NONE = "none"


def load_examples(path: Path = EXAMPLES_FILE, labels: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """The labelled phrases in ``path`` as (text, label) pairs, validated: a bad entry is named
    by file, label and number."""
    problems: list[str] = []
    try:
        # The C loader when PyYAML has it: the pure-Python one takes a quarter second here.
        data: Any = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, yaml.YAMLError) as exc:
        raise ContentError([f"{path}: {exc}"]) from exc
    if not isinstance(data, Mapping) or not isinstance(data.get("examples"), Mapping):
        raise ContentError([f"{path}: must have an examples: mapping of label to phrases"])
    allowed = None if labels is None else set(labels) | {NONE}
    out: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    for label, phrases in data["examples"].items():
        where = f"{path}, examples {label}"
        if allowed is not None and label not in allowed:
            problems.append(f"{where}: unknown label (use a mood name or {NONE!r})")
            continue
        if not isinstance(phrases, list) or not phrases:
            problems.append(f"{where}: must be a list of phrases")
            continue
        for n, phrase in enumerate(phrases, 1):
            if not isinstance(phrase, str) or not phrase.strip():
                problems.append(f"{where}, phrase {n}: must be some text")
                continue
            key = " ".join(normalise(phrase).split())
            if key in seen and seen[key] != label:
                problems.append(f"{where}, phrase {n}: {phrase!r} is also an example of {seen[key]}")
            seen[key] = label
            out.append((phrase, label))
    if problems:
        raise ContentError(problems)
    return out
