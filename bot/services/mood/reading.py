"""What the mood reader hands back: a reading, its verdict, and why."""

from __future__ import annotations

import enum

from msgspec import Struct, field

from bot.models import Mood
from bot.services.mood.classifier import Evidence
from bot.services.mood.lexicon import Cue


class Verdict(enum.StrEnum):
    MOOD = "mood"
    NONE = "none"
    CRISIS = "crisis"
    OTHER_LANGUAGE = "other-language"


class MoodReading(Struct, frozen=True):
    """What a text reads as, and why.

    ``mood`` is the reading (None for no mood, a crisis or another language); ``sure`` is False
    when it is only the likeliest guess, and then ``offers`` holds the moods to ask about,
    likeliest first. ``gentle`` is True when a gentle mood was plausible at all: a pick for it
    must then be gentle whichever mood it is for.
    """

    mood: Mood | None
    cues: tuple[Cue, ...] = ()
    scores: dict[str, float] = field(default_factory=dict)
    verdict: Verdict = Verdict.NONE
    sure: bool = True
    offers: tuple[Mood, ...] = ()
    likelihood: dict[str, float] = field(default_factory=dict)
    evidence: tuple[Evidence, ...] = ()
    notes: tuple[str, ...] = ()
    gentle: bool = False

    @property
    def label(self) -> str:
        """The mood's name, or ``none``, ``crisis`` or ``other-language``."""
        return self.mood.name if self.mood is not None else self.verdict.value

    def explain(self) -> list[str]:
        """Why, in lines for a person: the cues, the rules that applied, the classifier's view."""
        lines = [f"  note: {note}" for note in self.notes]
        for cue in self.cues:
            written = f" (written {cue.written!r})" if cue.written else ""
            negated = f", negated {cue.mood}" if cue.negated else ""
            lines.append(f"  cue {cue.text!r}{written} -> {cue.counts_for or 'nothing'} +{cue.weight:g}{negated}")
        if self.likelihood:
            ranked = sorted(self.likelihood.items(), key=lambda kv: -kv[1])[:4]
            lines.append("  classifier: " + ", ".join(f"{name} {p:.2f}" for name, p in ranked))
        if self.evidence:
            lines.append("  because of: " + ", ".join(e.describe() for e in self.evidence))
        if self.scores:
            ranked_scores = sorted(self.scores.items(), key=lambda kv: -kv[1])[:4]
            lines.append("  scores: " + ", ".join(f"{name} {score:g}" for name, score in ranked_scores))
        if self.offers:
            lines.append("  not sure: offers " + ", ".join(m.name for m in self.offers))
        if self.gentle and (self.mood is None or not self.mood.gentle):
            lines.append("  gentle: a gentle mood is plausible, so the pick is gentle")
        return lines

    def reason(self) -> tuple[tuple[Cue, ...], bool]:
        """Why, as data the cog words for the member: the cues that decided it (at most three), and,
        when none did, whether how the words were put did."""
        decisive = tuple(c for c in self.cues if self.mood is not None and c.counts_for == self.mood.name)[:3]
        phrased = not decisive and any(e.feature.startswith("w:") and e.feature.partition(":")[2].lstrip("!")
                                       for e in self.evidence)
        return decisive, phrased
