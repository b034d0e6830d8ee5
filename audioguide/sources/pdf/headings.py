"""A PDF's title and headings, from the best evidence it has.

Headings come from the tagged structure tree when the PDF has one with
headings in it (``H1``..``H6``); else from its bookmarks, each title found on
the page it points to; else from the type: the body size is the size most
characters are set in, and a short line standing alone in a larger size, or
in bold when the body is not, is a heading, its level ranked by size.

The title is the metadata title when it is a real title (not empty, not a
file name, not "Microsoft Word - leaflet.docx"), else the largest text on
the first page when it stands out from the body, else the file name.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from audioguide.sources.furniture import furniture_reason
from audioguide.sources.pdf.furniture import TITLE_PAGE, heading_key, is_caption, key, live, median_gap
from audioguide.sources.pdf.lines import Line
from audioguide.sources.pdf.reader import Bookmark, Page

MAX_HEADING_WORDS = 20
MAX_HEADING_LINES = 3
MAX_TITLE_WORDS = 25
MIN_NUMBERED_SECTIONS = 3  # headings numbered after an unnumbered first one: it is the title
TITLE_SIZE_RATIO = 1.2  # the title stands out from the body by at least this much
HEADING_SIZE_RATIO = 1.12
TITLE_REASON = "the title (read as the guide's title)"
BYLINE = "byline (authors, affiliations, dates under the title)"
MAX_BYLINE_LINES = 8
_SECTION_NAME_RE = re.compile(
    r"^(abstract|summary|introduction|background|contents|overview|preface|foreword)\b", re.I
)
CHAPTER_NUMBER = "chapter number (the heading is read)"
# A byline line may end in an abbreviation's stop ("Cambridge, U.K.", "Acme Inc.", "J. Smith, Ph.D."):
# that is no sentence ending.
_ABBREVIATION_END_RE = re.compile(r"(?:\b[^\W\d_]\.){2,}$|\b(?:Inc|Ltd|Jr|Sr|Co|Corp|Dept|Univ)\.$")

# A cover's bookmark: "Title Page", "Cover", "Titelseite: A Guide to ..." (a label, then maybe the title).
_COVER_RE = re.compile(
    r"^(?:(?:front\s+)?cover(?:\s+page)?|title\s*page|titel(?:seite|blatt)|deckblatt"
    r"|page\s+de\s+(?:titre|garde)|couverture|portada)\s*(?::.*)?$",
    re.I,
)
_FILE_NAME_RE = re.compile(r"\.(docx?|pdf|tex|dvi|ps|rtf|odt|txt|indd|qxd|pages|xlsx?|pptx?|html?|md)$", re.I)
_APP_PREFIX_RE = re.compile(r"^(microsoft (word|powerpoint|excel)|untitled|document\d*|slide \d+)\b", re.I)
_CHAPTER_RE = re.compile(r"^(chapter|part|appendix|section|kapitel|chapitre)\s+([\dIVXLC]+|[A-Z])\.?$", re.I)
_JOINING_WORDS = {
    "a",
    "an",
    "the",
    "of",
    "and",
    "or",
    "to",
    "for",
    "in",
    "on",
    "with",
    "your",
    "our",
    "my",
    "their",
    "his",
    "her",
    "its",
    "at",
    "by",
    "from",
}


def is_real_title(title: str | None, source: str | None) -> bool:
    """A metadata title a reader would accept: not empty, not an application's or file's name."""
    if not title or not re.search(r"[^\W\d_]{2}", title):
        return False
    text = title.strip()
    if _FILE_NAME_RE.search(text) or _APP_PREFIX_RE.match(text):
        return False
    if re.fullmatch(r"[\w.-]+", text) and re.search(r"[_\d]", text):
        return False  # "report_v3", "tmp1234": a file's name, not a title
    if _underscore_joined(text):
        return False
    if "/" in text and " " not in text or "\\" in text:
        return False
    if source and key(text) == key(Path(source).stem):
        return False
    return text.casefold() not in {"title", "untitled", "document", "no title"}


def _underscore_joined(text: str) -> bool:
    """Most of the title is words joined by underscores ("Annual_Report_2019 final", "Form_2009 1"):
    a file's name with a copy number or a note after it. A title may name one identifier
    ("Using read_csv"), which is a small part of it."""
    joined = [word for word in text.split() if re.search(r"[^\W_]_+[^\W_]", word)]
    return sum(map(len, joined)) >= 2 / 3 * len(text.replace(" ", ""))


def body_size(lines: Sequence[Line]) -> float:
    """The size most characters are set in."""
    counts: Counter[float] = Counter()
    for line in lines:
        counts[round(line.size * 2) / 2] += len(line.text)
    return counts.most_common(1)[0][0] if counts else 10.0


def body_is_bold(lines: Sequence[Line], size: float) -> bool:
    body = [line for line in lines if abs(line.size - size) < 0.6]
    return sum(len(l.text) for l in body if l.bold) > 0.5 * sum(len(l.text) for l in body)


# --------------------------------------------------------------------------- the title


def take_title(pages: Sequence[Page], metadata: str | None, source: str | None, body: float) -> str | None:
    """The document's title, its lines on the first page dropped (it is read as the title)."""
    first = next((p for p in pages if p.lines), None)
    lines = live(first.lines) if first is not None else []
    if is_real_title(metadata, source):
        _drop_title_lines(lines, key(metadata or ""))
        return metadata
    if not lines:
        return None
    largest = max(line.size for line in lines)
    if largest < body * TITLE_SIZE_RATIO:
        return None
    run: list[Line] = []
    for line in lines:
        if abs(line.size - largest) < 0.6:
            run.append(line)
        elif run:
            break
    text = _join_title(run[:MAX_HEADING_LINES])
    if not text or len(text.split()) > MAX_TITLE_WORDS or not re.search(r"[^\W\d_]{2}", text):
        return None
    for line in run[:MAX_HEADING_LINES]:
        line.drop(TITLE_REASON)
    _drop_byline(lines, run[MAX_HEADING_LINES - 1] if len(run) > MAX_HEADING_LINES else run[-1])
    return text


