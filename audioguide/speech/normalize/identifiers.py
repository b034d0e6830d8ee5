"""Identifiers: names that hold numbers or letters (codes, standards, bug and claim numbers,
spine levels, Roman numerals).

In "PEP 602", "CVE-2023-38039", "ICD-10", "I13.1", "L4-L5", "B12", "stage II"
or "Claim# DEF5647" the number is part of a name, and the number rules would
read it as a quantity or a range ("CVE two zero two three-thirty-eight
thousand ...", "L4-5" as "L four to five") or not at all ("II"). These rules
read each as its readers say it, before the number rules run: an id's digits
one by one (never "one thousand two hundred ..." inside an id), a CVE's year
as a year, an ICD-10 code as letter, number, "point", digits. Tables:
``DIGITWISE_IDENTIFIERS``, ``ROMAN_NUMBER_WORDS``, ``ROMAN_I_BEFORE`` and
``ROMAN_VALUES`` in :mod:`~audioguide.speech.normalize.tables`.
"""

from __future__ import annotations

import re

from audioguide.speech import numwords
from audioguide.speech.normalize.tables import (
    DIGITWISE_IDENTIFIERS,
    ROMAN_I_BEFORE,
    ROMAN_NUMBER_WORDS,
    ROMAN_VALUES,
)
from audioguide.speech.normalize.tokens import said
from audioguide.speech.numwords import cardinal, digits

# ---------------------------------------------------------------------------
# identifiers: digit by digit ("PEP 602" -> "PEP six zero two") or as written without the hyphen

_CVE_RE = re.compile(r"\b(CVE)-((?:19|20)\d\d)-(\d{4,7})\b")
_DIGITWISE_RE = re.compile(
    r"\b(" + "|".join(re.escape(word) for word in DIGITWISE_IDENTIFIERS) + r")"
    r"(?P<sep>:?\s?(?P<hash>#)?\s?|-)(?P<num>\d{2,10})(?:-(?P<rev>\d{1,2}))?\b(?![.,]\d)"
)
# A standard with its year: "IEEE Standard 1003.1-1990" -> "one zero zero three point one dash nineteen ninety"
_STANDARD_YEAR_RE = re.compile(
    r"\b(?P<word>Standard|Std\.?)\s+(?P<num>\d{1,6})(?:\.(?P<part>\d{1,3}))?-(?P<year>(?:19|20)\d\d)\b"
)
# "#1056746", "Bug #727708": a number sign before a long number is an id, read digit by digit
_HASH_ID_RE = re.compile(r"(?<![\w&])#\s?(\d{4,})\b(?![.,]\d)")
# A letter code joined to its number by a hyphen is read as written, without the hyphen:
# "Form W-2" -> "W two", "ICD-10" -> "ICD ten", "COVID-19" -> "COVID nineteen", "MDHHS-5515" -> digits.
_LETTER_DASH_NUMBER_RE = re.compile(r"\b([A-Z][A-Za-z]{0,5})-(\d{1,4})(?:-([A-Z]{1,4}))?\b(?!\.\d)")
# ICD-10 codes: "I13.1" -> "I thirteen point one", "J20.0"; a block range "X85-Y09" -> "... to ..."
_ICD_RE = re.compile(r"\b([A-TV-Z])(\d{2})\.(\d{1,4})\b(?!\.\d)")
_ICD_RANGE_RE = re.compile(r"\b([A-Z])(\d{2})-([A-Z])(\d{2})\b")
# "ASN.1", "POSIX.1": a name and its part number, said "ASN one"
_NAME_DOT_NUMBER_RE = re.compile(r"\b([A-Z]{2,})\.(\d{1,2})\b(?!\.\d)")
# DICOM tags, group and element in hexadecimal: "(0010,0010)", "(7FE0,0010)", "(0002,eeee)" (a
# letter four times stands for any group or element); dicomParser writes them "x7fe00010"
_HEX4 = r"[0-9A-Fa-fx]{4}"  # "x" stands for any hexadecimal digit: "(gggg,00xx)"
_DICOM_TAG_RE = re.compile(
    rf"\((?P<group>{_HEX4}|(?P<g>[a-z])(?P=g){{3}}),\s?"
    rf"(?P<element>{_HEX4}|(?P<e>[a-z])(?P=e){{3}})(?:-(?P<to>{_HEX4}))?\)"
)
# "the tag (0010,0010)", "a tag of (gggg, 00xx)", "the tags from (0019, 1000) to (...)": "tag" is said
_TAG_SAID_RE = re.compile(r"\b[Tt]ags?\b(?:\s+\S+){0,4}\s*$")
# An annex's or section's number: "Annex C.10.9", "section C.7.1.1", "PS 3.4 F.7.1"
_SECTION_RE = re.compile(r"(?<![\w.])([A-Z])\.(\d{1,3}(?:\.\d{1,3})+)(?![\w]|\.\d)")
_DICOM_X_TAG_RE = re.compile(r"(?<![\w-])x(?=[0-9a-fA-F]{0,7}\d)([0-9a-fA-F]{4})([0-9a-fA-F]{4})\b")
# long ids after letters: "P73456090", "DEF5647"
_LETTERS_LONG_NUMBER_RE = re.compile(r"\b([A-Z]{1,4})(\d{4,})\b(?![.,]\d)")


