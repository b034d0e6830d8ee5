"""Blocks known by their links: tables of contents, breadcrumb trails, previous/next links.

Any generator's contents list (DocBook's ``dl`` of questions, a wiki's
``%TOC%``, a texinfo menu, a hand-written line of links) is a run of blocks
whose text is nearly all links to anchors of this page. Such a run is left
out of the article and listed as "table of contents", with the headings
whose only text it is ("Detailed Contents", and its topic headings).

A trail of links with path separators above the page's first heading
("ikiwiki/ tips/", "Home › Patients › Knee") is a breadcrumb trail; a block
that is all link and starts "Prev", "Next", "Up", "Home" or "Back" is page
navigation. Both are left out of the article, listed.
"""

from __future__ import annotations

import re
from dataclasses import replace

from audioguide.sources.html.page import PageBlock

CONTENTS = "table of contents"
BREADCRUMB = "breadcrumb trail"
NAVIGATION = "navigation"
# Of a trail's text, in links: its separators and the current page's name ("dot cgi") are not.
TRAIL_SHARE = 0.5
_NAV_START_RE = re.compile(r"^(?:prev(?:ious)?|next|up|home|back|top)\b", re.IGNORECASE)
_TRAIL_RE = re.compile(r"^[^/›»>→]+(?:\s*[/›»>→]\s*[^/›»>→]+)+\s*[/›»>→]?$|^(?:[^/›»>→]+\s*[/›»>→]\s*)+$")
MIN_LINKS = 3  # in a run: one link to "#top" is no table of contents
MIN_SHARE = 0.75  # of a block's text that is link text ("1. What is D-Bus?" links the question only)


def _entry(p: PageBlock) -> bool:
    return p.block.kind != "heading" and p.anchor_links > 0 and p.anchor_share >= MIN_SHARE


def mark_links(page: list[PageBlock]) -> list[PageBlock]:
    """The page with its tables of contents, breadcrumb trails and previous/next links marked."""
    marked = [False] * len(page)
    index = 0
    while index < len(page):
        if not _entry(page[index]):
            index += 1
            continue
        end = index
        while end < len(page) and _entry(page[end]):
            end += 1
        if sum(p.anchor_links for p in page[index:end]) >= MIN_LINKS:
            marked[index:end] = [True] * (end - index)
        index = end
    for index, p in enumerate(page):
        if (
            p.block.kind == "heading"
            and p.block.level is not None
            and _heads_only_contents(page, marked, index)
        ):
            marked[index] = True
    page = [replace(p, landmark=CONTENTS) if m and p.landmark is None else p for p, m in zip(page, marked)]
    return _mark_navigation(page)


def _mark_navigation(page: list[PageBlock]) -> list[PageBlock]:
    """Breadcrumb trails above the first heading, previous/next links anywhere."""
    out: list[PageBlock] = []
    above_headings = True
    for p in page:
        if p.block.kind == "heading" and p.landmark is None:
            above_headings = False
        text = p.block.text
        if p.landmark is None and p.block.kind != "heading" and p.link_share >= TRAIL_SHARE:
            if above_headings and p.links >= 2 and _TRAIL_RE.match(" ".join(text.split())):
                p = replace(p, landmark=BREADCRUMB)
            elif p.link_share >= 0.9 and _NAV_START_RE.match(text):
                p = replace(p, landmark=NAVIGATION)
        out.append(p)
    return out


def _heads_only_contents(page: list[PageBlock], marked: list[bool], index: int) -> bool:
    """Whether the text under the heading at ``index`` (up to the next heading at its level) is contents."""
    level = page[index].block.level
    assert level is not None
    found = False
    for following, p in enumerate(page[index + 1 :], index + 1):
        if p.block.kind == "heading" and p.block.level is not None and p.block.level <= level:
            break
        if p.block.kind == "heading" or p.landmark is not None:
            continue
        if not marked[following]:
            return False
        found = True
    return found
