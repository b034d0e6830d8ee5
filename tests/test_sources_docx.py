"""Word documents (.docx) read through mammoth's HTML and the one HTML reader.

The real documents are in tests/data/real/ (origin in SOURCES.md); what each test checks was
read from the document's own word/document.xml, styles.xml and docProps/core.xml.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from audioguide.model.document import ChapterKind, Document, is_subheading
from audioguide.sources.load import load_source
from tests.cli_helpers import invoke
from tests.zip_documents import docx_paragraph, docx_style, footnote_reference, write_docx

REAL = Path(__file__).parent / "data" / "real"


def headings(document: Document) -> list[str]:
    """Every heading a listener hears, in order: topic groups, track titles and the sub-headings inside tracks."""
    out: list[str] = []
    group = None
    for chapter in document.chapters:
        if chapter.group and chapter.group != group and chapter.group not in out + [chapter.title]:
            out.append(chapter.group)  # a topic, once (as its own track's title when it has one)
        group = chapter.group
        if chapter.kind != ChapterKind.INTRO:
            out.append(chapter.title)
        out.extend(str(p) for p in chapter.paragraphs if is_subheading(p))
    return out


def spoken(document: Document) -> str:
    return "\n".join(
        [
            document.title,
            *(c.title for c in document.chapters),
            *(p for c in document.chapters for p in c.paragraphs),
        ]
    )


def test_every_outline_level_is_a_heading_even_below_heading_6():
    """docx2html-headers.docx: Heading 1 to Heading 10; styles.xml gives Heading 7-9 outline levels
    6-8 and Heading 10 (basedOn "Heading") level 8. mammoth's own map stops at Heading 6; by outline
    level all ten are headings, the first the title."""
    document = load_source(REAL / "docx2html-headers.docx").document
    assert document.title == "This is an H1"
    assert headings(document) == [f"This is an H{n}" for n in range(2, 11)]


def test_heading_style_named_in_french_from_officer_example():
    """officer-example.docx was saved by a French Word: its heading styles have the ids "Titre1" and
    "Titre2" (the built-in names "heading 1"/"heading 2", outline levels 0 and 1). Core properties:
    dc:title "document title"."""
    document = load_source(REAL / "officer-example.docx").document
    assert document.title in ("document title", "Title 1")  # the corpus accepts either
    found = headings(document)
    assert [h for h in found if h != document.title] == [
        h for h in ["Title 1", "Title 2", "Sub title 1", "Sub title 2"] if h != document.title
    ]
    text = spoken(document)
    assert "Lorem ipsum dolor sit amet, consectetur adipiscing elit." in text
    assert "Merged cell" in text  # table cells are read
    assert "Quisque tristique" in text  # list items are read


def test_the_first_heading_is_the_title_when_core_properties_have_none():
    """python-docx-test.docx: an empty dc:title, one Heading 1 and one paragraph."""
    document = load_source(REAL / "python-docx-test.docx").document
    assert document.title == "python-docx was here!"
    assert [p for c in document.chapters for p in c.paragraphs] == ["python-docx was here too!"]


def test_a_policy_without_heading_styles_keeps_its_bold_lead_ins_bold(tmp_path):
    """behavioral-health-admission-policy.docx has no heading style: its sections are bold list
    items ("POLICY:", "PURPOSE", "PROCEDURE", ...). They reach the HTML reader as <strong>, like
    a web page's bold lead-ins; the policy's text is all read, its header (policy name) is not there."""
    document = load_source(REAL / "behavioral-health-admission-policy.docx").document
    text = spoken(document)
    heard = [document.title, *headings(document)]  # "PROCEDURE" is the topic of "ASSESSMENT PROCESS"
    for words in ("POLICY", "PURPOSE", "PROCEDURE", "ASSESSMENT PROCESS", "REFERENCES"):
        assert any(words in h for h in heard)
    assert "To establish guidelines regarding the admission of patients" in text


# A synthetic document: no real .docx with a localized heading style name was found (Word writes the
# built-in styles with their English names, "heading 1", whatever the interface language; a French
# or German user's own styles, or a document from another tool, carry names such as "Titre 1" or
# "Überschrift 1"). This one is written by hand so that the style's name says nothing in English.
LOCALIZED_STYLES = [
    docx_style("Normal", "Normal"),
    docx_style("Titre1", "Titre 1", outline=0, based_on="Normal"),
    docx_style("berschrift2", "Überschrift 2", outline=1, based_on="Normal"),
    docx_style("Kapitel", "Kapitel", based_on="Titre1"),  # inherits level 0 from its parent
    docx_style("TOCHeading", "Inhaltsverzeichnisüberschrift", outline=9, based_on="Titre1"),  # body text
]


def test_headings_by_outline_level_not_by_style_name(tmp_path):
    path = write_docx(
        tmp_path / "soins.docx",
        [
            docx_paragraph("Knee care after surgery", "Titre1"),
            docx_paragraph("Rest and keep the leg raised for two days.", "Normal"),
            docx_paragraph("Wound care", "berschrift2"),
            docx_paragraph("Keep the dressing dry.", "Normal"),
            docx_paragraph("Exercises", "Kapitel"),
            docx_paragraph("Bend the knee ten times each hour.", "Normal"),
            docx_paragraph("Not a heading", "TOCHeading"),
            docx_paragraph("Walk a little every day.", "Normal"),
        ],
        styles=LOCALIZED_STYLES,
    )
    document = load_source(path).document
    assert document.title == "Knee care after surgery"
    found = headings(document)
    assert "Wound care" in found and "Exercises" in found
    assert "Not a heading" not in found
    assert "Not a heading" in spoken(document)


def test_core_properties_title_reaches_the_reader(tmp_path):
    """Without any heading the core properties' dc:title is the title (given to the HTML reader as <title>)."""
    path = write_docx(
        tmp_path / "leaflet.docx",
        [docx_paragraph("Take the tablets with food.", "Normal")],
        styles=LOCALIZED_STYLES,
        title="Your new medicine",
    )
    assert load_source(path).document.title == "Your new medicine"


