"""Page landmarks: why a block outside the article is page furniture (navigation, sidebar, ...).

Checked from the block outwards, by element (``nav``, ``aside``, ...), ARIA
role and class/id names; the first match wins and the search stops at
``<article>``/``<main>``.
"""

from __future__ import annotations

import re
from typing import Any

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
    "address": "contact details",
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
CONTENT_CONTAINERS = {"article", "main"}


def _attrs(element: Any) -> str:
    """Class, id, role and label of an element, lower case, for landmark patterns.

    An id of four or more words is a heading's slug ("how-do-i-share-global-variables"),
    not a landmark's name, and does not count; nor does the id of an element that is its
    own heading's slug (Sphinx's ``<section id="private-attribute-tags">`` over "Private
    attribute tags", ``<section id="sharing-data">`` over "2.3. Sharing data"), nor the label of
    a section.
    """
    ident = element.get("id", "")
    if len(re.split(r"[-_.:]+", ident.strip("-_"))) >= 4 or _is_heading_slug(element, ident):
        ident = ""
    label = element.get("aria-label", "") if element.tag != "section" else ""
    return (
        " ".join((element.get("class", ""), ident, element.get("role", ""), label)).lower().replace("_", "-")
    )


def _is_heading_slug(element: Any, ident: str) -> bool:
    """Whether ``ident`` is made of the words of the first heading inside ``element``."""
    words = re.findall(r"[a-z0-9]+", ident.lower())
    if not words or not isinstance(element.tag, str):
        return False
    heading = next(element.iter("h1", "h2", "h3", "h4", "h5", "h6"), None)
    if heading is None:
        return False
    said = re.findall(r"[a-z0-9]+", heading.text_content().lower())
    while said and said[0].isdigit() and not words[0].isdigit():
        said.pop(0)  # Sphinx's section number ("2.3. Sharing data") is not in the id
    return said[: len(words)] == words


def landmark(ancestors: list[Any]) -> str | None:
    """Why the innermost landmark around a block is page furniture, or None for article text.

    A ``<header>`` or ``<footer>`` inside an ``<article>``/``<main>`` is the
    article's own (its title, its tags): only its class names can tell.
    """
    in_content = any(getattr(a, "tag", None) in CONTENT_CONTAINERS for a in ancestors)
    for element in reversed(ancestors):
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in CONTENT_CONTAINERS or tag in ("html", "body") or element.get("role") == "main":
            return None
        attrs = _attrs(element)
        for pattern, reason in _LANDMARK_ATTRS:
            if attrs and pattern.search(attrs):
                return reason
        role = element.get("role", "").lower()
        if role in _LANDMARK_ROLES:
            return _LANDMARK_ROLES[role]
        if tag in _LANDMARK_TAGS and not (in_content and tag in ("header", "footer", "address")):
            return _LANDMARK_TAGS[tag]
    return None
