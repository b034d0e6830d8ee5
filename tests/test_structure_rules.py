"""The structure rules on real documents nobody here wrote (tests/data/real/CORPUS.md).

One test (at least) per failure class of the real-document corpus: questions
wherever a generator puts them, tables of contents, breadcrumbs, badges and
page chrome, code, titles, sections, wiki emphasis. Each reads a real
document through the public interface and checks what a listener would hear.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from cli_helpers import read_document

from audioguide.model.document import ChapterKind
from audioguide.model.plan import TrackPlan, plan_tracks
from audioguide.model.settings import GuideSettings
from audioguide.sources.load import load_source
from audioguide.sources.markdown import parse_markdown_text

REAL = Path(__file__).parent / "data" / "real"


@cache
def plan(name: str) -> TrackPlan:
    return plan_tracks(read_document(REAL / name).document, GuideSettings())


def spoken(name: str) -> str:
    return "\n".join(p.text for t in plan(name).tracks for p in t.passages)


def dropped(name: str, reason: str) -> list[str]:
    return [d.text for d in plan(name).dropped if d.reason == reason]


# ---------------------------------------------------------------- code


def test_code_blocks_are_never_read_a_note_says_an_example_is_shown():
    """ikiwiki's nginx section: shell commands, a systemd unit, server blocks (HTML <pre>)."""
    text = spoken("ikiwiki-tips-dot_cgi.html")
    assert "spawn-fcgi -s" not in text and "fastcgi_index" not in text and "[Unit]" not in text
    nginx = next(t for t in plan("ikiwiki-tips-dot_cgi.html").tracks if t.title == "nginx")
    assert "An example is shown on the page." in [p.text for p in nginx.passages]
    code = dropped("ikiwiki-tips-dot_cgi.html", "code")
    assert any("spawn-fcgi -s /tmp/fcgi.socket" in c for c in code)
    assert all(d.kind == "code" for d in plan("ikiwiki-tips-dot_cgi.html").dropped if d.reason == "code")


def test_commands_in_markdown_and_terminal_sessions_are_code():
    """A README's `npm install` fence and MkDocs' console session are code, not speech."""
    assert "npm install commander" not in spoken("commander-Readme.md")
    assert "npm install commander" in dropped("commander-Readme.md", "code")
    assert "pip install mkdocs" not in spoken("mkdocs-installation.html")
    assert "$ python --version" not in spoken("mkdocs-installation.html")


def test_a_command_quoted_as_a_paragraph_is_code():
    """dicom-parser quotes its shell commands with ">": "npm install dicom-parser" is a command."""
    text = spoken("dicom-parser-README.md")
    assert "npm install dicom-parser" not in text and "npm run watch" not in text


def test_bare_web_addresses_are_not_spelled_out():
    """fhirclient lists its CDN addresses as list items: a note says an address is shown."""
    text = spoken("fhirclient-README.md")
    assert "cdn.jsdelivr.net" not in text and "combinatronics.com" not in text
    assert "A web address is shown on the page." in text
    assert any("cdn.jsdelivr.net" in d for d in dropped("fhirclient-README.md", "web address"))


def test_the_code_note_is_a_setting_a_guide_script_may_change(tmp_path):
    from audioguide.sources.guide_script import dump_guide

    document = load_source(REAL / "ikiwiki-tips-dot_cgi.html").document
    script = tmp_path / "guide.yaml"
    text = dump_guide(document, GuideSettings())
    script.write_text(
        text.replace("\nchapters:\n", '\ncode_note: "See the page for the commands."\nchapters:\n')
    )
    loaded = load_source(script)
    assert loaded.settings.code_note == "See the page for the commands."
    said = [p.text for t in plan_tracks(loaded.document, loaded.settings).tracks for p in t.passages]
    assert "See the page for the commands." in said
    assert "An example is shown on the page." not in said


def titles(name: str) -> list[str]:
    return [t.title for t in plan(name).tracks]


# ---------------------------------------------------------------- questions wherever a generator puts them


def test_docbook_qandaset_rows_are_nineteen_questions():
    """D-Bus FAQ: questions in <tr class="question"> rows, answers in <tr class="answer">."""
    tracks = plan("dbus-faq.html").tracks
    assert len(tracks) == 19 and all(t.kind.value == "faq" for t in tracks)
    assert tracks[0].title == "What is D-Bus?"  # the "1." label cell is not part of it
    assert tracks[13].title == "How does D-Bus differ from ZeroC's Internet Communications Engine (Ice)"
    assert "This is probably best answered by reading the D-Bus tutorial" in spoken("dbus-faq.html")


def test_terms_of_a_list_of_questions_are_questions_even_without_a_question_mark():
    """gitfaq's <dt> terms: "I asked Git to ignore various files, yet they are still tracked" sits among questions."""
    names = titles("gitfaq.html")
    for question in (
        "I asked Git to ignore various files, yet they are still tracked",
        "I’m on Windows and my text files are detected as binary.",
        "I’m on Windows and git diff shows my files as having a ^M at the end.",
    ):
        assert question in names


def test_a_statement_among_numbered_questions_is_a_track_of_its_own():
    """PuTTY's Troubleshooting entries are statements ("A.7.5 My keyboard stops working ...") beside
    questions: each is a track under its topic, none is merged into the entry before it."""
    tracks = {t.title: t for t in plan("putty-faq.html").tracks}
    entry = tracks["My keyboard stops working once PuTTY displays the password prompt."]
    assert entry.group == "Troubleshooting"
    assert len(plan("putty-faq.html").tracks) >= 86 + 1


