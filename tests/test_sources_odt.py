"""OpenDocument text (.odt) read as HTML by the one HTML reader.

The real documents are in tests/data/real/ (origin in SOURCES.md); what each test checks was
read from the document's own content.xml, styles.xml and meta.xml.
"""

from __future__ import annotations

import json
from pathlib import Path

from audioguide.model.document import ChapterKind
from audioguide.sources.load import load_source
from tests.cli_helpers import invoke
from tests.test_sources_docx import headings, spoken
from tests.zip_documents import write_odt

REAL = Path(__file__).parent / "data" / "real"


def test_headings_by_outline_level_and_the_title_style():
    """writer2latex-sample-article.odt: a paragraph in the style "title" (whose parent is Title) says
    "Sample article"; its text:h headings have outline levels 2, 3 and 4 (no level 1)."""
    document = load_source(REAL / "writer2latex-sample-article.odt").document
    assert document.title == "Sample article"
    assert headings(document)[:8] == [
        "Various types of block content",
        "Lists",
        "Enumerated lists",
        "Itemized lists",
        "Description lists",
        "Tables",
        "Multiple columns",
        "Special environments",
    ]
    assert "Bibliograhy" in headings(document)


def test_the_table_of_contents_and_the_index_are_listed_not_read():
    """The same article's text:table-of-content (with page numbers after a tab) and its
    text:alphabetical-index ("apple 3", "banana 3", "orange 3") are generated, not text."""
    document = load_source(REAL / "writer2latex-sample-article.odt").document
    text = spoken(document)
    assert "Table of Contents" not in text
    assert "Preformatted text (aka verbatim text)" not in text  # only the stale contents say this
    assert "apple 3" not in text
    dropped = {d.text for d in document.dropped}
    assert {"Table of Contents", "1.1 Lists 1", "apple 3"} <= dropped
    # Listed without line numbers: a line of the generated HTML means nothing in the .odt.
    assert all(d.line is None for d in document.dropped)
    # What the index is built from stays in the text where it is.
    assert "Here are some words for the alphabetical index: banana, apple, orange." in text


def test_lists_tables_sections_and_footnotes_are_read():
    document = load_source(REAL / "writer2latex-sample-article.odt").document
    paragraphs = [str(p) for c in document.chapters for p in c.paragraphs]
    assert "This includes subitems" in " ".join(paragraphs)  # a list nested three deep
    assert any("Borders are supported." in p for p in paragraphs)  # a table row
    assert any(p.startswith("This is a section with multiple columns.") for p in paragraphs)  # text:section
    assert any("This is a footnote" in p for p in paragraphs)  # text:note, after the text
    assert not any("footnotes1" in p for p in paragraphs)  # its citation is not read in the sentence


def test_tabs_and_runs_of_spaces_keep_words_apart():
    """odfpy-serious_poem.odt separates words with text:tab and text:s only ("Whence all<tab>but")."""
    document = load_source(REAL / "odfpy-serious_poem.odt").document
    text = " ".join(spoken(document).split())
    assert "The boy stood on the burning deck," in text
    assert "Whence all but him had fled." in text
    assert "The flames that lit the battle's wreck," in text


def test_a_level_1_heading_is_the_title_and_level_2_the_sections():
    """writer2latex-sample-xhtml.odt: one outline-level-1 heading, five level-2 headings, and a
    definition list from List Heading / List Contents paragraphs whose terms are not tracks."""
    document = load_source(REAL / "writer2latex-sample-xhtml.odt").document
    assert document.title == "Creating XHTML content with OpenOffice.org and Writer2xhtml"
    assert [c.title for c in document.chapters if c.kind != ChapterKind.INTRO] == [
        "Paragraph styles",
        "Other paragraph styles",
        "Definition lists",
        "Text styles",
        "Hard character formatting",
    ]
    assert "This is the definition of the other term." in spoken(document)


def test_the_user_manual_keeps_its_chapters_and_drops_its_contents():
    """writer2latex-user-manual.odt (13,000 words): chapters at outline level 1, sections at 2, a
    generated Table of Contents with page numbers; the title page is directly formatted text."""
    document = load_source(REAL / "writer2latex-user-manual.odt").document
    found = headings(document)
    for heading in (
        "Using the export filters",
        "Installing of the filters",
        "Hidden hedings",
        "Troubleshooting",
    ):
        assert heading in found or heading == document.title
    text = spoken(document)
    assert "User's manual for" in text  # the title page is read (its title is the structure rules' to find)
    assert "Table of Contents" not in text


