"""Plain-text articles: find the title, headings and paragraphs the way a reader would.

Plain text (as scraped from a web page) has no markup, so structure is read
from shape: the first line is the title; a short line without closing
punctuation is a heading; a one-sentence question standing alone before a
paragraph is a heading; blank lines separate paragraphs; a short label such as
"Key Takeaway:" on its own line leads into the paragraph after it; lines
starting with a bullet ("-", "*", "•") or a number ("1.", "2)") are list items
(bullets are not spoken, numbers are; a wrapped item's lower-case
continuation lines join it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from audioguide.model.document import Document
from audioguide.sources.code import is_bare_address
from audioguide.sources.decode import clean_text, read_text
from audioguide.sources.structure import (
    Block,
    build_document,
    ends_mid_sentence,
    faq_block_title,
    is_conclusion_heading,
)
from audioguide.sources.wrapped import is_hard_wrapped, wrapped_blocks

MAX_HEADING_WORDS = 14
MAX_QUESTION_HEADING_WORDS = 25
MAX_TITLE_WORDS = 25
MAX_LABEL_WORDS = 4

_LIST_ITEM_RE = re.compile(r"^\s*([-*•‣◦–]|\d{1,3}[.)])\s+")
_BULLET_RE = re.compile(r"^\s*[-*•‣◦–]\s+")
_SENTENCE_END_INSIDE_RE = re.compile(r"[.!?][\"”’)]?\s+[A-Z0-9“\"]")


@dataclass(frozen=True)
class _Group:
    lines: tuple[str, ...]
    line: int  # 1-based line number of the first line


def _groups(text: str) -> list[_Group]:
    """Runs of non-blank lines. A text with no blank lines at all has one line per group."""
    lines = text.rstrip().split("\n")
    if sum(1 for line in lines if not line.strip()) == 0:
        return [_Group((line.strip(),), number) for number, line in enumerate(lines, 1) if line.strip()]
    groups: list[_Group] = []
    run: list[str] = []
    start = 0
    for number, line in enumerate(lines, 1):
        if line.strip():
            if not run:
                start = number
            run.append(line.strip())
        elif run:
            groups.append(_Group(tuple(run), start))
            run = []
    if run:
        groups.append(_Group(tuple(run), start))
    return groups


def _is_list_item(line: str) -> bool:
    return bool(_LIST_ITEM_RE.match(line))


def _is_short_heading(line: str) -> bool:
    """Short, capitalised, no closing punctuation: "What Is PRP", "Recovery Time"."""
    words = line.split()
    if not words or len(words) > MAX_HEADING_WORDS or _is_list_item(line) or ends_mid_sentence(line):
        return False
    if line[-1] in ".!,;:?\"”'’)" or not (line[0].isupper() or line[0].isdigit()):
        return False
    return True


def _is_question_heading(line: str) -> bool:
    """A single short sentence ending in '?': a heading when a paragraph follows."""
    words = line.split()
    return (
        line.endswith("?")
        and 0 < len(words) <= MAX_QUESTION_HEADING_WORDS
        and not _SENTENCE_END_INSIDE_RE.search(line[:-1])
        and (line[0].isupper() or line[0].isdigit())
    )


def _is_label(line: str) -> bool:
    """A lead-in such as "Key Takeaway:" that introduces the next paragraph."""
    return line.endswith(":") and len(line.split()) <= MAX_LABEL_WORDS


def _starts_new_sentence(line: str) -> bool:
    """A hard-wrapped paragraph continues in lower case; text after a heading starts anew."""
    return bool(line) and not line[0].islower()


def _paragraphs(lines: tuple[str, ...]) -> list[str]:
    """Join hard-wrapped lines; each list item is its own paragraph (wrapped items included)."""
    out: list[str] = []
    for line in lines:
        address = (is_bare_address(line) and not (out and ends_mid_sentence(out[-1]))) or bool(
            out and is_bare_address(out[-1])
        )
        joins = (
            out
            and not address  # a web address on its own line stays on its own
            and not _is_list_item(line)
            and (not _is_list_item(out[-1]) or line[:1].islower())
        )
        if joins:
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


def _item_text(line: str) -> str:
    """A list item as it is read: without its bullet; a number ("1.") is kept."""
    return _BULLET_RE.sub("", line, count=1).strip()


def _line_count(paragraph: str, lines: tuple[str, ...]) -> int:
    """How many of ``lines`` were joined into ``paragraph`` (for line numbers)."""
    count, length = 0, -1
    for line in lines:
        length += len(line) + 1
        count += 1
        if length >= len(paragraph):
            break
    return max(count, 1)


def text_blocks(text: str) -> tuple[str | None, list[Block]]:
    """Split cleaned text into (title, blocks)."""
    groups = _groups(text)
    if not groups:
        return None, []
    title: str | None = None
    first = groups[0]
    if len(first.lines[0].split()) <= MAX_TITLE_WORDS:
        title = first.lines[0]
        rest = first.lines[1:]
        groups = ([_Group(rest, first.line + 1)] if rest else []) + groups[1:]

    raw: list[Block] = []
    for group in groups:
        lines = group.lines
        line_no = group.line
        if (
            len(lines) > 1
            and _starts_new_sentence(lines[1])
            and (_is_short_heading(lines[0]) or _is_question_heading(lines[0]))
        ):
            raw.append(Block("heading", lines[0], line_no))
            lines, line_no = lines[1:], line_no + 1
        if len(lines) == 1 and (_is_short_heading(lines[0]) or _is_question_heading(lines[0])):
            raw.append(Block("heading", lines[0], line_no))  # confirmed below
            continue
        offset = 0
        for paragraph in _paragraphs(lines):
            if _is_list_item(paragraph) and _item_text(paragraph):
                raw.append(Block("item", _item_text(paragraph), line_no + offset))
            else:
                raw.append(Block("paragraph", paragraph, line_no + offset))
            offset += _line_count(paragraph, lines[offset:])

    blocks: list[Block] = []
    pending_label: Block | None = None
    in_faq = False
    for index, block in enumerate(raw):
        nxt = raw[index + 1] if index + 1 < len(raw) else None
        if block.kind == "heading":
            if faq_block_title(block.text):
                in_faq = True
            elif not block.text.endswith("?") or is_conclusion_heading(block.text):
                in_faq = False
            elif not in_faq and (nxt is None or nxt.kind != "paragraph"):
                # Outside an FAQ block, a question is a heading only when a paragraph follows it.
                block = Block("paragraph", block.text, block.line)
        if (
            block.kind == "paragraph"
            and _is_label(block.text)
            and nxt is not None
            and nxt.kind == "paragraph"
        ):
            pending_label = block
            continue
        if pending_label is not None and block.kind == "paragraph":
            block = Block("paragraph", f"{pending_label.text} {block.text}", pending_label.line)
            pending_label = None
        blocks.append(block)
    return title, blocks


def parse_text(path: Path, *, keep_furniture: bool = False) -> Document:
    """Parse a plain-text article file into a :class:`Document`."""
    return parse_plain_text(read_text(path), source=str(path), keep_furniture=keep_furniture)


def parse_plain_text(text: str, *, source: str | None = None, keep_furniture: bool = False) -> Document:
    """Parse plain article text (already decoded) into a :class:`Document`.

    Hard-wrapped text (lines broken at 60-100 columns, as READMEs, FAQs and
    manuals are) is unwrapped and read by its layout (:mod:`audioguide.sources.wrapped`);
    other text one paragraph per line.
    """
    text = clean_text(text)
    dropped: list = []
    chapter_level = None
    if is_hard_wrapped(text):
        title, blocks, dropped = wrapped_blocks(text, keep_furniture=keep_furniture)
        levels = [b.level for b in blocks if b.kind in ("heading", "question") and b.level]
        chapter_level = min(levels) if levels else None
    else:
        title, blocks = text_blocks(text)
    if title is None:
        title = (
            Path(source).stem.replace("_", " ").replace("-", " ").strip().capitalize()
            if source
            else "Untitled"
        )
    return build_document(
        blocks,
        title=title,
        source=source,
        keep_furniture=keep_furniture,
        dropped=dropped,
        chapter_level=chapter_level,
    )
