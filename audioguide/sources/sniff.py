"""Sources whose name does not say what they are: gzip files and files without an extension.

``FAQ.gz``, ``notes.txt.gz``, ``page.md.gz``, ``page.html.gz`` (Debian ships
its documentation like this) are decompressed, then read by the name inside
(``.txt``, ``.md``, ``.html``) or, without one, by their content; so are
``README`` and ``FAQ``: PDF when they start with ``%PDF-``, HTML when they
start like a web page, Markdown when they have Markdown headings or code
fences, else plain text. A zip file without an extension is a Word,
OpenDocument or EPUB document when its members say so (an EPUB's or ODT's
``mimetype``; a DOCX's ``[Content_Types].xml`` and ``word/document.xml``).
"""

from __future__ import annotations

import gzip
import io
import re
import zlib
from pathlib import Path
from typing import Literal

from audioguide.errors import SourceError
from audioguide.model.document import Document
from audioguide.sources.container import ZIP_MAGIC, open_container_bytes
from audioguide.sources.decode import MAX_SOURCE_BYTES, clean_text, decode_bytes, read_source_bytes

Kind = Literal["html", "markdown", "text", "pdf"]

GZIP_MAGIC = b"\x1f\x8b"
PDF_MAGIC = b"%PDF-"
_BY_SUFFIX: dict[str, Kind] = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".rmd": "markdown",
    ".qmd": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
}
_HTML_START_RE = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html\b)", re.I | re.S
)
_HTML_TAG_RE = re.compile(r"<(?:p|div|h[1-6]|body|head|ul|table)\b[^>]*>", re.I)
_MD_HEADING_RE = re.compile(r"^#{1,6}\s+\S", re.M)
_MD_FENCE_RE = re.compile(r"^\s*(```|~~~)", re.M)


def gunzip(data: bytes, name: str) -> bytes:
    """The decompressed bytes of a gzip file, with the same size limit as any source."""
    if not data.startswith(GZIP_MAGIC):
        raise SourceError(f"{name}: not a gzip file (the name ends in .gz but the data is not compressed)")
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
            out = handle.read(MAX_SOURCE_BYTES + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise SourceError(f"{name}: damaged gzip file ({exc})") from None
    if len(out) > MAX_SOURCE_BYTES:
        raise SourceError(f"{name}: too large once decompressed (limit {MAX_SOURCE_BYTES} bytes)")
    if not out.strip():
        raise SourceError(f"{name}: file is empty (once decompressed)")
    return out


def kind_by_content(text: str) -> Kind:
    """What a text is when its name does not say: HTML, Markdown or plain text."""
    head = text[:4096]
    if _HTML_START_RE.match(head) or len(_HTML_TAG_RE.findall(head)) >= 3:
        return "html"
    if len(_MD_HEADING_RE.findall(text)) >= 2 or _MD_FENCE_RE.search(text):
        return "markdown"
    return "text"


def load_by_content(path: Path, *, keep_furniture: bool = False) -> Document:
    """Parse a ``.gz`` or extension-less source: decompress, then by inner name or content."""
    name = str(path)
    data = read_source_bytes(path)
    if data.startswith(ZIP_MAGIC) and path.suffix.lower() != ".gz":
        return load_zip_document(data, name, keep_furniture=keep_furniture)
    inner = path.name
    if path.suffix.lower() == ".gz" or data.startswith(GZIP_MAGIC):
        data = gunzip(data, name)
        inner = inner[:-3] if inner.lower().endswith(".gz") else inner
    kind = _BY_SUFFIX.get(Path(inner).suffix.lower())
    if kind == "pdf" or (kind is None and data.startswith(PDF_MAGIC)):
        from audioguide.sources.pdf import parse_pdf_bytes

        return parse_pdf_bytes(data, source=name, keep_furniture=keep_furniture)
    if kind == "html":
        from audioguide.sources.html import parse_html_bytes

        return parse_html_bytes(data, source=name, keep_furniture=keep_furniture)
    text = clean_text(decode_bytes(data, name))
    if not text.strip():
        raise SourceError(f"{name}: file holds no text")
    kind = kind or kind_by_content(text)
    if kind == "html":
        from audioguide.sources.html import parse_html_text

        return parse_html_text(text, source=name, keep_furniture=keep_furniture)
    if kind == "markdown":
        from audioguide.sources.markdown import parse_markdown_text

        return parse_markdown_text(text, source=name, keep_furniture=keep_furniture)
    from audioguide.sources.plain import parse_plain_text

    return parse_plain_text(text, source=name, keep_furniture=keep_furniture)


def load_zip_document(data: bytes, name: str, *, keep_furniture: bool = False) -> Document:
    """A zip file whose name does not say what it is: an EPUB, an ODT or a DOCX by its members."""
    container = open_container_bytes(data, name=name, kind="document")
    mimetype = b""
    if container.has("mimetype"):
        mimetype = container.read("mimetype", limit=256).strip()
    if mimetype == b"application/epub+zip":
        from audioguide.sources.epub import parse_epub_container

        return parse_epub_container(container, keep_furniture=keep_furniture)
    if mimetype == b"application/vnd.oasis.opendocument.text":
        from audioguide.sources.odt import parse_odt_container

        return parse_odt_container(container, keep_furniture=keep_furniture)
    if container.has("[Content_Types].xml") and container.has("word/document.xml"):
        from audioguide.sources.docx import parse_docx_container

        return parse_docx_container(container, keep_furniture=keep_furniture)
    what = f" ({mimetype.decode('ascii', 'replace')})" if mimetype else ""
    raise SourceError(
        f"{name}: a zip file{what} that is not a Word (.docx), OpenDocument text (.odt) or EPUB document"
    )
