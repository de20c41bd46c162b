"""Turning a chat message into words the reader can weigh: normalised, split into clauses,
marked for negation, stemmed.

Everything here is plain and deterministic; the lexicon and the classifier both read the
same :class:`Word` list, so what one sees the other sees too.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from msgspec import Struct

# Letters of any script (so another language is seen as words), digits and apostrophes;
# "..." and "/s" are kept as tokens because they carry tone.
TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*|\.\.+|/s\b|[,.;:!?()\-–—]")
# Words that start a clause which outweighs the one before: "tired but happy" is happy.
CONTRAST = {"but", "however", "though", "although", "yet", "still", "except", "tho", "anyway", "anyways"}
CLAUSE_OPENERS = {"still", "yet"}
# Words that end a negation's reach without outweighing anything: "not sad, just bored".
SOFT_BREAKS = {"just", "and", "because", "cause", "cos", "since", "while", "when", "if", "until"}
PUNCTUATION = {",", ".", ";", ":", "!", "?", "(", ")", "-", "–", "—"}
NEGATIONS = {
    "not", "no", "never", "nor", "neither", "hardly", "barely", "isn't", "wasn't", "aren't", "ain't", "weren't",
    "don't", "doesn't", "didn't", "can't", "cannot", "won't", "wouldn't", "couldn't", "shouldn't", "haven't",
    "hasn't", "hadn't", "without", "less", "nothing", "nah", "nope", "zero",
}
# Chat spellings of the words above, so "im not" and "dont" negate like "I'm not" and "don't".
CONTRACTIONS = {
    "dont": "don't", "cant": "can't", "wont": "won't", "isnt": "isn't", "wasnt": "wasn't", "arent": "aren't",
    "aint": "ain't", "didnt": "didn't", "doesnt": "doesn't", "werent": "weren't", "couldnt": "couldn't",
    "wouldnt": "wouldn't", "shouldnt": "shouldn't", "havent": "haven't", "hasnt": "hasn't", "hadnt": "hadn't",
    "im": "i'm", "ive": "i've", "idk": "i don't know", "noone": "no one", "nobodys": "nobody's", "u": "you",
    "ur": "your", "rn": "right now", "tmrw": "tomorrow", "tmr": "tomorrow", "2day": "today", "2nite": "tonight",
    "tonite": "tonight", "pls": "please", "plz": "please", "bc": "because", "b4": "before", "cuz": "because",
    "bday": "birthday", "b-day": "birthday", "xmas": "christmas", "hny": "happy new year",
    "gud": "good", "gr8": "great", "luv": "love", "happi": "happy",
    "gonna": "going to", "wanna": "want to", "gotta": "got to", "kinda": "kind of", "sorta": "sort of",
}
# "so happy" says more than "a bit happy"; these scale the next cue.
INTENSIFIERS = {"so": 1.3, "very": 1.3, "really": 1.3, "super": 1.3, "extremely": 1.5, "totally": 1.3,
                "completely": 1.3, "absolutely": 1.4, "incredibly": 1.4, "properly": 1.2, "soo": 1.4, "sooo": 1.5,
                "beyond": 1.4, "utterly": 1.4, "highkey": 1.3, "hella": 1.3, "deeply": 1.3, "truly": 1.3,
                "seriously": 1.2, "pretty": 1.1, "quite": 1.1, "proper": 1.2, "well": 1.1}
AFTER_INTENSIFIERS = {"af": 1.4, "asf": 1.4, "afff": 1.4, "aff": 1.4}
DOWNTONERS = {"lowkey": 0.8, "bit": 0.7, "little": 0.7, "slightly": 0.6, "somewhat": 0.7, "kind": 0.8, "sort": 0.8,
              "mildly": 0.6, "lil": 0.7, "tad": 0.6, "kinda": 0.8}

INNER_HYPHEN = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")
EXCEPT_WHO = {"me", "myself", "us", "mine", "i"}
LYING_IF = re.compile(r"\b(?:i'd|i would|id) be lying if i said\s+")
# "Not gonna pretend I'm not grinning", "there's no way I'm not mad", "can't say this isn't dull":
# an opening that denies what follows; with the denial after it, the two cancel.
DENYING_OPENING = re.compile(
    r"\b(?:(?:i'm |i am |im )?not (?:going to|gonna) (?:pretend|lie and say|say)|(?:i )?won't pretend|"
    r"(?:i )?can't (?:pretend|deny|say)|(?:i )?couldn't say|there's no way|there is no way|no way)"
    r"(?: that)?\s+(?=(?:\S+\s+){0,3}?(?:not|isn't|wasn't|aren't|ain't|don't|didn't|never|no)\b)")
NEVER_SO = re.compile(
    r"\b(?:i've |i have |i'd |ive )?never (?:been|felt|was|were|ever been|ever felt) (?:so|this|that|as) ")
NO_WAY = re.compile(r"\bno+ wa+y+\b")
# "Not stressed? who am I kidding": the denial before it is taken back.
KIDDING = re.compile(r"\b(?:who am i kidding|who am i fooling|who are we kidding|yeah right|lol jk|jk|just kidding)\b")
DENIAL = re.compile(r"\b(?:not|never|no)\b\s*|(?<=\w)n't\b")
_RUNS = re.compile(r"(.)\1{2,}")


class Word(Struct, frozen=True):
    text: str  # as written, normalised (lower case, straight quotes)
    clause: int  # which clause it is in, counted from 0
    weight: float  # how much its clause counts: more after each "but"
    index: int  # position among the words


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return text.replace("’", "'").replace("‘", "'").replace("`", "'").replace("´", "'")


@lru_cache(maxsize=16384)
def squeeze(word: str) -> str:
    """"sooooo" is "soo" and "tiiiired" is "tiired": a held key, not a new word."""
    return _RUNS.sub(r"\1\1", word)


def collapse(word: str) -> str:
    """The word with every doubled letter single: "borred" and "bored" both give "bored"."""
    return re.sub(r"(.)\1+", r"\1", word)


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    """The Snowball English stemmer (in C with PyStemmer). Loaded when the reader first reads,
    which is once the bot is in its servers (cogs/mood.py), not with this module at start-up."""
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    return str(_stemmer().stemWord(word))


def split_words(text: str) -> list[Word]:
    """The words of ``text`` in order, each with its clause and the clause's weight."""
    # A hyphen inside a word joins it ("all-nighter"); around spaces it is a pause.
    normal = normalise(text)
    # (Each rewrite is tried only where its key word appears: most phrases have none.)
    if "-" in normal:
        normal = INNER_HYPHEN.sub(" ", normal)
    if "pretend" in normal or "way" in normal or "say" in normal or "deny" in normal:
        normal = DENYING_OPENING.sub("not ", normal)
    if "wa" in normal:
        normal = NO_WAY.sub("noway", normal)
    # "I'd be lying if I said I wasn't annoyed" affirms: the opening denies what follows.
    if "lying" in normal:
        normal = LYING_IF.sub("not ", normal)
    # "Never been so bored" is very bored: a superlative, not a denial.
    if "never" in normal:
        normal = NEVER_SO.sub("so ", normal)
    kidding = KIDDING.search(normal) if any(k in normal for k in ("kidding", "fooling", "right", "jk")) else None
    if kidding is not None:
        normal = DENIAL.sub("", normal[:kidding.start()]) + " " + normal[kidding.end():]
    parts: list[str] = []
    for token in TOKEN.findall(normal):
        parts.extend(squeeze(p) for p in CONTRACTIONS.get(token, token).split())
    words: list[Word] = []
    clause = 0
    weight = 1.0
    for n, part in enumerate(parts):
        if part in PUNCTUATION or part.startswith(".."):
            clause += 1
            continue
        if part == "/s":
            continue
        # "everyone's out but me": "but" (or "except") before "me" starts no new clause.
        # "Still" and "yet" turn the sentence only where a clause starts ("still, it paid off"),
        # not inside one ("i still have laundry", "not yet").
        opening = n == 0 or parts[n - 1] in PUNCTUATION or parts[n - 1] in SOFT_BREAKS or parts[n - 1].startswith("..")
        if part in CLAUSE_OPENERS and not opening:
            words.append(Word(part, clause, weight, len(words)))
            continue
        if part in CONTRAST and not (part in ("but", "except") and n + 1 < len(parts) and parts[n + 1] in EXCEPT_WHO):
            clause += 1
            # A second "but" outweighs the first: "fine but tired but happy" is happy.
            weight *= 2.0
            continue
        if part in SOFT_BREAKS:
            clause += 1
        words.append(Word(part, clause, weight, len(words)))
    return words


# After a negation these turn it into insistence: "can't stop crying" is crying, hard.
STOPPING = {"stop", "stopped", "quit", "help"}


def negated_flags(words: list[Word], reach: int = 4) -> list[bool]:
    """For each word: is it under an odd number of negations within ``reach`` words before it, in
    its clause? Two negations cancel ("I can't say I'm not happy" is happy), and a negated
    "stop" or "help" affirms ("can't stop crying", "couldn't help smiling")."""
    flags = []
    for i, word in enumerate(words):
        count = 0
        for j in range(max(0, i - reach), i):
            if words[j].clause == word.clause and is_negation(words[j].text):
                if j + 1 < i and words[j + 1].text in STOPPING:
                    continue
                count += 1
        flags.append(count % 2 == 1)
    return flags


def is_negation(word: str) -> bool:
    return word in NEGATIONS or word.endswith("n't")
