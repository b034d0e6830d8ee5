"""Where the article is on a page, and what the page says about it (title, language, metadata).

The article is the ``<main>``/``<article>`` content, or, on a page without
one, the stretch of the page trafilatura (a maintained main-content
extractor; it only parses the tree we hand it and fetches nothing) finds to
be the article.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

import lxml.etree

from audioguide.sources.html.page import PageBlock, words_key
from audioguide.text import language_tag

logger = logging.getLogger(__name__)

# Below this much text outside the page landmarks there is little boilerplate to find,
# and trafilatura would fall back to a whole-page text dump (its min_extracted_size).
SHORT_PAGE_CHARS = 250
# The main content needs at least this share of the page's text to be trusted as the article.
MAIN_SHARE = 0.4
# trafilatura takes a minute over 10 MB of text (fingerprints, date search): no article page is this
# long, and one that is is read by its landmarks.
MAX_EXTRACT_CHARS = 2_000_000
_LANG_RE = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*$")


def article_span(
    root: Any, url: str | None, page: list[PageBlock], metadata: dict[str, str], name: str
) -> list[PageBlock]:
    """A page without a main landmark: its blocks from the first to the last one trafilatura keeps.

    trafilatura decides where the article starts and ends; inside that
    stretch every block outside a furniture landmark is kept, so a heading
    or a list item it would leave out (a question that also stands in the
    table of contents; "How do I share ...?") is read.
    """
    free = [p for p in page if p.landmark is None]
    if sum(len(p.block.text) for p in page) > MAX_EXTRACT_CHARS:
        logger.info("%s: a page this large is read by its landmarks", name)
        return free
    extracted = _extract(root, url)
    if extracted is None:
        logger.info("%s: no article found by the extractor; reading the page by its landmarks", name)
        return free
    found, texts = extracted
    for key, value in found.items():
        metadata.setdefault(key, value)
    corpus = " " + " ".join(words_key(t) for t in texts) + " "
    hits = [
        i
        for i, p in enumerate(page)
        if p.landmark is None and words_key(p.block.text) and f" {words_key(p.block.text)} " in corpus
    ]
    if not hits:
        return free
    owners = [page[i].owner for i in hits]
    titles = [
        p for p in page[: hits[0]] if p.block.kind == "heading" and p.block.level == 1 and p.landmark is None
    ]
    if len(titles) == 1:
        owners.append(titles[0].owner)  # the article starts at its title (DocBook's chapter intro)
    container = _common_container(owners)
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
            # The date is not used, and htmldate's extensive search tries dateparser's 200 locales
            # in turn, compiling their patterns: 3-4 s on the first page a process reads.
            date_extraction_params={"original_date": True, "extensive_search": False},
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


def page_metadata(root: Any) -> dict[str, str]:
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


def page_language(root: Any) -> str | None:
    lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    tag = language_tag(lang)  # a page's lang is not trusted: it becomes xml:lang in EPUB and DAISY
    match = _LANG_RE.match(tag) if tag else None
    return match.group(1).lower() if match else None
