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
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterator

import lxml.etree
import lxml.html

from audioguide.model.document import Document, Dropped
from audioguide.errors import SourceError
from audioguide.sources.furniture import furniture_reason
from audioguide.sources.structure import (
    Block,
    build_document,
    faq_block_title,
    is_conclusion_heading,
    split_label,
)
from audioguide.text import language_tag
from audioguide.sources.decode import clean_text, decode_bytes, read_source_bytes

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
        (r"breadcrumb|skip-link|pagination|post-navigation|nav-links|\bmenu\b", "navigation"),
        (r"related|recommended|read-more", "related articles"),
        (r"newsletter|subscribe|signup|sign-up", "subscribe box"),
        (r"entry-footer|post-footer|cat-links|tags-links|\btags?\b|categor(y|ies)", "tags and categories"),
        (r"footer|colophon", "page footer"),
        (r"sidebar|widget|secondary", "sidebar"),
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
    return parse_html_text(decode_bytes(data, source, declared_charset), source=source, keep_furniture=keep_furniture)


def parse_html_text(html: str, *, source: str | None = None, keep_furniture: bool = False) -> Document:
    """Parse HTML text into a :class:`Document`."""
    name = source or "page"
    root = _parse(html, name)
    url = source if source and re.match(r"https?://", source) else None
    page = list(_page_blocks(root))
    article_chars = sum(len(p.block.text) for p in page if p.landmark is None)
    short = article_chars < SHORT_PAGE_CHARS
    extracted = None if keep_furniture or short else _extract(root, url)

    metadata: dict[str, str] = {}
    if keep_furniture:
        blocks = [p.block for p in page]
    elif extracted is not None:
        metadata, blocks = extracted
        blocks = _with_source_lines(blocks, page)
    else:
        if not short:
            logger.info("%s: no article found by the extractor; reading the page by its landmarks", name)
        blocks = [p.block for p in page if p.landmark is None]

    title, blocks = _title(blocks, page, metadata, root, name)
    blocks = _with_faqs(blocks, _jsonld_faqs(root, name) + _details_faqs(page), title)
    dropped = [] if keep_furniture else _unread(page, blocks, title)

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
        raise SourceError(f"{name}: the page nests elements more than {MAX_DEPTH - 1} levels deep, "
                          "deeper than the HTML parser reads; save the article as text or Markdown")
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
    """Class, id, role and label of an element, lower case, for landmark patterns."""
    keys = ("class", "id", "role", "aria-label")
    return " ".join(element.get(k, "") for k in keys).lower().replace("_", "-")


def _landmark(ancestors: list[Any]) -> str | None:
    """Why the innermost landmark around a block is page furniture, or None for article text.

    A ``<header>`` or ``<footer>`` inside an ``<article>``/``<main>`` is the
    article's own (its title, its tags): only its class names can tell.
    """
    in_content = any(getattr(a, "tag", None) in _CONTENT_CONTAINERS for a in ancestors)
    for element in reversed(ancestors):
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _CONTENT_CONTAINERS or tag in ("html", "body"):
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


