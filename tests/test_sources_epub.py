"""EPUB 2 and 3 books: the spine as one HTML page, read by the one HTML reader.

The real books are in tests/data/real/ (origin in SOURCES.md); what each test checks was read
from the book's own OPF, NCX or nav document and XHTML chapters.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from audioguide.model.document import is_subheading
from audioguide.sources.load import load_source
from tests.cli_helpers import invoke
from tests.test_sources_docx import headings, spoken
from tests.zip_documents import write_epub

REAL = Path(__file__).parent / "data" / "real"


def numberless(text: str) -> str:
    """ "2.1: Background" -> "Background" (the books number their headings; the reader may not keep it)."""
    return re.sub(r"^\d+(\.\d+)*[.:]?\s+", "", text)


def test_calibre_guide_reads_its_chapters_in_spine_order():
    """calibre-quick-start-eng.epub (EPUB 2, NCX): dc:title "Quick Start Guide"; the spine is a
    cover page (an SVG image), a title page, a contents page and eleven chapters."""
    document = load_source(REAL / "calibre-quick-start-eng.epub").document
    assert document.title == "Quick Start Guide"
    assert document.author == "John Schember" and document.language == "en"
    chapters = [numberless(h) for h in headings(document)]
    order = [
        "Introduction",
        "Installing calibre",
        "The Main Library Window, aka the GUI",
        "Common Tasks",
        "Task 1: Organizing",
        "Task 2: Conversion",
        "Why are there different e-book formats?",
        "Task 3: The e-book editor",
        "Task 4: Downloading News",
        "Task 5: Interacting with e-book readers",
        "Task 6: The e-book viewer",
        "Where to get help",
    ]
    positions = [
        next(i for i, h in enumerate(chapters) if h.casefold() == wanted.casefold()) for wanted in order
    ]
    assert positions == sorted(positions)
    # The title page's lines are not tracks.
    assert "Fourth Edition" not in headings(document) and "By: John Schember" not in headings(document)
    assert "Fourth Edition" in spoken(document)


def test_the_german_guide_has_its_language_and_title():
    document = load_source(REAL / "calibre-quick-start-deu.epub").document
    assert document.title == "Kurzanleitung" and document.language == "de"
    assert {"Einleitung", "Calibre installieren", "Wo Sie Hilfe bekommen"} <= set(headings(document))
    assert "Vierte Ausgabe" not in headings(document)


def test_links_between_chapters_point_inside_the_one_page():
    """The contents page's links ("introduction.xhtml#introduction") now name headings of the same
    page, for the reader's contents rule; the reader's HTML is not changed by the EPUB reader."""
    from audioguide.sources.container import open_container
    from audioguide.sources.epub import KIND, epub_html

    html = epub_html(open_container(REAL / "calibre-quick-start-eng.epub", kind=KIND))
    assert 'href="#introduction"' in html and 'id="introduction"' in html
    assert ".xhtml" not in html


def test_the_nav_document_the_cover_and_page_numbers_are_not_read():
    """childrens-literature.epub (EPUB 3): the spine holds cover.xhtml (one <img>), nav.xhtml
    (toc "THE CONTENTS", landmarks, page-list) and s04.xhtml, whose 92 pagebreak spans say the
    printed page numbers. Two dc:title: the one refined as "main" is the title."""
    document = load_source(REAL / "childrens-literature.epub").document
    assert document.title == "Children's Literature"
    text = spoken(document)
    assert "THE CONTENTS" not in text and "Cover Image" not in text
    paragraphs = [str(p) for c in document.chapters for p in c.paragraphs]
    assert not [p for p in paragraphs if re.fullmatch(r"\d+", p)]  # no page number read alone
    found = headings(document)
    for story in ("THE REAL PRINCESS", "THE NIGHTINGALE", "THE HAPPY PRINCE", "OLD PIPES AND THE DRYAD"):
        assert story in found


def test_navigation_labels_name_the_paragraphs_they_point_at():
    """live-manual.en.epub (SiSU, EPUB 2): section titles are bold paragraphs
    (<p class="bold" id="o8">1.1 For the impatient</p>); the NCX points at them, one level below
    the chapter's <h1>. The same file is in the spine once per section: it is read once."""
    document = load_source(REAL / "live-manual.en.epub").document
    assert document.title == "Live Systems Manual"
    found = [numberless(h) for h in headings(document)]
    for section in ("For the impatient", "Terms", "Authors", "Requirements", "Installing live-build"):
        assert section in found
    assert found.index("For the impatient") < found.index("Terms") < found.index("Requirements")
    text = spoken(document)
    assert text.count("While we believe that everything in this manual is important") == 1


