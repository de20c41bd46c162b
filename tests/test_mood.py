from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.errors import ContentError
from bot.services.mood import LexiconReader, MoodReader, Verdict, load_examples
from bot.services.mood.rules import CRISIS_REPLY
from bot.services.packs import BUILTIN_CONTENT, load_moods
from tests.support import found

FIXTURE = Path(__file__).parent / "fixtures" / "mood_eval.tsv"


@pytest.fixture(scope="module")
def reader() -> MoodReader:
    return MoodReader(load_moods())


def mood_of(reader: MoodReader, text: str) -> str:
    return reader.read(text).label


@pytest.mark.parametrize(
    ("text", "mood"),
    [
        ("happy", "happy"),
        ("ugh, exams tomorrow", "stressed"),
        ("not happy at all", "sad"),
        ("I'm not sad, just bored out of my mind", "bored"),
        ("so tired, barely slept", "tired"),
        ("nobody to talk to tonight", "lonely"),
        ("this traffic makes me furious", "angry"),
        ("😴", "tired"),
        ("😡😡", "angry"),
        ("feeling great today!", "happy"),
        ("HAPPY", "happy"),
        ("sad but happy", "happy"),
        ("happy but sad", "sad"),
    ],
)
def test_reads_moods_in_peoples_words(reader: MoodReader, text: str, mood: str) -> None:
    assert mood_of(reader, text) == mood, reader.read(text).explain()


@pytest.mark.parametrize(
    ("text", "mood"),
    [
        ("so tierd", "tired"),  # two letters swapped
        ("feeling happpy", "happy"),  # a letter doubled
        ("completely exausted", "tired"),  # a letter dropped
        ("really stresed out", "stressed"),
        ("lonly tonight", "lonely"),
        ("angyr", "angry"),
        ("sooooo boreddd", "bored"),  # a held key
        ("feelin good", "happy"),  # a dropped g
    ],
)
def test_plain_typos_of_mood_words_are_forgiven(reader: MoodReader, text: str, mood: str) -> None:
    reading = reader.read(text)
    assert reading.label == mood, reading.explain()


def test_real_words_near_a_cue_are_not_corrected_into_it(reader: MoodReader) -> None:
    for text in ("i tried my best", "two flat tires", "we played a board game"):
        assert not any(cue.mood in ("tired", "bored") for cue in reader.read(text).cues), text


@pytest.mark.parametrize(
    ("text", "mood"),
    [
        ("my bike got stolen", "sad|angry"),  # an event with no feeling word
        ("pulled an all-nighter", "tired"),
        ("down in the dumps", "sad"),  # idioms and slang
        ("absolutely knackered", "tired"),
        ("swamped with work", "stressed"),
        ("everyone's out but me", "lonely"),  # loneliness as a situation
        ("i passed my driving test!!", "happy"),  # happiness as news
    ],
)
def test_phrasings_with_no_listed_cue(reader: MoodReader, text: str, mood: str) -> None:
    assert mood_of(reader, text) in mood.split("|"), reader.read(text).explain()


def test_the_clause_after_but_weighs_more(reader: MoodReader) -> None:
    assert mood_of(reader, "happy but nervous about tomorrow") == "stressed"
    assert mood_of(reader, "tired but happy") == "happy"
    assert mood_of(reader, "happy but sooo tired") == "tired"
    assert "counts double" in " ".join(reader.read("tired but happy").notes)


def test_negation_and_double_negation(reader: MoodReader) -> None:
    assert mood_of(reader, "not happy") == "sad"
    assert mood_of(reader, "not sad, just bored") == "bored"
    assert mood_of(reader, "I can't say I'm not happy") == "happy"
    assert mood_of(reader, "not unhappy tbh") == "happy"
    assert mood_of(reader, "it's not that i'm not tired") == "tired"
    reading = reader.read("not tired at all")
    assert not any(c.counts_for == "tired" for c in reading.cues)


def test_obvious_sarcasm_is_not_happy(reader: MoodReader) -> None:
    for text in ("oh great, another monday", "great, just great", "just what i needed, a flat tyre",
                 "love that for me, the train is cancelled"):
        reading = reader.read(text)
        assert reading.label != "happy", text
        assert any("sarcasm" in note for note in reading.notes), text


