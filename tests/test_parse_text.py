"""Plain-text structure detection: the seed article and tricky variations."""

from __future__ import annotations

import pytest

from audioguide.errors import SourceError
from audioguide.model.document import ChapterKind
from audioguide.sources.plain import parse_plain_text, parse_text

SEED_TRACK_TITLES = [
    ("intro", "Introduction"),
    ("section", "What is Interventional Pain Management?"),
    ("section", "What is the Difference between Pain Management and Interventional Pain Management?"),
    ("section", "Why Not Take Medication?"),
    ("section", "What are the Benefits of Interventional Pain Management?"),
    ("faq", "What types of conditions can be treated with interventional pain management?"),
    ("faq", "Are interventional pain management procedures painful?"),
    ("faq", "Is interventional pain management covered by insurance?"),
    ("faq", "How long does it take to see results from interventional pain management?"),
    ("faq", "Are there any risks associated with interventional pain management procedures?"),
    ("conclusion", "Conclusion"),
]


@pytest.fixture(scope="module")
def seed(example_article):
    return parse_text(example_article)


def test_seed_chapters_in_order(seed):
    assert seed.title == "Does Interventional Pain Management Prescribe Medication?"
    assert [(c.kind.value, c.title) for c in seed.chapters] == SEED_TRACK_TITLES
    assert seed.faq_title == "FAQs"


def test_seed_intro_has_title_lead_and_key_takeaway(seed):
    intro = seed.chapters[0]
    assert intro.lead == seed.title
    assert intro.paragraphs[0].startswith("Key Takeaway: Interventional pain management focuses")
    assert len(intro.paragraphs) == 3


def test_repeated_title_heading_continues_benefits_section(seed):
    benefits = seed.chapters[4]
    assert benefits.paragraphs[-1].startswith("Furthermore, interventional pain management procedures")
    titles = [c.title for c in seed.chapters]
    assert seed.title not in titles  # the title is never a chapter of its own
    reasons = {d.reason for d in seed.dropped if d.text == seed.title}
    assert any("repeats the article title" in r for r in reasons)


def test_seed_furniture_dropped_and_listed(seed):
    spoken = " ".join(p for c in seed.chapters for p in c.paragraphs)
    assert "Leave a Comment" not in spoken and "Teri Franks" not in spoken
    dropped = [d.text for d in seed.dropped]
    assert dropped.count("Leave a Comment") == 2
    assert "About the author" in dropped
    assert any(d.startswith("Hi, I'm Teri Franks") for d in dropped)
    assert seed.author == "Teri Franks"  # read from the bio, for the artist tag


def test_every_content_paragraph_kept_exactly_once(example_article, seed):
    lines = [l.strip() for l in example_article.read_text(encoding="utf-8").splitlines() if l.strip()]
    kept = [p for c in seed.chapters for p in c.paragraphs]
    headings = {c.title for c in seed.chapters} | {
        seed.title,
        "FAQs: " + seed.title,
        "Conclusion: " + seed.title,
    }
    dropped = {d.text for d in seed.dropped}
    for line in lines:
        if line in headings or line in dropped:
            continue
        assert kept.count(line) == 1, line


def test_keep_furniture_keeps_bio(example_article):
    doc = parse_text(example_article, keep_furniture=True)
    text = " ".join(f"{c.title} {' '.join(c.paragraphs)}" for c in doc.chapters)
    assert "Teri Franks" in text and "Leave a Comment" in text
    assert not [d for d in doc.dropped if d.reason in ("comment prompt", "author bio")]


NO_FAQ = """How to Prepare for an Epidural Steroid Injection

An epidural steroid injection can ease back pain. Here is how to get ready.

Before the Appointment

Stop eating six hours before. Arrange a ride home.

What happens afterwards?

You rest for thirty minutes. Most people go home the same day.

Conclusion

Talk to your doctor about your questions.
"""


def test_no_faq_block_questions_as_section_headings():
    doc = parse_plain_text(NO_FAQ)
    assert [(c.kind, c.title) for c in doc.chapters] == [
        (ChapterKind.INTRO, "Introduction"),
        (ChapterKind.SECTION, "Before the Appointment"),
        (ChapterKind.SECTION, "What happens afterwards?"),
        (ChapterKind.CONCLUSION, "Conclusion"),
    ]


def test_windows_line_endings_and_blank_line_noise():
    noisy = NO_FAQ.replace("\n\n", "\n   \n\t\n\n").replace("\n", "\r\n")
    assert parse_plain_text(noisy).chapters == parse_plain_text(NO_FAQ).chapters


def test_old_mac_line_endings():
    assert parse_plain_text(NO_FAQ.replace("\n", "\r")).chapters == parse_plain_text(NO_FAQ).chapters


def test_hard_wrapped_paragraphs_are_joined():
    wrapped = "Title Here\n\nIntro line one\ncontinues here.\n\nSection\n\nA paragraph that was\nwrapped at forty columns.\n"
    doc = parse_plain_text(wrapped)
    assert doc.chapters[0].paragraphs == ("Intro line one continues here.",)
    assert doc.chapters[1].paragraphs == ("A paragraph that was wrapped at forty columns.",)


def test_no_blank_lines_at_all_one_block_per_line():
    text = "My Title\nFirst paragraph of the introduction.\nDetails\nThe details paragraph.\n"
    doc = parse_plain_text(text)
    assert [(c.title, c.paragraphs) for c in doc.chapters] == [
        ("Introduction", ("First paragraph of the introduction.",)),
        ("Details", ("The details paragraph.",)),
    ]


def test_label_on_its_own_line_leads_into_paragraph():
    text = "Title\n\nKey Takeaway:\n\nRest helps recovery.\n\nMore\n\nText here.\n"
    doc = parse_plain_text(text)
    assert doc.chapters[0].paragraphs == ("Key Takeaway: Rest helps recovery.",)


def test_empty_heading_is_dropped_and_listed():
    text = "Title\n\nIntro text.\n\nEmpty Heading\n\nReal Heading\n\nReal text.\n"
    doc = parse_plain_text(text)
    assert [c.title for c in doc.chapters] == ["Introduction", "Real Heading"]
    assert any(d.text == "Empty Heading" and "empty heading" in d.reason for d in doc.dropped)


def test_article_starting_with_heading_speaks_title_first():
    doc = parse_plain_text("Title Words\n\nFirst Section\n\nSome text.\n")
    assert doc.chapters[0].title == "First Section"
    assert doc.chapters[0].lead == "Title Words"


def test_question_at_end_without_answer_is_a_paragraph():
    doc = parse_plain_text("Title\n\nIntro.\n\nAny questions?\n")
    assert doc.chapters[0].paragraphs == ("Intro.", "Any questions?")


def test_faq_question_without_answer_is_dropped_as_empty():
    text = "T\n\nIntro.\n\nFAQ\n\nFirst question?\n\nAnswer one.\n\nSecond question?\n\nConclusion\n\nBye.\n"
    doc = parse_plain_text(text)
    assert [c.title for c in doc.chapters] == ["Introduction", "First question?", "Conclusion"]
    assert any(d.text == "Second question?" for d in doc.dropped)


def test_only_title_and_furniture_is_an_error():
    with pytest.raises(SourceError, match="no article text"):
        parse_plain_text("Just A Title\n\nLeave a Comment\n", source="x.txt")
