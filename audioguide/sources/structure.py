"""From a flat list of blocks (headings, paragraphs) to a :class:`Document`.

Source parsers only decide *what each block is*; this module decides *which
chapter it belongs to*: introduction, sections, FAQ questions, conclusion,
and what is dropped as furniture (always recorded, never silently lost).

List items stay separate paragraphs of their chapter, flagged as items by
their type (:class:`ListItem`, a ``str``), so the planner gives each its own
short pause while everything that reads paragraphs as text keeps working.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Iterable, Literal

from audioguide.model.document import Chapter, ChapterKind, Document, Dropped, ListItem, is_item  # noqa: F401 (re-exported)
from audioguide.errors import SourceError
from audioguide.sources.furniture import furniture_reason, starts_author_bio

logger = logging.getLogger(__name__)

INTRO_TITLE = "Introduction"
DEFAULT_FAQ_TITLE = "Frequently asked questions"

_FAQ_RE = re.compile(r"\b(faqs?|f\.a\.q\.?s?|frequently asked( questions)?|common questions|questions and answers|q ?& ?a)\b", re.I)
_CONCLUSION_RE = re.compile(
    r"^(in )?(conclusion|summary|final (thoughts|words)|the bottom line|bottom line|wrapping up|closing thoughts)\b",
    re.I,
)


BlockKind = Literal["heading", "paragraph", "item", "question"]


@dataclass(frozen=True)
class Block:
    """One unit of a source: a heading, a paragraph, a list item or an FAQ question.

    ``level`` is the heading level when the source says it (Markdown, HTML);
    plain-text headings are guessed and have no level. ``question`` is a
    heading the markup itself marks as an FAQ question (schema.org FAQPage,
    ``<details><summary>``): it opens an FAQ chapter wherever it stands.
    """

    kind: BlockKind
    text: str
    line: int | None = None
    level: int | None = None


@dataclass
class _Draft:
    kind: ChapterKind
    title: str
    line: int | None
    lead: str | None = None
    paragraphs: list[str] = field(default_factory=list)

    def freeze(self) -> Chapter:
        return Chapter(kind=self.kind, title=self.title, paragraphs=tuple(self.paragraphs), lead=self.lead)


_AUTHOR_RE = re.compile(
    r"\b(?:I(?:'|’)m|I am|my name is|written by|by)\s+((?:[A-Z][\w'’.-]+)(?:\s+[A-Z][\w'’.-]+){1,2})"
)


def author_in_bio(text: str) -> str | None:
    """ "Hi, I'm Teri Franks, the voice behind ..." -> "Teri Franks"."""
    match = _AUTHOR_RE.search(text)
    return match.group(1).rstrip(".,") if match else None


def _key(text: str) -> str:
    """Comparison key: case-, punctuation- and space-insensitive."""
    return re.sub(r"[\W_]+", "", text.casefold())


def split_label(heading: str, title: str) -> str:
    """"Conclusion: <the article title>" -> "Conclusion" (the title is not said twice)."""
    if ":" in heading:
        label, rest = heading.split(":", 1)
        if label.strip() and _key(rest) == _key(title):
            return label.strip()
    return heading


def faq_block_title(heading: str) -> str | None:
    """The FAQ block's title if ``heading`` opens one ("FAQs", "FAQ: About X"), else None.

    The title is the whole heading: "FAQ: About Knee Care" keeps "About Knee
    Care" (a repeated article title is removed before, by :func:`split_label`).
    A question that merely mentions FAQs ("What are common questions?") is a question.
    """
    label = heading.split(":", 1)[0].strip() if ":" in heading else heading
    if not _FAQ_RE.search(label):
        return None
    if ":" not in heading and heading.endswith("?"):
        return None
    return heading


def is_conclusion_heading(text: str) -> bool:
    return bool(_CONCLUSION_RE.match(text.strip()))


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

    ``chapter_level``: for sources with real heading levels, headings deeper
    than this (and not FAQ questions) stay inside their chapter as spoken
    sub-headings.
    """
    drops: list[Dropped] = list(dropped)
    drafts: list[_Draft] = []
    intro = _Draft(ChapterKind.INTRO, INTRO_TITLE, None, lead=title)
    drafts.append(intro)
    current: _Draft | None = intro
    faq_title = DEFAULT_FAQ_TITLE
    faq_level: int | None = None
    faq_heading_seen = False
    in_faq = False
    in_bio = False
    author: str | None = None

    for block in blocks:
        text = " ".join(block.text.split())
        if not text:
            continue
        if in_bio and not keep_furniture:
            drops.append(Dropped(text, "author bio", block.line))
            author = author or author_in_bio(text)
            continue
        if block.kind == "heading" and starts_author_bio(text):
            if keep_furniture:
                current = _Draft(ChapterKind.SECTION, text, block.line)
                drafts.append(current)
                in_faq = False
            else:
                in_bio = True
                drops.append(Dropped(text, "author bio", block.line))
            continue
        reason = furniture_reason(text)
        if reason:
            if not keep_furniture:
                drops.append(Dropped(text, reason, block.line))
                continue
            if block.kind != "item":
                block = Block("paragraph", text, block.line)  # kept furniture is read, never a chapter

        if block.kind in ("paragraph", "item"):
            if current is None:  # text between the FAQ heading and its first question
                current = _Draft(ChapterKind.SECTION, faq_title, block.line)
                drafts.append(current)
            current.paragraphs.append(ListItem(text) if block.kind == "item" else text)
            continue

        if block.kind == "question":  # the markup says so: an FAQ, wherever it stands
            in_faq = True
            if faq_level is None and block.level is not None:
                faq_level = block.level - 1
            current = _Draft(ChapterKind.FAQ, text, block.line)
            drafts.append(current)
            continue

        # A heading.
        if _key(text) == _key(title):
            drops.append(
                Dropped(text, "heading repeats the article title; its text continues the previous chapter", block.line)
            )
            continue
        heading = split_label(text, title)
        deeper = (
            block.level is not None
            and chapter_level is not None
            and block.level > chapter_level
        )
        faq_label = faq_block_title(heading)
        if faq_label:
            if faq_heading_seen:  # the FAQ part has one title: its first heading's
                drops.append(Dropped(text, "another FAQ heading (the FAQ part keeps its first title)", block.line))
            else:
                faq_title = faq_label
            in_faq, faq_level, faq_heading_seen = True, block.level, True
            current = None
            continue
        if in_faq and heading.endswith("?") and not is_conclusion_heading(heading) and (
            faq_level is None or block.level is None or block.level > faq_level
        ):
            current = _Draft(ChapterKind.FAQ, heading, block.line)
            drafts.append(current)
            continue
        if deeper and current is not None and not in_faq:
            current.paragraphs.append(heading)  # a sub-heading, spoken inside its chapter
            continue
        in_faq = False
        kind = ChapterKind.CONCLUSION if is_conclusion_heading(heading) else ChapterKind.SECTION
        current = _Draft(kind, heading, block.line)
        drafts.append(current)

    chapters: list[Chapter] = []
    for draft in drafts:
        if draft.paragraphs:
            chapters.append(draft.freeze())
        elif draft is not intro:
            drops.append(Dropped(draft.title, "empty heading (no text before the next heading)", draft.line))
    if not chapters:
        raise SourceError(f"{source or 'source'}: no article text found (only a title, headings or page furniture)")
    if chapters[0].kind is not ChapterKind.INTRO:
        # No opening paragraphs: the first chapter opens with the article title.
        first = chapters[0]
        chapters[0] = Chapter(first.kind, first.title, first.paragraphs, lead=title)
    return Document(
        title=title,
        chapters=tuple(chapters),
        dropped=tuple(drops),
        faq_title=faq_title,
        author=author,
        source=source,
    )
