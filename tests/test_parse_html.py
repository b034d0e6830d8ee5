"""HTML sources: the article of a clinic page, its FAQs from the markup, its furniture listed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from audioguide.errors import SourceError
from audioguide.model.document import ChapterKind
from audioguide.sources.html import parse_html, parse_html_bytes, parse_html_text
from audioguide.sources.load import load_source
from audioguide.sources.plain import parse_text
from audioguide.sources.structure import is_item

DATA = Path(__file__).parent / "data"
CLINIC_PAGE = DATA / "clinic-page.html"


@pytest.fixture(scope="module")
def page():
    return parse_html(CLINIC_PAGE)


def chapters(doc):
    return [(c.kind, c.title, c.paragraphs, c.lead) for c in doc.chapters]


def test_clinic_page_reads_as_the_seed_article(page, example_article):
    """The same chapters (kinds, titles, paragraph texts, lead) as the plain-text seed."""
    seed = parse_text(example_article)
    assert page.title == seed.title
    assert chapters(page) == chapters(seed)
    assert page.faq_title == seed.faq_title == "FAQs"


def test_clinic_page_metadata(page):
    assert page.language == "en"  # from <html lang="en-US">
    assert page.author == "Teri Franks"
    assert page.publisher == "Prescott Pain & Spine Clinic"
    assert page.source == str(CLINIC_PAGE)


def test_clinic_page_furniture_is_not_spoken_but_listed(page):
    spoken = " ".join(
        [page.title, *(c.title for c in page.chapters), *(p for c in page.chapters for p in c.paragraphs)]
    )
    for furniture in (
        "cookies",
        "Privacy Policy",
        "Share this",
        "Leave a Comment",
        "Teri Franks",
        "Recent Posts",
        "Post Comment",
        "Willow Creek",
        "Next post",
        "About Us",
    ):
        assert furniture not in spoken, furniture
    reasons = {d.text: d.reason for d in page.dropped}
    assert reasons["About Us"] == "navigation"
    assert reasons["Skip to content"] == "navigation"
    assert reasons["Accept all cookies Cookie settings"] == "cookie banner"
    assert reasons["Share this: Facebook Twitter LinkedIn Email"] == "share buttons"
    assert reasons["Leave a Comment"] == "comments and comment form"
    assert reasons["Your email address will not be published. Required fields are marked *"] == (
        "comments and comment form"
    )
    assert reasons["About the author"] == "author box"
    assert any(
        text.startswith("Hi, I'm Teri Franks") and reason == "author box" for text, reason in reasons.items()
    )
    assert reasons["Recent Posts"] == "sidebar"
    assert reasons["Privacy Policy"] == "navigation"
    assert reasons["© 2024 Prescott Pain & Spine Clinic. All rights reserved."] == "page footer"
    assert reasons["Posted on February 12, 2024 by Teri Franks"] == "byline"
    # The repeated-title heading is dropped by the structure stage, at its own line.
    repeated = [d for d in page.dropped if "repeats the article title" in d.reason]
    assert len(repeated) == 1 and repeated[0].line == 136
    assert all(d.line for d in page.dropped)


def test_every_visible_word_is_spoken_or_listed(page):
    """Word-level accounting over the page's visible text (the FAQ heading is the FAQ part's title)."""
    import re

    import lxml.html

    root = lxml.html.parse(str(CLINIC_PAGE)).getroot()
    for bad in root.xpath("//script|//style|//head"):
        bad.drop_tree()
    visible = set(re.findall(r"\w+", root.text_content().casefold()))
    kept = " ".join(
        [
            page.title,
            page.faq_title,
            *(c.title for c in page.chapters),
            *(p for c in page.chapters for p in c.paragraphs),
            *(d.text for d in page.dropped),
        ]
    )
    assert visible <= set(re.findall(r"\w+", kept.casefold()))


def _without_visible_faq(html: str) -> str:
    start = html.index('<h2 id="faqs">')
    end = html.index('<h2 id="conclusion">')
    return html[:start] + html[end:]


def test_faqs_only_in_json_ld_are_read_from_it(example_article):
    """A page whose FAQ accordion is rendered by script: the JSON-LD supplies the questions."""
    html = _without_visible_faq(CLINIC_PAGE.read_text(encoding="utf-8"))
    doc = parse_html_text(html, source="page.html")
    seed = parse_text(example_article)
    assert [(c.kind, c.title, c.paragraphs) for c in doc.chapters] == [
        (c.kind, c.title, c.paragraphs) for c in seed.chapters
    ]
    assert doc.faq_title == "Frequently asked questions"  # no FAQ heading on the page


def test_json_ld_answers_with_markup_and_question_order():
    graph = {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": "Can I drive home?",
                "acceptedAnswer": {
                    "@type": "Answer",
                    "text": "<p>No.</p><ul><li>Bring a driver</li><li>Or take a taxi</li></ul>",
                },
            },
            {
                "@type": "Question",
                "name": "Will it hurt &amp; for how long?",
                "acceptedAnswer": [{"@type": "Answer", "text": "A little, for a day."}],
            },
        ],
    }
    html = f"""<html><head><script type="application/ld+json">{json.dumps(graph)}</script>
    <script type="application/ld+json">{{ not json </script></head><body><article>
    <h1>Knee Injections</h1><p>{"Knee injections ease the pain of arthritis for months at a time. " * 8}</p>
    <h2>Conclusion</h2><p>{"Ask your doctor whether an injection suits your knee and your plans. " * 4}</p>
    </article></body></html>"""
    doc = parse_html_text(html, source="knee.html")
    assert [(c.kind.value, c.title) for c in doc.chapters] == [
        ("intro", "Introduction"),
        ("faq", "Can I drive home?"),
        ("faq", "Will it hurt & for how long?"),
        ("conclusion", "Conclusion"),
    ]
    answer = doc.chapters[1].paragraphs
    assert answer == ("No.", "Bring a driver", "Or take a taxi")
    assert [is_item(p) for p in answer] == [False, True, True]


DETAILS_PAGE = """<!DOCTYPE html><html lang="de"><head><title>Nerve Blocks | Clinic</title></head><body>
<nav><a href="/">Home</a> <a href="/faq">FAQ</a></nav>
<main><article>
<h1>Nerve Blocks Explained</h1>
<p>A nerve block is an injection of numbing medicine near a nerve. It can calm pain for hours or weeks.
Doctors use nerve blocks both to find where pain comes from and to treat it.</p>
<h2>How to Prepare</h2>
<p>Follow these steps before your appointment. Your care team will go over them with you.</p>
<ol>
  <li>Stop eating six hours before.</li>
  <li>Bring your medication list.
    <ul><li>Include vitamins</li><li>Include blood thinners</li></ul>
  </li>
  <li>Arrange a ride home.</li>
</ol>
<h3>What to Bring</h3>
<ul><li>Your insurance card</li><li>A photo ID</li></ul>
<h2>Questions</h2>
<details><summary>Does a nerve block hurt?</summary><p>You may feel a pinch and some pressure.</p></details>
<details><summary>How long does it last?</summary><p>Relief lasts from hours to months.</p>
<p>Some people need a second injection.</p></details>
<details><summary>Show references</summary><p>Journal of Pain Medicine, 2021.</p></details>
</article></main>
<footer><p>Copyright 2024 Clinic</p></footer>
</body></html>"""


def test_details_summary_faqs_lists_and_sub_headings():
    doc = parse_html_text(DETAILS_PAGE, source="blocks.html")
    assert doc.title == "Nerve Blocks Explained"
    assert doc.language == "de"
    kinds = [(c.kind.value, c.title) for c in doc.chapters]
    assert kinds[:2] == [("intro", "Introduction"), ("section", "How to Prepare")]
    assert ("faq", "Does a nerve block hurt?") in kinds and ("faq", "How long does it last?") in kinds
    prepare = doc.chapters[1].paragraphs
    assert prepare == (
        "Follow these steps before your appointment. Your care team will go over them with you.",
        "1. Stop eating six hours before.",
        "2. Bring your medication list.",
        "Include vitamins",
        "Include blood thinners",
        "3. Arrange a ride home.",
        "What to Bring",  # an h3: a spoken sub-heading inside its chapter
        "Your insurance card",
        "A photo ID",
    )
    assert [is_item(p) for p in prepare] == [False, True, True, True, True, True, False, True, True]
    last = next(c for c in doc.chapters if c.title == "How long does it last?")
    assert last.paragraphs == ("Relief lasts from hours to months.", "Some people need a second injection.")
    spoken = " ".join(p for c in doc.chapters for p in c.paragraphs)
    assert "Copyright" not in spoken and "Home" not in spoken
    assert {d.text for d in doc.dropped} >= {"Copyright 2024 Clinic"}


def test_tiny_page_falls_back_to_landmarks():
    """trafilatura finds no article in a two-paragraph page: the landmarks decide."""
    html = (
        "<html><body><header><p>Clinic</p></header><h1>Ice</h1><p>Ice the knee.</p>"
        "<ul><li>Ten minutes</li><li>Three times a day</li></ul><footer>Contact us</footer></body></html>"
    )
    doc = parse_html_text(html, source="ice.html")
    assert doc.title == "Ice"
    assert doc.chapters[0].paragraphs == ("Ice the knee.", "Ten minutes", "Three times a day")
    assert {d.text: d.reason for d in doc.dropped} == {"Clinic": "site header", "Contact us": "page footer"}


def test_keep_furniture_reads_the_whole_page():
    doc = parse_html(CLINIC_PAGE, keep_furniture=True)
    text = " ".join(p for c in doc.chapters for p in c.paragraphs)
    assert "We use cookies" in text and "Teri Franks" in text and "About Us" in text


def test_charset_from_meta_and_header():
    body = (
        "<html><head><meta charset='iso-8859-1'></head>"
        "<body><h1>Caf\xe9 au lait</h1><p>Na\xefve \xe9t\xe9.</p></body></html>"
    )
    doc = parse_html_bytes(body.encode("latin-1"), source="cafe.html")
    assert doc.title == "Café au lait" and doc.chapters[0].paragraphs == ("Naïve été.",)
    doc = parse_html_bytes(
        body.replace("iso-8859-1", "utf-8").encode("cp1252"), source="x.html", declared_charset="windows-1252"
    )
    assert doc.title == "Café au lait"
    # A wrong declaration does not garble UTF-8 text.
    doc = parse_html_bytes(body.encode("utf-8"), source="y.html")
    assert doc.title == "Café au lait"


def test_xml_declaration_comments_and_hidden_text():
    html = (
        "<?xml version='1.0' encoding='utf-8'?><html><body><h1>Title Here</h1>"
        "<p>Visible <!-- a comment --> text<span hidden>secret</span> stays.</p>"
        "<p style='display: none'>also secret</p><script>var x = 'code';</script></body></html>"
    )
    doc = parse_html_text(html, source="x.html")
    assert doc.chapters[0].paragraphs == ("Visible text stays.",)
    assert "secret" not in json.dumps([d.text for d in doc.dropped])


@pytest.mark.parametrize(
    ("html", "needle"),
    [
        (" \n ", "empty"),
        ("<html><body><nav><a>Home</a></nav></body></html>", "no article text"),
    ],
)
def test_pages_without_an_article_are_one_line_errors(html, needle):
    with pytest.raises(SourceError) as info:
        parse_html_text(html, source="bad.html")
    message = str(info.value)
    assert message.startswith("bad.html: ") and needle in message and "\n" not in message


def test_html_files_dispatch_by_suffix(tmp_path):
    for name in ("page.html", "page.htm", "PAGE.HTML"):
        path = tmp_path / name
        path.write_bytes(CLINIC_PAGE.read_bytes())
        loaded = load_source(str(path))
        assert loaded.settings is None
        assert loaded.document.chapters[5].kind is ChapterKind.FAQ


def test_binary_html_file_is_rejected(tmp_path):
    path = tmp_path / "pic.html"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" * 50)
    with pytest.raises(SourceError, match="pic.html: not a text file"):
        parse_html(path)


def test_init_from_html_keeps_items_through_the_guide_script(tmp_path):
    from click.testing import CliRunner

    from audioguide.cli import main
    from audioguide.sources.guide_script import load_guide

    page = tmp_path / "blocks.html"
    page.write_text(DETAILS_PAGE, encoding="utf-8")
    guide = tmp_path / "guide.yaml"
    result = CliRunner().invoke(main, ["init", str(page), "-o", str(guide)], catch_exceptions=False)
    assert result.exit_code == 0
    text = guide.read_text(encoding="utf-8")
    assert "      - 1. Stop eating six hours before.\n      - 2. Bring your medication list.\n" in text
    doc, _ = load_guide(guide)
    parsed = parse_html(page)
    assert [(c.kind, c.title, c.paragraphs) for c in doc.chapters] == [
        (c.kind, c.title, c.paragraphs) for c in parsed.chapters
    ]
    assert [is_item(p) for c in doc.chapters for p in c.paragraphs] == [
        is_item(p) for c in parsed.chapters for p in c.paragraphs
    ]


def test_sub_headings_stay_sub_headings_once_loaded(tmp_path):
    """load_source cleans every text; a sub-heading inside a track stays a Subheading, with its level."""
    from audioguide.model.document import is_subheading

    page = tmp_path / "page.html"
    page.write_text(
        "<html><body><main><h1>Knee care</h1><h2>After surgery</h2><p>Rest the knee.</p>"
        "<h3>Ice</h3><p>Ice it twice a day.</p></main></body></html>",
        encoding="utf-8",
    )
    paragraphs = load_source(page).document.chapters[0].paragraphs
    assert [(str(p), getattr(p, "level", None)) for p in paragraphs if is_subheading(p)] == [("Ice", 3)]


def test_a_page_is_read_without_trying_every_date_locale(monkeypatch):
    """The page's date is not used: htmldate's extensive search would try dateparser's ~200 locales
    in turn, compiling their patterns (3-4 s on the first page a process reads)."""
    import dateparser.date

    tried: list[str] = []
    original = dateparser.date.DateDataParser.get_date_data

    def recording(self, date_string, *args, **kwargs):
        tried.append(date_string)
        return original(self, date_string, *args, **kwargs)

    monkeypatch.setattr(dateparser.date.DateDataParser, "get_date_data", recording)
    # a page without a main landmark: trafilatura finds its article
    document = load_source(DATA / "real" / "putty-faq.html").document
    assert len(document.chapters) > 50
    assert tried == []
