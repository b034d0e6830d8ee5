"""Lines into paragraphs and list items, the way the page sets them.

A new paragraph starts after more white space than between two lines of
text, at a first-line indent, after a short line that ends a sentence, at a
change of type size, at a list marker (a bullet, "1.", "a)"), or where the
tagged structure tree says a new element starts. Across a page or column
break a paragraph goes on unless the line before ended one.

A word broken at a line end ("treat-" / "ment") is mended; a real hyphen
("follow-" / "up") is kept: when the document writes the word with a hyphen
elsewhere, when the next line starts with a capital or a digit, when the
part after the break is shorter than any hyphenation leaves (two letters),
or when it is a word that forms compounds ("-based", "-term", "self-").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from audioguide.model.document import Dropped
from audioguide.sources.pdf.furniture import CAPTION, is_caption
from audioguide.sources.pdf.lines import Line
from audioguide.sources.structure import Block

_BULLET_RE = re.compile(r"^([•◦▪▫‣⁃∙·●○■□►▸➢✓✔❖*–—-])\s+(?=\S)")
_NUMBER_MARK_RE = re.compile(r"^(\(?(?:\d{1,2}|[a-z]|[ivx]{1,4})[.)])\s+(?=\S)")
_SENTENCE_END_RE = re.compile(r"[.!?:][\"'”’)\]]*$")
_HYPHENS = ("-", "‐", "¬")
_WORD_RE = re.compile(r"[^\W\d_]+(?:[-‐][^\W\d_]+)*", re.UNICODE)
_COMPOUND_TAILS = {
    "up",
    "based",
    "related",
    "term",
    "year",
    "years",
    "old",
    "free",
    "like",
    "specific",
    "dependent",
    "known",
    "care",
    "being",
    "wide",
    "aged",
    "sized",
    "induced",
    "associated",
    "making",
    "friendly",
    "level",
    "time",
    "day",
    "week",
    "month",
    "hour",
    "minute",
    "risk",
    "line",
    "type",
    "in",
    "out",
    "off",
    "on",
    "over",
    "down",
    "back",
}
_COMPOUND_HEADS = {"self", "non", "well", "half", "cross", "ex", "all", "one", "two", "three", "four", "x"}


@dataclass
class _Paragraph:
    lines: list[Line] = field(default_factory=list)
    item: bool = False


@dataclass(frozen=True)
class Vocabulary:
    """The document's own words: how it writes a word decides how a broken one is mended."""

    words: frozenset[str]
    hyphenated: frozenset[str]

    @classmethod
    def of(cls, lines: Iterable[Line]) -> Vocabulary:
        words: set[str] = set()
        hyphenated: set[str] = set()
        broken = False  # the line before ended in a hyphen: this line starts with a word's end
        for line in lines:
            tokens = _WORD_RE.findall(line.text.casefold())
            ends_broken = line.text.rstrip().endswith(_HYPHENS)
            for position, token in enumerate(tokens):
                if (position == 0 and broken) or (position == len(tokens) - 1 and ends_broken):
                    continue
                if "-" in token or "‐" in token:
                    hyphenated.add(token.replace("‐", "-"))
                    words.update(token.replace("‐", "-").split("-"))
                else:
                    words.add(token)
            broken = ends_broken
        return cls(frozenset(words), frozenset(hyphenated))


def mend(left: str, right: str, vocabulary: Vocabulary) -> str:
    """Two lines joined: "treat-" + "ment ..." -> "treatment ...", "follow-" + "up" -> "follow-up"."""
    left = left.rstrip()
    right = right.lstrip()
    last = left.split()[-1] if left.split() else ""
    if re.match(r"(https?://|www\.)", last) and left.endswith(_HYPHENS):
        # A web address broken at a line end: the break's hyphen after a "/" is not part of it.
        return (left[:-1] if left[-2:-1] == "/" else left) + right
    if not left.endswith(_HYPHENS) or len(left) < 2 or not left[-2].isalpha():
        return f"{left} {right}"
    stem = left[:-1]
    head_match = re.search(r"([^\W\d_]+)$", stem)
    tail_match = re.match(r"([^\W\d_]+)", right)
    if not head_match or not tail_match:
        return stem + "-" + right
    head, tail = head_match.group(1), tail_match.group(1)
    joined = (head + tail).casefold()
    hyphenated = f"{head}-{tail}".casefold()
    keep = hyphenated in vocabulary.hyphenated or (
        joined not in vocabulary.words
        and (
            tail[0].isupper()
            or len(tail) <= 2
            or tail.casefold() in _COMPOUND_TAILS
            or head.casefold() in _COMPOUND_HEADS
        )
    )
    if right[:1].isdigit() or (right[:1].isupper() and joined not in vocabulary.words):
        keep = True
    return f"{stem}-{right}" if keep else stem + right


