"""Quantities: units, percentages, money, feet and inches, multipliers.

"5 mg" must be "five milligrams" and "1 mg" "one milligram": a voice reads
"mg" as letters and never chooses singular or plural by the number. Each
rule reads the number together with what it counts, before the plain number
rules see it ("$1.50" is "one dollar and fifty cents", not "dollar one point
five zero"). Tables: ``UNITS``, ``PER_UNITS`` and ``CURRENCIES`` in
:mod:`~audioguide.speech.normalize.tables`.
"""

from __future__ import annotations

import re

from audioguide.speech.normalize.expansions import keeps_stop
from audioguide.speech.normalize.tables import CURRENCIES, PER_UNITS, UNITS
from audioguide.speech.numwords import INT, NUMBER, UNSIGNED, cardinal, spoken

# ---------------------------------------------------------------------------
# feet and inches: 5'10" -> "five feet ten inches"; 6' -> "six feet"; 10" -> "ten inches".

_FEET_INCHES_RE = re.compile(r"(?<![\w.'\"])(\d{1,2})\s?'\s?(\d{1,2}(?:\.\d)?)\s?(?:\"|'')(?![\w])")
_FEET_RE = re.compile(r"(?<![\w.'\"])(\d{1,3})'(?=[\s,.;:)!?-]|$)")
_INCHES_RE = re.compile(r"(?<![\w.'\"])(\d{1,3}(?:\.\d+)?)\"(?=[\s,.;:)!?-]|$)")


def _measure(number: str, one: str, many: str) -> str:
    words = spoken(number).words
    return f"{words} {one if number in ('1', '1.0') else many}"


def read_feet_inches(text: str) -> str:
    """ "5'10\"" -> "five feet ten inches"; "6' tall" -> "six feet tall"; "a 10\" cut" -> "a ten inches cut"."""
    text = _FEET_INCHES_RE.sub(
        lambda m: f"{_measure(m.group(1), 'foot', 'feet')} {_measure(m.group(2), 'inch', 'inches')}", text
    )
    text = _FEET_RE.sub(lambda m: _measure(m.group(1), "foot", "feet"), text)
    return _INCHES_RE.sub(lambda m: _measure(m.group(1), "inch", "inches"), text)


# ---------------------------------------------------------------------------
# multipliers

_BY_RE = re.compile(rf"(?<![\w.])({NUMBER})\s?[x×]\s?(?={UNSIGNED})")
_TIMES_RE = re.compile(rf"(?<![\w.])({NUMBER})\s?[x×](?![\w-])")


def read_multipliers(text: str) -> str:
    """'2x daily' -> 'two times daily'; '3 x 5 cm' -> 'three by 5 cm' (units later)."""
    text = _BY_RE.sub(lambda m: f"{spoken(m.group(1)).words} by ", text)
    return _TIMES_RE.sub(lambda m: f"{spoken(m.group(1)).words} times", text)


# ---------------------------------------------------------------------------
# money

_AMOUNT = rf"(?:{INT}(?:\.\d+)?|\.\d+)"
_MONEY_RE = re.compile(
    rf"(?<![\w.])(?P<cur>[$£€])\s?(?P<a>{_AMOUNT})"
    rf"(?:\s?(?:-|to)\s?[$£€]?(?P<b>{_AMOUNT}))?"
    rf"(?:\s(?P<scale>thousand|million|billion|trillion)\b)?(?![\w.]\d|\d)"
)
_CENTS_RE = re.compile(r"(?<![\w.])(\d{1,3})\s?¢")


def _money(amount: str, names: tuple[str, str, str, str]) -> str:
    one, many, sub_one, sub_many = names
    whole, _, frac = amount.partition(".")
    whole = whole or "0"
    if frac and len(frac) != 2:
        return f"{spoken(amount).words} {many}"
    units = int(whole.replace(",", ""))
    cents = int(frac) if frac else 0
    parts = []
    if units or not cents:
        parts.append(f"{cardinal(whole)} {one if units == 1 else many}")
    if cents:
        parts.append(f"{cardinal(str(cents))} {sub_one if cents == 1 else sub_many}")
    return " and ".join(parts)


