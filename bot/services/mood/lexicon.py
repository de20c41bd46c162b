"""The cue lexicon: words and phrases from ``content/moods.yaml`` that name a mood, matched by
word stem and forgiving plain typos, with negation and "but" clauses taken into account.

A cue's contribution is its weight (1-3) times its clause's weight (doubled after each
"but") times any intensifier before it ("so tired", "a bit tired"). A negated cue counts,
one point weaker, for the mood's ``when_negated`` ("not happy" reads as sad) or for nothing.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Iterator, Mapping
from functools import cache, lru_cache
from pathlib import Path

from msgspec import Struct

from bot.models import Mood
from bot.services.mood.text import (
    AFTER_INTENSIFIERS,
    DOWNTONERS,
    INTENSIFIERS,
    SOFT_BREAKS,
    Word,
    collapse,
    squeeze,
    stem,
)
from bot.services.mood.wordlists import (
    FIXED_EXPRESSIONS,
    NAMING,
    NOT_TYPOS,
    OBJECT_SENSES,
    OBJECTS,
    THINGS,
)

# The English word list symspellpy ships (82,765 words with their frequencies): any word in it
# is a real word, never "corrected" into a cue ("salt" is not a typo of "salty").
ENGLISH_LIST = "frequency_dictionary_en_82_765.txt"


@cache
def english_words() -> frozenset[str]:
    """Real English words, read from symspellpy's dictionary file (its package is not imported)."""
    spec = importlib.util.find_spec("symspellpy")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("symspellpy is not installed: its English word list tells typos from real words")
    path = Path(next(iter(spec.submodule_search_locations))) / ENGLISH_LIST
    with path.open(encoding="utf-8") as fh:
        return frozenset(line.split(" ", 1)[0] for line in fh)


# Emoji that say more, or less, than a word: a heart-eyed face is as strong as "happy", while
# 😭 is as often tears of joy or laughter as of sorrow. The rest count 2.
EMOJI_WEIGHTS = {"🥰": 3.0, "😍": 3.0, "🥳": 3.0, "🤩": 3.0, "💔": 3.0, "🤬": 3.0, "😡": 3.0, "😭": 1.0,
                 "😂": 1.5, "🤣": 1.5, "💀": 1.5, "🥲": 1.0, "🙁": 1.5}

# Cues whose denial means something other than their mood's ``when_negated``: "not relaxed" is
# stressed rather than sad, "not rested" is tired, "not busy" is bored.
NEGATED_AS = {"relaxed": "stressed", "calm": "stressed", "chill": "stressed", "chilled": "stressed",
              "peaceful": "stressed", "rested": "tired", "awake": "tired", "energised": "tired",
              "energized": "tired", "busy": "bored", "interested": "bored", "entertained": "bored",
              "alone": None, "lonely": None}

LINKS = frozenset({"is", "was", "got", "has", "had", "been", "are", "were", "'s", "just", "totally", "completely",
                   "all", "now", "already", "gone", "went", "so", "really", "very", "pretty", "proper", "getting"})
SEEMING = frozenset({"looks", "looked", "seems", "seemed", "sounds", "sounded", "appears", "appeared", "look",
                     "seem", "sound"})
SELF = frozenset({"i", "i'm", "me", "myself", "we", "feel", "feeling", "felt"})
INTENSITY_WORDS = frozenset({"so", "very", "really", "super", "kinda", "kind", "of", "a", "bit", "quite", "pretty",
                             "rather", "like", "well", "totally", "proper", "dead", "bloody"})
DETERMINERS = frozenset({"the", "my", "his", "her", "our", "their", "your", "a", "an", "its", "this", "that"})
# The mood a low mood turns to when it has passed.
RELIEF = "happy"

# Cues that are a feeling only at the end of what is said: "i'm spent" is tired, "spent two
# hours on hold" and "spent the day at the beach" are time, not tiredness.
AT_END_ONLY = frozenset({"spent"})
AT_END_WORDS = frozenset({"today", "tonight", "now", "lol", "honestly", "fr", "tbh", "again", "already", "rn"})

# Words whose stem is a cue's stem but which mean something else ("flat tires", "pump it").
STEM_CLASHES = frozenset({"tire", "tires", "pump", "pumps", "pumping", "ignore", "crush", "crushes", "cook", "cooks",
                          "cooking"})


