"""From a flat list of blocks (headings, paragraphs) to a :class:`Document`.

Source parsers only decide *what each block is*; this module decides *which
chapter it belongs to*: introduction, sections, FAQ questions, conclusion,
and what is dropped as furniture (always recorded, never silently lost).

It does so with small rules, each saying why in its docstring: first the
block filters (author bio, furniture, "Q:" paragraphs, a repeated title),
then the heading rules, tried in order until one places the heading (an FAQ
part opens, a conclusion, a question, a sub-heading inside an answer, a
topic of the FAQ part, a sub-heading of its chapter, else a section). The
rules share one :class:`_Outline`: the chapters so far and where the reading
stands.

List items stay separate paragraphs of their chapter, flagged as items by
their type (:class:`ListItem`, a ``str``), so the planner gives each its own
short pause while everything that reads paragraphs as text keeps working.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Literal

from audioguide.errors import SourceError
from audioguide.model.document import (  # noqa: F401 (ListItem, is_item: re-exported)
    Chapter,
    ChapterKind,
    CodeExample,
    Document,
    Dropped,
    ListItem,
    Subheading,
    is_code_example,
    is_item,
    is_subheading,
)
from audioguide.sources.code import is_bare_address, looks_like_command, looks_like_prose
from audioguide.sources.furniture import KEYWORD_RE, furniture_reason, starts_author_bio
from audioguide.sources.headings import (  # noqa: F401 (re-exported for the readers)
    LEGAL_RE,
    asks,
    asks_with_marker,
    clean_heading,
    ends_mid_sentence,
    faq_block_title,
    is_conclusion_heading,
    key,
    numbered_chapters,
    question_title,
    section_number_depth,
    split_label,
    strip_answer_marker,
    without_chapter_number,
    without_section_number,
)
from audioguide.sources.long_chapters import (  # noqa: F401 (re-exported)
    LONG_TRACK_S,
    SPLIT_SECTION_S,
    split_long_chapter,
    spoken_seconds,
)

logger = logging.getLogger(__name__)

INTRO_TITLE = "Introduction"
DEFAULT_FAQ_TITLE = "Frequently asked questions"

BlockKind = Literal["heading", "paragraph", "item", "question", "code"]


@dataclass(frozen=True)
class Block:
    """One unit of a source: a heading, a paragraph, a list item, an FAQ question or code.

    ``level`` is the heading level when the source says it (Markdown, HTML);
    plain-text headings are guessed and have no level. ``question`` is a
    heading the markup itself marks as an FAQ question (schema.org FAQPage,
    ``<details><summary>``): it opens an FAQ chapter wherever it stands.
    ``code`` is preformatted text as the source has it (a code block, a
    terminal session), line breaks kept: it is never read out, and, if it is
    really prose, read as paragraphs.
    """

    kind: BlockKind
    text: str
    line: int | None = None
    level: int | None = None


_AUTHOR_RE = re.compile(
    r"\b(?:I(?:'|’)m|I am|my name is|written by|by)\s+((?:[A-Z][\w'’.-]+)(?:\s+[A-Z][\w'’.-]+){1,2})"
)


def author_in_bio(text: str) -> str | None:
    """ "Hi, I'm Teri Franks, the voice behind ..." -> "Teri Franks"."""
    match = _AUTHOR_RE.search(text)
    return match.group(1).rstrip(".,") if match else None


# --------------------------------------------------------------------------- the state the rules share


@dataclass
class _Draft:
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
class _Entry:
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


@dataclass
class _Outline:
    """The chapters built so far and where the reading stands."""

    title: str
    chapter_level: int | None
    section_levels: frozenset[int]  # deeper levels the document also uses for its sections
    keep_furniture: bool
    faq_doc: bool  # the whole document is an FAQ (its title says so, or every chapter asks)
    faq_title: str
    drafts: list[_Draft]
    drops: list[Dropped]
    current: _Draft | None  # the chapter text goes to; None between an FAQ heading and its first question
    in_faq: bool
    faq_level: int | None  # level of the heading that opened the FAQ part; 0: the title
    faq_heading_seen: bool = False
    # The section headings questions are grouped under, outermost first.
    topics: list[tuple[str, int | None]] = field(default_factory=list)
    in_bio: bool = False
    author: str | None = None
    notes: list[str] = field(default_factory=list)  # what outline should say it decided

    def start(
        self, kind: ChapterKind, heading: str, line: int | None, level: int | None, group: str | None
    ) -> _Draft:
        self.current = _Draft(kind, heading, line, group=group, level=level)
        self.drafts.append(self.current)
        return self.current

    def text_chapter(self, line: int | None) -> _Draft:
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
class _Heading:
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


# --------------------------------------------------------------------------- document-wide facts


def _question_runs(blocks: list[Block], title: str, chapter_level: int | None, faq_doc: bool) -> set[int]:
    """Indices of headings that are FAQ entries because most of their siblings are questions.

    So "How do you remove multiple items from a list" (no "?") among the
    question ``<h3>``s of its topic is an FAQ entry too. Siblings are the
    headings of one level under the same parent heading; only levels below
    the chapter level count, or every level in a document that is an FAQ.
    """
    parents: list[tuple[int, int]] = []  # (level, index) of the open headings
    runs: dict[tuple[int, int], list[int]] = {}
    asking: dict[int, bool] = {}
    for index, block in enumerate(blocks):
        if block.kind not in ("heading", "question") or block.level is None:
            continue
        while parents and parents[-1][0] >= block.level:
            parents.pop()
        parent = parents[-1][1] if parents else -1
        parents.append((block.level, index))
        if block.kind != "heading":  # markup questions do not vote
            continue
        text = split_label(clean_heading(block.text), title)
        if key(text) == key(title) or faq_block_title(text) or is_conclusion_heading(text):
            continue
        if not (faq_doc or (chapter_level is not None and block.level > chapter_level)):
            continue
        runs.setdefault((parent, block.level), []).append(index)
        asking[index] = question_title(text) is not None
    members: set[int] = set()
    for indices in runs.values():
        questions = sum(asking[i] for i in indices)
        if questions >= 2 and questions * 2 >= len(indices):
            members.update(indices)
    return members


def _counted_heading(block: Block, title: str) -> str | None:
    """A heading's text when it may be an item (not the title again, an FAQ heading or a conclusion)."""
    if block.kind != "heading" or block.level is None:
        return None
    text = split_label(clean_heading(block.text), title)
    if key(text) == key(title) or faq_block_title(text) or is_conclusion_heading(text):
        return None
    return text


