"""FAQ markup as clinic sites publish it: every question is its own FAQ track, whatever the CMS.

One realistic page per style in tests/data/faq-markup/ (WordPress Yoast and
Gutenberg blocks, Rank Math, Elementor, Bootstrap, <details>, schema.org
JSON-LD and microdata, bold questions, "Q:" paragraphs, <dt>, questions under
topic headings), read through the public loader.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from audioguide.model.document import ChapterKind, dropped_summary
from audioguide.model.plan import plan_tracks
from audioguide.model.settings import GuideSettings
from audioguide.sources.load import load_source

DATA = Path(__file__).parent / "data" / "faq-markup"

# file -> (questions in page order, words that must be in the first answer, furniture that must not be spoken)
CASES = {
    "yoast-faq-block.html": (
        [
            "Can the flu shot give me the flu?",
            "When should I get vaccinated?",
            "Is it safe during pregnancy?",
        ],
        "contains no live virus",
        ["Share this", "Skip to content", "Posted on"],
    ),
    "rank-math-faq.html": (
        ["How long will I stay in hospital?", "When can I drive again?", "Physical therapy after surgery"],
        "one or two nights",
        ["Recent Posts", "Hip Pain at Night"],
    ),
    "elementor-accordion.html": (
        [
            "How is sleep apnea diagnosed?",
            "Will I have to wear a mask every night?",
            "Does insurance cover the sleep study?",
            "Can children have sleep apnea?",
        ],
        "sleep study, at home",
        ["Sleep Tests", "Open Monday to Friday"],
    ),
    "bootstrap-accordion.html": (
        ["What can I eat the day before?", "Should I keep taking my medicines?", "Getting home afterwards"],
        "Only clear liquids",
        ["Procedures"],
    ),
    "details-summary.html": (
        [
            "Do I need to stop my antihistamines before the test?",
            "Does a skin-prick test hurt?",
            "Are blood tests as good as skin tests?",
        ],
        "five days before",
        ["4 Market Street"],
    ),
    "schema-microdata.html": (
        ["Am I awake during the operation?", "Recovery time", "Will I still need glasses?"],
        "Eye drops numb the eye",
        ["9 Lens Lane", "Book an exam"],
    ),
    "jsonld-faqpage.html": (
        [
            "How often should I measure my blood pressure?",
            "Which cuff should I buy?",
            "What reading is too high?",
        ],
        "Twice a day for a week",
        ["Enable JavaScript"],
    ),
    "bold-questions.html": (
        [
            "Do I need a referral from my doctor?",
            "What should I wear?",
            "How many sessions will I need?",
            "Can I bring someone with me?",
            "Is parking available?",
        ],
        "You can book directly",
        ["Prices", "© 2024"],
    ),
    "definition-list.html": (
        ["How long do hearing aids last?", "Can I wear them in the shower?", "Do I need two?"],
        "five to seven years",
        ["Hearing Center"],
    ),
    "topic-sections.html": (
        [
            "When should I test?",
            "What is a normal reading?",
            "What are the signs?",
            "How do I treat it?",
            "How do I share my readings with the clinic?",
        ],
        "Before meals and at bedtime",
        ["¶"],
    ),
}


def spoken(doc) -> str:
    return " ".join(
        [
            doc.title,
            *(c.title for c in doc.chapters),
            *(c.group or "" for c in doc.chapters),
            *(p for c in doc.chapters for p in c.paragraphs),
        ]
    )


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_question_is_its_own_faq_track(name):
    questions, first_answer, furniture = CASES[name]
    doc = load_source(DATA / name).document
    faqs = [c for c in doc.chapters if c.kind is ChapterKind.FAQ]
    assert [c.title for c in faqs] == questions
    assert first_answer in " ".join(faqs[0].paragraphs)
    assert all(c.paragraphs for c in faqs)
    # No question is also read as the answer of another.
    answers = " ".join(p for c in faqs for p in c.paragraphs)
    assert not any(q in answers for q in questions)
    text = spoken(doc)
    for word in furniture:
        assert word not in text, word
    # Nothing of the article is dropped: only page furniture around it or in it.
    assert dropped_summary(doc).share < 0.10
    plan = plan_tracks(doc, GuideSettings())
    assert [t.title for t in plan.tracks if t.kind is ChapterKind.FAQ] == questions


def test_collapsed_accordion_panels_are_read():
    """Elementor hides the answers of closed items (display: none, hidden): they are still the answers."""
    doc = load_source(DATA / "elementor-accordion.html").document
    answers = {c.title: " ".join(c.paragraphs) for c in doc.chapters}
    assert "Most people get used to it within two weeks" in answers["Will I have to wear a mask every night?"]
    assert "billing team checks your coverage" in answers["Does insurance cover the sleep study?"]


def test_bold_word_inside_a_sentence_is_not_a_question():
    doc = load_source(DATA / "bold-questions.html").document
    sessions = next(c for c in doc.chapters if c.title == "How many sessions will I need?")
    assert any("tell you why? we change the plan" in p for p in sessions.paragraphs)


def test_q_and_a_markers_are_not_read():
    doc = load_source(DATA / "bold-questions.html").document
    bring = next(c for c in doc.chapters if c.title == "Can I bring someone with me?")
    assert bring.paragraphs == ("Yes, a friend or relative is welcome in the treatment room.",)


def test_terms_of_a_definition_list_stay_text():
    """A <dt> that asks is a question; a <dt> that names a term is part of the text."""
    doc = load_source(DATA / "definition-list.html").document
    terms = next(c for c in doc.chapters if c.title == "Terms you may hear")
    assert terms.kind is ChapterKind.SECTION
    assert terms.paragraphs[:2] == ("Audiogram", "The chart of your hearing test.")


def test_questions_under_topics_are_grouped_and_the_topic_is_announced():
    doc = load_source(DATA / "topic-sections.html").document
    assert doc.title == "Diabetes FAQ"  # no permalink glyph
    groups = [(c.group, c.title) for c in doc.chapters]
    assert groups == [
        ("Testing your blood sugar", "Testing your blood sugar"),  # the topic's own opening text
        ("Testing your blood sugar", "When should I test?"),
        ("Testing your blood sugar", "What is a normal reading?"),
        ("Low blood sugar", "What are the signs?"),
        ("Low blood sugar", "How do I treat it?"),
        ("Low blood sugar", "How do I share my readings with the clinic?"),
    ]
    plan = plan_tracks(doc, GuideSettings())
    assert plan.tracks[1].group == "Testing your blood sugar"
    assert plan.tracks[1].passages[0].text == "Track 2 of 6. Testing your blood sugar. When should I test?"
    assert plan.tracks[0].passages[0].text == "Track 1 of 6. Testing your blood sugar."
    # An empty topic heading ("Low blood sugar" has no text of its own) is a group, not a dropped heading.
    assert not [d for d in doc.dropped if "empty heading" in d.reason]
    # A template can place the topic itself.
    placed = plan_tracks(doc, GuideSettings(announce_template="{group}: {title}, track {number}"))
    assert placed.tracks[3].passages[0].text == "Low blood sugar: What are the signs?, track 4."
    # Without announcements the topic is said as a heading before the question.
    quiet = plan_tracks(doc, GuideSettings(announce=False))
    assert [(p.role, p.text) for p in quiet.tracks[4].passages[:2]] == [
        ("heading", "Low blood sugar."),
        ("question", "How do I treat it?"),
    ]


def test_topic_reaches_the_outline_json(tmp_path):
    import json

    from cli_helpers import invoke

    result = invoke("outline", str(DATA / "topic-sections.html"), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [t["group"] for t in data["tracks"]][:3] == ["Testing your blood sugar"] * 3
    assert all("¶" not in t["title"] and "¶" not in t["file"] for t in data["tracks"])
