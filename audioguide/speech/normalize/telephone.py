"""Telephone numbers in digit groups, the way a listener dials them.

Read as numbers, "(555) 123-4567" would be "five hundred fifty-five, one
hundred twenty-three minus four thousand ..." and a clinic's line would be
lost. Each group is read digit by digit, groups apart ("five five five, one
two three, ..."), a leading "+" as "plus", an extension as "extension". Runs
before the lexicon and the number rules. A bare 7-digit "555-1234" is also a
range, so it is a phone number only after a cue word
(:data:`~audioguide.speech.normalize.tables.PHONE_CUES`) or before an extension;
international and national numbers are known by their "+", their leading 0
or their area code in parentheses.
"""

from __future__ import annotations

import re

from audioguide.speech.normalize.tables import PHONE_CUES
from audioguide.speech.normalize.tokens import said
from audioguide.speech.numwords import digits

_EXT = r"(?:\s*,?\s*(?:ext\.?|extension|x)\s*(\d{1,6})(?:/x?(\d{1,6}))?)?"
_PHONE_FULL_RE = re.compile(
    r"(?<![\w.+-])(?:(\(\+\d{1,3}\)|\+?1)[-. ]?)?(?:\((\d{3})\)\s?|(\d{3})[-. ])(\d{3})[-. ]"
    r"((?(2)\d{3,4}|\d{4}))(?![\w-])" + _EXT  # three digits at the end only after "(area)"
)
_PHONE_LOCAL_RE = re.compile(r"(?<![\w.,/-])(\d{3})-(\d{4})(?![\w-])" + _EXT)
# "+7 (800) 555-35-35", "+33 1 42 68 53 00", "+44 20 7946 0958": a "+" and groups
_PHONE_PLUS_RE = re.compile(
    r"(?<![\w+])\+\d{1,3}(?:[ .-]?\(\d{1,4}\)|[ .-]\d{1,5}){2,6}(?![\w-]|[.,]\d)" + _EXT
)
# national numbers: a trunk prefix and an area code in parentheses, or groups after a leading 0:
# "8 (800) 555 35 35", "(03) 5555 6473", "022-655 2300", "07624 369230", "01 45 45 32 45"
_PHONE_NATIONAL_RE = re.compile(
    r"(?<![\w.,/+-])(?:\d\s\(\d{3,4}\)\s?\d{3}(?:[ -]\d{2,4}){1,3}"
    r"|\(0\d{1,4}\)\s?\d{3,4}[ -]\d{4}"
    r"|0\d{2,4}-\d{3,4}[ -]\d{4}"
    r"|0\d{3,4} \d{5,7}"
    r"|0\d(?:[ .]\d\d){4})(?![\w-]|[.,]\d)"
)
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
_GROUP_RE = re.compile(r"\+?\d+")


def _phone_words(groups: list[str | None], extension: str | None, second: str | None = None) -> str:
    spoken_groups = [("plus " if g.startswith("+") else "") + digits(g) for g in groups if g]
    out = ", ".join(spoken_groups)
    if extension:
        out += f", extension {digits(extension)}"
    if second:
        out += f" or extension {digits(second)}"
    return out


def read_phone_numbers(text: str) -> str:
    """Phone numbers in digit groups, and extensions.

    "(555) 123-4567 ext. 12" -> "five five five, one two three, four five six
    seven, extension one two"; "1-800-555-0199" -> "one, eight zero zero, ...";
    "+33 1 42 68 53 00" -> "plus three three, one, four two, ..."; "911" ->
    "nine one one". A bare "555-1234" needs a cue word before it.
    """

    def full(match: re.Match[str]) -> str:
        country, area1, area2, exchange, line, ext, second = match.groups()
        country = country.strip("()") if country else None
        return said(
            "telephone", match.group(0), _phone_words([country, area1 or area2, exchange, line], ext, second)
        )

    def grouped(match: re.Match[str]) -> str:
        return said("telephone", match.group(0), _phone_words(_GROUP_RE.findall(match.group(0)), None))

    def plus(match: re.Match[str]) -> str:
        ext, second = match.group(1), match.group(2)
        body = match.group(0)[: match.start(1) - match.start()] if ext else match.group(0)
        body = re.sub(r"\s*,?\s*(?:ext\.?|extension|x)\s*$", "", body)
        return said("telephone", match.group(0), _phone_words(_GROUP_RE.findall(body), ext, second))

    def short(match: re.Match[str]) -> str:
        before = match.string[max(0, match.start() - _CUE_WINDOW) : match.start()]
        if match.group(1) == "911" or _PHONE_CUE_RE.search(before):
            return said("telephone", match.group(0), digits(match.group(1)))
        return match.group(0)

    def local(match: re.Match[str]) -> str:
        exchange, line, ext, second = match.groups()
        before = match.string[max(0, match.start() - _CUE_WINDOW) : match.start()]
        if _NOT_A_PHONE_AFTER.match(match.string, match.end()):
            return match.group(0)
        if ext or _PHONE_CUE_RE.search(before):
            return said("telephone", match.group(0), _phone_words([exchange, line], ext, second))
        return match.group(0)

    text = _PHONE_PLUS_RE.sub(plus, text)
    text = _PHONE_FULL_RE.sub(full, text)
    text = _PHONE_NATIONAL_RE.sub(grouped, text)
    text = _PHONE_LOCAL_RE.sub(local, text)
    text = _SHORT_NUMBER_RE.sub(short, text)
    return _EXT_ALONE_RE.sub(lambda m: said("telephone", m.group(0), f"extension {digits(m.group(1))}"), text)