def test_title_paragraphs_in_a_row_are_one_title(tmp_path):
    """Synthetic (no real .docx here uses the Title style): a title set over two lines."""
    path = write_docx(
        tmp_path / "title.docx",
        [
            docx_paragraph("Caring for your knee", "Title"),
            docx_paragraph("after surgery", "Title"),
            docx_paragraph("Rest the knee for two days.", "Normal"),
            docx_paragraph("Exercises", "Titre1"),
            docx_paragraph("Bend the knee ten times each hour.", "Normal"),
        ],
        styles=[*LOCALIZED_STYLES, docx_style("Title", "Title", based_on="Normal")],
    )
    document = load_source(path).document
    assert document.title == "Caring for your knee after surgery"
    assert headings(document) == ["Exercises"]


def test_a_bold_question_is_a_question_as_on_a_web_page(tmp_path):
    """The HTML reader's rule for a bold run that asks, opening its paragraph: the same for Word."""
    path = write_docx(
        tmp_path / "faq.docx",
        [
            docx_paragraph("Knee surgery questions", "Titre1"),
            docx_paragraph("Answers from the clinic.", "Normal"),
            docx_paragraph("Can I shower after the operation?", "Normal", bold=True),
            docx_paragraph("Yes, after two days, with the dressing covered.", "Normal"),
            docx_paragraph("Will it hurt?", "Normal", bold=True),
            docx_paragraph("A little; take the painkillers you were given.", "Normal"),
        ],
        styles=LOCALIZED_STYLES,
    )
    document = load_source(path).document
    faqs = [c.title for c in document.chapters if c.kind == ChapterKind.FAQ]
    assert faqs == ["Can I shower after the operation?", "Will it hurt?"]


def test_footnotes_are_read_after_the_text_without_their_markers(tmp_path):
    path = write_docx(
        tmp_path / "notes.docx",
        [
            docx_paragraph("Aftercare", "Titre1"),
            '<w:p><w:r><w:t xml:space="preserve">Ice the knee for 20 minutes.</w:t></w:r>'
            + footnote_reference(1)
            + "</w:p>",
        ],
        styles=LOCALIZED_STYLES,
        footnotes=["Wrap the ice in a towel."],
    )
    document = load_source(path).document
    paragraphs = [str(p) for c in document.chapters for p in c.paragraphs]
    assert "Ice the knee for 20 minutes." in paragraphs
    assert any("Wrap the ice in a towel." in p for p in paragraphs)
    assert not any("[1]" in p or "\u2191" in p for p in paragraphs)


def test_outline_reads_a_docx_from_the_command_line():
    result = invoke("outline", str(REAL / "docx2html-headers.docx"), "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.output)
    assert data["title"] == "This is an H1"


@pytest.mark.slow
def test_init_then_build_gives_the_same_guide_as_building_the_docx(tmp_path):
    """The guide script init writes for a .docx builds the same tracks, word for word."""
    source = REAL / "officer-example.docx"
    direct = tmp_path / "direct"
    assert invoke("build", str(source), "-o", str(direct), "-q").exit_code == 0
    script = tmp_path / "guide.yaml"
    assert invoke("init", str(source), "-o", str(script)).exit_code == 0
    scripted = tmp_path / "scripted"
    result = invoke("build", str(script), "-o", str(scripted), "-q")
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in direct.glob("*.mp3"))
    assert names and names == sorted(p.name for p in scripted.glob("*.mp3"))
    for transcript in sorted((direct / "transcripts").iterdir()):
        assert transcript.read_text(encoding="utf-8") == (
            scripted / "transcripts" / transcript.name
        ).read_text(encoding="utf-8")