def read_money(text: str) -> str:
    """Amounts of money: "$50" -> "fifty dollars", "$1.50" -> "one dollar and fifty cents".

    "$0.50" -> "fifty cents"; "$50-100" -> "fifty to one hundred dollars";
    "$2.5 million" -> "two point five million dollars"; also £ and €, and "50¢".
    """

    def replace(match: re.Match[str]) -> str:
        names = CURRENCIES[match.group("cur")]
        a, b, scale = match.group("a"), match.group("b"), match.group("scale")
        if scale:
            first = spoken(a).words
            if b:
                return f"{first} to {spoken(b).words} {scale} {names[1]}"
            return f"{first} {scale} {names[1]}"
        if b:
            if "." not in a and "." not in b:
                return f"{cardinal(a)} to {cardinal(b)} {names[1]}"
            return f"{_money(a, names)} to {_money(b, names)}"
        return _money(a, names)

    text = _MONEY_RE.sub(replace, text)
    return _CENTS_RE.sub(lambda m: f"{cardinal(m.group(1))} {'cent' if m.group(1) == '1' else 'cents'}", text)


# ---------------------------------------------------------------------------
# percentages

_RANGE_SEP = r"\s?(?:-|–|to)\s?"
_PERCENT_RE = re.compile(rf"(?<![\w.])({NUMBER})(?:\s?%)?(?:{_RANGE_SEP}({NUMBER}))?\s?%")


def read_percentages(text: str) -> str:
    """'20%' -> 'twenty percent'; '10-20%' and '10% to 20%' -> 'ten to twenty percent'."""

    def replace(match: re.Match[str]) -> str:
        first, second = match.groups()
        if second:
            return f"{spoken(first).words} to {spoken(second).words} percent"
        return f"{spoken(first).words} percent"

    return _PERCENT_RE.sub(replace, text)


# ---------------------------------------------------------------------------
# units

_UNIT_ALT = "|".join(
    re.escape(u) if u != "in" else r"in(?=\s*(?:[,;:)]|$))" for u in sorted(UNITS, key=len, reverse=True)
)
_PER_ALT = "|".join(re.escape(u) for u in sorted(PER_UNITS, key=len, reverse=True))
_UNIT_RE = re.compile(
    rf"(?<![\w.])(?P<a>{NUMBER})(?:{_RANGE_SEP}(?P<b>{NUMBER}))?\s?(?P<unit>{_UNIT_ALT})"
    rf"(?P<per>(?:/(?:{_PER_ALT}))*)(?!\w)"
)
_BARE_PER_RE = re.compile(rf"(?<![\w./])(?P<unit>{_UNIT_ALT})(?P<per>(?:/(?:{_PER_ALT}))+)(?![\w/])")
_PER_WORD_RE = re.compile(rf"\bper\s+(?P<unit>{_PER_ALT})(?![\w/])")


def _per_words(per: str) -> str:
    return "".join(f" per {PER_UNITS[p]}" for p in per.split("/") if p)


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" or word.startswith("hour") else "a"


def read_units(text: str) -> str:
    """Counts with units: "5 mg" -> "five milligrams", "1 mg" -> "one milligram".

    The last number decides singular or plural ("1-2 mg" -> "one to two
    milligrams"); a fraction below one reads "of a": "½ tsp" -> "one half of
    a teaspoon". "mg/kg" -> "milligrams per kilogram"; "per kg" -> "per
    kilogram". "in" is an inch only as "in." or before punctuation, so "2 in
    10 people" is left alone. "U" and "IU" are "Do Not Use" and not expanded.
    """

    def replace(match: re.Match[str]) -> str:
        unit = match.group("unit")
        singular, plural = UNITS[unit]
        first = spoken(match.group("a"))
        last = spoken(match.group("b")) if match.group("b") else first
        head = first.words if not match.group("b") else f"{first.words} to {last.words}"
        per = _per_words(match.group("per"))
        stop = "." if unit == "in." and keeps_stop(match.string, match.end()) else ""
        if last.count == "one":
            return f"{head} {singular}{per}{stop}"
        if last.count == "part":
            return f"{head} of {_article(singular)} {singular}{per}{stop}"
        return f"{head} {plural}{per}{stop}"

    text = _UNIT_RE.sub(replace, text)
    text = _BARE_PER_RE.sub(lambda m: UNITS[m.group("unit")][1] + _per_words(m.group("per")), text)
    return _PER_WORD_RE.sub(lambda m: f"per {PER_UNITS[m.group('unit')]}", text)
