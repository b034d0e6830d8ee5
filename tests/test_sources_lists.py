"""Lists in every source format: each item read on its own, with a short pause after it."""

from __future__ import annotations

import pytest

from audioguide.model.document import Chapter, ChapterKind, Document
from audioguide.model.plan import plan_tracks
from audioguide.model.settings import GuideSettings, Pauses
from audioguide.sources.html import parse_html_text
from audioguide.sources.markdown import parse_markdown_text
from audioguide.sources.plain import parse_plain_text
from audioguide.sources.structure import ListItem, is_item
from audioguide.speech import Lexicon
from audioguide.speech.clips import speak_track

EXPECTED = (
    ("Before the injection:", False),
    ("Stop eating at midnight", True),
    ("Bring a driver who can wait", True),
    ("Wear loose clothes", True),
    ("On the day you will sign a consent form.", False),
    ("1. Check in", True),
    ("2. Change into a gown", True),
)

TEXT = """Preparing for Your Injection

Before the injection:
- Stop eating at midnight
- Bring a driver who
  can wait
• Wear loose clothes

On the day you will sign a consent form.

1. Check in
2. Change into a gown
"""

MARKDOWN = """# Preparing for Your Injection

Before the injection:

- Stop eating at midnight
- Bring a driver who
  can wait
* Wear loose clothes

On the day you will sign a consent form.

1. Check in
2. Change into a gown
"""

HTML = """<html><body><article><h1>Preparing for Your Injection</h1>
<p>Before the injection:</p>
<ul><li>Stop eating at midnight</li><li>Bring a driver who
can wait</li><li><p>Wear loose clothes</p></li></ul>
<p>On the day you will sign a consent form.</p>
<ol><li>Check in</li><li>Change into a gown</li></ol>
</article></body></html>"""


@pytest.mark.parametrize(
    "parse",
    [
        pytest.param(lambda: parse_plain_text(TEXT, source="prep.txt"), id="text"),
        pytest.param(lambda: parse_markdown_text(MARKDOWN, source="prep.md"), id="markdown"),
        pytest.param(lambda: parse_html_text(HTML, source="prep.html"), id="html"),
    ],
)
def test_lists_are_items_in_every_format(parse) -> None:
    doc = parse()
    assert doc.title == "Preparing for Your Injection"
    paragraphs = doc.chapters[0].paragraphs
    assert [(p, is_item(p)) for p in paragraphs] == list(EXPECTED)


def test_list_item_is_a_string_that_remembers() -> None:
    item = ListItem("Rest the knee")
    assert item == "Rest the knee" and isinstance(item, str) and is_item(item)
    assert not is_item("Rest the knee") and not is_item(item.upper())
    assert repr(item) == "ListItem('Rest the knee')"


def test_items_get_the_item_pause_and_the_last_one_the_paragraph_pause() -> None:
    pauses = Pauses(item_ms=450, paragraph_ms=800)
    doc = Document(
        title="T",
        chapters=(
            Chapter(
                ChapterKind.SECTION,
                "Steps",
                (
                    "Do this:",
                    ListItem("one thing"),
                    ListItem("another thing"),
                    ListItem("a third"),
                    "Then rest.",
                    ListItem("last item ends the track"),
                ),
            ),
        ),
    )
    plan = plan_tracks(doc, GuideSettings(pauses=pauses, announce=False))
    passages = [(p.role, p.pause_after_ms) for p in plan.tracks[0].passages]
    assert passages == [
        ("heading", 800),
        ("paragraph", 800),
        ("item", 450),
        ("item", 450),
        ("item", 800),
        ("paragraph", 800),
        ("item", 0),
    ]


def test_each_item_is_its_own_clips_with_the_item_pause() -> None:
    doc = parse_plain_text(TEXT, source="prep.txt")
    settings = GuideSettings()
    track = plan_tracks(doc, settings).tracks[0]
    clips = speak_track(track, settings.pauses, Lexicon.builtin()).clips
    items = [c for c in clips if c.role == "item"]
    assert [c.written for c in items] == [
        "Stop eating at midnight",
        "Bring a driver who can wait",
        "Wear loose clothes",
        "1. Check in",
        "2. Change into a gown",
    ]
    assert [c.pause_after_ms for c in items] == [450, 450, 800, 450, 0]
    assert items[3].speech == "one. Check in"
    assert len({c.passage for c in items}) == len(items)  # not run together


def test_label_before_a_list_stays_a_paragraph_and_items_are_not_headings() -> None:
    doc = parse_plain_text("Knee Care\n\nSymptoms:\n\n- Swelling\n- Redness\n\nCall Us\n\nWe answer fast.\n")
    assert [c.title for c in doc.chapters] == ["Introduction", "Call Us"]
    assert doc.chapters[0].paragraphs == ("Symptoms:", "Swelling", "Redness")


@pytest.mark.parametrize(
    "shape",
    [
        "<h2>Question {i}?</h2><p>Answer {i}.</p><div><ol><li>First of {i}.</li><li>Second of {i}.</li></ol></div>",
        # paragraphs inside the items: the <li> is reached as a parent, through a proxy made on the spot
        "<section><h3>Part {i}</h3><ol><li><p>First of {i}.</p></li><li><p>Second of {i}.</p></li></ol></section>",
    ],
)
def test_every_numbered_list_of_a_page_counts_from_its_own_start(shape: str) -> None:
    """Forty short <ol> lists: each reads 1, 2. lxml's element proxies are short-lived, and lists
    keyed by id() once continued one another's numbers when a freed proxy's id was reused."""
    sections = "".join(shape.format(i=i) for i in range(40))
    doc = parse_html_text(
        f"<html><body><main><h1>Steps</h1>{sections}</main></body></html>", source="steps.html"
    )
    items = [block for chapter in doc.chapters for block in chapter.paragraphs if is_item(block)]
    assert items == [f"{n}. {'First' if n == 1 else 'Second'} of {i}." for i in range(40) for n in (1, 2)]
