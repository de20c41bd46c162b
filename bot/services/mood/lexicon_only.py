"""The first mood reader, kept as it was: listed cue words only.

Cues are words and phrases from ``content/moods.yaml`` with weights. A cue preceded by a
negation ("not", "isn't", "never", ...) within a few words counts for the mood's
``when_negated`` instead ("not happy at all" reads as sad), or not at all.

It is no longer what the bot uses (see ``bot.services.mood.reader``); it stays as the
baseline that ``bench/mood.py`` and ``python -m bot mood --eval FILE --reader lexicon`` measure
the reader against.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from msgspec import Struct, field

from bot.models import Mood

WORD = re.compile(r"[a-z0-9']+")
TOKEN = re.compile(r"[a-z0-9']+|[,.;:!?()]")
# A negation reaches no further than its clause: "not sad, just bored" is bored.
CLAUSE_BREAKS = {",", ".", ";", ":", "!", "?", "(", ")", "but", "just", "though", "although", "however", "yet"}
NEGATIONS = {
    "not", "no", "never", "nor", "neither", "hardly", "barely", "isn't", "wasn't", "aren't", "ain't",
    "don't", "doesn't", "didn't", "can't", "cannot", "won't", "nothing", "without", "nobody", "less",
}
# How many words back a negation still applies ("not really very happy").
NEGATION_REACH = 3


class Cue(Struct, frozen=True):
    text: str
    mood: str
    weight: int
    negated: bool = False
    position: int = 0  # where in the text it starts (words; emoji count as after the words)


class LexiconReading(Struct, frozen=True):
    mood: Mood | None
    cues: tuple[Cue, ...] = field(default_factory=tuple)
    scores: dict[str, int] = field(default_factory=dict)


def _normalise(text: str) -> str:
    return text.lower().replace("’", "'").replace("`", "'")


class LexiconReader:
    def __init__(self, moods: Iterable[Mood]) -> None:
        self.moods = {mood.name: mood for mood in moods}
        if not self.moods:
            raise ValueError("at least one mood is needed")
        # Longest phrases first, so "can't sleep" wins over "sleep".
        self._phrases = sorted(
            ((tuple(WORD.findall(cue)), mood.name, weight) for mood in self.moods.values()
             for cue, weight in mood.cues.items()),
            key=lambda p: -len(p[0]),
        )
        self._emoji = [(e, mood.name) for mood in self.moods.values() for e in mood.emoji_cues]

    def get(self, name: str) -> Mood | None:
        return self.moods.get(name.strip().lower())

    def read(self, text: str) -> LexiconReading:
        """The mood the text reads as, with the cues that decided it; ``mood`` is None if none matched."""
        lowered = _normalise(text)
        named = self.get(lowered)
        if named is not None:
            return LexiconReading(named, (Cue(named.name, named.name, 3),), {named.name: 3})
        words: list[str] = []
        clause: list[int] = []
        current = 0
        for token in TOKEN.findall(lowered):
            if token in CLAUSE_BREAKS:
                current += 1
            if token[0].isalnum() or token[0] == "'":
                words.append(token)
                clause.append(current)
        used = [False] * len(words)
        cues: list[Cue] = []
        for phrase, mood, weight in self._phrases:
            n = len(phrase)
            if n == 0:
                continue
            for i in range(len(words) - n + 1):
                if tuple(words[i:i + n]) == phrase and not any(used[i:i + n]):
                    for j in range(i, i + n):
                        used[j] = True
                    negated = any(words[j] in NEGATIONS and clause[j] == clause[i]
                                  for j in range(max(0, i - NEGATION_REACH), i))
                    cues.append(Cue(" ".join(phrase), mood, weight, negated, i))
        for emoji, mood in self._emoji:
            count = text.count(emoji)
            if count:
                cues.append(Cue(emoji, mood, 2 * count, position=len(words) + text.index(emoji)))
        scores: dict[str, int] = {}
        for cue in cues:
            target = self.moods[cue.mood].when_negated if cue.negated else cue.mood
            if target is not None:
                # A denial says less than a statement: "not sad, just bored" is bored.
                scores[target] = scores.get(target, 0) + (max(1, cue.weight - 1) if cue.negated else cue.weight)
        if not scores:
            return LexiconReading(None, tuple(cues), scores)
        # Ties go to the mood of the strongest single cue, then to the one said last: in chat the
        # last word tends to be the real one ("tired but happy" is happy).
        best = max(scores.values())
        leaders = [name for name, score in scores.items() if score == best]
        if len(leaders) > 1:
            def strongest_then_latest(name: str) -> tuple[int, int]:
                own = [c for c in cues if self._counts_for(c) == name]
                return -max(c.weight for c in own), -max(c.position for c in own)

            leaders.sort(key=strongest_then_latest)
        cues.sort(key=lambda c: c.position)
        return LexiconReading(self.moods[leaders[0]], tuple(cues), scores)

    def _counts_for(self, cue: Cue) -> str | None:
        return self.moods[cue.mood].when_negated if cue.negated else cue.mood

    def suggest(self, prefix: str) -> list[Mood]:
        """Moods for autocomplete: those whose name or description starts with / contains the text."""
        prefix = prefix.strip().lower()
        ordered = sorted(self.moods.values(), key=lambda m: (not m.name.startswith(prefix), m.name))
        return [m for m in ordered if not prefix or prefix in m.name or prefix in m.description.lower()]
