"""Clock times: "9:30 a.m." -> "nine thirty a.m.", "14:00" -> "fourteen hundred".

Left to the number rules, "9:30" is a ratio ("nine to thirty") and "9:05"
"nine to five". Runs before dates and numbers. "a.m."/"p.m." stay in dotted
form, which the voice reads as letters; "a m" would be read "uh em". Two
times joined by a hyphen are a range: "8:00 pm - 9:00 pm" -> "eight p.m. to
nine p.m.".
"""

from __future__ import annotations

import re

from audioguide.speech import numwords
from audioguide.speech.normalize.tokens import PLACEHOLDER_CLASS, said, token_class
from audioguide.speech.numwords import cardinal

_MERIDIEM = r"(?P<mer>[AaPp]\.\s?[Mm]\.?|[AaPp][Mm](?!\w))"
_TIME_RE = re.compile(
    rf"(?<![\w:.,])(?:(?P<h0>\d{{1,2}})(?::(?P<m0>\d{{2}}))?\s?[-–]\s?)?"
    rf"(?P<h>\d{{1,2}})(?:[:.](?P<m>\d{{2}}))?\s?{_MERIDIEM}"
    rf"|(?<![\w:.,])(?P<h2>\d{{1,2}}):(?P<m2>\d{{2}})(?::(?P<s2>\d{{2}}))?(?![\d:]|\.\d|,\d)"
)
# a 24-hour time written without a colon: "at 1800", "at 0730 hours"
_MILITARY_RE = re.compile(r"(?<=\bat )(?P<h>[01]\d|2[0-3])(?P<m>[0-5]\d)(?=\s*(?:hours|hrs)?\s*(?:[.,;)]|$))")
_RANGE_RE = re.compile(rf"(?P<a>[{PLACEHOLDER_CLASS}])\s*[-–]\s*(?P<b>[{PLACEHOLDER_CLASS}])")


def _minutes(value: int) -> str:
    if value == 0:
        return ""
    if value < 10:
        return f" oh {numwords.DIGIT_WORDS[value]}"
    return f" {cardinal(str(value))}"


def _clock(hour: int, minute: int) -> str:
    """A time without a.m./p.m.: "ten o'clock", "fourteen hundred", "nine oh five"."""
    if minute == 0:
        return f"{cardinal(str(hour))} o'clock" if hour <= 12 else f"{cardinal(str(hour))} hundred"
    return f"{cardinal(str(hour))}{_minutes(minute)}"


def read_times(text: str) -> str:
    """Clock times: "9:30 a.m." -> "nine thirty a.m.", "10:00 pm" -> "ten p.m.", "2.17pm".

    "9:05" -> "nine oh five"; "10:00" without a.m./p.m. -> "ten o'clock";
    "14:30" -> "fourteen thirty"; "14:00" -> "fourteen hundred"; "at 1800" ->
    "at eighteen hundred"; "11:59:01" -> "eleven fifty-nine oh one"; "6-7am"
    -> "six to seven a.m.". Anything that is not a valid time (hours above
    24, minutes above 59) is left to the number rules.
    """

    def replace(match: re.Match[str]) -> str:
        hour_text = match.group("h") or match.group("h2")
        minute_text = match.group("m") or match.group("m2")
        hour = int(hour_text)
        minute = int(minute_text) if minute_text else 0
        if hour > 24 or minute > 59:
            return match.group(0)
        meridiem = match.group("mer")
        if meridiem:
            words = f"{cardinal(str(hour))}{_minutes(minute)} {meridiem[0].lower()}.m."
            if match.group("h0"):
                first = int(match.group("h0"))
                first_minute = int(match.group("m0") or 0)
                if first > 12 or first_minute > 59:
                    return match.group(0)
                words = f"{cardinal(str(first))}{_minutes(first_minute)} to {words}"
            return said("time", match.group(0), words)
        words = _clock(hour, minute)
        if match.group("s2"):
            seconds = int(match.group("s2"))
            if seconds > 59:
                return match.group(0)
            words = f"{cardinal(str(hour))}{_minutes(minute) or ' hundred'}{_minutes(seconds) or ''}"
        return said("time", match.group(0), words)

    text = _TIME_RE.sub(replace, text)
    text = _MILITARY_RE.sub(
        lambda m: said(
            "time", m.group(0), _clock(int(m.group("h")), int(m.group("m"))).replace(" o'clock", " hundred")
        ),
        text,
    )
    return _RANGE_RE.sub(
        lambda m: (
            f"{m.group('a')} to {m.group('b')}"
            if token_class(m.group("a")) == token_class(m.group("b")) == "time"
            else m.group(0)
        ),
        text,
    )
