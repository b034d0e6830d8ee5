"""How an abbreviation's reading takes its place in the sentence.

Shared by the rules that expand abbreviations (titles, Latin, dosing times,
"in." as a unit): the reading is capitalized like what was written ("E.g."
-> "For example"), and an abbreviation's dot that also ends the sentence is
kept as its full stop ("heat, ice, etc." -> "heat, ice, et cetera.").
"""

from __future__ import annotations

import re

from audioguide.speech.normalize.tokens import said


def keeps_stop(text: str, end: int) -> bool:
    """True when an abbreviation's dot at ``text[end-1]`` ends the text (the sentence)."""
    return not text[end:].strip(" \"')]")


def stop(match: re.Match[str]) -> str:
    """ "." when the matched abbreviation's dot also ends the text, else ""."""
    if not match.group(0).endswith("."):
        return ""
    return "." if keeps_stop(match.string, match.end()) else ""


def expansion(match: re.Match[str], reading: str, keeps_full_stop: bool) -> str:
    """An abbreviation's reading, capitalized like it ("E.g." -> "For example")."""
    out = match.expand(reading)
    written = match.group(0).lstrip(", ")
    if written[:1].isupper() and not written.isupper() and out[:1].islower():
        out = out[0].upper() + out[1:]
    return out + (stop(match) if keeps_full_stop else "")


def compile_rows(rows: tuple[tuple[str, str, bool], ...]) -> tuple[tuple[re.Pattern[str], str, bool], ...]:
    """A table of (pattern, reading, keeps the full stop) with its patterns compiled."""
    return tuple((re.compile(pattern), reading, keeps) for pattern, reading, keeps in rows)


def expand_rows(text: str, rows: tuple[tuple[re.Pattern[str], str, bool], ...]) -> str:
    """Every abbreviation of ``rows`` in ``text`` replaced by its reading, in the table's order."""
    for pattern, reading, keeps in rows:
        text = pattern.sub(
            lambda m, r=reading, k=keeps: said("abbreviation", m.group(0), expansion(m, r, k)), text
        )
    return text