def test_a_bold_lead_in_of_an_introduction_is_no_question():
    """fetchmail opens with "<strong>Support? Bug reports?</strong> Please read G3 ...": introduction text."""
    assert "Support? Bug reports?" not in titles("fetchmail-FAQ.html")
    intro = plan("fetchmail-FAQ.html").tracks[0]
    assert any("Support? Bug reports? Please read G3" in p.text for p in intro.passages)


def test_a_heading_of_punctuation_is_never_a_track():
    """GNUmed's allergy states: "<strong>?</strong> the allergy state is unknown" is a list item."""
    assert "?" not in titles("GmManualManagingAllergies.html")
    assert all(any(c.isalpha() for c in t) for t in titles("GmManualManagingAllergies.html"))
    assert "?: the allergy state is unknown" in spoken("GmManualManagingAllergies.html")


# ---------------------------------------------------------------- tables of contents


def test_a_list_of_links_to_the_pages_own_questions_is_contents():
    """D-Bus's <dl> of the 19 questions linking to their rows is dropped and listed, never read."""
    contents = dropped("dbus-faq.html", "table of contents")
    assert len(contents) == 19 and contents[1] == "2. Is D-Bus stable/finished?"
    assert "2. Is D-Bus stable/finished?" not in spoken("dbus-faq.html")


def test_detailed_contents_under_headings_of_their_own_make_no_tracks():
    """fetchmail's "Detailed Contents" h1 and its h2 topic names over lines of links: no track, nothing read."""
    names = titles("fetchmail-FAQ.html")
    assert "Detailed Contents" not in names and names.count("General problems") == 0
    groups = [t.group for t in plan("fetchmail-FAQ.html").tracks]
    assert groups.count("General problems") == 16  # the real topic: its 16 questions
    contents = dropped("fetchmail-FAQ.html", "table of contents")
    assert "Detailed Contents" in contents
    assert "B. Build-time problems" not in spoken("fetchmail-FAQ.html")


# ---------------------------------------------------------------- sections


def test_headings_under_a_heading_without_text_are_tracks_grouped_under_it():
    """GNUmed's vaccination page: two h2 topics with no text, nine h3 entries: nine tracks."""
    tracks = plan("GmManualVaccinationHandling.html").tracks
    assert [t.title for t in tracks[1:6]] == [
        "Target condition",
        "Vaccination",
        "Vaccine",
        "Vaccination course",
        "Vaccination plan and schedule",
    ]
    assert {t.group for t in tracks[1:7]} == {"Concepts"}
    assert [t.group for t in tracks[7:]] == ["Documentation"] * 3


def test_a_readmes_second_level_headings_before_its_first_chapter_are_sections():
    """cornerstone-core: "Community", "Install" (---) come before the first === heading: sections, not merged."""
    for name in ("Community", "Live Examples", "Install", "Key Features", "Links", "Code Contributors"):
        assert name in titles("cornerstone-core-README.md")


def test_a_track_under_fifteen_seconds_joins_the_one_before_and_outline_says_so():
    """yargs' "Complex Example" is a few words and a code block: part of the track before it."""
    document = plan("yargs-README.md").document
    assert "Complex Example" not in titles("yargs-README.md")
    assert any("'Complex Example' is part of the track" in note for note in document.notes)


def test_a_chapter_number_continued_by_its_sections_is_not_said():
    """The R FAQ's "5 R Add-On Packages" over "5.1 ...": the group is "R Add-On Packages"."""
    groups = {t.group for t in plan("R-FAQ.html").tracks}
    assert "R Add-On Packages" in groups and "5 R Add-On Packages" not in groups


def test_an_element_whose_id_is_its_headings_slug_is_no_landmark():
    """nibabel's <section id="private-attribute-tags"> is the "Private attribute tags" section, not a
    "tags and categories" box: its text is read."""
    assert "To try and avoid collisions of private tags" in spoken("nibabel-dicom_intro.html")
    assert not dropped("nibabel-dicom_intro.html", "tags and categories")


def test_a_long_section_split_at_its_sub_headings_is_grouped_under_its_own_name():
    """DICOMscope's "3.1 Store SCP" (a section of the topic "3 AE SPECIFICATIONS") is too long for one
    track: it is split at its sub-headings ("Association Establishment Policies", "Real-World
    Activity “Image receipt”", ...), and those parts are announced under "Store SCP", whose parts
    they are, not under the chapter topic, where they would read as sections of their own."""
    tracks = plan("dicomscope-dscs360.pdf").tracks
    start = next(i for i, t in enumerate(tracks) if t.title == "Association Establishment Policies") - 1
    assert tracks[start].title == "Store SCP"
    assert tracks[start + 2].title == "Real-World Activity “Image receipt”"
    assert {t.group for t in tracks[start + 1 : start + 4]} == {"Store SCP"}
    # Cut only between paragraphs, a part says whose it is in its title and keeps its topic.
    nightingale = [
        t for t in plan("childrens-literature.epub").tracks if t.title.startswith("THE NIGHTINGALE")
    ]
    assert nightingale[1].title == "THE NIGHTINGALE, part 2"
    assert {t.group for t in nightingale} == {"SECTION IV FAIRY STORIES—MODERN FANTASTIC TALES"}


