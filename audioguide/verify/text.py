"""Comparable words: the speech text and what the recognizer heard, in one form.

The reference is a clip's speech text (already normalized: "fifteen
milligrams"); the recognizer writes like a person ("15 mg", "MRI",
"NSAIDs"). So the recognizer's text goes through the same normalizer and
lexicon the guide was built with (:func:`audioguide.speech.normalize`), and
both sides then become :func:`tokens`: lower case, punctuation dropped,
hyphens as spaces, spelled letters joined ("M R I" and "A.C.L." -> "mri",
"acl"), a name in camelCase as the words the voice says ("byteArrayParser"
-> "byte array parser"), letters and digits apart ("uint8" -> "uint 8"), a
possessive as its plural ("Lambert's" -> "lamberts": the same sound),
``[[phoneme]]`` readings left out (nothing can be compared there).

The recognizer writes a code it heard character by character in its own
groups ("C7.1.1M", "x7fE0, 0, 1, 0", "1-0-0-0-1-9", "PMID 867-1139");
:class:`HeardText` takes such groups apart before normalizing, and
:func:`same_said` says when a run of words differs only in how it is
grouped, judged character by character (see there).

Which mismatches are **critical** (:func:`categories`): those that touch a
number, a unit, a dosing word, a negation, or a word a lexicon changed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from audioguide.speech import Lexicon, normalize
from audioguide.speech.normalize import DIGITWISE_IDENTIFIERS

_PHONEMES = re.compile(r"\[\[.*?\]\]", re.DOTALL)
_INNER_DOT = re.compile(r"(?<=[a-z0-9])\.(?=[a-z0-9])")
_PHRASE_BREAK = re.compile(r"[,;:!?()]|\.(?!\w)")
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")
# camelCase and PascalCase names: the voice says their parts ("findItemDelimitation..." -> "find item
# delimitation ..."; "IssuerOfPatientIDQualifiers" -> "... patient ID qualifiers"); "MRIs" stays whole.
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z]{2,})")
_POSSESSIVE = re.compile(r"'s$")
_LETTER_DIGIT = re.compile(r"(?<=[A-Za-z])(?=[0-9])|(?<=[0-9])(?=[A-Za-z])")

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
# Raised when what counts as the same words changes: results kept under another are checked again.
COMPARISON = 4
CRITICAL = ("number", "unit", "dose", "negation", "lexicon", "sentence")
_SMALL = {
    word: value
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen".split()
    )
} | {"oh": 0}
_TENS = {
    word: 10 * value
    for value, word in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)
}
# An ordinal compares as its number ("March fourteenth", heard "March 14"); "second" only after a
# tens word ("twenty second"): alone it is as often the unit of time.
_ORDINALS = {
    "first": "one", "third": "three", "fourth": "four", "fifth": "five", "sixth": "six",
    "seventh": "seven", "eighth": "eight", "ninth": "nine", "tenth": "ten", "eleventh": "eleven",
    "twelfth": "twelve", "thirteenth": "thirteen", "fourteenth": "fourteen", "fifteenth": "fifteen",
    "sixteenth": "sixteen", "seventeenth": "seventeen", "eighteenth": "eighteen",
    "nineteenth": "nineteen", "twentieth": "twenty", "thirtieth": "thirty", "fortieth": "forty",
    "fiftieth": "fifty", "sixtieth": "sixty", "seventieth": "seventy", "eightieth": "eighty",
    "ninetieth": "ninety",
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9}
# A number of six digits and more written without separators is an id said digit by digit (a
# recognizer writes a quantity that large with commas: "15,460,701").
_LONG_DIGITS = re.compile(r"(?<![\d,.])\d{6,}(?![\d,]|\.\d)")
# An id after its label written in hyphenated groups: "PMID-116-04806" is the PMID 11604806 (the
# recognizer groups the digits it heard one by one).
_GROUPED_ID = re.compile(
    r"\b(?P<label>" + "|".join(DIGITWISE_IDENTIFIERS) + r")\b[\s:#-]*(?P<groups>\d+(?:-\d+)+)(?![\d-])"
)


def tokens(speech: str) -> list[str]:
    """The comparable words of speech text (see the module docstring)."""
    text = _CAMEL.sub(" ", _PHONEMES.sub(" ", speech)).lower().replace("’", "'").replace("‘", "'")
    text = _INNER_DOT.sub("", text)
    text = _LETTER_DIGIT.sub(" ", text.replace("-", " "))
    # numbers are joined within a phrase: "twenty-five eleven, twenty-five fourteen" are two pages
    return [word for phrase in _PHRASE_BREAK.split(text) for word in _numbers(_spelled(phrase))]


def _spelled(text: str) -> list[str]:
    """Words, with letters spelled one by one joined ("m r i" -> "mri")."""
    words = [_POSSESSIVE.sub("s", w.strip("'")) for w in _TOKEN.findall(text)]
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


def _numbers(words: list[str]) -> list[str]:
    """Number words as the digits they stand for, however they were said: "five hundred and
    ninety four", "five ninety four" and "five nine four" are all "594" (a recognizer writes "594",
    and the guide's reader may say a page, a year or an id in pairs or digit by digit)."""
    out: list[str] = []
    run: list[str] = []
    for index, word in enumerate([*words, ""]):
        if word in _ORDINALS or (word == "second" and run and run[-1] in _TENS):
            run.append(_ORDINALS.get(word, "two"))
            out.append(_digits(run))
            run = []
            continue
        number = word in _SMALL or word in _TENS or (word in _SCALES and bool(run))
        following = words[index + 1] if index + 1 < len(words) else ""
        joins = word == "and" and bool(run) and run[-1] in _SCALES and following in _SMALL | _TENS
        if number or joins:  # "one hundred and five": the "and" inside a number
            if word != "and":
                run.append(word)
            continue
        if run:
            out.append(_digits(run))
            run = []
        if word:
            out.append(word)
    return out