def _drop_byline(lines: Sequence[Line], title: Line) -> None:
    """Centred short lines right under the title: authors, affiliations, a version, a date."""
    after = lines[lines.index(title) + 1 :]
    for line in after[:MAX_BYLINE_LINES]:
        if line.kind == "drop":
            continue
        middle, centre = (line.x0 + line.x1) / 2, (line.left + line.right) / 2
        centred = abs(middle - centre) <= 0.08 * max(line.right - line.left, 1.0)
        sentence = line.text.endswith(".") and not _ABBREVIATION_END_RE.search(line.text)
        if not centred or line.words > 10 or sentence or _SECTION_NAME_RE.match(line.text):
            break
        line.drop(BYLINE)


def _drop_title_lines(lines: Sequence[Line], wanted: str) -> None:
    """The metadata title printed at the top of the first page is not read twice (nor the
    byline under it)."""
    for start in range(min(len(lines), 6)):
        joined = ""
        for end in range(start, min(start + MAX_HEADING_LINES, len(lines))):
            joined += key(lines[end].text)
            if joined == wanted:
                for line in lines[start : end + 1]:
                    line.drop(TITLE_REASON)
                _drop_byline(lines, lines[end])
                return
            if not wanted.startswith(joined):
                break


def _join_title(lines: Sequence[Line]) -> str:
    """Title lines as one title: a wrapped line continues; a second line that starts anew is a
    subtitle ("Years of Life Lost to disease: Diabetes in DK as example")."""
    text = ""
    for line in lines:
        part = line.text.strip()
        if not text:
            text = part
        elif text.endswith(("-", ":", "–", "—")) or part[:1].islower():
            text = f"{text} {part}" if not text.endswith("-") else text + part
        elif text.split()[-1].casefold() in _JOINING_WORDS:
            text = f"{text} {part}"
        else:
            text = f"{text}: {part}"
    return text


# --------------------------------------------------------------------------- tagged headings


def tagged_headings(lines: Sequence[Line]) -> bool:
    """Headings from the structure tree (``H1``..``H6``); False when it marks none."""
    found = [line for line in live(lines) if line.role == "heading"]
    if not found:
        return False
    previous: Line | None = None
    for line in found:
        level = line.level or 1
        if previous is not None and previous.element == line.element and previous.kind == "heading":
            line.kind = "merged"  # the heading's second line
            previous.heading_text = f"{previous.heading_text or previous.text} {line.text}"
            continue
        line.kind, line.level = "heading", level
        previous = line
    return True


# --------------------------------------------------------------------------- bookmarks