def test_a_numbered_sphinx_section_whose_id_is_its_slug_is_no_landmark():
    """developers-reference.epub (Sphinx): <section id="sponsoring-packages"> over "7.5.1. Sponsoring
    packages" is that section, not an advertisement ("sponsor"): the section number is not in the id.
    Its text and its two subsections are read."""
    assert not [d for d in plan("developers-reference.epub").dropped if d.reason == "advertisement"]
    text = spoken("developers-reference.epub")
    assert "Sponsoring a new package" in text and "Sponsoring an update of an existing package" in text


def test_outline_says_which_tracks_were_merged():
    from cli_helpers import invoke

    result = invoke("outline", str(REAL / "yargs-README.md"))
    assert result.exit_code == 0
    assert "How the structure was read:" in result.output
    assert "'Complex Example' is part of the track" in result.output


# ---------------------------------------------------------------- titles


def test_the_title_the_page_shows_without_the_site_name():
    """Doxygen: <title> "DCMTK: dcm2pdf: Extract PDF ..." and a title line; the first <h1> is "SYNOPSIS".
    The banner above the title ("DCMTK Version 3.6.7", "OFFIS DICOM Toolkit") is the page's header."""
    assert plan("dcmtk-dcm2pdf.html").title == "dcm2pdf: Extract PDF file from DICOM encapsulated PDF"
    assert "SYNOPSIS" in titles("dcmtk-dcm2pdf.html")
    assert "OFFIS DICOM Toolkit" not in spoken("dcmtk-dcm2pdf.html")


def test_a_numbered_title_keeps_its_words_without_the_number():
    """Privoxy's only <h1> is "1. General Information"."""
    assert plan("privoxy-faq-general.html").title == "General Information"
    assert "1. General Information" not in spoken("privoxy-faq-general.html")


def test_many_h1s_give_way_to_the_pages_title():
    """fetchmail: <title> "The Fetchmail FAQ" over 15 <h1>s; the first <h1> heads its introduction."""
    assert plan("fetchmail-FAQ.html").title == "The Fetchmail FAQ"
    intro = plan("fetchmail-FAQ.html").tracks[0]
    assert intro.kind.value == "intro"
    assert any("Note that this FAQ is occasionally updated" in p.text for p in intro.passages)


# ---------------------------------------------------------------- breadcrumbs, badges, chrome


def test_version_control_keywords_and_home_links_are_not_read():
    """fetchmail's "Canned page footer": "Back to Fetchmail Home Page" and an unexpanded "$Date$"."""
    text = spoken("fetchmail-FAQ.html")
    assert "$Date$" not in text and "Back to Fetchmail Home Page" not in text
    assert "$Date$" in dropped("fetchmail-FAQ.html", "version-control keyword")


def test_navigation_lines_are_not_read():
    """PuTTY's "Previous | Contents | Index | Next" and Debian release line; the R FAQ's
    "Next: ..., Previous: ..., Up: ... [Contents]"; Publican's "Prev 11.5. Analysis of malware"."""
    assert "Previous | Contents | Index | Next" not in spoken("putty-faq.html")
    assert "Debian PuTTY release" not in spoken("putty-faq.html")
    assert "[Contents]" not in spoken("R-FAQ.html") and "Previous: What is R?" not in spoken("R-FAQ.html")
    assert "Analysis of malware" not in spoken("securing-debian-faq.html")
    assert "This chapter introduces some of the most common questions" in spoken("securing-debian-faq.html")


def test_badges_and_edit_links_at_the_top_of_a_readme_are_not_read():
    """cornerstone-core: badges whose references Markdown cannot resolve, and "Read The Docs | Edit the docs"."""
    text = spoken("cornerstone-core-README.md")
    assert "Coverage Status" not in text and "NPM downloads" not in text and "[![" not in text
    assert "Edit the docs" not in text


def test_badges_beside_a_readme_s_title_are_not_its_title():
    """dotenv (held out): "# dotenv [![NPM version](...)](...) [![downloads](...)](...)" is titled
    "dotenv"; the linked images are listed as badges, and an image in running text is still read."""
    assert plan("dotenv-README.md").title == "dotenv"
    assert dropped("dotenv-README.md", "badge (a linked image)") == ["NPM version", "downloads"]
    document = parse_markdown_text(
        "# Knee care [![build](b.svg)](ci)\n\nSee ![a knee brace](brace.png) here.\n"
    )
    assert document.title == "Knee care"
    said = "\n".join(p.text for t in plan_tracks(document, GuideSettings()).tracks for p in t.passages)
    assert "a knee brace" in said and "build" not in said


def test_a_breadcrumb_trail_above_the_title_is_not_read(tmp_path):
    """ikiwiki's page header "ikiwiki/ tips/ dot cgi", on a page whose article holds its header."""
    html = (REAL / "ikiwiki-tips-dot_cgi.html").read_text(encoding="utf-8")
    page = tmp_path / "dot_cgi.html"
    page.write_text(
        html.replace('<div class="page">', '<main><div class="page">', 1).replace("</body>", "</main></body>")
    )
    document = load_source(page).document
    said = "\n".join(p.text for t in plan_tracks(document, GuideSettings()).tracks for p in t.passages)
    assert "ikiwiki/ tips/" not in said and "ikiwiki tips" not in said
    assert document.title == "dot cgi"
    assert any(d.reason == "breadcrumb trail" for d in document.dropped)


