"""The page's visible blocks in reading order, as a browser shows them, each with its landmark.

Headings keep their levels, list items and data-table rows are items
(ordered items keep their number), ``<summary>`` and marked FAQ questions are
questions; hidden elements and heading permalinks are never text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import lxml.etree
import lxml.html

from audioguide.sources.code import (
    FORMULA_NOTE,
    INLINE_CODE_NOTE,
    formula_said,
    is_code_statement,
    looks_like_code,
)
from audioguide.sources.decode import clean_text
from audioguide.sources.html.landmarks import CONTENT_CONTAINERS, landmark
from audioguide.sources.html.parse import html_parser
from audioguide.sources.structure import Block

# Elements whose content is never shown as text.
_SKIP_TAGS = frozenset(
    "head script style noscript template svg math iframe object embed canvas select textarea "
    "input video audio map title meta link base".split()
)
# Elements that start a new block of text (the rest are inline).
_BLOCK_TAGS = frozenset(
    "address article aside blockquote body caption dd details dialog div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main menu nav ol p pre section "
    "summary table tbody td tfoot th thead tr ul legend".split()
)
HEADING_TAGS = {f"h{n}": n for n in range(1, 7)}
# Permalink anchors after headings ("¶", "#", "🔗"): never part of a title.
_PERMALINK_CLASSES = frozenset(
    "headerlink anchor anchorjs-link permalink hash-link heading-anchor header-anchor anchor-link "
    "heading-link deep-link".split()
)
_PERMALINK_TEXT = frozenset({"¶", "#", "§", "🔗", "\uf0c1", ""})
# Collapsed accordion panels are hidden until clicked: their text is still the answer.
_PANEL_RE = re.compile(r"accordion|collapse|faq|tab-content|toggle-content|panel|answer", re.IGNORECASE)
_BOLD_TAGS = frozenset({"b", "strong"})
LINE_BREAK = "\u2028"  # what a <br> adds to a block's text (a space once the text is one line)
QUESTION_MARK = "data-audioguide-question"
SKIP_MARK = "data-audioguide-skip"  # a question's label cell ("1."): not read
# A heading the document's own navigation leaves out (an EPUB's): spoken in its chapter, no track.
SUBHEADING_MARK = "data-audioguide-subheading"
_WORD_RE = re.compile(r"\w+")
_INLINE_CODE_TAGS = frozenset({"code", "tt", "samp"})
# Where inline code stays as written: titles and questions need their words, a table row its cells.
_KEEPS_CODE_TAGS = frozenset({"pre", "summary", "dt", "tr", "th", "td", *HEADING_TAGS})


@dataclass(frozen=True)
class PageBlock:
    """A visible block of the page as a browser shows it, and the landmark it sits in."""

    block: Block
    landmark: str | None
    in_details: bool = False
    in_main: bool = False  # inside <main>, role="main" or <article>
    owner: Any = None  # the element whose text the block is
    anchor_links: int = 0  # links to places on this page ("#faq-3") in the block
    anchor_share: float = 0.0  # the share of its text (characters) that such links are
    links: int = 0  # links of any kind in the block
    link_share: float = 0.0  # the share of its text that links are
    bold_share: float = 0.0  # the share of its text in <b>/<strong>
    lists: int = 0  # how many lists (<ul>, <ol>) it sits in
    code: tuple[str, ...] = ()  # inline code statements said as INLINE_CODE_NOTE
    formulas: tuple[str, ...] = ()  # formulas (TeX for MathJax) said as FORMULA_NOTE


def _text(parts: list[str]) -> str:
    return " ".join("".join(parts).split())


def class_tokens(element: Any) -> set[str]:
    return set((element.get("class") or "").lower().split())


def _hidden(element: Any) -> bool:
    if element.get("hidden") is not None or element.get("aria-hidden", "").lower() == "true":
        hidden = True
    else:
        style = element.get("style", "").replace(" ", "").lower()
        hidden = "display:none" in style or "visibility:hidden" in style
    if hidden and (_PANEL_RE.search(element.get("class") or "") or element.get("role") == "region"):
        return element.tag == "a" or False  # a collapsed accordion panel: its answer is still read
    return hidden


def _is_permalink(element: Any) -> bool:
    """A heading's permalink anchor ("¶", "#", "Permalink to this heading")."""
    if element.tag != "a":
        return False
    if class_tokens(element) & _PERMALINK_CLASSES:
        return True
    text = " ".join((element.text_content() or "").split())
    href = element.get("href") or ""
    title = (element.get("title") or element.get("aria-label") or "").lower()
    return href.startswith("#") and (text in _PERMALINK_TEXT or "permalink" in title) and len(element) == 0


