"""Measures: a number with its unit, simple ("5 mg") or compound ("mg/kg/day", "2,500/µL",
"x 10^9/L"); percentages, feet and inches, multipliers.

"5 mg" must be "five milligrams" and "1 mg" "one milligram": a voice reads
"mg" as letters and never chooses singular or plural by the number. Each
rule reads the number together with what it counts, before the plain number
rules see it. In a measure the slash is "per" ("mg/dL" -> "milligrams per
deciliter"), "x 10^9" is "times ten to the ninth", a range's hyphen is
"to". Tables: ``UNITS``, ``PER_UNITS`` and ``MULTIPLIED_AFTER`` in
:mod:`~audioguide.speech.normalize.tables`.
"""

from __future__ import annotations

import re

from audioguide.speech.normalize.expansions import keeps_stop
from audioguide.speech.normalize.tables import INCH_AFTER, MODIFIED_NOUNS, MULTIPLIED_AFTER, PER_UNITS, UNITS
from audioguide.speech.normalize.tokens import said
from audioguide.speech.numwords import NUMBER, UNSIGNED, cardinal, ordinal, spoken

# ---------------------------------------------------------------------------
# feet and inches: 5'10" -> "five feet ten inches"; 6' -> "six feet"; 10" -> "ten inches".

_FEET_INCHES_RE = re.compile(r"(?<![\w.'\"])(\d{1,2})\s?'\s?(\d{1,2}(?:\.\d)?)\s?(?:\"|'')(?![\w])")
_FEET_RE = re.compile(r"(?<![\w.'\"])(\d{1,3})'(?=[\s,.;:)!?-]|$)")
_INCHES_RE = re.compile(r"(?<![\w.'\"/])(\d{1,3}(?:\.\d+)?)\"(?=[\s,.;:)!?-]|$)")


def _measure(number: str, one: str, many: str) -> str:
    words = spoken(number).words
    return f"{words} {one if number in ('1', '1.0') else many}"


def read_feet_inches(text: str) -> str:
    """ "5'10\\"" -> "five feet ten inches"; "6' tall" -> "six feet tall"; "a 10\\" cut" -> "a ten inches cut"."""
    text = _FEET_INCHES_RE.sub(
        lambda m: said(
            "measure",
            m.group(0),
            f"{_measure(m.group(1), 'foot', 'feet')} {_measure(m.group(2), 'inch', 'inches')}",
        ),
        text,
    )

    def unit(one: str, many: str, mark: str):
        def read(match: re.Match[str]) -> str:
            if _opened(match.string[: match.start()], mark):
                return match.group(0)  # "‘1-2’", "“1-10” means": the mark closes a quotation
            return said("measure", match.group(0), _measure(match.group(1), one, many))

        return read

    text = _FEET_RE.sub(unit("foot", "feet", "'"), text)
    return _INCHES_RE.sub(unit("inch", "inches", '"'), text)


def _opened(before: str, mark: str) -> bool:
    """Whether ``before`` ends inside a quotation opened by ``mark`` (at a word's start) and not closed."""
    return re.search(rf"(?:^|[\s(\[]){re.escape(mark)}[^{re.escape(mark)}]*$", before) is not None


# ---------------------------------------------------------------------------
# units

