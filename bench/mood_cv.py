"""How well does the mood reader generalise? k-fold cross-validation on the example corpus
(each fold's phrases read by a reader trained on the other folds), then the accuracy on any
evaluation files given (by default the spent sets in bench/mood_eval/), for a reader
trained on the whole corpus.

    python bench/mood_cv.py [--folds 10] [FILE ...]
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from bot.services.mood import MoodReader, load_examples
from bot.services.mood.evaluation import load_rows
from bot.services.packs import load_moods

EVAL_SETS = Path(__file__).parent / "mood_eval"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folds", type=int, default=10)
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args()
    moods = load_moods()
    examples = load_examples(labels=[m.name for m in moods])
    order = list(range(len(examples)))
    random.Random(12).shuffle(order)
    right = 0
    for k in range(args.folds):
        test = {i for n, i in enumerate(order) if n % args.folds == k}
        reader = MoodReader(moods, [e for i, e in enumerate(examples) if i not in test], reuse=False)
        right += sum(reader.read(examples[i][0]).label == examples[i][1] for i in test)
    print(f"{args.folds}-fold on the corpus: {right}/{len(examples)} = {100 * right / len(examples):.1f}%")
    reader = MoodReader(moods)
    for path in args.files or sorted(EVAL_SETS.glob("*.tsv")):
        rows = load_rows(path, [m.name for m in moods])
        hits = sum(reader.read(row.text).label in row.accepted for row in rows)
        print(f"{path.name}: {hits}/{len(rows)} = {100 * hits / len(rows):.1f}%")


if __name__ == "__main__":
    main()
