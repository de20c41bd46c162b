"""The mood reader: rules first (crisis, another language), then the cue lexicon and a naive
Bayes classifier read the same words, and their scores are added up.

* The lexicon (``content/moods.yaml``) knows the words that name a mood, forgives one-letter
  typos, and applies negation ("not happy" is sad; "can't say I'm not happy" is happy) and the
  weight of a "but" clause ("happy but nervous about tomorrow" is stressed).
* The classifier (trained at start-up on ``content/mood_examples.yaml``) knows phrasings with
  no mood word in them: events ("my bike got stolen"), idioms ("in the dumps"), loneliness as
  a situation ("everyone's out but me"), good news ("I passed!"), and plain chat that is no
  mood at all (label ``none``).
* A reading that is not sure says so and offers the likeliest two or three moods.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path

from msgspec.structs import replace

from bot.models import Mood
from bot.services.mood import model_cache, rules
from bot.services.mood.classifier import Features, NaiveBayes, featurise
from bot.services.mood.examples import EXAMPLES_FILE, NONE, load_examples
from bot.services.mood.lexicon import Cue, Lexicon, tally
from bot.services.mood.reading import MoodReading, Verdict
from bot.services.mood.rules import is_crisis, is_sarcastic, not_about_me, other_language, sarcasm_is_dull
from bot.services.mood.text import Word, negated_flags, normalise, split_words

# How the lexicon's points and the classifier's probabilities add up: a probability of 1 is
# worth this many points (a strong cue is 3).
CLASSIFIER_POINTS = 3.0
TEMPERATURE = 4.0
# A reading is sure when its mood leads the next by this many points...
SURE_MARGIN = 1.5
# ...or, with no cue at all, when the classifier gives it at least this probability.
SURE_PROBABILITY = 0.55
# Below this the classifier's best mood is no guess at all, just a "which is closest?".
GUESS_PROBABILITY = 0.2
# A single word that is no cue must be at least this likely to be read as a mood.
ONE_WORD_PROBABILITY = 0.45
# With no cue, "none" wins when it is at least this share of the best mood's probability.
NONE_RATIO = 0.8
# Gentle moods this likely make a pick gentle, whatever mood wins.
GENTLE_PROBABILITY = 0.35
OFFERS = 3
SARCASM_MOOD = "angry"
# With the cheer taken out, a mood this likely is what the sarcasm is about.
SARCASM_UNDER = 0.5
# A sentence that opens with one of these alone, then tells of trouble, is sarcastic.
CHEER = frozenset({"great", "awesome", "fantastic", "wonderful", "brilliant", "perfect", "lovely", "nice", "super",
                   "yay", "cool", "amazing", "excellent", "marvellous", "terrific", "joy", "fab", "splendid"})
CHAT_LAUGHS = frozenset({"lol", "haha", "lmao", "lmfao", "rofl", "hehe"})
FILLERS = frozenset({"oh", "ah", "well", "just", "wow", "so", "how", "really", "thanks", "thank", "you"})


# Readers built in this process, by what they were built from: the lexicon and the model are
# never changed once built, so a second Core (a restart in the tests, the CLI after the bot)
# shares them instead of training again.
_BUILT: dict[str, tuple[Lexicon, NaiveBayes]] = {}


def _key(text: str) -> str:
    return " ".join(normalise(text).split())


def _features(lexicon: Lexicon, words: list[Word], negated: list[bool] | None = None) -> Features:
    return featurise(words, lexicon.stems_of(words), negated if negated is not None else negated_flags(words))


class MoodReader:
    def __init__(self, moods: Iterable[Mood], examples: Sequence[tuple[str, str]] | None = None, *,
                 reuse: bool = True, cache: Path | None = None, train_now: bool = True) -> None:
        """A reader for ``moods``, its classifier trained on ``examples`` (default: the shipped
        ``content/mood_examples.yaml``). ``reuse=False`` trains afresh even if this process
        already built a reader from the same moods and examples (the benchmark times that).
        ``cache``: a file that keeps what training found between processes (``model_cache``):
        read when it matches these inputs, written when it does not.

        ``train_now=False`` leaves the training (or the reading of ``cache``) to the first reading,
        or to :meth:`warm`: the bot connects first and warms the reader once its servers are in,
        since the moods themselves (:attr:`moods`, :meth:`get`, :meth:`suggest`) need none of it."""
        self.moods = {mood.name: mood for mood in moods}
        if not self.moods:
            raise ValueError("at least one mood is needed")
        self.labels = (*self.moods, NONE)
        self._inputs = (examples, reuse, cache)
        self._taught: dict[str, str] = {}
        if train_now:
            self.warm()

    @functools.cached_property
    def _trained(self) -> tuple[Lexicon, NaiveBayes]:
        examples, reuse, cache = self._inputs
        if examples is None:
            examples = load_examples(labels=self.moods) if EXAMPLES_FILE.exists() else []
        key = hashlib.sha256(repr((sorted(self.moods.items()), list(examples))).encode()).hexdigest()
        built = _BUILT.get(key) if reuse else None
        file_key = model_cache.cache_key(key) if built is None and cache is not None else None
        if cache is not None and file_key is not None:
            built = model_cache.load(cache, file_key, self.moods)
        if built is None:
            split = [(split_words(text), label) for text, label in examples if label in self.labels]
            vocabulary = {w.text for words, _ in split for w in words}
            lexicon = Lexicon(self.moods, vocabulary)
            model = NaiveBayes.train(self.labels, ((_features(lexicon, words), label) for words, label in split))
            if cache is not None and file_key is not None:
                model_cache.save(cache, file_key, lexicon, model, sorted(vocabulary))
            built = lexicon, model
        if reuse and key not in _BUILT:
            _BUILT[key] = built
        return built

    @property
    def lexicon(self) -> Lexicon:
        return self._trained[0]

    @property
    def model(self) -> NaiveBayes:
        return self._trained[1]

    @property
    def warmed(self) -> bool:
        """Whether the reader is trained (see ``train_now``)."""
        return "_trained" in self.__dict__

    def warm(self) -> None:
        """Train the reader (or read it from its cache) and compile the rules' patterns now, if
        that is not done yet, rather than at the first reading."""
        self._trained  # noqa: B018 - built on first use
        rules.compile_patterns()

    def with_examples(self, examples: Iterable[tuple[str, str]], weight: float = 3.0) -> MoodReader:
        """This reader with a few more labelled phrases (say, one server's corrections) laid over
        its classifier, each counting ``weight`` times. Costs as much as the phrases given; this
        reader is unchanged. A phrase given here is also remembered whole: the same text (any
        case and spacing) then reads as its label, sure, since a member said so."""
        lexicon, model = self._trained
        clone = object.__new__(MoodReader)
        clone.__dict__.update(self.__dict__)
        examples = list(examples)
        model = model.with_examples(((self.features(text), label) for text, label in examples), weight)
        clone._trained = lexicon, model
        clone._taught = {**self._taught, **{_key(text): label for text, label in examples}}
        return clone

    def features(self, text: str) -> Features:
        return self._features(split_words(text))

    def _features(self, words: list[Word], negated: list[bool] | None = None) -> Features:
        return _features(self.lexicon, words, negated)

    def get(self, name: str) -> Mood | None:
        return self.moods.get(name.strip().lower())

    def suggest(self, prefix: str) -> list[Mood]:
        """Moods for autocomplete: those whose name or description starts with / contains the text."""
        prefix = prefix.strip().lower()
        ordered = sorted(self.moods.values(), key=lambda m: (not m.name.startswith(prefix), m.name))
        return [m for m in ordered if not prefix or prefix in m.name or prefix in m.description.lower()]

    def read(self, text: str) -> MoodReading:
        """What ``text`` reads as; see :class:`MoodReading`."""
        named = self.get(text) or self.get(self.lexicon.correct(normalise(text).strip())) or self._name_typo(text)
        if named is not None:
            return MoodReading(named, (Cue(named.name, named.name, 3.0, counts_for=named.name),),
                               {named.name: 3.0}, Verdict.MOOD, gentle=named.gentle)
        if is_crisis(text):
            return MoodReading(None, verdict=Verdict.CRISIS, notes=("crisis: reply with care, no joke",), gentle=True)
        taught = self.moods.get(self._taught.get(_key(text), ""))
        if taught is not None:
            reading = self.read_plain(text)
            return replace(reading, mood=taught, verdict=Verdict.MOOD, sure=True, offers=(),
                                       notes=(*reading.notes, "corrected in this server: read as its members chose"),
                                       gentle=reading.gentle or taught.gentle)
        words = split_words(text)
        if other_language([w.text for w in words], text, self.lexicon.vocabulary):
            return MoodReading(None, verdict=Verdict.OTHER_LANGUAGE, notes=("another language",),
                               offers=tuple(self.moods.values()))
        if not_about_me(text):
            # "Tired of waiting? try the express lane", "what does knackered mean": a mood word
            # used, no mood said. Every mood is offered, likeliest first, as for any "none".
            reading = self._score(text, words)
            return replace(reading, mood=None, verdict=Verdict.NONE, sure=False,
                                       offers=tuple(self.moods[n] for n in sorted(
                                           self.moods, key=lambda n: -reading.scores.get(n, 0.0))),
                                       notes=(*reading.notes, "a mood word, but not how the writer feels"))
        return self._score(text, words)

    def read_plain(self, text: str) -> MoodReading:
        """The reading from cues and classifier alone (no rules, no remembered corrections)."""
        return self._score(text, split_words(text))

    def _score(self, text: str, words: list[Word]) -> MoodReading:
        negated = negated_flags(words)
        cues = self.lexicon.find(text, words, negated)
        notes: list[str] = []
        if any(w.weight > 1 for w in words):
            notes.append("the part after 'but' counts double")
        sarcastic = is_sarcastic(text) or self._cheer_then_trouble(words)
        # 🙃 (or a 🙂 beside "fine") is smiling through it: nothing cheerful in it counts. With
        # cheerful words too it is sarcasm; alone, what is left decides.
        masked = "🙃" in text or ("🙂" in text and "fine" in text.lower())
        if masked and not sarcastic:
            sarcastic = any(c.counts_for == "happy" and not c.text.startswith("🙂") for c in cues)
        features = self._features(words, negated)
        likelihood = self.model.probabilities(features, TEMPERATURE)
        turned = self._after_but(words, negated, cues)
        if turned is not None:
            # "Stressed all week but it paid off": what follows the "but" tells of a feeling, so
            # the classifier reads it on its own and the cues before it count half.
            notes.append("the classifier reads the part after 'but' alone, the cues before count half")
            start = next(w.index for w in words if w.weight == words[-1].weight)
            cues = [replace(c, weight=round(c.weight / 2, 2)) if c.position < start else c for c in cues]
            features, likelihood = turned
        if sarcastic and SARCASM_MOOD in self.moods:
            # The cheerful words are the sarcasm: they count for nothing, and what is left
            # decides; sarcasm itself leans to fed up ("oh great, another monday").
            notes.append("sarcasm: the cheerful words count for nothing, and lean to fed up")
            cues = [replace(c, counts_for=None, weight=0.0) if c.counts_for == "happy" else c for c in cues]
            leaning = "bored" if sarcasm_is_dull(text) and "bored" in self.moods else SARCASM_MOOD
            cheer = likelihood.pop("happy", 0.0)
            rest = sum(likelihood.values()) or 1.0
            likelihood = {k: v + cheer * v / rest for k, v in likelihood.items()}
            likelihood["happy"] = 0.0
            # What lies under the cheer may be plainer than fed up: "great, another saturday
            # night talking to the microwave" is lonely. Then the lean gives way to it.
            under = max(self.moods, key=lambda name: likelihood.get(name, 0.0))
            if under != leaning and likelihood.get(under, 0.0) >= SARCASM_UNDER:
                notes.append(f"what lies under the sarcasm reads as {under}")
                leaning = under
            cues.append(Cue("(sarcasm)", leaning, 1.0, position=len(words), counts_for=leaning))
        if cues and len(words) <= 3 and all(c.text in CHAT_LAUGHS for c in cues if c.counts_for) \
                and likelihood.get(NONE, 0.0) >= max(likelihood.values()):
            # "lol ok", "haha sure": a laugh that only acknowledges is chat, not a mood.
            notes.append("a laugh that only acknowledges: chat, not a mood")
            cues = [replace(c, counts_for=None, weight=0.0) for c in cues]
        if masked and not sarcastic:
            notes.append("smiling through it: the cheerful words and faces count for nothing")
            cues = [replace(c, counts_for=None, weight=0.0) if c.counts_for == "happy" else c for c in cues]
            cheer = likelihood.pop("happy", 0.0)
            rest = sum(likelihood.values()) or 1.0
            likelihood = {k: v + cheer * v / rest for k, v in likelihood.items()}
            likelihood["happy"] = 0.0
        lexical = tally(cues)
        scores = {name: round(lexical.get(name, 0.0) + CLASSIFIER_POINTS * likelihood.get(name, 0.0), 2)
                  for name in self.moods}
        ranked = sorted(self.moods, key=lambda name: (-scores[name], -self._last_cue(cues, name)))
        best, second = ranked[0], ranked[1] if len(ranked) > 1 else ranked[0]
        p_none = likelihood.get(NONE, 0.0)
        if lexical:
            sure = scores[best] - scores[second] >= SURE_MARGIN
            verdict = Verdict.MOOD
        elif (p_none >= NONE_RATIO * likelihood[best] or likelihood[best] < GUESS_PROBABILITY
              or (len(words) <= 2 and likelihood[best] < ONE_WORD_PROBABILITY)):
            # One word that is no cue says little: "test" is not a mood because exams are.
            verdict, sure = Verdict.NONE, False
        else:
            verdict = Verdict.MOOD
            sure = likelihood[best] >= SURE_PROBABILITY
        offers: tuple[Mood, ...] = ()
        if not sure:
            offers = tuple(self.moods[name] for name in ranked[:OFFERS])
        mood = self.moods[best] if verdict is Verdict.MOOD else None
        gentle = (
            (mood is not None and mood.gentle)
            or any(m.gentle for m in offers if verdict is Verdict.MOOD)
            or any(self.moods[name].gentle and score >= 2 for name, score in lexical.items())
            or sum(p for name, p in likelihood.items() if name in self.moods and self.moods[name].gentle)
            >= GENTLE_PROBABILITY
        )
        rival = second if mood is not None else NONE
        evidence = tuple(self.model.evidence(features, best, rival)) if not lexical else ()
        return MoodReading(mood, tuple(cues), scores, verdict, sure, offers,
                           {k: round(v, 3) for k, v in likelihood.items()}, evidence, tuple(notes), gentle)

    def _after_but(self, words: list[Word], negated: list[bool],
                   cues: list[Cue]) -> tuple[Features, dict[str, float]] | None:
        """The classifier's reading of the last "but" clause alone, when it reads as a mood
        rather than as nothing: what follows the "but" decides, so what comes before it must
        not outvote it through the classifier ("the surgery went well but i'm still scared")."""
        if not words or words[-1].weight <= 1:
            return None
        start = next(w.index for w in words if w.weight == words[-1].weight)
        if len(words) - start < 2 or start == 0:
            return None
        features = self._features(words[start:], negated[start:])
        likely = self.model.probabilities(features, TEMPERATURE)
        best = max(self.moods, key=lambda name: likely.get(name, 0.0))
        cued = any(c.position >= start and c.counts_for for c in cues)
        if not cued and (likely.get(NONE, 0.0) >= likely[best] or likely[best] < 0.3):
            return None
        return features, likely

    def _cheer_then_trouble(self, words: list[Word]) -> bool:
        """"Awesome, I locked my keys in the car": a cheerful word on its own, then something
        the rest of the sentence does not read as happy about."""
        if not words or words[0].clause != 0:
            return False
        opening = [w.text for w in words if w.clause == 0]
        if not (set(opening) <= CHEER | FILLERS and set(opening) & CHEER):
            return False
        rest = [w for w in words if w.clause > 0]
        if len(rest) < 2:
            return False
        likely = self.model.probabilities(self._features(rest), TEMPERATURE)
        lexical = tally(self.lexicon.find("", rest, negated_flags(rest)))
        if lexical:
            return max(lexical, key=lambda k: lexical[k]) != "happy"
        return max(likely, key=lambda k: likely[k]) not in ("happy", NONE)

    def _name_typo(self, text: str) -> Mood | None:
        """A message of one word that is a mood's name with a letter added or two swapped
        ("tiered", "stresed" is caught anyway): alone, a real word that close to a name is
        likelier a slip than itself. Not a letter changed, so "lovely" is never "lonely"."""
        from rapidfuzz.distance import OSA  # loaded with the reader's training: lexicon.py says why

        word = normalise(text).strip(" .!?")
        if not word.isalpha():
            return None
        for name, mood in self.moods.items():
            if len(name) >= 5 and len(word) in (len(name), len(name) + 1) and word != name \
                    and OSA.distance(word, name) == 1 and (sorted(word) == sorted(name) or len(word) > len(name)):
                return mood
        return None

    @staticmethod
    def _last_cue(cues: Sequence[Cue], name: str) -> int:
        # Ties go to the mood said last: in chat the last word tends to be the real one.
        return max((c.position for c in cues if c.counts_for == name), default=-1)
