"""Word documents (.docx): mammoth's HTML, read by the HTML reader.

mammoth turns the document into plain semantic HTML (headings, paragraphs,
lists, tables, footnotes at the end); the structure is then read by
:func:`audioguide.sources.html.parse_html_text`, the same rules as for any web
page. What mammoth cannot know is supplied here:

* headings by the paragraph style's *outline level* (``w:outlineLvl`` in
  ``styles.xml``, inherited through ``w:basedOn``; the built-in "heading N"
  styles have level N), not by the style's name: a Word set to French writes
  its headings in "Titre 1", a German one in "Überschrift 1", a template in
  "Kapitel"; the Title style is the document's title heading;
* the title from the core properties (``docProps/core.xml`` ``dc:title``),
  given to the HTML reader as a web page gives it: the page's ``<title>`` and,
  unless the text has a Title paragraph of its own, an ``<h1>`` above the
  text; without one the HTML reader's own rule picks it (the first heading);
* images are not spoken: mammoth's image becomes an ``<img>`` with its alt
  text only (the picture itself is never decoded).
"""

from __future__ import annotations

import html
import logging
import re
import zipfile
import zlib
from pathlib import Path
from xml.parsers.expat import ExpatError

import lxml.etree

from audioguide.errors import SourceError
from audioguide.model.document import Document
from audioguide.sources.container import (
    ZipContainer,
    member_path,
    metadata_title,
    open_container,
    read_converted,
    with_article,
)

logger = logging.getLogger(__name__)

KIND = "Word document"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
_DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"
_BUILTIN_HEADING_RE = re.compile(r"^heading ([1-9])$", re.IGNORECASE)
BODY_TEXT_LEVEL = 9  # w:outlineLvl 9: "body text", no outline level
_MAX_BASED_ON = 32  # a basedOn chain longer than this is a loop


def parse_docx(path: Path, *, keep_furniture: bool = False) -> Document:
    """Parse a .docx file into a :class:`Document` (through mammoth's HTML and the HTML reader)."""
    return parse_docx_container(open_container(path, kind=KIND), keep_furniture=keep_furniture)


def parse_docx_container(container: ZipContainer, *, keep_furniture: bool = False) -> Document:
    html_text = docx_html(container)
    return read_converted(html_text, container, keep_furniture=keep_furniture)


def docx_html(container: ZipContainer) -> str:
    """The document as one HTML page: ``<title>`` from the core properties, the body in ``<main>``."""
    import io

    import mammoth

    main_part = _main_part(container)
    styles = container.read_optional(_styles_part(container, main_part), what="the styles (styles.xml)")
    style_map = "\n".join(style_map_lines(styles, container.name)) if styles else ""
    try:
        result = mammoth.convert_to_html(
            io.BytesIO(container.data),
            style_map=style_map,
            convert_image=mammoth.images.img_element(lambda image: {}),
            external_file_access=False,  # a linked picture never opens a file on this machine
        )
    except _DAMAGED as exc:  # a member that does not inflate, fails its CRC or is not XML
        raise SourceError(f"{container.name}: damaged {KIND} ({_problem(exc)})") from None
    for message in result.messages:
        logger.info("%s: %s", container.name, message.message)
    body = _without_note_links(result.value)
    title = core_title(container)
    head = f"<title>{html.escape(title)}</title>" if title else ""
    # Shown above the text as a web page shows its <title>, unless the text has its own Title.
    shown = f"<h1>{html.escape(title)}</h1>" if title and '<h1 class="title">' not in body else ""
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8">{head}</head>'
        f"<body><main>{shown}{body}</main></body></html>"
    )


# What mammoth raises on a damaged file: zlib and zipfile errors from the members it reads,
# expat's from their XML, and its own lookups failing on parts that are not what they say.
_DAMAGED = (
    zlib.error,
    zipfile.BadZipFile,
    EOFError,
    ExpatError,
    KeyError,
    ValueError,
    OSError,
    IndexError,
    AttributeError,
    TypeError,
)


def _problem(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:200]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def style_map_lines(styles_xml: bytes, name: str) -> list[str]:
    """mammoth style-map lines giving every paragraph style its heading level, by outline level.

    ``p.ID => hN:fresh`` for a style at outline level N-1 (own or inherited through
    ``w:basedOn``; a built-in "heading N" without one is at N-1); the Title style is h1
    (Title paragraphs in a row are one h1);
    a style explicitly at body-text level is a paragraph even if mammoth's default map
    would make it a heading by its name. Levels below 6 are h6 (HTML has no h7).
    """
    root = _xml(styles_xml, name, "styles.xml")
    styles: dict[str, lxml.etree._Element] = {}
    for style in root.iter(f"{W}style"):
        if style.get(f"{W}type") == "paragraph" and style.get(f"{W}styleId"):
            styles[style.get(f"{W}styleId")] = style
    lines = []
    for style_id in styles:
        kind = _style_kind(style_id, styles)
        selector = f"p.{_escape_identifier(style_id)}"
        if kind == "title":  # one title for several Title paragraphs in a row
            lines.append(f"{selector} => h1.title:separator(' ')")
        elif isinstance(kind, int) and kind < BODY_TEXT_LEVEL:
            lines.append(f"{selector} => h{min(kind + 1, 6)}:fresh")
        elif kind == BODY_TEXT_LEVEL:
            lines.append(f"{selector} => p:fresh")
    return lines