def test_tracked_deletions_comments_and_hidden_sections_are_not_read(tmp_path):
    """Synthetic: no real .odt here has tracked changes or comments. A tracked deletion's text sits
    in text:tracked-changes at the top of the body; a comment is an office:annotation in a paragraph."""
    path = write_odt(
        tmp_path / "changes.odt",
        '<text:tracked-changes><text:changed-region text:id="c1"><text:deletion>'
        "<text:p>Take two tablets every hour.</text:p></text:deletion></text:changed-region></text:tracked-changes>"
        '<text:h text:outline-level="1">Your tablets</text:h>'
        '<text:p>Take one tablet <text:change text:change-id="c1"/>each morning.'
        "<office:annotation><text:p>Check the dose with the pharmacist</text:p></office:annotation></text:p>"
        '<text:section text:name="old" text:display="none"><text:p>Old advice no one sees.</text:p></text:section>',
        title="Tablets",
    )
    document = load_source(path).document
    assert document.title == "Tablets"
    text = spoken(document)
    assert "Take one tablet each morning." in text
    for hidden in ("two tablets every hour", "pharmacist", "Old advice"):
        assert hidden not in text


def test_outline_and_words_read_an_odt():
    path = str(REAL / "writer2latex-sample-xhtml.odt")
    data = json.loads(invoke("outline", path, "--json").output)
    assert data["title"] == "Creating XHTML content with OpenOffice.org and Writer2xhtml"
    assert [t["title"] for t in data["tracks"]][1:3] == ["Paragraph styles", "Other paragraph styles"]
    result = invoke("words", path, "--json")
    assert result.exit_code == 0, result.stderr


def test_init_writes_a_guide_script_with_the_same_tracks(tmp_path):
    source = REAL / "writer2latex-sample-article.odt"
    script = tmp_path / "guide.yaml"
    assert invoke("init", str(source), "-o", str(script)).exit_code == 0
    direct = load_source(source).document
    scripted = load_source(script).document
    assert scripted.title == direct.title
    assert [(c.kind, c.title, c.paragraphs) for c in scripted.chapters] == [
        (c.kind, c.title, c.paragraphs) for c in direct.chapters
    ]


def test_title_paragraphs_in_a_row_are_one_title_and_code_examples_are_preformatted():
    """odfpy-api-for-odfpy.odt: three "Title" paragraphs ("Application Programmer's Interface" /
    "for" / "ODFPY 0.9.1") and example programs in the "Example" style, set in Courier (a
    fixed-pitch font face), one paragraph per line of code."""
    from audioguide.sources.container import open_container
    from audioguide.sources.odt import KIND, odt_html

    document = load_source(REAL / "odfpy-api-for-odfpy.odt").document
    assert document.title in (
        "Application Programmer's Interface for ODFPY",
        "Application Programmer's Interface for ODFPY 0.9.1",
    )
    assert "for" not in headings(document)
    html = odt_html(open_container(REAL / "odfpy-api-for-odfpy.odt", kind=KIND))
    assert "<pre>from odf.opendocument import OpenDocumentText<br>from odf.style import" in html
    assert "<p># Styles</p>" not in html


_SHIFTED_STYLES = (
    '<style:style style:name="Sub" style:family="text">'
    '<style:text-properties style:text-position="sub 58%"/></style:style>'
    '<style:style style:name="Sup" style:family="text">'
    '<style:text-properties style:text-position="33% 58%"/></style:style>'
    '<style:style style:name="Flat" style:family="text">'
    '<style:text-properties style:text-position="0% 100%"/></style:style>'
)


def test_a_number_set_alone_above_or_below_the_line_is_a_mark_not_a_word(tmp_path):
    """A paragraph or object number in a subscript ("Terms 「12」", as SiSU ends every heading and
    paragraph) and a footnote mark typed as a superscript are for the eye; a number set against
    a letter or digit is the word's ("H₂O", "10⁶"), and one on the line is text."""
    path = write_odt(
        tmp_path / "marks.odt",
        '<text:h text:outline-level="1">Terms <text:span text:style-name="Sub">「12」</text:span></text:h>'
        '<text:p>The environment used to run the system. <text:span text:style-name="Sub">「17」</text:span></text:p>'
        '<text:p>As the study showed.<text:span text:style-name="Sup">3</text:span> Water is '
        'H<text:span text:style-name="Sub">2</text:span>O, about 10<text:span text:style-name="Sup">6</text:span>'
        ' drops, see note <text:span text:style-name="Sup">[4]</text:span>.</text:p>'
        '<text:p>Take <text:span text:style-name="Flat">2</text:span> tablets.</text:p>'
        '<text:p text:style-name="Standard"> <text:span text:style-name="Sub">「126」</text:span></text:p>'
        '<text:h text:outline-level="1">Dosage <text:span text:style-name="Sub">「18」</text:span></text:h>'
        "<text:p>One a day.</text:p>",
        automatic_styles=_SHIFTED_STYLES,
        title="Marks",
    )
    document = load_source(path).document
    assert headings(document) == ["Terms", "Dosage"]
    text = " ".join(spoken(document).split())
    assert "「" not in text and "126" not in text and "[4]" not in text
    assert "The environment used to run the system." in text
    assert "As the study showed. Water is H2O, about 106 drops, see note ." in text
    assert "Take 2 tablets." in text


