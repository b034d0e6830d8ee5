"""What a page at the edge of the HTML reader gives: all of its text, or one line saying why.

A text block over 10,000,000 bytes (libxml2's limit for a text node) and
JSON-LD nested thousands of levels deep or holding the wrong types, each put
into a real page of the corpus (tests/data/real/dbus-faq.html, 19 questions).
"""

from __future__ import annotations

import json
from pathlib import Path

from cli_helpers import invoke

from audioguide.model.plan import plan_tracks
from audioguide.model.settings import GuideSettings
from audioguide.sources.load import load_source

DBUS = Path(__file__).parent / "data" / "real" / "dbus-faq.html"
FIFTH_ANSWER = "A service is a program that can be"  # how the answer to question 5 starts


def page_with(tmp_path: Path, *, head: str = "", answer: str = "") -> Path:
    html = DBUS.read_text(encoding="latin-1")
    if head:
        html = html.replace("</head>", head + "</head>", 1)
    if answer:
        assert html.count('What is a "service"?') >= 2
        at = html.index('<tr class="answer">', html.index('name="service"'))
        cell = html.index("<p>", at)
        html = html[:cell] + f"<p>{answer}</p>" + html[cell:]
    page = tmp_path / "dbus-faq.html"
    page.write_text(html, encoding="utf-8")
    return page


def spoken(page: Path) -> list[str]:
    plan = plan_tracks(load_source(page).document, GuideSettings())
    return [p.text for t in plan.tracks for p in t.passages]


def test_a_text_block_over_ten_megabytes_is_read_and_so_is_every_question_after_it(tmp_path):
    big = "word " * 2_100_000  # 10.5 MB in one text node
    page = page_with(tmp_path, answer=big)
    document = load_source(page).document
    questions = [c.title for c in document.chapters if c.kind.value == "faq"]
    assert len(questions) == 19 and questions[-1] == "How can I submit a bug or patch?"
    service = [c for c in document.chapters if c.title.startswith('What is a "service"?')]
    assert sum(len(p.split()) for c in service for p in c.paragraphs) > 2_100_000
    assert not [d for d in document.dropped if "word word" in d.text]


def test_json_ld_nested_thousands_of_levels_deep_is_ignored(tmp_path):
    deep = "[" * 5000 + "]" * 5000
    page = page_with(tmp_path, head=f'<script type="application/ld+json">{deep}</script>')
    result = invoke("outline", str(page), "--json")
    assert result.exit_code == 0, result.stderr
    assert len(json.loads(result.output)["tracks"]) == 19


def test_json_ld_texts_of_the_wrong_type_are_never_spoken(tmp_path):
    faq = {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {"@type": "Question", "name": ["a", "b"], "acceptedAnswer": {"@type": "Answer", "text": "Yes."}},
            {"@type": "Question", "name": "Is it fast?", "acceptedAnswer": {"text": float("inf")}},
            {"@type": "Question", "name": 42, "acceptedAnswer": {"text": "Forty-two."}},
            {
                "@type": "Question",
                "name": "Does D-Bus run on Windows?",
                "acceptedAnswer": {"text": "Yes, it does."},
            },
        ],
    }
    page = page_with(tmp_path, head=f'<script type="application/ld+json">{json.dumps(faq)}</script>')
    said = spoken(page)
    assert not any("['a', 'b']" in s or "inf" == s.strip(". ") or "42" in s for s in said)
    assert "Does D-Bus run on Windows?" in " ".join(said) and "Yes, it does." in said
