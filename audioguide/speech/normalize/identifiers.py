"""Names that hold numbers or letters: codes, spine levels, Roman numerals, versions, slashes.

In "PEP 602", "ICD-10", "L4-L5", "B12", "stage II", "Python 3.11.2" or
"GNU/Linux" the number is part of a name, and the number rules would read it
as a quantity or a range ("L4-5" as "L four to five") or not at all ("II").
These rules read each as its readers say it, before the number rules run.
Tables: ``DIGITWISE_IDENTIFIERS``, ``ROMAN_NUMBER_WORDS``, ``ROMAN_I_BEFORE``
and ``ROMAN_VALUES`` in :mod:`~audioguide.speech.normalize.tables`.
"""

from __future__ import annotations

import re

from audioguide.speech.normalize.tables import (
    DIGITWISE_IDENTIFIERS,
    PER_UNITS,
    ROMAN_I_BEFORE,
    ROMAN_NUMBER_WORDS,
    ROMAN_VALUES,
    UNITS,
)
from audioguide.speech.numwords import cardinal, digits

# ---------------------------------------------------------------------------
# identifiers: digit by digit ("PEP 602" -> "PEP six zero two") or as written without the hyphen

_DIGITWISE_RE = re.compile(
    r"\b(" + "|".join(re.escape(word) for word in DIGITWISE_IDENTIFIERS) + r")(\s?#?\s?|-)(\d{2,10})\b"
)
# A letter code joined to its number by a hyphen is read as written, without the hyphen:
# "Form W-2" -> "W two", "ICD-10" -> "ICD ten", "COVID-19" -> "COVID nineteen".
_LETTER_DASH_NUMBER_RE = re.compile(r"\b([A-Z][A-Za-z]{0,5})-(\d{1,4})(?:-([A-Z]{1,4}))?\b(?!\.\d)")


def read_identifiers(text: str) -> str:
    """Names that hold numbers: digit by digit, or as written without their hyphen."""
    text = _DIGITWISE_RE.sub(lambda m: f"{m.group(1)} {digits(m.group(3))}", text)
    return _LETTER_DASH_NUMBER_RE.sub(
        lambda m: f"{m.group(1)} {cardinal(m.group(2))}" + (f" {m.group(3)}" if m.group(3) else ""), text
    )


# ---------------------------------------------------------------------------
# dotted numbers: versions and sections with two or more dots

_DOTTED_NUMBER_RE = re.compile(r"(?<![\w.])\d{1,4}(?:\.\d{1,4}){2,}(?![\w]|\.\d)")


def read_dotted_numbers(text: str) -> str:
    """ "Python 3.11.2" -> "Python three point eleven point two"; "section 3.2.1" likewise."""
    return _DOTTED_NUMBER_RE.sub(
        lambda m: " point ".join(cardinal(part) for part in m.group(0).split(".")), text
    )


# ---------------------------------------------------------------------------
# Roman numerals after a word that numbers things ("stage", "type", "cranial nerve")

_ROMAN_I_BEFORE = "|".join(ROMAN_I_BEFORE)
_ROMAN_RE = re.compile(
    r"\b(?P<word>" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ROMAN_NUMBER_WORDS) + r")"
    r"\s+(?P<roman>[IVXLC]{1,7})(?P<sub>[a-dA-D])?(?![\w'])",
    re.IGNORECASE,
)


def _roman_value(numeral: str) -> int | None:
    """ "XIV" -> 14; None for what is not a well-formed numeral ("IIII", "VX")."""
    total, previous = 0, 0
    for ch in reversed(numeral):
        value = ROMAN_VALUES[ch]
        total += -value if value < previous else value
        previous = max(previous, value)
    return total if 0 < total < 400 and _roman(total) == numeral else None