def _item_level_headings(
    blocks: list[Block], title: str, chapter_level: int | None, faq_doc: bool
) -> set[int]:
    """Headings at the level a document asks its questions at: every one of them is a track.

    A level below the chapters where most headings (at least three) ask is
    the document's item level (PuTTY's "A.7.2 I clicked on a colour ..."
    among its question ``<h3>``s): its headings that ask nothing are tracks
    too, never merged into the question before them.
    """
    by_level: dict[int, list[tuple[int, bool]]] = {}
    for index, block in enumerate(blocks):
        text = _counted_heading(block, title)
        if text is None:
            continue
        assert block.level is not None
        if faq_doc or (chapter_level is not None and block.level > chapter_level):
            by_level.setdefault(block.level, []).append((index, question_title(text) is not None))
    items: set[int] = set()
    for headings in by_level.values():
        asking = sum(a for _, a in headings)
        if asking >= 3 and asking * 2 >= len(headings):
            items.update(i for i, _ in headings)
    return items


def _group_headings(blocks: list[Block], title: str) -> tuple[set[int], set[int]]:
    """Headings with no text of their own over deeper ones, and the headings they group.

    "Concepts" directly above "Target condition", "Vaccination", ...: it is a
    topic, and each heading at the next level under it is a track of that
    topic (a page of 49 ``<h2>`` under a few ``<h1>`` groups has 49 tracks).
    """
    groups: set[int] = set()
    members: set[int] = set()
    for index, block in enumerate(blocks[:-1]):
        following = blocks[index + 1]
        if _counted_heading(block, title) is None or following.kind not in ("heading", "question"):
            continue
        assert block.level is not None
        if following.level is None or following.level <= block.level:
            continue
        groups.add(index)
        for later in range(index + 1, len(blocks)):
            other = blocks[later]
            if other.kind not in ("heading", "question") or other.level is None:
                continue
            if other.level <= block.level:
                break
            if other.level == following.level:
                members.add(later)
    return groups, members


