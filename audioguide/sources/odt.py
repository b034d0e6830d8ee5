"""OpenDocument text (.odt): ``content.xml`` as HTML, read by the HTML reader.

The document's XML is turned into plain semantic HTML and read by
:func:`audioguide.sources.html.parse_html_text`, the same rules as for any web
page. ODF says what each block is, so the mapping is direct:

* ``text:h`` with its ``text:outline-level`` is a heading of that level (the
  level, not the style's name, which is localized), levels the document never
  uses closed up (SiSU writes levels 1, 4, 5 and 6: its chapters' sections are
  two levels down, not four); paragraphs in the Title
  style are the title heading (``h1``, one for several lines in a row);
* ``text:p`` is a paragraph; Preformatted Text, or a style in a fixed-pitch
  font (a code example), is ``pre``, Quotations a ``blockquote``, List
  Heading / List Contents a definition list;
* ``text:list``/``text:list-item`` are lists (numbered or bulleted as their
  list style says), nested as in the document; tables are tables;
* a table of contents and the generated indexes (alphabetical, illustrations,
  tables, objects, user-defined) are page furniture: given to the HTML reader
  as a ``<nav class="toc">``, which it drops and lists as a table of contents;
* footnotes and endnotes are read after the text, as a numbered list; a
  number set raised or lowered on its own (a paragraph or object number, a
  footnote mark typed by hand: "Terms 「12」", "as shown. [3]") is a mark for
  the eye, not read, while one set against a letter or digit ("m²", "H₂O")
  stays a word's; tracked
  deletions, comments, hidden text, images and drawings are not read;
* the title is ``dc:title`` from ``meta.xml``, given as a web page gives it
  (``<title>``, and an ``<h1>`` above the text unless the text has Title
  paragraphs of its own); without one the HTML reader's own rule picks it (the title heading, else the
  first heading).

lxml rather than odfdo: the mapping needs nothing but the XML tree, lxml is
already the HTML reader's parser, and reading ``content.xml`` through
:mod:`audioguide.sources.container` keeps the zip-bomb limits in one place.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import lxml.etree
import lxml.html
from lxml.html import builder as E

from audioguide.errors import SourceError
from audioguide.model.document import Document
from audioguide.sources.container import (
    ZipContainer,
    metadata_title,
    open_container,
    read_converted,
    with_article,
)

logger = logging.getLogger(__name__)

KIND = "OpenDocument text"
MIMETYPE = "application/vnd.oasis.opendocument.text"

OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
DRAW = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
FO = "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
XLINK = "http://www.w3.org/1999/xlink"
DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"


def _t(name: str) -> str:
    return f"{{{TEXT}}}{name}"


# Generated from the headings or from marks in the text: listed as contents, never read.
_INDEXES = {
    _t(n)
    for n in (
        "table-of-content",
        "alphabetical-index",
        "illustration-index",
        "table-index",
        "object-index",
        "user-index",
    )
}
# Not text: declarations, tracked deletions, comments, the marks an index is built from.
_SKIP = {
    _t("tracked-changes"),
    _t("sequence-decls"),
    _t("variable-decls"),
    _t("user-field-decls"),
    _t("dde-connection-decls"),
    _t("alphabetical-index-mark"),
    _t("toc-mark"),
    _t("user-index-mark"),
    _t("bookmark-end"),
    _t("reference-mark"),
    _t("reference-mark-start"),
    _t("reference-mark-end"),
    _t("soft-page-break"),
    _t("bibliography-source"),
    _t("change"),
    _t("change-start"),
    _t("change-end"),
    f"{{{OFFICE}}}annotation",
    f"{{{OFFICE}}}annotation-end",
    f"{{{OFFICE}}}forms",
    f"{{{TABLE}}}table-column",
    f"{{{TABLE}}}table-columns",
    f"{{{TABLE}}}table-header-columns",
    f"{{{TABLE}}}covered-table-cell",
    "{urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0}title",
    "{urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0}desc",
}
# Paragraph styles (internal names, which are never localized) that are more than a paragraph.
_BLOCK_STYLES = {
    "Title": "title",
    "Preformatted_20_Text": "pre",
    "Quotations": "blockquote",
    "List_20_Heading": "dt",
    "List_20_Contents": "dd",
    "Horizontal_20_Line": "hr",
    "Sender": "address",
}
_MAX_PARENTS = 32
# A number alone, bare or in brackets ("12", "[3]", "(4)", "「12」"): what a raised or lowered mark says.
_NUMBER_MARK_RE = re.compile(r"\s*[\[(「【〔{]?\s*\d{1,6}\s*[\])」】〕}]?\s*")
_BRACKETED_RE = re.compile(r"\s*[\[(「【〔{].*[\])」】〕}]\s*", re.DOTALL)


def parse_odt(path: Path, *, keep_furniture: bool = False) -> Document:
    """Parse a .odt file into a :class:`Document` (through HTML and the HTML reader)."""
    return parse_odt_container(open_container(path, kind=KIND), keep_furniture=keep_furniture)


def parse_odt_container(container: ZipContainer, *, keep_furniture: bool = False) -> Document:
    return read_converted(odt_html(container), container, keep_furniture=keep_furniture)


def odt_html(container: ZipContainer) -> str:
    """The document's text as one HTML page: ``<title>`` from meta.xml, the body in ``<main>``."""
    name = container.name
    if not container.has("content.xml"):
        raise SourceError(f"{name}: not {with_article(KIND)} (it has no content.xml, the document's text)")
    content = _xml(container.read("content.xml", what="the text (content.xml)"), name, "content.xml")
    styles_data = container.read_optional("styles.xml", what="the styles (styles.xml)")
    styles = _xml(styles_data, name, "styles.xml") if styles_data else None
    text = content.find(f"{{{OFFICE}}}body/{{{OFFICE}}}text")
    if text is None:
        kind = next(iter(content.find(f"{{{OFFICE}}}body") or []), None)
        what = lxml.etree.QName(kind).localname if kind is not None else "nothing"
        raise SourceError(f"{name}: not {with_article(KIND)} (its body holds {what}, not text)")
    converter = _Converter(
        _StyleTable([root for root in (styles, content) if root is not None]), _depths(text)
    )
    main = E.MAIN(*converter.blocks(text))
    if converter.notes:
        main.append(E.OL(*converter.notes))
    head = E.HEAD(E.META(charset="utf-8"))
    title = meta_title(container)
    if title:  # as a web page gives its title: <title>, and an <h1> above the text
        head.append(E.TITLE(title))
        if not any(h.get("class") == "title" for h in main.iter("h1")):  # unless it has its own
            main.insert(0, E.H1(title))
    page = E.HTML(head, E.BODY(main))
    return "<!DOCTYPE html>" + lxml.html.tostring(page, encoding="unicode")


