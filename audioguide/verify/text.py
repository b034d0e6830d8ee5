"""Comparable words: the speech text and what the recognizer heard, in one form.

The reference is a clip's speech text (already normalized: "fifteen
milligrams"); the recognizer writes like a person ("15 mg", "MRI",
"NSAIDs"). So the recognizer's text goes through the same normalizer and
lexicon the guide was built with (:func:`audioguide.speech.normalize`), and
both sides then become :func:`tokens`: lower case, punctuation dropped,
hyphens as spaces, spelled letters joined ("M R I" and "A.C.L." -> "mri",
"acl"), ``[[phoneme]]`` readings left out (nothing can be compared there).

Which mismatches are **critical** (:func:`categories`): those that touch a
number, a unit, a dosing word, a negation, or a word a lexicon changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from audioguide.speech import Lexicon, normalize

_PHONEMES = re.compile(r"\[\[.*?\]\]", re.DOTALL)
_INNER_DOT = re.compile(r"(?<=[a-z0-9])\.(?=[a-z0-9])")
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")

NUMBER_WORDS = frozenset(
    """zero oh one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
    sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred
    thousand million billion trillion point half halves quarter quarters third thirds fourth fourths fifth
    fifths sixth sixths seventh sevenths eighth eighths ninth ninths tenth tenths first second hundredth
    thousandth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth
    twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth minus""".split()
)
UNIT_WORDS = frozenset(
    """milligram milligrams microgram micrograms gram grams kilogram kilograms liter liters litre litres
    milliliter milliliters millilitre millilitres deciliter deciliters millimole millimoles mole moles
    milliequivalent milliequivalents unit units percent per centimeter centimeters millimeter millimeters
    inch inches foot feet pound pounds ounce ounces teaspoon teaspoons tablespoon tablespoons degree degrees
    fahrenheit celsius mercury calorie calories kilocalorie kilocalories hour hours minute minutes second
    seconds day days week weeks month months year years beat beats meter meters square""".split()
)
DOSE_WORDS = frozenset(
    """dose doses dosage dosing tablet tablets pill pills capsule capsules drop drops puff puffs injection
    injections once twice thrice times daily weekly nightly hourly every maximum max overdose""".split()
)
NEGATION_WORDS = frozenset(
    """not no never none nor neither nothing without cannot can't don't doesn't didn't won't wouldn't
    shouldn't isn't aren't wasn't weren't haven't hasn't hadn't mustn't mightn't needn't couldn't avoid
    stop""".split()
)
CRITICAL = ("number", "unit", "dose", "negation", "lexicon", "sentence")


def tokens(speech: str) -> list[str]:
    """The comparable words of speech text (see the module docstring)."""
    text = _PHONEMES.sub(" ", speech).lower().replace("’", "'").replace("‘", "'")
    text = _INNER_DOT.sub("", text)
    text = text.replace("-", " ")
    words = [w.strip("'") for w in _TOKEN.findall(text)]
    out: list[str] = []
    run: list[str] = []
    for word in words + [""]:
        if len(word) == 1 and word.isalpha():
            run.append(word)
            continue
        if len(run) >= 2:
            out.append("".join(run))
        else:
            out.extend(run)
        run = []
        if word:
            out.append(word)
    return out


class HeardText:
    """What the recognizer wrote -> comparable words, through the guide's normalizer and lexicon.

    Results are kept per piece of text (a recognizer repeats itself a lot).
    """

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self._seen: dict[str, list[str]] = {}

    def tokens(self, written: str) -> list[str]:
        found = self._seen.get(written)
        if found is None:
            found = tokens(normalize(written, self.lexicon)) if written.strip() else []
            self._seen[written] = found
        return found


def lexicon_words(written: str, lexicon: Lexicon) -> frozenset[str]:
    """Comparable words of the readings a lexicon gave the words of ``written``."""
    found: set[str] = set()
    for _word, reading in lexicon.find(written):
        found.update(tokens(reading))
    return frozenset(found)


def categories(words: Iterable[str], lexicon_tokens: frozenset[str] = frozenset()) -> list[str]:
    """Why a mismatch on these words matters: number, unit, dose, negation, lexicon (in that order)."""
    words = set(words)
    found = []
    if any(w in NUMBER_WORDS or any(ch.isdigit() for ch in w) for w in words):
        found.append("number")
    if words & UNIT_WORDS:
        found.append("unit")
    if words & DOSE_WORDS:
        found.append("dose")
    if words & NEGATION_WORDS:
        found.append("negation")
    if words & lexicon_tokens:
        found.append("lexicon")
    return found
