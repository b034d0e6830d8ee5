"""Web pages (.html files and fetched URLs): the article, not the page around it.

The main content is found by trafilatura, a maintained main-content extractor
(it removes navigation, cookie banners, share buttons, comment forms, author
boxes, sidebars and footers); it only parses the HTML we hand it and fetches
nothing. Its output keeps the structure we need: headings with their levels,
paragraphs, lists and tables. From there:

* the title is the page's ``<h1>`` (or, without one, the page metadata);
  ``h2``-``h4`` make chapters and spoken sub-headings, as in Markdown;
* list items (``<ul>``/``<ol>``, nested too) and table rows are list items,
  read with a short pause each; ordered items keep their number ("1. ...");
* FAQs come from the markup when the page has it: schema.org ``FAQPage``
  JSON-LD (``Question``/``acceptedAnswer``) and ``<details><summary>Question?``
  blocks; question headings under an "FAQ" heading work as for Markdown. A
  question the JSON-LD has but the visible text lacks is added to the FAQ part;
  one the page shows is read from the page, once;
* nothing disappears silently: every visible block of the page that is not in
  the article is listed in ``Document.dropped``, with a reason taken from the
  page landmark it sits in (navigation, cookie banner, share buttons, comment
  form, author box, sidebar, site header or footer) where the markup tells,
  else "page boilerplate".

If trafilatura finds no article, or the page is so short (under 250
characters outside its landmarks) that it would only dump the whole page's
text, the page is read by its HTML5 landmarks instead: everything outside ``nav``, ``header``, ``footer``,
``aside``, ``form`` and the landmarks above. ``keep_furniture`` reads every
visible block of the page.
"""

from __future__ import annotations

import copy
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import lxml.etree
import lxml.html

from audioguide.errors import SourceError
from audioguide.model.document import Document, Dropped
from audioguide.sources.decode import clean_text, decode_bytes, read_source_bytes
from audioguide.sources.furniture import furniture_reason
from audioguide.sources.structure import (
    Block,
    build_document,
    faq_block_title,
    is_conclusion_heading,
    split_label,
)
from audioguide.text import language_tag

logger = logging.getLogger(__name__)

BOILERPLATE = "page boilerplate (not part of the article)"
# Below this much text outside the page landmarks there is little boilerplate to find,
# and trafilatura would fall back to a whole-page text dump (its min_extracted_size).
SHORT_PAGE_CHARS = 250

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
_HEADING_TAGS = {f"h{n}": n for n in range(1, 7)}

# Page landmarks, for saying *why* a block is not in the article. Checked from
# the block outwards; the first match wins; the search stops at <article>/<main>.
_LANDMARK_ATTRS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), reason)
    for pattern, reason in (
        (r"comment|respond|reply", "comments and comment form"),
        (r"cookie|consent|gdpr", "cookie banner"),
        (r"\bshare|sharing|social|sharedaddy|addtoany", "share buttons"),
        (r"author|\bbio\b|about-the-author", "author box"),
        (r"byline|posted-on|entry-meta|post-meta|\bmeta\b", "byline"),
        (
            r"breadcrumb|skip-link|pagination|post-navigation|nav-links|\bmenu\b|navheader|(?<![\w-])(nav|navbar)(?![\w-])",
            "navigation",
        ),
        (
            r"\btoc\b|[a-z]toc\b|\btoc-|table-of-contents|toctree|doc-toc|\bcontents (topic|local)\b",
            "table of contents",
        ),
        (r"related|recommended|read-more", "related articles"),
        (r"newsletter|subscribe|signup|sign-up", "subscribe box"),
        (r"entry-footer|post-footer|cat-links|tags-links|\btags?\b|categor(y|ies)", "tags and categories"),
        (r"footer|colophon", "page footer"),
        (r"sidebar|(?<![\w-])(widget|widgets|widget-area|secondary)\b", "sidebar"),
        (r"\bad\b|\bads\b|advert|sponsor|promo", "advertisement"),
    )
)
_LANDMARK_TAGS = {
    "nav": "navigation",
    "aside": "sidebar",
    "header": "site header",
    "footer": "page footer",
    "form": "form",
    "dialog": "dialog",
}
_LANDMARK_ROLES = {
    "navigation": "navigation",
    "banner": "site header",
    "contentinfo": "page footer",
    "complementary": "sidebar",
    "search": "search form",
    "dialog": "dialog",
    "alertdialog": "dialog",
}
_CONTENT_CONTAINERS = {"article", "main"}
# Page furniture outside the article: not counted in the share of the article that was dropped.
OUTSIDE_REASONS = frozenset(
    {
        "navigation",
        "sidebar",
        "site header",
        "page footer",
        "cookie banner",
        "search form",
        "dialog",
        "advertisement",
        "related articles",
        "table of contents",
        "outside the article",
    }
)
OUTSIDE = "outside the article"
# The main content needs at least this share of the page's text to be trusted as the article.
MAIN_SHARE = 0.4

