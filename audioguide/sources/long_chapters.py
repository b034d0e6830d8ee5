"""Chapters too long for one track, as several tracks: at sub-headings, else between paragraphs.

A listener cannot skim: a long track hides what is in it. A chapter longer
than :data:`SPLIT_SECTION_S` is cut at its highest sub-headings; a part still
longer than :data:`LONG_TRACK_S` is cut between paragraphs, never inside one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from audioguide.model.document import Chapter, ChapterKind, Subheading, is_subheading

# A section longer than this is split into tracks at its sub-headings (and, if a
# part is still longer than LONG_TRACK_S, between paragraphs): a listener cannot
# skim, so a long track hides what is in it.
SPLIT_SECTION_S = 300.0
LONG_TRACK_S = 600.0
MIN_PART_S = 30.0  # a shorter sub-heading part stays with the part before it
PARAGRAPH_PAUSE_S = 0.8


def spoken_seconds(paragraphs: Iterable[str]) -> float:
    """About how long paragraphs take to say (the planner's words-per-minute and pauses)."""
    from audioguide.model.plan import WORDS_PER_MINUTE

    paragraphs = list(paragraphs)
    words = sum(len(p.split()) for p in paragraphs)
    return words / WORDS_PER_MINUTE * 60 + PARAGRAPH_PAUSE_S * len(paragraphs)


def split_long_chapter(chapter: Chapter) -> list[Chapter]:
    """A chapter too long for one track, as tracks: at its sub-headings, else between paragraphs.

    Never inside a paragraph. It is split at its highest sub-headings first
    (``h3`` before ``h4``), and a part still too long at the next ones. Parts
    named by a sub-heading ("CHAPTER II ..." of a story) are grouped under the
    chapter's title, so the listener hears whose part it is; parts cut only
    between paragraphs ("Title, part 2") say it in their title and keep the
    topic the chapter had. A sub-heading part under :data:`MIN_PART_S` stays
    with the part before it, its sub-heading spoken.
    """
    if spoken_seconds(chapter.paragraphs) <= SPLIT_SECTION_S:
        return [chapter]
    parts = _split_at_subheadings(chapter.title, list(chapter.paragraphs))
    pieces = [piece for title, paragraphs in parts for piece in _numbered(title, paragraphs)]
    if len(pieces) == 1:
        return [chapter]
    at_subheadings = any(title != chapter.title for title, _ in parts)
    group = chapter.title if at_subheadings else (chapter.group or chapter.title)
    out: list[Chapter] = []
    for index, (title, paragraphs) in enumerate(pieces):
        first = index == 0
        out.append(
            Chapter(
                kind=chapter.kind if first else ChapterKind.SECTION,
                title=title,
                paragraphs=tuple(paragraphs),
                lead=chapter.lead if first else None,
                group=group,
            )
        )
    return out


def _split_at_subheadings(title: str, paragraphs: list[str]) -> list[tuple[str, list[str]]]:
    """(title, paragraphs) parts: cut at the highest sub-headings while a part is too long."""
    if spoken_seconds(paragraphs) <= SPLIT_SECTION_S:
        return [(title, paragraphs)]
    levels = [_level(p) for p in paragraphs if is_subheading(p)]
    if not levels:
        return [(title, paragraphs)]
    top = min(levels)
    parts: list[tuple[str, list[str]]] = [(title, [])]
    for paragraph in paragraphs:
        if is_subheading(paragraph) and _level(paragraph) == top:
            parts.append((str(paragraph), []))
        else:
            parts[-1][1].append(paragraph)
    merged: list[tuple[str, list[str]]] = []
    for part_title, run in parts:
        if not run:
            continue
        if merged and spoken_seconds(run) < MIN_PART_S:
            merged[-1][1].extend([Subheading(part_title, top), *run])
        else:
            merged.append((part_title, run))
    if len(merged) == 1:  # nothing to cut at this level: try the next one
        deeper = [p if not (is_subheading(p) and _level(p) == top) else str(p) for p in merged[0][1]]
        return (
            _split_at_subheadings(merged[0][0], deeper) if any(is_subheading(p) for p in deeper) else merged
        )
    return [sub for part_title, run in merged for sub in _split_at_subheadings(part_title, run)]


def _level(paragraph: str) -> int:
    return getattr(paragraph, "level", None) or 99


def _numbered(title: str, paragraphs: list[str]) -> list[tuple[str, list[str]]]:
    """A part still longer than :data:`LONG_TRACK_S`, cut between paragraphs: "Title", "Title, part 2"."""
    runs = _between_paragraphs(paragraphs)
    return [(title if n == 1 else f"{title}, part {n}", run) for n, run in enumerate(runs, 1)]


def _between_paragraphs(paragraphs: list[str]) -> list[list[str]]:
    """Paragraphs cut into runs of about :data:`SPLIT_SECTION_S` when longer than :data:`LONG_TRACK_S`."""
    total = spoken_seconds(paragraphs)
    if total <= LONG_TRACK_S or len(paragraphs) < 2:
        return [paragraphs]
    count = math.ceil(total / SPLIT_SECTION_S)
    target = total / count
    runs: list[list[str]] = [[]]
    elapsed = 0.0
    for paragraph in paragraphs:
        seconds = spoken_seconds([paragraph])
        # Start a new run when this paragraph would end further past the target than the run ends before it.
        if runs[-1] and len(runs) < count and elapsed + seconds / 2 > target * len(runs):
            runs.append([])
        runs[-1].append(paragraph)
        elapsed += seconds
    return runs
