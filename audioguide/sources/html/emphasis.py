"""Bold lines that stand alone before text are headings, on pages that mark their sections so.

Only on a page without headings of its own (its title aside).

Pages made with word processors and old editors (FrontPage, a Word
document through mammoth) write a section's heading as a bold paragraph
("<p><b>Installation</b></p>", "<li><strong>PURPOSE</strong></li>") rather
than an ``<h2>``. Such a line is a heading when it is short, all bold, not a
sentence, and text follows it; one level below the heading above it (a line
in a nested list one more), level 2 on a page without headings.
"""

from __future__ import annotations

import re
from dataclasses import replace

from audioguide.sources.html.page import PageBlock
from audioguide.sources.structure import Block

MAX_HEADING_WORDS = 10
MIN_BOLD_SHARE = 0.99  # all of it: "<b>Document Metadata</b>:" is a label
_SENTENCE_END_RE = re.compile(r"[.!?;,]$")
_WORD_RE = re.compile(r"[^\W\d_]{3,}")  # a word of three letters: "N/A" or "1." is a value, no heading


def _candidate(p: PageBlock) -> bool:
    text = p.block.text.strip()
    return (
        p.landmark is None
        and p.block.kind in ("paragraph", "item")
        and getattr(p.owner, "tag", "") not in ("dt", "th", "caption")  # a term, a column head
        and p.bold_share >= MIN_BOLD_SHARE
        and len(text.split()) <= MAX_HEADING_WORDS
        and not _SENTENCE_END_RE.search(text)
        and bool(_WORD_RE.search(text))
    )


def bold_headings(page: list[PageBlock]) -> list[PageBlock]:
    """The page with its bold lines that head text as headings, if it has no headings of its own.

    A page with headings (beyond its title) marks its sections with them: a
    bold line there is emphasis ("Abstract", a "part" line), not a section.
    """
    own = [p for p in page if p.landmark is None and p.block.kind == "heading" and p.block.level]
    if len(own) > 1 or any(p.block.level != 1 for p in own):
        return page
    out = list(page)
    above: int | None = None  # the level of the last real heading
    for index, p in enumerate(page):
        if p.landmark is not None:
            continue
        if p.block.kind == "heading" and p.block.level is not None and p.bold_share < MIN_BOLD_SHARE:
            above = p.block.level
            continue
        if not _candidate(p) or not _text_follows(page, index):
            continue
        level = min(6, (above + 1 if above is not None else 2) + max(0, p.lists - 1))
        text = re.sub(r"^\d{1,3}\.\s+", "", p.block.text) if p.block.kind == "item" else p.block.text
        out[index] = replace(p, block=Block("heading", text, p.block.line, level))
    return out


def _text_follows(page: list[PageBlock], index: int) -> bool:
    """Whether body text (not another bold line, not a heading) comes after the block, its bold
    sub-headings aside."""
    for p in page[index + 1 :]:
        if p.landmark is not None:
            continue
        if _candidate(p) and p.lists > page[index].lists:
            continue  # a deeper bold line (a sub-heading)
        return p.block.kind in ("paragraph", "item", "code") and not _candidate(p)
    return False