class Cue(Struct, frozen=True):
    """A cue found in the text, and what it counted for."""

    text: str  # the cue as listed in moods.yaml (or the emoji)
    mood: str  # the mood it is listed under
    weight: float  # what it added to ``counts_for``
    negated: bool = False
    position: int = 0  # where it starts, in words (emoji count as after the words)
    written: str | None = None  # what the member wrote, where it differs ("tierd" for "tired")
    counts_for: str | None = None  # the mood it counted for: its own, when_negated, or nothing


class _Phrase(Struct, frozen=True):
    stems: tuple[str, ...]
    text: str
    mood: str
    weight: int


class Lexicon:
    def __init__(self, moods: Mapping[str, Mood], known_words: Iterable[str] = (),
                 kept: Iterable[str] | None = None) -> None:
        """``kept``: the words of ``known_words`` a lexicon built from the same inputs found to be
        no typos (:attr:`kept`, saved by the model cache), so they need not be checked again."""
        self.moods = moods
        phrases = [
            _Phrase(tuple(stem(w) for w in cue.split()), cue, mood.name, weight)
            for mood in moods.values() for cue, weight in mood.cues.items()
        ]
        phrases += [_Phrase(tuple(stem(w) for w in text.split()), text, "", 0) for text in FIXED_EXPRESSIONS]
        # Longest phrases first, so "can't sleep" wins over "sleep".
        phrases.sort(key=lambda p: -len(p.stems))
        self._by_first: dict[str, list[_Phrase]] = {}
        for phrase in phrases:
            self._by_first.setdefault(phrase.stems[0], []).append(phrase)
        self.cue_words = sorted({w for mood in moods.values() for cue in mood.cues for w in cue.split()
                                 if w.isalpha()})
        self._cue_stems = {stem(w) for w in self.cue_words}
        self._collapsed = {collapse(w): w for w in self.cue_words if len(w) >= 3}
        # Words that are a cue on their own ("tired") come first, so a typo one letter from
        # two cue words ("tird": "tired", "third" of "third wheel") reads as the mood word.
        alone = {cue for mood in moods.values() for cue in mood.cues if cue.isalpha()}
        self._typo_targets = sorted((w for w in self.cue_words if len(w) >= 3), key=lambda w: w not in alone)
        self._short = [w for w in self.cue_words if len(w) == 3]
        # The words this lexicon and its examples use: what "English" means for language detection.
        self.vocabulary = frozenset(known_words) | NOT_TYPOS | set(self.cue_words)
        self.known = NOT_TYPOS | set(self.cue_words) | english_words()
        # A word of the examples is known too (slang, names) unless it is a plain typo of a cue
        # word: an example that happens to say "tierd" must not stop "tierd" being read as tired.
        self.kept = frozenset(kept) if kept is not None else frozenset(
            w for w in self.vocabulary - self.known if self._correct(w) == w)
        self.known = self.known | self.kept
        self._emoji = [(e, mood.name) for mood in moods.values() for e in mood.emoji_cues]
        # Two-word cues by each of their words, for a typo that is itself a real word: "in a
        # god mood" is "good mood", though "god" is never corrected on its own.
        # Keyed by the word written right and where the mistyped one stands (0 first, 1 second).
        self._pairs: dict[tuple[str, int], list[tuple[_Phrase, str]]] = {}
        for phrase in phrases:
            words_of = phrase.text.split()
            if phrase.mood and len(phrase.stems) == 2 and all(w.isalpha() for w in words_of):
                for wrong in (0, 1):
                    if len(words_of[wrong]) >= 4:
                        self._pairs.setdefault((phrase.stems[1 - wrong], wrong), []).append((phrase, words_of[wrong]))
        self.correct = lru_cache(maxsize=16384)(self._correct)

    def _correct(self, word: str) -> str:
        """The cue word a misspelt word stands for, or the word itself.

        Only a word that is neither a cue, nor a known word, nor a form of a cue word is
        corrected, and only to a cue word one edit away (two for long words): one letter
        swapped, dropped, doubled or wrong.
        """
        # rapidfuzz's C++ extensions (6 ms to load) come in with the first reading, which is the
        # reader's training once the bot is in its servers (cogs/mood.py), not at start-up.
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        if word in self.known or not word.isalpha() or stem(word) in self._cue_stems:
            return word
        squeezed = squeeze(word)
        if squeezed in self.known:
            return squeezed
        # A dropped g: "feelin", "nothin".
        if word.endswith("in") and word + "g" in self.known:
            return word + "g"
        collapsed = self._collapsed.get(collapse(word))
        if collapsed is not None:
            return collapsed
        if len(word) == 3:
            # Three letters leave room for one kind of typo only: two swapped ("sda").
            for target in self._short:
                if sorted(target) == sorted(word) and OSA.distance(target, word) == 1:
                    return target
            return word
        if len(word) < 3:
            return word
        limit = 1 if len(word) < 8 else 2
        first = process.extractOne(squeezed, self._typo_targets, scorer=OSA.distance, score_cutoff=limit)
        if first is None:
            return word
        # Rarely more than one is as near: only then are they all looked at.
        matches = process.extract(squeezed, self._typo_targets, scorer=OSA.distance, score_cutoff=first[1], limit=8)
        matches = [m for m in matches if abs(len(m[0]) - len(squeezed)) <= limit]
        if not matches:
            return word
        # The nearest; then one of the same letters (two swapped: "dwon" is "down", not "won"),
        # then the list's order (a cue word on its own first).
        best = min(matches, key=lambda m: (m[1], sorted(m[0]) != sorted(squeezed), m[2]))
        return str(best[0])

    def _candidates(self, stems: list[str], words: list[Word], i: int) -> Iterator[_Phrase]:
        """The cues that may start at ``i``: those whose first word is there, then (only if none
        of those matched) a two-word cue with one real-word typo in it."""
        for phrase in self._by_first.get(stems[i], ()):
            if tuple(stems[i:i + len(phrase.stems)]) == phrase.stems:
                yield phrase
        near = self._near_pair(stems, words, i)
        if near is not None:
            yield near

    def _near_pair(self, stems: list[str], words: list[Word], i: int) -> _Phrase | None:
        """The two-word cue at ``i`` with one of its words mistyped into another real word
        ("god mood"; "so tierd" is found anyway): the other word as written, the mistyped one its
        word with a doubled letter typed once, and not itself a cue word."""
        if i + 1 >= len(words) or words[i + 1].clause != words[i].clause:
            return None
        for wrong in (0, 1):
            typed = words[i + wrong].text
            if len(typed) < 3 or typed in NOT_TYPOS or stems[i + wrong] in self._cue_stems or not typed.isalpha():
                continue
            for phrase, target in self._pairs.get((stems[i + 1 - wrong], wrong), ()):
                # Only a doubled letter typed once ("god" for "good"): a letter changed is too often
                # another word that means something else ("laid off", "booked for", "so none").
                if len(typed) + 1 == len(target) and collapse(typed) == collapse(target):
                    return phrase
        return None

    def stems_of(self, words: list[Word]) -> list[str]:
        return [w.text + "#" if w.text in STEM_CLASHES else stem(self.correct(w.text)) for w in words]

    def find(self, text: str, words: list[Word], negated: list[bool]) -> list[Cue]:
        """Every cue in the text, longest first and none overlapping, with what each counts for."""
        stems = self.stems_of(words)
        used = [False] * len(words)
        cues: list[Cue] = []
        for i in range(len(stems)):
            for phrase in self._candidates(stems, words, i):
                n = len(phrase.stems)
                if any(used[i:i + n]):
                    continue
                # A cue in two words must stay in one clause: "bad. day" is not "bad day".
                # (One that has "and" or "when" in it spans it: "sick and tired of".)
                if words[i + n - 1].clause != words[i].clause and not SOFT_BREAKS & set(phrase.text.split()):
                    continue
                for j in range(i, i + n):
                    used[j] = True
                written = " ".join(w.text for w in words[i:i + n])
                if not phrase.mood:
                    cues.append(Cue(phrase.text, "", 0.0, position=i, counts_for=None))
                    break
                if (n == 1 and any(j < len(words) and words[j].text in THINGS and words[j].clause == words[i].clause
                                   for j in (i + 1, i + 2))) or any(words[j].text in NAMING
                                                                    and words[j].clause == words[i].clause
                                                                    for j in range(max(0, i - 4), i)):
                    cues.append(Cue(phrase.text, phrase.mood, 0.0, position=i, written=None if written == phrase.text
                                    else written, counts_for=None))
                    break
                weight = phrase.weight * words[i].weight * self._intensity(words, i)
                is_negated = negated[i]
                target: str | None = phrase.mood
                if is_negated:
                    target = NEGATED_AS.get(phrase.text, self.moods[phrase.mood].when_negated)
                    # "Not lonely any more", "no longer stressed": a low mood that has passed is relief.
                    if phrase.mood != RELIEF and RELIEF in self.moods and _passed(words, i, n):
                        target = RELIEF
                elif n == 1 and _of_someone_else(words, i):
                    # "My cat looks angry", "he seemed so sad": someone else's mood, seen.
                    cues.append(Cue(phrase.text, phrase.mood, 0.0, position=i, counts_for=None))
                    break
                elif phrase.text in AT_END_ONLY and i + 1 < len(words) and words[i + 1].clause == words[i].clause \
                        and words[i + 1].text not in AFTER_INTENSIFIERS and words[i + 1].text not in AT_END_WORDS:
                    cues.append(Cue(phrase.text, phrase.mood, 0.0, position=i, counts_for=None))
                    break
                elif phrase.text in OBJECT_SENSES and _of_a_thing(words, i, n):
                    # "My screen shattered", "the battery's dead": said of a thing, not a feeling.
                    cues.append(Cue(phrase.text, phrase.mood, 0.0, position=i, counts_for=None))
                    break
                if is_negated:
                    # A denial says less than a statement: "not sad, just bored" is bored.
                    weight = max(1.0, weight - 1)
                cues.append(Cue(phrase.text, phrase.mood, round(weight, 2), is_negated, i,
                                None if written == phrase.text else written, target))
                break
        after = len(words)
        for emoji, mood in self._emoji:
            count = text.count(emoji)
            if count:
                weight = EMOJI_WEIGHTS.get(emoji, 2.0) * min(count, 3)
                cues.append(Cue(emoji, mood, weight, position=after + text.index(emoji), counts_for=mood))
        cues.sort(key=lambda c: c.position)
        return _denials_give_way(cues, self.moods)

    @staticmethod
    def _intensity(words: list[Word], i: int) -> float:
        # "tired af" says it after the word.
        if i + 1 < len(words) and words[i + 1].text in AFTER_INTENSIFIERS and words[i + 1].clause == words[i].clause:
            return AFTER_INTENSIFIERS[words[i + 1].text]
        for j in (i - 1, i - 2):
            if j >= 0 and words[j].clause == words[i].clause:
                factor = INTENSIFIERS.get(words[j].text) or DOWNTONERS.get(words[j].text)
                if factor:
                    return factor
        return 1.0


