"""Phone numbers in digit groups, the way a listener dials them.

Read as numbers, "(555) 123-4567" would be "five hundred fifty-five, one
hundred twenty-three minus four thousand ..." and a clinic's line would be
lost. Runs before the lexicon and the number rules. A bare 7-digit
"555-1234" is also a range, so it is a phone number only after a cue word
(:data:`~audioguide.speech.normalize.tables.PHONE_CUES`) or before an extension.
"""

from __future__ import annotations

import re

from audioguide.speech.normalize.tables import PHONE_CUES
from audioguide.speech.numwords import digits

_EXT = r"(?:\s*,?\s*(?:ext\.?|extension|x)\s*(\d{1,6}))?"
_PHONE_FULL_RE = re.compile(
    r"(?<![\w.+-])(?:(\+?1)[-. ]?)?(?:\((\d{3})\)\s?|(\d{3})[-. ])(\d{3})[-. ](\d{4})(?![\w-])" + _EXT
)
_PHONE_LOCAL_RE = re.compile(r"(?<![\w.,/-])(\d{3})-(\d{4})(?![\w-])" + _EXT)
_PHONE_CUE_RE = re.compile(
    rf"\b(?:{'|'.join(PHONE_CUES)})\b"
    r"(?:\W{0,3}(?:(?:us|them|him|her|me|the\s+\w+)\s+)?(?:at\s+|on\s+)?"
    r"|(?:\W+[\w.'’-]+){1,4}\s+(?:at|on)\s+)$",  # "call Dr. Lee at", "call our front desk on"
    re.IGNORECASE,
)
_CUE_WINDOW = 60  # characters before a number searched for a phone cue
_SHORT_NUMBER_RE = re.compile(r"(?<![\w.,$-])(911|988|[2-8]11)(?![\w-]|\.\d|,\d)(?!\s?%)")
_NOT_A_PHONE_AFTER = re.compile(r"\s?(?:%|mg|mcg|mL|ml|g|kg)\b")
_EXT_ALONE_RE = re.compile(r"\b(?:[Ee]xt\.?|[Ee]xtension)\s*(\d{1,6})\b")


def _phone_words(groups: list[str | None], extension: str | None) -> str:
    spoken_groups = [digits(g) for g in groups if g]
    out = ", ".join(spoken_groups)
    if extension:
        out += f", extension {digits(extension)}"
    return out


def read_phone_numbers(text: str) -> str:
    """Phone numbers in digit groups, and extensions.

    "(555) 123-4567 ext. 12" -> "five five five, one two three, four five six
    seven, extension one two"; "1-800-555-0199" -> "one, eight zero zero, ...";
    "911" -> "nine one one". A bare "555-1234" needs a cue word before it.
    """

    def full(match: re.Match[str]) -> str:
        country, area1, area2, exchange, line, ext = match.groups()
        country = country.lstrip("+") if country else None
        return _phone_words([country, area1 or area2, exchange, line], ext)

    def short(match: re.Match[str]) -> str:
        before = match.string[max(0, match.start() - _CUE_WINDOW) : match.start()]
        if match.group(1) == "911" or _PHONE_CUE_RE.search(before):
            return digits(match.group(1))
        return match.group(0)

    def local(match: re.Match[str]) -> str:
        exchange, line, ext = match.groups()
        before = match.string[max(0, match.start() - _CUE_WINDOW) : match.start()]
        if _NOT_A_PHONE_AFTER.match(match.string, match.end()):
            return match.group(0)
        if ext or _PHONE_CUE_RE.search(before):
            return _phone_words([exchange, line], ext)
        return match.group(0)

    text = _PHONE_FULL_RE.sub(full, text)
    text = _PHONE_LOCAL_RE.sub(local, text)
    text = _SHORT_NUMBER_RE.sub(short, text)
    return _EXT_ALONE_RE.sub(lambda m: f"extension {digits(m.group(1))}", text)
