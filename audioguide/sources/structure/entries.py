"""From blocks to entries: text on one line, numbers and markers a listener should not hear
taken out, code kept as written, and tables of contents found by what they repeat."""

from __future__ import annotations

import re
from dataclasses import replace

from audioguide.model.document import Dropped
from audioguide.sources.code import looks_like_prose
from audioguide.sources.headings import (
    clean_heading,
    key,
    numbered_chapters,
    split_label,
    without_chapter_number,
    without_section_number,
)
from audioguide.sources.structure.facts import (
    group_headings,
    item_level_headings,
    question_runs,
    section_level_headings,
    track_base_level,
)
from audioguide.sources.structure.state import Block, Entry, Outline

# Wiki and Markdown emphasis inside a word: "*A*dverse *D*rug", "pro*vide*" (letters only: "2*3*4" stays).
_INWORD_EMPHASIS_RE = re.compile(
    r"(?<![^\W\d_])\*{1,2}([^\W\d_]+)\*{1,2}(?=[^\W\d_])|(?<=[^\W\d_])\*{1,2}([^\W\d_]+)\*{1,2}"
)


def without_inword_emphasis(text: str) -> str:
    """ "an *A*dverse *D*rug reaction" -> "an Adverse Drug reaction": the markers are not read."""
    return _INWORD_EMPHASIS_RE.sub(lambda m: m.group(1) or m.group(2), text) if "*" in text else text


def read_entries(blocks: list[Block], title: str, chapter_level: int | None, faq_doc: bool) -> list[Entry]:
    """The blocks with their text on one line (headings without permalink marks); empty ones left out.

    Each heading knows what the whole document says about it: whether most
    of its siblings ask, whether it is at the item level or under a group.
    """
    runs = question_runs(blocks, title, chapter_level, faq_doc)
    asked_items = item_level_headings(blocks, title, chapter_level, faq_doc)
    item_levels = frozenset(level for i in asked_items if (level := blocks[i].level) is not None)
    base = track_base_level(blocks, title, chapter_level)
    groups, members = group_headings(blocks, title, base, item_levels)
    members |= section_level_headings(blocks, title, base)
    members -= asked_items  # an FAQ's entries are tracks whatever their length
    items = asked_items | members
    heading_indices = [i for i, b in enumerate(blocks) if b.kind == "heading"]
    numbered = numbered_chapters([clean_heading(blocks[i].text) for i in heading_indices])
    numbered_blocks = {heading_indices[n] for n in numbered}
    entries: list[Entry] = []
    for index, block in enumerate(blocks):
        if block.kind == "code":
            entries.extend(_code_entries(block))
            continue
        text = " ".join(block.text.split())
        if block.kind in ("heading", "subheading", "question"):
            text = clean_heading(text)
        if index in numbered_blocks:
            text = without_chapter_number(text)
        text = without_inword_emphasis(text)
        if text:
            entries.append(
                Entry(
                    block.kind,
                    text,
                    block.line,
                    block.level,
                    in_run=index in runs,
                    item=index in items,
                    member=index in members,
                    group=index in groups,
                    listed=block.listed,
                )
            )
    return entries


def without_wordless_headings(entries: list[Entry], outline: Outline) -> list[Entry]:
    """A heading of numbers or marks ("190", "***") is never a track title.

    When a deeper heading follows it before its next sibling ("190" over
    "A FOUR-LEAVED CLOVER", the story's number and title), the chapter takes
    that heading's words; else the heading is dropped (listed) and its text
    continues the chapter before it. A question of no words is text.
    """
    out: list[Entry] = []
    taken: set[int] = set()
    for index, entry in enumerate(entries):
        if index in taken:
            continue
        if entry.kind not in ("heading", "question") or any(c.isalpha() for c in entry.text):
            out.append(entry)
            continue
        if entry.kind == "question":
            out.append(replace(entry, kind="paragraph"))
            continue
        title = _titled_by(entries, index)
        if title is None:
            outline.drops.append(Dropped(entry.text, "heading without words", entry.line, kind="furniture"))
            continue
        taken.add(title)
        out.append(replace(entry, text=entries[title].text))
    return out