# Permalink anchors after headings ("¶", "#", "🔗"): never part of a title.
_PERMALINK_CLASSES = frozenset(
    "headerlink anchor anchorjs-link permalink hash-link heading-anchor header-anchor anchor-link "
    "heading-link deep-link".split()
)
_PERMALINK_TEXT = frozenset({"¶", "#", "§", "🔗", "\uf0c1", ""})

# CMS FAQ markup: the element that holds a question. Explicit FAQ plugins say so by
# class name (Yoast, Rank Math, generic "faq-question"); accordions and toggles
# (Elementor, Bootstrap, generic) hold a question when it ends in "?" or sits in an FAQ.
_FAQ_QUESTION_TOKENS = frozenset(
    "schema-faq-question rank-math-question faq-question faq__question faq-q faq-title faq-item-title "
    "wp-block-yoast-faq-question sp-faq-title".split()
)
_ACCORDION_TITLE_TOKENS = frozenset(
    "elementor-tab-title elementor-accordion-title elementor-toggle-title accordion-header accordion-title "
    "accordion-toggle accordion-heading toggle-title panel-title e-n-accordion-item-title".split()
)
_FAQ_CONTAINER_RE = re.compile(r"faq|schema\.org/faqpage", re.IGNORECASE)
# Collapsed accordion panels are hidden until clicked: their text is still the answer.
_PANEL_RE = re.compile(r"accordion|collapse|faq|tab-content|toggle-content|panel|answer", re.IGNORECASE)
QUESTION_MARK = "data-audioguide-question"

_XML_DECLARATION_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_META_CHARSET_RE = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
MAX_DEPTH = 256  # libxml2's HTML parser keeps no element deeper than this
_LANG_RE = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*$")
_WORD_RE = re.compile(r"\w+")


@dataclass(frozen=True)
class _PageBlock:
    """A visible block of the page as a browser shows it, and the landmark it sits in."""

    block: Block
    landmark: str | None
    in_details: bool = False
    in_main: bool = False  # inside <main>, role="main" or <article>
    owner: Any = None  # the element whose text the block is


# --------------------------------------------------------------------------- public


def parse_html(path: Path, *, keep_furniture: bool = False) -> Document:
    """Parse an HTML file into a :class:`Document` (the article only; furniture listed)."""
    data = read_source_bytes(path)
    return parse_html_bytes(data, source=str(path), keep_furniture=keep_furniture)


def parse_html_bytes(
    data: bytes,
    *,
    source: str,
    declared_charset: str | None = None,
    keep_furniture: bool = False,
) -> Document:
    """Decode (BOM, HTTP charset, ``<meta charset>``, UTF-8, Windows-1252) and parse a page."""
    if declared_charset is None:
        match = _META_CHARSET_RE.search(data[:4096])
        declared_charset = match.group(1).decode("ascii", "replace") if match else None
    return parse_html_text(
        decode_bytes(data, source, declared_charset), source=source, keep_furniture=keep_furniture
    )