MIN_PARENTLESS = 2


def _section_levels(blocks: list[Block], title: str, chapter_level: int | None) -> frozenset[int]:
    """Deeper levels a document uses for sections: those of headings with no heading above them.

    A README whose "Community", "Install", ... (``---``) come before its first
    ``===`` heading writes its sections at both levels: a later ``---``
    heading ("Backlog" after "Build System") is a section too. Two such
    headings at least: one box ("Key takeaways") before the first chapter is
    no pattern.
    """
    if chapter_level is None:
        return frozenset()
    parentless: dict[int, int] = {}
    for block in blocks:
        if _counted_heading(block, title) is None:
            continue
        assert block.level is not None
        if block.level <= chapter_level:
            break
        if block.level < min(parentless, default=99) or block.level in parentless:
            parentless[block.level] = parentless.get(block.level, 0) + 1
    return frozenset(level for level, count in parentless.items() if count >= MIN_PARENTLESS)


def _all_chapters_ask(blocks: list[Block], title: str, chapter_level: int | None) -> bool:
    """Every chapter-level heading (at least three) is a question: the page is a list of questions."""
    if chapter_level is None:
        return False
    headings = [
        split_label(clean_heading(b.text), title)
        for b in blocks
        if b.kind == "heading" and b.level == chapter_level
    ]
    headings = [h for h in headings if key(h) != key(title)]
    return len(headings) >= 3 and all(question_title(h) for h in headings)


# Wiki and Markdown emphasis inside a word: "*A*dverse *D*rug", "pro*vide*" (letters only: "2*3*4" stays).
_INWORD_EMPHASIS_RE = re.compile(
    r"(?<![^\W\d_])\*{1,2}([^\W\d_]+)\*{1,2}(?=[^\W\d_])|(?<=[^\W\d_])\*{1,2}([^\W\d_]+)\*{1,2}"
)


def without_inword_emphasis(text: str) -> str:
    """ "an *A*dverse *D*rug reaction" -> "an Adverse Drug reaction": the markers are not read."""
    return _INWORD_EMPHASIS_RE.sub(lambda m: m.group(1) or m.group(2), text) if "*" in text else text


def _entries(blocks: list[Block], title: str, chapter_level: int | None, faq_doc: bool) -> list[_Entry]:
    """The blocks with their text on one line (headings without permalink marks); empty ones left out.

    Each heading knows what the whole document says about it: whether most
    of its siblings ask, whether it is at the item level or under a group.
    """
    runs = _question_runs(blocks, title, chapter_level, faq_doc)
    groups, members = _group_headings(blocks, title)
    asked_items = _item_level_headings(blocks, title, chapter_level, faq_doc)
    members -= asked_items  # an FAQ's entries are tracks whatever their length
    items = asked_items | members
    heading_indices = [i for i, b in enumerate(blocks) if b.kind == "heading"]
    numbered = numbered_chapters([clean_heading(blocks[i].text) for i in heading_indices])
    numbered_blocks = {heading_indices[n] for n in numbered}
    entries: list[_Entry] = []
    for index, block in enumerate(blocks):
        if block.kind == "code":
            entries.extend(_code_entries(block))
            continue
        text = " ".join(block.text.split())
        if block.kind in ("heading", "question"):
            text = clean_heading(text)
        if index in numbered_blocks:
            text = without_chapter_number(text)
        text = without_inword_emphasis(text)
        if text:
            entries.append(
                _Entry(
                    block.kind,
                    text,
                    block.line,
                    block.level,
                    in_run=index in runs,
                    item=index in items,
                    member=index in members,
                    group=index in groups,
                )
            )
    return entries