def test_a_markdown_list_of_links_to_its_own_headings_is_contents():
    """commander's README opens with a nested list of links to its headings."""
    text = spoken("commander-Readme.md")
    assert "Installation Quick Start" not in text.replace("\n", " ")
    contents = dropped("commander-Readme.md", "table of contents")
    assert contents and contents[0].startswith("Commander.js Installation Quick Start")


def test_a_run_of_lines_repeating_later_headings_is_contents_in_any_format(tmp_path):
    """The same contents list with its links gone (as a PDF or Word contents page has none)."""
    text = (REAL / "commander-Readme.md").read_text(encoding="utf-8")
    import re

    unlinked = re.sub(r"\[([^\]]+)\]\(#[^)]*\)", r"\1", text)
    page = tmp_path / "commander.md"
    page.write_text(unlinked, encoding="utf-8")
    document = load_source(page).document
    said = "\n".join(p.text for t in plan_tracks(document, GuideSettings()).tracks for p in t.passages)
    assert (
        "Quick Start\nDeclaring program variable" not in said
        and "Declaring program variable\nOptions" not in said
    )
    assert any(d.reason == "table of contents" and "Quick Start" in d.text for d in document.dropped)


def test_the_same_empty_headings_under_each_part_are_no_contents(tmp_path):
    """A reference that repeats its module headings, with nothing under them, in each of its parts
    (DICOMscope's conformance statement) repeats a pattern: unlike a contents list set as
    headings, the later headings it names have no text of their own, and they are still said."""
    sentence = " is described here in a few sentences, enough for a listener to follow along.\n\n"
    modules = "".join(f"### {m}\n\n" for m in ("Patient Module", "Study Module", "Series Module"))
    parts = ("Image storage", "Print storage", "Report storage")
    page = tmp_path / "conformance.md"
    page.write_text("# Conformance\n\n" + "".join(f"## {p}\n\n{p}{sentence}{modules}" for p in parts))
    document = load_source(page).document
    assert not [d for d in document.dropped if d.reason == "table of contents"]
    assert [c.title for c in document.chapters] == list(parts)
    assert all("Study Module" in map(str, c.paragraphs) for c in document.chapters)
    assert not any("Patient Module" in d for d in dropped("dicomscope-dscs360.pdf", "table of contents"))


def test_emphasised_questions_of_a_readme_are_its_faq():
    """cornerstone-core asks its FAQ as italic paragraphs ("_Why ...?_"), each followed by its answer."""
    faqs = [t for t in plan("cornerstone-core-README.md").tracks if t.kind.value == "faq"]
    assert len(faqs) == 9
    assert faqs[0].title == "Why did you decide to license this library using the open source MIT license?"


# ---------------------------------------------------------------- plain text


def test_a_file_named_readme_dot_debian_is_read_by_its_content():
    """GNUmed's README.Debian: no extension, just a name; one introduction, its addresses not spelled out."""
    tracks = plan("gnumed-client-README.Debian").tracks
    assert plan("gnumed-client-README.Debian").title == "GNUmed-client for Debian"
    assert len(tracks) == 1  # "For a roadmap of GNUmed please consult the Wiki at" is no heading
    assert "wiki.gnumed.de" not in spoken("gnumed-client-README.Debian")


def test_web_addresses_on_lines_of_their_own_are_not_spelled_out():
    """SDL's README: "... available online at:" then an indented address."""
    assert plan("libsdl1.2-README").title == "Simple DirectMedia Layer"
    text = spoken("libsdl1.2-README")
    assert "http://www.libsdl.org" not in text and "A web address is shown on the page." in text
    assert "http://www.libsdl.org/faq.php" in dropped("libsdl1.2-README", "web address")


# ---------------------------------------------------------------- wiki emphasis


def test_wiki_emphasis_inside_words_is_not_read():
    """Foswiki's "*A*dverse *D*rug/*V*accine *R*eaction" and "pro*vide*"."""
    text = spoken("GmManualVaccinationHandling.html")
    assert "Adverse Drug/Vaccine Reaction" in text and "*" not in text
    assert "they provide rather than provoke immunity" in text


# ---------------------------------------------------------------- sections and titles in any generator's markup


def test_bold_lines_are_the_sections_of_a_page_without_headings():
    """MRIcron's dcm2nii page (FrontPage, tables): its sections are <p><b>Installation</b></p> lines."""
    names = titles("mricron-dcm2nii.html")
    for section in ("Installation", "Running DCM2NII", "Anonymizing DICOM images", "Sample Datasets"):
        assert section in names


def test_the_level_a_manual_writes_its_sections_at_is_tracks():
    """The Live Systems Manual: chapter "11. Customizing the binary image" holds "11.1 Bootloaders" and
    "11.2 ISO metadata": each is a track of the chapter."""
    tracks = {t.title: t for t in plan("live-manual.en.epub").tracks}
    assert tracks["Bootloaders"].group == "Customizing the binary image"
    assert tracks["ISO metadata"].group == "Customizing the binary image"


_WORDS = " ".join(["The text of this part goes on for a while, so that it is a track of its own."] * 4)