def test_a_cheerful_opening_over_trouble_is_sarcasm_but_not_over_good_news(reader: MoodReader) -> None:
    assert mood_of(reader, "awesome, i locked my keys in the car") == "angry"
    assert mood_of(reader, "great, i passed!") == "happy"


def test_never_been_so_is_not_a_denial(reader: MoodReader) -> None:
    assert mood_of(reader, "never been so bored in my life") == "bored"
    assert mood_of(reader, "i've never felt this tired") == "tired"


@pytest.mark.parametrize("text", [
    "i want to die", "thinking about killing myself", "i don't want to be alive anymore",
    "everyone would be better off without me", "what's the point of living", "i've been hurting myself again",
])
def test_crisis_is_recognised(reader: MoodReader, text: str) -> None:
    reading = reader.read(text)
    assert reading.verdict is Verdict.CRISIS and reading.mood is None and reading.label == "crisis"


@pytest.mark.parametrize("text", ["i'm dead tired", "dying of laughter", "this traffic is killing me",
                                  "my headache is gone", "kill me now, another meeting"])
def test_hyperbole_is_not_crisis(reader: MoodReader, text: str) -> None:
    assert reader.read(text).verdict is not Verdict.CRISIS


def test_the_crisis_reply_is_kind_short_and_points_to_people() -> None:
    assert "moderators" in CRISIS_REPLY and "joke" in CRISIS_REPLY
    assert len(CRISIS_REPLY) < 300 and not any(ch.isdigit() for ch in CRISIS_REPLY)  # no numbers to go stale


@pytest.mark.parametrize("text", ["je suis très fatigué", "ich bin so müde heute", "estoy muy triste",
                                  "我今天很累", "я очень устал"])
def test_another_language_is_recognised(reader: MoodReader, text: str) -> None:
    assert reader.read(text).verdict is Verdict.OTHER_LANGUAGE


def test_english_with_a_borrowed_word_is_english(reader: MoodReader) -> None:
    assert mood_of(reader, "so bored at this café") == "bored"


def test_an_unsure_reading_offers_the_likeliest_moods(reader: MoodReader) -> None:
    reading = reader.read("work is piling up and nobody helps")
    assert not reading.sure and reading.mood is not None
    assert 2 <= len(reading.offers) <= 3 and reading.offers[0] == reading.mood
    assert "lonely" in [m.name for m in reading.offers]
    sure = reader.read("so tired")
    assert sure.sure and sure.offers == ()


def test_nothing_to_read_is_none_with_a_reason(reader: MoodReader) -> None:
    reading = reader.read("the quarterly report is attached")
    assert reading.mood is None and reading.verdict is Verdict.NONE
    assert reading.explain()  # it still says what it saw


def test_a_gentle_mood_in_play_makes_the_reading_gentle(reader: MoodReader) -> None:
    assert reader.read("so sad").gentle
    assert not reader.read("so bored").gentle
    # Whatever wins, a plausible gentle mood keeps the pick gentle.
    reading = reader.read("work is piling up and nobody helps")
    assert reading.gentle and any(not m.gentle for m in reading.offers)


def test_corrections_lie_over_the_shared_model(reader: MoodReader) -> None:
    text = "the vending machine kept my coins again"
    before = reader.read(text)
    corrected = reader.with_examples([("vending machine kept my money", "sad"),
                                      ("the vending machine ate my coins", "sad")])
    assert corrected.read(text).likelihood["sad"] > before.likelihood["sad"]
    assert reader.read(text) == before  # the shared reader is unchanged


def test_the_model_is_trained_from_the_examples_it_is_given(tmp_path: Path) -> None:
    moods = load_moods()
    path = tmp_path / "examples.yaml"
    path.write_text("examples:\n  bored:\n    - zorblax day\n  happy:\n    - quintessa day\n  none:\n    - hello\n",
                    encoding="utf-8")
    own = MoodReader(moods, load_examples(path, [m.name for m in moods]))
    assert own.read("zorblax").likelihood["bored"] > own.read("quintessa").likelihood["bored"]


