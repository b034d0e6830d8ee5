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
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Literal

from audioguide.errors import SourceError
from audioguide.model.document import (  # noqa: F401 (ListItem, is_item: re-exported)
    Chapter,
    ChapterKind,
    Document,
    Dropped,
    ListItem,
    Subheading,
    is_item,
    is_subheading,
)
from audioguide.sources.furniture import furniture_reason, starts_author_bio

logger = logging.getLogger(__name__)

INTRO_TITLE = "Introduction"
DEFAULT_FAQ_TITLE = "Frequently asked questions"

_FAQ_RE = re.compile(
    r"\b(faqs?|f\.a\.q\.?s?|frequently asked( questions)?|common questions|questions and answers|q ?& ?a)\b",
    re.I,
)
_CONCLUSION_RE = re.compile(
    r"^(in )?(conclusion|summary|final (thoughts|words)|the bottom line|bottom line|wrapping up|closing thoughts)\b",
    re.I,
)


_LEGAL_RE = re.compile(r"^(copyright|licen[cs](e|ing)|legal|terms of use|disclaimer)s?\b", re.I)


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
    group: str | None = None
    level: int | None = None

    def freeze(self) -> Chapter:
        return Chapter(
            kind=self.kind,
            title=self.title,
            paragraphs=tuple(self.paragraphs),
            lead=self.lead,
            group=self.group,
        )


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
    """ "Conclusion: <the article title>" -> "Conclusion" (the title is not said twice)."""
    if ":" in heading:
        label, rest = heading.split(":", 1)
        if label.strip() and _key(rest) == _key(title):
            return label.strip()
    return heading


def faq_block_title(heading: str) -> str | None:
    """The FAQ block's title if ``heading`` opens one ("FAQs", "FAQ: About X"), else None.

    The title is the whole heading: "FAQ: About Knee Care" keeps "About Knee
    Care" (a repeated article title is removed before, by :func:`split_label`).
    A question that merely mentions FAQs ("What are common questions?") is a
    question, and a heading *about* the FAQ ("General information about the
    FAQ", "Who wrote this FAQ") is a section.
    """
    label = heading.split(":", 1)[0].strip() if ":" in heading else heading
    match = _FAQ_RE.search(label)
    if not match:
        return None
    if ":" not in heading and heading.endswith("?"):
        return None
    if _ABOUT_THE_FAQ_RE.search(label[: match.start()]):
        return None
    return heading


_ABOUT_THE_FAQ_RE = re.compile(r"\b(about|this|of|in|to|for|wrote|maintains?)\s+(the\s+|this\s+)?$", re.I)


# --------------------------------------------------------------------------- headings

# Permalink marks that documentation generators put after (or before) a heading:
# Sphinx "¶", MkDocs/GitHub "#", "§", a link emoji, Font Awesome's link glyph,
# and the link's title when it is rendered as text.
_PERMALINK_TAIL_RE = re.compile(
    r"(?:\s*(?:[¶\U0001F517\uf0c1]|(?<=\s)[#§]|permalink(?: to this [a-z]+)?|link to this [a-z]+))+\s*$",
    re.IGNORECASE,
)
_PERMALINK_HEAD_RE = re.compile(r"^\s*(?:[¶\U0001F517\uf0c1]|[#§](?=\s))+\s*")
# "Q:", "Q1.", "Q 3)", "Question 2:", "Q." before a question.
_Q_PREFIX_RE = re.compile(r"^Q(?:uestion)?\s*\d{0,3}\s*(?:[:.)\]]|\s[-–—])\s*", re.IGNORECASE)
# "1.1.", "3.2.1", "12)" before a heading: its section number.
_SECTION_NUMBER_RE = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3})*\.|\d{1,3}(?:\.\d{1,3})+|\d{1,3}\))(?=\s)")


def clean_heading(text: str) -> str:
    """A heading without permalink marks: "What is Python?¶" -> "What is Python?"."""
    text = " ".join(text.split())
    text = _PERMALINK_TAIL_RE.sub("", text)
    text = _PERMALINK_HEAD_RE.sub("", text)
    return text.strip()