def parse_html_text(html: str, *, source: str | None = None, keep_furniture: bool = False) -> Document:
    """Parse HTML text into a :class:`Document`.

    The page's own blocks are read (headings with their levels, ``<dt>``,
    CMS FAQ questions, list items, table rows), never rebuilt from an
    extractor's output, so no heading or question of the article is lost.
    What is the article: the ``<main>``/``<article>`` content when the page
    has one, else the stretch of the page between the first and the last
    block trafilatura finds to be the article; in both, blocks in furniture
    landmarks (share bars, comment forms, author boxes) are left out.
    """
    name = source or "page"
    root = _parse(html, name)
    _mark_questions(root)
    url = source if source and re.match(r"https?://", source) else None
    page = list(_page_blocks(root))
    free = [p for p in page if p.landmark is None]
    article_chars = sum(len(p.block.text) for p in free)
    short = article_chars < SHORT_PAGE_CHARS
    main_chars = sum(len(p.block.text) for p in free if p.in_main)

    metadata = _metadata(root)
    chosen: list[_PageBlock]
    if keep_furniture:
        chosen = page
    elif short:
        chosen = free
    elif main_chars >= SHORT_PAGE_CHARS and main_chars >= MAIN_SHARE * article_chars:
        chosen = [p for p in free if p.in_main]
    else:
        chosen = _article_span(root, url, page, metadata, name)
    blocks = [p.block for p in chosen]

    title, blocks = _title(blocks, page, metadata, root, name)
    blocks = _with_faqs(blocks, _jsonld_faqs(root, name) + _details_faqs(page), title)
    dropped = [] if keep_furniture else _unread(page, blocks, title, {id(p) for p in chosen})

    levels = [b.level for b in blocks if b.kind == "heading" and b.level]
    chapter_level = min(levels) if levels else None
    document = build_document(
        blocks,
        title=title,
        source=source,
        keep_furniture=keep_furniture,
        dropped=dropped,
        chapter_level=chapter_level,
    )
    language = _language(root)
    author = metadata.get("author") or document.author
    return replace(
        document,
        language=language or document.language,
        author=author,
        publisher=metadata.get("sitename") or None,
    )


def _article_span(
    root: Any, url: str | None, page: list[_PageBlock], metadata: dict[str, str], name: str
) -> list[_PageBlock]:
    """A page without a main landmark: its blocks from the first to the last one trafilatura keeps.

    trafilatura decides where the article starts and ends; inside that
    stretch every block outside a furniture landmark is kept, so a heading
    or a list item it would leave out (a question that also stands in the
    table of contents; "How do I share ...?") is read.
    """
    free = [p for p in page if p.landmark is None]
    extracted = _extract(root, url)
    if extracted is None:
        logger.info("%s: no article found by the extractor; reading the page by its landmarks", name)
        return free
    found, texts = extracted
    for key, value in found.items():
        metadata.setdefault(key, value)
    corpus = " " + " ".join(_key(t) for t in texts) + " "
    hits = [
        i
        for i, p in enumerate(page)
        if p.landmark is None and _key(p.block.text) and f" {_key(p.block.text)} " in corpus
    ]
    if not hits:
        return free
    container = _common_container([page[i].owner for i in hits])
    if container is not None:
        # Everything in the element that holds all of the article (DocBook's chapter
        # <div>, a Bootstrap container): trafilatura may leave out its last accordion item.
        inside = {id(e) for e in container.iter()}
        return [p for p in free if id(p.owner) in inside]
    first, last = hits[0], hits[-1]
    # The headings just above the first paragraph trafilatura keeps (the title, the first
    # question) open the article, whatever lies between them in landmarks (a table of contents).
    index = first - 1
    while index >= 0:
        p = page[index]
        if p.landmark is None and p.block.kind not in ("heading", "question"):
            break
        if p.landmark is None:
            first = index
        index -= 1
    return [p for p in page[first : last + 1] if p.landmark is None]


