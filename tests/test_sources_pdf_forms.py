"""PDF forms and the typography they share with other print documents: a title that is a file
name, letter-spaced headings, Dingbats bullets, text framed by rules, a title over numbered
sections, the last page's own footer. Each rule on a small PDF built here, and on the real
form that shows them all (tests/data/real/DE_BMJ-Vorsorgevollmacht_Vorlage-11_2009.pdf).
"""

from __future__ import annotations

from pathlib import Path

from pdf_helpers import Text, paragraph, pdf_bytes

from audioguide.model.document import Document
from audioguide.sources.load import load_source

SENTENCES = [
    "The person named here may decide on every matter of my health care, and on",
    "the details of care at home or in a nursing home. She may see my records.",
]


def load(tmp_path: Path, pages: list[list[Text]], **options: object) -> Document:
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf_bytes(pages, **options))  # type: ignore[arg-type]
    return load_source(path).document


def said(doc: Document) -> list[str]:
    """The chapter titles and paragraphs, as the guide reads them."""
    return [str(part) for chapter in doc.chapters for part in (chapter.title, *chapter.paragraphs)]


def sections(number: int, top: float = 100.0, *, numbered: bool = True) -> list[Text]:
    """``number`` bold headings, each over two lines of prose."""
    out: list[Text] = []
    for index in range(number):
        y = top + index * 80
        name = f"{index + 1}. Section {index + 1}" if numbered else f"Section {index + 1}"
        out += [Text(72, y, name, 11, "F2"), *paragraph(72, y + 22, SENTENCES)]
    return out


# ---------------------------------------------------------------- letters


def test_a_letter_spaced_heading_is_read_as_words(tmp_path: Path) -> None:
    """Letter-spaced type puts a word space or more between letters: only a gap clearly wider
    than the usual one is a word space ("S U M M A R Y" is "SUMMARY")."""
    page = [
        Text(72, 60, "Your care plan", 20, "F2"),
        Text(72, 100, "SUMMARY", 11, "F2", spacing=5.0),  # no space characters at all
        *paragraph(72, 122, SENTENCES),
        Text(72, 180, "Post and telephone", 11, "F2", spacing=1.8),  # spaces, spaced out further
        *paragraph(72, 202, SENTENCES),
    ]
    titles = [c.title for c in load(tmp_path, [page]).chapters]
    assert titles == ["SUMMARY", "Post and telephone"]


def test_letters_of_a_dingbats_font_are_bullets_not_words(tmp_path: Path) -> None:
    """ZapfDingbats' square bullet decodes as "n": it marks an item, and alone it is not read."""
    page = [
        Text(72, 60, "Your care plan", 20, "F2"),
        Text(72, 100, "n", 11, "F4"),
        Text(86, 100, "She may open my post.", 11),
        Text(72, 130, "n", 11, "F4"),  # an empty item to fill in
        *paragraph(72, 160, SENTENCES),
    ]
    text = said(load(tmp_path, [page]))
    assert "She may open my post." in text
    assert not [part for part in text if part == "n" or part.startswith("n ")]


# ---------------------------------------------------------------- running footers


def test_the_last_pages_own_footer_is_furniture(tmp_path: Path) -> None:
    """ "Last page" where the pages before print "Continued on page N" is the same footer."""
    pages = []
    for number in range(1, 5):
        footer = f"Continued on page {number + 1}" if number < 4 else "Last page"
        pages.append([*sections(3, 100), Text(450, 770, footer, 10)])
    pages[0].insert(0, Text(72, 60, "Your care plan", 20, "F2"))
    text = " ".join(said(load(tmp_path, pages)))
    assert "Last page" not in text and "Continued on" not in text
