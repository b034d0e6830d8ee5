"""The plain numbers left: ranges, ratios, fractions, ordinals, decimals, integers.

Every digit must reach the engine as words: voices differ in how (and
whether) they read digits, "1/2" or "2.5", and a clip's speech text must not
depend on the voice. These run after every rule that reads a number in its
context (times, dates, units, money, years), in this order: a range before
its numbers, a fraction before its parts, a decimal before its integers.
The words themselves come from :mod:`audioguide.speech.numwords`.
"""

from __future__ import annotations

import re

from audioguide.speech import numwords
from audioguide.speech.normalize.tokens import said
from audioguide.speech.numwords import GLYPHS, INT, NUMBER, UNSIGNED, spoken

_RANGE_RE = re.compile(rf"(?<![\w.,/])(?<!\d[-–])({NUMBER})\s?[-–]\s?({UNSIGNED})(?![\w/]|[.,]\d|[-–]\d)")
_RATIO_RE = re.compile(rf"(?<![\w.,:])({NUMBER}):({UNSIGNED})(?![\w:]|[.,]\d)")
_FRACTION_RE = re.compile(
    rf"(?<![\w.,/])(?:{INT}(?:\s?[{GLYPHS}]|\s\d+/\d+(?![\d/]))|\d+/\d+(?![\d/])|[{GLYPHS}])(?![\w/])"
)
# "1/20th": a fraction whose denominator is written as an ordinal
_ORDINAL_FRACTION_RE = re.compile(r"(?<![\w.,/])(\d+)/(\d+)(?:st|nd|rd|th)(?![\w/])")
_ORDINAL_RE = re.compile(rf"(?<![\w.,])({INT})(st|nd|rd|th)(?!\w)", re.IGNORECASE)
_DECIMAL_RE = re.compile(rf"(?<![\w.,])(?:(?<![\w.,)%])[-−])?{INT}?\.\d+(?![\w]|\.\d)")
_CARDINAL_RE = re.compile(rf"(?<![\w.])(?:(?<![\w.,)%])[-−](?=\d))?{INT}(?![\w]|\.\d)")


def read_ranges(text: str) -> str:
    """'2-3' and '2–3' -> 'two to three'; '1–1 ½' -> 'one to one and a half'.

    Only a number on both sides makes a range: "long-term", "X-rays" and
    "COVID-19" are not ranges, nor is a chain like "3-2-1". A ratio that is
    not a clock time reads the same way: "1:1000" -> "one to one thousand".
    """
    text = _RANGE_RE.sub(
        lambda m: said("range", m.group(0), f"{spoken(m.group(1)).words} to {spoken(m.group(2)).words}"), text
    )
    return _RATIO_RE.sub(
        lambda m: said("range", m.group(0), f"{spoken(m.group(1)).words} to {spoken(m.group(2)).words}"), text
    )


def read_fractions(text: str) -> str:
    """'½' -> 'one half', '3/4' -> 'three quarters', '1 ½' -> 'one and a half'.

    A denominator of 10, or a score like '5/5', reads 'out of' ('7/10' ->
    'seven out of ten'); other large fractions read 'over' ('120/80').
    """
    text = _ORDINAL_FRACTION_RE.sub(
        lambda m: said("fraction", m.group(0), numwords.fraction_words(int(m.group(1)), int(m.group(2)))),
        text,
    )
    return _FRACTION_RE.sub(lambda m: said("fraction", m.group(0), spoken(m.group(0)).words), text)


def read_ordinals(text: str) -> str:
    """'1st' -> 'first', '22nd' -> 'twenty-second', '100th' -> 'one hundredth'."""
    return _ORDINAL_RE.sub(lambda m: said("ordinal", m.group(0), numwords.ordinal(m.group(1))), text)


def read_decimals(text: str) -> str:
    """'2.5' -> 'two point five', '0.5' -> 'zero point five', '.5' -> 'point five'."""
    return _DECIMAL_RE.sub(lambda m: said("decimal", m.group(0), spoken(m.group(0)).words), text)


def read_cardinals(text: str) -> str:
    """Every integer left: '12' -> 'twelve', '1,200' -> 'one thousand two hundred'.

    A leading zero ('007') or more than 15 digits reads digit by digit; a
    minus sign before a number ('-5', '−5') reads 'minus'.
    """
    return _CARDINAL_RE.sub(lambda m: said("cardinal", m.group(0), spoken(m.group(0)).words), text)