def _book(top: str) -> str:
    """A Markdown book whose sections' sub-sections sit under sections with no text of their own."""
    chapter = (
        "## {n}. Chapter {n}\n\n{w}\n\n### {n}.1 Background\n\n#### {n}.1.1 What went wrong {n}\n\n{w}\n\n"
        "#### {n}.1.2 Why it matters {n}\n\n{w}\n\n### {n}.2 Usage {n}\n\n{w}\n\n"
    )
    return f"# Book\n\n# Part I\n\n{top}{chapter.format(n=1, w=_WORDS)}# Part II\n\n{chapter.format(n=2, w=_WORDS)}"


def test_in_a_book_in_parts_the_chapters_sub_sections_are_tracks_too():
    """Headings with no text of their own at the top level ("Part I", "Part II") are parts: the
    chapters are one level below them, so a section's sub-sections may be tracks there ("What went
    wrong" under a "Background" with no text) as a book without parts has them."""
    names = [c.title for c in parse_markdown_text(_book(""), source="book.md").chapters]
    assert {"What went wrong 1", "Why it matters 1", "What went wrong 2", "Why it matters 2"} <= set(names)
    # The Live Systems Manual's ODT: parts and a repeat of each chapter's title at level 1.
    tracks = {t.title: t for t in plan("live-manual.en.odt").tracks}
    assert tracks["What is wrong with current live systems"].group == "Motivation"
    assert tracks["No package configuration of the live system"].group == "Philosophy"
    assert tracks["Distribution mirrors used at build time"].group == "Package sources"


def test_a_top_level_with_text_of_its_own_is_the_chapters_level():
    """One top heading with text of its own: the top level is the chapters', and sub-sections two
    levels below a section stay spoken inside it."""
    names = [
        c.title for c in parse_markdown_text(_book("A word on this part.\n\n"), source="book.md").chapters
    ]
    assert "What went wrong 1" not in names and "Usage 1" in names


def test_a_heading_of_numbers_takes_the_words_of_the_heading_below_it():
    """Children's Literature numbers its stories: <h3>190</h3> over <h4>A FOUR-LEAVED CLOVER</h4>."""
    names = titles("childrens-literature.epub")
    assert "A FOUR-LEAVED CLOVER" in names and "190" not in names
    assert all(any(c.isalpha() for c in name) for name in names)


def test_paragraph_numbers_are_not_read():
    """SiSU numbers every paragraph of the Live Systems Manual ("619", "620", ...)."""
    said = [p.text for t in plan("live-manual.en.epub").tracks for p in t.passages]
    assert "619" not in said and "620" not in said
    assert "619" in dropped("live-manual.en.epub", "page or paragraph number")


def test_a_title_page_of_bold_lines_is_the_title():
    """writer2latex's manual opens with bold lines "User's manual for" / "Writer2LaTeX, ..."; its first
    heading, "Introduction", is a chapter."""
    assert plan("writer2latex-user-manual.odt").title == (
        "User's manual for Writer2LaTeX, Writer2BibTeX, Writer2xhtml and Calc2xhtml"
    )


def test_a_title_shown_with_its_version_is_no_track():
    """odfpy's title page says "Application Programmer's Interface for ODFPY 0.9.1"; dc:title without 0.9.1."""
    assert plan("odfpy-api-for-odfpy.odt").title == "Application Programmer's Interface for ODFPY"
    assert not any(t.startswith("Application Programmer") for t in titles("odfpy-api-for-odfpy.odt"))


# ---------------------------------------------------------------- code no markup marks


def test_lines_of_code_broken_with_br_are_code():
    """groff's pic manual writes a program as a paragraph of <br> lines; dcm2nii's usage screen is a cell."""
    assert ".PS" not in spoken("groff-pic-4.html") and "box wid 1 ht 1" not in spoken("groff-pic-4.html")
    assert "-a Anonymize" not in spoken("mricron-dcm2nii.html")


def test_commands_in_plain_text_are_code():
    """zlib's FAQ: "make distclean / ./configure / make" and a linker's error message."""
    text = spoken("FAQ.gz")
    assert "make distclean" not in text and "undefined reference to `gzputc'" not in text
    assert "make distclean\n./configure\nmake" in dropped("FAQ.gz", "code")


def test_r_markdown_front_matter_is_the_title_and_chunks_are_code():
    """epiR's vignette (.Rmd): YAML front matter, a LaTeX line, ```{r} chunks, pandoc citations."""
    assert plan("epiR-descriptive.Rmd").title == "Descriptive Epidemiology using epiR"
    text = spoken("epiR-descriptive.Rmd")
    assert "Mark Stevenson" not in text and "\\setmainfont" not in text
    assert "library(epiR)" not in text and "[@" not in text
    assert titles("epiR-descriptive.Rmd")[1:] == ["Individual", "Time", "Place"]


# ---------------------------------------------------------------- FAQ parts


TWO_FAQ_PARTS = """# Packaging guide

This guide says how a package is made and kept up to date by its maintainers.

## Uploads

An upload sends a new version of the package to the archive for everyone.

### Frequently asked questions

#### Can I upload the same version twice?

No, the archive refuses a version it already holds, so raise the version first.

## FAQ for translators

Translators ask these questions most often; the answers below are short.

### How do I help?

Join the translation list and pick a file that nobody has claimed yet.

## Best practice

Keep the templates of your package in step with its code at every release.
"""


