"""What the structure rules share: the block model, the chapters being built, where the reading stands.

:class:`Block` is what every reader gives (HTML, Markdown, plain text, and the
document formats that go through them): a heading with its level, a
paragraph, a list item, an FAQ question the markup marks, or code.
:class:`Outline` is the state the rules read and change, one document at a
time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from audioguide.model.document import Chapter, ChapterKind, Dropped

INTRO_TITLE = "Introduction"
DEFAULT_FAQ_TITLE = "Frequently asked questions"
BlockKind = Literal["heading", "subheading", "paragraph", "item", "question", "code"]


@dataclass(frozen=True)
class Block:
    """One unit of a source: a heading, a paragraph, a list item, an FAQ question or code.

    ``level`` is the heading level when the source says it (Markdown, HTML);
    plain-text headings are guessed and have no level. ``question`` is a
    heading the markup itself marks as an FAQ question (schema.org FAQPage,
    ``<details><summary>``): it opens an FAQ chapter wherever it stands.
    ``code`` is preformatted text as the source has it (a code block, a
    terminal session), line breaks kept: it is never read out, and, if it is
    really prose, read as paragraphs. ``subheading`` is a heading the
    document's own navigation does not list (an EPUB's nav leaves it out):
    it is spoken in its chapter, and a long chapter may be split at it, but
    it is never a track of its own. ``listed``: a heading the document's own
    outline lists (a PDF's bookmark): a section whatever its words, even when
    they repeat the title.
    """

    kind: BlockKind
    text: str
    line: int | None = None
    level: int | None = None
    listed: bool = False


@dataclass
class Draft:
    kind: ChapterKind
    title: str
    line: int | None
    lead: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    group: str | None = None
    level: int | None = None
    mergeable: bool = False  # a track under a group heading: merged into the one before when very short

    def freeze(self) -> Chapter:
        return Chapter(
            kind=self.kind,
            title=self.title,
            paragraphs=tuple(self.paragraphs),
            lead=self.lead,
            group=self.group,
        )


@dataclass(frozen=True)
class Entry:
    """A block as the rules see it: its text cleaned, and whether it sits among question siblings."""

    kind: BlockKind
    text: str
    line: int | None
    level: int | None
    in_run: bool = False  # a heading most of whose siblings ask (an FAQ entry without "?")
    bio: bool = False  # an "About the author" heading kept by --keep-furniture
    item: bool = False  # at the document's item level, or under a group heading: a track of its own
    member: bool = False  # under a group heading (merged into the track before it when very short)
    group: bool = False  # a heading with no text of its own over deeper headings: a topic
    answered: bool = False  # a paragraph that an "A." paragraph follows: a "Q." one asks
    listed: bool = False  # the document's own outline lists it (Block.listed)


@dataclass
class Outline:
    """The chapters built so far and where the reading stands."""

    title: str
    chapter_level: int | None
    section_levels: frozenset[int]  # deeper levels the document also uses for its sections
    keep_furniture: bool
    faq_doc: bool  # the whole document is an FAQ (its title says so, or every chapter asks)
    faq_title: str
    drafts: list[Draft]
    drops: list[Dropped]
    current: Draft | None  # the chapter text goes to; None between an FAQ heading and its first question
    in_faq: bool
    faq_level: int | None  # level of the heading that opened the FAQ part; 0: the title
    faq_heading_seen: bool = False
    # Every FAQ part's name, its heading as written and its line: a name no chapter ends up said
    # with (its part held nothing) is listed as dropped (see build.unsaid_faq_names).
    faq_names: list[tuple[str, str, int | None]] = field(default_factory=list)
    # The section headings questions are grouped under, outermost first.
    topics: list[tuple[str, int | None]] = field(default_factory=list)
    in_bio: bool = False
    author: str | None = None
    notes: list[str] = field(default_factory=list)  # what outline should say it decided

    def start(
        self, kind: ChapterKind, heading: str, line: int | None, level: int | None, group: str | None
    ) -> Draft:
        self.current = Draft(kind, heading, line, group=group, level=level)
        self.drafts.append(self.current)
        return self.current

    def text_chapter(self, line: int | None) -> Draft:
        """The chapter text goes to; text between the FAQ heading and its first question opens one."""
        if self.current is None:
            return self.start(ChapterKind.SECTION, self.faq_title, line, None, None)
        return self.current

    @property
    def topic(self) -> tuple[str, int | None] | None:
        """The innermost topic."""
        return self.topics[-1] if self.topics else None

    def set_topic(self, name: str, level: int | None) -> None:
        """``name`` is the topic now, inside the topics above its level."""
        while self.topics and (level is None or self.topics[-1][1] is None or self.topics[-1][1] >= level):
            self.topics.pop()
        self.topics.append((name, level))

    def topic_group(self, level: int | None) -> str | None:
        """The topic a question at ``level`` sits under: the innermost one above it."""
        for name, topic_level in reversed(self.topics):
            if level is None or topic_level is None or topic_level < level:
                return name
        return None


@dataclass(frozen=True)
class Heading:
    """A heading about to be placed, with what it says."""

    text: str  # as written (cleaned): what a drop records
    heading: str  # without a repeated title or a section number: the chapter title
    line: int | None
    level: int | None
    explicit: bool  # the markup says it is a question
    asked: str | None  # the question it asks
    in_run: bool
    deeper: bool  # below the chapter level
    item: bool = False
    member: bool = False
    group: bool = False

    @property
    def is_question(self) -> bool:
        """It asks, the markup says so, or its siblings ask (unless it is a topic over deeper headings)."""
        return self.explicit or self.asked is not None or (self.in_run and not self.group)
