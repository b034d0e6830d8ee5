"""What the whole document says about each heading, before any is placed.

Whether most of its siblings ask, whether it sits at the level where the
document asks its questions, whether it is a topic with no text of its own
over deeper headings, and which deeper levels the document uses for
sections.
"""

from __future__ import annotations

from audioguide.sources.headings import (
    clean_heading,
    faq_block_title,
    is_conclusion_heading,
    key,
    question_title,
    split_label,
)
from audioguide.sources.structure.state import Block


def question_runs(blocks: list[Block], title: str, chapter_level: int | None, faq_doc: bool) -> set[int]:
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


def item_level_headings(
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


def group_headings(blocks: list[Block], title: str) -> tuple[set[int], set[int]]:
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


def section_levels(blocks: list[Block], title: str, chapter_level: int | None) -> frozenset[int]:
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


def all_chapters_ask(blocks: list[Block], title: str, chapter_level: int | None) -> bool:
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