def _outline_level(heading: Any) -> int:
    """A ``text:h``'s outline level, 1 to 6 (0 or none is 1; deeper than 6 is 6)."""
    try:
        level = int(heading.get(_t("outline-level"), "1"))
    except ValueError:
        level = 1
    return max(1, min(level, 6))


def _depths(text: Any) -> dict[int, int]:
    """Each outline level the document uses -> its depth, the levels it never uses closed up.

    A heading's depth is what says where it sits: a writer that jumps from level 1 to
    level 4 (SiSU) or an author who picks Heading 3 for its look under a Heading 1 has no
    headings in between, so the level-4 or level-3 ones are the level-1 ones' sections.
    The shallowest level stays where it is: a document whose headings start at level 2
    under a Title paragraph keeps them under the title.
    """
    used = sorted({_outline_level(h) for h in text.iter(_t("h"))})
    if not used:
        return {}
    return {level: used[0] + rank for rank, level in enumerate(used)}


def meta_title(container: ZipContainer) -> str | None:
    """``dc:title`` from meta.xml, or None if there is none (or it is a file name)."""
    data = container.read_optional("meta.xml", what="the metadata (meta.xml)")
    if not data:
        return None
    try:
        root = _xml(data, container.name, "meta.xml")
    except SourceError:
        logger.info("%s: unreadable meta.xml ignored", container.name)
        return None
    for element in root.iter(DC_TITLE):
        title = " ".join("".join(element.itertext()).split())
        if title:
            return metadata_title(title)
    return None


