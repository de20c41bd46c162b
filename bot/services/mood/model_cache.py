"""The trained mood reader kept in a file between start-ups.

Training (splitting 2,000 example phrases into words, stemming and typo-checking them, counting
the classifier's features) took about a third of a second of every start-up, and gives the same
lexicon and model every time from the same inputs. The file holds what training found, as plain
JSON, under a key: a hash of the moods, the examples, the reader's own source files and the
files of the libraries that stem and compare words. Any change to those gives another key,
so a file from another version is never used; a file that is unreadable, not JSON, or not the
shape expected is ignored, the reader is trained as usual and the file written afresh.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from bot import cache_file
from bot.models import Mood
from bot.services.mood.classifier import NaiveBayes
from bot.services.mood.lexicon import Lexicon

log = logging.getLogger(__name__)

FORMAT = 1
WHAT = "mood model"
# The libraries whose behaviour is part of what training found (stems, typo distances, the
# English word list), by module name.
LIBRARIES = ("snowballstemmer", "Stemmer", "rapidfuzz", "symspellpy")
SOURCES = Path(__file__).resolve().parent


def cache_key(inputs: str) -> str:
    """A hash of everything the trained reader follows from: ``inputs`` (the reader's hash of its
    moods and examples), its source files and the libraries' files."""
    digest = hashlib.sha256(f"mood-model {FORMAT}\n{inputs}\n".encode())
    for source in sorted(SOURCES.glob("*.py")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    for library in LIBRARIES:
        # Which files the library is (an upgrade or a reinstall gives others), rather than its
        # version from importlib.metadata, whose import alone took 40 ms of each start-up.
        try:
            spec = importlib.util.find_spec(library)
            origin = spec.origin if spec is not None else None
            mark = f"{origin} {os.stat(origin).st_size} {os.stat(origin).st_mtime_ns}" if origin else "-"
        except (ImportError, ValueError, OSError):
            mark = "-"
        digest.update(f"{library} {mark}\n".encode())
    return digest.hexdigest()


def load(path: Path, key: str, moods: Mapping[str, Mood]) -> tuple[Lexicon, NaiveBayes] | None:
    """The lexicon and model saved in ``path`` under ``key``; None if the file is missing, from
    other inputs, or damaged."""
    data = cache_file.saved(path, key, WHAT)
    if data is None:
        return None
    try:
        words, kept = data["vocabulary"], data["kept"]
        if not (isinstance(words, list) and isinstance(kept, list)
                and all(isinstance(w, str) for w in words + kept)):
            raise TypeError("words must be lists of text")
        model = NaiveBayes.from_state(data["model"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        log.warning("the mood model cache %s is damaged (%s); training the reader again", path, exc)
        return None
    return Lexicon(moods, words, kept=kept), model


def save(path: Path, key: str, lexicon: Lexicon, model: NaiveBayes, known_words: Sequence[str]) -> None:
    """Write the trained lexicon and model to ``path`` (whole or not at all); a folder that cannot
    be written is logged and otherwise ignored, since the cache only saves time."""
    cache_file.save(path, key, {"vocabulary": sorted(known_words), "kept": sorted(lexicon.kept),
                                 "model": model.state()}, WHAT)
