"""The track plan: order, numbering, announcements, pauses, file names."""

from __future__ import annotations

import json

import pytest

from audioguide.errors import AudioguideError
from audioguide.model.plan import file_stem, plan_tracks
from audioguide.model.settings import FaqMode, GuideSettings, Pauses
from audioguide.sources.plain import parse_text


@pytest.fixture(scope="module")
def seed(example_article):
    return parse_text(example_article)


def test_seed_plan_numbering_and_files(seed):
    plan = plan_tracks(seed, GuideSettings())
    assert len(plan.tracks) == 11
    assert [t.number for t in plan.tracks] == list(range(1, 12))
    assert all(t.total == 11 for t in plan.tracks)
    assert plan.tracks[0].stem == "01 - Introduction"
    assert plan.tracks[3].stem == "04 - Why Not Take Medication"
    assert plan.tracks[-1].stem == "11 - Conclusion"
    stems = [t.stem for t in plan.tracks]
    assert stems == sorted(stems), "file names must sort in chapter order"


def test_announcement_opens_each_track(seed):
    plan = plan_tracks(seed, GuideSettings())
    third = plan.tracks[2]
    assert third.passages[0].role == "announcement"
    assert third.passages[0].text == (
        "Track 3 of 11. What is the Difference between Pain Management and Interventional Pain Management?"
    )
    assert plan.tracks[0].passages[0].text == "Track 1 of 11. Introduction."
    # the heading is in the announcement, so the body does not repeat it
    assert all(p.role != "heading" for p in third.passages)


def test_intro_speaks_title_once(seed):
    plan = plan_tracks(seed, GuideSettings())
    texts = [p.text for t in plan.tracks for p in t.passages]
    assert sum(seed.title in text for text in texts) == 1


def test_no_announce_speaks_headings_and_questions(seed):
    plan = plan_tracks(seed, GuideSettings(announce=False))
    assert plan.tracks[1].passages[0].role == "heading"
    assert plan.tracks[1].passages[0].text == "What is Interventional Pain Management?"
    faq = plan.tracks[5]
    assert [p.role for p in faq.passages] == ["question", "paragraph"]
    assert faq.passages[0].pause_after_ms == Pauses().question_answer_ms


def test_custom_template_without_title_keeps_heading(seed):
    plan = plan_tracks(seed, GuideSettings(announce_template="Chapter {number}."))
    assert plan.tracks[1].passages[0].text == "Chapter 2."
    assert plan.tracks[1].passages[1].role == "heading"


@pytest.mark.parametrize(
    "template",
    [
        "Track {nummer}",
        "Track {",
        "{title.upper}x{bad}",
        "Track {title.upper}",
        "{title[0]}",
        "{title:d}",
        "{number:>999999999}",
        "{title!r}",
        "{}",
    ],
)
def test_bad_template_rejected(seed, template):
    with pytest.raises(AudioguideError, match="announcement template"):
        plan_tracks(seed, GuideSettings(announce_template=template))


def test_faq_single_track(seed):
    plan = plan_tracks(seed, GuideSettings(faq_mode=FaqMode.SINGLE))
    assert len(plan.tracks) == 7
    faq = plan.tracks[5]
    assert faq.title == "FAQs" and faq.stem == "06 - FAQs"
    questions = [p.text for p in faq.passages if p.role == "question"]
    assert len(questions) == 5 and questions[0].startswith("What types of conditions")
    assert plan.tracks[6].title == "Conclusion" and plan.tracks[6].total == 7


def test_pauses_follow_settings(seed):
    pauses = Pauses(after_announcement_ms=1111, paragraph_ms=2222, question_answer_ms=3333)
    plan = plan_tracks(seed, GuideSettings(pauses=pauses))
    section = plan.tracks[1]
    assert section.passages[0].pause_after_ms == 1111
    assert section.passages[1].pause_after_ms == 2222
    assert section.passages[-1].pause_after_ms == 0  # the tail comes from mastering
    assert plan.tracks[5].passages[0].pause_after_ms == 3333  # FAQ: question, then answer


def test_estimates_are_plausible(seed):
    plan = plan_tracks(seed, GuideSettings())
    total = sum(t.estimated_seconds for t in plan.tracks)
    assert 250 < total < 450  # ~850 words at 155 wpm plus pauses


@pytest.mark.parametrize(
    "number,total,title,expected",
    [
        (3, 12, "What is it?", "03 - What is it"),
        (3, 120, "A/B: test*", "003 - A-B test"),
        (21, 30, "Should I commit my `.env` file?", "21 - Should I commit my .env file"),
        (5, 30, "Can I customize/write plugins?", "05 - Can I customize-write plugins"),
        (6, 30, "Is **this** _safe_ to ~~skip~~ take?", "06 - Is this safe to skip take"),
        (7, 30, "Care 24 / 7, snake_case kept", "07 - Care 24-7, snake_case kept"),
        (8, 30, "Knee / ", "08 - Knee"),
        (1, 2, "   ", "01 - Track"),
        (7, 9, "x" * 60 + " " + "y" * 60, "07 - " + "x" * 60),
    ],
)
def test_file_stem(number, total, title, expected):
    assert file_stem(number, total, title) == expected


def test_track_files_are_named_by_the_titles_words(tmp_path):
    """Markdown's code marks are no part of a name, and a slash does not glue two words."""
    from cli_helpers import invoke

    source = tmp_path / "faq.md"
    source.write_text(
        "# Project FAQ\n\nAn introduction.\n\n## Should I commit my `.env` file?\n\nNo, never.\n\n"
        "## Can I customize/write plugins?\n\nYes, see the plugin guide.\n",
        encoding="utf-8",
    )
    result = invoke("outline", str(source), "--json")
    assert result.exit_code == 0, result.stderr
    files = [track["file"] for track in json.loads(result.output)["tracks"]]
    assert files[1:] == ["02 - Should I commit my .env file.mp3", "03 - Can I customize-write plugins.mp3"]
