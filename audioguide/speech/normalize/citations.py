"""Journal citations: "1992 Mar;152(3):481-4." -> "nineteen ninety-two March; volume one hundred
fifty-two, issue three, pages four eighty-one to four eighty-four."

Health documents end in reference lists, and PubMed, MEDLINE and the ICMJE's
Vancouver style all write a reference's place in its journal the same way:
year (and month, season or day), a semicolon, the volume, the issue in
parentheses, a colon and the pages, the last page shortened to the digits
that change ("169-74" is 169 to 174). Read by the number rules that would be
"one thousand nine hundred and eighty-six Feb;twenty-two (two):one hundred
and sixty-nine to seventy-four". The semicolon after a year is what marks a
citation: prose does not put one there. Years and pages are said in pairs
("nineteen ninety-two", "page four eighty-one"), volume and issue as numbers.
"""

from __future__ import annotations

import re

from audioguide.speech import numwords
from audioguide.speech.normalize.tables import MONTH_ABBREVIATIONS, MONTHS
from audioguide.speech.normalize.tokens import said
from audioguide.speech.numwords import cardinal

_MONTH = "|".join([*MONTHS, *MONTH_ABBREVIATIONS])
_SEASON = "Spring|Summer|Fall|Autumn|Winter"
_WHEN = rf"(?:{_MONTH}|{_SEASON})\.?"
_CITATION_RE = re.compile(
    r"(?<![\w.,:;-])(?P<year>(?:1[5-9]|20)\d\d)"
    rf"(?:\s*[-–]\s*(?P<year2>(?:1[5-9]|20)\d\d))?"
    rf"(?:\s+(?P<when>{_WHEN}(?:\s*[-–]\s*{_WHEN})?)(?:\s+(?P<day>[0-3]?\d))?)?"
    r"\s*;\s*(?P<volume>\d{1,4})?"
    r"(?:\s*(?P<part>Pt|Suppl)\.?\s*(?P<part_no>\d{1,3}))?"
    r"(?:\s*\((?P<issue>[^()\n]{1,16})\))?"
    r"(?:\s*:\s*(?P<pages>[A-Za-z]?\d{1,6}(?:\s*[-–]\s*[A-Za-z]?\d{1,6})?))?"
    r"(?![\w-])"
)
# BibTeX's styles: "52(2):193-209, July 2003": volume, issue and pages are a citation without a year
_VOLUME_ISSUE_PAGES_RE = re.compile(
    r"(?<![\w.,:;/-])(?P<volume>\d{1,4})\s?\((?P<issue>[^()\n]{1,16})\)\s?:\s?"
    r"(?P<pages>[A-Za-z]?\d{1,6}(?:\s*[-–]\s*[A-Za-z]?\d{1,6})?)(?![\w-])"
    rf"(?:,\s*(?:(?P<when>{_WHEN})\s+)?(?P<year>(?:1[5-9]|20)\d\d)(?!\w))?"
)
_PAGE_RE = re.compile(r"(?P<letter>[A-Za-z]?)(?P<number>\d{1,6})")
_ISSUE_PART_RE = re.compile(
    r"^(?:(?P<no>\d{1,4})(?:\s*[-–]\s*(?P<to>\d{1,4}))?)?\s*(?:(?P<part>Pt|Suppl)\.?\s*(?P<part_no>\d{1,3}))?$"
)
_PARTS = {"Pt": "part", "Suppl": "supplement"}


def _year(text: str) -> str:
    return numwords.year(int(text))


def _when(text: str) -> str:
    """ "Mar" -> "March", "Sep-Oct" -> "September to October", "Winter" as written."""
    names = [
        MONTH_ABBREVIATIONS.get(name.strip().rstrip("."), name.strip().rstrip("."))
        for name in re.split(r"[-–]", text)
    ]
    return " to ".join(names)


def _page_number(text: str) -> str:
    """A page as it is said: "481" -> "four eighty-one", "1663" -> "sixteen sixty-three", "S12" -> "S twelve"."""
    match = _PAGE_RE.fullmatch(text.strip())
    if match is None:
        return text
    number = match.group("number").lstrip("0") or "0"
    words = (
        numwords.year(int(number)) if 100 <= int(number) <= 9999 and int(number) % 100 else cardinal(number)
    )
    return f"{match.group('letter')} {words}".strip()


def pages(text: str) -> str:
    """ "169-74" -> "pages one sixty-nine to one seventy-four" (the last page written short); "1663" -> "page ..."."""
    parts = [part.strip() for part in re.split(r"[-–]", text, maxsplit=1)]
    first, last = parts[0], parts[1] if len(parts) == 2 else ""
    if not last:
        return f"page {_page_number(first)}"
    start, end = _PAGE_RE.fullmatch(first), _PAGE_RE.fullmatch(last)
    if start and end and not end.group("letter") and len(end.group("number")) < len(start.group("number")):
        digits = start.group("number")
        last = start.group("letter") + digits[: len(digits) - len(end.group("number"))] + end.group("number")
    return f"pages {_page_number(first)} to {_page_number(last)}"


def _issue(text: str) -> str:
    match = _ISSUE_PART_RE.match(text.strip())
    if match is None or not (match.group("no") or match.group("part")):
        return f"issue {text.strip()}"
    words = []
    if match.group("no"):
        number = cardinal(match.group("no"))
        if match.group("to"):
            words.append(f"issues {number} and {cardinal(match.group('to'))}")
        else:
            words.append(f"issue {number}")
    if match.group("part"):
        words.append(f"{_PARTS[match.group('part')]} {cardinal(match.group('part_no'))}")
    return ", ".join(words)


def _reading(match: re.Match[str]) -> str | None:
    volume, issue, page = match.group("volume"), match.group("issue"), match.group("pages")
    if not (page or (volume and issue)):
        return None  # "2011; 87" alone is not sure to be a citation
    when = _year(match.group("year"))
    if match.group("year2"):
        when += f" to {_year(match.group('year2'))}"
    if match.group("when"):
        when += f" {_when(match.group('when'))}"
        if match.group("day"):
            when += f" {numwords.ordinal(match.group('day').lstrip('0') or '0')}"
    place = []
    if volume:
        place.append(f"volume {cardinal(volume)}")
    if match.group("part"):
        place.append(f"{_PARTS[match.group('part')]} {cardinal(match.group('part_no'))}")
    if issue:
        place.append(_issue(issue))
    if page:
        place.append(pages(page))
    return f"{when}; {', '.join(place)}"


def read_citations(text: str) -> str:
    """A reference's year, volume, issue and pages (see the module docstring)."""

    def citation(match: re.Match[str]) -> str:
        reading = _reading(match)
        return match.group(0) if reading is None else said("citation", match.group(0), reading)

    def volume_issue_pages(match: re.Match[str]) -> str:
        reading = f"volume {cardinal(match.group('volume'))}, {_issue(match.group('issue'))}, {pages(match.group('pages'))}"
        if match.group("year"):
            when = f"{_when(match.group('when'))} " if match.group("when") else ""
            reading += f", {when}{_year(match.group('year'))}"
        return said("citation", match.group(0), reading)

    if ";" in text:
        text = _CITATION_RE.sub(citation, text)
    return _VOLUME_ISSUE_PAGES_RE.sub(volume_issue_pages, text) if "):" in text or ") :" in text else text