def _data_rows(root: Any) -> dict[int, Any]:
    """``<tr>`` rows of data (cells of text, not page layout): each is read as one list item.

    Keyed by ``id()``, and the elements are kept: lxml makes a new Python
    object for an element once the old one is gone, so a bare id is reused.
    """
    layout = {
        "table",
        "ul",
        "ol",
        "dl",
        "div",
        "section",
        "article",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "pre",
        "blockquote",
        "form",
        "nav",
    }
    # A table holding marked questions lays out questions and answers: its cells are blocks.
    # The tables are kept in a list while their id()s are compared (lxml reuses a freed proxy's id).
    tables = [
        table
        for marked in root.iter()
        if isinstance(marked.tag, str) and marked.get(QUESTION_MARK)
        for table in marked.iterancestors("table")
    ]
    qanda = {id(table) for table in tables}
    rows: dict[int, Any] = {}
    for row in root.iter("tr"):
        cells = [c for c in row if c.tag in ("td", "th")]
        if any(id(t) in qanda for t in row.iterancestors("table")):
            continue
        if cells and not any(d.tag in layout for c in cells for d in c.iterdescendants()):
            rows[id(row)] = row
    return rows


def page_blocks(root: Any) -> Iterator[PageBlock]:
    """Every visible block of text in the page, in reading order.

    An explicit stack instead of recursion: pages can nest deeply. Inline
    elements add to the current block; a block element ends it. A row of a
    data table is one block, its cells separated by commas.
    """
    parts: list[str] = []
    ancestors: list[Any] = []
    # Keyed by the elements themselves, not id(): lxml makes a new proxy object each time an element
    # is reached, and a freed proxy's id is reused by the next one (another list continued this
    # list's numbers). Holding the proxies keeps each one, and its identity, for the whole walk.
    numbers: dict[Any, int] = {}  # <ol> -> next number
    numbered: set[Any] = set()  # <li> items that have their number
    rows = _data_rows(root)
    in_row = 0  # depth inside a data row: its cells and their paragraphs do not end the block
    in_link = [0, 0, 0]  # depth inside a link to a place on this page, inside any link, inside bold
    links = [0, 0, 0, 0, 0]  # in the current block: anchor links, their characters, links, their characters,
    # and the characters in bold
    statements: list[str] = []  # inline code statements in the current block
    formulas: list[str] = []  # formulas in the current block

    def add(text: str) -> None:
        parts.append(text)
        size = len("".join(text.split()))
        if in_link[0]:
            links[1] += size
        if in_link[1]:
            links[3] += size
        if in_link[2]:
            links[4] += size

    def flush(owner: Any) -> Iterator[PageBlock]:
        raw = "".join(parts)
        text = _text(parts)
        parts.clear()
        anchor_links, anchor_chars, any_links, link_chars, bold_chars = links
        links[:] = [0, 0, 0, 0, 0]
        said_as_note = tuple(statements)
        statements.clear()
        said_as_formula = tuple(formulas)
        formulas.clear()
        if not text:
            return
        size = max(1, len("".join(text.split())))  # before an item's number is put in front
        tag = owner.tag if isinstance(owner.tag, str) else ""
        line = owner.sourceline
        in_details = any(getattr(a, "tag", "") == "details" for a in ancestors)
        in_main = any(
            getattr(a, "tag", "") in CONTENT_CONTAINERS or a.get("role") == "main" for a in ancestors
        )
        if any(a.get(QUESTION_MARK) for a in ancestors if isinstance(a.tag, str)):  # in a marked question
            level = HEADING_TAGS.get(tag) or next(
                (HEADING_TAGS[a.tag] for a in reversed(ancestors) if getattr(a, "tag", "") in HEADING_TAGS),
                None,
            )
            block = Block("question", text, line, level)
        elif tag in HEADING_TAGS:
            kind = "subheading" if owner.get(SUBHEADING_MARK) else "heading"
            block = Block(kind, text, line, HEADING_TAGS[tag])
        elif tag == "pre" or any(getattr(a, "tag", "") == "pre" for a in ancestors):
            block = Block("code", raw.replace(LINE_BREAK, "\n").strip("\n"), line)  # its lines as written
        elif tag == "tr":
            text = re.sub(r"\s*,(?:\s*,)*", ",", text).strip(" ,")  # empty cells say nothing
            if not text:
                return
            lines = "\n".join(" ".join(part.split()) for part in raw.split(LINE_BREAK)).strip("\n")
            code = "\n" in lines and looks_like_code(lines)  # a cell of <br> lines: a usage screen
            block = Block("code", lines, line) if code else Block("item", text, line)
        elif tag == "li" or (tag == "p" and getattr(owner.getparent(), "tag", None) == "li"):
            item = owner if tag == "li" else owner.getparent()
            listing = item.getparent()
            if listing is not None and listing.tag == "ol" and item not in numbered:
                numbered.add(item)
                number = numbers.get(listing, _start(listing))
                numbers[listing] = number + 1
                text = f"{number}. {text}"
            block = Block("item", text, line)
        elif tag == "summary":
            # A summary that asks is an FAQ question; another ("Show references") labels what it opens.
            block = Block("question" if text.endswith("?") else "heading", text, line)
        else:
            # Lines broken with <br> that are mostly code (a usage screen, a program in a <p>): code.
            lines = "\n".join(" ".join(part.split()) for part in raw.split(LINE_BREAK)).strip("\n")
            code = "\n" in lines and looks_like_code(lines)
            block = Block("code", lines, line) if code else Block("paragraph", text, line)
        shown = PageBlock(
            block,
            landmark(ancestors),
            in_details,
            in_main,
            owner,
            anchor_links,
            min(1.0, anchor_chars / size),
            any_links,
            min(1.0, link_chars / size),
            min(1.0, bold_chars / size),
            sum(getattr(a, "tag", "") in ("ul", "ol") for a in ancestors),
            said_as_note if block.kind in ("paragraph", "item") else (),
            said_as_formula,
        )
        yield from _broken_paragraphs(shown, raw) if block.kind == "paragraph" else (shown,)

    def is_block(element: Any, tag: str | None) -> bool:
        return (tag in _BLOCK_TAGS or bool(element.get(QUESTION_MARK))) and (not in_row or tag == "tr")

    # (element, entering?) pairs; leaving a block element flushes its text.
    stack: list[tuple[Any, bool]] = [(root, True)]
    while stack:
        element, entering = stack.pop()
        tag = element.tag if isinstance(element.tag, str) else None
        if not entering:
            if id(element) in rows:
                in_row -= 1
            if is_block(element, tag):
                yield from flush(element)
            elif in_row and tag in _BLOCK_TAGS:
                add(" ")
            ancestors.pop()
            if tag == "a" and _is_anchor_link(element):
                in_link[0] -= 1
            if tag == "a" and element.get("href"):
                in_link[1] -= 1
            if _is_bold(element):
                in_link[2] -= 1
            if element.tail:
                add(element.tail)
            continue
        if tag is None:  # comment or processing instruction: only its tail is text
            if element.tail:
                add(element.tail)
            continue
        if tag in _SKIP_TAGS or _hidden(element) or _is_permalink(element) or element.get(SKIP_MARK):
            if element.tail:
                add(element.tail)
            continue
        if _is_math(element):
            tex = " ".join(element.text_content().split())
            said = formula_said(tex)
            if said is None:
                formulas.append(tex)
            add(said or FORMULA_NOTE)  # TeX for MathJax is no sentence; "\(K\)" says "K"
            if element.tail:
                add(element.tail)
            continue
        if tag in _INLINE_CODE_TAGS and _code_statement(element, ancestors):
            statements.append(" ".join(element.text_content().split()))
            add(INLINE_CODE_NOTE)  # a statement in a sentence is not read out (a name or a command is)
            if element.tail:
                add(element.tail)
            continue
        if is_block(element, tag) and ancestors:
            yield from flush(ancestors[-1])
        if in_row and tag in ("td", "th") and _text(parts):
            add(", ")
        ancestors.append(element)
        if id(element) in rows:
            in_row += 1
        if tag == "a" and _is_anchor_link(element):
            in_link[0] += 1
            links[0] += 1
        if tag == "a" and element.get("href"):
            in_link[1] += 1
            links[2] += 1
        if _is_bold(element):
            in_link[2] += 1
        if tag == "br":
            add(LINE_BREAK)  # the text is one line; its raw lines (code?) stay apart
        if element.text:
            add(element.text)
        stack.append((element, False))
        stack.extend((child, True) for child in reversed(element))


