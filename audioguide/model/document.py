"""The document model: what an article *is*, independent of its source format.

Parsers (``parse_text``, ``parse_markdown``, ``guide_script``) produce a
:class:`Document`; the track planner consumes it. Everything here is plain,
immutable data.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Literal


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


DEFAULT_CODE_NOTE = "An example is shown on the page."
DEFAULT_ADDRESS_NOTE = "A web address is shown on the page."


class CodeExample(str):
    """A chapter paragraph that stands for code, a terminal session or a web address the page shows.

    Code is never read character by character: the planner says a short note
    in its place (the guide's ``code_note``, or ``address_note`` for a web
    address on a line of its own). The text is the note as written by
    default, so a transcript or a guide script reads sensibly; a ``str``
    subclass, like :class:`ListItem`.
    """

    what: Literal["code", "address"]

    def __new__(cls, what: Literal["code", "address"] = "code") -> CodeExample:
        self = super().__new__(cls, DEFAULT_ADDRESS_NOTE if what == "address" else DEFAULT_CODE_NOTE)
        self.what = what
        return self

    def __repr__(self) -> str:
        return f"CodeExample({self.what!r})"

    def __reduce__(self):  # pickles (build workers) keep what it stands for
        return (CodeExample, (self.what,))


def is_code_example(paragraph: str) -> bool:
    """True for a paragraph that stands for code or a web address the page shows."""
    return isinstance(paragraph, CodeExample)


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


DropKind = Literal["content", "furniture", "code"]


@dataclass(frozen=True)
class Dropped:
    """Source text left out of the guide, and why (shown by ``outline``).

    ``kind`` says how it counts: ``content`` is article text that was left
    out (warned about when it is much); ``furniture`` (comment prompts, share
    lines, author boxes, contents lists, breadcrumbs, badges) and ``code``
    (examples the page shows) are left out on purpose and counted apart, as
    is page navigation around the article (``outside``).
    """

    text: str
    reason: str
    line: int | None = None
    outside: bool = False  # page navigation, header or footer around the article, not article text
    kind: DropKind = "content"

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
    notes: tuple[str, ...] = ()  # what the structure reader decided that outline should say

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
    furniture_words: int = 0  # page furniture in the text: comment prompts, author bio, contents, badges
    code_words: int = 0  # code examples, terminal sessions, web addresses the page shows

    def describe(self) -> str:
        """ "dropped 412 words, 3 %" (plus the furniture, code and navigation counted apart)."""
        text = f"dropped {self.words} words, {self.share * 100:.0f} %"
        apart = [
            f"{words} words of {what}"
            for words, what in (
                (self.code_words, "code examples"),
                (self.furniture_words, "page furniture"),
                (self.outside_words, "page navigation around the article"),
            )
            if words
        ]
        if apart:
            text += f" (and {', '.join(apart)})"
        return text


DROPPED_WARN_SHARE = 0.10


def dropped_summary(document: Document, largest: int = 5) -> DroppedSummary:
    """What ``document`` left out, for ``outline`` and ``build`` to report."""
    inside = [d for d in document.dropped if not d.outside and d.kind == "content"]
    words = sum(d.words for d in inside)
    total = words + document.words
    biggest = tuple(sorted(inside, key=lambda d: -d.words)[:largest])
    return DroppedSummary(
        words=words,
        share=words / total if total else 0.0,
        outside_words=sum(d.words for d in document.dropped if d.outside),
        largest=biggest,
        furniture_words=sum(d.words for d in document.dropped if not d.outside and d.kind == "furniture"),
        code_words=sum(d.words for d in document.dropped if not d.outside and d.kind == "code"),
    )