def test_a_chapter_without_a_heading_is_named_by_the_navigation(tmp_path):
    """Synthetic: the corpus books all head their chapters. A chapter file with no heading of
    its own takes its NCX label as one (EPUB 2 books from word processors often do this)."""
    path = write_epub(
        tmp_path / "book.epub",
        {
            "ch1.xhtml": "<h1>Before surgery</h1><p>Do not eat after midnight.</p>",
            "ch2.xhtml": "<p>Rest the knee for two days.</p><p>Keep it raised.</p>",
        },
        title="Knee surgery",
    )
    ncx = (
        '<?xml version="1.0"?><ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">'
        "<docTitle><text>Knee surgery</text></docTitle><navMap>"
        '<navPoint id="a"><navLabel><text>Before surgery</text></navLabel><content src="ch1.xhtml"/></navPoint>'
        '<navPoint id="b"><navLabel><text>After surgery</text></navLabel><content src="ch2.xhtml"/></navPoint>'
        "</navMap></ncx>"
    )
    _add_ncx(path, ncx)
    document = load_source(path).document
    assert document.title == "Knee surgery"
    assert [c.title for c in document.chapters] == ["Before surgery", "After surgery"]
    assert list(document.chapters[1].paragraphs) == ["Rest the knee for two days.", "Keep it raised."]


def test_non_linear_items_are_not_read(tmp_path):
    path = write_epub(
        tmp_path / "book.epub",
        {
            "ch1.xhtml": "<h1>Diet</h1><p>Eat well.</p>",
            "answers.xhtml": "<h1>Answers</h1><p>Quiz answers.</p>",
        },
    )
    import zipfile

    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    members["OEBPS/content.opf"] = members["OEBPS/content.opf"].replace(
        b'idref="i1"', b'idref="i1" linear="no"'
    )
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    assert "Quiz answers" not in spoken(load_source(path).document)


def test_outline_of_an_epub_from_the_command_line():
    data = json.loads(invoke("outline", str(REAL / "calibre-quick-start-eng.epub"), "--json").output)
    assert data["title"] == "Quick Start Guide"
    assert "Installing calibre" in [t["title"] for t in data["tracks"]]


def test_init_writes_a_guide_script_with_the_same_tracks(tmp_path):
    source = REAL / "calibre-quick-start-eng.epub"
    script = tmp_path / "guide.yaml"
    assert invoke("init", str(source), "-o", str(script)).exit_code == 0
    direct = load_source(source).document
    scripted = load_source(script).document
    assert (scripted.title, scripted.language, scripted.author) == (
        direct.title,
        direct.language,
        direct.author,
    )
    assert [(c.kind, c.title, c.group, c.paragraphs) for c in scripted.chapters] == [
        (c.kind, c.title, c.group, c.paragraphs) for c in direct.chapters
    ]


def test_a_slug_is_no_title_and_the_contents_page_keeps_its_title_page_text():
    """developers-reference.epub (Sphinx EPUB 3): dc:title is the slug "developers-reference";
    the guide calls index.xhtml the contents, but it also holds the book's <h1> "Debian
    Developer's Reference", the team address and the copyright lines."""
    document = load_source(REAL / "developers-reference.epub").document
    assert document.title == "Debian Developer's Reference"
    assert "Copyright © 2019 - 2023 Holger Levsen" in spoken(document)
    found = [numberless(h) for h in headings(document)]
    assert found[:4] == [
        "Scope of This Document",
        "Applying to Become a Member",
        "Getting started",
        "Debian mentors and sponsors",
    ]


def test_a_contents_page_the_guide_names_is_listed_not_read(tmp_path):
    """Synthetic (the corpus books' guides name no links-only contents page): EPUB 2 guide type="toc"."""
    import zipfile

    path = write_epub(
        tmp_path / "book.epub",
        {
            "contents.xhtml": '<h1>Contents</h1><ul><li><a href="ch1.xhtml">Before surgery</a></li>'
            '<li><a href="ch2.xhtml">After surgery</a></li></ul>',
            "ch1.xhtml": "<h1>Before surgery</h1><p>Do not eat after midnight.</p>",
            "ch2.xhtml": "<h1>After surgery</h1><p>Rest the knee for two days.</p>",
        },
        title="Knee surgery",
    )
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    members["OEBPS/content.opf"] = members["OEBPS/content.opf"].replace(
        b"</package>",
        b'<guide><reference type="toc" title="Contents" href="contents.xhtml"/></guide></package>',
    )
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    document = load_source(path).document
    assert [c.title for c in document.chapters] == ["Before surgery", "After surgery"]
    assert "Contents" not in spoken(document)
    assert "Contents" in {d.text for d in document.dropped}
    assert not [p for c in document.chapters for p in c.paragraphs if "surgery" in p]  # no link read


