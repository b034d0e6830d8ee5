"""Clinical shorthand: dosing frequencies and intervals, routes of a dose, blood pressure.

Prescribing shorthand ("q4h", "b.i.d.", "5 mg PO", "BP 120/80") is what a
patient most needs to hear right and what a voice reads worst: as letters,
or "120/80" as a fraction. Frequencies and routes are read in full however
they are written: with dots or without, in capitals or not ("PO", "po",
"p.o."). Where a written form is also an ordinary word or numeral ("IV" in
"stage IV", "bid", "mane"), it is read as shorthand only next to a dose.
"QD", "QOD", "U" and "IU" are on the Joint Commission's "Do Not Use" list:
they are read in full here, and still reported to the author
(:mod:`audioguide.speech.donotuse`). Tables: ``FREQUENCIES``, ``ROUTES``,
``DOSE_UNITS`` in :mod:`~audioguide.speech.normalize.tables`.
"""

from __future__ import annotations

import re

from audioguide.speech import numwords
from audioguide.speech.normalize.expansions import keeps_stop
from audioguide.speech.normalize.tables import (
    DOSE_NUMBER_WORDS,
    DOSE_UNITS,
    DOSE_VERBS,
    DOTTED_ROUTES,
    FREQUENCIES,
    FREQUENCY_COUNTS,
    ROUTES,
    WORDLIKE_FREQUENCIES,
)
from audioguide.speech.normalize.tokens import said, written_before
from audioguide.speech.numwords import cardinal

# ---------------------------------------------------------------------------
# dosing frequencies and intervals

_INTERVAL_RE = re.compile(
    r"(?<![\w.])[Qq]\.?\s?(\d{1,2})(?:\s?[-–]\s?(\d{1,2}))?\.?\s?(?:hrs|hr|h)(?:\.(?=\W|$))?(?![\w])"
)
_HOURLY_RE = re.compile(r"(?<![\w.])(\d{1,2})\s?(?:hrly|hourly)(?![\w])", re.IGNORECASE)


def _dotted(letters: str) -> str:
    """ "bid" -> a pattern for "bid", "b.i.d.", "b.i.d", "BID", "B.I.D." (any case)."""
    return r"\.?".join(re.escape(ch) for ch in letters) + r"\.?"


def _with_dots(letters: str) -> str:
    """ "po" -> a pattern for "p.o." and "p.o" only: the dots make it shorthand."""
    return r"\.\s?".join(re.escape(ch) for ch in letters) + r"\.?"


_FREQUENCY_ALT = "|".join(_dotted(key) for key in sorted(FREQUENCIES, key=len, reverse=True))
_FREQUENCY_RE = re.compile(rf"(?<![\w.+-])(?:{_FREQUENCY_ALT})(?![\w])", re.IGNORECASE)
_FREQUENCY_RANGE_RE = re.compile(
    rf"(?<![\w.+-])(?P<a>{'|'.join(FREQUENCY_COUNTS)})\s?[-–]\s?(?P<b>{'|'.join(FREQUENCY_COUNTS)})(?![\w])",
    re.IGNORECASE,
)
_DOSE_BEFORE = re.compile(
    rf"(?:\b(?:{'|'.join(DOSE_UNITS)})\b\.?(?:/[\w²³^]+)*(?:\s+[A-Za-z]+){{0,2}}|\b(?:{'|'.join(DOSE_VERBS)})\b(?:\s+[A-Za-z]+)?"
    rf"|(?<![\w.])\d+(?:[.,]\d+)?|\b(?:{'|'.join(DOSE_NUMBER_WORDS)})\b)[\s,]*$",
    re.IGNORECASE,
)


def _key(written: str) -> str:
    return written.replace(".", "").lower()


def _stop(match: re.Match[str]) -> str:
    """The full stop of a dotted abbreviation that ends the sentence ("...b.i.d.")."""
    return "." if match.group(0).endswith(".") and keeps_stop(match.string, match.end()) else ""


def _near_a_dose(match: re.Match[str]) -> bool:
    return bool(_DOSE_BEFORE.search(written_before(match, 60)))


def read_frequencies(text: str) -> str:
    """Dosing frequencies, with dots or without, in any case (see :func:`read_dosing`)."""

    def frequency_range(match: re.Match[str]) -> str:
        a, b = FREQUENCY_COUNTS[_key(match.group("a"))], FREQUENCY_COUNTS[_key(match.group("b"))]
        return said("abbreviation", match.group(0), f"{cardinal(str(a))} to {cardinal(str(b))} times a day")

    def frequency(match: re.Match[str]) -> str:
        written = match.group(0)
        key = _key(written)
        if key not in FREQUENCIES:
            return written
        if key in WORDLIKE_FREQUENCIES and "." not in written[:-1] and not _near_a_dose(match):
            return written  # "a bid", "a horse's mane", "a PC"
        return said("abbreviation", written, FREQUENCIES[key] + _stop(match))

    text = _FREQUENCY_RANGE_RE.sub(frequency_range, text)
    return _FREQUENCY_RE.sub(frequency, text)