def test_the_shipped_examples_are_valid_and_cover_every_label() -> None:
    moods = load_moods()
    examples = load_examples(BUILTIN_CONTENT / "mood_examples.yaml", [m.name for m in moods])
    labels = {label for _, label in examples}
    assert labels == {m.name for m in moods} | {"none"}
    for label in labels:
        assert sum(1 for _, lab in examples if lab == label) >= 40, label


def test_bad_examples_are_refused_with_file_label_and_entry(tmp_path: Path) -> None:
    path = tmp_path / "examples.yaml"
    path.write_text("examples:\n  happy:\n    - yay\n  sad:\n    - YAY\n  grumpy:\n    - hmph\n", encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_examples(path, ["happy", "sad"])
    problems = " ".join(err.value.problems)
    assert "examples sad, phrase 1" in problems and "also an example of happy" in problems
    assert "examples grumpy: unknown label" in problems


def test_the_lexicon_only_baseline_reads_as_before() -> None:
    baseline = LexiconReader(load_moods())
    assert found(baseline.read("not happy at all").mood, "a mood").name == "sad"
    assert baseline.read("my wallet got nicked").mood is None  # cue words only


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", "mood", *args], capture_output=True, text=True, timeout=60)


def test_cli_prints_the_mood_then_why() -> None:
    out = run_cli("not happy at all")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "sad"
    assert any("happy" in line and "negated" in line for line in lines[1:])
    assert run_cli("i want to die").stdout.splitlines()[0] == "crisis"
    assert run_cli("the quarterly report").stdout.splitlines()[0] == "none"


def test_cli_eval_reports_accuracy_per_mood_confusion_offers_and_misses() -> None:
    out = run_cli("--eval", str(FIXTURE))
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "accuracy 7/8 = 87.5%" in text.splitlines()[0]
    assert "'Did you mean' offered on" in text
    assert "precision" in text and "recall" in text and "confusion" in text
    assert "other-language" in text and "by kind:" in text
    assert "misses (1):" in text and "'purple monkey dishwasher': expected happy, read none" in text


def test_cli_eval_of_the_baseline_and_a_bad_file(tmp_path: Path) -> None:
    out = run_cli("--eval", str(FIXTURE), "--reader", "lexicon")
    assert out.returncode == 0, out.stderr
    assert "(lexicon reader): accuracy 6/8" in out.stdout.splitlines()[0]
    bad = tmp_path / "bad.tsv"
    bad.write_text("text\taccepted\tkind\nhello\tgrumpy\tplain\n", encoding="utf-8")
    out = run_cli("--eval", str(bad))
    assert out.returncode == 2 and "line 2: unknown label" in out.stderr


def test_a_reader_built_again_from_the_same_content_shares_the_trained_model() -> None:
    moods = load_moods()
    assert MoodReader(moods).model is MoodReader(moods).model
    fresh = MoodReader(moods, reuse=False)
    assert fresh.model is not MoodReader(moods).model
    assert fresh.read("so tired").label == "tired"


@pytest.mark.parametrize("text", [
    "started cutting again last week",
    "i've saved up enough pills",
    "made a plan to end it",
    "giving all my things away, won't need them much longer",
    "they'd be better off if i weren't around",
    "got the meds lined up",
    "standing on the ledge of the car park thinking about jumping",
    "going to jump off the bridge tonight",
    "left notes for my kids in case i'm not around by friday",
    "tomorrow, this is my last day on earth, i've decided",
    "goodbye to you all and thanks for everything, i won't be here after this weekend",
])
def test_the_warning_signs_people_name_are_a_crisis(text: str) -> None:
    from bot.services.mood.rules import is_crisis

    assert is_crisis(text), text


@pytest.mark.parametrize("text", [
    "cutting onions again lol",
    "forgot my pills again",
    "planning how to do the cake tonight",
    "cutting again on sugar this month",
    "won't need an umbrella soon",
    "thinking about jumping ship to another company",
    "we jumped off the cliff into the lake, so fun",
    "if today were my last day on earth i'd eat cake",
    "won't be around tonight, at my cousin's wedding",
    "left a note for my flatmate about the bins",
])
def test_everyday_words_near_the_warning_signs_are_no_crisis(text: str) -> None:
    from bot.services.mood.rules import is_crisis

    assert not is_crisis(text), text
