"""Opening a PDF: what is wrong with it, if anything; its bookmarks, title and pages.

pypdf (BSD) reads the file's structure: whether it is a PDF at all, whether
it needs a password, how many pages it has, its bookmarks and its metadata
title. pdfplumber (MIT, on pdfminer.six) then reads each page: its
characters with their fonts and positions, pictures and drawings (taken from
pdfminer's layout by :mod:`.layout`), its ruled tables and, in a tagged PDF,
the structure tree. Each page is released once read, so memory stays bounded
by one page; the number of pages is limited because reading a page costs
about a tenth of a second, two thirds of it in pdfminer's interpreter.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from audioguide.errors import SourceError
from audioguide.sources.pdf.layout import PageObjects, page_objects, prepare_table_finder
from audioguide.sources.pdf.lines import Glyph, Line, glyphs_from_chars, page_lines

logger = logging.getLogger(__name__)

PDF_MAGIC = b"%PDF-"
MAX_PDF_PAGES = 200  # about 0.1 s of CPU a page (58 pages: 5 s); a patient leaflet has a few dozen
MIN_GRAPHICS_IN_FIGURE = 8  # drawn objects that make a picture (a plot, a diagram)
TOUCH_PT = 6.0  # shapes this close belong to one drawing
CELL_PT = 24.0
# A one-column grid is framed prose when it holds this many words, most in lines this long.
MIN_PROSE_WORDS = 20
MIN_PROSE_LINE_WORDS = 6
_SENTENCE_END_RE = re.compile(r"[^\W\d_]{2}[.!?](?:\s|$)")


def looks_like_pdf(data: bytes) -> bool:
    """A PDF starts with "%PDF-" (readers accept a little junk before it)."""
    return PDF_MAGIC in data[:1024]


@dataclass(frozen=True)
class Bookmark:
    """One entry of the PDF's outline (its bookmarks)."""

    title: str
    level: int  # 1 for top-level entries
    page: int  # 1-based
    top: float | None  # where on the page it points, from the top, in points


@dataclass(frozen=True)
class Box:
    x0: float
    top: float
    x1: float
    bottom: float

    def holds(self, line: Line, margin: float = 0.0) -> bool:
        """The line's middle lies inside the box (grown by ``margin``)."""
        x = (line.x0 + line.x1) / 2
        y = (line.top + line.bottom) / 2
        return self.x0 - margin <= x <= self.x1 + margin and self.top - margin <= y <= self.bottom + margin


@dataclass
class Page:
    number: int  # 1-based
    width: float
    height: float
    lines: list[Line]
    tables: list[Box] = field(default_factory=list)
    figures: list[Box] = field(default_factory=list)
    images: int = 0  # pictures on the page (a scan is one large picture and no text)


@dataclass
class PdfContent:
    pages: list[Page]
    title: str | None  # the metadata title, as the file states it
    bookmarks: list[Bookmark]
    tagged: bool


@contextmanager
def _quiet_parsers() -> Iterator[None]:
    """pypdf and pdfminer log every syntax slip they recover from; the reader reports what matters."""
    loggers = [logging.getLogger(name) for name in ("pypdf", "pdfminer", "pdfplumber")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR + 10)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)


def read_pdf(data: bytes, name: str, *, max_pages: int = MAX_PDF_PAGES) -> PdfContent:
    """Every page's lines in reading order, with the bookmarks and metadata title.

    A file that is not a PDF, needs a password, is damaged, has more than
    ``max_pages`` pages or holds no text (a scan) is a one-line SourceError.
    """
    if not looks_like_pdf(data):
        raise SourceError(f"{name}: not a PDF file (it does not start with %PDF-)")
    with _quiet_parsers():
        title, bookmarks, count, tagged = _structure(data, name)
        if count == 0:
            raise SourceError(f"{name}: damaged PDF (no pages)")
        if count > max_pages:
            raise SourceError(f"{name}: PDF too long ({count} pages; limit {max_pages}): split it into parts")
        pages = _pages(data, name, tagged)
    if not any(page.lines for page in pages):
        if any(page.images for page in pages):
            raise SourceError(
                f"{name}: the PDF has no text layer, only pictures of pages (a scan?); "
                "run text recognition (OCR) on it first"
            )
        raise SourceError(f"{name}: the PDF holds no text")
    return PdfContent(pages=pages, title=title, bookmarks=bookmarks, tagged=tagged)


def _structure(data: bytes, name: str) -> tuple[str | None, list[Bookmark], int, bool]:
    import pypdf
    from pypdf.errors import DependencyError, FileNotDecryptedError

    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")  # restrictions only: opens without a password
            except (DependencyError, NotImplementedError) as exc:
                raise SourceError(f"{name}: encrypted PDF that cannot be opened here ({exc})") from None
            if not opened:
                raise SourceError(
                    f"{name}: encrypted PDF: it needs a password to open; save a copy without one"
                )
        count = len(reader.pages)
        root = reader.trailer["/Root"]
        tagged = "/StructTreeRoot" in root
        title = _metadata_title(reader)
        bookmarks = _bookmarks(reader)
    except SourceError:
        raise
    except FileNotDecryptedError:
        raise SourceError(
            f"{name}: encrypted PDF: it needs a password to open; save a copy without one"
        ) from None
    except Exception as exc:  # noqa: BLE001 - any failure to parse the file is the file's problem
        raise SourceError(f"{name}: damaged PDF ({_reason(exc)})") from None
    return title, bookmarks, count, tagged


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."


