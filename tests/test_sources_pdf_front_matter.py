"""PDF front matter: a cover and a title the bookmarks name are no sections, and a contents list
is not read whether its page numbers follow the dot leaders or stand in a column of their own.

Each rule has a small PDF built here for exactly that, and an assert on the real document
that shows it (tests/data/real/, outlines written before the reader ran on them).
"""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
from cli_helpers import read_document
from pdf_helpers import HEIGHT, Text, paragraph, pdf_bytes
from pypdf.generic import Fit

from audioguide.model.document import is_subheading
from audioguide.sources.load import load_source

REAL = Path(__file__).parent / "data" / "real"
BODY = [
    "Widgets come in boxes of ten, each wrapped in paper that keeps the dust out of them.",
    "Open the box with care and lay the widgets on a clean cloth before you count them.",
    "A widget that rattles when you shake it is broken and should go back to the shop.",
]


def with_bookmarks(data: bytes, marks: list[tuple[str, int, int, float]]) -> bytes:
    """``data`` with an outline: (title, level, page from 1, where it points from the top)."""
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(data))
    parents: dict[int, object] = {}
    for title, level, page, top in marks:
        parent = parents.get(level - 1)
        parents[level] = writer.add_outline_item(
            title=title, page_number=page - 1, parent=parent, fit=Fit.xyz(72, HEIGHT - top)
        )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def tracks_and_text(path: Path) -> tuple[list[str], dict[str, list[str]], str]:
    """The tracks' titles, each track's spoken sub-headings, and all the text the tracks speak."""
    doc = load_source(path).document
    titles = [c.title for c in doc.chapters]
    subheadings = {c.title: [p for p in c.paragraphs if is_subheading(p)] for c in doc.chapters}
    text = " ".join(" ".join(c.paragraphs) for c in doc.chapters)
    return titles, subheadings, text


# --------------------------------------------------------------------------- cover bookmarks


def covered_manual(tmp_path: Path) -> Path:
    """A manual whose outline has a "Title Page" bookmark for its cover and puts every section
    under a bookmark of the document's title (as groff's mom macros and some LaTeX classes do)."""
    cover = [
        Text(72, 200, "A Guide to Widgets", 20, "F2"),
        *paragraph(72, 300, ["This guide is free: copy it and share it under the licence", "found online."]),
    ]
    first = [
        Text(72, 90, "A Guide to Widgets", 20, "F2"),
        Text(72, 140, "1. Unpacking", 14, "F2"),
        *paragraph(72, 165, BODY),
        Text(72, 240, "2. Using widgets", 14, "F2"),
        *paragraph(72, 265, BODY),
    ]
    second = [
        Text(72, 90, "2.1. Turning a widget", 12, "F2"),
        *paragraph(72, 115, BODY),
        Text(72, 190, "2.2. Storing a widget", 12, "F2"),
        *paragraph(72, 215, BODY),
        Text(72, 290, "3. Getting help", 14, "F2"),
        *paragraph(72, 315, BODY),
    ]
    data = pdf_bytes([cover, first, second], title="A Guide to Widgets")
    marks = [
        ("Title Page: A Guide to Widgets", 1, 1, 180),
        ("A Guide to Widgets", 1, 2, 70),
        ("1. Unpacking", 2, 2, 125),
        ("2. Using widgets", 2, 2, 225),
        ("2.1. Turning a widget", 3, 3, 75),
        ("2.2. Storing a widget", 3, 3, 175),
        ("3. Getting help", 2, 3, 275),
    ]
    path = tmp_path / "widgets.pdf"
    path.write_bytes(with_bookmarks(data, marks))
    return path


def test_a_cover_and_a_title_bookmark_are_no_sections_and_their_children_move_up(tmp_path: Path) -> None:
    """The cover's bookmark is no track and its page (a licence notice under the title) is not
    read; the bookmark of the title above all sections is no chapter either: its sections are
    the chapters, their subsections tracks grouped under them."""
    titles, subheadings, text = tracks_and_text(covered_manual(tmp_path))
    assert titles == ["Unpacking", "Using widgets", "Getting help"]
    assert subheadings["Using widgets"] == ["Turning a widget", "Storing a widget"]
    assert "licence" not in text and "A Guide to Widgets" not in text


