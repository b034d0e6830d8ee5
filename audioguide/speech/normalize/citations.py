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

The journal's title before the year is abbreviated the NLM/ISO 4 way ("Arch Intern Med",
"N Engl J Med"); a listener cannot look it up, so its words are said in full
(:data:`~audioguide.speech.normalize.tables.JOURNAL_TITLE_WORDS`): "Archives of Internal
Medicine", "New England Journal of Medicine". A title in another language is left as written
(:data:`~audioguide.speech.normalize.tables.FOREIGN_TITLE_WORDS`). The sentence splitter keeps the
title with its year (:data:`REFERENCE_PATTERN`): "Stud Health Technol Inform. 2002;90:272-6." is
one reference, not a title and a row of numbers.
"""

from __future__ import annotations

import re

from audioguide.speech import numwords
from audioguide.speech.lexicon import spell
from audioguide.speech.normalize.tables import (
    FOREIGN_TITLE_WORDS,
    JOURNAL_HEAD_NOUNS,
    JOURNAL_TITLE_WORDS,
    MONTH_ABBREVIATIONS,
    MONTHS,
)
from audioguide.speech.normalize.tokens import PLACEHOLDER_CLASS, said
from audioguide.speech.numwords import cardinal

_MONTH = "|".join([*MONTHS, *MONTH_ABBREVIATIONS])
_SEASON = "Spring|Summer|Fall|Autumn|Winter"
_WHEN = rf"(?:{_MONTH}|{_SEASON})\.?"
# A journal's title before its year: up to ten capitalised words (a token read before counts as
# one), a place in parentheses ("Z Arztl Fortbild (Jena)."), a full stop or none ("J AHIMA 2011").
_TITLE_WORD = rf"(?:[A-Z][\w'’&-]*|[{PLACEHOLDER_CLASS}])"
_JOURNAL = (
    rf"(?:(?P<journal>(?:{_TITLE_WORD}\.?\s+){{0,9}}{_TITLE_WORD})"
    r"(?P<place>\s*\([^()\n]{1,24}\))?(?P<stop>\.?\s+))?"
)
_YEAR_TO_SEMICOLON = (
    r"(?<![\w.,:;-])(?:1[5-9]|20)\d\d(?:\s*[-–]\s*(?:1[5-9]|20)\d\d)?(?:\s+[A-Z][a-z]{2,8}\.?"
    r"(?:\s*[-–]\s*[A-Z][a-z]{2,8}\.?)?(?:\s+[0-3]?\d)?)?\s*;"
)
REFERENCE_PATTERN = re.compile(
    _JOURNAL.replace("?P<journal>", "").replace("?P<place>", "").replace("?P<stop>", "") + _YEAR_TO_SEMICOLON
)
"""A journal's title and the year after it: the sentence splitter never cuts between them."""
_CITATION_RE = re.compile(
    _JOURNAL + r"(?<![\w.,:;-])(?P<year>(?:1[5-9]|20)\d\d)"
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
# BioMed Central's "year volume:article" after the journal's title: "Decision Making 2011 11:36"
_YEAR_VOLUME_PAGE_RE = re.compile(
    r"(?<=[A-Za-z]\s)(?P<year>(?:1[5-9]|20)\d\d)\s+(?P<volume>\d{1,4}):(?P<pages>\d{1,6}(?:\s*[-–]\s*\d{1,6})?)"
    r"(?![\w:]|[.,]\d|\s*(?:[AaPp]\.?[Mm]\b))"
)
# "volume:pages (year)" after the journal's title: "Association 5:571-582 (1998)"
_VOLUME_PAGES_YEAR_RE = re.compile(
    r"(?<=[A-Za-z]\s)(?P<volume>\d{1,4}):(?P<pages>\d{1,6}\s*[-–]\s*\d{1,6})\s+\((?P<year>(?:1[5-9]|20)\d\d)\)"
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


def journal_title(title: str) -> str | None:
    """ "Arch Intern Med" -> "Archives of Internal Medicine"; None when no word is read otherwise
    or the title is in another language ("Z Allg Med")."""
    pieces = re.split(r"(\.?\s+)", title)
    words, gaps = pieces[::2], pieces[1::2]
    if any(word.rstrip(".") in FOREIGN_TITLE_WORDS for word in words):
        return None
    out: list[str] = []
    index = 0
    while index < len(words):
        word, pair = words[index], " ".join(words[index : index + 2])
        step = 2 if pair in JOURNAL_TITLE_WORDS and index + 1 < len(words) else 1
        full = JOURNAL_TITLE_WORDS.get(pair if step == 2 else word.rstrip("."))
        last = index + step >= len(words)
        if isinstance(full, tuple):
            full = full[0] if last else full[1]
        if full is None:
            out.append(word)
        else:
            out.append(
                full if last else f"{full} {JOURNAL_HEAD_NOUNS[full]}" if full in JOURNAL_HEAD_NOUNS else full
            )
        if not last:
            out.append(" " if full is not None else gaps[index + step - 1])
        index += step
    reading = "".join(out)
    return None if reading == title else reading


# words before a year and a time of day that make them a date and a time, not a reference
_WHEN_WORDS = frozenset("in at on by since until from before after".split())


def _year_volume_page(match: re.Match[str]) -> str:
    previous = match.string[: match.start()].split()[-1:]
    if previous and previous[0].lower() in _WHEN_WORDS:
        return match.group(0)  # "in 2011 11:36": a year and a time
    reading = f"{_year(match.group('year'))}; volume {cardinal(match.group('volume'))}, {pages(match.group('pages'))}"
    return said("citation", match.group(0), reading)


def read_citations(text: str) -> str:
    """A reference's year, volume, issue and pages, and the journal's title before them (see the
    module docstring)."""

    def citation(match: re.Match[str]) -> str:
        reading = _reading(match)
        start = match.start("year") - match.start()
        head, body = match.group(0)[:start], match.group(0)[start:]
        if reading is None:
            return match.group(0)
        if match.group("journal"):
            title = journal_title(match.group("journal"))
            if title is not None:
                rest = head[len(match.group("journal")) :]
                head = said("abbreviation", match.group("journal"), title) + rest
        return head + said("citation", body, reading)

    def volume_issue_pages(match: re.Match[str]) -> str:
        reading = f"volume {cardinal(match.group('volume'))}, {_issue(match.group('issue'))}, {pages(match.group('pages'))}"
        if match.group("year"):
            when = f"{_when(match.group('when'))} " if match.group("when") else ""
            reading += f", {when}{_year(match.group('year'))}"
        return said("citation", match.group(0), reading)

    if ";" in text:
        text = _CITATION_RE.sub(citation, text)
    if ":" in text:
        text = _YEAR_VOLUME_PAGE_RE.sub(_year_volume_page, text)
        text = _VOLUME_PAGES_YEAR_RE.sub(
            lambda m: said(
                "citation",
                m.group(0),
                f"volume {cardinal(m.group('volume'))}, {pages(m.group('pages'))} ({_year(m.group('year'))})",
            ),
            text,
        )
    return _VOLUME_ISSUE_PAGES_RE.sub(volume_issue_pages, text) if "):" in text or ") :" in text else text


# ---------------------------------------------------------------------------
# authors: "Donnelly WJ, Brauner DJ." -> "Donnelly W J, Brauner D J."

_SURNAME = r"[A-Z](?=[\w'’-]*[a-z])[\w'’-]+(?:\s+[A-Z](?=[\w'’-]*[a-z])[\w'’-]+)?"
_AUTHOR = rf"{_SURNAME}\s+[A-Z]{{1,3}}"
_AUTHORS_RE = re.compile(rf"^\s*{_AUTHOR}(?:,\s+{_AUTHOR})*(?:,?\s+et\s+al)?\.(?=\s|$)")
_INITIALS_RE = re.compile(r"(?<=\s)(?P<letters>[A-Z]{2,3})(?P<stop>\.?)(?=[,\s]|$)")


def read_authors(text: str) -> str:
    """A reference's authors, "Surname Initials" the Vancouver way: the initials are letters.

    "Claus PL, Carpenter PC." -> "Claus P L, Carpenter P C."; "Crouch MA" -> "Crouch M.A.".
    Only a sentence that opens with such a list, ended by a full stop; one author alone only with
    two initials ("Feinstein AR."), so "Install NPM." stays a word of its own.
    """
    match = _AUTHORS_RE.match(text)
    if match is None:
        return text
    authors = match.group(0)
    initials = list(_INITIALS_RE.finditer(authors))
    if not initials or ("," not in authors and len(initials[0].group("letters")) != 2):
        return text

    def letters(m: re.Match[str]) -> str:
        reading = spell(m.group("letters"))  # "M.A." ends the list with its own full stop
        if not reading.endswith("."):
            reading += m.group("stop")
        return said("letters", m.group(0), reading)

    return _INITIALS_RE.sub(letters, authors) + text[match.end() :]
