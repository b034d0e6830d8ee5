"""Real sentences read the way a careful human reader says them (tests/data/readings/).

Each sentence goes through what ``audioguide say --no-audio`` prints (sentence
splitting, the lexicons, the normalizer: :func:`audioguide.speech.clips.speak_text`
with the default settings) and must match one of its listed readings. The
comparison is the one the readings' README sets: case, punctuation, hyphens and
spaces do not count (so "M R I" matches "MRI", "a.m." matches "a m") and "and"
inside a number is ignored ("one hundred and six" is "one hundred six"). What is
left to compare is the words' letters and digits in order.

Sentences not read right yet are listed in ``KNOWN_MISREADINGS`` (strict xfail:
one read right fails the run until it leaves the list). Per-class counts::

    python tests/test_readings.py
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
import yaml

READINGS = Path(__file__).resolve().parent / "data" / "readings"

_NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
    " sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety"
).split()
_SCALE_AND = re.compile(
    r"\b(hundred|thousand|million|billion|trillion) and (?=(?:" + "|".join(_NUMBER_WORDS) + r")\b)"
)

# class-index of the sentences read wrong today (see the module docstring)
KNOWN_MISREADINGS: frozenset[str] = frozenset(
    """
    abbreviation-02 abbreviation-03 abbreviation-04 abbreviation-05 abbreviation-06 abbreviation-07
    abbreviation-08 abbreviation-09 abbreviation-10 abbreviation-11 abbreviation-12 abbreviation-13
    abbreviation-14 abbreviation-15 abbreviation-16 abbreviation-25 abbreviation-26 abbreviation-27
    abbreviation-28 abbreviation-29 abbreviation-30 address-01 address-02 address-03 address-04
    address-05 address-06 address-07 address-08 address-09 address-10 address-11 address-12
    address-13 address-14 address-15 address-17 cardinal-19 code-01 code-02 code-03 code-04 code-05
    code-06 code-07 code-08 code-09 code-10 code-14 code-15 code-16 date-08 date-12 date-13 date-14
    decimal-01 decimal-13 decimal-14 decimal-16 electronic-05 electronic-06 electronic-09
    electronic-10 electronic-11 electronic-12 electronic-13 electronic-14 electronic-16 emoticon-06
    emoticon-10 emoticon-12 emoticon-13 fraction-01 fraction-03 fraction-07 fraction-08 fraction-11
    fraction-14 identifier-01 identifier-02 identifier-03 identifier-04 identifier-05 identifier-06
    identifier-07 identifier-08 identifier-09 identifier-10 identifier-11 identifier-12
    identifier-13 identifier-14 identifier-15 identifier-16 letters-04 letters-17 measure-01
    measure-02 measure-03 measure-04 measure-05 measure-06 measure-07 measure-08 measure-17
    measure-18 measure-20 measure-22 measure-23 measure-24 measure-25 money-02 money-04 money-05
    money-06 money-11 money-14 range-04 range-14 range-15 range-17 slash-02 slash-04 slash-11
    slash-12 slash-13 slash-14 slash-16 slash-17 telephone-01 telephone-02 telephone-03
    telephone-04 telephone-07 telephone-08 telephone-10 telephone-12 telephone-14 time-02 time-04
    time-07 time-08 time-09 time-11 time-14 version-01 version-03 version-04 version-05 version-06
    version-07 version-09 version-10 version-12 version-15
    """.split()
)


def comparable(text: str) -> str:
    """A reading as compared: lower case, "and" inside numbers dropped, letters and digits only."""
    text = re.sub(r"[-‐‑–—_]", " ", text.lower())
    text = re.sub(r"[^\w\s]", " ", text)
    text = _SCALE_AND.sub(r"\1 ", " ".join(text.split()))
    return re.sub(r"[\W_]", "", text)


@cache
def entries() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(id, text, readings) of every sentence, by class file then position ("measure-07")."""
    out = []
    for path in sorted(READINGS.glob("*.yaml")):
        for index, entry in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")), start=1):
            out.append((f"{path.stem}-{index:02d}", entry["text"], tuple(entry["read"])))
    return tuple(out)


@cache
def _lexicon():
    from audioguide.model.settings import GuideSettings
    from audioguide.speech import build_lexicon

    return build_lexicon(GuideSettings())


def speech(text: str) -> str:
    """What ``audioguide say TEXT --no-audio`` prints, one line per sentence, joined by spaces."""
    from audioguide.model.settings import Pauses
    from audioguide.speech.clips import speak_text

    return " ".join(clip.speech for clip in speak_text(text, Pauses(), _lexicon()))


def read_right(said: str, readings: tuple[str, ...]) -> bool:
    return comparable(said) in {comparable(reading) for reading in readings}


def _params():
    for ident, text, readings in entries():
        marks = (
            [pytest.mark.xfail(strict=True, reason="known misreading")] if ident in KNOWN_MISREADINGS else []
        )
        yield pytest.param(text, readings, id=ident, marks=marks)


def test_the_comparison_ignores_only_what_the_readme_says() -> None:
    assert comparable("One hundred and six, M.R.I. at 7 a.m.-ish") == comparable(
        "one hundred six MRI at 7 am ish"
    )
    assert comparable("two and a half") != comparable("two a half")
    assert comparable("forty-four and fifty") != comparable("forty four fifty")  # a conjunction stays
    assert comparable("dot env") != comparable("env")


@pytest.mark.parametrize(("text", "readings"), list(_params()))
def test_sentence_is_read_as_a_careful_reader_says_it(text: str, readings: tuple[str, ...]) -> None:
    said = speech(text)
    assert read_right(said, readings), f"said: {said!r}\nexpected one of: {list(readings)!r}"


def counts() -> tuple[Counter[str], Counter[str], list[tuple[str, str]]]:
    """(read right per class, total per class, [(id, said)] of those read wrong)."""
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    wrong = []
    for ident, text, readings in entries():
        cls = ident.rsplit("-", 1)[0]
        total[cls] += 1
        said = speech(text)
        if read_right(said, readings):
            right[cls] += 1
        else:
            wrong.append((ident, said))
    return right, total, wrong


def main(argv: list[str]) -> None:
    right, total, wrong = counts()
    for cls in sorted(total):
        print(f"{cls:<14}{right[cls]:>4} / {total[cls]}")
    print(f"{'total':<14}{sum(right.values()):>4} / {sum(total.values())}")
    if "-v" in argv:
        for ident, said in wrong:
            print(f"{ident}: {said}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main(sys.argv[1:])