def _starts_group(previous: str, word: str) -> bool:
    """Whether ``word`` begins a new number after ``previous``: "five | ninety", "twenty | eleven",
    "six | oh", but "twenty five", "hundred five"."""
    if previous in _SCALES:
        return False
    if word in _TENS:
        return True
    if word in _SMALL:
        return previous in _SMALL or not 1 <= _SMALL[word] <= 9 or word == "oh"
    return False


def _digits(run: list[str]) -> str:
    """One run of number words -> digits: groups said one after another are written one after another."""
    groups: list[int] = []
    total = current = 0
    previous = ""
    for word in run:
        new_group = bool(previous) and _starts_group(previous, word)
        if new_group:
            groups.append(total + current)
            total = current = 0
        if word in _SMALL:
            current += _SMALL[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = (current or 1) * 100
        else:
            total += (current or 1) * _SCALES[word]
            current = 0
        previous = word
    groups.append(total + current)
    return "".join(str(value) for value in groups)


# Groups the recognizer joins with hyphens: "1-0-0-0-1-9", "TAC-0010-0021", "D-O-I-10.3238-Z-F-A".
_HYPHEN_GROUP = r"[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)*"
_HYPHENATED = re.compile(rf"(?<![\w.-]){_HYPHEN_GROUP}(?:-{_HYPHEN_GROUP})+(?![\w-])")
_CODE = re.compile(r"(?<![\w.])[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)*")
_LETTERS_DIGITS = re.compile(r"[A-Za-z]+|[0-9]+")
_GLUED_CODE = re.compile(r"[0-9][A-Z]|[A-Za-z][0-9]+\.[0-9]")
# A number said with "and" ("two thousand and three") the recognizer may write as two ("2000 and 3"):
# read as written, "3 March" after it would be a date ("the third of March").
_AND_NUMBER = re.compile(r"(?<![\d,.])(?P<round>[1-9]\d*00) and (?P<rest>[1-9]\d{0,2})(?![\d,.]\d|\d)")
# "i.e." and "e.g." in the recognizer's text are the letters it heard: a voice saying "that is" is
# written "that is". The normalizer would read them "that is", "for example".
_DOTTED_LETTERS = re.compile(r"\b([ie])\.([eg])\.", re.IGNORECASE)


def _code_groups(match: re.Match[str]) -> str:
    """A hyphenated group of the recognizer's text, as groups said one after another where it is one.

    Two plain numbers ("20-23", "867-1139") stay for the normalizer: a range as often as an id.
    Three groups and more, a group with a leading zero ("888-0267") or a group of letters beside
    digits ("TAC-0010") are characters said one by one, grouped by the recognizer.
    """
    text = match.group(0)
    groups = text.split("-")
    if not any(ch.isdigit() for ch in text):
        return text
    plain = all(g.replace(".", "").isdigit() and not (len(g) > 1 and g.startswith("0")) for g in groups)
    if len(groups) == 2 and plain:
        return text
    return ", ".join(groups)


def _and_number(match: re.Match[str]) -> str:
    """ "2000 and 3" -> "2003", as :func:`tokens` reads "two thousand and three"; "2 and 3", "100 and
    500" stay two numbers."""
    whole, rest = int(match.group("round")), int(match.group("rest"))
    if rest < (1000 if whole % 1000 == 0 else 100):
        return str(whole + rest)
    return match.group(0)


def _code_apart(match: re.Match[str]) -> str:
    """A token mixing letters and digits more than once ("C7.1.1M", "x7fE0", "GGG000XX"), with
    digits before capitals ("100FF") or letters before a dotted number ("C7.1.3"), with its letters
    and digits apart: a code said character by character, which the normalizer would read as a word.
    "B12", "21st", "5mg", "v1.2" stay whole."""
    text = match.group(0)
    runs = _LETTERS_DIGITS.findall(text.replace(".", ""))
    if len(runs) >= 3 or _GLUED_CODE.search(text):
        return _LETTER_DIGIT.sub(" ", text)
    return text


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
            joined = _GROUPED_ID.sub(
                lambda m: f"{m.group('label')} {m.group('groups').replace('-', '')}", written
            )
            grouped = _CODE.sub(
                _code_apart, _HYPHENATED.sub(_code_groups, _AND_NUMBER.sub(_and_number, joined))
            )
            lettered = _DOTTED_LETTERS.sub(lambda m: f"{m.group(1)} {m.group(2)}".upper(), grouped)
            spread = _LONG_DIGITS.sub(lambda m: " ".join(m.group(0)), lettered)
            found = tokens(normalize(spread, self.lexicon)) if written.strip() else []
            self._seen[written] = found
        return found


def lexicon_words(written: str, lexicon: Lexicon) -> frozenset[str]:
    """Comparable words of the readings a lexicon gave the words of ``written``."""
    found: set[str] = set()
    for _word, reading in lexicon.find(written):
        found.update(tokens(reading))
    return frozenset(found)


# A word heard as a number or unit that sounds the same ("DICOM to and from" heard "DICOM 2 and
# from", "feat" heard "feet"): the word was said. One way only: a number or unit of the text must be
# heard as one ("four" heard "for" may not have been said as a number).
_SOUNDS_LIKE = {
    "to": ("2",), "too": ("2",), "for": ("4",), "fore": ("4",), "won": ("1",), "ate": ("8",),
    "feat": ("feet",), "our": ("hour",), "ours": ("hours",), "weak": ("week",), "weaks": ("weeks",),
    "daze": ("days",),
}  # fmt: skip
_POINT = ("dot", "point")  # the recognizer writes both "."; the normalizer reads a "." in a number "point"


@functools.lru_cache(maxsize=4096)
def _said_pattern(expected: tuple[str, ...]) -> re.Pattern[str]:
    """The characters of ``expected`` as a pattern the recognizer's characters must match in full."""
    parts = []
    for word in expected:
        if word in _POINT:
            parts.append(r"\.")
        elif word in _SOUNDS_LIKE:
            parts.append("(?:" + "|".join(re.escape(w) for w in (word, *_SOUNDS_LIKE[word])) + ")")
        elif len(word) > 1 and word.isdigit() and word[0] == "0":
            # zeros said before the first other digit ("zero zero zero four"): as many as the
            # recognizer wrote, one at least ("004", "0, 4"); the digits after them all, in order
            parts.append("0+" + re.escape(word.lstrip("0")))
        else:
            parts.append(re.escape(word))
    return re.compile("".join(parts))


def same_said(expected: Sequence[str], heard: Sequence[str], optional: Sequence[bool] = ()) -> bool:
    """Whether ``heard`` says the characters of ``expected``, only grouped otherwise.

    "fulltext" heard "full text", "x 7 fe 0 0010" heard "x7fE0, 0, 1, 0", "8880267" heard
    "888-0267", "a C T" heard "a CT": the same letters and digits in the same order. Beyond the
    grouping, three things are not counted as lost: how many zeros were said before a code's first
    other digit ("zero zero zero four" heard "004"; one zero at least, and every other digit, must be
    heard); a "." written for "dot" or "point"; a word heard as a number or unit that sounds the
    same ("to" heard "2"). ``optional``: per heard word, whether it may stand for nothing (a "to"
    the normalizer read into a hyphen the recognizer wrote inside an id, "867-1139").

    A negation is compared as a whole word: "not able" is not "notable".
    """
    if list(expected) == list(heard):
        return True
    if (
        not expected
        or not heard
        or NEGATION_WORDS.intersection(expected)
        or NEGATION_WORDS.intersection(heard)
    ):
        return False
    pattern = _said_pattern(tuple(expected))
    written = ["." if w in _POINT else w for w in heard]
    if pattern.fullmatch("".join(written)):
        return True
    if any(optional):
        kept = [w for w, skip in zip(written, optional, strict=False) if not skip] + written[len(optional) :]
        return bool(pattern.fullmatch("".join(kept)))
    return False


def _negations_heard(expected: Sequence[str], heard: Sequence[str]) -> set[str]:
    """The negations in ``heard`` that are not the start of an expected word cut short ("Node dot
    js" heard "no .js"): each expected word that is no negation explains one such start at most."""
    starts = [e for e in expected if e not in NEGATION_WORDS]
    found = set()
    for word in heard:
        if word not in NEGATION_WORDS:
            continue
        cut = next((e for e in starts if len(e) > len(word) and e.startswith(word)), None)
        if cut is None:
            found.add(word)
        else:
            starts.remove(cut)
    return found


def categories(
    expected: Sequence[str], heard: Sequence[str] = (), lexicon_tokens: frozenset[str] = frozenset()
) -> list[str]:
    """Why a mismatch of ``expected`` words heard as ``heard`` matters: number, unit, dose, negation,
    lexicon (in that order). A negation heard where the text has a longer word starting with it ("no"
    for "node") is that word cut short, not a negation; a negation of the text is one always."""
    words = set(expected) | set(heard)
    found = []
    if any(w in NUMBER_WORDS or any(ch.isdigit() for ch in w) for w in words):
        found.append("number")
    if words & UNIT_WORDS:
        found.append("unit")
    if words & DOSE_WORDS:
        found.append("dose")
    if NEGATION_WORDS.intersection(expected) or _negations_heard(expected, heard):
        found.append("negation")
    if words & lexicon_tokens:
        found.append("lexicon")
    return found