def read_dosing(text: str) -> str:
    """Dosing frequencies and intervals, with dots or without, in any case.

    "q4h"/"q.4.h." -> "every four hours", "q4-6h" -> "every four to six hours",
    "4 hrly" -> "every four hours"; "b.i.d."/"BID"/"bd" -> "twice a day";
    "tid"/"tds" -> "three times a day"; "qid"/"qds" -> "four times a day";
    "qd" -> "every day"; "qod" -> "every other day"; "q.h.s." -> "at bedtime";
    "prn" -> "as needed"; "a.c." -> "before meals"; "mane"/"nocte" -> "in the
    morning"/"at night"; "bid-tid" -> "two to three times a day".
    """

    def interval(match: re.Match[str]) -> str:
        first, second = match.groups()
        if second:
            reading = f"every {cardinal(first)} to {cardinal(second)} hours"
        else:
            reading = "every hour" if int(first) == 1 else f"every {cardinal(first)} hours"
        return said("abbreviation", match.group(0), reading + _stop(match))

    text = _INTERVAL_RE.sub(interval, text)
    text = _HOURLY_RE.sub(
        lambda m: said("abbreviation", m.group(0), f"every {cardinal(m.group(1))} hours"), text
    )
    return read_frequencies(text)


# ---------------------------------------------------------------------------
# blood pressure

_BP_RE = re.compile(r"(?<![\w./])(?P<sys>\d{2,3})/(?P<dia>\d{2,3})(?![\w/]|[.,]\d)(?P<unit>\s?mm\s?Hg\b)?")
_BP_BEFORE = re.compile(r"(?:\b[Bb]lood [Pp]ressures?|\bB ?P)\b[^.;!?\d]{0,30}$")


def _systolic(value: int) -> str:
    """ "120" -> "one twenty", "105" -> "one oh five", "100" -> "one hundred": as a nurse reads it."""
    if 100 < value < 200 and value % 100:
        rest = value % 100
        return f"one {'oh ' + numwords.DIGIT_WORDS[rest] if rest < 10 else cardinal(str(rest))}"
    return cardinal(str(value))


def read_blood_pressure(text: str) -> str:
    """Blood pressure readings: "BP 120/80" and "120/80 mmHg" -> "one twenty over eighty".

    Only with a cue (blood pressure or BP before it, mmHg after it);
    otherwise "120/80" is a fraction (:func:`read_fractions`: "one hundred
    and twenty over eighty").
    """

    def replace(match: re.Match[str]) -> str:
        if not match.group("unit") and not _BP_BEFORE.search(written_before(match, 45)):
            return match.group(0)
        out = f"{_systolic(int(match.group('sys')))} over {cardinal(match.group('dia'))}"
        return said(
            "measure", match.group(0), out + (" millimeters of mercury" if match.group("unit") else "")
        )

    return _BP_RE.sub(replace, text)


# ---------------------------------------------------------------------------
# routes

_ROUTE_RE = re.compile(
    rf"(?<![\w.])(?:(?P<dotted>{'|'.join(_with_dots(key) for key in DOTTED_ROUTES)})(?=\W|$)"
    rf"|(?P<plain>{'|'.join(ROUTES)})(?![\w]))",
    re.IGNORECASE,
)
_ROUTE_LIST_BEFORE = re.compile(
    rf"(?<![\w.])(?:{'|'.join(ROUTES)}|{'|'.join(_with_dots(key) for key in DOTTED_ROUTES)})\s*,?\s*(?:or\s+|and\s+)?$",
    re.IGNORECASE,
)


def read_routes(text: str) -> str:
    """Routes of a dose: "5 mg PO" -> "five milligrams by mouth"; "IV, IM or SC" in a list too.

    PO by mouth, IV intravenously, IM into a muscle, SC/SQ/subcut under the
    skin, SL under the tongue, PR rectally. Written with dots ("p.o.",
    "s.c.", "i.m.") a route is read anywhere; without, only after a dose (a
    number, a unit, tablets, "give", "take", a drug's name after its dose) or
    another route: elsewhere "IV" may be a Roman numeral ("stage IV") and "PR"
    public relations.
    """

    def replace(match: re.Match[str]) -> str:
        written = match.group(0)
        key = _key(written)
        if match.group("plain"):
            if (
                not (written.isupper() or written.islower() or key == "subcut")
                or key == "pr"
                and written != "PR"
            ):
                return written
            before = written_before(match, 60)
            if not (_DOSE_BEFORE.search(before) or _ROUTE_LIST_BEFORE.search(before)):
                return written
        reading = ROUTES.get(key.upper()) or ROUTES.get(key) or DOTTED_ROUTES[key]
        return said("abbreviation", written, reading + (_stop(match) if match.group("dotted") else ""))

    return _ROUTE_RE.sub(replace, text)
