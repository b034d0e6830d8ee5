"""Years, decades and year ranges: "in 2023" -> "in twenty twenty-three".

As a cardinal a year is "two thousand twenty-three", which no one says; but
a 4-digit number is a year only in year context (after "in", "since", a
season, in parentheses, before a year noun such as "the 2024 flu season"):
elsewhere "1500 people" is a count, not "fifteen hundred". Runs after units
and before the plain number rules. Tables: ``YEAR_CONTEXT`` and ``YEAR_NOUNS``
in :mod:`~audioguide.speech.normalize.tables`.
"""

from __future__ import annotations

import re

from audioguide.speech import numwords
from audioguide.speech.normalize.tables import YEAR_CONTEXT, YEAR_NOUNS
from audioguide.speech.normalize.tokens import said
from audioguide.speech.numwords import cardinal

_Y = r"(?:1[1-9]\d\d|20\d\d)"
_YEAR_CONTEXT_RE = re.compile(
    rf"\b(?P<ctx>{'|'.join(YEAR_CONTEXT)})(?P<sp>[\s-]+)(?P<y1>{_Y})"
    rf"(?:(?P<join>\s+(?:to|and|through|until)\s+|\s?[-–]\s?)(?P<y2>{_Y})|[-–](?P<yy>\d\d))?(?![\w,.]?\d)(?!\w)"
)
_YEAR_RANGE_RE = re.compile(rf"(?<![\w.,$])(?P<y1>{_Y})\s?[-–]\s?(?P<y2>{_Y})(?![\w,.]?\d)(?!\w)")
_YEAR_PAREN_RE = re.compile(rf"\((?P<y>{_Y})\)")
# a year alone between full stops, as a reference dates a reprint: "Medical records that guide and
# teach. 1968. MD Comput. 1993 ..."
_YEAR_ALONE_RE = re.compile(rf"(?:^|(?<=\.\s))(?P<y>{_Y})(?=\.(?:\s|$))")
_DECADE_RE = re.compile(r"(?<![\w.])'?((?:1[1-9]|20)?\d0)'?s(?!\w)")


def _decade(match: re.Match[str]) -> str:
    number = match.group(1)
    if len(number) == 4:
        words = numwords.year(int(number))
    elif len(number) == 2 and number != "00":
        words = cardinal(number)
    else:
        return match.group(0)
    head, _, last = words.rpartition(" ")
    last = last[:-1] + "ies" if last.endswith("y") else last + "s"
    return f"{head} {last}".strip()


def read_years(text: str) -> str:
    """Years in context and decades.

    "in 2023" -> "in twenty twenty-three"; "(1998)" -> "(nineteen
    ninety-eight)"; "2019-2023" and "from 2019 to 2023" read both as years;
    "the 1990s" -> "the nineteen nineties"; "the '90s"/"the 90s" -> "the
    nineties"; a number alone between full stops ("... and teach. 1968. MD ...") is a
    year. A 4-digit number without year context is a cardinal.
    """

    def in_context(match: re.Match[str]) -> str:
        y1 = int(match.group("y1"))
        years = numwords.year(y1)
        if match.group("y2"):
            join = match.group("join")
            join = " to " if join.strip() in {"-", "–"} else join
            years += f"{join}{numwords.year(int(match.group('y2')))}"
        elif match.group("yy"):
            years += f" to {cardinal(match.group('yy'))}"  # "2013-14": "twenty thirteen to fourteen"
        written = match.group(0)[len(match.group("ctx")) + len(match.group("sp")) :]
        return f"{match.group('ctx')}{match.group('sp')}" + said("date", written, years)

    def year_range(match: re.Match[str]) -> str:
        y1, y2 = int(match.group("y1")), int(match.group("y2"))
        if y2 <= y1:
            return match.group(0)
        return said("date", match.group(0), f"{numwords.year(y1)} to {numwords.year(y2)}")

    def decade(match: re.Match[str]) -> str:
        reading = _decade(match)
        return reading if reading == match.group(0) else said("date", match.group(0), reading)

    text = _YEAR_CONTEXT_RE.sub(in_context, text)
    text = _YEAR_RANGE_RE.sub(year_range, text)
    text = _YEAR_PAREN_RE.sub(
        lambda m: "(" + said("date", m.group("y"), numwords.year(int(m.group("y")))) + ")", text
    )
    text = _YEAR_ALONE_RE.sub(lambda m: said("date", m.group(0), numwords.year(int(m.group(0)))), text)
    return _DECADE_RE.sub(decade, text)


_Y_RUNNING = r"(?:1[5-9]\d\d|20\d\d)"
_YEAR_RUNNING_RE = re.compile(
    rf"(?<=\b[Tt]he )(?P<y>{_Y_RUNNING})(?=\s+(?:[A-Z][a-z]|(?:{'|'.join(YEAR_NOUNS)})\b))"
    rf"|(?<![\w.,$])(?P<p>{_Y_RUNNING})(?='s\b)"
    rf"|(?<=\bof )(?P<o>{_Y_RUNNING})(?=\s*(?:[.;:!?)]|,\s|$))"
)


def read_running_years(text: str) -> str:
    """ "During the 1989 Christmas holidays" -> "During the nineteen eighty-nine Christmas holidays"."""
    return _YEAR_RUNNING_RE.sub(lambda m: said("date", m.group(0), numwords.year(int(m.group(0)))), text)
