"""The title of a page, by one precedence (README, "How web pages are read").

1. The page's metadata title (``<title>``, ``og:title``, ``dc.title``)
   without the site name: the part of it the page itself shows at the top of
   the article, as a heading or a title line ("DCMTK: dcm2pdf: Extract PDF
   ..." over the line "dcm2pdf: Extract PDF ..."; "General Information"
   over the heading "1. General Information").
2. Else the article's single ``<h1>``.
3. Else the metadata title without the site name (``og:site_name``, or what
   follows the title after " | ", " - ", " — ", " < " ...).
4. Else the bold lines a document opens with (a title page), else the
   article's first heading, else its first short line, else the file name.

A title never keeps a section number ("1. General Information" is "General
Information"). What stands above the title on the page (a site banner, a
breadcrumb trail) is the page's header, not the article.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from audioguide.sources.html.page import PageBlock
from audioguide.sources.structure import clean_heading, key, without_section_number

MAX_TITLE_WORDS = 25
# Between a page's title and its site's name in <title>.
_SITE_SEPARATOR_RE = re.compile(r"\s+(?:[|–—«»<>·]|-{1,2}|::)\s+")
_SEGMENT_RE = re.compile(r"\s+(?:[|–—«»<>·]|-{1,2}|::)\s+|:\s+")


def _words(text: str) -> str:
    return " ".join(text.split())


def _shown(text: str) -> str:
    """A title as a listener should hear it: no permalink mark, no section number."""
    return without_section_number(clean_heading(text))


def metadata_titles(root: Any, metadata: dict[str, str]) -> list[str]:
    """The page's own titles: ``og:title`` (or another metadata title), ``<title>``, ``dc.title``."""
    found = [metadata.get("title") or ""]
    found.append(_words(root.findtext(".//title") or ""))
    for meta in root.iter("meta"):
        if (meta.get("name") or meta.get("property") or "").strip().lower() in ("dc.title", "dcterms.title"):
            found.append(_words(meta.get("content") or ""))
    return [t for t in dict.fromkeys(found) if t]


def _candidates(titles: list[str]) -> list[str]:
    """Every run of a title's parts ("DCMTK: dcm2pdf: Extract ..." -> "dcm2pdf: Extract ...", ...), longest first."""
    found: list[str] = []
    for title in titles:
        separators = list(_SEGMENT_RE.finditer(title))
        cuts = [0, *(m.end() for m in separators)]
        ends = [*(m.start() for m in separators), len(title)]
        for start in cuts:
            for end in ends:
                if end > start:
                    found.append(title[start:end].strip())
    return sorted(dict.fromkeys(found), key=len, reverse=True)


def _top(chosen: list[PageBlock]) -> list[int]:
    """Indices of the blocks at the top of the article: before its first paragraph of prose,
    headings only at the article's highest level."""
    levels = [p.block.level for p in chosen if p.block.kind == "heading" and p.block.level]
    highest = min(levels) if levels else None
    top: list[int] = []
    for index, p in enumerate(chosen):
        block = p.block
        if block.kind in ("paragraph", "item") and len(block.text.split()) > MAX_TITLE_WORDS:
            break
        if block.kind == "heading" and block.level != highest:
            continue
        if block.kind in ("heading", "paragraph") and len(block.text.split()) <= MAX_TITLE_WORDS:
            top.append(index)
    return top


MAX_TITLE_LINES = 3
_NUMBER_WORD_RE = re.compile(r"(?<!\w)\d[\d.,/:-]*(?!\w)|©|\(c\)", re.IGNORECASE)  # "version 1.4", "© 2014"


def _title_page(chosen: list[PageBlock]) -> tuple[str, int] | None:
    """The bold lines a document opens with, before any heading or text: its title page.

    "User's manual for" / "Writer2LaTeX, Writer2BibTeX, ..." is one title; a
    line with a number ("version 1.4", "© 2014") is no longer the title.
    """
    lines: list[str] = []
    last = None
    for index, p in enumerate(chosen):
        text = p.block.text.strip()
        bold = p.block.kind == "paragraph" and p.bold_share >= 0.99
        if not bold or _NUMBER_WORD_RE.search(text) or len(lines) == MAX_TITLE_LINES:
            break
        lines.append(text)
        last = index
    title = " ".join(lines)
    if last is None or len(title.split()) > MAX_TITLE_WORDS:
        return None
    return title, last


def without_site(title: str, metadata: dict[str, str]) -> str:
    """ "Installation - MkDocs" -> "Installation": the site's name is not the article's title."""
    site = metadata.get("sitename")
    parts = [p for p in _SITE_SEPARATOR_RE.split(title) if p.strip()]
    if site and len(parts) > 1:
        parts = [p for p in parts if key(p) != key(site)] or parts
    return parts[0].strip() if parts else title


def page_title(
    chosen: list[PageBlock], page: list[PageBlock], metadata: dict[str, str], root: Any, name: str
) -> tuple[str, int | None]:
    """The article's title, and the index in ``chosen`` of the block that shows it (None: no block)."""
    titles = metadata_titles(root, metadata)
    top = _top(chosen)
    for candidate in _candidates(titles):
        wanted = key(_shown(candidate))
        for index in top:
            shown = key(_shown(chosen[index].block.text))
            if wanted and shown == wanted:
                return _shown(chosen[index].block.text), index
            whole = candidate in titles  # a whole title, not a part of one ("MkDocs")
            if wanted and whole and chosen[index].block.kind == "heading" and shown.startswith(wanted):
                # The title shown with more ("... for ODFPY 0.9.1"): the heading is the title's line.
                return _shown(candidate), index
    first_level = [i for i, p in enumerate(chosen) if p.block.kind == "heading" and p.block.level == 1]
    if len(first_level) == 1:
        return _shown(chosen[first_level[0]].block.text), first_level[0]
    if not first_level:
        outside = [p for p in page if p.block.kind == "heading" and p.block.level == 1 and p.landmark is None]
        if len(outside) == 1:
            return _shown(outside[0].block.text), None
    if titles:
        return _shown(without_site(titles[0], metadata)), None
    title_page = _title_page(chosen)
    if title_page is not None:
        return title_page
    for index, p in enumerate(chosen):
        if p.block.kind == "heading":
            return _shown(p.block.text), index
    if (
        chosen
        and chosen[0].block.kind == "paragraph"
        and len(chosen[0].block.text.split()) <= MAX_TITLE_WORDS
    ):
        return chosen[0].block.text, 0
    stem = Path(name).stem.replace("_", " ").replace("-", " ").strip()
    return (stem.capitalize() or "Untitled"), None