def _dash_number(number: str) -> str:
    """The number of a code after its hyphen: "10" -> "ten"; an id of four digits and more digit by digit."""
    return digits(number) if len(number) >= 4 else cardinal(number)


def _hex(part: str) -> str:
    """ "003A" -> "zero zero three A."; "eeee" -> "E E E E" (a lone "A" would be the article)."""
    return " ".join(digits(ch) if ch.isdigit() else ("A." if ch in "Aa" else ch.upper()) for ch in part)


def read_dicom_tags(text: str) -> str:
    """A DICOM tag as a tag, its group and element in hexadecimal digits and letters.

    "(0010,0010)" -> "tag zero zero one zero, zero zero one zero"; "the tag (7FE0,0010)" keeps one
    "tag" (the sentence says it); dicomParser's "x7fe00010" -> "x seven F E zero, zero zero one zero".
    """

    def tag(match: re.Match[str]) -> str:
        element = _hex(match.group("element"))
        if match.group("to"):
            element += f" to {_hex(match.group('to'))}"
        said_tag = "" if _TAG_SAID_RE.search(match.string, 0, match.start()) else "tag "
        return said("identifier", match.group(0), f"{said_tag}{_hex(match.group('group'))}, {element}")

    if "(" in text:
        text = _DICOM_TAG_RE.sub(tag, text)
    return _DICOM_X_TAG_RE.sub(
        lambda m: said("identifier", m.group(0), f"x {_hex(m.group(1))}, {_hex(m.group(2))}"), text
    )