def section_number_depth(text: str) -> int | None:
    """How deep a numbered heading is: "3.2.1. Why?" -> 3, "4. Why?" -> 1; None without a number."""
    match = _SECTION_NUMBER_RE.match(text.strip())
    if not match:
        return None
    return len([part for part in match.group(0).rstrip(".)").split(".") if part])


_LEADING_NUMBER_RE = re.compile(
    r"^(?:\d{1,3}(?:\.\d{1,3})*\.|\d{1,3}(?:\.\d{1,3})+|\d{1,3}\))\s+(?=[A-Z\"“‘'(\[`_]|[a-z]+\b)"
)


def without_section_number(heading: str) -> str:
    """ "3.2.1. Why?" -> "Why?": the track number says where a track is; "one point one" would not.

    "Chapter 3. Basics" keeps its words; a number that is the heading's
    subject ("2.5 mg or 5 mg?") is kept, as it is not followed by a word.
    """
    match = _LEADING_NUMBER_RE.match(heading)
    if not match or not heading[match.end() :].strip():
        return heading
    rest = heading[match.end() :]
    if re.match(r"(mg|ml|g|kg|mm|cm|km|m|h|s|am|pm|mcg|iu|units?|x)\b", rest, re.IGNORECASE):
        return heading
    return rest


def question_title(text: str) -> str | None:
    """The question a heading asks, or None: "Q: Why?" -> "Why?", "1.2. Why?" -> "1.2. Why?".

    A heading is a question when it ends in "?" or carries a "Q:"/"Q1."
    marker (whose text need not end in "?": "Q: Tabs versus spaces").
    """
    text = clean_heading(text)
    match = _Q_PREFIX_RE.match(text)
    if match and text[match.end() :].strip():
        return text[match.end() :].strip()
    if asks(text):
        return text
    return None


_A_PREFIX_RE = re.compile(r"^A(?:nswer)?\s*\d{0,3}\s*(?::|\s[-–—])\s*(?=\S)", re.IGNORECASE)
MAX_MARKED_QUESTION_WORDS = 40


def _asks_with_marker(text: str) -> bool:
    """A paragraph "Q: How long is recovery?" (or "Q1. ...", "Question: ..."): a question."""
    return bool(_Q_PREFIX_RE.match(text)) and asks(text) and len(text.split()) <= MAX_MARKED_QUESTION_WORDS


def strip_answer_marker(text: str) -> str:
    """ "A: No, you can drive." -> "No, you can drive." (the marker is not read)."""
    match = _A_PREFIX_RE.match(text)
    return text[match.end() :] if match else text


def asks(text: str) -> bool:
    """Ends in a question mark: "Why?", "what is Linux?!", "(why?)"."""
    text = text.rstrip(" !\"'”’)]»")
    return text.endswith("?") and len(text) > 1


def is_conclusion_heading(text: str) -> bool:
    return bool(_CONCLUSION_RE.match(text.strip()))


# A section longer than this is split into tracks at its sub-headings (and, if a
# part is still longer than LONG_TRACK_S, between paragraphs): a listener cannot
# skim, so a long track hides what is in it.
SPLIT_SECTION_S = 300.0
LONG_TRACK_S = 600.0
MIN_PART_S = 30.0  # a shorter sub-heading part stays with the part before it
PARAGRAPH_PAUSE_S = 0.8


def spoken_seconds(paragraphs: Iterable[str]) -> float:
    """About how long paragraphs take to say (the planner's words-per-minute and pauses)."""
    from audioguide.model.plan import WORDS_PER_MINUTE

    paragraphs = list(paragraphs)
    words = sum(len(p.split()) for p in paragraphs)
    return words / WORDS_PER_MINUTE * 60 + PARAGRAPH_PAUSE_S * len(paragraphs)