def _common_container(owners: list[Any]) -> Any | None:
    """The innermost element holding all ``owners``, unless that is the whole page."""
    if not owners:
        return None
    path = [owners[0], *owners[0].iterancestors()]
    common = {id(e): depth for depth, e in enumerate(path)}
    best = 0
    for owner in owners[1:]:
        for element in (owner, *owner.iterancestors()):
            if id(element) in common:
                best = max(best, common[id(element)])
                break
    container = path[best]
    return None if container.tag in ("html", "body") else container


# --------------------------------------------------------------------------- parsing


def _parse(html: str, name: str) -> lxml.html.HtmlElement:
    """The page as an lxml tree; a one-line SourceError when there is no document."""
    text = clean_text(_XML_DECLARATION_RE.sub("", html, count=1))
    if not text.strip():
        raise SourceError(f"{name}: the page is empty")
    try:
        root = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise SourceError(f"{name}: not a readable HTML page ({exc})") from None
    if _depth_reaches(root, MAX_DEPTH):
        # libxml2 stops nesting at this depth and drops what lies deeper: the page
        # would read as empty ("no article text"), which is not what is wrong with it.
        raise SourceError(
            f"{name}: the page nests elements more than {MAX_DEPTH - 1} levels deep, "
            "deeper than the HTML parser reads; save the article as text or Markdown"
        )
    return root


def _depth_reaches(root: Any, limit: int) -> bool:
    """Whether the tree under ``root`` is ``limit`` elements deep (iterative: no recursion limit)."""
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth >= limit:
            return True
        stack.extend((child, depth + 1) for child in element)
    return False


def _text(parts: list[str]) -> str:
    return " ".join("".join(parts).split())


def _attrs(element: Any) -> str:
    """Class, id, role and label of an element, lower case, for landmark patterns.

    An id of four or more words is a heading's slug ("how-do-i-share-global-variables"),
    not a landmark's name, and does not count; nor does the label of a section.
    """
    ident = element.get("id", "")
    if len(re.split(r"[-_.:]+", ident.strip("-_"))) >= 4:
        ident = ""
    label = element.get("aria-label", "") if element.tag != "section" else ""
    return (
        " ".join((element.get("class", ""), ident, element.get("role", ""), label)).lower().replace("_", "-")
    )


def _landmark(ancestors: list[Any]) -> str | None:
    """Why the innermost landmark around a block is page furniture, or None for article text.

    A ``<header>`` or ``<footer>`` inside an ``<article>``/``<main>`` is the
    article's own (its title, its tags): only its class names can tell.
    """
    in_content = any(getattr(a, "tag", None) in _CONTENT_CONTAINERS for a in ancestors)
    for element in reversed(ancestors):
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _CONTENT_CONTAINERS or tag in ("html", "body") or element.get("role") == "main":
            return None
        attrs = _attrs(element)
        for pattern, reason in _LANDMARK_ATTRS:
            if attrs and pattern.search(attrs):
                return reason
        role = element.get("role", "").lower()
        if role in _LANDMARK_ROLES:
            return _LANDMARK_ROLES[role]
        if tag in _LANDMARK_TAGS and not (in_content and tag in ("header", "footer")):
            return _LANDMARK_TAGS[tag]
    return None


def _tokens(element: Any) -> set[str]:
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
    if _tokens(element) & _PERMALINK_CLASSES:
        return True
    text = " ".join((element.text_content() or "").split())
    href = element.get("href") or ""
    title = (element.get("title") or element.get("aria-label") or "").lower()
    return href.startswith("#") and (text in _PERMALINK_TEXT or "permalink" in title) and len(element) == 0