def _xml(data: bytes, name: str, member: str) -> Any:
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        return lxml.etree.fromstring(data, parser)
    except lxml.etree.XMLSyntaxError as exc:
        raise SourceError(f"{name}: damaged {KIND} ({member}: {exc})") from None


class _StyleTable:
    """Paragraph, text and list styles by name, from styles.xml and content.xml's automatic styles."""

    def __init__(self, roots: list[Any]) -> None:
        self.styles: dict[tuple[str, str], Any] = {}
        self.lists: dict[str, Any] = {}
        self.fixed_fonts: set[str] = set()
        for root in roots:
            for style in root.iter(f"{{{STYLE}}}style"):
                key = (style.get(f"{{{STYLE}}}family", ""), style.get(f"{{{STYLE}}}name", ""))
                self.styles[key] = style
            for listing in root.iter(_t("list-style")):
                self.lists[listing.get(f"{{{STYLE}}}name", "")] = listing
            for face in root.iter(f"{{{STYLE}}}font-face"):
                if face.get(f"{{{STYLE}}}font-pitch") == "fixed":
                    self.fixed_fonts.add(face.get(f"{{{STYLE}}}name", ""))
        # A document set in a typewriter font throughout has no code by its font.
        self.body_is_fixed = self.font("Standard") in self.fixed_fonts

    def chain(self, family: str, name: str | None) -> list[Any]:
        """The style and its parents, nearest first."""
        out: list[Any] = []
        while name and len(out) < _MAX_PARENTS:
            style = self.styles.get((family, name))
            if style is None or style in out:
                break
            out.append(style)
            name = style.get(f"{{{STYLE}}}parent-style-name")
        return out

    def block_kind(self, name: str | None) -> str | None:
        """ "title", "pre", "blockquote", "dt", "dd", "hr" or "address" for a paragraph style.

        A paragraph style in a fixed-pitch font (odfpy's "Example", a "Code" style) is
        preformatted text, unless the whole document is set in one.
        """
        for style in self.chain("paragraph", name):
            kind = _BLOCK_STYLES.get(style.get(f"{{{STYLE}}}name", ""))
            if kind:
                return kind
        if not self.body_is_fixed and self.font(name) in self.fixed_fonts:
            return "pre"
        return None

    def font(self, name: str | None) -> str | None:
        """The font a paragraph style sets, itself or through its parents."""
        for style in self.chain("paragraph", name):
            props = style.find(f"{{{STYLE}}}text-properties")
            if props is not None and props.get(f"{{{STYLE}}}font-name"):
                return props.get(f"{{{STYLE}}}font-name")
        return None

    def bold(self, name: str | None, family: str = "text") -> bool:
        """Whether text in style ``name`` is bold (a paragraph style's text properties for "paragraph")."""
        for style in self.chain(family, name):
            props = style.find(f"{{{STYLE}}}text-properties")
            weight = props.get(f"{{{FO}}}font-weight") if props is not None else None
            if weight:
                return weight == "bold" or (weight.isdigit() and int(weight) >= 600)
        return False

    def shifted(self, name: str | None) -> bool:
        """Whether text in style ``name`` is set above or below the line (superscript, subscript).

        ``style:text-position`` is "super", "sub" or a percentage of the font height
        (negative below the line), then an optional font size; "0%" is on the line.
        """
        for style in self.chain("text", name):
            props = style.find(f"{{{STYLE}}}text-properties")
            position = props.get(f"{{{STYLE}}}text-position") if props is not None else None
            if position:
                first = position.split()[0]
                return first in ("super", "sub") or first.rstrip("%").lstrip("+-").strip("0.") != ""
        return False

    def numbered(self, list_style: str | None, level: int) -> bool:
        """Whether a list at ``level`` (1 = outermost) of ``list_style`` is numbered."""
        listing = self.lists.get(list_style or "")
        if listing is None:
            return False
        for child in listing:
            if child.get(_t("level")) == str(level):
                return lxml.etree.QName(child).localname == "list-level-style-number" and bool(
                    child.get(f"{{{STYLE}}}num-format")
                )
        return False