def _roman(value: int) -> str:
    out = ""
    for number, letters in (
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while value >= number:
            out += letters
            value -= number
    return out


def read_roman_numerals(text: str) -> str:
    """ "Stage IIIb" -> "Stage three B"; "type II diabetes" -> "type two diabetes"; "Part IV" -> "Part four"."""

    def numeral(match: re.Match[str]) -> str:
        roman = match.group("roman")
        if not roman.isupper():
            return match.group(0)
        value = _roman_value(roman)
        if value is None:
            return match.group(0)
        if roman == "I" and match.group("word")[:1].islower() and not match.group("sub"):
            after = match.string[match.end() :]
            if not (
                re.match(r"\s*(?:[,.;:!?)]|$)", after)
                or re.match(rf"\s+(?:{_ROMAN_I_BEFORE})\b", after, re.I)
            ):
                return match.group(0)
        sub = f" {match.group('sub').upper()}" if match.group("sub") else ""
        return f"{match.group('word')} {cardinal(str(value))}{sub}"

    return _ROMAN_RE.sub(numeral, text)


# ---------------------------------------------------------------------------
# slashes: "or" only between plain words ("he/she", "yes/no"); in a name
# or a path ("GNU/Linux", "Misc/HISTORY", "/usr/lib") it is "slash".

_SLASHED_RE = re.compile(r"^([(\"']*)(.*?)([)\"',.;:!?]*)$")
_PLAIN_WORD_RE = re.compile(r"^(?:[a-z]+|[A-Z][a-z]+)$")
_HAS_LETTER_RE = re.compile(r"[A-Za-z]")


def read_slashes(text: str) -> str:
    """ "he/she" -> "he or she"; "Debian GNU/Linux" -> "GNU slash Linux"; "Misc/HISTORY" -> "Misc slash HISTORY"."""
    if "/" not in text:
        return text
    pieces = re.split(r"(\s+)", text)  # linear: a word at a time
    for index, piece in enumerate(pieces):
        if "/" not in piece or not _HAS_LETTER_RE.search(piece):
            continue
        lead, token, trail = _SLASHED_RE.match(piece).groups()
        parts = token.split("/")
        if (
            token.lower() == "and/or"
            or len(parts) < 2
            or any(not _HAS_LETTER_RE.search(p) and not p.isdigit() for p in parts if p)
        ):
            continue  # "3/4" and "120/80" are numbers, read later
        if all(p.isdigit() for p in parts if p):
            continue
        if parts[0] in UNITS and len(parts) > 1 and all(p in PER_UNITS for p in parts[1:]):
            continue  # a rate, "mg/kg", "mL/h", "kg/m²": read_units reads it "per"
        plain = all(_PLAIN_WORD_RE.match(p) for p in parts) and len({p[:1].isupper() for p in parts}) == 1
        if plain:
            said = " or ".join(parts)
        else:
            said = ("slash " if token.startswith("/") else "") + " slash ".join(p for p in parts if p)
        pieces[index] = f"{lead}{said}{trail}"
    return "".join(pieces)


# ---------------------------------------------------------------------------
# codes: spine levels and letter-number codes

_SPINE_RE = re.compile(r"\b([CTLS])(\d{1,2})\s?[-–/]\s?([CTLS])?(\d{1,2})\b")
_CODE_RE = re.compile(r"\b([A-Z]{1,2})(\d{1,3})\b")


def read_codes(text: str) -> str:
    """Spine levels and letter-number codes, letters kept, digits read.

    "L4-L5" -> "L four L five"; "L4-5" -> "L four five"; "B12" -> "B twelve".
    Codes whose letters end in "A" ("A1") are left as written: the voice
    reads a lone "A" as the article.
    """

    def spine(match: re.Match[str]) -> str:
        first, n1, second, n2 = match.groups()
        parts = [first, cardinal(n1)]
        if second:
            parts.append(second)
        parts.append(cardinal(n2))
        return " ".join(parts)

    def code(match: re.Match[str]) -> str:
        letters, number = match.groups()
        if letters.endswith("A"):
            return match.group(0)
        return f"{' '.join(letters)} {cardinal(number)}"

    text = _SPINE_RE.sub(spine, text)
    return _CODE_RE.sub(code, text)