def _mark_questions(root: Any) -> None:
    """Mark the elements that hold an FAQ question, whatever the CMS: their block is a question.

    Yoast/Rank Math/"faq-question" classes; accordion and toggle titles
    (Elementor, Bootstrap) that end in "?" or sit in an FAQ; schema.org
    microdata (``itemprop="name"`` of an ``itemtype=".../Question"``); a
    ``<dt>`` that asks; a bold run opening a paragraph and ending in "?".
    """
    accordions: dict[int, list[Any]] = {}
    keep: list[Any] = []  # elements whose id() is a key above stay alive
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tokens = _tokens(element)
        text = " ".join((element.text_content() or "").split())
        if not text:
            continue
        mark = False
        if tokens & _FAQ_QUESTION_TOKENS:
            mark = True
        elif tokens & _ACCORDION_TITLE_TOKENS:
            container = _accordion(element)
            keep.append(container)
            accordions.setdefault(id(container), []).append(element)
            continue
        elif element.get("itemprop") == "name" and "question" in (
            (element.getparent().get("itemtype") or "").lower() if element.getparent() is not None else ""
        ):
            mark = True
        elif element.tag == "dt" and text.endswith("?"):
            mark = True
        elif element.tag in ("strong", "b") and text.endswith("?") and _opens_block(element):
            mark = True
        if mark and not any(a.get(QUESTION_MARK) for a in element.iterancestors()):
            element.set(QUESTION_MARK, "1")
    # An accordion's titles are questions when most of them ask, or the accordion is an FAQ.
    for titles in accordions.values():
        texts = [" ".join(t.text_content().split()) for t in titles]
        asking = sum(t.rstrip().endswith("?") for t in texts)
        every = asking * 2 >= len(titles) or _in_faq(titles[0])
        for title, text in zip(titles, texts):
            outer = [a for a in title.iterancestors() if a.get(QUESTION_MARK)]
            inner = [
                d
                for d in title.iterdescendants()
                if isinstance(d.tag, str) and _tokens(d) & _ACCORDION_TITLE_TOKENS
            ]
            if (every or text.endswith("?")) and not outer and not inner:
                title.set(QUESTION_MARK, "1")
    del keep


def _accordion(element: Any) -> Any:
    """The accordion an accordion title belongs to (its titles are judged together)."""
    for ancestor in element.iterancestors():
        tokens = _tokens(ancestor)
        if ancestor.get("role") == "tablist" or tokens & {
            "accordion",
            "elementor-accordion",
            "elementor-toggle",
            "e-n-accordion",
            "panel-group",
            "faq",
        }:
            return ancestor
    return element.getparent() if element.getparent() is not None else element


def _in_faq(element: Any) -> bool:
    for ancestor in element.iterancestors():
        attrs = " ".join(ancestor.get(k, "") for k in ("class", "id", "itemtype"))
        if _FAQ_CONTAINER_RE.search(attrs):
            return True
    return False


def _opens_block(element: Any) -> bool:
    """A bold run that is the first text of its paragraph (not a bold word inside a sentence)."""
    parent = element.getparent()
    while parent is not None and parent.tag in ("span", "a", "em", "i", "u", "font"):
        if (parent.text or "").strip() or parent.getprevious() is not None:
            return False
        parent = parent.getparent()
    if parent is None or parent.tag not in ("p", "div", "li", "dd", "td", "section", "article", "body"):
        return False
    if (parent.text or "").strip():
        return False
    previous = element.getprevious()
    while previous is not None:
        if (previous.tail or "").strip() or (previous.tag not in ("br",) and previous.text_content().strip()):
            return False
        previous = previous.getprevious()
    return True


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
    rows: dict[int, Any] = {}
    for row in root.iter("tr"):
        cells = [c for c in row if c.tag in ("td", "th")]
        if cells and not any(d.tag in layout for c in cells for d in c.iterdescendants()):
            rows[id(row)] = row
    return rows


