"""PDF sources: the page's text as blocks (headings with levels, paragraphs, list items) for the
one set of structure rules (:func:`audioguide.sources.structure.build_document`).

The steps, each in its own module:

1. :mod:`.reader`: open the file (not a PDF, a password, damage, too many
   pages and a scan without text are one-line errors); bookmarks and title.
2. :mod:`.lines`: each page's characters as lines, column by column.
3. :mod:`.furniture`: running headers and footers, page numbers, the title
   page, contents lists, tables, labels in pictures and code are dropped.
4. :mod:`.headings`: the title, and the headings from the tags, else the
   bookmarks, else the type sizes.
5. :mod:`.paragraphs`: lines joined into paragraphs and list items, broken
   words mended.
"""

from __future__ import annotations

from pathlib import Path

from audioguide.model.document import Document, Dropped
from audioguide.sources.decode import read_source_bytes
from audioguide.sources.pdf import furniture, headings
from audioguide.sources.pdf.paragraphs import Vocabulary, paragraph_blocks
from audioguide.sources.pdf.reader import MAX_PDF_PAGES, looks_like_pdf, read_pdf
from audioguide.sources.structure import Block, build_document

__all__ = [
    "MAX_PDF_PAGES",
    "document_from_blocks",
    "looks_like_pdf",
    "parse_pdf",
    "parse_pdf_bytes",
    "pdf_blocks",
]


def parse_pdf(path: Path, *, keep_furniture: bool = False) -> Document:
    """Parse a PDF file into a :class:`Document`."""
    return parse_pdf_bytes(read_source_bytes(path), source=str(path), keep_furniture=keep_furniture)


def parse_pdf_bytes(data: bytes, *, source: str, keep_furniture: bool = False) -> Document:
    """Parse a PDF's bytes into a :class:`Document`; ``source`` names it in errors."""
    title, blocks, dropped = pdf_blocks(data, source=source)
    return document_from_blocks(title, blocks, dropped, source=source, keep_furniture=keep_furniture)


def document_from_blocks(
    title: str, blocks: list[Block], dropped: list[Dropped], *, source: str, keep_furniture: bool = False
) -> Document:
    """The document the structure rules make of :func:`pdf_blocks`' result."""
    levels = [block.level for block in blocks if block.kind == "heading" and block.level]
    return build_document(
        blocks,
        title=title,
        source=source,
        keep_furniture=keep_furniture,
        dropped=dropped,
        chapter_level=min(levels) if levels else None,
    )


def pdf_blocks(data: bytes, *, source: str) -> tuple[str, list[Block], list[Dropped]]:
    """The PDF's title, its blocks in reading order (headings with levels, paragraphs, list
    items) and what it leaves out (with reasons): what :func:`build_document` is given."""
    content = read_pdf(data, source)
    pages = content.pages
    lines = [line for page in pages for line in page.lines]

    furniture.drop_artifacts(pages)
    furniture.drop_running_lines(pages)
    furniture.drop_code(lines)
    furniture.drop_regions(pages, furniture.body_fonts(furniture.live(lines)))
    titles = [mark.title for mark in content.bookmarks]
    furniture.drop_contents(lines, titles)

    body = headings.body_size(furniture.live(lines))
    furniture.drop_footnotes(pages, body)
    furniture.drop_formula_pieces(lines, body)
    title = headings.take_title(pages, content.title, source, body)
    sections_on_first_page = any(
        mark.page == 1 and not headings.is_cover(mark, title) for mark in content.bookmarks
    )
    furniture.drop_title_page(pages, sections_on_first_page)

    if not (content.tagged and headings.tagged_headings(lines)):
        if not (content.bookmarks and headings.bookmark_headings(pages, content.bookmarks, body, title)):
            headings.font_headings(lines, body)
            found = [line.heading_text or line.text for line in lines if line.kind == "heading"]
            furniture.drop_contents(lines, found)
    lines = [line for page in pages for line in page.lines]  # bookmarks may have added headings
    if title is None:
        title = headings.numbered_sections_title(lines)
    headings.strip_section_numbers(lines)

    gap = furniture.median_gap([line for line in furniture.live(lines) if abs(line.size - body) < 0.6])
    blocks, dropped = paragraph_blocks(lines, gap, Vocabulary.of(furniture.live(lines)))
    if title is None:
        title = _fallback_title(blocks, source)
    return title, blocks, dropped


def _fallback_title(blocks: list[Block], source: str) -> str:
    """No title in the metadata nor standing out on the first page: the only top-level heading
    when it is not a question, else the file's name ("nut-FAQ.pdf" -> "nut FAQ")."""
    from audioguide.sources.structure import question_title

    top = [b for b in blocks if b.kind == "heading"]
    if top:
        level = min(b.level or 1 for b in top)
        firsts = [b for b in top if (b.level or 1) == level]
        if len(firsts) == 1 and question_title(firsts[0].text) is None:
            blocks.remove(firsts[0])
            return firsts[0].text
    stem = Path(source).stem if source else "Untitled"
    return " ".join(stem.replace("_", " ").replace("-", " ").split()) or "Untitled"