def _titled_by(entries: list[Entry], index: int) -> int | None:
    """The index of the deeper heading with words that names the section of the wordless heading at ``index``."""
    level = entries[index].level
    for later in range(index + 1, len(entries)):
        other = entries[later]
        if other.kind not in ("heading", "question"):
            continue
        if level is None or other.level is None or other.level <= level:
            return None
        return later if any(c.isalpha() for c in other.text) else None
    return None


MIN_CONTENTS_ENTRIES = 3


# A contents entry's page number and dot leaders: "Computing integrals . . . . 5".
_PAGE_NUMBER_RE = re.compile(r"(?:\s*[.·…](?:\s*[.·…])+)?\s+\d{1,4}$")


MAX_CONTENTS_ENTRY_WORDS = 30  # a contents entry names a heading: a longer block is text


def _contents_key(text: str) -> str:
    if len(text.split(maxsplit=MAX_CONTENTS_ENTRY_WORDS)) > MAX_CONTENTS_ENTRY_WORDS:
        return ""
    return key(_PAGE_NUMBER_RE.sub("", without_section_number(text)))


def without_contents(entries: list[Entry], outline: Outline) -> list[Entry]:
    """A run of items, lines or headings that repeat the headings after them is a table of contents: dropped.

    Whatever the format (a contents page of a PDF or a Word file, a plain
    list in a README), at least three entries in a row, each naming a later
    heading (its number and page number aside). Headings with no text between
    them count too: a writer that sets its contents as headings (SiSU's ODT,
    a Word contents typed in heading styles) repeats the outline before it.
    """
    repeats, named = _repeats(entries, outline.title)
    kept: list[Entry] = []
    index = 0
    while index < len(entries):
        end = index
        while end < len(entries) and repeats[end]:
            end += 1
        if end - index >= MIN_CONTENTS_ENTRIES and _names_sections(entries[index:end], named[index:end]):
            text = "\n".join(e.text for e in entries[index:end])
            outline.drops.append(Dropped(text, "table of contents", entries[index].line, kind="furniture"))
            index = end
            continue
        kept.extend(entries[index : max(end, index + 1)])
        index = max(end, index + 1)
    return kept


_HEADING_KINDS = ("heading", "subheading", "question")


def _repeats(entries: list[Entry], title: str) -> tuple[list[bool], list[bool]]:
    """For each entry: whether it names a heading after it, and whether that heading has text of its own."""
    later: set[str] = set()
    said: set[str] = set()  # later headings with text under them (not straight over another heading)
    repeats = [False] * len(entries)
    named = [False] * len(entries)
    for index in range(len(entries) - 1, -1, -1):
        entry = entries[index]
        if entry.kind in _HEADING_KINDS:
            heading_key = key(without_section_number(split_label(entry.text, title)))
            repeats[index] = entry.kind == "heading" and bool(heading_key) and heading_key in later
            named[index] = heading_key in said
            later.add(heading_key)
            if index + 1 < len(entries) and entries[index + 1].kind not in _HEADING_KINDS:
                said.add(heading_key)
        elif entry.kind in ("item", "paragraph"):
            repeats[index] = bool(_contents_key(entry.text)) and _contents_key(entry.text) in later
    return repeats, named


def _names_sections(run: list[Entry], named: list[bool]) -> bool:
    """Whether a run of repeats is contents: lines and items are; headings are when most of them name
    a later heading that has text of its own (a reference that repeats the same empty module
    headings under each of its parts repeats a pattern, not its outline)."""
    headings = [n for entry, n in zip(run, named, strict=True) if entry.kind == "heading"]
    return not headings or 2 * sum(headings) >= len(headings)


def _code_entries(block: Block) -> list[Entry]:
    """A code block as one entry, or, when it reads as prose, its paragraphs (split at blank lines)."""
    text = block.text.strip("\n")
    if not text.strip():
        return []
    if not looks_like_prose(text):
        return [Entry("code", text, block.line, None)]
    paragraphs = (" ".join(p.split()) for p in re.split(r"\n\s*\n", text))
    return [Entry("paragraph", p, block.line, None) for p in paragraphs if p]
