"""Clock times: "9:30 a.m." -> "nine thirty a.m.".

Left to the number rules, "9:30" is a ratio ("nine to thirty") and "9:05"
"nine to five". Runs before dates and numbers. "a.m."/"p.m." stay in dotted
form, which the voice reads as letters; "a m" would be read "uh em".
"""

from __future__ import annotations

import re

from audioguide.speech import numwords
from audioguide.speech.numwords import cardinal

_MERIDIEM = r"(?P<mer>[AaPp]\.\s?[Mm]\.?|[AaPp][Mm](?!\w))"
_TIME_RE = re.compile(
    rf"(?<![\w:.,])(?P<h>\d{{1,2}})(?::(?P<m>\d{{2}}))?\s?{_MERIDIEM}"
    rf"|(?<![\w:.,])(?P<h2>\d{{1,2}}):(?P<m2>\d{{2}})(?![\d:]|\.\d|,\d)"
)


def _minutes(value: int) -> str:
    if value == 0:
        return ""
    if value < 10:
        return f" oh {numwords.DIGIT_WORDS[value]}"
    return f" {cardinal(str(value))}"


def read_times(text: str) -> str:
    """Clock times: "9:30 a.m." -> "nine thirty a.m.", "10:00 pm" -> "ten p.m.".

    "9:05" -> "nine oh five"; "10:00" without a.m./p.m. -> "ten o'clock";
    "14:30" -> "fourteen thirty". Anything that is not a valid time (hours
    above 24, minutes above 59) is left to the number rules.
    """

    def replace(match: re.Match[str]) -> str:
        hour_text = match.group("h") or match.group("h2")
        minute_text = match.group("m") or match.group("m2")
        hour = int(hour_text)
        minute = int(minute_text) if minute_text else 0
        if hour > 24 or minute > 59:
            return match.group(0)
        words = cardinal(str(hour))
        meridiem = match.group("mer")
        if meridiem:
            return f"{words}{_minutes(minute)} {meridiem[0].lower()}.m."
        if minute == 0:
            return f"{words} o'clock"
        return f"{words}{_minutes(minute)}"

    return _TIME_RE.sub(replace, text)