MIN_CONTENTS_ENTRIES = 3
# A contents entry's page number and dot leaders: "Computing integrals . . . . 5".
_PAGE_NUMBER_RE = re.compile(r"(?:\s*[.·…](?:\s*[.·…])+)?\s+\d{1,4}$")


MAX_CONTENTS_ENTRY_WORDS = 30  # a contents entry names a heading: a longer block is text


def _contents_key(text: str) -> str:
    if len(text.split(maxsplit=MAX_CONTENTS_ENTRY_WORDS)) > MAX_CONTENTS_ENTRY_WORDS:
        return ""
    return key(_PAGE_NUMBER_RE.sub("", without_section_number(text)))


def _without_contents(entries: list[_Entry], outline: _Outline) -> list[_Entry]:
    """A run of items or lines that repeat the headings after them is a table of contents: dropped.

    Whatever the format (a contents page of a PDF or a Word file, a plain
    list in a README), at least three entries in a row, each naming a later
    heading (its number and page number aside).
    """
    later: set[str] = set()
    repeats = [False] * len(entries)
    for index in range(len(entries) - 1, -1, -1):
        entry = entries[index]
        if entry.kind in ("heading", "question"):
            later.add(key(without_section_number(split_label(entry.text, outline.title))))
        elif entry.kind in ("item", "paragraph"):
            repeats[index] = bool(_contents_key(entry.text)) and _contents_key(entry.text) in later
    kept: list[_Entry] = []
    index = 0
    while index < len(entries):
        end = index
        while end < len(entries) and repeats[end]:
            end += 1
        if end - index >= MIN_CONTENTS_ENTRIES:
            text = "\n".join(e.text for e in entries[index:end])
            outline.drops.append(Dropped(text, "table of contents", entries[index].line, kind="furniture"))
            index = end
            continue
        kept.extend(entries[index : max(end, index + 1)])
        index = max(end, index + 1)
    return kept


def _code_entries(block: Block) -> list[_Entry]:
    """A code block as one entry, or, when it reads as prose, its paragraphs (split at blank lines)."""
    text = block.text.strip("\n")
    if not text.strip():
        return []
    if not looks_like_prose(text):
        return [_Entry("code", text, block.line, None)]
    paragraphs = (" ".join(p.split()) for p in re.split(r"\n\s*\n", text))
    return [_Entry("paragraph", p, block.line, None) for p in paragraphs if p]


# --------------------------------------------------------------------------- block filters
#
# Each takes a block and gives it back (perhaps changed), or None when it is dropped (recorded).


def _author_bio(outline: _Outline, entry: _Entry) -> _Entry | None:
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


def _code(outline: _Outline, entry: _Entry) -> _Entry | None:
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


def _keywords(outline: _Outline, entry: _Entry) -> _Entry | None:
    """Version-control keywords ("$Date$", "$Id: faq.html,v 1.2 ...$") are never read; a block of
    nothing else is dropped."""
    found = KEYWORD_RE.findall(entry.text)
    if not found:
        return entry
    outline.drops.append(Dropped(" ".join(found), "version-control keyword", entry.line, kind="furniture"))
    rest = " ".join(KEYWORD_RE.sub(" ", entry.text).split()).strip(" ,;|")
    return replace(entry, text=rest) if any(c.isalnum() for c in rest) else None


def _furniture(outline: _Outline, entry: _Entry) -> _Entry | None:
    """Comment prompts, share lines, bylines: dropped; kept furniture is read, never a chapter."""
    reason = None if entry.bio else furniture_reason(entry.text)
    if not reason:
        return entry
    if not outline.keep_furniture:
        outline.drops.append(Dropped(entry.text, reason, entry.line, kind="furniture"))
        return None
    return entry if entry.kind == "item" else _Entry("paragraph", entry.text, entry.line, None)


