"""Decoding and parsing a page: its bytes to text, its text to an lxml tree, one-line errors."""

from __future__ import annotations

import re
from typing import Any

import lxml.etree
import lxml.html

from audioguide.errors import SourceError
from audioguide.sources.decode import clean_text

_XML_DECLARATION_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
META_CHARSET_RE = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
MAX_DEPTH = 256  # libxml2's HTML parser keeps no element deeper than this


def html_parser() -> lxml.html.HTMLParser:
    """A parser that keeps text nodes over 10,000,000 bytes (libxml2 cuts them, and all after them).

    The size of a source is bounded before parsing (``decode.MAX_SOURCE_BYTES``),
    so the tree may be huge. A new parser per page: lxml's parsers are not for
    sharing between threads.
    """
    return lxml.html.HTMLParser(huge_tree=True)


def parse_document(html: str, name: str) -> lxml.html.HtmlElement:
    """The page as an lxml tree; a one-line SourceError when there is no document."""
    text = clean_text(_XML_DECLARATION_RE.sub("", html, count=1))
    if not text.strip():
        raise SourceError(f"{name}: the page is empty")
    try:
        root = lxml.html.document_fromstring(text, parser=html_parser())
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