def test_groff_mom_cover_bookmark_is_no_track() -> None:
    """groff-mom-pdf.pdf: "Title Page: Producing PDFs with groff and mom" and the title's own
    bookmark above "1. Introduction" ... are no tracks; sections 1-7 are the chapters and 3.1 ...
    their tracks."""
    doc = read_document(REAL / "groff-mom-pdf.pdf").document
    titles = [c.title for c in doc.chapters]
    assert not any("Title Page" in t for t in titles)
    assert titles[0] == "Introduction"
    groups = {c.title: c.group for c in doc.chapters}
    assert groups["Creating internal links"] == "Creating PDF links with mom"
    assert groups["Using groff to generate PDF files"] is None


# --------------------------------------------------------------------------- contents lists

CHAPTERS = [
    ("1", "Unpacking", ["1.1 The box", "1.2 The cloth"]),
    ("2", "Using widgets", ["2.1 Turning", "2.2 Storing"]),
    ("3", "Getting help", ["3.1 The shop", "3.2 The makers"]),
]


def contents_apart(tmp_path: Path) -> Path:
    """A LaTeX-style contents page: bold chapter entries without leaders, section entries with
    leaders, and every page number right-aligned in a column of its own (as dvipdfm sets it)."""
    contents = [Text(72, 90, "Contents", 18, "F2")]
    y, page = 130.0, 2
    for number, chapter, sections in CHAPTERS:
        contents += [Text(72, y, f"{number} {chapter}", 11, "F2"), Text(500, y, str(page), 11, "F2")]
        y += 16
        for section in sections:
            leaders = ". " * int((470 - 88 - 6 * len(section)) / 6.1)  # up to 470 pt, short of the number
            contents += [Text(88, y, f"{section} {leaders}", 11), Text(500, y, str(page), 11)]
            y += 16
        y += 10
        page += 1
    body = []
    for number, chapter, sections in CHAPTERS:
        texts = [Text(72, 90, f"{number}. {chapter}", 18, "F2"), *paragraph(72, 120, BODY)]
        y = 190.0
        for section in sections:
            texts += [Text(72, y, section, 13, "F2"), *paragraph(72, y + 25, BODY)]
            y += 100
        body.append(texts)
    path = tmp_path / "widgets.pdf"
    path.write_bytes(pdf_bytes([contents, *body], title="A Guide to Widgets"))
    return path


def test_contents_whose_page_numbers_stand_apart_are_not_read(tmp_path: Path) -> None:
    """Leaders that run out with no number after them, the numbers in a column apart, and the
    chapters' entries among them without leaders: all one contents list, not read, no track."""
    titles, _, text = tracks_and_text(contents_apart(tmp_path))
    headings = [
        name.split(" ", 1)[1] for _, chapter, sections in CHAPTERS for name in (f"0 {chapter}", *sections)
    ]
    assert titles == headings
    assert ". . ." not in text


def test_ctsim_contents_are_not_read() -> None:
    """ctsim.pdf (dvipdfm): three contents pages whose page numbers are a column apart; none of
    its entries is read and no chapter entry ("2 Concepts") is a track."""
    doc = read_document(REAL / "ctsim.pdf").document
    text = " ".join(" ".join(c.paragraphs) for c in doc.chapters)
    assert ". . . . ." not in text
    assert "Conceptual Overview" not in [c.title for c in doc.chapters[:4]]
    contents = [d.text for d in doc.dropped if d.reason.startswith("table of contents")]
    assert any(" ".join(t.split()).startswith("Contents 1 Introduction 2 Concepts") for t in contents)


def test_an_outline_of_only_the_title_leaves_the_headings_to_the_type(tmp_path: Path) -> None:
    """A PDF whose one bookmark is its title says nothing of its sections: its headings are
    found by their type, as in a PDF without bookmarks."""
    pages = [
        [
            Text(72, 90, "A Guide to Widgets", 20, "F2"),
            Text(72, 140, "Unpacking", 15, "F2"),
            *paragraph(72, 165, BODY),
            Text(72, 240, "Using widgets", 15, "F2"),
            *paragraph(72, 265, BODY),
        ],
        [Text(72, 90, "Getting help", 15, "F2"), *paragraph(72, 115, BODY)],
    ]
    path = tmp_path / "widgets.pdf"
    path.write_bytes(
        with_bookmarks(pdf_bytes(pages, title="A Guide to Widgets"), [("A Guide to Widgets", 1, 1, 70)])
    )
    titles, _, text = tracks_and_text(path)
    assert titles == ["Unpacking", "Using widgets", "Getting help"]
    assert "A Guide to Widgets" not in text
