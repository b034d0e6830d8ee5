"""Number tokens as spoken words, built on :mod:`num2words`.

The rules in :mod:`audioguide.speech.normalize` find numbers in context
(money, units, ranges, years); this module only turns one written number
into words and reports its grammatical count, so a unit after it can be
singular ("1 mg" -> "one milligram") or plural ("0.5 mL" -> "zero point five
milliliters").

Readings chosen here (see the tests for every row):

* cardinals come from num2words with its commas removed, so a long number is
  not broken by pauses: "1,200" -> "one thousand two hundred";
* a number with a leading zero ("007") or longer than 15 digits is read digit
  by digit;
* decimals read each digit after the point: "2.50" -> "two point five zero";
  ".5" (no leading zero) -> "point five", as written;
* fractions: halves, quarters and ordinals up to twentieths ("3/4" ->
  "three quarters", "3/2" -> "three halves", "16/17" -> "sixteen
  seventeenths"), and one part of up to a hundred ("1/40" -> "one
  fortieth"); a denominator of 10, or equal numerator and denominator, is a
  score: "7/10" -> "seven out of ten", "5/5" -> "five out of five"; a count
  below a larger total is "out of" ("206/317"); anything else is read
  "over": "120/80" -> "one hundred and twenty over eighty"; "24/7" is
  "twenty-four seven"; "0/1" (a binary choice) is "zero or one".
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Literal

from num2words import num2words

logger = logging.getLogger(__name__)

Count = Literal["one", "part", "many"]
"""Grammatical count of a number: exactly one, a fraction below one, or plural."""

DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")

FRACTION_GLYPHS: dict[str, tuple[int, int]] = {
    "½": (1, 2),
    "⅓": (1, 3),
    "⅔": (2, 3),
    "¼": (1, 4),
    "¾": (3, 4),
    "⅕": (1, 5),
    "⅖": (2, 5),
    "⅗": (3, 5),
    "⅘": (4, 5),
    "⅙": (1, 6),
    "⅚": (5, 6),
    "⅐": (1, 7),
    "⅛": (1, 8),
    "⅜": (3, 8),
    "⅝": (5, 8),
    "⅞": (7, 8),
    "⅑": (1, 9),
    "⅒": (1, 10),
}
GLYPHS = "".join(FRACTION_GLYPHS)

_MAX_CARDINAL_DIGITS = 15

# Regex fragments shared by the rules. INT is an integer with optional
# thousands separators; NUMBER is any written number, mixed fractions included.
INT = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)"
UNSIGNED = (
    rf"(?:{INT}(?:\s?[{GLYPHS}]|\s\d+/\d+(?![\d/]))"  # 1 ½, 1½, 1 1/2
    rf"|{INT}?\.\d+"  # 2.5, .5, 1,200.75
    rf"|\d+/\d+(?![\d/])"  # 3/4, 120/80
    rf"|{INT}"  # 12, 1,200
    rf"|[{GLYPHS}])"  # ½
)
NUMBER = rf"(?:(?:(?<![\w.,)%])[-−](?=[\d.{GLYPHS}]))?{UNSIGNED})"

_MIXED_RE = re.compile(rf"^({INT})(?:\s?([{GLYPHS}])|\s(\d+)/(\d+))$")
_FRACTION_RE = re.compile(r"^(\d+)/(\d+)$")
_DECIMAL_RE = re.compile(rf"^({INT})?\.(\d+)$")
_INT_RE = re.compile(rf"^{INT}$")


@dataclass(frozen=True)
class Spoken:
    """A number in words and its grammatical count."""

    words: str
    count: Count


def _clean(words: str) -> str:
    """num2words output without commas (no pause inside a number)."""
    return words.replace(",", "")


def digits(text: str) -> str:
    """Each digit of ``text`` as a word: "0199" -> "zero one nine nine"."""
    return " ".join(DIGIT_WORDS[int(ch)] for ch in text if ch.isdigit())


def cardinal(text: str) -> str:
    """An integer (commas allowed) in words: "1,200" -> "one thousand two hundred"."""
    plain = text.replace(",", "")
    if len(plain) > 1 and plain.startswith("0") or len(plain) > _MAX_CARDINAL_DIGITS:
        return digits(plain)
    return _clean(num2words(int(plain)))


def ordinal(text: str) -> str:
    """An integer as an ordinal: "22" -> "twenty-second"."""
    plain = text.replace(",", "")
    if len(plain) > _MAX_CARDINAL_DIGITS:
        return digits(plain)
    return _clean(num2words(int(plain), to="ordinal"))


def year(value: int) -> str:
    """A year: 2023 -> "twenty twenty-three", 1905 -> "nineteen oh-five"."""
    return _clean(num2words(value, to="year"))


def decimal(text: str) -> str:
    """A decimal, digits after the point one by one: "0.5" -> "zero point five"."""
    match = _DECIMAL_RE.match(text)
    if match is None:
        raise ValueError(f"not a decimal: {text!r}")
    whole, frac = match.groups()
    head = f"{cardinal(whole)} " if whole else ""
    return f"{head}point {digits(frac)}"


def fraction_words(num: int, den: int, *, mixed: bool = False) -> str:
    """A fraction in words: (3, 4) -> "three quarters"; mixed (1, 2) -> "a half"."""
    if den == 2:
        name = "half" if num == 1 else "halves"
    elif den == 4:
        name = "quarter" if num == 1 else "quarters"
    else:
        name = ordinal(str(den)) + ("" if num == 1 else "s")
    if num == 1 and mixed:
        article = "an" if name[0] in "aeiou" else "a"
        return f"{article} {name}"
    return f"{cardinal(str(num))} {name}"


def slash_fraction(num_text: str, den_text: str) -> Spoken:
    """A written "a/b": a fraction, a score ("7/10") or a ratio ("120/80")."""
    num, den = int(num_text), int(den_text)
    a, b = cardinal(num_text), cardinal(den_text)
    if (num, den) == (24, 7):
        return Spoken("twenty-four seven", "many")
    if (num, den) == (0, 1):
        return Spoken("zero or one", "many")
    if den == 10 or (num == den and den > 0):
        return Spoken(f"{a} out of {b}", "many")
    if num >= 1 and (2 <= den <= 20 or num == 1 and 2 <= den <= 100):
        return Spoken(fraction_words(num, den), "part" if num < den else "many")
    if 1 <= num < den:
        return Spoken(f"{a} out of {b}", "many")
    return Spoken(f"{a} over {b}", "many")


def spoken(text: str) -> Spoken:
    """Any number matched by :data:`NUMBER` in words, with its count.

    >>> spoken("1 ½")
    Spoken(words='one and a half', count='many')
    """
    text = text.strip()
    if text[:1] in "-−":
        rest = spoken(text[1:])
        return Spoken(f"minus {rest.words}", rest.count)
    if text in FRACTION_GLYPHS:
        return Spoken(fraction_words(*FRACTION_GLYPHS[text]), "part")
    match = _MIXED_RE.match(text)
    if match:
        whole, glyph, num, den = match.groups()
        if glyph:
            part = fraction_words(*FRACTION_GLYPHS[glyph], mixed=True)
        else:
            part = fraction_words(int(num), int(den), mixed=True) if int(den) else f"{num}/{den}"
        return Spoken(f"{cardinal(whole)} and {part}", "many")
    match = _FRACTION_RE.match(text)
    if match:
        return slash_fraction(*match.groups())
    if _DECIMAL_RE.match(text):
        return Spoken(decimal(text), "many")
    if _INT_RE.match(text):
        plain = text.replace(",", "")
        return Spoken(cardinal(text), "one" if plain == "1" else "many")
    raise ValueError(f"not a number: {text!r}")
