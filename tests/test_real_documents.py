"""Real documents nobody here wrote (tests/data/real/SOURCES.md), outlined through the public CLI.

For each: every question of the source is its own track (the questions are
found in the source by a simple scan of its own markup, independently of the
tool), titles are clean (no permalink glyphs, no line fragments, no section
numbers or "Q:" markers), less than 10 % of the text is dropped and every
dropped block is listed with a reason, and no track is over 10 minutes.
"""

from __future__ import annotations

import gzip
import json
import re
from functools import cache
from pathlib import Path

import lxml.html
import pytest
from cli_helpers import invoke

REAL = Path(__file__).parent / "data" / "real"
DOCUMENTS = [
    "python-faq-general.html",
    "python-faq-programming.html",
    "pydicom-faq-index.html",
    "basic-defs.en.html",
    "debian-faq.en.txt.gz",
    "GmManualBasicEmrConcept.html",
    "FAQ",
    "FAQ.gz",
    "faq.txt.gz",
    "faq.md",
    "README.md",
]
# A title that ends like this was cut off where a line of the source ended.
_FRAGMENT_END_RE = re.compile(r"\b(the|a|an|and|or|of|to|with|from|like|that|which|than)$|[/,-]$", re.I)
_GLYPHS = ("¶", "§", "🔗", "\uf0c1", "Permalink", "Q:", "A:")


