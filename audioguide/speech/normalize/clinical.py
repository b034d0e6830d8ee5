"""Clinical readings: dosing intervals, blood pressure, routes of a dose.

Prescribing shorthand ("q4h", "q.h.s.", "5 mg PO", "BP 120/80") is what a
patient most needs to hear right and what a voice reads worst: as letters,
or "120/80" as a fraction. Each reading needs its clinical context, so that
"IV" after "stage" stays a numeral and "PR" elsewhere stays letters. The
"Do Not Use" abbreviations (q.d., q.o.d., U, IU) are never expanded (see
:mod:`audioguide.speech.donotuse`). Tables: ``DOSING_ABBREVIATIONS``,
``ROUTES`` and ``DOSE_CUES`` in :mod:`~audioguide.speech.normalize.tables`.
"""

from __future__ import annotations

import re

from audioguide.speech import numwords
from audioguide.speech.normalize.expansions import compile_rows, expand_rows
from audioguide.speech.normalize.tables import DOSE_CUES, DOSING_ABBREVIATIONS, ROUTES
from audioguide.speech.numwords import cardinal

# ---------------------------------------------------------------------------
# dosing intervals and times

_INTERVAL_RE = re.compile(r"(?<![\w.])[Qq]\.?\s?(\d{1,2})(?:\s?[-–]\s?(\d{1,2}))?\s?(?:hrs|hr|h)(?![\w])")
_DOSING_ABBREVIATIONS = compile_rows(DOSING_ABBREVIATIONS)


def read_dosing(text: str) -> str:
    """Dosing intervals and times: "q4h" -> "every four hours", "q4-6h" -> "every four to six hours".

    "q1h" -> "every hour"; "q.h.s."/"qhs" -> "at bedtime"; "a.c." -> "before
    meals"; "p.c." -> "after meals" (b.i.d., t.i.d., q.i.d. and p.r.n. are
    :func:`expand_abbreviations`'). "q.d." and "q.o.d." are "Do Not Use" and
    stay as written.
    """

    def interval(match: re.Match[str]) -> str:
        first, second = match.groups()
        if second:
            return f"every {cardinal(first)} to {cardinal(second)} hours"
        return "every hour" if int(first) == 1 else f"every {cardinal(first)} hours"

    text = _INTERVAL_RE.sub(interval, text)
    return expand_rows(text, _DOSING_ABBREVIATIONS)


# ---------------------------------------------------------------------------
# blood pressure

_BP_RE = re.compile(
    r"(?P<ctx>\b(?:[Bb]lood [Pp]ressures?|B P|BP)\b[^.;!?\d]{0,30})?"
    r"(?<![\w./])(?P<sys>\d{2,3})/(?P<dia>\d{2,3})(?![\w/]|[.,]\d)(?P<unit>\s?mm\s?Hg\b)?"
)


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
        if not match.group("ctx") and not match.group("unit"):
            return match.group(0)
        out = f"{match.group('ctx') or ''}{_systolic(int(match.group('sys')))} over {cardinal(match.group('dia'))}"
        return out + (" millimeters of mercury" if match.group("unit") else "")

    return _BP_RE.sub(replace, text)


# ---------------------------------------------------------------------------
# routes

_ROUTE_ALT = "|".join(ROUTES)
_DOSE_BEFORE = "(?:" + "|".join(DOSE_CUES) + ")"
_ROUTE_RE = re.compile(rf"\b({_DOSE_BEFORE})((?:,?\s+(?:or\s+|and\s+)?(?:{_ROUTE_ALT})(?![\w]))+)")
_ONE_ROUTE_RE = re.compile(rf"\b({_ROUTE_ALT})(?![\w])")


def read_routes(text: str) -> str:
    """Routes after a dose: "5 mg PO" -> "five milligrams by mouth"; "IV, IM or SC" in a list too.

    PO by mouth, IV intravenously, IM into a muscle, SC/SQ/subcut under the
    skin, SL under the tongue, PR rectally. Only right after a dose (a unit,
    tablets, doses) or "give"/"take": elsewhere "IV" may be a Roman numeral
    ("stage IV") and "PR" public relations.
    """
    return _ROUTE_RE.sub(
        lambda m: m.group(1) + _ONE_ROUTE_RE.sub(lambda r: ROUTES[r.group(1)], m.group(2)), text
    )
