"""Small DOCX, ODT and EPUB files written by hand in a test's tmp_path (zipfile + XML).

Only for what no real document in tests/data/real/ shows (a localized heading style,
a damaged or hostile container); every builder says what it leaves out.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)


def docx_paragraph(text: str, style: str | None = None, *, bold: bool = False) -> str:
    """One ``w:p``: in paragraph style ``style`` (a style id), its run bold or not."""
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:p>{ppr}<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def docx_style(style_id: str, name: str, *, outline: int | None = None, based_on: str | None = None) -> str:
    """One paragraph ``w:style`` with a display name, an outline level and a parent, as Word writes them."""
    parts = [f'<w:style w:type="paragraph" w:styleId="{style_id}"><w:name w:val="{escape(name)}"/>']
    if based_on:
        parts.append(f'<w:basedOn w:val="{based_on}"/>')
    if outline is not None:
        parts.append(f'<w:pPr><w:outlineLvl w:val="{outline}"/></w:pPr>')
    parts.append("</w:style>")
    return "".join(parts)


def write_docx(
    path: Path,
    body: list[str],
    *,
    styles: list[str] = (),
    title: str | None = None,
    footnotes: list[str] = (),
) -> Path:
    """A minimal .docx: [Content_Types].xml, the package relationships, document.xml, styles.xml,
    and, when given, core properties and footnotes (each footnote's text, referenced in order)."""
    document = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W_NS}"><w:body>'
        + "".join(body)
        + "</w:body></w:document>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", PACKAGE_RELS)
        z.writestr("word/document.xml", document)
        z.writestr(
            "word/styles.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><w:styles xmlns:w="{W_NS}">{"".join(styles)}</w:styles>',
        )
        if footnotes:
            notes = "".join(
                f'<w:footnote w:id="{n}"><w:p><w:r><w:t>{escape(text)}</w:t></w:r></w:p></w:footnote>'
                for n, text in enumerate(footnotes, start=1)
            )
            z.writestr(
                "word/footnotes.xml",
                f'<?xml version="1.0" encoding="UTF-8"?><w:footnotes xmlns:w="{W_NS}">{notes}</w:footnotes>',
            )
        if title is not None:
            z.writestr(
                "docProps/core.xml",
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
                'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
                f"<dc:title>{escape(title)}</dc:title></cp:coreProperties>",
            )
    return path


def footnote_reference(number: int) -> str:
    """A run that references footnote ``number`` (as Word writes it in document.xml)."""
    return f'<w:r><w:footnoteReference w:id="{number}"/></w:r>'


def write_epub(
    path: Path, chapters: dict[str, str], *, spine: list[str] | None = None, title: str = "Book"
) -> Path:
    """A minimal EPUB 2: mimetype, container.xml, an OPF whose manifest lists ``chapters``
    (name -> XHTML body) and whose spine is ``spine`` (manifest hrefs; default: the chapters)."""
    spine = list(chapters) if spine is None else spine
    hrefs = list(dict.fromkeys([*chapters, *spine]))
    items = "".join(
        f'<item id="i{n}" href="{escape(href)}" media-type="application/xhtml+xml"/>'
        for n, href in enumerate(hrefs)
    )
    refs = "".join(f'<itemref idref="i{hrefs.index(href)}"/>' for href in spine)
    opf = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<package xmlns="http://www.idpf.org/2007/opf" version="2.0" unique-identifier="id">'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>{escape(title)}</dc:title><dc:language>en</dc:language></metadata>"
        f"<manifest>{items}</manifest><spine>{refs}</spine></package>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        z.writestr(
            "META-INF/container.xml",
            '<?xml version="1.0"?><container version="1.0" '
            'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
            '<rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
            "</rootfiles></container>",
            compress_type=zipfile.ZIP_DEFLATED,
        )
        z.writestr("OEBPS/content.opf", opf, compress_type=zipfile.ZIP_DEFLATED)
        for name, body in chapters.items():
            z.writestr(
                f"OEBPS/{name}",
                '<?xml version="1.0" encoding="UTF-8"?><html xmlns="http://www.w3.org/1999/xhtml">'
                f"<head><title>{escape(name)}</title></head><body>{body}</body></html>",
                compress_type=zipfile.ZIP_DEFLATED,
            )
    return path


ODF_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"'
)


def write_odt(path: Path, body: str, *, automatic_styles: str = "", title: str | None = None) -> Path:
    """A minimal .odt: mimetype, content.xml with ``body`` as its office:text (ODF XML written by
    hand, with the office/text/style prefixes), and meta.xml with ``title`` when given."""
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODF_NAMESPACES} office:version="1.2">'
        f"<office:automatic-styles>{automatic_styles}</office:automatic-styles>"
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", content)
        if title is not None:
            z.writestr(
                "meta.xml",
                f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {ODF_NAMESPACES}>'
                f"<office:meta><dc:title>{escape(title)}</dc:title></office:meta></office:document-meta>",
            )
    return path
