"""PDF forms and the typography they share with other print documents: a title that is a file
name, letter-spaced headings, Dingbats bullets, text framed by rules, a title over numbered
sections, the last page's own footer. Each rule on a small PDF built here, and on the real
form that shows them all (tests/data/real/DE_BMJ-Vorsorgevollmacht_Vorlage-11_2009.pdf).
"""

from __future__ import annotations

from pathlib import Path

from cli_helpers import read_document
from pdf_helpers import Rule, Text, paragraph, pdf_bytes

from audioguide.model.document import Document
from audioguide.sources.load import load_source

REAL = Path(__file__).parent / "data" / "real"
FORM = REAL / "DE_BMJ-Vorsorgevollmacht_Vorlage-11_2009.pdf"

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


# ---------------------------------------------------------------- the title


def test_a_metadata_title_of_words_joined_by_underscores_is_a_file_name(tmp_path: Path) -> None:
    """ "Care_Plan_Form_2019 1" (a file's name with a copy number) is not read as the title: the
    large title on the first page is."""
    page = [Text(72, 80, "Your care plan", 20, "F2"), *sections(3, 130)]
    doc = load(tmp_path, [page], title="Care_Plan_Form_2019 1")
    assert doc.title == "Your care plan"


def test_a_title_that_names_an_identifier_is_still_a_title(tmp_path: Path) -> None:
    page = [Text(72, 80, "Your care plan", 20, "F2"), *sections(3, 130)]
    doc = load(tmp_path, [page], title="Reading data with read_csv")
    assert doc.title == "Reading data with read_csv"


def test_an_unnumbered_heading_over_numbered_sections_is_the_title(tmp_path: Path) -> None:
    """A form or a policy sets its title in the body's size; the numbered sections under it set
    it apart. Its text before the first section is the introduction."""
    page = [Text(72, 60, "CONSENT", 11, "F2"), *paragraph(72, 82, SENTENCES), *sections(4, 140)]
    doc = load(tmp_path, [page])
    assert doc.title == "CONSENT"
    assert "CONSENT" not in [c.title for c in doc.chapters]
    assert [c.title for c in doc.chapters][-4:] == [f"Section {n}" for n in range(1, 5)]


def test_headings_none_of_them_numbered_give_no_title(tmp_path: Path) -> None:
    page = [
        Text(72, 60, "Welcome", 11, "F2"),
        *paragraph(72, 82, SENTENCES),
        *sections(4, 140, numbered=False),
    ]
    doc = load(tmp_path, [page])
    assert doc.title != "Welcome"


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


# ---------------------------------------------------------------- rules around the text


def framed(top: float, bottom: float, dividers: list[float]) -> list[Rule]:
    """A frame from ``top`` to ``bottom`` across the text, with rules across it at ``dividers``."""
    left, right = 60.0, 540.0
    frame = [(left, top, right, top), (left, bottom, right, bottom), (left, top, left, bottom)]
    frame.append((right, top, right, bottom))
    return frame + [(left, y, right, y) for y in dividers]


def test_paragraphs_framed_by_rules_are_read(tmp_path: Path) -> None:
    """A form's sections between rules make a one-column grid and a drawing full of lines: the
    sentences in it are neither a table nor a picture's labels."""
    page = [Text(72, 60, "Your care plan", 20, "F2"), *sections(4, 110)]
    doc = load(tmp_path, [page], rules={0: framed(90, 420, [170, 250, 330, 345, 360, 375])})
    text = said(doc)
    assert [c.title for c in doc.chapters][-4:] == [f"Section {n}" for n in range(1, 5)]
    assert sum(SENTENCES[0] in part for part in text) == 4


def test_a_one_column_grid_of_short_items_is_still_a_table(tmp_path: Path) -> None:
    items = [Text(72, 112 + 20 * n, f"{2010 + n}  {n * 7}.5", 11) for n in range(6)]
    page = [Text(72, 60, "Your care plan", 20, "F2"), *paragraph(72, 80, SENTENCES), *items]
    page += [*paragraph(72, 250, SENTENCES)]
    doc = load(tmp_path, [page], rules={0: framed(98, 218, [118, 138, 158, 178, 198])})
    assert not [part for part in said(doc) if "2012" in part]


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


# ---------------------------------------------------------------- the real form


def test_the_real_form_reads_its_sections() -> None:
    """The ministry's form: its ruled sections read, its letter-spaced headings as words, its
    heading over the numbered sections as the title, no Dingbats "n", no last-page footer."""
    doc = read_document(FORM).document
    assert doc.title == "VOLLMACHT"
    titles = [c.title for c in doc.chapters]
    for name in ("Gesundheitssorge/Pflegebedürftigkeit", "Post und Fernmeldeverkehr", "Untervollmacht"):
        assert name in titles
    text = said(doc)
    assert not [part for part in text if part == "n" or part.startswith("n ")]
    assert not [part for part in text if "letzte Seite" in part]
    assert any("Sie darf Krankenunterlagen einsehen" in part for part in text)
