"""Group the blocks of any source into chapters, by the block filters and heading rules."""

from __future__ import annotations

from collections.abc import Iterable

from audioguide.errors import SourceError
from audioguide.model.document import ChapterKind, Document, Dropped
from audioguide.sources.headings import clean_heading, faq_block_title, key
from audioguide.sources.structure.chapters import finished_chapters, legal_last, title_first
from audioguide.sources.structure.entries import read_entries, without_contents, without_wordless_headings
from audioguide.sources.structure.facts import all_chapters_ask, section_levels
from audioguide.sources.structure.filters import BLOCK_FILTERS, add_subheading, add_text, answered_questions
from audioguide.sources.structure.own_title import own_title
from audioguide.sources.structure.rules import place_heading
from audioguide.sources.structure.state import DEFAULT_FAQ_TITLE, INTRO_TITLE, Block, Draft, Entry, Outline


def build_document(
    blocks: Iterable[Block],
    *,
    title: str,
    source: str | None = None,
    keep_furniture: bool = False,
    dropped: Iterable[Dropped] = (),
    chapter_level: int | None = None,
) -> Document:
    """Group blocks into chapters.

    ``chapter_level``: for sources with real heading levels, the level of
    chapters. A question heading at any level is its own FAQ chapter; one
    below a topic heading ("General Information" above "What is Python?")
    records that topic as its ``group``. Other headings deeper than the
    chapter level stay inside their chapter as spoken sub-headings, and a
    chapter longer than :data:`SPLIT_SECTION_S` is split at them.
    """
    title = clean_heading(title) or title
    blocks = list(blocks)
    dropped = list(dropped)
    labelled = own_title(blocks, title, chapter_level)
    if labelled is not None:
        title, blocks, drops = labelled
        dropped.extend(drops)
    # An FAQ document: its title says so ("General Python FAQ"), or every chapter heading asks.
    faq_doc = faq_block_title(title) is not None or all_chapters_ask(blocks, title, chapter_level)
    intro = Draft(ChapterKind.INTRO, INTRO_TITLE, None, lead=title)
    outline = Outline(
        title=title,
        chapter_level=chapter_level,
        section_levels=section_levels(blocks, title, chapter_level),
        keep_furniture=keep_furniture,
        faq_doc=faq_doc,
        faq_title=title if faq_doc else DEFAULT_FAQ_TITLE,
        drafts=[intro],
        drops=list(dropped),
        current=intro,
        in_faq=faq_doc,
        faq_level=0 if faq_doc else None,
    )
    entries = read_entries(blocks, title, chapter_level, faq_doc)
    for entry in answered_questions(without_contents(without_wordless_headings(entries, outline), outline)):
        kept: Entry | None = entry
        for block_filter in BLOCK_FILTERS:
            kept = block_filter(outline, kept)
            if kept is None:
                break
        if kept is None:
            continue
        if kept.kind in ("paragraph", "item"):
            add_text(outline, kept)
        elif kept.kind == "subheading":
            add_subheading(outline, kept)
        else:
            place_heading(outline, kept)

    chapters = finished_chapters(outline, intro)
    outline.drops.extend(unsaid_faq_names(outline, chapters))
    if not chapters:
        raise SourceError(
            f"{source or 'source'}: no article text found (only a title, headings or page furniture)"
        )
    return Document(
        title=title,
        chapters=tuple(title_first(legal_last(chapters), title)),
        dropped=tuple(outline.drops),
        faq_title=outline.faq_title,
        author=outline.author,
        source=source,
        notes=tuple(outline.notes),
    )


def unsaid_faq_names(outline: Outline, chapters) -> list[Dropped]:
    """The headings of FAQ parts that held nothing: named again before a question came, their words
    are said nowhere (the document's FAQ title is the last part's name)."""
    said = (
        {key(outline.faq_title)}
        | {key(c.title) for c in chapters}
        | {key(c.group) for c in chapters if c.group}
    )
    return [
        Dropped(text, "an FAQ heading with nothing under it", line)
        for name, text, line in outline.faq_names
        if key(name) not in said
    ]