def _marked_question(outline: _Outline, entry: _Entry) -> _Entry | None:
    """A paragraph "Q: Can I drive home?" asks a question: it opens an FAQ chapter."""
    if entry.kind == "paragraph" and asks_with_marker(entry.text):
        return replace(entry, kind="question")
    return entry


def _repeated_title(outline: _Outline, entry: _Entry) -> _Entry | None:
    """A heading that repeats the article's title is no chapter: its text continues the chapter before."""
    if entry.kind == "heading" and not entry.bio and key(entry.text) == key(outline.title):
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


_BlockFilter = Callable[[_Outline, _Entry], "_Entry | None"]
BLOCK_FILTERS: tuple[_BlockFilter, ...] = (
    _author_bio,
    _code,
    _keywords,
    _furniture,
    _marked_question,
    _repeated_title,
)


# --------------------------------------------------------------------------- text


def _add_text(outline: _Outline, entry: _Entry) -> None:
    """A paragraph or list item goes to the current chapter ("A: " markers off inside an FAQ)."""
    text = entry.text
    if entry.kind == "paragraph" and outline.current is not None and outline.current.kind is ChapterKind.FAQ:
        text = strip_answer_marker(text)  # "A: No, ..." after its "Q: ..."
    outline.text_chapter(entry.line).paragraphs.append(ListItem(text) if entry.kind == "item" else text)


# --------------------------------------------------------------------------- heading rules
#
# Each places a heading and says True, or leaves it to the next rule.


def _opens_faq_part(outline: _Outline, h: _Heading) -> bool:
    """ "FAQs", "Frequently asked questions": the questions after it are the FAQ part.

    The heading is no track of its own: its words name the FAQ part (a second
    one is dropped, as the part has one title). In a document that is all
    FAQ, one above its first chapter ("Frequently Asked Questions About
    Fetchmail" under the title "The Fetchmail FAQ") says the title again:
    the text under it is the introduction.
    """
    if h.is_question or not faq_block_title(h.heading):
        return False
    if outline.faq_heading_seen or outline.faq_doc:
        outline.drops.append(
            Dropped(h.text, "another FAQ heading (the FAQ part keeps its first title)", h.line)
        )
    else:
        outline.faq_title = faq_block_title(h.heading) or outline.faq_title
    outline.faq_heading_seen = True
    if not outline.faq_doc:
        outline.in_faq, outline.faq_level = True, h.level
    elif outline.current is outline.drafts[0]:
        return True  # the introduction goes on
    outline.current = None
    outline.topics.clear()
    return True


def _leaves_faq_part(outline: _Outline, h: _Heading) -> bool:
    """A heading at the FAQ heading's level (or above) ends the FAQ part; it is placed by the next rules."""
    if (
        outline.in_faq
        and outline.faq_level
        and h.level is not None
        and h.level <= outline.faq_level
        and not h.explicit
    ):
        outline.in_faq = False
    return False


def _conclusion(outline: _Outline, h: _Heading) -> bool:
    """ "Conclusion", "The bottom line": a chapter of its own, outside any FAQ part or topic."""
    if not is_conclusion_heading(h.heading) or h.is_question:
        return False
    outline.in_faq = False
    outline.topics.clear()
    outline.start(ChapterKind.CONCLUSION, h.heading, h.line, h.level, None)
    return True


def _question(outline: _Outline, h: _Heading) -> bool:
    """A question is its own track: an FAQ under its topic, or an article section that asks ("What is PRP?").

    It is an FAQ when the markup says so, inside an FAQ part, below the
    chapter level, or among sibling questions; else a section, and the topic
    of the questions under it.
    """
    if not h.is_question:
        return False
    if h.explicit or outline.in_faq or h.deeper or h.in_run:
        group = outline.topic_group(h.level)
        outline.start(ChapterKind.FAQ, h.asked or h.heading, h.line, h.level, group)
        if h.group:  # no answer of its own, sub-questions under it: they are grouped under it
            outline.set_topic(h.asked or h.heading, h.level)
    else:
        outline.start(ChapterKind.SECTION, h.heading, h.line, h.level, h.heading)
        outline.set_topic(h.heading, h.level)
    return True