def bookmark_headings(
    pages: Sequence[Page], bookmarks: Sequence[Bookmark], body: float, title: str | None = None
) -> bool:
    """Each bookmark's title found on the page it points to (section numbers aside, over up to
    three lines) is a heading of the bookmark's level; one not found there stands where it
    points, in place of the heading line printed there if there is one.

    A bookmark for the cover or for the document's title is no heading (see
    :func:`_without_covers`); False when no other bookmark is left: an outline of only the
    cover and the contents says nothing of the sections.

    Bookmarks are often fewer than the headings (a Word file's outline may stop at some
    entries): a line set in the style of the bookmarked headings, standing apart, is a heading
    of their level too.
    """
    by_number = {page.number: page for page in pages}
    styles: dict[tuple[float, bool], Counter[int]] = {}
    marks, covers = _without_covers(bookmarks, title)
    for mark in covers:
        page = by_number.get(mark.page)
        if page is not None and _COVER_RE.match(mark.title.strip()):
            _drop_cover(page, [m.top for m in marks if m.page == mark.page])
        elif page is not None:
            _drop_repeated_title(page, mark, title)
    if all(furniture_reason(mark.title) for mark in marks):
        return False
    for mark in marks:
        if furniture_reason(mark.title):
            continue  # a "Contents" bookmark: the contents list is not read
        wanted = key(mark.title)
        page = by_number.get(mark.page)
        if not wanted or page is None:
            continue
        found = _find(page, wanted, mark.top)
        if found is None and mark.page + 1 in by_number:
            found = _find(by_number[mark.page + 1], wanted, None)
        if found is None:
            _insert(page, mark, body)
            continue
        first, *rest = found
        first.kind, first.level, first.heading_text, first.listed = "heading", mark.level, mark.title, True
        for line in rest:
            line.kind = "merged"
        _absorb_chapter_number(page, first)
        styles.setdefault(_style(first), Counter())[mark.level] += 1
    body_style = (round(body * 2) / 2, False)
    levels = {style: counts.most_common(1)[0][0] for style, counts in styles.items() if style != body_style}
    if levels:
        _headings_in_style([line for page in pages for line in page.lines], levels, body)
    return True


def is_cover(mark: Bookmark, title: str | None) -> bool:
    """A bookmark that names the cover ("Title Page: ...") or repeats the document's title: it
    marks where the title is printed, not a section."""
    return bool(_COVER_RE.match(mark.title.strip())) or (bool(title) and key(mark.title) == key(title or ""))


def _without_covers(
    bookmarks: Sequence[Bookmark], title: str | None
) -> tuple[list[Bookmark], list[Bookmark]]:
    """The bookmarks less those of the cover and the title, and those. An outline that puts the
    whole document under a bookmark of its title ("My Manual" > "1. Introduction", ...) has its
    sections one level down: a removed bookmark's descendants move up a level, so sections are
    chapters and subsections stay sections within them. A bookmark under such a one is a section
    even when it repeats the title (an article whose second section is "The genetics package")."""
    kept: list[Bookmark] = []
    covers: list[Bookmark] = []
    open_covers: list[int] = []  # levels of the removed bookmarks whose descendants follow
    for mark in bookmarks:
        while open_covers and mark.level <= open_covers[-1]:
            open_covers.pop()
        if not open_covers and is_cover(mark, title):  # under the title's own: a section named like it
            covers.append(mark)
            open_covers.append(mark.level)
            continue
        kept.append(replace(mark, level=max(1, mark.level - len(open_covers))))
    return kept, covers


def _drop_cover(page: Page, tops: Sequence[float | None]) -> None:
    """The page its bookmark calls the cover (title, authors, a licence notice) is not read, down
    to where another bookmark on that page points."""
    end = min((top for top in tops if top is not None), default=None)
    if any(top is None for top in tops):
        return  # a section starts on the cover page, somewhere: keep the page
    for line in live(page.lines):
        if end is None or line.bottom < end - 2:
            line.drop(TITLE_PAGE)


def _drop_repeated_title(page: Page, mark: Bookmark, title: str | None) -> None:
    """The title printed again where its bookmark points (a title block before the first
    section) is not read: it is the guide's title (and the byline under it goes with it)."""
    if not title or any(line.kind == "drop" and line.reason == TITLE_REASON for line in page.lines):
        return  # the title was taken here already: a line that repeats it is a section's heading
    found = _find(page, key(title), mark.top)
    if found is None:
        return
    for line in found:
        line.drop(TITLE_REASON)
    _drop_byline(page.lines, found[-1])


