"""What the whole document says about each heading, before any is placed.

Whether most of its siblings ask, whether it sits at the level where the
document asks its questions, whether it is a topic with no text of its own
over deeper headings, which deeper levels the document uses for
sections, and whether its top level is a level of parts over the chapters.
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


MIN_SECTION_HEADINGS = 3


def section_level_headings(blocks: list[Block], title: str, chapter_level: int | None) -> set[int]:
    """Headings at the level a document writes most of its sections at: every one of them is a track.

    A manual's chapters hold its sections ("11. Customizing the binary image"
    over "11.1 Bootloaders", "11.2 ISO metadata"): when a level below the
    chapters (two at most) has more headings than the chapters and any other
    such level, its headings are the document's items, whatever text the
    chapter has of its own. The shallowest such level: a reference's 540
    element classes under its modules stay inside them. A very short one
    joins the track before it.
    """
    if chapter_level is None:
        return set()
    by_level: dict[int, list[int]] = {}
    for index, block in enumerate(blocks):
        if _counted_heading(block, title) is None:
            continue
        assert block.level is not None
        if block.level <= chapter_level + MAX_ITEM_DEPTH:
            by_level.setdefault(block.level, []).append(index)
    chapters = len(by_level.get(chapter_level, []))
    deeper = {level: found for level, found in by_level.items() if level > chapter_level}
    if not deeper:
        return set()
    for _level, found in sorted(deeper.items()):
        if len(found) >= MIN_SECTION_HEADINGS and len(found) > chapters:
            return set(found)
    return set()


MIN_PARTS = 2  # textless headings at the top level, at least, for it to be a level of parts


def track_base_level(blocks: list[Block], title: str, chapter_level: int | None) -> int | None:
    """The level the depth of tracks is counted from: the chapters', or the one below a level of parts.

    A book in parts ("Part I", "Part II" over the chapters, or SiSU's "About",
    "User", "Project" beside a repeat of each chapter's title) has no text at
    its top level: every heading there is followed directly by another heading.
    Its chapters are one level below, and their sections' sub-sections may be
    tracks as a chapter's are in a book without parts. A top level with text
    of its own under any heading is the chapters'.
    """
    if chapter_level is None:
        return None
    top = [i for i, b in enumerate(blocks) if b.level == chapter_level and _counted_heading(b, title)]
    if len(top) < MIN_PARTS or not all(_textless(blocks, i) for i in top):
        return chapter_level
    if not any(_empty_over_deeper(blocks, i) for i in top):
        return chapter_level
    return chapter_level + 1


def _textless(blocks: list[Block], index: int) -> bool:
    """Whether the heading at ``index`` is directly followed by another heading (or ends the document)."""
    following = blocks[index + 1] if index + 1 < len(blocks) else None
    return following is None or following.kind in ("heading", "question")


MAX_TOPIC_INTRO_WORDS = 35  # about 15 seconds: "The following sections describe the kinds of pages."


MAX_ITEM_DEPTH = 2  # levels below the chapters a topic's headings may be tracks at


def group_headings(
    blocks: list[Block],
    title: str,
    chapter_level: int | None = None,
    item_levels: frozenset[int] = frozenset(),
) -> tuple[set[int], set[int]]:
    """Topic headings over deeper ones, and the headings they group.

    A heading with no text of its own over deeper headings ("Concepts"
    directly above "Target condition", "Vaccination", ...), or with a
    sentence or two introducing several of them ("Kinds of Pages: The
    following sections describe ..."), is a topic, and each heading at the
    next level under it is a track of that topic (a page of 49 ``<h2>`` under
    a few ``<h1>`` groups has 49 tracks). Not deeper than two levels below
    the chapters, unless the document asks its questions there (``item_levels``):
    a manual's fifth-level headings stay in their section.
    """
    groups: set[int] = set()
    members: set[int] = set()
    for index, block in enumerate(blocks[:-1]):
        if _counted_heading(block, title) is None:
            continue
        assert block.level is not None
        intro = 0
        first = index + 1
        while first < len(blocks) and blocks[first].kind in ("paragraph", "item", "code"):
            if not blocks[first].text.strip().strip("[]().").isdigit():  # a paragraph number says nothing
                intro += len(blocks[first].text.split())
            first += 1
        if first == len(blocks) or intro > MAX_TOPIC_INTRO_WORDS:
            continue
        following = blocks[first]
        if following.kind not in ("heading", "question") or following.level is None:
            continue
        if following.level <= block.level:
            continue
        too_deep = chapter_level is not None and following.level > chapter_level + MAX_ITEM_DEPTH
        if too_deep and following.level not in item_levels:
            continue
        children = [
            later
            for later in _under(blocks, index)
            if blocks[later].kind in ("heading", "question") and blocks[later].level == following.level
        ]
        if _empty_over_deeper(blocks, first):
            continue  # headings over headings over ...: the deepest topic groups, this one stays a heading
        if intro and len(children) < MIN_INTRODUCED:
            continue
        groups.add(index)
        members.update(children)
    return groups, members


MIN_INTRODUCED = 3  # headings a topic with an introduction of its own holds, at least


def _empty_over_deeper(blocks: list[Block], index: int) -> bool:
    """Whether the heading at ``index`` is directly followed by a deeper heading (no text between)."""
    heading = blocks[index]
    following = blocks[index + 1] if index + 1 < len(blocks) else None
    return (
        heading.level is not None
        and following is not None
        and following.kind in ("heading", "question")
        and following.level is not None
        and following.level > heading.level
    )


def _under(blocks: list[Block], index: int) -> list[int]:
    """Indices of the blocks under the heading at ``index``, up to the next heading at its level."""
    level = blocks[index].level
    assert level is not None
    found: list[int] = []
    for later in range(index + 1, len(blocks)):
        other = blocks[later]
        if other.kind in ("heading", "question") and other.level is not None and other.level <= level:
            break
        found.append(later)
    return found


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