class _Converter:
    """content.xml's office:text -> HTML elements (lxml.html builder)."""

    def __init__(self, styles: _StyleTable, depths: dict[int, int] | None = None) -> None:
        self.styles = styles
        self.depths = depths or {}
        self.notes: list[Any] = []

    # ------------------------------------------------------------------ blocks

    def blocks(self, parent: Any, list_style: str | None = None, depth: int = 0) -> list[Any]:
        """The HTML blocks for the block-level children of ``parent``, grouping definition terms."""
        out: list[Any] = []
        definitions: Any = None
        for child in parent:
            if not isinstance(child.tag, str) or child.tag in _SKIP:
                continue
            made = self.block(child, list_style, depth)
            for element in made:
                if element.tag in ("dt", "dd"):
                    if definitions is None:
                        definitions = E.DL()
                        out.append(definitions)
                    definitions.append(element)
                    continue
                definitions = None
                if element.tag == "pre" and out and out[-1].tag == "pre":
                    out[-1].append(E.BR())  # consecutive preformatted paragraphs are one block
                    _append_inline(out[-1], element)
                    continue
                if element.get("class") == "title" and out and out[-1].get("class") == "title":
                    _add_text(out[-1], " ")  # a title over several lines is one title
                    _append_inline(out[-1], element)
                    continue
                out.append(element)
        return out

    def block(self, element: Any, list_style: str | None, depth: int) -> list[Any]:
        tag = element.tag
        if tag == _t("h"):
            level = _outline_level(element)
            heading = E.E(f"h{self.depths.get(level, level)}")
            self.inline(heading, element)
            return [heading]
        if tag == _t("p"):
            kind = self.styles.block_kind(element.get(_t("style-name")))
            if kind == "hr":
                return [E.HR()]
            html_tag = {"title": "h1"}.get(kind or "", kind or "p")
            paragraph = E.E(html_tag, **({"class": "title"} if kind == "title" else {}))
            if html_tag == "p" and self.styles.bold(element.get(_t("style-name")), "paragraph"):
                strong = E.STRONG()  # a paragraph bold as a whole, as Word's bold runs are
                self.inline(strong, element)
                if len(strong) or (strong.text or "").strip():
                    paragraph.append(strong)
            else:
                self.inline(paragraph, element)
            return [paragraph]
        if tag == _t("list"):
            return [self.listing(element, list_style, depth + 1)]
        if tag == f"{{{TABLE}}}table":
            return [self.table(element)]
        if tag in _INDEXES:
            body = element.find(_t("index-body"))
            nav = E.NAV(*(self.blocks(body) if body is not None else []), **{"class": "toc"})
            return [nav]
        if tag == _t("section"):
            if element.get(_t("display")) == "none":
                return []
            return [E.DIV(*self.blocks(element, list_style, depth))]
        if tag == _t("bibliography"):  # a generated reference list: read, it is the document's
            body = element.find(_t("index-body"))
            return self.blocks(body) if body is not None else []
        if tag == f"{{{DRAW}}}frame":
            return self.frame(element)
        # Anything else (a container this reader does not know): its blocks, if it has any.
        return self.blocks(element, list_style, depth)

    def listing(self, element: Any, list_style: str | None, depth: int) -> Any:
        list_style = element.get(_t("style-name")) or list_style
        numbered = self.styles.numbered(list_style, depth)
        listing = E.OL() if numbered else E.UL()
        for item in element:
            if item.tag not in (_t("list-item"), _t("list-header")):
                continue
            li = E.LI()
            for block in self.blocks(item, list_style, depth):
                li.append(block)
            listing.append(li)
        return listing

    def table(self, element: Any) -> Any:
        table = E.TABLE()
        for row in element.iter(f"{{{TABLE}}}table-row"):
            if _ancestor_table(row) is not element:
                continue  # a nested table's row is read with that table
            tr = E.TR()
            for cell in row:
                if cell.tag == f"{{{TABLE}}}table-cell":
                    tr.append(E.TD(*self.blocks(cell)))
            table.append(tr)
        return table

    def frame(self, element: Any) -> list[Any]:
        """A frame's text box (a caption, a sidebar) is read; an image is not."""
        out: list[Any] = []
        for box in element.iter(f"{{{DRAW}}}text-box"):
            out.extend(self.blocks(box))
        return out

    # ------------------------------------------------------------------ inline

    def inline(self, target: Any, element: Any) -> None:
        """Append ``element``'s text and inline children to ``target`` (an HTML element)."""
        _add_text(target, element.text)
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else None
            if tag is None or tag in _SKIP:
                pass
            elif tag == _t("s"):
                _add_text(target, " ")
            elif tag == _t("tab"):
                _add_text(target, " ")
            elif tag == _t("line-break"):
                target.append(E.BR())
            elif tag in (_t("bookmark"), _t("bookmark-start")) and child.get(_t("name")):
                target.append(E.A(id=child.get(_t("name"))))  # a link target, for links to it
            elif tag == _t("note"):
                self.note(child)
            elif tag == _t("span") and self._number_mark(child, target):
                for mark in child.iter(_t("bookmark"), _t("bookmark-start")):  # a paragraph number's
                    if mark.get(_t("name")):  # link target stays, for links to the paragraph
                        target.append(E.A(id=mark.get(_t("name"))))
            elif tag == _t("span"):
                if self.styles.bold(child.get(_t("style-name"))):
                    strong = E.STRONG()
                    self.inline(strong, child)
                    target.append(strong)
                else:
                    self.inline(target, child)
            elif tag == _t("a"):
                link = E.A()
                href = child.get(f"{{{XLINK}}}href", "")
                if href and not href.lower().startswith(("javascript:", "vbscript:", "data:")):
                    link.set("href", href)
                self.inline(link, child)
                target.append(link)
            elif tag == _t("hidden-text") and child.get(_t("is-hidden")) == "true":
                pass
            elif tag == f"{{{DRAW}}}frame" or tag.startswith(f"{{{DRAW}}}"):
                pass  # an image or a drawing anchored in the text: not spoken
            else:
                self.inline(target, child)  # fields, references, ruby, bibliography marks: their text
            _add_text(target, child.tail)

    def _number_mark(self, span: Any, target: Any) -> bool:
        """Whether ``span`` is a number set above or below the line as a mark, not as part of a word.

        SiSU ends each paragraph and heading with its object number in a subscript ("Terms
        「12」"), and footnote marks typed by hand are superscript numbers ("as shown.³"): a
        listener hears them as words of the sentence or the title. A number against a letter
        or digit ("m²", "H₂O", "10⁶") belongs to that word unless brackets set it apart.
        """
        text = "".join(span.itertext())
        if not _NUMBER_MARK_RE.fullmatch(text) or not self.styles.shifted(span.get(_t("style-name"))):
            return False
        before = _text_before(target)
        return bool(_BRACKETED_RE.fullmatch(text)) or not before or not before[-1].isalnum()

    def note(self, element: Any) -> None:
        body = element.find(_t("note-body"))
        if body is None:
            return
        item = E.LI(*self.blocks(body))
        if len(item):
            self.notes.append(item)


def _ancestor_table(row: Any) -> Any:
    for ancestor in row.iterancestors(f"{{{TABLE}}}table"):
        return ancestor
    return None


def _text_before(target: Any) -> str:
    """The text ``target`` (an HTML element being filled) ends with so far."""
    for child in reversed(target):
        text = (child.text_content() or "") + (child.tail or "")
        if text:
            return text
    return target.text or ""


def _add_text(target: Any, text: str | None) -> None:
    if not text:
        return
    if len(target):
        last = target[-1]
        last.tail = (last.tail or "") + text
    else:
        target.text = (target.text or "") + text


def _append_inline(target: Any, source: Any) -> None:
    """Move ``source``'s text and children to the end of ``target``."""
    _add_text(target, source.text)
    for child in list(source):
        target.append(child)