def _style(line: Line) -> tuple[float, bool]:
    return round(line.size * 2) / 2, line.bold


def _headings_in_style(lines: Sequence[Line], levels: dict[tuple[float, bool], int], body: float) -> None:
    text = live(lines)
    gap = median_gap([l for l in text if abs(l.size - body) < 0.6])
    for index, line in enumerate(text):
        level = levels.get(_style(line))
        if level is None or line.words > MAX_HEADING_WORDS or is_caption(line.text + " "):
            continue
        before = text[index - 1] if index else None
        after = text[index + 1] if index + 1 < len(text) else None
        if _is_heading([line], before, after, gap):
            line.kind, line.level = "heading", level


def _find(page: Page, wanted: str, top: float | None) -> list[Line] | None:
    lines = [line for line in page.lines if line.kind == "text"]
    matches: list[list[Line]] = []
    for start in range(len(lines)):
        joined = ""
        for end in range(start, min(start + MAX_HEADING_LINES, len(lines))):
            part = heading_key(lines[end].text) if end == start else key(lines[end].text)
            joined += part
            if joined == wanted or (end == start and key(lines[end].text) == wanted):
                matches.append(lines[start : end + 1])
                break
            if not joined or not wanted.startswith(joined):
                break
    if not matches:
        return None
    if top is not None:
        below = [m for m in matches if m[0].bottom >= top - 2]
        if below:
            return min(below, key=lambda m: m[0].top - top)
    return matches[0]


def _insert(page: Page, mark: Bookmark, body: float) -> None:
    """A bookmark whose title is not printed as such on its page: a heading where it points. A
    heading line printed there ("Bibliography" for the bookmark "References") gives way to it."""
    index = next((i for i, line in enumerate(page.lines) if line.kind == "text"), len(page.lines))
    if mark.top is not None:
        index = next(
            (i for i, line in enumerate(page.lines) if line.kind == "text" and line.bottom >= mark.top - 2),
            len(page.lines),
        )
    anchor = page.lines[index] if index < len(page.lines) else None
    if (
        anchor is not None
        and anchor.words <= MAX_HEADING_WORDS
        and not anchor.text.endswith((".", ",", ";"))
        and (anchor.size >= body * HEADING_SIZE_RATIO or anchor.bold)
    ):
        anchor.kind, anchor.level, anchor.heading_text, anchor.listed = (
            "heading",
            mark.level,
            mark.title,
            True,
        )
        return
    heading = Line(
        text=mark.title,
        page=page.number,
        x0=0.0,
        x1=0.0,
        top=mark.top or 0.0,
        bottom=mark.top or 0.0,
        size=body,
        font="",
        bold=True,
        mono=False,
        math=False,
        left=0.0,
        right=0.0,
        column=anchor.column if anchor else 0,
        kind="heading",
        level=mark.level,
        heading_text=mark.title,
        listed=True,
    )
    page.lines.insert(index, heading)


def _absorb_chapter_number(page: Page, heading: Line) -> None:
    """ "Chapter 1" printed above the chapter's title belongs to the heading."""
    index = page.lines.index(heading)
    for previous in reversed(page.lines[:index]):
        if previous.kind == "drop":
            continue
        if previous.kind == "text" and _CHAPTER_RE.match(previous.text.strip()):
            previous.drop(CHAPTER_NUMBER)
        break


# --------------------------------------------------------------------------- by the type


