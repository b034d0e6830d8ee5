"""The document model: what an article *is*, independent of its source format.

Parsers (``parse_text``, ``parse_markdown``, ``guide_script``) produce a
:class:`Document`; the track planner consumes it. Everything here is plain,
immutable data.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class ChapterKind(str, Enum):
    """What role a chapter plays in the guide."""

    INTRO = "intro"
    SECTION = "section"
    FAQ = "faq"
    CONCLUSION = "conclusion"


class ListItem(str):
    """A chapter paragraph that is one item of a list (read with a short pause after it).

    A ``str`` subclass, so it compares equal to its text; code that needs to
    know asks ``isinstance(paragraph, ListItem)``. String operations return
    plain ``str``: wrap the result again to keep the flag.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"ListItem({str.__repr__(self)})"


def is_item(paragraph: str) -> bool:
    """True for a paragraph that is a list item."""
    return isinstance(paragraph, ListItem)


class Subheading(str):
    """A chapter paragraph that is a heading below the chapter's level ("What to Bring").

    Spoken as a paragraph of its chapter; a chapter too long for one track is
    split at its sub-headings, the highest ``level`` first (None: unknown).
    A ``str`` subclass, like :class:`ListItem`.
    """

    level: int | None

    def __new__(cls, text: str, level: int | None = None) -> Subheading:
        self = super().__new__(cls, text)
        self.level = level
        return self

    def __repr__(self) -> str:
        return f"Subheading({str.__repr__(self)}, {self.level!r})"

    def __reduce__(self):  # pickles (build workers) keep the level
        return (Subheading, (str(self), self.level))


def is_subheading(paragraph: str) -> bool:
    """True for a paragraph that is a sub-heading."""
    return isinstance(paragraph, Subheading)


@dataclass(frozen=True)
class Chapter:
    """One chapter: a heading and its paragraphs.

    For ``FAQ`` chapters the title is the question and the paragraphs are the
    answer. For the ``INTRO`` chapter the title is usually "Introduction" and
    ``lead`` holds text spoken before the paragraphs (the article's title).

    ``group`` is the topic a chapter sits under: the section heading above a
    run of questions ("General Information" above "What is Python?"), or the
    title of a long section split into several tracks. Consecutive chapters
    with the same group form one level-1 navigation point; a chapter whose
    title is its group is the topic's own opening text. None: no topic.
    """

    kind: ChapterKind
    title: str
    paragraphs: tuple[str, ...]
    lead: str | None = None
    group: str | None = None

    @property
    def words(self) -> int:
        parts = [self.title, self.lead or "", *self.paragraphs]
        return sum(len(p.split()) for p in parts)


@dataclass(frozen=True)
class Dropped:
    """Source text left out of the guide, and why (shown by ``outline``)."""

    text: str
    reason: str
    line: int | None = None
    outside: bool = False  # page navigation, header or footer around the article, not article text

    @property
    def words(self) -> int:
        return len(self.text.split())


@dataclass(frozen=True)
class Document:
    """A parsed article: title, metadata, chapters in order, dropped furniture."""

    title: str
    chapters: tuple[Chapter, ...]
    dropped: tuple[Dropped, ...] = ()
    faq_title: str = "Frequently asked questions"
    publisher: str | None = None
    author: str | None = None
    language: str = "en"
    source: str | None = None

    @property
    def words(self) -> int:
        return sum(c.words for c in self.chapters)


@dataclass(frozen=True)
class DroppedSummary:
    """How much of a source was left out: words, the share of the article, the largest blocks."""

    words: int  # dropped from the article itself
    share: float  # of the article's words (spoken + dropped), 0..1
    outside_words: int  # page navigation, headers and footers around the article
    largest: tuple[Dropped, ...]

    def describe(self) -> str:
        """ "dropped 412 words, 3 %" (plus what lay around the article)."""
        text = f"dropped {self.words} words, {self.share * 100:.0f} %"
        if self.outside_words:
            text += f" (and {self.outside_words} words of page navigation around the article)"
        return text


DROPPED_WARN_SHARE = 0.10


def dropped_summary(document: Document, largest: int = 5) -> DroppedSummary:
    """What ``document`` left out, for ``outline`` and ``build`` to report."""
    inside = [d for d in document.dropped if not d.outside]
    words = sum(d.words for d in inside)
    total = words + document.words
    biggest = tuple(sorted(inside, key=lambda d: -d.words)[:largest])
    return DroppedSummary(
        words=words,
        share=words / total if total else 0.0,
        outside_words=sum(d.words for d in document.dropped if d.outside),
        largest=biggest,
    )
