"""A multinomial naive Bayes classifier over word stems, stem pairs and character n-grams,
trained at start-up from the labelled phrases in ``content/mood_examples.yaml``.

Why naive Bayes, written here, rather than a library's linear model: training is one pass of
counting (a few milliseconds for the whole corpus, so nothing is cached or downloaded), the
import costs nothing (scikit-learn with numpy and scipy takes longer to import than the whole
start-up budget), every score is a sum of per-feature weights that ``explain`` can show, and
counts add up, so a server's corrections are an overlay of a few extra counts on the shared
model (:meth:`NaiveBayes.with_examples`) rather than a retraining.
"""

from __future__ import annotations

import math
from collections import ChainMap
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from collections.abc import Set as AbstractSet
from functools import lru_cache
from typing import Any

from msgspec import Struct

from bot.services.mood.groups import group_of
from bot.services.mood.text import Word

Features = dict[str, float]
# Character n-grams catch misspellings and forms the lexicon does not list; they count for
# less than a whole word, or a long word would drown the rest of the sentence.
CHAR_WEIGHT = 0.15
CHAR_SIZES = (3, 4)
# A word's group (groups.py) counts for less than the word: it is a hint where the word is new.
GROUP_WEIGHT = 0.5


@lru_cache(maxsize=16384)
def _grams(text: str, mark: str) -> tuple[str, ...]:
    """The character n-gram features of one word (a word's are worked out once, not per phrase)."""
    if len(text) < 4 or not text.isalpha():
        return ()
    padded = f"<{text}>"
    return tuple(f"c:{mark}{padded[k:k + n]}" for n in CHAR_SIZES for k in range(len(padded) - n + 1))


def featurise(words: Sequence[Word], stems: Sequence[str], negated: Sequence[bool]) -> Features:
    """Features of one phrase: a negated stem is a different feature from the plain one
    ("!happi" is not "happi"), and each counts as much as its clause weighs."""
    out: Features = {}
    get = out.get
    groups = group_of()
    last = len(words) - 1
    for i, (word, s) in enumerate(zip(words, stems, strict=True)):
        mark = "!" if negated[i] else ""
        weight = word.weight
        key = f"w:{mark}{s}"
        out[key] = get(key, 0.0) + weight
        for group in groups.get(s, ()):
            key = f"g:{mark}{group}"
            out[key] = get(key, 0.0) + GROUP_WEIGHT * weight
        if not word.text.isalpha() and any(ch.isdigit() for ch in word.text):
            out["g:number"] = get("g:number", 0.0) + GROUP_WEIGHT * weight
        if i < last and words[i + 1].clause == word.clause:
            key = f"b:{s} {stems[i + 1]}"
            out[key] = get(key, 0.0) + weight
            # "got towed" is new, "got" before a word of loss is not: a word and the next one's group.
            for group in groups.get(stems[i + 1], ()):
                key = f"p:{s} {group}"
                out[key] = get(key, 0.0) + GROUP_WEIGHT * weight
        char = CHAR_WEIGHT * weight
        for key in _grams(word.text, mark):
            out[key] = get(key, 0.0) + char
    return out


class Evidence(Struct, frozen=True):
    feature: str
    weight: float  # how much more likely the label makes it than the runner-up does, in log units

    def describe(self) -> str:
        kind, _, value = self.feature.partition(":")
        negated = value.startswith("!")
        value = value.lstrip("!")
        what = {"w": "word", "b": "words", "c": "letters", "g": "a word about",
                "p": "a word before one about"}.get(kind, kind)
        return f"{what} {'not ' if negated else ''}{value!r}"


