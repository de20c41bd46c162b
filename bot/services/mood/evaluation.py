"""Measuring a reader against a labelled file: ``python -m bot mood --eval FILE``.

The file is TSV with the header ``text<TAB>accepted<TAB>kind``; ``accepted`` is one label or
several separated by ``|`` (any of them counts as right), each a mood name, ``none``,
``crisis`` or ``other-language``.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from msgspec import Struct

from bot.errors import ContentError

SPECIAL = ("none", "crisis", "other-language")


class Row(Struct, frozen=True):
    text: str
    accepted: tuple[str, ...]
    kind: str


class Outcome(Struct, frozen=True):
    row: Row
    label: str
    offers: tuple[str, ...] = ()

    @property
    def right(self) -> bool:
        return self.label in self.row.accepted

    @property
    def gold(self) -> str:
        """The label this row counts under: the one read if it was accepted, else the best one."""
        return self.label if self.right else self.row.accepted[0]

    @property
    def offered_right(self) -> bool:
        return any(label in self.row.accepted for label in self.offers)


def load_rows(path: Path, labels: Iterable[str]) -> list[Row]:
    allowed = set(labels) | set(SPECIAL)
    problems: list[str] = []
    rows: list[Row] = []
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
            header = next(reader, None)
            if header != ["text", "accepted", "kind"]:
                raise ContentError([f"{path}: the first line must be text<TAB>accepted<TAB>kind"])
            for n, fields in enumerate(reader, 2):
                if len(fields) != 3 or not fields[0].strip():
                    problems.append(f"{path}, line {n}: needs text, accepted and kind")
                    continue
                accepted = tuple(label.strip() for label in fields[1].split("|") if label.strip())
                unknown = [label for label in accepted if label not in allowed]
                if unknown or not accepted:
                    problems.append(f"{path}, line {n}: unknown label {unknown or fields[1]!r}")
                    continue
                rows.append(Row(fields[0], accepted, fields[2].strip()))
    except OSError as exc:
        raise ContentError([f"{path}: {exc}"]) from exc
    if problems:
        raise ContentError(problems)
    return rows


def evaluate(rows: Sequence[Row], read: Callable[[str], tuple[str, tuple[str, ...]]]) -> list[Outcome]:
    """Each row read by ``read``, which gives a label and the moods offered (if unsure)."""
    return [Outcome(row, *read(row.text)) for row in rows]


def report(outcomes: Sequence[Outcome], labels: Sequence[str], name: str = "") -> str:
    """Accuracy, per-label precision and recall, a confusion matrix, "Did you mean" offers, the misses."""
    labels = [*labels, *(s for s in SPECIAL if s not in labels)]
    total = len(outcomes)
    right = sum(o.right for o in outcomes)
    lines = [f"{name + ': ' if name else ''}accuracy {right}/{total} = {_pct(right, total)}"]
    answered = [o for o in outcomes if o.label != "none"]
    lines.append(f"  read as something other than none: {len(answered)}, of them right "
                 f"{_pct(sum(o.right for o in answered), len(answered))}")
    offered = [o for o in outcomes if o.offers]
    guessed = [o for o in offered if o.label != "none"]
    shrugged = [o for o in offered if o.label == "none"]
    wanted = [o for o in shrugged if o.row.accepted[0] not in SPECIAL]
    lines.append(f"  'Did you mean' offered on {len(offered)} rows; the right mood among the offers on "
                 f"{sum(o.offered_right for o in offered)} of them; right or offered overall: "
                 f"{_pct(sum(o.right or o.offered_right for o in outcomes), total)}")
    lines.append(f"    unsure guesses: {len(guessed)}, the guess right on {sum(o.right for o in guessed)}, the right "
                 f"mood among the offers on {sum(o.offered_right for o in guessed)}")
    lines.append(f"    read as none (all moods offered, likeliest first): {len(shrugged)}, a mood was expected on "
                 f"{len(wanted)}, it was among the first offers on {sum(o.offered_right for o in wanted)}")
    lines.append("")
    lines.append("per label (a row counts under the label it was read as if that was accepted, else its first):")
    lines.append(f"  {'label':<15}{'precision':>10}{'recall':>8}{'rows':>6}")
    for label in labels:
        truth = [o for o in outcomes if o.gold == label]
        said = [o for o in outcomes if o.label == label]
        if not truth and not said:
            continue
        hits = sum(1 for o in said if o.right)
        lines.append(f"  {label:<15}{_pct(hits, len(said)):>10}{_pct(hits, len(truth)):>8}{len(truth):>6}")
    lines.append("")
    lines.append("confusion (rows: expected, columns: read):")
    present = [label for label in labels if any(o.gold == label or o.label == label for o in outcomes)]
    short = {label: label[:6] for label in present}
    lines.append("  " + " " * 15 + "".join(f"{short[label]:>7}" for label in present))
    counts = Counter((o.gold, o.label) for o in outcomes)
    for gold in present:
        lines.append(f"  {gold:<15}" + "".join(f"{counts[gold, read] or '.':>7}" for read in present))
    by_kind = Counter(o.row.kind for o in outcomes)
    kind_right = Counter(o.row.kind for o in outcomes if o.right)
    lines.append("")
    lines.append("by kind: " + ", ".join(f"{kind} {kind_right[kind]}/{n}" for kind, n in sorted(by_kind.items())))
    misses = [o for o in outcomes if not o.right]
    lines.append("")
    lines.append(f"misses ({len(misses)}):")
    for o in sorted(misses, key=lambda o: (o.row.kind, o.row.text)):
        offers = f" (offered {', '.join(o.offers)})" if o.offers else ""
        lines.append(f"  [{o.row.kind}] {o.row.text!r}: expected {'|'.join(o.row.accepted)}, read {o.label}{offers}")
    return "\n".join(lines)


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"