def test_headings_the_navigation_leaves_out_are_no_tracks():
    """developers-reference.epub: nav.xhtml stops at the third level (Sphinx's tocdepth); the h4
    questions "5.14.4.1. What are release-critical bugs, and how do they get counted?" under
    "Frequently asked questions" are not in it. They are spoken inside that section, not FAQ tracks."""
    document = load_source(REAL / "developers-reference.epub").document
    question = "What are release-critical bugs, and how do they get counted?"
    assert question not in [c.title for c in document.chapters]
    faq = next(c for c in document.chapters if c.title == "Frequently asked questions")
    assert question in [str(p) for p in faq.paragraphs if is_subheading(p)]


def test_a_long_story_is_split_at_its_chapters_under_its_own_name():
    """childrens-literature.epub: "THE KING OF THE GOLDEN RIVER OR THE BLACK BROTHERS" (the nav's
    "204 ...") has five h5 chapters the nav does not list; the story is too long for one track, so
    it is split at them, and each part is grouped under the story, not under "SECTION IV"."""
    document = load_source(REAL / "childrens-literature.epub").document
    story = "THE KING OF THE GOLDEN RIVER OR THE BLACK BROTHERS"
    parts = [c for c in document.chapters if c.title.startswith("CHAPTER ")]
    assert [c.title.split()[1] for c in parts if "part" not in c.title] == ["I", "II", "III", "IV", "V"]
    assert {c.group for c in parts} == {story}
    # "SUGGESTIONS FOR READING" (an h3 the nav leaves out) is a part of "INTRODUCTORY", not a section.
    suggestions = next(c for c in document.chapters if c.title == "SUGGESTIONS FOR READING")
    assert suggestions.group == "INTRODUCTORY"


def test_a_heading_the_navigation_skips_in_a_chapter_it_points_inside_is_spoken_there(tmp_path):
    """Synthetic: the NCX points at ch1.xhtml#care and ch2.xhtml as a whole. "Bathing" (an h1 in
    ch1, not listed) is a sub-heading of "Wound care"; ch2's own h1 "Stairs", in a chapter the
    navigation names only as a whole, stays a track."""
    path = write_epub(
        tmp_path / "book.epub",
        {
            "ch1.xhtml": '<h1 id="care">Wound care</h1><p>Keep the dressing dry.</p>'
            "<h1>Bathing</h1><p>Shower after two days.</p>",
            "ch2.xhtml": "<h1>Exercise</h1><p>Walk daily.</p><h1>Stairs</h1><p>One step at a time.</p>",
        },
        title="After surgery",
    )
    ncx = (
        '<?xml version="1.0"?><ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">'
        "<docTitle><text>After surgery</text></docTitle><navMap>"
        '<navPoint id="a"><navLabel><text>Wound care</text></navLabel><content src="ch1.xhtml#care"/></navPoint>'
        '<navPoint id="b"><navLabel><text>Exercise</text></navLabel><content src="ch2.xhtml"/></navPoint>'
        "</navMap></ncx>"
    )
    _add_ncx(path, ncx)
    document = load_source(path).document
    assert [c.title for c in document.chapters] == ["Wound care", "Exercise", "Stairs"]
    care = document.chapters[0]
    assert [str(p) for p in care.paragraphs] == [
        "Keep the dressing dry.",
        "Bathing",
        "Shower after two days.",
    ]
    assert is_subheading(care.paragraphs[1])


def _add_ncx(path, ncx: str) -> None:
    """The EPUB at ``path`` with ``ncx`` as its EPUB 2 navigation (toc.ncx, named by the spine)."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    opf = members["OEBPS/content.opf"].decode()
    opf = opf.replace(
        "</manifest>", '<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/></manifest>'
    )
    members["OEBPS/content.opf"] = opf.replace("<spine>", '<spine toc="ncx">').encode()
    members["OEBPS/toc.ncx"] = ncx.encode()
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