def _hidden(element: Any) -> bool:
    if element.get("hidden") is not None or element.get("aria-hidden", "").lower() == "true":
        return True
    style = element.get("style", "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def _page_blocks(root: Any) -> Iterator[_PageBlock]:
    """Every visible block of text in the page, in reading order.

    An explicit stack instead of recursion: pages can nest deeply. Inline
    elements add to the current block; a block element ends it.
    """
    parts: list[str] = []
    ancestors: list[Any] = []
    numbers: dict[int, int] = {}  # id(<ol>) -> next number
    numbered: set[int] = set()  # id(<li>) of items that have their number

    def flush(owner: Any) -> Iterator[_PageBlock]:
        text = _text(parts)
        parts.clear()
        if not text:
            return
        tag = owner.tag if isinstance(owner.tag, str) else ""
        line = owner.sourceline
        in_details = any(getattr(a, "tag", "") == "details" for a in ancestors)
        if tag in _HEADING_TAGS:
            block = Block("heading", text, line, _HEADING_TAGS[tag])
        elif tag == "li" or (tag == "p" and getattr(owner.getparent(), "tag", None) == "li"):
            item = owner if tag == "li" else owner.getparent()
            listing = item.getparent()
            if listing is not None and listing.tag == "ol" and id(item) not in numbered:
                numbered.add(id(item))
                number = numbers.get(id(listing), _start(listing))
                numbers[id(listing)] = number + 1
                text = f"{number}. {text}"
            block = Block("item", text, line)
        elif tag == "summary":
            block = Block("question" if text.endswith("?") else "paragraph", text, line)
        else:
            block = Block("paragraph", text, line)
        yield _PageBlock(block, _landmark(ancestors), in_details)

    # (element, entering?) pairs; leaving a block element flushes its text.
    stack: list[tuple[Any, bool]] = [(root, True)]
    while stack:
        element, entering = stack.pop()
        tag = element.tag if isinstance(element.tag, str) else None
        if not entering:
            if tag in _BLOCK_TAGS:
                yield from flush(element)
            ancestors.pop()
            if element.tail:
                parts.append(element.tail)
            continue
        if tag is None:  # comment or processing instruction: only its tail is text
            if element.tail:
                parts.append(element.tail)
            continue
        if tag in _SKIP_TAGS or _hidden(element):
            if element.tail:
                parts.append(element.tail)
            continue
        if tag in _BLOCK_TAGS and ancestors:
            yield from flush(ancestors[-1])
        ancestors.append(element)
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


def _extract(root: Any, url: str | None) -> tuple[dict[str, str], list[Block]] | None:
    """trafilatura's main content as blocks, with its metadata; None if it found no article."""
    import trafilatura  # slow import (dates, language data): only for web pages

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
    metadata = {key: value for key, value in doc.attrib.items() if value}
    main = doc.find("main")
    blocks = list(_content_blocks(main)) if main is not None else []
    return (metadata, blocks) if blocks else None


def _content_blocks(main: Any) -> Iterator[Block]:
    """Blocks of trafilatura's XML (head, p, list/item, table/row/cell, quote, ...)."""
    for child in main:
        yield from _content_element(child)
        if child.tail and child.tail.strip():
            yield Block("paragraph", " ".join(child.tail.split()))


def _content_element(element: Any) -> Iterator[Block]:
    tag = element.tag
    if tag == "head":
        text = " ".join("".join(element.itertext()).split())
        rend = element.get("rend", "")
        level = int(rend[1]) if re.fullmatch(r"h[1-6]", rend) else None
        if text:
            yield Block("heading", text, None, level)
    elif tag == "list":
        yield from _list_items(element)
    elif tag == "table":
        for row in element.iter("row"):
            cells = [" ".join("".join(c.itertext()).split()) for c in row.iter("cell")]
            text = ", ".join(c for c in cells if c)
            if text:
                yield Block("item", text)
    else:
        text = " ".join("".join(element.itertext()).split())
        if text:
            yield Block("paragraph", text)


def _list_items(element: Any) -> Iterator[Block]:
    ordered = element.get("rend") == "ol"
    number = 0
    for item in element:
        if item.tag != "item":
            continue
        number += 1
        parts = [item.text or ""]
        nested: list[Any] = []
        for child in item:
            if child.tag == "list":
                nested.append(child)
            else:
                parts.append("".join(child.itertext()))
            parts.append(child.tail or "")
        text = _text(parts)
        if text:
            yield Block("item", f"{number}. {text}" if ordered else text)
        for sub in nested:
            yield from _list_items(sub)


def _with_source_lines(blocks: list[Block], page: list[_PageBlock]) -> list[Block]:
    """Give extracted blocks the source line of the page block with the same text.

    Matched in reading order, so a repeated text gets the line of its own
    occurrence rather than the first one.
    """
    where: dict[str, list[int]] = {}
    for index, p in enumerate(page):
        where.setdefault(_key(p.block.text), []).append(index)
    out: list[Block] = []
    cursor = 0
    for block in blocks:
        places = where.get(_key(block.text), [])
        index = next((i for i in places if i >= cursor), places[0] if places else None)
        line = page[index].block.line if index is not None else None
        if index is not None and index >= cursor:
            cursor = index + 1
        out.append(Block(block.kind, block.text, line, block.level))
    return out


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


def _unread(page: list[_PageBlock], blocks: list[Block], title: str) -> list[Dropped]:
    """Visible page blocks whose words are not in the article text: listed, never silently lost."""
    corpus = " " + " ".join(_key(t) for t in [title, *(b.text for b in blocks)]) + " "
    dropped: list[Dropped] = []
    for p in page:
        key = _key(p.block.text)
        if key and f" {key} " not in corpus:
            reason = p.landmark or furniture_reason(p.block.text) or BOILERPLATE
            dropped.append(Dropped(p.block.text, reason, p.block.line))
    return dropped
