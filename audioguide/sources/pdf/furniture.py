"""What a PDF prints that is not the text: running headers and footers, page numbers, the title
page, contents lists, tables, figure labels, code.

Each rule marks lines as dropped with a reason (:meth:`Line.drop`); nothing
is lost silently: ``outline`` lists every dropped block. Headers, footers and
page numbers are marked ``outside`` (they are not article text).
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence

from audioguide.sources.code import FORMULA_REASON
from audioguide.sources.pdf.lines import Line
from audioguide.sources.pdf.reader import Page

PAGE_NUMBER = "page number"
RUNNING = "running header or footer"
CONTENTS = "table of contents (the tracks are the guide's own list)"
TABLE = "table (not read aloud)"
FIGURE = "figure text (labels of a picture)"
CAPTION = "figure or table caption"
CODE = "code"
FORMULA = FORMULA_REASON  # one reason for a formula, whatever the format
TITLE_PAGE = "title page (authors, dates, addresses)"
ARTIFACT = "page furniture marked as such by the PDF"
FOOTNOTE = "footnote"

OUTER_ZONE = 0.15  # running heads and page numbers sit in the top or bottom 15 % of the page
MAX_TITLE_PAGE_WORDS = 80
MAX_ODD_RUNNING_WORDS = 6  # a running line worded apart from the rest of its series is short

_ROMAN = r"(?=[ivxlcdm])m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})"
_PAGE_NUMBER_RE = re.compile(
    rf"^(?:page|seite|p\.)?\s*[-–—(\[]?\s*(?:\d{{1,4}}|{_ROMAN})\s*[-–—)\]]?"
    rf"(?:\s*(?:/|of|von|sur|de)\s*\d{{1,4}})?$",
    re.IGNORECASE,
)
_NUMBER_TOKEN_RE = re.compile(rf"^(?:\d{{1,4}}|{_ROMAN})$", re.IGNORECASE)
_FOOTNOTE_MARK_RE = re.compile(r"^(?:\d{1,2}|[*†‡§¶])\s?[^\W\d_]")
_COPYRIGHT_RE = re.compile(r"©|\(c\)\s*\d{4}|\bcopyright\b|\ball rights reserved\b", re.IGNORECASE)
_LEADERS_RE = re.compile(r"(?:\s?[.·…_]){3,}\s*(\d{1,4}|[ivxlc]{1,6})$", re.IGNORECASE)
# Leaders running to the line's end with no page number after them: the number set apart, in a
# column of its own (or not printed). Five dots at least: an ellipsis ("...") is no leader.
_OPEN_LEADERS_RE = re.compile(r"(?:\s?[.·…_]){5,}\s*$")
_TRAILING_NUMBER_RE = re.compile(r"^(.*?\S)\s+(\d{1,4}|[ivxlc]{1,6})$", re.IGNORECASE)
_SECTION_NUMBER_RE = re.compile(
    r"^(?:(?:chapter|section|part|appendix)\s+)?(?:\d{1,3}(?:\.\d{1,3})*\.?|[A-Z]\.)\s+"
)
_CAPTION_RE = re.compile(
    r"^(?:figure|fig\.|table|chart|diagram|illustration|image|photo|abbildung|tabelle)\s*"
    r"[\dIVX]+(?:[.-]\d+)*\s*[:.–—]\s",
    re.IGNORECASE,
)


def key(text: str) -> str:
    """Comparison key: letters and digits only, case-folded ("LaTeX News" == "LATEX News")."""
    return re.sub(r"[\W_]+", "", text.casefold())


def heading_key(text: str) -> str:
    """Key without a leading section number: "1.2 Constructing the curves" == "Constructing the curves"."""
    return key(_SECTION_NUMBER_RE.sub("", text.strip()))


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER_RE.match(text.strip()))


def is_caption(text: str) -> bool:
    return bool(_CAPTION_RE.match(text))


def live(lines: Iterable[Line]) -> list[Line]:
    return [line for line in lines if line.kind == "text"]


def drop_artifacts(pages: Sequence[Page]) -> None:
    """A tagged PDF marks its headers, footers and page numbers as artifacts."""
    for page in pages:
        for line in page.lines:
            if line.role == "artifact":
                line.drop(ARTIFACT, outside=True)


# --------------------------------------------------------------------------- running heads


def drop_running_lines(pages: Sequence[Page]) -> None:
    """Page numbers, and lines printed at the same place at the top or foot of many pages.

    A candidate is the top or bottom line of a page, in the outer part of the
    page, set apart from the text by more than a line's spacing. It is dropped
    when it is a page number ("3", "iv", "– 3 –", "Page 3 of 9", "3 / 16"),
    a copyright line, or when lines stand at the same height on several pages
    and carry a page number or repeat one another ("2 1.2 Survival curves
    YLL", "Theory 1.3 Survival functions 3").
    """
    dropped = _drop_running(pages, {})
    if dropped:  # a header or footer of two lines: the line next to the one just dropped
        _drop_running(pages, dropped, repeated_only=True)


def _drop_running(
    pages: Sequence[Page], next_to: dict[int, list[Line]], *, repeated_only: bool = False
) -> dict[int, list[Line]]:
    candidates = [
        (zone, line)
        for page in pages
        for zone, line in _candidates(page)
        if not next_to
        or any(
            abs(line.top - other.top) <= 2 * max(line.size, other.size)
            for other in next_to.get(page.number, [])
        )
    ]
    positions: dict[tuple[str, int], list[Line]] = {}
    for zone, line in candidates:
        positions.setdefault((zone, round(line.top / 4)), []).append(line)
    pages_with_text = sum(1 for page in pages if live(page.lines))
    needed = 3 if pages_with_text >= 4 else 2
    dropped: dict[int, list[Line]] = {}
    for zone, line in candidates:
        if is_page_number(line.text):
            line.drop(PAGE_NUMBER, outside=True)
        elif _COPYRIGHT_RE.search(line.text) and line.words <= 40:
            line.drop(RUNNING, outside=True)
        else:
            bucket = round(line.top / 4)
            near = [o for b in (bucket - 1, bucket, bucket + 1) for o in positions.get((zone, b), [])]
            if len({o.page for o in near if abs(o.top - line.top) <= 4}) < needed:
                continue
            pattern = _digitless(line.text)
            repeats = any(o is not line and _digitless(o.text) == pattern for o in near)
            words = line.text.split()
            numbered = any(_NUMBER_TOKEN_RE.match(t) for t in (words[0], words[-1]))
            if not (repeats or (numbered and not repeated_only)):
                continue
            line.drop(RUNNING, outside=True)
        dropped.setdefault(line.page, []).append(line)
    if not repeated_only:
        for line in _odd_ones_out(candidates, needed):
            line.drop(RUNNING, outside=True)
            dropped.setdefault(line.page, []).append(line)
    return dropped


def _odd_ones_out(candidates: Sequence[tuple[str, Line]], needed: int) -> list[Line]:
    """A short line where the other pages print their running footer or header, worded apart
    ("letzte Seite" where the pages before say "Fortsetzung Seite 2", "Fortsetzung Seite 3";
    "End of document"; a first page's own header): that page's member of the series."""
    series = [(zone, line) for zone, line in candidates if line.reason == RUNNING]
    out = []
    for zone, line in candidates:
        if line.kind != "text" or line.words > MAX_ODD_RUNNING_WORDS:
            continue
        pages = {
            o.page for z, o in series if z == zone and o.page != line.page and abs(o.top - line.top) <= 1.0
        }
        if len(pages) >= needed:
            out.append(line)
    return out


def _digitless(text: str) -> str:
    return re.sub(r"\d+", "#", text.casefold())


def _candidates(page: Page) -> list[tuple[str, Line]]:
    """The top row and the bottom row of the page, when they sit in its outer part apart from the text."""
    lines = sorted(live(page.lines), key=lambda l: l.top)
    out: list[tuple[str, Line]] = []
    if not lines:
        return out
    top_row = [l for l in lines if l.top - lines[0].top < 1.5]
    rest = [l for l in lines if l not in top_row]
    if all(l.bottom <= page.height * OUTER_ZONE for l in top_row) and (
        not rest or rest[0].top - max(l.bottom for l in top_row) >= 0.8 * max(l.size for l in top_row)
    ):
        out += [("top", l) for l in top_row]
    bottom_row = [l for l in lines if lines[-1].top - l.top < 1.5]
    rest = [l for l in lines if l not in bottom_row]
    if all(l.top >= page.height * (1 - OUTER_ZONE) for l in bottom_row) and (
        not rest or min(l.top for l in bottom_row) - rest[-1].bottom >= 0.8 * max(l.size for l in bottom_row)
    ):
        out += [("bottom", l) for l in bottom_row if ("top", l) not in out]
    return out


def drop_footnotes(pages: Sequence[Page], body: float) -> None:
    """Footnotes: smaller lines at the foot of a column, the first starting with its mark
    ("1The LaTeX format contains ..."). Read where they stand, they would cut a sentence."""
    for page in pages:
        columns: dict[int, list[Line]] = {}
        for line in live(page.lines):
            columns.setdefault(line.column, []).append(line)
        for lines in columns.values():
            run: list[Line] = []
            for line in reversed(lines):
                if line.size > body * 0.9:
                    break
                run.insert(0, line)
            if not run or len(run) == len(lines) or not _FOOTNOTE_MARK_RE.match(run[0].text):
                continue
            above = lines[len(lines) - len(run) - 1]
            if run[0].top - above.bottom > 0.5 * run[0].size:
                for line in run:
                    line.drop(FOOTNOTE)


# --------------------------------------------------------------------------- regions


def drop_regions(pages: Sequence[Page], body_fonts: set[str]) -> None:
    """Tables, the labels inside drawings and pictures, and what the tags say is not text."""
    for page in pages:
        for line in live(page.lines):
            if line.role in ("table", "figure", "contents", "caption", "code"):
                reason = {
                    "table": TABLE,
                    "figure": FIGURE,
                    "contents": CONTENTS,
                    "caption": CAPTION,
                    "code": CODE,
                }[line.role]
                line.drop(reason)
            elif any(box.holds(line, 1.0) for box in page.tables):
                line.drop(TABLE)
            elif any(box.holds(line, 12.0) for box in page.figures) and (
                line.font not in body_fonts or line.words <= 3
            ):
                line.drop(FIGURE)
        _drop_table_titles(page)


def _drop_table_titles(page: Page) -> None:
    """A short line just above a dropped table ("REVISION HISTORY") is its title."""
    lines = page.lines
    for index, line in enumerate(lines[:-1]):
        below = lines[index + 1]
        if (
            line.kind == "text"
            and below.reason == TABLE
            and line.words <= 6
            and line.size <= below.size + 0.5  # a larger line above is the section's heading
            and 0 <= below.top - line.bottom <= 3 * line.size
            and not line.text.endswith((".", ":"))
        ):
            line.drop(TABLE)


def body_fonts(lines: Sequence[Line]) -> set[str]:
    """The fonts that set at least a tenth of the text."""
    counts: Counter[str] = Counter()
    for line in lines:
        counts[line.font] += len(line.text)
    total = sum(counts.values()) or 1
    return {font for font, n in counts.items() if n / total >= 0.1}


def drop_code(lines: Sequence[Line]) -> None:
    """Lines set in a monospaced font are code, commands or program output; lines set mostly in
    math fonts are the pieces of an equation: neither is read out."""
    for line in live(lines):
        if line.mono:
            line.drop(CODE)
        elif line.math or (
            not re.search(r"[^\W\d_]", line.text) and re.search(r"[=<>+−×÷∑∫√±≤≥]", line.text)
        ):
            line.drop(FORMULA)


def drop_formula_pieces(lines: Sequence[Line], body: float) -> None:
    """Lines without words between the lines of text, in small type or set in from the margin:
    a display formula's limits, indices, exponents and numerators ("0", "2 2", "1")."""
    starts = Counter(round(line.x0) for line in live(lines) if line.words >= 8)
    margin = float(starts.most_common(1)[0][0]) if starts else 0.0  # where the text's lines start
    for line in live(lines):
        if re.search(r"[^\W\d_]{2}", line.text):
            continue
        left = line.left if line.column > 0 else min(line.left, margin)
        if line.size < body * 0.9 or line.x0 > left + 3 * line.size:
            line.drop(FORMULA)


# --------------------------------------------------------------------------- contents


def drop_contents(lines: Sequence[Line], titles: Iterable[str]) -> None:
    """Contents lists: entries with dot leaders and a page number, or a known heading's title
    followed by a page number ("Introduction 1"); entries wrapped over two lines; the list's
    own heading ("Contents").

    A page number right-aligned in a column of its own is read as a line apart: it is put back
    at the end of the entry it stands level with. Entries whose leaders run to the line's end
    with no number, two or more in a row, are a contents list too; and in a contents list an
    entry with a page number but no leaders (a chapter's entry, set in bold) is one of its
    entries, whatever its title.
    """
    wanted = {heading_key(t) for t in titles} - {""}
    text = live(lines)
    numbers = _page_number_column(text)
    rows = [f"{line.text} {numbers[id(line)].text}" if id(line) in numbers else line.text for line in text]
    entries: set[int] = set()
    for index, row in enumerate(rows):
        if _LEADERS_RE.search(row):
            entries.add(index)
            continue
        match = _TRAILING_NUMBER_RE.match(row)
        if match and wanted:
            head = _LEADERS_RE.sub("", match.group(1))
            head_key = heading_key(head)
            previous = heading_key(text[index - 1].text) if index else ""
            if head_key in wanted or (previous and previous + head_key in wanted):
                entries.add(index)
    entries |= _open_leader_entries(text)
    if len(entries) < 2:
        return
    _numbered_neighbours(text, rows, entries)
    marked = set(entries)
    for index in range(len(text)):  # an entry wrapped over two lines: its first line
        if index not in marked and index + 1 in entries and (index - 1 in entries or index - 2 in entries):
            if text[index].page == text[index + 1].page:
                marked.add(index)
    for index in sorted(entries):  # the list's heading: a short line just before its first entry
        start = index
        while start - 1 in marked:
            start -= 1
        if start - 1 >= 0 and start - 1 not in marked and text[start - 1].words <= 4:
            candidate = text[start - 1]
            if candidate.page == text[start].page and not candidate.text.endswith((".", ":", ",")):
                if re.search(r"content|inhalt|sommaire|índice|indice|inhoud|index", candidate.text, re.I):
                    marked.add(start - 1)
    for index in marked:
        text[index].drop(CONTENTS)
        if id(text[index]) in numbers:
            numbers[id(text[index])].drop(CONTENTS)


def _page_number_column(text: Sequence[Line]) -> dict[int, Line]:
    """A line that is only a number, level with a line to its left on the same page: that
    line's page number, set in a column apart (by ``id`` of the line it belongs to)."""
    out: dict[int, Line] = {}
    by_page: dict[int, list[Line]] = {}
    for line in text:
        by_page.setdefault(line.page, []).append(line)
    for page_lines in by_page.values():
        for number in page_lines:
            if not _NUMBER_TOKEN_RE.match(number.text.strip()):
                continue
            level = [
                line
                for line in page_lines
                if line is not number
                and line.x1 < number.x0
                and abs(line.top - number.top) < 0.5 * number.size
                and not _NUMBER_TOKEN_RE.match(line.text.strip())
            ]
            if level:
                out[id(max(level, key=lambda line: line.x1))] = number
    return out


def _open_leader_entries(text: Sequence[Line]) -> set[int]:
    """Lines ending in leaders without a number, two or more in a row on a page: contents
    entries whose numbers stand apart (or were never printed)."""
    open_ = [bool(_OPEN_LEADERS_RE.search(line.text)) for line in text]
    return {
        index
        for index, line in enumerate(text)
        if open_[index]
        and any(
            0 <= other < len(text) and open_[other] and text[other].page == line.page
            for other in (index - 1, index + 1)
        )
    }


def _numbered_neighbours(text: Sequence[Line], rows: Sequence[str], entries: set[int]) -> None:
    """Within a contents list, a line ending in a page number next to an entry on the same page
    is an entry too ("3 The Graphical User Interface 11" before "3.1 Starting CTSim . . . 11")."""
    grown = True
    while grown:
        grown = False
        for index, row in enumerate(rows):
            if index in entries or not _TRAILING_NUMBER_RE.match(row):
                continue
            if any(
                other in entries and text[other].page == text[index].page for other in (index - 1, index + 1)
            ):
                entries.add(index)
                grown = True


# --------------------------------------------------------------------------- the title page


def drop_title_page(pages: Sequence[Page], bookmarks_on_first_page: bool) -> None:
    """A first page with little text in short lines (title, authors, dates, addresses) before a
    longer document: its title is the guide's title, the rest is not read."""
    text_pages = [p for p in pages if live(p.lines)]
    if len(pages) < 3 or not text_pages or bookmarks_on_first_page:
        return
    first = text_pages[0]
    if first.number != 1:
        return
    lines = live(first.lines)
    if sum(line.words for line in lines) > MAX_TITLE_PAGE_WORDS:
        return
    if any(a.words >= 8 and b.words >= 8 for a, b in zip(lines, lines[1:])):
        return  # running text: a page that starts the document, not a title page
    for line in live(first.lines):
        line.drop(TITLE_PAGE)


def median_gap(lines: Sequence[Line]) -> float:
    """The usual white space between two lines of a paragraph (points)."""
    gaps = [
        b.top - a.bottom
        for a, b in zip(lines, lines[1:])
        if a.page == b.page and a.column == b.column and 0 <= b.top - a.bottom < 2 * a.size
    ]
    return statistics.median(gaps) if gaps else 2.0