def _page_blocks(root: Any) -> Iterator[_PageBlock]:
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

    def flush(owner: Any) -> Iterator[_PageBlock]:
        text = _text(parts)
        parts.clear()
        if not text:
            return
        tag = owner.tag if isinstance(owner.tag, str) else ""
        line = owner.sourceline
        in_details = any(getattr(a, "tag", "") == "details" for a in ancestors)
        in_main = any(
            getattr(a, "tag", "") in _CONTENT_CONTAINERS or a.get("role") == "main" for a in ancestors
        )
        if owner.get(QUESTION_MARK):
            level = _HEADING_TAGS.get(tag) or next(
                (_HEADING_TAGS[a.tag] for a in reversed(ancestors) if getattr(a, "tag", "") in _HEADING_TAGS),
                None,
            )
            block = Block("question", text, line, level)
        elif tag in _HEADING_TAGS:
            block = Block("heading", text, line, _HEADING_TAGS[tag])
        elif tag == "tr":
            text = re.sub(r"\s*,(?:\s*,)*", ",", text).strip(" ,")  # empty cells say nothing
            if not text:
                return
            block = Block("item", text, line)
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
            block = Block("paragraph", text, line)
        yield _PageBlock(block, _landmark(ancestors), in_details, in_main, owner)

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
                parts.append(" ")
            ancestors.pop()
            if element.tail:
                parts.append(element.tail)
            continue
        if tag is None:  # comment or processing instruction: only its tail is text
            if element.tail:
                parts.append(element.tail)
            continue
        if tag in _SKIP_TAGS or _hidden(element) or _is_permalink(element):
            if element.tail:
                parts.append(element.tail)
            continue
        if is_block(element, tag) and ancestors:
            yield from flush(ancestors[-1])
        if in_row and tag in ("td", "th") and _text(parts):
            parts.append(", ")
        ancestors.append(element)
        if id(element) in rows:
            in_row += 1
        if tag == "br":
            parts.append(" ")
        if element.text:
            parts.append(element.text)
        stack.append((element, False))
        stack.extend((child, True) for child in reversed(element))


def _start(ol: Any) -> int:
    try:
        return int(ol.get("start", "1"))
    except ValueError:
        return 1


# --------------------------------------------------------------------------- extraction


def _extract(root: Any, url: str | None) -> tuple[dict[str, str], list[str]] | None:
    """trafilatura's main content as texts, with its metadata; None if it found no article."""
    try:
        import trafilatura  # slow import (dates, language data): only for pages without a main landmark
    except ImportError as exc:  # e.g. lxml.html.clean missing from an old install
        logger.warning("main-content extraction unavailable (%s); reading the page by its landmarks", exc)
        return None

    try:
        xml = trafilatura.extract(
            copy.deepcopy(root),
            url=url,
            output_format="xml",
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            include_formatting=False,
            deduplicate=False,
        )
    except (ValueError, TypeError, lxml.etree.LxmlError) as exc:  # pragma: no cover - defensive
        logger.warning("main-content extraction failed (%s); reading the page by its landmarks", exc)
        return None
    if not xml:
        return None
    doc = lxml.etree.fromstring(xml.encode("utf-8"))
    metadata = {
        key: value for key, value in doc.attrib.items() if value and key in ("author", "sitename", "title")
    }
    main = doc.find("main")
    text = " ".join(" ".join(main.itertext()).split()) if main is not None else ""
    return (metadata, [text]) if text else None


def _metadata(root: Any) -> dict[str, str]:
    """Author and site name from the page's <meta> tags (Open Graph, Dublin Core, plain)."""
    found: dict[str, str] = {}
    names = {
        "author": "author",
        "dc.creator": "author",
        "article:author": "author",
        "og:site_name": "sitename",
        "application-name": "sitename",
        "og:title": "title",
    }
    for meta in root.iter("meta"):
        key = (meta.get("name") or meta.get("property") or "").strip().lower()
        value = " ".join((meta.get("content") or "").split())
        if key in names and value and not value.startswith("http"):
            found.setdefault(names[key], value)
    return found


# --------------------------------------------------------------------------- title