def _group_heading(outline: _Outline, h: _Heading) -> bool:
    """A heading with no text of its own over deeper headings is a topic, whatever its level.

    Its deeper headings are tracks grouped under it (:func:`_item`).
    """
    if not h.group or not h.deeper:
        return False
    outline.set_topic(h.heading, h.level)
    outline.start(ChapterKind.SECTION, h.heading, h.line, h.level, h.heading)
    return True


def _item(outline: _Outline, h: _Heading) -> bool:
    """A heading at the document's item level, or under a group heading, is a track of its topic.

    Never a sub-heading merged into the track before it (PuTTY's
    "A.7.5 My keyboard stops working ..." beside its question siblings).
    """
    if not h.item or not h.deeper:
        return False
    answer_level = _answer_level(outline)
    if answer_level is not None and h.level is not None and h.level > answer_level:
        return False  # below a question: part of its answer
    group = outline.topic_group(h.level)
    outline.start(ChapterKind.SECTION, h.heading, h.line, h.level, group).mergeable = h.member
    return True


def _answer_level(outline: _Outline) -> int | None:
    current = outline.current
    return current.level if current is not None and current.kind is ChapterKind.FAQ else None


def _subheading_in_answer(outline: _Outline, h: _Heading) -> bool:
    """A heading below a question ("Required" inside an answer) is spoken inside that answer."""
    answer_level = _answer_level(outline)
    if outline.current is None or answer_level is None or h.level is None or h.level <= answer_level:
        return False
    outline.current.paragraphs.append(Subheading(h.heading, h.level))
    return True


def _topic_in_faq_part(outline: _Outline, h: _Heading) -> bool:
    """Inside the FAQ part a heading that asks nothing is a topic ("General Information").

    Its questions are grouped under it; one below a topic, beside its
    questions ("15.1. Hardening the system"), is a section of that topic.
    """
    if not (outline.in_faq and (outline.faq_doc or h.level is not None)):
        return False
    topic = outline.topic
    if topic is not None and topic[1] is not None and h.level is not None and h.level > topic[1]:
        outline.start(ChapterKind.SECTION, h.heading, h.line, h.level, topic[0])
        return True
    outline.set_topic(h.heading, h.level)
    outline.start(ChapterKind.SECTION, h.heading, h.line, h.level, h.heading)
    return True


def _subheading_of_chapter(outline: _Outline, h: _Heading) -> bool:
    """Below the chapter level a heading stays in its chapter, spoken (a long chapter is split at it).

    Beside the questions of a topic it is a section of that topic instead.
    With no heading above it (only the title: a README's "Community" before
    its first chapter heading, or after a sibling) it has nothing to be part
    of: it is a section.
    Any heading that gets here is outside the FAQ part.
    """
    outline.in_faq = False
    current = outline.current
    if not h.deeper or current is None:
        return False
    if _answer_level(outline) is not None and outline.topic is not None:
        outline.start(ChapterKind.SECTION, h.heading, h.line, h.level, outline.topic[0])
        return True
    if current.level is None or h.level is None or current.level >= h.level:
        return False  # no heading above it to be part of
    current.paragraphs.append(Subheading(h.heading, h.level))
    return True


def _section(outline: _Outline, h: _Heading) -> bool:
    """Any other heading opens a section, and is the topic of the questions under it."""
    outline.set_topic(h.heading, h.level)
    outline.start(ChapterKind.SECTION, h.heading, h.line, h.level, h.heading)
    return True


_HeadingRule = Callable[[_Outline, _Heading], bool]
HEADING_RULES: tuple[_HeadingRule, ...] = (
    _opens_faq_part,
    _leaves_faq_part,
    _conclusion,
    _question,
    _group_heading,
    _item,
    _subheading_in_answer,
    _topic_in_faq_part,
    _subheading_of_chapter,
    _section,
)