@cache
def outline(name: str) -> dict:
    result = invoke("outline", str(REAL / name), "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.output)


def titles(name: str) -> list[str]:
    return [t["title"] for t in outline(name)["tracks"]]


def _words(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


# ---------------------------------------------------------------- the questions, as the source marks them


def html_questions(name: str, tag: str) -> list[str]:
    """The question headings of a page: the text of every <tag> in its main content (permalinks left out)."""
    root = lxml.html.parse(str(REAL / name)).getroot()
    for link in root.xpath("//a[contains(@class, 'headerlink')]"):
        link.drop_tree()
    main = root.xpath("//*[@role='main']") or root.xpath("//div[@class='chapter']")
    return [_words(h.text_content()) for h in main[0].iter(tag)]


def numbered_questions(text: str, margin: str) -> list[str]:
    """Numbered headings at the left margin ("1.1. What ...?"), wrapped lines joined, numbers dropped."""
    lines = text.replace("\u00a0", " ").split("\n")
    found = []
    for index, line in enumerate(lines):
        if not re.match(margin, line):
            continue
        heading = line.strip()
        following = index + 1
        while (
            following < len(lines)
            and lines[following].strip()
            and not re.match(margin, lines[following])
            and (not lines[following].startswith("    ") or not heading.rstrip().endswith((".", "?")))
        ):
            heading += " " + lines[following].strip()
            following += 1
        found.append(re.sub(r"^\d+(\.\d+)*\.\s+", "", _words(heading)))
    return found


def debian_questions() -> list[str]:
    text = gzip.decompress((REAL / "debian-faq.en.txt.gz").read_bytes()).decode("utf-8")
    body = text[text.index("\nChapter\u00a01.") :]
    headings = numbered_questions(body, r"^\d+(\.\d+)+\.\s")
    return [h.replace("GNU/ Linux", "GNU/Linux") for h in headings if h.rstrip("!").endswith("?")]


def zlib_questions() -> list[str]:
    """ "NN. Question" entries: the entry is every line up to the blank line after it."""
    text = gzip.decompress((REAL / "FAQ.gz").read_bytes()).decode("utf-8")
    entries = re.findall(r"^ ?\d{1,2}\.\s+(.+?)\n\s*\n", text, re.M | re.S)
    return [_words(entry) for entry in entries]


def xz_questions() -> list[str]:
    text = gzip.decompress((REAL / "faq.txt.gz").read_bytes()).decode("utf-8")
    return [_words(q) for q in re.findall(r"^Q:\s+(.+?)\n\n", text, re.M | re.S)]


def markdown_questions(name: str) -> list[str]:
    text = (REAL / name).read_text(encoding="utf-8")
    return [re.sub(r"[`_]", "", h) for h in re.findall(r"^## (.+)$", text, re.M)]


QUESTIONS = {
    "python-faq-general.html": lambda: html_questions("python-faq-general.html", "h3"),
    "python-faq-programming.html": lambda: html_questions("python-faq-programming.html", "h3"),
    "pydicom-faq-index.html": lambda: html_questions("pydicom-faq-index.html", "h3"),
    "basic-defs.en.html": lambda: [
        re.sub(r"^\d+\.\d+\.\s+", "", q) for q in html_questions("basic-defs.en.html", "h2")
    ],
    "debian-faq.en.txt.gz": debian_questions,
    "FAQ": lambda: ["Why use man-db instead of man?"],
    "FAQ.gz": zlib_questions,
    "faq.txt.gz": xz_questions,
    "faq.md": lambda: markdown_questions("faq.md"),
}
# How many questions each source has, counted by hand (SOURCES.md of the collection).
HAND_COUNTS = {
    "python-faq-general.html": 23,
    "python-faq-programming.html": 67,
    "pydicom-faq-index.html": 5,
    "basic-defs.en.html": 7,
    "FAQ": 1,
    "FAQ.gz": 44,
    "faq.txt.gz": 18,
    "faq.md": 13,
}


@pytest.mark.parametrize("name", sorted(QUESTIONS))
def test_every_question_is_its_own_track(name):
    questions = QUESTIONS[name]()
    if name in HAND_COUNTS:
        assert len(questions) == HAND_COUNTS[name]  # the scan finds what a reader counts
    tracks = {t["title"]: t for t in outline(name)["tracks"]}
    missing = [q for q in questions if q not in tracks]
    assert not missing
    assert all(tracks[q]["kind"] == "faq" for q in questions)
    # One track each: no question is merged into another's answer.
    assert len({tracks[q]["number"] for q in questions}) == len(questions)


def test_debian_faq_has_all_its_numbered_questions():
    questions = debian_questions()
    assert len(questions) >= 120
    assert (
        "How does the Debian project fit in or compare with the Free Software Foundation's GNU project?"
        in questions
    )


@pytest.mark.parametrize("name", DOCUMENTS)
def test_titles_are_clean(name):
    data = outline(name)
    for title in [data["title"], *titles(name), *(t["group"] or "" for t in data["tracks"])]:
        assert not any(glyph in title for glyph in _GLYPHS), title
        assert title == title.strip() and "  " not in title, title
        assert not _FRAGMENT_END_RE.search(title), title
        assert not re.match(r"^\d+(\.\d+)*\.\s", title), title
    assert all("¶" not in t["file"] for t in data["tracks"])


@pytest.mark.parametrize("name", DOCUMENTS)
def test_little_is_dropped_and_all_of_it_is_listed(name):
    data = outline(name)
    assert data["dropped_share"] < 0.10
    assert all(d["reason"] and d["text"] for d in data["dropped"])
    content = [d for d in data["dropped"] if not d["outside"] and d["kind"] == "content"]
    assert data["dropped_words"] == sum(d["words"] for d in content)


@pytest.mark.parametrize("name", DOCUMENTS)
def test_no_track_is_over_ten_minutes(name):
    tracks = outline(name)["tracks"]
    assert all(not t["long"] and t["estimated_s"] <= 600 for t in tracks)


def test_questions_are_grouped_under_their_topics():
    general = {t["title"]: t["group"] for t in outline("python-faq-general.html")["tracks"]}
    assert general["What is Python?"] == "General Information"
    assert general["How stable is Python?"] == "Python in the real world"
    pydicom = {t["title"]: t["group"] for t in outline("pydicom-faq-index.html")["tracks"]}
    assert pydicom["What happened to import dicom?"] == "General"
    assert pydicom["What version of Python can I use?"] == "Installation"
    debian = {t["title"]: t["group"] for t in outline("debian-faq.en.txt.gz")["tracks"]}
    assert debian["What is this FAQ?"] == "Chapter 1. Definitions and overview"


def test_share_in_a_question_is_not_a_share_button():
    """ "How do I share global variables across modules?" and its answer are read (the issue's case)."""
    data = outline("python-faq-programming.html")
    track = next(t for t in data["tracks"] if t["title"] == "How do I share global variables across modules?")
    assert track["words"] > 80
    assert not [d for d in data["dropped"] if d["reason"] == "share buttons"]


def test_debian_faq_table_of_contents_and_copyright_notice_dropped():
    data = outline("debian-faq.en.txt.gz")
    assert data["tracks"][-1]["title"] == "Document format"
    notice = [d for d in data["dropped"] if d["reason"].startswith("copyright and licence notice")]
    assert len(notice) == 4 and "Permission is granted" not in " ".join(t["title"] for t in data["tracks"])
    assert any(d["reason"].startswith("table of contents") and d["words"] > 1000 for d in data["dropped"])
    assert "Version 11.0" not in titles("debian-faq.en.txt.gz")


def test_gnumed_page_keeps_its_headings_and_drops_its_language_switcher():
    names = titles("GmManualBasicEmrConcept.html")
    for heading in (
        "The Encounter",
        "The SOAP Schema",
        "The Episode of Care",
        "The Health Issue",
        "The Problem List",
        "Putting Things Together",
        "Literature",
    ):
        assert heading in names
    reasons = {d["text"]: d["reason"] for d in outline("GmManualBasicEmrConcept.html")["dropped"]}
    assert (
        reasons["Help translate this into Deutsch Español Français Polska Português"] == "language switcher"
    )
    assert reasons["Next: Starting GNUmed"] == "navigation"


def test_black_readme_title_and_licence_last():
    data = outline("README.md")
    assert data["title"] == "The Uncompromising Code Formatter"
    # "Installation and usage" has no text of its own: its two sub-sections are its tracks.
    assert titles("README.md")[1:3] == ["Installation", "Usage"]
    assert {t["group"] for t in data["tracks"][1:3]} == {"Installation and usage"}
    assert titles("README.md")[-1] == "License"