def font_headings(lines: Sequence[Line], body: float) -> None:
    """Headings by their type: larger than the body, or bold when the body is not; short, and
    standing apart from the lines around them. Levels rank the sizes, largest first, bold ones
    near the body's size too: a 12-point bold section over 11-point bold "Usage" and "Options"."""
    text = live(lines)
    if not text:
        return
    bold_body = body_is_bold(text, body)
    gap = median_gap([l for l in text if abs(l.size - body) < 0.6])

    def styled(line: Line) -> bool:
        if line.mono or not re.search(r"[^\W\d_]", line.text):
            return False
        return line.size >= body * HEADING_SIZE_RATIO or (
            line.bold and not bold_body and line.size >= body - 0.6
        )

    groups: list[list[Line]] = []
    index = 0
    while index < len(text):
        line = text[index]
        if not styled(line):
            index += 1
            continue
        group = [line]
        while (
            index + len(group) < len(text)
            and len(group) < MAX_HEADING_LINES + 1
            and _same_style(group[-1], text[index + len(group)])
            and _close(group[-1], text[index + len(group)], gap)
        ):
            group.append(text[index + len(group)])
        before = text[index - 1] if index else None
        after = text[index + len(group)] if index + len(group) < len(text) else None
        if _is_heading(group, before, after, gap):
            groups.append(group)
        index += len(group)
    sizes = sorted({round(g[0].size * 2) / 2 for g in groups}, reverse=True)
    ranks: list[float] = []
    for size in sizes:
        if not ranks or ranks[-1] - size > 0.6:
            ranks.append(size)
    for group in groups:
        size = round(group[0].size * 2) / 2
        level = next((i + 1 for i, s in enumerate(ranks) if abs(s - size) <= 0.6), len(ranks) + 1)
        head, *rest = group
        head.kind, head.level = "heading", min(level, 6)
        head.heading_text = " ".join(l.text for l in group)
        for line in rest:
            line.kind = "merged"


def _same_style(a: Line, b: Line) -> bool:
    return abs(a.size - b.size) < 0.6 and a.bold == b.bold and a.page == b.page and a.column == b.column


def _close(a: Line, b: Line, gap: float) -> bool:
    return 0 <= b.top - a.bottom <= max(gap * 1.5, 0.5 * a.size)


def _is_heading(group: Sequence[Line], before: Line | None, after: Line | None, gap: float) -> bool:
    words = sum(line.words for line in group)
    text = " ".join(line.text for line in group)
    if words > MAX_HEADING_WORDS or len(group) > MAX_HEADING_LINES:
        return False
    if text.endswith((",", ";")) or text[:1].islower() or text[:1] in "•–-*·" or is_caption(text + " "):
        return False
    if after is None:
        return False
    head, last = group[0], group[-1]
    apart_above = (
        before is None
        or before.page != head.page
        or before.column != head.column
        or head.top - before.bottom > gap + 0.25 * head.size
        or abs(before.size - head.size) >= 0.6
    )
    apart_below = (
        after.page != last.page
        or after.column != last.column
        or after.top - last.bottom > gap + 0.1 * last.size
        or abs(after.size - last.size) >= 0.6
        or after.bold != last.bold
    )
    return apart_above and apart_below


_HEADING_NUMBER_RE = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3})*\.?|[A-Z](?:\.\d{1,3})+\.?|[A-Z]\.)\s+(?=\S)")


def strip_section_numbers(lines: Sequence[Line]) -> None:
    """ "2.1 Pseudo R2 measures" -> "Pseudo R2 measures" when most headings are numbered: the
    track number says where a track is. A number on one heading only ("3 ways to ...") is kept."""
    heads = [line for line in lines if line.kind == "heading"]
    numbered = [line for line in heads if _HEADING_NUMBER_RE.match(line.text)]  # as printed
    if not heads or len(numbered) * 5 < len(heads) * 3:
        return
    for line in heads:
        line.heading_text = _HEADING_NUMBER_RE.sub("", line.heading_text or line.text, count=1)


def numbered_sections_title(lines: Sequence[Line]) -> str | None:
    """The title of a document whose sections are numbered: its first heading, when it opens the
    first page unnumbered and the headings after it at its level or below are all numbered
    ("VOLLMACHT" over "1. Gesundheitssorge" ... "10. Weitere Regelungen"; "Consent Policy" over
    "1. Purpose", "2. Scope"). Forms, policies and reports set it in the body's size, so it does
    not stand out as a larger title would; the numbering sets it apart. Its line is dropped (it
    is read as the title)."""
    heads = [line for line in lines if line.kind == "heading"]
    read = [line for line in lines if line.kind in ("text", "heading")]
    if len(heads) < MIN_NUMBERED_SECTIONS + 1 or heads[0] is not read[0] or read[0].page != 1:
        return None
    first, rest = heads[0], heads[1:]
    if _HEADING_NUMBER_RE.match(first.text) or any((line.level or 1) < (first.level or 1) for line in rest):
        return None
    if not all(_HEADING_NUMBER_RE.match(line.text) for line in rest if line.level == first.level):
        return None
    first.drop(TITLE_REASON)
    return first.heading_text or first.text