def test_sisu_headings_say_their_words_without_object_numbers():
    """live-manual.en.odt (SiSU): "1.2 Terms 「12」", the object number in a Span_subscript."""
    document = load_source(REAL / "live-manual.en.odt").document
    titles = [c.title for c in document.chapters]
    assert {"Terms", "For the impatient", "Webbooting"} <= set(titles)
    assert not any("「" in t for t in titles)
    assert "「" not in spoken(document)


def _explained(name: str) -> str:
    return (
        f"<text:p>{name} is explained here in a few sentences of its own. They say what it is, when a "
        "reader needs it, and what to do first, long enough to be worth a track of its own for a "
        "listener who wants to hear just this part of the manual again later.</text:p>"
    )


def test_outline_levels_the_document_never_uses_are_closed_up(tmp_path):
    """Heading 1 over Heading 4 over Heading 5 (SiSU writes levels 1, 4, 5 and 6; an author may
    pick a heading style for its look): nothing stands between them, so "Sources" is a section of
    "Installation" and its level-5 headings are its tracks, as they would be at levels 2 and 3."""
    subsections = "".join(
        f'<text:h text:outline-level="5">{name}</text:h>{_explained(name)}'
        for name in ("Mirrors", "Repositories", "Archives")
    )
    body = (
        f'<text:h text:outline-level="1">Installation</text:h>{_explained("Installation")}'
        f'<text:h text:outline-level="4">Sources</text:h>{subsections}'
        f'<text:h text:outline-level="4">Packages</text:h>{_explained("Packages")}'
        f'<text:h text:outline-level="1">Use</text:h>{_explained("Use")}'
    )
    document = load_source(write_odt(tmp_path / "levels.odt", body, title="Tool manual")).document
    assert [(c.title, c.group) for c in document.chapters] == [
        ("Installation", None),
        ("Mirrors", "Sources"),
        ("Repositories", "Sources"),
        ("Archives", "Sources"),
        ("Packages", None),
        ("Use", None),
    ]


def test_a_run_of_headings_repeating_later_headings_is_contents(tmp_path):
    """A contents list set as real headings (SiSU's ODT opens with its level-1 and chapter headings
    again, nothing between them) makes no near-empty tracks: it is listed as contents."""
    names = ("Installation", "Everyday use", "Getting help")
    contents = "".join(
        f'<text:h text:outline-level="1">{name}</text:h><text:p/>'
        f'<text:h text:outline-level="2">{number}. {name}</text:h>'
        for number, name in enumerate(names, 1)
    )
    body = "".join(
        f'<text:h text:outline-level="1">{name}</text:h>'
        f'<text:h text:outline-level="2">{number}. {name}</text:h>{_explained(name)}'
        + "".join(
            f'<text:h text:outline-level="3">{number}.{step} {name}, step {step}</text:h>'
            + _explained(f"{name}, step {step},")
            for step in (1, 2)
        )
        for number, name in enumerate(names, 1)
    )
    document = load_source(
        write_odt(tmp_path / "contents.odt", contents + body, title="Tool manual")
    ).document
    assert [c.title for c in document.chapters] == list(names)
    assert all(len(c.paragraphs) == 5 for c in document.chapters)
    contents_dropped = [d.text for d in document.dropped if d.reason == "table of contents"]
    assert contents_dropped and contents_dropped[0].startswith("Installation\n1. Installation\nEveryday use")


def test_sisu_contents_headings_are_dropped_and_its_sections_are_tracks():
    """live-manual.en.odt: after its title its contents are the outline's level-1 and level-4
    headings again; its chapters (level 4) hold sections (level 5), tracks of their own."""
    document = load_source(REAL / "live-manual.en.odt").document
    contents = [d.text for d in document.dropped if d.reason == "table of contents"]
    assert contents[0].startswith("About\nAbout this manual\n1. About this manual")
    assert contents[0].endswith("Style guide\n19. Style guide")
    first = document.chapters[0]
    assert first.title == "About this manual" and len(" ".join(map(str, first.paragraphs)).split()) > 100
    titles = [c.title for c in document.chapters]
    assert {"Requirements", "Installing live-build", "Stages of the build", "Bootloaders"} <= set(titles)