_BLANK_LINE_RE = re.compile(f"{LINE_BREAK}[^\\S{LINE_BREAK}]*{LINE_BREAK}\\s*")


def _broken_paragraphs(shown: PageBlock, raw: str) -> Iterator[PageBlock]:
    """A paragraph whose ``<br><br>`` leave a blank line is several, as a reader sees them: a page
    written without ``<p>`` ("Q. ...<br><br>A. ...<br><br><br>Q. ...") says where each one ends."""
    pieces = [_text([piece]) for piece in _BLANK_LINE_RE.split(raw)]
    pieces = [piece for piece in pieces if piece]
    if len(pieces) < 2:
        yield shown
        return
    notes, shown_formulas = list(shown.code), list(shown.formulas)  # each piece keeps what it says
    for piece in pieces:
        said, formulas = piece.count(INLINE_CODE_NOTE), piece.count(FORMULA_NOTE)
        yield replace(
            shown,
            block=replace(shown.block, text=piece),
            code=tuple(notes[:said]),
            formulas=tuple(shown_formulas[:formulas]),
        )
        del notes[:said], shown_formulas[:formulas]


def _is_math(element: Any) -> bool:
    """A formula as pandoc, Sphinx and other MathJax pages mark it: ``<span class="math inline">``."""
    return element.tag in ("span", "div") and "math" in class_tokens(element)