_RANGE_SEP = r"\s?(?:-|–|to)\s?"
_UNIT_ALT = "|".join(
    re.escape(u) if u != "in" else rf"in(?=\s*(?:[,;:)]|$)|\s+(?:{'|'.join(INCH_AFTER)})\b)"
    for u in sorted(UNITS, key=len, reverse=True)
)
_PER_ALT = "|".join(re.escape(u) for u in sorted(PER_UNITS, key=len, reverse=True))
_PER = rf"(?P<per>(?:/(?:{_PER_ALT}))*)"
_UNIT_RE = re.compile(
    rf"(?<![\w.])(?P<a>{NUMBER})(?:{_RANGE_SEP}(?P<b>{NUMBER}))?\s?(?P<unit>{_UNIT_ALT}){_PER}(?!\w|\.[A-Za-z])"
)
# a count per volume or time, with no unit of its own: "2,500–7,000/µL", "3/day"
_COUNT_PER_RE = re.compile(
    rf"(?<![\w./])(?P<a>{NUMBER})(?:{_RANGE_SEP}(?P<b>{NUMBER}))?(?P<per>(?:/(?:{_PER_ALT}))+)(?![\w/])"
)
# scientific notation: "4.5–11.0 x 10^9/L", "2.48×10−5" (a superscript lost in copying)
_SCIENTIFIC_RE = re.compile(
    rf"(?<![\w.])(?P<a>{NUMBER})(?:{_RANGE_SEP}(?P<b>{NUMBER}))?\s?[x×*]\s?10"
    rf"(?:(?:\^|\*\*)(?P<exp>[-−]?\d{{1,3}})|(?P<neg>[-−]\d{{1,3}}))"
    rf"(?:\s?(?P<unit>{_UNIT_ALT}))?{_PER}(?![\w])"
)
# a measure before the noun it describes takes the singular: "a 100 cl bottle", "a 25 mg tablet"
_MODIFIED_NOUN_RE = re.compile(rf"\s+(?:{'|'.join(MODIFIED_NOUNS)})\b")
_BARE_PER_RE = re.compile(rf"(?<![\w./])(?P<unit>{_UNIT_ALT})(?P<per>(?:/(?:{_PER_ALT}))+)(?![\w/])")
_PER_WORD_RE = re.compile(rf"\bper\s+(?P<unit>{_PER_ALT})(?![\w/])")


def _per_words(per: str) -> str:
    return "".join(f" per {PER_UNITS[p]}" for p in per.split("/") if p)


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" or word.startswith("hour") else "a"


def _numbers(match: re.Match[str]) -> tuple[str, str]:
    """(the number or range in words, the grammatical count of its last number)."""
    first = spoken(match.group("a"))
    last = spoken(match.group("b")) if match.group("b") else first
    head = first.words if not match.group("b") else f"{first.words} to {last.words}"
    return head, last.count


def _power(match: re.Match[str]) -> str:
    exponent = (match.group("exp") or match.group("neg")).replace("−", "-")
    if exponent.startswith("-"):
        return f"ten to the minus {cardinal(exponent[1:])}"
    return f"ten to the {ordinal(exponent)}"


def read_units(text: str) -> str:
    """Counts with units: "5 mg" -> "five milligrams", "1 mg" -> "one milligram".

    The last number decides singular or plural ("1-2 mg" -> "one to two
    milligrams"); a fraction below one reads "of a": "½ tsp" -> "one half of
    a teaspoon". "mg/kg" -> "milligrams per kilogram"; "per kg" -> "per
    kilogram"; "7,000/µL" -> "seven thousand per microliter"; "4.5 x 10^9/L"
    -> "four point five times ten to the ninth per liter". "in" is an inch only
    as "in.", before punctuation or before "thick", "long", ... so "2 in 10
    people" is left alone. "U" and "IU" are read in full ("units",
    "international units"); the author is still warned about them.
    """

    def replace(match: re.Match[str]) -> str:
        unit = match.group("unit")
        if len(unit) == 1 and match.string[match.end() : match.end() + 1] == "-":
            return match.group(0)  # "3 t-shirts": a one-letter unit does not begin a hyphenated word
        singular, plural = UNITS[unit]
        head, count = _numbers(match)
        per = _per_words(match.group("per"))
        stop = "." if unit == "in." and keeps_stop(match.string, match.end()) else ""
        if count == "one" or count == "many" and _MODIFIED_NOUN_RE.match(match.string, match.end()):
            reading = f"{head} {singular}{per}{stop}"
        elif count == "part":
            reading = f"{head} of {_article(singular)} {singular}{per}{stop}"
        else:
            reading = f"{head} {plural}{per}{stop}"
        return said("measure", match.group(0), reading)

    def count_per(match: re.Match[str]) -> str:
        head, _count = _numbers(match)
        return said("measure", match.group(0), f"{head}{_per_words(match.group('per'))}")

    text = _SCIENTIFIC_RE.sub(_scientific, text)
    text = _UNIT_RE.sub(replace, text)
    text = _COUNT_PER_RE.sub(count_per, text)
    text = _BARE_PER_RE.sub(
        lambda m: said("measure", m.group(0), UNITS[m.group("unit")][1] + _per_words(m.group("per"))), text
    )
    return _PER_WORD_RE.sub(lambda m: said("measure", m.group(0), f"per {PER_UNITS[m.group('unit')]}"), text)