def test_each_faq_part_of_a_document_is_read_under_its_own_name():
    """A second FAQ heading names its own part ("FAQ for translators"), not the first part's
    ("Frequently asked questions"); the questions under either stay questions."""
    document = parse_markdown_text(TWO_FAQ_PARTS, source="guide.md")
    chapters = {c.title: c for c in document.chapters}
    assert "FAQ for translators" in chapters
    assert chapters["FAQ for translators"].paragraphs[0].startswith("Translators ask")
    assert [c.title for c in document.chapters].count("Frequently asked questions") == 0
    kinds = {c.title: c.kind for c in document.chapters}
    assert kinds["Can I upload the same version twice?"] is ChapterKind.FAQ
    assert kinds["How do I help?"] is ChapterKind.FAQ
    assert kinds["Best practice"] is ChapterKind.SECTION


def test_a_named_faq_part_of_a_manual_is_its_section():
    """Debian's Developer's Reference: "8.2. I18N & L10N FAQ for maintainers" and "8.3. ... for
    translators" (after a "Frequently asked questions" in chapter 5) are sections under their names."""
    titles = [t.title for t in plan("developers-reference.epub").tracks]
    assert "I18N & L10N FAQ for maintainers" in titles and "I18N & L10N FAQ for translators" in titles


def test_a_number_in_parentheses_is_not_part_of_a_question():
    """SQLite's FAQ asks "(1) How do I create an AUTOINCREMENT field?" in bold: the track is the
    question, without "(1)" (the track number says where it is)."""
    titles = [t.title for t in plan("sqlite-faq.html").tracks]
    assert "How do I create an AUTOINCREMENT field?" in titles
    assert not any(t.startswith("(") and t[1:2].isdigit() for t in titles)


def test_a_section_number_before_a_number_is_not_read():
    """The Guide for Debian Maintainers' "7.13. 3.0 source format": the track is "3.0 source format"."""
    titles = [t.title for t in plan("debmake-doc.en.epub").tracks]
    assert "3.0 source format" in titles and "7.13. 3.0 source format" not in titles


# ---------------------------------------------------------------- item labels and inline code


def test_an_item_label_gives_way_to_the_documentations_own_title():
    """rustdoc's h1 "Crate std" labels the item; the docs' h2 "The Rust Standard Library" right
    under it is the guide's title and its text the introduction, not a track."""
    rust = plan("rust-std-index.html")
    assert rust.title == "The Rust Standard Library"
    titles = [t.title for t in rust.tracks]
    assert "The Rust Standard Library" not in titles[1:] and "Expand description" not in titles
    assert "How to read this documentation" in titles
    assert any("foundation of portable Rust software" in p.text for p in rust.tracks[0].passages)


def test_a_heading_right_under_an_ordinary_title_stays_a_section(tmp_path):
    """Only an item's label gives way: under "Glossary" (pydicom) or "Aspirin" the first heading,
    with no text between, is a track or a group, never the title."""
    assert plan("pydicom-glossary.html").title == "Glossary"
    page = tmp_path / "aspirin.html"
    page.write_text(
        "<html><head><title>Aspirin</title></head><body><h1>Aspirin</h1><h2>Uses</h2>"
        "<p>Aspirin relieves pain and lowers a fever in adults who can take it safely.</p><h2>Dosage</h2>"
        "<p>Take one tablet every four hours with water, no more than eight in a day.</p></body></html>",
        encoding="utf-8",
    )
    document = load_source(page).document
    assert document.title == "Aspirin"
    assert [c.title for c in document.chapters] == ["Uses", "Dosage"]


def test_an_inline_code_statement_is_not_read_names_and_commands_are(tmp_path):
    """ "as in `use std::env`" is said briefly; a file name, an option and a command the reader
    types are read in their sentences, and titles keep their code."""
    text = "\n".join(p.text for t in plan("rust-std-index.html").tracks for p in t.passages)
    assert "use std::env" not in text and "as in the code shown on the page." in text
    assert "use std::env" in dropped("rust-std-index.html", "code")
    page = tmp_path / "readme.md"
    page.write_text(
        "# Tool\n\nThe tool reads settings for every program that runs on this machine.\n\n"
        "## Setup\n\nRun `npm install tool --save`, then create a `.env` file with `--quiet` set, "
        "and call it in your program as in `config({ fast: true })`.\n\n"
        "## Should I commit my `.env` file?\n\nNo, keep it out of version control for good.\n",
        encoding="utf-8",
    )
    document = load_source(page).document
    said = " ".join(p for c in document.chapters for p in c.paragraphs)
    assert "npm install tool --save" in said and ".env file" in said and "--quiet" in said
    assert "config(" not in said and "as in the code shown on the page." in said
    assert "Should I commit my .env file?" in [c.title for c in document.chapters]


def test_an_faq_part_named_again_before_any_question_loses_no_word():
    """Two FAQ headings in a row ("FAQ for patients", then "FAQ for carers" with the questions): the
    first part holds nothing, so its heading is said nowhere; it is listed, not lost."""
    document = parse_markdown_text(
        "# Knee care\n\nRest the knee.\n\n## FAQ for patients\n\n## FAQ for carers\n\n"
        "### Can I drive?\n\nNot for six weeks.\n",
        source="knee.md",
    )
    listed = {d.text: d.reason for d in document.dropped}
    assert listed.get("FAQ for patients") == "an FAQ heading with nothing under it"
    assert [c.title for c in document.chapters if c.kind == ChapterKind.FAQ] == ["Can I drive?"]


