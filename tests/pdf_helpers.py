"""Small PDFs written byte by byte for the PDF reader's tests: text at given places in the
standard fonts (Helvetica, Helvetica-Bold, Courier, ZapfDingbats), letter-spaced or not, with
optional ruled lines and an optional metadata title.

Real documents are the standard (tests/data/real/); these exist for what no real document
here shows on its own (a word broken at a line end, a page that is only a picture, a
password), each built to hold exactly one such thing.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT = 612, 792
FONTS = {"F1": "Helvetica", "F2": "Helvetica-Bold", "F3": "Courier", "F4": "ZapfDingbats"}


@dataclass(frozen=True)
class Text:
    """``text`` set at ``x`` points from the left, its baseline ``y`` points from the top;
    ``spacing`` points added after each character (letter-spacing, the PDF's ``Tc``)."""

    x: float
    y: float
    text: str
    size: float = 11.0
    font: str = "F1"
    spacing: float = 0.0


# A rule drawn from (x0, y0) to (x1, y1), in points from the top left.
Rule = tuple[float, float, float, float]


def _escape(text: str) -> bytes:
    data = text.encode("cp1252")
    return data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def pdf_bytes(
    pages: list[list[Text]], *, title: str | None = None, rules: dict[int, list[Rule]] | None = None
) -> bytes:
    """A PDF with one page per list of texts; ``rules``: lines drawn on a page (by its index)."""
    objects: list[bytes] = []  # object n is objects[n - 1]

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below
    pages_id = add(b"")
    font_ids = {
        name: add(f"<< /Type /Font /Subtype /Type1 /BaseFont /{base} /Encoding /WinAnsiEncoding >>".encode())
        for name, base in FONTS.items()
    }
    fonts = " ".join(f"/{name} {ref} 0 R" for name, ref in font_ids.items())
    kids = []
    for index, texts in enumerate(pages):
        stream = b"".join(
            b"BT /%s %.2f Tf %s%.2f %.2f Td (%s) Tj ET\n"
            % (
                t.font.encode(),
                t.size,
                b"%.2f Tc " % t.spacing if t.spacing else b"",
                t.x,
                HEIGHT - t.y,
                _escape(t.text),
            )
            for t in texts
        )
        stream += b"".join(
            b"0.5 w %.2f %.2f m %.2f %.2f l S\n" % (x0, HEIGHT - y0, x1, HEIGHT - y1)
            for x0, y0, x1, y1 in (rules or {}).get(index, [])
        )
        content = add(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        kids.append(
            add(
                f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 {WIDTH} {HEIGHT}] "
                f"/Resources << /Font << {fonts} >> >> /Contents {content} 0 R >>".encode()
            )
        )
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {pages_id} 0 R >>".encode()
    objects[pages_id - 1] = (
        f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()
    )
    info = add(b"<< /Title (%s) >>" % _escape(title)) if title is not None else None
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    trailer = f"<< /Size {len(objects) + 1} /Root {catalog} 0 R"
    trailer += f" /Info {info} 0 R >>" if info else " >>"
    out += b"trailer\n%s\nstartxref\n%d\n%%%%EOF\n" % (trailer.encode(), xref)
    return bytes(out)


def paragraph(
    x: float, y: float, lines: list[str], *, size: float = 11.0, leading: float = 14.0
) -> list[Text]:
    """Lines of a paragraph, one under the other."""
    return [Text(x, y + i * leading, line, size) for i, line in enumerate(lines)]
