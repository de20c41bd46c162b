"""Reading a mood from what a member types, in their own words.

``MoodReader`` (in ``reader``) is what the bot uses; ``LexiconReader`` (in ``lexicon_only``) is
the first reader, cue words only, kept as the baseline the benchmark and ``--eval`` compare with.
"""

from bot.services.mood.lexicon import Cue
from bot.services.mood.lexicon_only import LexiconReader
from bot.services.mood.reader import MoodReader, MoodReading, Verdict, load_examples

__all__ = ["Cue", "LexiconReader", "MoodReader", "MoodReading", "Verdict", "load_examples"]