def _title(
    blocks: list[Block], page: list[_PageBlock], metadata: dict[str, str], root: Any, name: str
) -> tuple[str, list[Block]]:
    """The article's title, and the blocks without it."""
    for index, block in enumerate(blocks):
        if block.kind == "heading" and block.level == 1:
            return block.text, blocks[:index] + blocks[index + 1 :]
    for p in page:
        if p.block.kind == "heading" and p.block.level == 1 and p.landmark is None:
            return p.block.text, blocks
    if metadata.get("title"):
        return metadata["title"], blocks
    page_title = root.findtext(".//title")
    if page_title and " ".join(page_title.split()):
        return " ".join(page_title.split()), blocks
    if blocks and blocks[0].kind in ("heading", "paragraph") and len(blocks[0].text.split()) <= 25:
        return blocks[0].text, blocks[1:]
    stem = Path(name).stem.replace("_", " ").replace("-", " ").strip()
    return (stem.capitalize() or "Untitled"), blocks


def _language(root: Any) -> str | None:
    lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    tag = language_tag(lang)  # a page's lang is not trusted: it becomes xml:lang in EPUB and DAISY
    match = _LANG_RE.match(tag) if tag else None
    return match.group(1).lower() if match else None


# --------------------------------------------------------------------------- FAQs


@dataclass(frozen=True)
class _Faq:
    question: str
    answer: tuple[Block, ...]


def _jsonld_objects(value: Any) -> Iterator[dict]:
    """Every JSON object in a JSON-LD value (``@graph`` and nesting included)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))


def _types(obj: dict) -> set[str]:
    kind = obj.get("@type", ())
    kinds = [kind] if isinstance(kind, str) else kind if isinstance(kind, list) else []
    return {str(k).rsplit("/", 1)[-1] for k in kinds}


def _fragment_blocks(html: str) -> list[Block]:
    """Blocks of an HTML fragment (a JSON-LD answer may hold <p>, <ul>, links)."""
    if not html.strip():
        return []
    try:
        fragment = lxml.html.fragment_fromstring(clean_text(html), create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return [Block("paragraph", " ".join(html.split()))]
    return [p.block for p in _page_blocks(fragment) if p.block.kind != "question"]


def html_fragment_blocks(html: str) -> list[Block]:
    """The blocks of an HTML fragment (raw HTML in Markdown): headings, paragraphs, items."""
    if not html.strip():
        return []
    try:
        fragment = lxml.html.fragment_fromstring(clean_text(html), create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return []
    return [p.block for p in _page_blocks(fragment)]


def _plain(html: str) -> str:
    blocks = _fragment_blocks(html)
    return " ".join(b.text for b in blocks)


def _jsonld_faqs(root: Any, name: str) -> list[_Faq]:
    """Question/acceptedAnswer pairs of every schema.org FAQPage in the page's JSON-LD."""
    faqs: list[_Faq] = []
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "", strict=False)
        except ValueError as exc:
            logger.info("%s: unreadable JSON-LD block ignored (%s)", name, exc)
            continue
        for obj in _jsonld_objects(data):
            if "FAQPage" not in _types(obj):
                continue
            entities = obj.get("mainEntity") or obj.get("hasPart") or []
            for question in entities if isinstance(entities, list) else [entities]:
                if not isinstance(question, dict) or "Question" not in _types(question):
                    continue
                text = _plain(str(question.get("name") or question.get("text") or ""))
                answers = question.get("acceptedAnswer") or question.get("suggestedAnswer") or []
                answer = answers[0] if isinstance(answers, list) and answers else answers
                body = answer.get("text", "") if isinstance(answer, dict) else str(answer or "")
                blocks = _fragment_blocks(str(body))
                if text and blocks:
                    faqs.append(_Faq(text, tuple(blocks)))
    return faqs