def _question_runs(blocks: list[Block], title: str, chapter_level: int | None, faq_doc: bool) -> set[int]:
    """Indices of headings that are FAQ entries because most of their siblings are questions.

    So "How do you remove multiple items from a list" (no "?") among the
    question ``<h3>``s of its topic is an FAQ entry too. Siblings are the
    headings of one level under the same parent heading; only levels below
    the chapter level count, or every level in a document that is an FAQ.
    """
    parents: list[tuple[int, int]] = []  # (level, index) of the open headings
    runs: dict[tuple[int, int], list[int]] = {}
    asks: dict[int, bool] = {}
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
        if _key(text) == _key(title) or faq_block_title(text) or is_conclusion_heading(text):
            continue
        if not (faq_doc or (chapter_level is not None and block.level > chapter_level)):
            continue
        runs.setdefault((parent, block.level), []).append(index)
        asks[index] = question_title(text) is not None
    members: set[int] = set()
    for indices in runs.values():
        questions = sum(asks[i] for i in indices)
        if questions >= 2 and questions * 2 >= len(indices):
            members.update(indices)
    return members


def _all_chapters_ask(blocks: list[Block], title: str, chapter_level: int | None) -> bool:
    """Every chapter-level heading (at least three) is a question: the page is a list of questions."""
    if chapter_level is None:
        return False
    headings = [
        split_label(clean_heading(b.text), title)
        for b in blocks
        if b.kind == "heading" and b.level == chapter_level
    ]
    headings = [h for h in headings if _key(h) != _key(title)]
    return len(headings) >= 3 and all(question_title(h) for h in headings)


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
    drops: list[Dropped] = list(dropped)
    drafts: list[_Draft] = []
    intro = _Draft(ChapterKind.INTRO, INTRO_TITLE, None, lead=title)
    drafts.append(intro)
    current: _Draft | None = intro
    # An FAQ document: its title says so ("General Python FAQ"), or every chapter heading asks.
    faq_doc = faq_block_title(title) is not None or _all_chapters_ask(blocks, title, chapter_level)
    faq_title = title if faq_doc else DEFAULT_FAQ_TITLE
    faq_level: int | None = (
        0 if faq_doc else None
    )  # level of the heading that opened the FAQ part; 0: the title
    faq_heading_seen = False
    in_faq = faq_doc
    in_bio = False
    author: str | None = None
    topic: tuple[str, int | None] | None = None  # the section heading questions are grouped under
    question_runs = _question_runs(blocks, title, chapter_level, faq_doc)

    def start(
        kind: ChapterKind, heading: str, line: int | None, level: int | None, group: str | None
    ) -> _Draft:
        draft = _Draft(kind, heading, line, group=group, level=level)
        drafts.append(draft)
        return draft

    for index, block in enumerate(blocks):
        text = " ".join(block.text.split())
        if block.kind in ("heading", "question"):
            text = clean_heading(text)
        if not text:
            continue
        if in_bio and not keep_furniture:
            drops.append(Dropped(text, "author bio", block.line))
            author = author or author_in_bio(text)
            continue
        if block.kind == "heading" and starts_author_bio(text):
            if keep_furniture:
                current = start(ChapterKind.SECTION, text, block.line, block.level, None)
                in_faq, topic = False, None
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

        if block.kind == "paragraph" and _asks_with_marker(text):
            block = Block("question", text, block.line, block.level)  # "Q: Can I drive home?"
        elif block.kind == "paragraph" and current is not None and current.kind is ChapterKind.FAQ:
            text = strip_answer_marker(text)  # "A: No, ..." after its "Q: ..."
        if block.kind in ("paragraph", "item"):
            if current is None:  # text between the FAQ heading and its first question
                current = start(ChapterKind.SECTION, faq_title, block.line, None, None)
            current.paragraphs.append(ListItem(text) if block.kind == "item" else text)
            continue

        level = block.level
        if block.kind == "heading" and _key(text) == _key(title):
            drops.append(
                Dropped(
                    text,
                    "heading repeats the article title; its text continues the previous chapter",
                    block.line,
                )
            )
            continue
        heading = without_section_number(split_label(text, title))
        explicit = block.kind == "question"  # the markup says so: an FAQ, wherever it stands
        asked = question_title(heading)
        in_run = index in question_runs
        is_question = explicit or asked is not None or in_run
        if explicit and asked is None:
            asked = heading
        deeper = level is not None and chapter_level is not None and level > chapter_level

        if not is_question and faq_block_title(heading):
            if faq_heading_seen or faq_doc:  # the FAQ part has one title: its first heading's
                drops.append(
                    Dropped(text, "another FAQ heading (the FAQ part keeps its first title)", block.line)
                )
            else:
                faq_title = faq_block_title(heading) or faq_title
            faq_heading_seen = True
            if not faq_doc:
                in_faq, faq_level = True, level
            current, topic = None, None
            continue
        if in_faq and faq_level and level is not None and level <= faq_level and not explicit:
            in_faq = False  # a heading at the FAQ heading's level ends the FAQ part
        if is_conclusion_heading(heading) and not is_question:
            in_faq, topic = False, None
            current = start(ChapterKind.CONCLUSION, heading, block.line, level, None)
            continue

        if is_question:
            if explicit or in_faq or deeper or in_run:
                group = (
                    topic[0]
                    if topic is not None and (level is None or topic[1] is None or topic[1] < level)
                    else None
                )
                current = start(ChapterKind.FAQ, asked or heading, block.line, level, group)
            else:  # a question as an article section ("What is PRP?"): a chapter of its own
                current = start(ChapterKind.SECTION, heading, block.line, level, heading)
                topic = (heading, level)
            continue

        # A heading that asks nothing.
        answer_level = current.level if current is not None and current.kind is ChapterKind.FAQ else None
        if current is not None and answer_level is not None and level is not None and level > answer_level:
            current.paragraphs.append(Subheading(heading, level))  # "Required" inside an answer
            continue
        if in_faq and (faq_doc or level is not None):
            if topic is not None and topic[1] is not None and level is not None and level > topic[1]:
                # Below a topic, beside its questions ("15.1. Hardening the system"): a section of that topic.
                current = start(ChapterKind.SECTION, heading, block.line, level, topic[0])
                continue
            # A topic inside the FAQ part ("General Information"): its questions are grouped under it.
            topic = (heading, level)
            current = start(ChapterKind.SECTION, heading, block.line, level, heading)
            continue
        in_faq = False
        if deeper and current is not None:
            if answer_level is not None and topic is not None:
                # Beside the questions of a topic: a section of that topic.
                current = start(ChapterKind.SECTION, heading, block.line, level, topic[0])
            else:
                current.paragraphs.append(
                    Subheading(heading, level)
                )  # a sub-heading, spoken inside its chapter
            continue
        topic = (heading, level)
        current = start(ChapterKind.SECTION, heading, block.line, level, heading)

    used_groups = {d.group for d in drafts if d.group is not None and d.group != d.title}
    chapters: list[Chapter] = []
    for draft in drafts:
        if draft.group is not None and draft.group == draft.title and draft.group not in used_groups:
            draft.group = None  # a section without questions under it is no topic
        if draft.paragraphs:
            chapters.extend(split_long_chapter(draft.freeze()))
        elif draft is not intro and not (draft.group == draft.title and draft.group in used_groups):
            drops.append(Dropped(draft.title, "empty heading (no text before the next heading)", draft.line))
    if not chapters:
        raise SourceError(
            f"{source or 'source'}: no article text found (only a title, headings or page furniture)"
        )
    # Copyright and licence sections are read last, not as track 3.
    legal = [
        c
        for c in chapters
        if c.kind is ChapterKind.SECTION and _LEGAL_RE.match(c.title) and c is not chapters[0]
    ]
    if legal and len(legal) < len(chapters):
        chapters = [c for c in chapters if not any(c is l for l in legal)] + legal
    if chapters[0].kind is not ChapterKind.INTRO:
        # No opening paragraphs: the first chapter opens with the article title.
        first = chapters[0]
        chapters[0] = replace(first, lead=title)
    return Document(
        title=title,
        chapters=tuple(chapters),
        dropped=tuple(drops),
        faq_title=faq_title,
        author=author,
        source=source,
    )