# ---------------------------------------------------------------------------
# multipliers

_BY_RE = re.compile(rf"(?<![\w.])({NUMBER})\s?[x×]\s?(?={UNSIGNED})")
_TIMES_RE = re.compile(rf"(?<![\w.])({NUMBER})\s?[x×](?![\w-])")
# a capitalised name not opening the sentence, right before a digit and "x": "on Windows 9x"
_SERIES_BEFORE_RE = re.compile(r"(?<=[a-z,;:]\s)[A-Z][a-z]+\s$")
# what a multiplier is followed by: a frequency, a comparison, a count ("2x daily", "10x faster")
_MULTIPLIED_RE = re.compile(
    r"\s*(?:\d|daily|a\s+day|a\s+week|per|each|every|weekly|more|less|faster|slower|higher|lower|"
    r"larger|smaller|bigger|greater|as\b|magnification|zoom|speed|the\s+dose)",
    re.IGNORECASE,
)
_TIMES_AFTER_RE = re.compile(rf"\b(?P<word>{'|'.join(MULTIPLIED_AFTER)})\s+[x×]\s?(?=\d)")


def read_multipliers(text: str) -> str:
    """'2x daily' -> 'two times daily'; '3 x 5 cm' -> 'three by 5 cm' (units later); 'every 15 minutes x 4'
    -> '... minutes times 4'. Scientific notation ("x 10^9") is a measure, read first."""
    if "x" not in text and "×" not in text:
        return text
    text = _SCIENTIFIC_RE.sub(_scientific, text)
    text = _BY_RE.sub(lambda m: said("measure", m.group(0), f"{spoken(m.group(1)).words} by "), text)

    def times(match: re.Match[str]) -> str:
        if _SERIES_BEFORE_RE.search(match.string, 0, match.start()) and not _MULTIPLIED_RE.match(
            match.string, match.end()
        ):
            # "Windows 9x": a product's series after its name, not a multiplier
            return said("identifier", match.group(0), f"{spoken(match.group(1)).words} x")
        return said("measure", match.group(0), f"{spoken(match.group(1)).words} times")

    text = _TIMES_RE.sub(times, text)
    return _TIMES_AFTER_RE.sub(lambda m: f"{m.group('word')} " + said("measure", "x", "times") + " ", text)


def _scientific(match: re.Match[str]) -> str:
    """ "4.5 x 10^9/L" -> "four point five times ten to the ninth per liter"."""
    head, _count = _numbers(match)
    unit = f" {UNITS[match.group('unit')][1]}" if match.group("unit") else ""
    return said(
        "measure", match.group(0), f"{head} times {_power(match)}{unit}{_per_words(match.group('per'))}"
    )


# ---------------------------------------------------------------------------
# percentages

_PERCENT_RE = re.compile(rf"(?<![\w.])({NUMBER})(?:\s?%)?(?:{_RANGE_SEP}({NUMBER}))?\s?%")


def read_percentages(text: str) -> str:
    """'20%' -> 'twenty percent'; '10-20%' and '10% to 20%' -> 'ten to twenty percent'."""

    def replace(match: re.Match[str]) -> str:
        first, second = match.groups()
        if second:
            return said("measure", match.group(0), f"{spoken(first).words} to {spoken(second).words} percent")
        return said("measure", match.group(0), f"{spoken(first).words} percent")

    return _PERCENT_RE.sub(replace, text)
