"""Markdown articles, parsed with markdown-it-py (CommonMark) rather than regexes.

Headings keep their levels: the first ``#`` heading is the title, the highest
level below it makes chapters, deeper headings stay inside their chapter
(FAQ questions excepted). Lists become list items, one per item, each read
with a short pause (an ordered item keeps its number: "1. Draw blood");
emphasis, links and images are read as their text; code blocks and HTML are
dropped (listed).
"""

from __future__ import annotations

from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from audioguide.model.document import Document, Dropped
from audioguide.sources.structure import Block, build_document
from audioguide.sources.decode import read_text


def _inline_text(token: Token) -> str:
    """The readable text of an inline token: link and emphasis text, image alt text."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            alt = "".join(c.content for c in child.children or [])
            if alt:
                parts.append(alt)
    return " ".join("".join(parts).split())


def markdown_blocks(text: str) -> tuple[list[Block], list[Dropped]]:
    """Blocks (with heading levels and 1-based lines) and dropped code/HTML."""
    tokens = MarkdownIt("commonmark").parse(text)
    blocks: list[Block] = []
    dropped: list[Dropped] = []
    heading_level: int | None = None
    items: list[str | None] = []  # open list items: the number to say ("1."), or None
    for index, token in enumerate(tokens):
        line = token.map[0] + 1 if token.map else None
        if token.type == "heading_open":
            heading_level = int(token.tag[1])
        elif token.type == "list_item_open":
            ordered = token.markup in (".", ")") and token.info
            items.append(f"{token.info}{token.markup}" if ordered else None)
        elif token.type == "list_item_close":
            items.pop()
        elif token.type == "inline":
            content = _inline_text(token)
            where = line or _line_of(tokens, index)
            if heading_level is not None:
                blocks.append(Block("heading", content, where, heading_level))
            elif content and items:
                number, items[-1] = items[-1], None  # the number goes with the item's first line
                blocks.append(Block("item", f"{number} {content}" if number else content, where))
            elif content:
                blocks.append(Block("paragraph", content, where))
        elif token.type == "heading_close":
            heading_level = None
        elif token.type in ("fence", "code_block", "html_block"):
            if token.content.strip():
                dropped.append(Dropped(token.content.strip(), f"Markdown {token.type.replace('_', ' ')}", line))
    return blocks, dropped


def _line_of(tokens: list[Token], index: int) -> int | None:
    """Inline tokens carry the map of their parent block: look back for it."""
    for token in reversed(tokens[:index]):
        if token.map:
            return token.map[0] + 1
    return None


def parse_markdown(path: Path, *, keep_furniture: bool = False) -> Document:
    """Parse a Markdown article file into a :class:`Document`."""
    return parse_markdown_text(read_text(path), source=str(path), keep_furniture=keep_furniture)


def parse_markdown_text(text: str, *, source: str | None = None, keep_furniture: bool = False) -> Document:
    blocks, dropped = markdown_blocks(text)
    title = None
    for index, block in enumerate(blocks):
        if block.kind == "heading" and block.level == 1:
            title = block.text
            blocks = blocks[:index] + blocks[index + 1 :]
            break
    if title is None and blocks:
        title = blocks[0].text  # no "# Title": the first line is the title
        blocks = blocks[1:]
    levels = [b.level for b in blocks if b.kind == "heading" and b.level]
    return build_document(
        blocks,
        title=title or "Untitled",
        source=source,
        keep_furniture=keep_furniture,
        dropped=dropped,
        chapter_level=min(levels) if levels else None,
    )