class NaiveBayes:
    """Multinomial naive Bayes with Laplace smoothing; counts may be fractional.

    For speed, each feature keeps one row: log(count + alpha) for every label. A label's
    denominator is the same for all its features, so it is subtracted once per reading, and a
    reading costs one lookup per feature rather than one logarithm per feature and label.
    """

    def __init__(self, labels: Sequence[str], counts: Mapping[str, MutableMapping[str, float]],
                 totals: Mapping[str, float], docs: Mapping[str, float], vocabulary: int, alpha: float,
                 rows: MutableMapping[str, tuple[float, ...]] | None = None,
                 known: tuple[AbstractSet[str], ...] | None = None) -> None:
        self.labels = tuple(labels)
        self._counts = counts
        self._totals = totals
        self._docs = docs
        self._vocabulary = vocabulary
        self.alpha = alpha
        all_docs = sum(docs.values())
        self._prior = tuple(math.log((docs.get(label, 0.0) + 1) / (all_docs + len(self.labels)))
                            for label in self.labels)
        self._log_denominator = tuple(math.log(totals.get(label, 0.0) + alpha * max(1, vocabulary))
                                      for label in self.labels)
        if known is None:
            seen: set[str] = set()
            for label_counts in counts.values():
                seen.update(label_counts)
            known = (seen,)
        self._known = known  # the features some label has seen, in layers like the counts
        # Filled as features are first read: most of the corpus's features never turn up again.
        self._rows = rows if rows is not None else {}

    def _row(self, key: str) -> tuple[float, ...] | None:
        """log(count + alpha) for each label; None for a feature no label has seen."""
        row = self._rows.get(key)
        if row is None and any(key in layer for layer in self._known):
            row = self._rows[key] = tuple(math.log(self._counts[label].get(key, 0.0) + self.alpha)
                                          for label in self.labels)
        return row

    @classmethod
    def train(cls, labels: Sequence[str], examples: Iterable[tuple[Features, str]], alpha: float = 0.3) -> NaiveBayes:
        counts: dict[str, dict[str, float]] = {label: {} for label in labels}
        totals = dict.fromkeys(labels, 0.0)
        docs = dict.fromkeys(labels, 0.0)
        for features, label in examples:
            _add(counts[label], totals, docs, label, features)
        vocabulary = set().union(*counts.values())
        return cls(labels, counts, totals, docs, len(vocabulary), alpha)

    def state(self) -> dict[str, Any]:
        """What this trained model is, as plain JSON data (for the model cache); a model with
        examples laid over it (:meth:`with_examples`) is never saved."""
        return {"labels": list(self.labels), "counts": {label: dict(c) for label, c in self._counts.items()},
                "totals": dict(self._totals), "docs": dict(self._docs), "vocabulary": self._vocabulary,
                "alpha": self.alpha}

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> NaiveBayes:
        """The model :meth:`state` described; ValueError, KeyError or TypeError if it is not one."""
        labels = [str(label) for label in state["labels"]]
        counts = {label: {str(k): float(v) for k, v in state["counts"][label].items()} for label in labels}
        totals = {label: float(state["totals"][label]) for label in labels}
        docs = {label: float(state["docs"][label]) for label in labels}
        return cls(labels, counts, totals, docs, int(state["vocabulary"]), float(state["alpha"]))

    def with_examples(self, examples: Iterable[tuple[Features, str]], weight: float = 3.0) -> NaiveBayes:
        """This model plus a few more examples (a server's corrections), each counting ``weight``
        times. The shared counts are not copied: the new ones lie over them, so this costs as
        much as the extra examples, and the original model is unchanged."""
        overlay: dict[str, dict[str, float]] = {label: {} for label in self.labels}
        totals = dict(self._totals)
        docs = dict(self._docs)
        touched: set[str] = set()
        for features, label in examples:
            if label not in overlay:
                raise ValueError(f"unknown label {label!r}")
            scaled = {k: v * weight for k, v in features.items()}
            for key, value in scaled.items():
                overlay[label][key] = overlay[label].get(key, self._counts[label].get(key, 0.0)) + value
                touched.add(key)
            totals[label] += sum(scaled.values())
            docs[label] += weight
        new = sum(1 for key in touched if not any(key in layer for layer in self._known))
        counts: dict[str, MutableMapping[str, float]] = {
            label: ChainMap(overlay[label], self._counts[label]) for label in self.labels}
        # The shared rows are still right for the features not touched; rows for the touched
        # ones are worked out afresh, in the overlay's own layer.
        rows: ChainMap[str, tuple[float, ...]] = ChainMap({}, self._rows)
        model = NaiveBayes(self.labels, counts, totals, docs, self._vocabulary + new, self.alpha, rows=rows,
                           known=(touched, *self._known))
        for key in touched:
            rows.maps[0][key] = tuple(math.log(counts[label].get(key, 0.0) + self.alpha) for label in self.labels)
        return model

    def log_scores(self, features: Features) -> dict[str, float]:
        sums = list(self._prior)
        mass = 0.0
        n = len(sums)
        for key, value in features.items():
            row = self._row(key)
            if row is None:
                continue  # a feature no label has seen says nothing about any of them
            mass += value
            for i in range(n):
                sums[i] += value * row[i]
        return {label: sums[i] - mass * self._log_denominator[i] for i, label in enumerate(self.labels)}

    def probabilities(self, features: Features, temperature: float) -> dict[str, float]:
        """Softmax of the log scores divided by ``temperature``: naive Bayes counts every feature
        as independent evidence, so its raw odds are far too sure of themselves."""
        scores = self.log_scores(features)
        top = max(scores.values())
        exps = {label: math.exp((s - top) / temperature) for label, s in scores.items()}
        total = sum(exps.values())
        return {label: v / total for label, v in exps.items()}

    def evidence(self, features: Features, label: str, against: str, limit: int = 3) -> list[Evidence]:
        """The features that most favour ``label`` over ``against``."""
        i, j = self.labels.index(label), self.labels.index(against)
        shift = self._log_denominator[j] - self._log_denominator[i]
        out = []
        for key, value in features.items():
            row = self._row(key)
            if row is None:
                continue
            gap = value * (row[i] - row[j] + shift)
            if gap > 0:
                out.append(Evidence(key, round(gap, 2)))
        out.sort(key=lambda e: -e.weight)
        return out[:limit]


def _add(counts: dict[str, float], totals: dict[str, float], docs: dict[str, float], label: str,
         features: Features) -> None:
    get = counts.get
    for key, value in features.items():
        counts[key] = get(key, 0.0) + value
    totals[label] += sum(features.values())
    docs[label] += 1