def _code_statement(element: Any, ancestors: list[Any]) -> bool:
    """Inline code in a sentence that is a statement ("as in ``use std::env``"), not in a title, a
    question or a table row."""
    if any(getattr(a, "tag", "") in _KEEPS_CODE_TAGS or a.get(QUESTION_MARK) for a in ancestors):
        return False
    return is_code_statement(element.text_content())


_BOLD_STYLE_RE = re.compile(r"font-weight\s*:\s*(?:bold|bolder|[6-9]00)", re.IGNORECASE)


def _is_bold(element: Any) -> bool:
    """Bold as a reader sees it: ``<b>``, ``<strong>``, a "bold" class, or a bold font weight."""
    if element.tag in _BOLD_TAGS:
        return True
    if {"bold", "strong"} & class_tokens(element):
        return True
    return bool(_BOLD_STYLE_RE.search(element.get("style") or ""))


def _is_anchor_link(element: Any) -> bool:
    """A link to a place on this page ("#installation"), as tables of contents are made of."""
    href = (element.get("href") or "").strip()
    return href.startswith("#") and len(href) > 1


def _start(ol: Any) -> int:
    try:
        return int(ol.get("start", "1"))
    except ValueError:
        return 1


def words_key(text: str) -> str:
    """Comparison key: the words, case-folded, one space apart."""
    return " ".join(_WORD_RE.findall(text.casefold()))


def fragment_blocks(html: str) -> list[Block]:
    """Blocks of an HTML fragment (a JSON-LD answer may hold <p>, <ul>, links)."""
    if not html.strip():
        return []
    try:
        fragment = lxml.html.fragment_fromstring(clean_text(html), create_parent="div", parser=html_parser())
    except (lxml.etree.ParserError, ValueError):
        return [Block("paragraph", " ".join(html.split()))]
    return [p.block for p in page_blocks(fragment) if p.block.kind != "question"]


def html_fragment_blocks(html: str) -> list[Block]:
    """The blocks of an HTML fragment (raw HTML in Markdown): headings, paragraphs, items."""
    if not html.strip():
        return []
    try:
        fragment = lxml.html.fragment_fromstring(clean_text(html), create_parent="div", parser=html_parser())
    except (lxml.etree.ParserError, ValueError):
        return []
    return [p.block for p in page_blocks(fragment)]


def plain_text(html: str) -> str:
    blocks = fragment_blocks(html)
    return " ".join(b.text for b in blocks)