def _style_kind(style_id: str, styles: dict[str, lxml.etree._Element]) -> int | str | None:
    """The outline level (0-9) of a paragraph style, "title" for the Title style, else None."""
    seen: set[str] = set()
    current: str | None = style_id
    while current and current in styles and current not in seen and len(seen) < _MAX_BASED_ON:
        seen.add(current)
        style = styles[current]
        level = style.find(f"{W}pPr/{W}outlineLvl")
        if level is not None:
            try:
                return max(0, min(int(level.get(f"{W}val", "")), BODY_TEXT_LEVEL))
            except ValueError:
                pass
        name_element = style.find(f"{W}name")
        style_name = (name_element.get(f"{W}val") or "").strip() if name_element is not None else ""
        builtin = _BUILTIN_HEADING_RE.match(style_name)
        if builtin:
            return int(builtin.group(1)) - 1
        if style_name.lower() == "title":
            return "title"
        based_on = style.find(f"{W}basedOn")
        current = based_on.get(f"{W}val") if based_on is not None else None
    return None


def _escape_identifier(style_id: str) -> str:
    """A style id as a mammoth style-map identifier (letters, digits, "-", "_"; the rest escaped)."""
    out = []
    for index, char in enumerate(style_id):
        if char.isascii() and (char.isalpha() or char in "-_" or (char.isdigit() and index)):
            out.append(char)
        else:
            out.append("\\" + char)
    return "".join(out)


def core_title(container: ZipContainer) -> str | None:
    """The title in the document's core properties (``dc:title``), or None if empty or a file name."""
    data = container.read_optional("docProps/core.xml", what="the core properties (docProps/core.xml)")
    if not data:
        return None
    try:
        root = _xml(data, container.name, "docProps/core.xml")
    except SourceError:
        logger.info("%s: unreadable core properties ignored", container.name)
        return None
    return metadata_title(root.findtext(_DC_TITLE))


def _main_part(container: ZipContainer) -> str:
    """The main document part (``word/document.xml`` unless the package relationships say otherwise)."""
    part = "word/document.xml"
    rels = container.read_optional("_rels/.rels", what="the package relationships (_rels/.rels)")
    if rels:
        for target in _targets(rels, container.name, "_rels/.rels", _OFFICE_DOCUMENT):
            found = member_path("", target.lstrip("/"))
            if found and container.has(found):
                part = found
                break
    if not container.has(part):
        raise SourceError(
            f"{container.name}: not {with_article(KIND)} (it has no {part}, the document's text)"
        )
    return part


def _styles_part(container: ZipContainer, main_part: str) -> str:
    folder, _, base = main_part.rpartition("/")
    rels_name = f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"
    rels = container.read_optional(rels_name)
    if rels:
        for target in _targets(rels, container.name, rels_name, _STYLES):
            found = member_path(main_part, target) if not target.startswith("/") else target.lstrip("/")
            if found and container.has(found):
                return found
    return "word/styles.xml"


def _targets(rels: bytes, name: str, member: str, kind: str) -> list[str]:
    root = _xml(rels, name, member)
    return [r.get("Target", "") for r in root.iter(f"{_REL}Relationship") if r.get("Type") == kind]


def _xml(data: bytes, name: str, member: str) -> lxml.etree._Element:
    """A part as XML, without resolving entities or fetching anything."""
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        return lxml.etree.fromstring(data, parser)
    except lxml.etree.XMLSyntaxError as exc:
        raise SourceError(f"{name}: damaged {KIND} ({member}: {exc})") from None


_NOTE_LINK_RE = re.compile(
    r'<sup><a href="#(?:footnote|endnote)-[^"]*" id="(?:footnote|endnote)-ref-[^"]*">\[\d+\]</a></sup>'
    r'|\s*<a href="#(?:footnote|endnote)-ref-[^"]*">\u2191</a>'
)


def _without_note_links(body: str) -> str:
    """mammoth's footnote markers ("[1]" in the text, "↑" back links) are for eyes, not ears:
    the notes themselves stay, as a numbered list at the end."""
    return _NOTE_LINK_RE.sub("", body)
