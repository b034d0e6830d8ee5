"""Abbreviations in full: titles, Latin, "Fig. 3", "No. 5", page references, dosing shorthand.

A voice says "Dr." as "D R" or "drive" at random, and "e.g." as letters; the
listener cannot see the dot that tells "Dr. Smith" from "12 Oak Dr.". Runs
after the lexicon (the author's own words win) and before the number rules,
which read the numbers these leave ("no. 5" -> "number" and "5"). The readings
are :data:`~audioguide.speech.normalize.tables.SIMPLE_ABBREVIATIONS` and
:data:`~audioguide.speech.normalize.tables.PAGE_ABBREVIATIONS`; clinical
frequencies ("b.i.d.", "qd", "prn") are :mod:`~audioguide.speech.normalize.clinical`'s.
"""

from __future__ import annotations

import re

from audioguide.speech.normalize.clinical import read_frequencies
from audioguide.speech.normalize.expansions import compile_rows, expand_rows, stop
from audioguide.speech.normalize.tables import PAGE_ABBREVIATIONS, SIMPLE_ABBREVIATIONS
from audioguide.speech.normalize.tokens import said, written_before

_ADDRESS_BEFORE = re.compile(r"\d+[A-Za-z]?\s+(?:[A-Z][\w'-]*\.?\s+){1,3}$")
_CAPITALIZED_BEFORE = re.compile(r"(?:^|\s)[A-Z][a-z][\w'-]*\s+$")
_NAME_AFTER = re.compile(r"\s*[A-Z]")

_SIMPLE_ABBREVIATIONS = compile_rows(SIMPLE_ABBREVIATIONS)


def _title_or_place(match: re.Match[str], title: str, place: str, *, title_by_default: bool) -> str:
    """'Dr.'/'St.': a street after a house number, a title before a name.

    Otherwise a street after a capitalized word ("Main St."), else the
    default ("ask your Dr." -> "Doctor", "on the St." -> "Street").
    """
    before = written_before(match, 80)
    if _ADDRESS_BEFORE.search(before):
        reading = place + stop(match)
    elif _NAME_AFTER.match(match.string, match.end()):
        reading = title
    elif title_by_default and not _CAPITALIZED_BEFORE.search(before):
        reading = title + stop(match)
    else:
        reading = place + stop(match)
    return said("abbreviation", match.group(0), reading)


def expand_abbreviations(text: str) -> str:
    """Titles and common abbreviations in full.

    "Dr. Smith" -> "Doctor Smith" but "12 Oak Dr." -> "12 Oak Drive";
    "St. Mary's" -> "Saint Mary's" but "5 Main St." -> "5 Main Street";
    Mr./Mrs./Ms./Jr./Sr./Prof.; e.g. -> for example; i.e. -> that is;
    etc. -> et cetera; vs. -> versus; approx. -> approximately; ext. ->
    extension; "no. 5"/"#5" -> "number 5"; "Fig. 3" -> "Figure 3"; w/ and
    w/o; "l)"/"r)" -> left/right; clinical frequencies (b.i.d., tid, prn, ...).
    An abbreviation's dot at the very end of the text is kept as the
    sentence's full stop ("heat, ice, etc." -> "..., et cetera.").
    """
    text = re.sub(
        r"(?<![\w.])Dr\.(?=\s|$)",
        lambda m: _title_or_place(m, "Doctor", "Drive", title_by_default=True),
        text,
    )
    text = re.sub(r"(?<![\w.])Dr(?=\s+[A-Z])", lambda m: said("abbreviation", m.group(0), "Doctor"), text)
    text = re.sub(
        r"(?<![\w.])St\.(?=\s|$)",
        lambda m: _title_or_place(m, "Saint", "Street", title_by_default=False),
        text,
    )
    return read_frequencies(expand_rows(text, _SIMPLE_ABBREVIATIONS))


_PAGE_RE = re.compile(r"(?<![\w.])(pp|Pp|p|P)\.\s?(?=\d)")


def read_page_references(text: str) -> str:
    """ "see pp. 12-14" -> "see pages 12-14"; "p. 7" -> "page 7"."""
    readings = dict(PAGE_ABBREVIATIONS)
    return _PAGE_RE.sub(lambda m: said("abbreviation", m.group(0), readings[m.group(1)] + " "), text)
