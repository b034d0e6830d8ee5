"""Words joined by a slash ("compound" tokens): read from what the slash joins.

"he/she" and "yes/no" are alternatives ("he or she"); "stable/testing/unstable"
a list ("stable, testing or unstable"); "Mon/Wed" days ("Monday and
Wednesday"); two names before what they named a pair ("the Gell/Coombs sense":
"Gell and Coombs", never "or"), and two names before "Day" two days ("Christmas/Boxing
Day"); "observed/expected" and a pair before "ratio"
a ratio ("observed to expected"); in a name ("GNU/Linux", "HTTP/2", "Misc/HISTORY") the slash is
said, "slash". Paths ("/usr/lib") are electronic tokens, read by
:mod:`~audioguide.speech.normalize.electronic`; numbers ("3/4", "24/7") and
rates ("mg/kg") by their own readers; "and/or" by :mod:`~audioguide.speech.normalize.symbols`.
Tables: ``SLASH_RATIO_PAIRS``, ``EPONYM_NOUNS``, ``NAMED_DAY_NOUNS`` and ``WEEKDAY_ABBREVIATIONS``.
"""

from __future__ import annotations

import re

from audioguide.speech.normalize.electronic import read_path
from audioguide.speech.normalize.tables import (
    EPONYM_NOUNS,
    NAMED_DAY_NOUNS,
    PER_UNITS,
    SLASH_RATIO_PAIRS,
    UNITS,
    WEEKDAY_ABBREVIATIONS,
)
from audioguide.speech.normalize.tokens import PLACEHOLDER_CHARS, PLACEHOLDER_CLASS, said
from audioguide.speech.normalize.versions import read_number

# a run of word characters, dots, apostrophes and hyphens (and tokens read before) that holds a slash
_CHAR = rf"[\w.'’+&{PLACEHOLDER_CLASS}-]"
_SLASHED_RE = re.compile(
    rf"(?<![\w/]){_CHAR}*[\w'’{PLACEHOLDER_CLASS}]/{_CHAR}*(?:/{_CHAR}*)*|(?<![^\s(\[\"])/{_CHAR}+(?:/{_CHAR}*)*"
)
_SPACED_RE = re.compile(r"(?<![\w/])([A-Za-z]) / ([A-Za-z])(?![\w/])")  # "y / n"
_TRAIL_RE = re.compile(r"[,.;:!?']+$")
_PLAIN_WORD_RE = re.compile(r"^(?:[a-z]+|[A-Z][a-z]+)(?:['’][a-z]+)?$")
_CAPS_WORD_RE = re.compile(r"^[A-Z]{3,}$")
_HAS_LETTER_RE = re.compile(rf"[A-Za-z{PLACEHOLDER_CLASS}]")  # a letter, or a token read before
_VOWEL_RE = re.compile(r"[AEIOUY]")
_NUMBERISH_RE = re.compile(r"^\d+(?:st|nd|rd|th)?$")
_VERSION_PART_RE = re.compile(r"^\d{1,3}(?:\.\d{1,3})*$")
_NAME_RE = re.compile(r"^[A-Z][a-z]{2,}$")
_EPONYM_AFTER_RE = re.compile(rf"^\s+(?:{'|'.join(EPONYM_NOUNS)})\b")
_DAYS_AFTER_RE = re.compile(rf"^\s+(?:{'|'.join(NAMED_DAY_NOUNS)})\b")
_RATIO_AFTER_RE = re.compile(r"^\W{0,3}(?:\w+\s+){0,2}\W?[Rr]atios?\b")


def _alternatives(parts: list[str]) -> str:
    """ "a or b"; "a, b or c"."""
    return " or ".join(parts) if len(parts) == 2 else ", ".join(parts[:-1]) + " or " + parts[-1]


def _words(parts: list[str], after: str) -> str | None:
    """The reading of words joined by slashes, or None where the slash is said."""
    if all(p in WEEKDAY_ABBREVIATIONS for p in parts):
        names = [WEEKDAY_ABBREVIATIONS[p] for p in parts]
        return " and ".join(names) if len(names) == 2 else ", ".join(names[:-1]) + " and " + names[-1]
    plain = all(_PLAIN_WORD_RE.match(p) for p in parts) and len({p[:1].isupper() for p in parts}) == 1
    caps = all(_CAPS_WORD_RE.match(p) and _VOWEL_RE.search(p) for p in parts)
    if not (plain or caps):
        return None
    if len(parts) == 2 and (
        tuple(p.lower() for p in parts) in SLASH_RATIO_PAIRS or _RATIO_AFTER_RE.match(after)
    ):
        return " to ".join(parts)
    if len(parts) == 2 and all(_NAME_RE.match(p) for p in parts) and _EPONYM_AFTER_RE.match(after):
        return " and ".join(parts)  # two people's names before what they named: "the Gell/Coombs sense"
    if len(parts) == 2 and all(_NAME_RE.match(p) for p in parts) and _DAYS_AFTER_RE.match(after):
        return " and ".join(parts)  # two days: "Christmas/Boxing Day"
    return _alternatives(parts)


def _digits(part: str) -> bool:
    """0-9 only: str.isdigit() also takes "²" and "١", which are not read as numbers here."""
    return part.isascii() and part.isdigit()


def read_slashes(text: str) -> str:
    """ "he/she" -> "he or she"; "Debian GNU/Linux" -> "GNU slash Linux"; "Misc/HISTORY" -> "Misc slash HISTORY"."""
    if "/" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        trail = _TRAIL_RE.search(token)
        if trail:
            token = token[: trail.start()]
        tail = match.group(0)[len(token) :]
        if token.startswith("/"):
            return said("electronic", token, read_path(token)) + tail
        parts = token.split("/")
        words = [p for p in parts if p]
        if len(parts) == 2 and parts[0].isupper() and _VERSION_PART_RE.match(parts[1]):
            # a protocol's version: "HTTP/2", "HTTP/1.1"
            return said("compound", token, f"{parts[0]} {read_number(parts[1])}") + tail
        if (
            len(words) < 2
            or token.lower() == "and/or"
            # "3/4", "1/20th": numbers, read later (a token read before may touch them: "2x 1/2")
            or all(_NUMBERISH_RE.match(PLACEHOLDER_CHARS.sub("", p)) for p in words)
            or any(not _HAS_LETTER_RE.search(p) and not _digits(p) for p in words)
        ):
            return match.group(0)
        if parts[0] in UNITS and all(p in PER_UNITS for p in parts[1:]):
            return match.group(0)  # a rate, "mg/kg", "mL/h", "kg/m²": read_units reads it "per"
        after = match.string[match.end() : match.end() + 40]
        reading = _words(words, after)
        if reading is None:
            reading = " slash ".join(read_number(p) if _digits(p) else p for p in parts if p)
        return said("compound", token, reading) + tail

    text = _SPACED_RE.sub(
        lambda m: (
            said("compound", m.group(0), f"{m.group(1)} or {m.group(2)}")
            if _PLAIN_WORD_RE.match(m.group(1)) and _PLAIN_WORD_RE.match(m.group(2))
            else m.group(0)
        ),
        text,
    )
    return _SLASHED_RE.sub(replace, text)