def _marker(text: str) -> re.Match[str] | None:
    return _BULLET_RE.match(text) or _NUMBER_MARK_RE.match(text)


def _ends_sentence(line: Line) -> bool:
    return bool(_SENTENCE_END_RE.search(line.text))


def _short(line: Line) -> bool:
    """The line stops well before its column's right edge: the last line of a paragraph."""
    return line.x1 < line.right - 2.5 * line.size


def _starts_new(previous: Line, line: Line, gap: float, item: bool) -> bool:
    if previous.element is not None and line.element is not None:
        return previous.element != line.element
    if _marker(line.text):
        return True
    if abs(previous.end_size - line.start_size) >= 0.6 or previous.bold != line.bold and previous.words < 12:
        return True
    same_place = previous.page == line.page and previous.column == line.column and line.top > previous.top
    if same_place:
        space = line.top - previous.bottom
        if space > gap + 0.45 * line.size:
            return True
        indent = line.x0 - previous.x0
        if previous.text.endswith(_HYPHENS) and previous.text[-2:-1].isalpha():
            return False  # a word broken at the line end goes on on the next line
        if (
            not item
            and indent > 0.8 * line.size
            and line.x0 > line.left + 0.8 * line.size
            and (_ends_sentence(previous) or _short(previous))
        ):
            return True  # a first-line indent (a hanging indent follows a line that goes on)
        if item and line.x0 < previous.x0 - 0.5 * line.size and _ends_sentence(previous):
            return True  # back at the margin: the list has ended
        return _short(previous) and _ends_sentence(previous)
    if _ends_sentence(previous) and (_short(previous) or line.x0 > line.left + 0.8 * line.size):
        return True
    return False


def paragraph_blocks(
    lines: Sequence[Line], gap: float, vocabulary: Vocabulary
) -> tuple[list[Block], list[Dropped]]:
    """Headings, paragraphs and list items in reading order, and what was dropped (with why).

    Dropped lines in a row with the same reason are one dropped block.
    """
    blocks: list[Block] = []
    dropped: list[Dropped] = []
    current: _Paragraph | None = None
    last_drop: tuple[str, bool, list[str]] | None = None

    def flush() -> None:
        nonlocal current
        if current is not None and current.lines:
            _emit(current, blocks, dropped, vocabulary)
        current = None

    def close_drop() -> None:
        nonlocal last_drop
        if last_drop is not None:
            reason, outside, texts = last_drop
            dropped.append(Dropped("\n".join(texts), reason, None, outside=outside))
        last_drop = None

    for line in lines:
        if line.kind == "merged":
            continue
        if line.kind == "drop":
            reason = line.reason or "not text"
            if last_drop is not None and last_drop[0] == reason:
                last_drop[2].append(line.text)
            else:
                close_drop()
                last_drop = (reason, line.outside, [line.text])
            continue
        close_drop()
        if line.kind == "heading":
            flush()
            text = line.heading_text or line.text
            blocks.append(Block("heading", text, None, line.level, listed=line.listed))
            continue
        if (
            current is not None
            and current.lines
            and not _starts_new(current.lines[-1], line, gap, current.item)
        ):
            current.lines.append(line)
            continue
        flush()
        current = _Paragraph([line], item=bool(_marker(line.text)) or line.role == "item")
    flush()
    close_drop()
    return blocks, dropped


def _emit(paragraph: _Paragraph, blocks: list[Block], dropped: list[Dropped], vocabulary: Vocabulary) -> None:
    text = paragraph.lines[0].text
    for line in paragraph.lines[1:]:
        text = mend(text, line.text, vocabulary)
    text = " ".join(text.split())
    if is_caption(text):
        dropped.append(Dropped(text, CAPTION))
        return
    if paragraph.item:
        bullet = _BULLET_RE.match(text)
        if bullet:
            text = text[bullet.end() :]
        blocks.append(Block("item", text))
        return
    blocks.append(Block("paragraph", text))