def _passed(words: list[Word], i: int, n: int) -> bool:
    """Is the denial of the cue at ``i`` one of time ("not sad any more", "no longer sad")?"""
    clause = words[i].clause
    after = [w.text for w in words[i + n:i + n + 5] if w.clause == clause]
    before = [w.text for w in words[max(0, i - 4):i] if w.clause == clause]
    return "anymore" in after or ("any" in after and "more" in after) or "longer" in before


def _of_someone_else(words: list[Word], i: int) -> bool:
    """Is the cue at ``i`` how someone else looks or sounds ("my cat looks angry", "you
    sound tired")? Not when the writer says it of themselves ("i look tired")."""
    for j in (i - 1, i - 2, i - 3):
        if j < 1 or words[j].clause != words[i].clause:
            return False
        if words[j].text in SEEMING:
            return words[j - 1].text not in SELF and words[j - 1].clause == words[i].clause
        if words[j].text not in INTENSITY_WORDS:
            return False
    return False


def _of_a_thing(words: list[Word], i: int, n: int = 1) -> bool:
    """Is the cue of ``n`` words at ``i`` said of a thing ("my phone is dead", "the screen
    shattered", "these boots are worn out"), or done to one ("he wrecked the car")?"""
    for j in (i + n, i + n + 1):
        if j >= len(words) or words[j].clause != words[i].clause:
            break
        if words[j].text in OBJECTS:
            return True
        if words[j].text not in DETERMINERS:
            break
    for j in (i - 1, i - 2, i - 3):
        if j < 0 or words[j].clause != words[i].clause:
            return False
        if words[j].text in OBJECTS:
            return True
        if words[j].text not in LINKS:
            return False
    return False


def _denials_give_way(cues: list[Cue], moods: Mapping[str, Mood]) -> list[Cue]:
    """"Not sad exactly, just kinda alone": a denial reads as the opposite mood only when
    nothing else is said. When another mood is affirmed beside it, the denial counts for
    nothing and the affirmed mood decides."""
    affirmed = {c.counts_for for c in cues if not c.negated and c.counts_for}
    out = []
    for cue in cues:
        if cue.negated and cue.counts_for and affirmed - {cue.counts_for, cue.mood}:
            cue = Cue(cue.text, cue.mood, 0.0, True, cue.position, cue.written, None)
        out.append(cue)
    return out


def tally(cues: Iterable[Cue]) -> dict[str, float]:
    scores: dict[str, float] = {}
    for cue in cues:
        if cue.counts_for is not None:
            scores[cue.counts_for] = round(scores.get(cue.counts_for, 0.0) + cue.weight, 2)
    return scores