def read_identifiers(text: str) -> str:
    """Names that hold numbers: digit by digit, or as written without their hyphen."""

    def digitwise(match: re.Match[str]) -> str:
        colon = ":" if ":" in match.group("sep") else ""  # "PMID: 1546910" keeps its colon
        number = ("number " if match.group("hash") else "") + digits(match.group("num"))
        reading = f"{match.group(1)}{colon} {number}"
        if match.group("rev"):
            reading += f" dash {cardinal(match.group('rev'))}"
        return said("identifier", match.group(0), reading)

    def standard(match: re.Match[str]) -> str:
        number = digits(match.group("num"))
        if match.group("part"):
            number += f" point {digits(match.group('part'))}"
        reading = f"{match.group('word')} {number} dash {numwords.year(int(match.group('year')))}"
        return said("identifier", match.group(0), reading)

    text = read_dicom_tags(text)
    text = _SECTION_RE.sub(
        lambda m: said(
            "identifier",
            m.group(0),
            f"{m.group(1)} " + " point ".join(cardinal(n) for n in m.group(2).split(".")),
        ),
        text,
    )
    text = _CVE_RE.sub(
        lambda m: said(
            "identifier", m.group(0), f"{m.group(1)} {numwords.year(int(m.group(2)))} {digits(m.group(3))}"
        ),
        text,
    )
    text = _STANDARD_YEAR_RE.sub(standard, text)
    text = _DIGITWISE_RE.sub(digitwise, text)
    text = _HASH_ID_RE.sub(lambda m: said("identifier", m.group(0), f"number {digits(m.group(1))}"), text)
    text = _ICD_RANGE_RE.sub(
        lambda m: (
            said(
                "identifier",
                m.group(0),
                f"{m.group(1)} {cardinal(m.group(2))} to {m.group(3)} {cardinal(m.group(4))}",
            )
            if m.group(1) not in "CTLS" or m.group(3) not in "CTLS"
            else m.group(0)
        ),
        text,
    )
    text = _ICD_RE.sub(
        lambda m: said(
            "identifier", m.group(0), f"{m.group(1)} {cardinal(m.group(2))} point {digits(m.group(3))}"
        ),
        text,
    )
    text = _NAME_DOT_NUMBER_RE.sub(
        lambda m: said("identifier", m.group(0), f"{m.group(1)} {cardinal(m.group(2))}"), text
    )
    text = _LETTERS_LONG_NUMBER_RE.sub(
        lambda m: said("identifier", m.group(0), f"{' '.join(m.group(1))} {digits(m.group(2))}"), text
    )
    return _LETTER_DASH_NUMBER_RE.sub(
        lambda m: said(
            "identifier",
            m.group(0),
            f"{m.group(1)} {_dash_number(m.group(2))}" + (f" {m.group(3)}" if m.group(3) else ""),
        ),
        text,
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


# One letter that is a Roman numeral of 50 and more names an appendix or a lettered section
# ("Section C.8.4", "see section D"), not a fifty or a hundred.
_LETTER_SECTIONS = frozenset("LCDM")


def read_roman_numerals(text: str) -> str:
    """ "Stage IIIb" -> "Stage three B"; "type II diabetes" -> "type two diabetes"; "Part IV" -> "Part four"."""

    def numeral(match: re.Match[str]) -> str:
        roman = match.group("roman")
        if not roman.isupper():
            return match.group(0)
        value = _roman_value(roman)
        if value is None or roman in _LETTER_SECTIONS:
            return match.group(0)
        if roman == "I" and match.group("word")[:1].islower() and not match.group("sub"):
            after = match.string[match.end() :]
            if not (
                re.match(r"\s*(?:[,.;:!?)]|$)", after)
                or re.match(rf"\s+(?:{_ROMAN_I_BEFORE})\b", after, re.I)
            ):
                return match.group(0)
        sub = f" {match.group('sub').upper()}" if match.group("sub") else ""
        return said("identifier", match.group(0), f"{match.group('word')} {cardinal(str(value))}{sub}")

    return _ROMAN_RE.sub(numeral, text)


# ---------------------------------------------------------------------------
# codes: spine levels and letter-number codes

_SPINE_RE = re.compile(r"\b([CTLS])(\d{1,2})\s?[-–/]\s?([CTLS])?(\d{1,2})\b")
_CODE_RE = re.compile(r"\b([A-Z]{1,2})(\d{1,3})\b")
_WORD_NUMBER_RE = re.compile(r"\b([a-z]{3,})(\d{1,2})\b")


def read_codes(text: str) -> str:
    """Spine levels and letter-number codes, letters kept, digits read.

    "L4-L5" -> "L four L five"; "L4-5" -> "L four five"; "B12" -> "B twelve";
    "I131" (three digits) -> "I one three one"; "psycopg2" -> "psycopg two".
    Codes whose letters end in "A" ("A1") are left as written: the voice
    reads a lone "A" as the article.
    """

    def spine(match: re.Match[str]) -> str:
        first, n1, second, n2 = match.groups()
        parts = [first, cardinal(n1)]
        if second:
            parts.append(second)
        parts.append(cardinal(n2))
        return said("identifier", match.group(0), " ".join(parts))

    def code(match: re.Match[str]) -> str:
        letters, number = match.groups()
        if letters.endswith("A"):
            return match.group(0)
        said_number = digits(number) if len(number) == 3 else cardinal(number)
        return said("identifier", match.group(0), f"{' '.join(letters)} {said_number}")

    text = _SPINE_RE.sub(spine, text)
    text = _CODE_RE.sub(code, text)
    return _WORD_NUMBER_RE.sub(
        lambda m: said("identifier", m.group(0), f"{m.group(1)} {cardinal(m.group(2))}"), text
    )
