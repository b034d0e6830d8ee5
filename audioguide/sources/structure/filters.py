"""Block filters: each takes a block and gives it back (perhaps changed), or drops it (recorded).

Author bio, code, version-control keywords, page furniture, "Q:" paragraphs,
a heading that repeats the title. Text that passes goes to the current
chapter (:func:`add_text`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from audioguide.model.document import (
    ChapterKind,
    CodeExample,
    Dropped,
    ListItem,
    Subheading,
    is_code_example,
)
from audioguide.sources.code import is_bare_address, looks_like_command
from audioguide.sources.furniture import KEYWORD_RE, furniture_reason, starts_author_bio
from audioguide.sources.headings import (
    answers_with_marker,
    asks_with_marker,
    key,
    strip_answer_marker,
    without_section_number,
)
from audioguide.sources.structure.state import Entry, Outline

_AUTHOR_RE = re.compile(
    r"\b(?:I(?:'|’)m|I am|my name is|written by|by)\s+((?:[A-Z][\w'’.-]+)(?:\s+[A-Z][\w'’.-]+){1,2})"
)


def author_in_bio(text: str) -> str | None:
    """ "Hi, I'm Teri Franks, the voice behind ..." -> "Teri Franks"."""
    match = _AUTHOR_RE.search(text)
    return match.group(1).rstrip(".,") if match else None


def _author_bio(outline: Outline, entry: Entry) -> Entry | None:
    """ "About the author" and everything after it is a bio, not the article (the author's name is kept)."""
    if outline.in_bio and not outline.keep_furniture:
        outline.drops.append(Dropped(entry.text, "author bio", entry.line, kind="furniture"))
        outline.author = outline.author or author_in_bio(entry.text)
        return None
    if entry.kind == "heading" and starts_author_bio(entry.text):
        if outline.keep_furniture:
            return replace(entry, bio=True)
        outline.in_bio = True
        outline.drops.append(Dropped(entry.text, "author bio", entry.line, kind="furniture"))
        return None
    return entry


def _code(outline: Outline, entry: Entry) -> Entry | None:
    """Code, terminal sessions, commands and bare web addresses are never read character by character.

    The chapter says a short note in their place (once for code blocks that
    follow each other), and the text is listed as dropped code.
    """
    what = None
    if entry.kind == "code" or (entry.kind in ("paragraph", "item") and looks_like_command(entry.text)):
        what = "code"
    elif entry.kind in ("paragraph", "item") and is_bare_address(entry.text):
        what = "address"
    if what is None:
        return entry
    reason = "code" if what == "code" else "web address"
    outline.drops.append(Dropped(entry.text, reason, entry.line, kind="code"))
    chapter = outline.text_chapter(entry.line)
    last = chapter.paragraphs[-1] if chapter.paragraphs else None
    if not (last is not None and is_code_example(last) and last.what == what):
        chapter.paragraphs.append(CodeExample(what))
    return None


def _keywords(outline: Outline, entry: Entry) -> Entry | None:
    """Version-control keywords ("$Date$", "$Id: faq.html,v 1.2 ...$") are never read; a block of
    nothing else is dropped."""
    found = KEYWORD_RE.findall(entry.text)
    if not found:
        return entry
    outline.drops.append(Dropped(" ".join(found), "version-control keyword", entry.line, kind="furniture"))
    rest = " ".join(KEYWORD_RE.sub(" ", entry.text).split()).strip(" ,;|")
    return replace(entry, text=rest) if any(c.isalnum() for c in rest) else None


_NUMBER_ONLY_RE = re.compile(r"^[\[(]?\d{1,4}[.)\]]?$")


def _number_only(outline: Outline, entry: Entry) -> Entry | None:
    """A paragraph that is only a number ("619", "[12]") is a page or paragraph number, not text."""
    if entry.kind == "paragraph" and _NUMBER_ONLY_RE.match(entry.text):
        outline.drops.append(Dropped(entry.text, "page or paragraph number", entry.line, kind="furniture"))
        return None
    return entry


def _furniture(outline: Outline, entry: Entry) -> Entry | None:
    """Comment prompts, share lines, bylines: dropped; kept furniture is read, never a chapter."""
    reason = None if entry.bio else furniture_reason(entry.text)
    if not reason:
        return entry
    if not outline.keep_furniture:
        outline.drops.append(Dropped(entry.text, reason, entry.line, kind="furniture"))
        return None
    return entry if entry.kind == "item" else Entry("paragraph", entry.text, entry.line, None)


def answered_questions(entries: list[Entry]) -> list[Entry]:
    """``entries`` with each paragraph that an "A." paragraph follows marked ``answered``
    (:func:`_marked_question` then asks whether it is a "Q." paragraph)."""
    return [
        replace(entry, answered=True)
        if entry.kind == "paragraph"
        and index + 1 < len(entries)
        and entries[index + 1].kind == "paragraph"
        and answers_with_marker(entries[index + 1].text)
        else entry
        for index, entry in enumerate(entries)
    ]


def _marked_question(outline: Outline, entry: Entry) -> Entry | None:
    """A paragraph "Q: Can I drive home?" asks a question (without "?" when a marked answer
    follows it): it opens an FAQ chapter."""
    if entry.kind == "paragraph" and asks_with_marker(entry.text, answered=entry.answered):
        return replace(entry, kind="question")
    return entry


def _repeated_title(outline: Outline, entry: Entry) -> Entry | None:
    """A heading that repeats the article's title is no chapter: its text continues the chapter before.
    One the document's own outline lists is a section named like the article (R News' "The genetics
    package" in the article of that name)."""
    if (
        entry.kind == "heading"
        and not entry.bio
        and not entry.listed
        and key(entry.text) == key(outline.title)
    ):
        outline.drops.append(
            Dropped(
                entry.text,
                "heading repeats the article title; its text continues the previous chapter",
                entry.line,
                kind="furniture",
            )
        )
        return None
    return entry


_BlockFilter = Callable[[Outline, Entry], "Entry | None"]


BLOCK_FILTERS: tuple[_BlockFilter, ...] = (
    _author_bio,
    _code,
    _keywords,
    _number_only,
    _furniture,
    _marked_question,
    _repeated_title,
)


def add_text(outline: Outline, entry: Entry) -> None:
    """A paragraph or list item goes to the current chapter ("A: " markers off inside an FAQ)."""
    text = entry.text
    chapter = outline.text_chapter(entry.line)
    if entry.kind == "paragraph" and outline.current is not None and outline.current.kind is ChapterKind.FAQ:
        text = strip_answer_marker(text, first=not chapter.paragraphs)  # "A: No, ..." after its "Q: ..."
    chapter.paragraphs.append(ListItem(text) if entry.kind == "item" else text)


def add_subheading(outline: Outline, entry: Entry) -> None:
    """A heading the document does not list as a place to jump to: spoken in the current chapter
    (without its section number, as a track title is), where a long chapter may be split."""
    text = without_section_number(entry.text) or entry.text
    outline.text_chapter(entry.line).paragraphs.append(Subheading(text, entry.level))