def test_questions_marked_q_in_one_paragraph_of_line_breaks_are_tracks():
    """EDFbrowser's manual writes its FAQ as one <p>: "Q. ...<br><br>A. ...<br><br><br>Q. ...". Each
    "Q." line is a track (five of the 18 are statements, answered by an "A." line); no answer says "A."."""
    tracks = [t for t in plan("edfbrowser-manual.html").tracks if t.kind == "faq"]
    assert len(tracks) == 18
    assert tracks[0].title == "How do I add signals to the screen?"
    assert tracks[4].title == "I want to open two files in different windows."
    answers = [p.text for t in tracks for p in t.passages if p.role == "paragraph"]
    assert answers[0] == "Use the signalsdialog."
    assert not any(a.startswith(("A.", "Q.")) for a in answers)


BROKEN_LINES_FAQ = """<html><head><title>Clinic answers</title></head><body><h1>Clinic answers</h1>
<p>Our staff answer the questions patients ask most.</p>
<p>Q.  Can I drive home after the injection?<br><br>A.  No. Bring someone who can drive you.<br><br><br>
Q.  I take blood thinners.<br><br>A.  Tell us a week before: some must be stopped.<br>
Ask your doctor which ones.</p>
<h2>Research</h2>
<p>Q. Wang and colleagues followed 200 patients for a year.<br><br>Most had less pain at six months.</p>
</body></html>"""


def test_a_q_line_is_a_question_when_it_asks_or_an_a_line_answers_it():
    """Lines of a <p> that <br><br> leave blank between are paragraphs; a "Q." paragraph asks when it
    ends in "?" or an "A." paragraph follows it; "Q. Wang and colleagues ..." (an initial) is text."""
    from audioguide.sources.html.reader import parse_html_text

    document = parse_html_text(BROKEN_LINES_FAQ)
    chapters = {c.title: c for c in document.chapters}
    assert chapters["Can I drive home after the injection?"].paragraphs == (
        "No. Bring someone who can drive you.",
    )
    assert chapters["I take blood thinners."].paragraphs == (
        "Tell us a week before: some must be stopped. Ask your doctor which ones.",
    )
    assert chapters["Research"].paragraphs == (
        "Q. Wang and colleagues followed 200 patients for a year.",
        "Most had less pain at six months.",
    )


@pytest.mark.parametrize(
    ("text", "answered", "asks"),
    [
        ("Q: Can I drive home?", False, True),
        ("Q. I want to open two files.", False, False),  # a statement asks only when answered
        ("Q. I want to open two files.", True, True),
        ("Question 3: Tabs or spaces", True, True),
        ("Quite often it rains?", True, False),  # no marker
        ("Q. " + "word " * 45 + "?", True, False),  # too long for a question
    ],
)
def test_a_marked_question(text, answered, asks):
    from audioguide.sources.headings import asks_with_marker

    assert asks_with_marker(text, answered=answered) is asks


@pytest.mark.parametrize(
    ("text", "first", "marked", "stripped"),
    [
        ("A: No, you can drive.", False, True, "No, you can drive."),
        ("Answer - Yes.", False, True, "Yes."),
        ("A.  Use the dialog.", True, True, "Use the dialog."),
        ("A.  Use the dialog.", False, True, "A.  Use the dialog."),  # "A." only opens an answer
        ("A) Rest.", True, True, "Rest."),
        ("a. the first item", True, False, "a. the first item"),  # a lettered list
        ("A.B. Smith wrote it.", True, False, "A.B. Smith wrote it."),
    ],
)
def test_an_answer_marker(text, first, marked, stripped):
    from audioguide.sources.headings import answers_with_marker, strip_answer_marker

    assert answers_with_marker(text) is marked
    assert strip_answer_marker(text, first=first) == stripped


def test_a_bold_question_whose_mark_follows_the_bold_is_a_question():
    """DIPY's FAQ writes one of its 17 questions <strong>What is dpy</strong>? (the "?" outside the bold)."""
    from audioguide.sources.html.reader import parse_html_text

    assert "What is dpy?" in titles("dipy-faq.html")
    page = (
        "<html><body><h1>Knee care</h1><p>Rest the knee.</p><p><b>Can I swim</b>?</p><p>After two weeks.</p>"
    )
    chapters = {c.title: c.paragraphs for c in parse_html_text(page + "</body></html>").chapters}
    assert chapters["Can I swim?"] == ("After two weeks.",)


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("npm install commander", True),
        ("rpm -Uvh ctsim-*.rpm", True),  # any program's name, then an option
        ("$ lb config --distribution sid", True),
        ("dcm2nii -a y scan.dcm", True),
        ("use -v to see more", False),  # words of a sentence
        ("pip is the package installer", False),
        ("Take 2 tablets -Monday", False),  # no lowercase name first
        ("ibuprofen -200 mg", False),  # a number is no option
        ("rest -- then walk", False),
    ],
)
def test_a_command_line(text, command):
    from audioguide.sources.code import looks_like_command

    assert looks_like_command(text) is command


def test_commands_of_programs_no_list_names_are_not_read():
    """CTSim's manual sets "rpm -Uvh ctsim-*.rpm" in italic, the Live Systems Manual its "$ lb config
    ..." lines as paragraphs: commands of programs the reader has no list of, by their options."""
    assert "rpm -Uvh" not in spoken("ctsim.pdf")
    assert "rpm -Uvh ctsim-*.rpm" in dropped("ctsim.pdf", "code")
    assert "lb config --distribution sid" not in spoken("live-manual.en.epub")


