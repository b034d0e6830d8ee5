"""From the chapters being built to the document's chapters: very short item tracks joined,
empty headings dropped (listed), long chapters split, legal text last."""

from __future__ import annotations

from dataclasses import replace

from audioguide.model.document import Chapter, ChapterKind, Dropped, Subheading
from audioguide.sources.headings import LEGAL_RE
from audioguide.sources.long_chapters import split_long_chapter, spoken_seconds
from audioguide.sources.structure.state import Draft, Outline

MIN_ITEM_S = 15.0  # a track under a group heading shorter than this joins the track before it


_ANNOUNCED = "Track 10 of 20."  # what a track says before its topic and title, as words to time


def _merge_short_items(outline: Outline) -> None:
    """A track under a group heading that would be under about 15 seconds joins the one before it.

    Its heading is spoken there ("Simple Example" inside "Usage"), and
    ``outline`` says so: a listener gains nothing from a track shorter than
    its own announcement.
    """
    kept: list[Draft] = []
    for draft in outline.drafts:
        before = kept[-1] if kept else None
        if (
            draft.mergeable
            and before is not None
            and before.kind is ChapterKind.SECTION
            and draft.group is not None
            and draft.group in (before.group, before.title)
            and spoken_seconds([_ANNOUNCED, draft.group, draft.title, *draft.paragraphs]) < MIN_ITEM_S
        ):
            before.paragraphs.extend([Subheading(draft.title, draft.level), *draft.paragraphs])
            outline.notes.append(
                f"'{draft.title}' is part of the track '{before.title}' (it would be under "
                f"{MIN_ITEM_S:.0f} seconds on its own)"
            )
            continue
        kept.append(draft)
    outline.drafts = kept


def finished_chapters(outline: Outline, intro: Draft) -> list[Chapter]:
    """The drafts as chapters: topics without questions are no topics, empty headings are dropped,
    long chapters are split."""
    _merge_short_items(outline)
    used_groups = {d.group for d in outline.drafts if d.group is not None and d.group != d.title}
    chapters: list[Chapter] = []
    for draft in outline.drafts:
        if draft.group is not None and draft.group == draft.title and draft.group not in used_groups:
            draft.group = None  # a section without questions under it is no topic
        if draft.paragraphs:
            chapters.extend(split_long_chapter(draft.freeze()))
        elif draft is not intro and not (draft.group == draft.title and draft.group in used_groups):
            outline.drops.append(
                Dropped(draft.title, "empty heading (no text before the next heading)", draft.line)
            )
    return chapters


def legal_last(chapters: list[Chapter]) -> list[Chapter]:
    """Copyright and licence sections are read last, not as track 3."""
    legal = [
        c
        for c in chapters
        if c.kind is ChapterKind.SECTION and LEGAL_RE.match(c.title) and c is not chapters[0]
    ]
    if legal and len(legal) < len(chapters):
        return [c for c in chapters if not any(c is l for l in legal)] + legal
    return chapters


def title_first(chapters: list[Chapter], title: str) -> list[Chapter]:
    """No opening paragraphs: the first chapter opens with the article title."""
    if chapters[0].kind is not ChapterKind.INTRO:
        chapters = [replace(chapters[0], lead=title), *chapters[1:]]
    return chapters