def split_long_chapter(chapter: Chapter) -> list[Chapter]:
    """A chapter too long for one track, as tracks: at its sub-headings, else between paragraphs.

    Never inside a paragraph. It is split at its highest sub-headings first
    (``h3`` before ``h4``), and a part still too long at the next ones. The
    parts are grouped under the chapter's title (or the topic it already
    had); a sub-heading part under :data:`MIN_PART_S` stays with the part
    before it, its sub-heading spoken.
    """
    if spoken_seconds(chapter.paragraphs) <= SPLIT_SECTION_S:
        return [chapter]
    parts = _split_at_subheadings(chapter.title, list(chapter.paragraphs))
    pieces = [piece for title, paragraphs in parts for piece in _numbered(title, paragraphs)]
    if len(pieces) == 1:
        return [chapter]
    group = chapter.group or chapter.title
    out: list[Chapter] = []
    for index, (title, paragraphs) in enumerate(pieces):
        first = index == 0
        out.append(
            Chapter(
                kind=chapter.kind if first else ChapterKind.SECTION,
                title=title,
                paragraphs=tuple(paragraphs),
                lead=chapter.lead if first else None,
                group=group,
            )
        )
    return out


def _split_at_subheadings(title: str, paragraphs: list[str]) -> list[tuple[str, list[str]]]:
    """(title, paragraphs) parts: cut at the highest sub-headings while a part is too long."""
    if spoken_seconds(paragraphs) <= SPLIT_SECTION_S:
        return [(title, paragraphs)]
    levels = [_level(p) for p in paragraphs if is_subheading(p)]
    if not levels:
        return [(title, paragraphs)]
    top = min(levels)
    parts: list[tuple[str, list[str]]] = [(title, [])]
    for paragraph in paragraphs:
        if is_subheading(paragraph) and _level(paragraph) == top:
            parts.append((str(paragraph), []))
        else:
            parts[-1][1].append(paragraph)
    merged: list[tuple[str, list[str]]] = []
    for part_title, run in parts:
        if not run:
            continue
        if merged and spoken_seconds(run) < MIN_PART_S:
            merged[-1][1].extend([Subheading(part_title, top), *run])
        else:
            merged.append((part_title, run))
    if len(merged) == 1:  # nothing to cut at this level: try the next one
        deeper = [p if not (is_subheading(p) and _level(p) == top) else str(p) for p in merged[0][1]]
        return (
            _split_at_subheadings(merged[0][0], deeper) if any(is_subheading(p) for p in deeper) else merged
        )
    return [sub for part_title, run in merged for sub in _split_at_subheadings(part_title, run)]


