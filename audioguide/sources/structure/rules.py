"""Heading rules: each places a heading and says True, or leaves it to the next rule.

Tried in the order of :data:`HEADING_RULES`: an FAQ part opens, a conclusion,
a question, a topic heading, an item of the document, a sub-heading inside
an answer, a topic of the FAQ part, a sub-heading of its chapter, else a
section.
"""

from __future__ import annotations

from collections.abc import Callable

from audioguide.model.document import ChapterKind, Dropped, Subheading
from audioguide.sources.headings import (
    faq_block_title,
    is_conclusion_heading,
    key,
    question_title,
    split_label,
    without_section_number,
)
from audioguide.sources.structure.state import Entry, Heading, Outline


def _opens_faq_part(outline: Outline, h: Heading) -> bool:
    """ "FAQs", "Frequently asked questions": the questions after it are the FAQ part.

    The heading is no track of its own: its words name the FAQ part, and the
    text under it before the first question is read under that name. A
    document may hold several FAQ parts ("FAQ for maintainers" and "FAQ for
    translators" in two chapters): each is named by its own heading, and only
    a heading that says the same words again is dropped. In a document that
    is all FAQ, a heading naming the FAQ ("Frequently Asked Questions About
    Fetchmail" under the title "The Fetchmail FAQ") says the title again
    (dropped); one above its first chapter heads the introduction.
    """
    named = faq_block_title(h.heading)
    if h.is_question or not named:
        return False
    if outline.faq_doc or (outline.faq_heading_seen and key(named) == key(outline.faq_title)):
        outline.drops.append(Dropped(h.text, "another FAQ heading (the FAQ part keeps its title)", h.line))
    else:
        outline.faq_title = named
        outline.faq_names.append((named, h.text, h.line))
    outline.faq_heading_seen = True
    if not outline.faq_doc:
        outline.in_faq, outline.faq_level = True, h.level
    elif outline.current is outline.drafts[0]:
        return True  # the introduction goes on
    outline.current = None
    outline.topics.clear()
    return True


def _leaves_faq_part(outline: Outline, h: Heading) -> bool:
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


def _conclusion(outline: Outline, h: Heading) -> bool:
    """ "Conclusion", "The bottom line": a chapter of its own, outside any FAQ part or topic."""
    if not is_conclusion_heading(h.heading) or h.is_question:
        return False
    outline.in_faq = False
    outline.topics.clear()
    outline.start(ChapterKind.CONCLUSION, h.heading, h.line, h.level, None)
    return True


def _question(outline: Outline, h: Heading) -> bool:
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


def _group_heading(outline: Outline, h: Heading) -> bool:
    """A heading with no text of its own over deeper headings is a topic, whatever its level.

    Its deeper headings are tracks grouped under it (:func:`_item`).
    """
    if not h.group or not h.deeper:
        return False
    outline.set_topic(h.heading, h.level)
    outline.start(ChapterKind.SECTION, h.heading, h.line, h.level, h.heading)
    return True


def _item(outline: Outline, h: Heading) -> bool:
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


def _answer_level(outline: Outline) -> int | None:
    current = outline.current
    return current.level if current is not None and current.kind is ChapterKind.FAQ else None


def _subheading_in_answer(outline: Outline, h: Heading) -> bool:
    """A heading below a question ("Required" inside an answer) is spoken inside that answer."""
    answer_level = _answer_level(outline)
    if outline.current is None or answer_level is None or h.level is None or h.level <= answer_level:
        return False
    outline.current.paragraphs.append(Subheading(h.heading, h.level))
    return True


def _topic_in_faq_part(outline: Outline, h: Heading) -> bool:
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


def _subheading_of_chapter(outline: Outline, h: Heading) -> bool:
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


def _section(outline: Outline, h: Heading) -> bool:
    """Any other heading opens a section, and is the topic of the questions under it."""
    outline.set_topic(h.heading, h.level)
    outline.start(ChapterKind.SECTION, h.heading, h.line, h.level, h.heading)
    return True


_HeadingRule = Callable[[Outline, Heading], bool]


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


def place_heading(outline: Outline, entry: Entry) -> None:
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
    h = Heading(
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