def _details_faqs(page: list[_PageBlock]) -> list[_Faq]:
    """``<details><summary>Question?</summary>answer</details>`` pairs, in page order."""
    faqs: list[_Faq] = []
    current: tuple[str, list[Block]] | None = None
    for p in page:
        if p.block.kind == "question" and p.in_details:
            if current and current[1]:
                faqs.append(_Faq(current[0], tuple(current[1])))
            current = (p.block.text, [])
        elif current is not None and p.in_details and p.block.kind != "heading":
            current[1].append(p.block)
        elif current is not None:
            if current[1]:
                faqs.append(_Faq(current[0], tuple(current[1])))
            current = None
    if current and current[1]:
        faqs.append(_Faq(current[0], tuple(current[1])))
    return faqs


def _with_faqs(blocks: list[Block], faqs: list[_Faq], title: str) -> list[Block]:
    """Mark the page's FAQ questions as such; add those only the markup has.

    A question the visible text already shows (as a heading, a summary or a
    paragraph) is marked there and keeps the page's answer; the others go
    after the page's last FAQ, else after an "FAQ" heading, else before the
    conclusion, else at the end.
    """
    if not faqs:
        return blocks
    levels = [b.level for b in blocks if b.kind == "heading" and b.level]
    question_level = (min(levels) + 1) if levels else None
    wanted: dict[str, _Faq] = {}
    for faq in faqs:
        wanted.setdefault(_key(faq.question), faq)
    out: list[Block] = []
    seen: set[str] = set()
    last_faq: int | None = None
    for block in blocks:
        key = _key(block.text)
        if key in wanted and block.kind in ("heading", "paragraph", "question") and key not in seen:
            level = (block.level if block.kind == "heading" else None) or question_level
            block = Block("question", block.text, block.line, level)
            seen.add(key)
            last_faq = len(out)
        out.append(block)
    missing = [faq for key, faq in wanted.items() if key not in seen]
    if not missing:
        return out
    extra: list[Block] = []
    for faq in missing:
        extra.append(Block("question", faq.question, None, question_level))
        extra.extend(Block(b.kind, b.text) for b in faq.answer if b.kind != "heading")
    position = _faq_position(out, last_faq, title)
    return out[:position] + extra + out[position:]


def _faq_position(blocks: list[Block], last_faq: int | None, title: str) -> int:
    """Where FAQs the page does not show go: after its last FAQ (answer included), ..."""

    def after(start: int) -> int:
        index = start + 1
        while index < len(blocks) and blocks[index].kind in ("paragraph", "item"):
            index += 1
        return index

    if last_faq is not None:
        return after(last_faq)
    for index, block in enumerate(blocks):
        if block.kind == "heading" and faq_block_title(split_label(block.text, title)):
            return after(index)
    for index, block in enumerate(blocks):
        if block.kind == "heading" and is_conclusion_heading(split_label(block.text, title)):
            return index
    return len(blocks)


# --------------------------------------------------------------------------- accounting


def _key(text: str) -> str:
    """Comparison key: the words, case-folded, one space apart."""
    return " ".join(_WORD_RE.findall(text.casefold()))


def _unread(page: list[_PageBlock], blocks: list[Block], title: str, chosen: set[int]) -> list[Dropped]:
    """Visible page blocks whose words are not in the article text: listed, never silently lost.

    A block around the article (page navigation, header, footer, or outside
    the article's stretch of the page) is marked ``outside``: it is listed
    but does not count as article text that was dropped.
    """
    corpus = " " + " ".join(_key(t) for t in [title, *(b.text for b in blocks)]) + " "
    dropped: list[Dropped] = []
    for p in page:
        key = _key(p.block.text)
        if key and f" {key} " not in corpus:
            reason = (
                p.landmark
                or furniture_reason(p.block.text)
                or (BOILERPLATE if id(p) in chosen or p.landmark else OUTSIDE)
            )
            outside = id(p) not in chosen and (p.landmark is None or p.landmark in OUTSIDE_REASONS)
            dropped.append(Dropped(p.block.text, reason, p.block.line, outside=outside))
    return dropped