def _level(paragraph: str) -> int:
    return getattr(paragraph, "level", None) or 99


def _numbered(title: str, paragraphs: list[str]) -> list[tuple[str, list[str]]]:
    """A part still longer than :data:`LONG_TRACK_S`, cut between paragraphs: "Title", "Title, part 2"."""
    runs = _between_paragraphs(paragraphs)
    return [(title if n == 1 else f"{title}, part {n}", run) for n, run in enumerate(runs, 1)]


def _between_paragraphs(paragraphs: list[str]) -> list[list[str]]:
    """Paragraphs cut into runs of about :data:`SPLIT_SECTION_S` when longer than :data:`LONG_TRACK_S`."""
    total = spoken_seconds(paragraphs)
    if total <= LONG_TRACK_S or len(paragraphs) < 2:
        return [paragraphs]
    count = math.ceil(total / SPLIT_SECTION_S)
    target = total / count
    runs: list[list[str]] = [[]]
    elapsed = 0.0
    for paragraph in paragraphs:
        seconds = spoken_seconds([paragraph])
        # Start a new run when this paragraph would end further past the target than the run ends before it.
        if runs[-1] and len(runs) < count and elapsed + seconds / 2 > target * len(runs):
            runs.append([])
        runs[-1].append(paragraph)
        elapsed += seconds
    return runs