def _metadata_title(reader: Any) -> str | None:
    try:
        metadata = reader.metadata
        title = metadata.title if metadata is not None else None
    except Exception:  # noqa: BLE001 - a broken info dictionary is no title
        return None
    return " ".join(str(title).split()) if title else None


def _bookmarks(reader: Any) -> list[Bookmark]:
    """The outline, flattened with levels; entries that point nowhere are left out."""
    out: list[Bookmark] = []
    try:
        outline = reader.outline
    except Exception:  # noqa: BLE001 - a broken outline is no outline
        return out

    def walk(items: list[Any], level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
                continue
            try:
                page = reader.get_destination_page_number(item)
                title = " ".join(str(item.title or "").split())
                top = item.get("/Top")
                height = float(reader.pages[page].mediabox.top)
            except Exception:  # noqa: BLE001 - an entry with a broken destination is skipped
                continue
            if page is None or page < 0 or not title:
                continue
            try:
                where = height - float(top) if top is not None else None
            except (TypeError, ValueError):
                where = None
            out.append(Bookmark(title, level, page + 1, where))

    walk(outline, 1)
    return out


def _pages(data: bytes, name: str, tagged: bool) -> list[Page]:
    import pdfplumber

    pages: list[Page] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                try:
                    pages.append(_page(pdf, page, tagged))
                finally:
                    page.close()
    except SourceError:
        raise
    except Exception as exc:  # noqa: BLE001 - pdfminer's errors on a broken file are many and untyped
        raise SourceError(f"{name}: damaged PDF ({_reason(exc)})") from None
    return pages


def _page(pdf: Any, page: Any, tagged: bool) -> Page:
    number = page.page_number
    width, height = float(page.width), float(page.height)
    objects = page_objects(page)
    glyphs: list[Glyph] = [
        g
        for g in glyphs_from_chars(objects.chars, _fixed_pitch_fonts(page))
        if g.bottom > 0 and g.top < height and g.x1 > 0 and g.x0 < width
    ]
    lines = page_lines(glyphs, number, width)
    if tagged and lines:
        _apply_structure(pdf, page, lines)
    images = [Box(*map(float, bounds)) for bounds in objects.images]
    figures = [
        box
        for box in images
        if (box.x1 - box.x0) * (box.bottom - box.top) < 0.5 * width * height  # a scanned page is no figure
        and box.x1 - box.x0 > 20
        and box.bottom - box.top > 20
    ]
    figures += [box for box in _drawings(objects, width) if not _framed_prose(_held(lines, box))]
    tables: list[Box] = []
    if lines and objects.ruled:
        prepare_table_finder(page, objects)
        for table in page.find_tables():
            if len(table.rows) >= 2 and len(table.cells) >= 4:  # a ruled box is no table
                box = Box(*map(float, table.bbox))
                if len(table.columns) > 1 or not _framed_prose(_held(lines, box)):
                    tables.append(box)
    return Page(number, width, height, lines, tables, figures, len(images))


def _held(lines: list[Line], box: Box) -> list[Line]:
    return [line for line in lines if box.holds(line, 1.0)]


def _framed_prose(lines: list[Line]) -> bool:
    """Running sentences inside rules: a stack of framed paragraphs, neither a table nor a
    picture's labels (a form's sections between rules, its fill-in lines and check boxes, a
    boxed note). A table's columns divide its rows, so only a one-column grid is asked; a
    drawing's labels are short. A grid of short items (values, a code listing) is still a
    table."""
    text = [line for line in lines if not line.mono]
    words = sum(line.words for line in text)
    in_sentences = sum(line.words for line in text if line.words >= MIN_PROSE_LINE_WORDS)
    ends = sum(1 for line in text if _SENTENCE_END_RE.search(line.text))
    return words >= MIN_PROSE_WORDS and in_sentences >= 0.6 * words and ends >= 1


def _fixed_pitch_fonts(page: Any) -> set[str]:
    """The page's fonts whose descriptor has the FixedPitch flag (monospaced: code)."""
    from pdfminer.pdftypes import resolve1

    fixed: set[str] = set()
    try:
        fonts = resolve1(page.page_obj.resources.get("Font")) or {}
        for ref in fonts.values():
            spec = resolve1(ref)
            descriptor = resolve1(spec.get("FontDescriptor"))
            if descriptor is None and spec.get("DescendantFonts"):
                descriptor = resolve1(resolve1(resolve1(spec["DescendantFonts"])[0]).get("FontDescriptor"))
            flags = resolve1(descriptor.get("Flags")) if descriptor else 0
            name = resolve1(spec.get("BaseFont"))
            if isinstance(flags, int) and flags & 1 and name is not None:
                fixed.add(getattr(name, "name", str(name)))
    except Exception:  # noqa: BLE001 - fonts the reader cannot inspect are judged by their names
        logger.debug("page %d: font descriptors unreadable", page.page_number)
    return fixed


def _drawings(objects: PageObjects, width: float) -> list[Box]:
    """Areas full of drawn shapes (a plot, a diagram): the text in them labels a picture."""
    shapes = [
        Box(*map(float, bounds))
        for bounds in (*objects.curves, *objects.rects, *objects.lines)
        if float(bounds[2]) - float(bounds[0]) < 0.9 * width  # a rule across the page joins nothing
    ]
    if len(shapes) < MIN_GRAPHICS_IN_FIGURE:
        return []
    # Shapes that touch (within a few points) are one drawing: union-find over a grid of cells,
    # so a map of thousands of curves costs a pass, not every pair.
    parent = list(range(len(shapes)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    cells: dict[tuple[int, int], int] = {}
    for index, shape in enumerate(shapes):
        for cx in range(int((shape.x0 - TOUCH_PT) // CELL_PT), int((shape.x1 + TOUCH_PT) // CELL_PT) + 1):
            for cy in range(
                int((shape.top - TOUCH_PT) // CELL_PT), int((shape.bottom + TOUCH_PT) // CELL_PT) + 1
            ):
                other = cells.setdefault((cx, cy), index)
                if other != index:
                    parent[find(index)] = find(other)
    clusters: dict[int, list[Box]] = {}
    for index, shape in enumerate(shapes):
        clusters.setdefault(find(index), []).append(shape)
    return [
        Box(
            min(b.x0 for b in cluster),
            min(b.top for b in cluster),
            max(b.x1 for b in cluster),
            max(b.bottom for b in cluster),
        )
        for cluster in clusters.values()
        if len(cluster) >= MIN_GRAPHICS_IN_FIGURE
    ]


# --------------------------------------------------------------------------- tagged PDFs

_HEADING_TYPES = {f"H{n}": n for n in range(1, 7)}
_REGION_ROLES = {
    "Artifact": "artifact",
    "Table": "table",
    "Figure": "figure",
    "Formula": "figure",
    "TOC": "contents",
    "TOCI": "contents",
    "Caption": "caption",
    "Code": "code",
    "Index": "contents",
}
_ITEM_TYPES = {"LI", "LBody", "Lbl"}
_BLOCK_TYPES = {"P", "H", "BlockQuote", "Note", "Title", "TD", "TH", "TR", "Div", "Sect", "Art", "Part"}


def _apply_structure(pdf: Any, page: Any, lines: list[Line]) -> None:
    """Each line's role from the structure tree: heading (with its level), paragraph, list item,
    table, figure, caption, contents, code or artifact; and the element it belongs to."""
    from pdfplumber.structure import PDFStructTree

    try:
        tree = PDFStructTree(pdf, page)
    except Exception:  # noqa: BLE001 - a broken structure tree: read the page by its layout
        logger.info("page %d: structure tree unreadable; read by layout", page.page_number)
        return
    roles: dict[int, tuple[str, int | None, int]] = {}

    def walk(element: Any, role: tuple[str, int | None] | None, block: int | None) -> None:
        kind = str(getattr(element, "type", "") or "")
        own: tuple[str, int | None] | None = None
        if kind in _HEADING_TYPES:
            own = ("heading", _HEADING_TYPES[kind])
        elif kind == "H":
            own = ("heading", None)
        elif kind in _REGION_ROLES:
            own = (_REGION_ROLES[kind], None)
        elif kind in _ITEM_TYPES:
            own = ("item", None)
        elif kind in _BLOCK_TYPES:
            own = ("paragraph", None)
        if role is not None and role[0] in ("table", "figure", "contents", "artifact", "caption", "code"):
            own = role if not (role[0] == "table" and own and own[0] == "caption") else own
        elif own is None:
            own = role
        if kind in _HEADING_TYPES or kind in _BLOCK_TYPES or kind in _ITEM_TYPES or kind in _REGION_ROLES:
            if kind not in ("Sect", "Div", "Art", "Part", "Table", "TR") or block is None:
                block = id(element)
        for mcid in getattr(element, "mcids", None) or []:
            roles[int(mcid)] = (*(own or ("paragraph", None)), block or id(element))
        for child in getattr(element, "children", None) or []:
            walk(child, own, block)

    for element in tree:
        walk(element, None, None)
    if not roles:
        return
    for line in lines:
        if "Artifact" in line.tags and not line.mcids:
            line.role = "artifact"
            continue
        found = [roles[m] for m in line.mcids if m in roles]
        if not found:
            continue
        role, level, block = found[0]
        line.role, line.level, line.element = role, level, block
