"""Reading a web page: the blocks of its article, its FAQs, its title, and what it leaves unread."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from audioguide.model.document import Document, Dropped
from audioguide.sources.code import FORMULA_REASON
from audioguide.sources.decode import decode_bytes, read_source_bytes
from audioguide.sources.html.accounting import unread
from audioguide.sources.html.article import (
    MAIN_SHARE,
    SHORT_PAGE_CHARS,
    article_span,
    page_language,
    page_metadata,
)
from audioguide.sources.html.emphasis import bold_headings
from audioguide.sources.html.faq_markup import details_faqs, jsonld_faqs, mark_questions, with_faqs
from audioguide.sources.html.links import mark_links
from audioguide.sources.html.page import PageBlock, page_blocks
from audioguide.sources.html.parse import META_CHARSET_RE, parse_document
from audioguide.sources.html.title import page_title
from audioguide.sources.structure import build_document


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
        match = META_CHARSET_RE.search(data[:4096])
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
    root = parse_document(html, name)
    mark_questions(root)
    url = source if source and re.match(r"https?://", source) else None
    page = bold_headings(mark_links(list(page_blocks(root))))
    free = [p for p in page if p.landmark is None]
    article_chars = sum(len(p.block.text) for p in free)
    short = article_chars < SHORT_PAGE_CHARS
    main_chars = sum(len(p.block.text) for p in free if p.in_main)

    metadata = page_metadata(root)
    chosen: list[PageBlock]
    if keep_furniture:
        chosen = page
    elif short:
        chosen = free
    elif main_chars >= SHORT_PAGE_CHARS and main_chars >= MAIN_SHARE * article_chars:
        chosen = [p for p in free if p.in_main]
    else:
        chosen = article_span(root, url, page, metadata, name)
    title, at = page_title(chosen, page, metadata, root, name)
    if at is not None:
        # What stands above the title (a site banner, a breadcrumb trail) is the page's header.
        chosen = chosen[at + 1 :] if not keep_furniture else chosen[:at] + chosen[at + 1 :]
    blocks = [p.block for p in chosen]
    blocks = with_faqs(blocks, jsonld_faqs(root, name) + details_faqs(page), title)
    dropped = [] if keep_furniture else unread(page, blocks, title, {id(p) for p in chosen})
    dropped += [Dropped(code, "code", p.block.line, kind="code") for p in chosen for code in p.code]
    dropped += [Dropped(tex, FORMULA_REASON, p.block.line, kind="code") for p in chosen for tex in p.formulas]

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
    language = page_language(root)
    author = metadata.get("author") or document.author
    return replace(
        document,
        language=language or document.language,
        author=author,
        publisher=metadata.get("sitename") or None,
    )