STEPS = """Worklist server for testing
===========================

The package ships an example worklist database and a set of example
queries, so that a modality can be tested against a worklist server
before the hospital's own information system is connected to it.
Here is how to make them work:

1. Use dump2dcm to convert all the dump files in examples/wlistdb
to worklist files (DICOM format):

  $ for f in *.dump; do dump2dcm "$f" "${f%.dump}".wl; done

These files are your worklist database.
2. In one shell run the following command to start the server:

  $ wlmscpfs -v -dfp examples/wlistdb 1234

The server then listens on port 1234 for the queries of any modality
that is configured to call it, and answers each from the database.
"""


def test_numbered_steps_that_introduce_commands_are_steps_not_headings():
    """DCMTK's README.Debian (round 5): a text with no headings, whose numbered steps end in ":" over
    an indented command. The steps are read as items (a step wrapped back to the margin goes on), the
    commands are code even before any heading, and no step is a track."""
    from audioguide.sources.plain import parse_plain_text

    document = parse_plain_text(STEPS)
    assert [c.title for c in document.chapters] == ["Introduction"]
    said = [str(p) for p in document.chapters[0].paragraphs]
    assert said[1] == (
        "1. Use dump2dcm to convert all the dump files in examples/wlistdb to worklist files (DICOM format):"
    )
    assert 'dump2dcm "$f"' not in " ".join(said) and "wlmscpfs -v" not in " ".join(said)
    assert [c.title for c in plan("dcmtk-README.Debian.gz").tracks] == ["Introduction"]


def test_a_markdown_table_is_read_row_by_row_not_as_pipes():
    """NIfTI's README (round 5) is mostly GitHub tables; markdown-it's CommonMark preset has no table
    rule, so each table was one paragraph of pipes and rules: "directory | description -----|---- ..."."""
    text = (
        "# Clinic hours\n\nWhen to call us.\n\n## Hours\n\n"
        "| Day | Open | Phone |\n| --- | :-: | --- |\n| Monday | 8 to 6 | `555 0100` |\n| Saturday | closed | |\n"
    )
    said = [str(p) for c in parse_markdown_text(text).chapters for p in c.paragraphs]
    assert said[-3:] == ["Day, Open, Phone", "Monday, 8 to 6, 555 0100", "Saturday, closed"]
    nifti = spoken("nifti-README.md")
    assert "|" not in nifti and "----" not in nifti
    assert "znzlib, low level library for handling read/write of compressed files." in nifti


@pytest.mark.parametrize(
    ("tex", "said"),
    [
        (r"\(K\)", "K"),
        ("$n$", "n"),
        (r"\(\mathbf{q}\)", "q"),
        (r"\((i, j, k)\)", "i, j, k"),
        (r"\(100\)", "100"),
        (r"\(x_1,\dots,x_K\)", None),  # TeX, not words
        (r"\[ y_{k,j} \sim \mathrm{Normal}(\mu_k, \sigma^2) \]", None),
        (r"\(\mu_k\)", None),
    ],
)
def test_what_a_formula_says(tex, said):
    from audioguide.sources.code import formula_said

    assert formula_said(tex) == said


def test_tex_for_mathjax_is_never_read():
    """DoseFinding's FAQ (round 5, pandoc) and DIPY's (Sphinx) write formulas as TeX in
    <span class="math">, for MathJax: "\\[ y_{k,j} \\sim \\mathrm{Normal}(\\mu_k, \\sigma^2) \\]" was read
    out. A formula that is only a name is read as the name; any other is a note, and listed."""
    from audioguide.sources.html.reader import parse_html_text

    page = (
        '<html><body><h1>Dose finding</h1><p>Among <span class="math inline">\\(K\\)</span> doses the '
        'mean is <span class="math inline">\\(\\mu_k = f(x_k)\\)</span> at each.</p></body></html>'
    )
    document = parse_html_text(page)
    assert document.chapters[0].paragraphs == (
        "Among K doses the mean is the formula shown on the page at each.",
    )
    assert [d.text for d in document.dropped if d.reason == "formula (not read aloud)"] == [
        "\\(\\mu_k = f(x_k)\\)"
    ]
    for name in ("DoseFinding-faq.html", "dipy-faq.html"):
        assert "\\(" not in spoken(name) and "\\[" not in spoken(name) and "\\mathbf" not in spoken(name)


def test_a_heading_repeating_the_title_is_a_section_when_the_outline_lists_it():
    """A heading that repeats the title joins the chapter before (a page that repeats its title as a
    heading); one the document's own outline lists (a PDF bookmark) is a section named like it."""
    from audioguide.sources.structure import Block, build_document

    def chapters(listed: bool) -> list[str]:
        blocks = [
            Block("heading", "Introduction", 1, 1),
            Block("paragraph", "Most people walk the day after the operation.", 2),
            Block("heading", "Knee care", 3, 1, listed=listed),
            Block("paragraph", "Keep the wound dry and the leg raised for a week.", 4),
        ]
        return [c.title for c in build_document(blocks, title="Knee care", chapter_level=1).chapters]

    assert chapters(listed=True) == ["Introduction", "Knee care"]
    assert chapters(listed=False) == ["Introduction"]
