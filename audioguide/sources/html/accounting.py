"""What a page leaves unread: every visible block not in the article, listed with a reason."""

from __future__ import annotations

from audioguide.model.document import Dropped
from audioguide.sources.furniture import furniture_reason
from audioguide.sources.html.page import PageBlock, words_key
from audioguide.sources.structure import Block

BOILERPLATE = "page boilerplate (not part of the article)"
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
        "breadcrumb trail",
        "contact details",
        "outside the article",
    }
)
OUTSIDE = "outside the article"
CONTENTS = "table of contents"


def unread(page: list[PageBlock], blocks: list[Block], title: str, chosen: set[int]) -> list[Dropped]:
    """Visible page blocks whose words are not in the article text: listed, never silently lost.

    A block around the article (page navigation, header, footer, or outside
    the article's stretch of the page) is marked ``outside``: it is listed
    but does not count as article text that was dropped; nor does furniture
    known by its words ("Leave a comment") or a table of contents. A block a
    landmark's class name leaves out of the article ("author-box") counts:
    class names can be wrong.
    """
    corpus = " " + " ".join(words_key(t) for t in [title, *(b.text for b in blocks)]) + " "
    dropped: list[Dropped] = []
    for p in page:
        key = words_key(p.block.text)
        if key and f" {key} " not in corpus:
            furniture = furniture_reason(p.block.text)
            reason = p.landmark or furniture or (BOILERPLATE if id(p) in chosen or p.landmark else OUTSIDE)
            outside = id(p) not in chosen and (p.landmark is None or p.landmark in OUTSIDE_REASONS)
            kind = "furniture" if reason == furniture or reason == CONTENTS else "content"
            dropped.append(Dropped(p.block.text, reason, p.block.line, outside=outside, kind=kind))
    return dropped
