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


@dataclass(frozen=True)
class Chapter:
    """One chapter: a heading and its paragraphs.

    For ``FAQ`` chapters the title is the question and the paragraphs are the
    answer. For the ``INTRO`` chapter the title is usually "Introduction" and
    ``lead`` holds text spoken before the paragraphs (the article's title).
    """

    kind: ChapterKind
    title: str
    paragraphs: tuple[str, ...]
    lead: str | None = None

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