def _place_heading(outline: _Outline, entry: _Entry) -> None:
    if entry.bio:  # kept by --keep-furniture: a section, whatever else it looks like
        outline.start(ChapterKind.SECTION, entry.text, entry.line, entry.level, None)
        outline.in_faq = False
        outline.topics.clear()
        return
    heading = without_section_number(split_label(entry.text, outline.title))
    explicit = entry.kind == "question"
    asked = question_title(heading)
    if explicit and asked is None:
        asked = heading
    level, chapter_level = entry.level, outline.chapter_level
    h = _Heading(
        text=entry.text,
        heading=heading,
        line=entry.line,
        level=level,
        explicit=explicit,
        asked=asked,
        in_run=entry.in_run,
        deeper=(
            level is not None
            and chapter_level is not None
            and level > chapter_level
            and level not in outline.section_levels
        ),
        item=entry.item,
        member=entry.member,
        group=entry.group,
    )
    for rule in HEADING_RULES:
        if rule(outline, h):
            return


# --------------------------------------------------------------------------- the document


MIN_ITEM_S = 15.0  # a track under a group heading shorter than this joins the track before it
_ANNOUNCED = "Track 10 of 20."  # what a track says before its topic and title, as words to time


def _merge_short_items(outline: _Outline) -> None:
    """A track under a group heading that would be under about 15 seconds joins the one before it.

    Its heading is spoken there ("Simple Example" inside "Usage"), and
    ``outline`` says so: a listener gains nothing from a track shorter than
    its own announcement.
    """
    kept: list[_Draft] = []
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


def _chapters(outline: _Outline, intro: _Draft) -> list[Chapter]:
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


def _legal_last(chapters: list[Chapter]) -> list[Chapter]:
    """Copyright and licence sections are read last, not as track 3."""
    legal = [
        c
        for c in chapters
        if c.kind is ChapterKind.SECTION and LEGAL_RE.match(c.title) and c is not chapters[0]
    ]
    if legal and len(legal) < len(chapters):
        return [c for c in chapters if not any(c is l for l in legal)] + legal
    return chapters


def _title_first(chapters: list[Chapter], title: str) -> list[Chapter]:
    """No opening paragraphs: the first chapter opens with the article title."""
    if chapters[0].kind is not ChapterKind.INTRO:
        chapters = [replace(chapters[0], lead=title), *chapters[1:]]
    return chapters


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
    # An FAQ document: its title says so ("General Python FAQ"), or every chapter heading asks.
    faq_doc = faq_block_title(title) is not None or _all_chapters_ask(blocks, title, chapter_level)
    intro = _Draft(ChapterKind.INTRO, INTRO_TITLE, None, lead=title)
    outline = _Outline(
        title=title,
        chapter_level=chapter_level,
        section_levels=_section_levels(blocks, title, chapter_level),
        keep_furniture=keep_furniture,
        faq_doc=faq_doc,
        faq_title=title if faq_doc else DEFAULT_FAQ_TITLE,
        drafts=[intro],
        drops=list(dropped),
        current=intro,
        in_faq=faq_doc,
        faq_level=0 if faq_doc else None,
    )
    for entry in _without_contents(_entries(blocks, title, chapter_level, faq_doc), outline):
        kept: _Entry | None = entry
        for block_filter in BLOCK_FILTERS:
            kept = block_filter(outline, kept)
            if kept is None:
                break
        if kept is None:
            continue
        if kept.kind in ("paragraph", "item"):
            _add_text(outline, kept)
        else:
            _place_heading(outline, kept)

    chapters = _chapters(outline, intro)
    if not chapters:
        raise SourceError(
            f"{source or 'source'}: no article text found (only a title, headings or page furniture)"
        )
    return Document(
        title=title,
        chapters=tuple(_title_first(_legal_last(chapters), title)),
        dropped=tuple(outline.drops),
        faq_title=outline.faq_title,
        author=outline.author,
        source=source,
        notes=tuple(outline.notes),
    )
