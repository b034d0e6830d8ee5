"""Tests for the YAML guide script: exact round trip, settings, skip, located errors."""

from __future__ import annotations

import textwrap
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from cli_helpers import write_picture
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from audioguide.errors import GuideScriptError
from audioguide.model.document import Chapter, ChapterKind, Document, Dropped
from audioguide.model.settings import (
    DEFAULT_VOICE,
    Encoding,
    FaqMode,
    GuideSettings,
    HoldProgramme,
    Loudness,
    Pauses,
    VoiceSettings,
)
from audioguide.sources.guide_script import SKIPPED_REASON, dump_guide, load_guide, load_guide_script
from audioguide.sources.structure import ListItem, is_item
from audioguide.text import BIDI_CONTROLS

TITLE = "Does Interventional Pain Management Prescribe Medication?"


def full_doc() -> Document:
    return Document(
        title=TITLE,
        chapters=(
            Chapter(
                ChapterKind.INTRO,
                "Introduction",
                (
                    "Key Takeaway: Interventional pain management focuses on the source of pain.",
                    "It encompasses a variety of techniques — naïve café “quotes”, 2.5 mg, 50%.",
                ),
                lead=TITLE,
            ),
            Chapter(
                ChapterKind.SECTION,
                "What is Interventional Pain Management?",
                ("A branch of medicine.", "# not a comment", "- not a list item"),
            ),
            Chapter(
                ChapterKind.FAQ,
                "Are interventional pain management procedures painful?",
                ("Most are done under local anesthesia: discomfort is minimal.",),
            ),
            Chapter(ChapterKind.FAQ, "yes", ("true",)),
            Chapter(ChapterKind.SECTION, "Über Schmerzen: 痛み", ("Ünïcödé paragraph 日本語.",)),
            Chapter(
                ChapterKind.CONCLUSION,
                "Conclusion",
                ("Final words.", "'Quoted' start", '"Double" start', "{braces} and [brackets]"),
            ),
        ),
        faq_title="FAQs",
        publisher="Prescott Voice",
        author="Teri Franks",
        language="no",
        source="examples/article.txt",
    )


def full_settings() -> GuideSettings:
    """Every setting different from its default."""
    return GuideSettings(
        voice=VoiceSettings(engine="gtts", voice="joe", rate=1.15, lang="en", tld="co.uk"),
        pauses=Pauses(
            head_ms=250,
            after_announcement_ms=600,
            sentence_ms=300,
            paragraph_ms=900,
            question_answer_ms=650,
            tail_ms=2000,
        ),
        loudness=Loudness(target_lufs=-18.5, true_peak_dbtp=-1.5),
        encoding=Encoding(bitrate_kbps=96),
        announce=False,
        announce_template="Chapter {number}: {title}",
        faq_mode=FaqMode.SINGLE,
        pronunciations={"NSAIDs": "en-seds", "yes": "yeah", "Dr.": "Doctor", "ON": "oh en"},
    )


def write(tmp_path: Path, text: str, name: str = "guide.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load_text(tmp_path: Path, text: str) -> tuple[Document, GuideSettings]:
    return load_guide(write(tmp_path, textwrap.dedent(text)))


MINIMAL = """\
title: An article
chapters:
  - kind: intro
    title: Introduction
    text: Hello there.
"""


# ----------------------------------------------------------------- round trip


def test_round_trip_is_exact(tmp_path: Path) -> None:
    doc, settings = full_doc(), full_settings()
    loaded_doc, loaded_settings = load_guide(write(tmp_path, dump_guide(doc, settings)))
    assert loaded_doc == doc
    assert loaded_settings == settings


def test_round_trip_with_default_settings(tmp_path: Path) -> None:
    doc = Document(title="T", chapters=(Chapter(ChapterKind.SECTION, "S", ("P.",)),))
    loaded_doc, loaded_settings = load_guide(write(tmp_path, dump_guide(doc, GuideSettings())))
    assert loaded_doc == doc
    # the script names the voice that speaks (the default one), for editors to change
    assert loaded_settings == GuideSettings(voice=VoiceSettings(voice=DEFAULT_VOICE))


def test_dropped_text_is_not_written(tmp_path: Path) -> None:
    doc = replace(full_doc(), dropped=(Dropped("Share this article", "boilerplate", 3),))
    loaded, _ = load_guide(write(tmp_path, dump_guide(doc, GuideSettings())))
    assert loaded == replace(doc, dropped=())


def test_dump_is_byte_stable(tmp_path: Path) -> None:
    first = dump_guide(full_doc(), full_settings())
    assert dump_guide(full_doc(), full_settings()) == first
    # ... and a fixed point of load/dump
    doc, settings = load_guide(write(tmp_path, first))
    assert dump_guide(doc, settings) == first


def test_dump_is_human_friendly() -> None:
    text = dump_guide(full_doc(), full_settings())
    assert text.startswith("# audioguide guide script")
    assert "naïve café “quotes”" in text and "日本語" in text  # unicode as-is
    assert "\\u" not in text
    # Key order as documented.
    top = [line.split(":")[0] for line in text.splitlines() if line and not line.startswith(("#", " "))]
    assert top == [
        "title",
        "publisher",
        "author",
        "language",
        "source",
        "faq_title",
        "voice",
        "pauses",
        "loudness",
        "encoding",
        "announce",
        "announce_template",
        "faq",
        "pronunciations",
        "chapters",
    ]
    # Chapter text as literal block scalars, paragraphs separated by a blank line.
    assert (
        textwrap.indent(
            "- kind: intro\n"
            "  title: Introduction\n"
            f"  lead: {TITLE}\n"
            "  text: |\n"
            "    Key Takeaway: Interventional pain management focuses on the source of pain.\n"
            "\n"
            "    It encompasses",
            "  ",
        )
        in text
    )
    assert "voice: {engine: gtts, voice: joe, rate: 1.15, lang: en, tld: co.uk}" in text
    assert "faq: single" in text
    # "no" and "yes" must be quoted so YAML readers do not see booleans.
    assert yaml.safe_load(text)["language"] == "no"


def test_dump_omits_absent_optional_fields() -> None:
    doc = Document(title="T", chapters=(Chapter(ChapterKind.SECTION, "S", ("P.",)),))
    text = dump_guide(doc, GuideSettings())
    for key in ("publisher:", "author:", "source:", "lead:", "skip:", "lang:", "tld:"):
        assert key not in text
    assert f"voice: {{voice: {DEFAULT_VOICE}, rate: 1.0}}" in text


def _normalised(text: str) -> str:
    """What the loader makes of one paragraph/title line (the fixed points)."""
    return " ".join(line.strip() for line in text.strip().split("\n") if line.strip())


_line_text = (
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cc", "Cs", "Zl", "Zp"),  # controls, surrogates, U+2028/9
            # and what the source stage drops by design (audioguide.text.strip_controls)
            blacklist_characters="\ufeff\ufffe\uffff" + BIDI_CONTROLS,
        ),
        min_size=1,
        max_size=40,
    )
    .map(_normalised)
    .filter(bool)
)


@st.composite
def documents(draw: st.DrawFn) -> Document:
    chapters = tuple(
        Chapter(
            kind=draw(st.sampled_from(list(ChapterKind))),
            title=draw(_line_text),
            paragraphs=tuple(draw(st.lists(_line_text, min_size=1, max_size=3))),
            lead=draw(st.none() | _line_text),
        )
        for _ in range(draw(st.integers(1, 3)))
    )
    return Document(
        title=draw(_line_text),
        chapters=chapters,
        faq_title=draw(_line_text),
        publisher=draw(st.none() | _line_text),
        author=draw(st.none() | _line_text),
        language=draw(st.sampled_from(["en", "no", "de-CH", "pt-BR", "zh-Hant-TW", "x-private"])),  # BCP 47
        source=draw(st.none() | _line_text),
    )


@hyp_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=documents(), words=st.dictionaries(_line_text, _line_text, max_size=3))
def test_round_trip_property(tmp_path: Path, doc: Document, words: dict[str, str]) -> None:
    settings = GuideSettings(voice=VoiceSettings(voice=DEFAULT_VOICE), pronunciations=words)
    text = dump_guide(doc, settings)
    assert load_guide(write(tmp_path, text)) == (doc, settings)


# ----------------------------------------------------------------- loading


def test_minimal_script_uses_defaults(tmp_path: Path) -> None:
    doc, settings = load_text(tmp_path, MINIMAL)
    assert doc == Document(
        title="An article",
        chapters=(Chapter(ChapterKind.INTRO, "Introduction", ("Hello there.",)),),
    )
    assert settings == GuideSettings()


def test_kind_defaults_to_section_and_text_is_normalised(tmp_path: Path) -> None:
    doc, _ = load_text(
        tmp_path,
        """\
        title: T
        chapters:
          - title: "  Wrapped
              title  "
            text: |
              First paragraph, wrapped
                over two lines.


              Second paragraph.
        """,
    )
    assert doc.chapters == (
        Chapter(
            ChapterKind.SECTION,
            "Wrapped title",
            ("First paragraph, wrapped over two lines.", "Second paragraph."),
        ),
    )


def test_text_fields_keep_what_was_typed(tmp_path: Path) -> None:
    # YAML 1.1 would read these as False / 1984 / None; text fields keep the words.
    doc, settings = load_text(
        tmp_path,
        """\
        title: 1984
        language: no
        author: null
        voice: {engine: GTTS, lang: no}
        pronunciations: {ON: oh en, 3: three}
        chapters:
          - {kind: FAQ, title: yes, text: on}
        """,
    )
    assert doc.title == "1984"
    assert doc.language == "no"
    assert doc.author is None
    assert settings.voice.engine == "gtts" and settings.voice.lang == "no"
    assert settings.pronunciations == {"ON": "oh en", "3": "three"}
    assert doc.chapters == (Chapter(ChapterKind.FAQ, "yes", ("on",)),)


@pytest.mark.parametrize(
    ("snippet", "check"),
    [
        ("publisher: Prescott Voice", lambda d, s: d.publisher == "Prescott Voice"),
        ("author: Teri Franks", lambda d, s: d.author == "Teri Franks"),
        ("language: de", lambda d, s: d.language == "de"),
        ("source: examples/article.txt", lambda d, s: d.source == "examples/article.txt"),
        ("faq_title: FAQs", lambda d, s: d.faq_title == "FAQs"),
        ("voice: {engine: gtts}", lambda d, s: s.voice == VoiceSettings(engine="gtts")),
        ("voice: {voice: joe}", lambda d, s: s.voice.voice == "joe"),
        ("voice: {voice: null}", lambda d, s: s.voice.voice is None),
        ("voice: {rate: 1.2}", lambda d, s: s.voice.rate == 1.2),
        ("voice: {rate: 2}", lambda d, s: s.voice.rate == 2.0 and isinstance(s.voice.rate, float)),
        ("voice: {lang: de}", lambda d, s: s.voice.lang == "de"),
        ("voice: {tld: co.uk}", lambda d, s: s.voice.tld == "co.uk"),
        ("voice:", lambda d, s: s.voice == VoiceSettings()),
        ("pauses: {head_ms: 100}", lambda d, s: s.pauses == Pauses(head_ms=100)),
        ("pauses: {after_announcement_ms: 0}", lambda d, s: s.pauses.after_announcement_ms == 0),
        ("pauses: {sentence_ms: 400}", lambda d, s: s.pauses.sentence_ms == 400),
        ("pauses: {paragraph_ms: 1000.0}", lambda d, s: s.pauses.paragraph_ms == 1000),
        ("pauses: {question_answer_ms: 900}", lambda d, s: s.pauses.question_answer_ms == 900),
        ("pauses: {tail_ms: 3000}", lambda d, s: s.pauses.tail_ms == 3000),
        ("loudness: {target_lufs: -19}", lambda d, s: s.loudness == Loudness(target_lufs=-19.0)),
        ("loudness: {true_peak_dbtp: -2.0}", lambda d, s: s.loudness.true_peak_dbtp == -2.0),
        ("encoding: {bitrate_kbps: 128}", lambda d, s: s.encoding == Encoding(bitrate_kbps=128)),
        ("announce: false", lambda d, s: s.announce is False),
        ("announce: true", lambda d, s: s.announce is True),
        (
            'announce_template: "{kind} {number}/{total}: {title}"',
            lambda d, s: s.announce_template == "{kind} {number}/{total}: {title}",
        ),
        (
            "announce_template: Plain {{braces}} {title}",
            lambda d, s: s.announce_template == "Plain {{braces}} {title}",
        ),
        ("faq: single", lambda d, s: s.faq_mode is FaqMode.SINGLE),
        ("faq: Each", lambda d, s: s.faq_mode is FaqMode.EACH),
        ("pronunciations: {NSAIDs: en-seds}", lambda d, s: s.pronunciations == {"NSAIDs": "en-seds"}),
        ("pronunciations:", lambda d, s: s.pronunciations == {}),
    ],
)
def test_each_setting_is_applied(tmp_path: Path, snippet: str, check) -> None:
    doc, settings = load_text(tmp_path, snippet + "\n" + MINIMAL)
    assert check(doc, settings)


def test_skip_keeps_chapter_out_and_records_it(tmp_path: Path) -> None:
    doc, _ = load_text(
        tmp_path,
        """\
        title: T
        chapters:
          - kind: intro
            title: Introduction
            text: Hello.
          - kind: section
            title: Skipped chapter
            skip: true
            text: |
              Not built.

              Really not.
          - kind: section
            title: Kept
            skip: false
            text: Built.
          - title: Empty but skipped
            skip: yes
        """,
    )
    assert [c.title for c in doc.chapters] == ["Introduction", "Kept"]
    assert doc.dropped == (
        Dropped("Skipped chapter\n\nNot built.\n\nReally not.", SKIPPED_REASON, line=6),
        Dropped("Empty but skipped", SKIPPED_REASON, line=17),
    )
    assert SKIPPED_REASON == "skipped in guide script"


def _chapter_block(text: str, title: str) -> str:
    """The lines of the chapter called ``title`` in a dumped guide script."""
    start = text.index("  - kind:", text.index(f"title: {title}") - 40)
    end = text.find("\n\n  - ", start)
    return text[start:] if end == -1 else text[start : end + 1]


def test_reorder_retitle_skip_by_editing(tmp_path: Path) -> None:
    original = full_doc()
    text = dump_guide(original, GuideSettings())
    faq = _chapter_block(text, "Are interventional pain management procedures painful?")
    section = _chapter_block(text, "What is Interventional Pain Management?")
    # Swap two chapters, retitle one, rewrite a paragraph, skip another.
    edited = text.replace(faq, "\0").replace(section, faq).replace("\0", section)
    edited = edited.replace("title: Conclusion", "title: In short")
    edited = edited.replace("Final words.", "Last words,\n      wrapped.")
    edited = edited.replace(
        "  - kind: faq\n    title: 'yes'\n", "  - kind: faq\n    title: 'yes'\n    skip: true\n"
    )
    doc, _ = load_guide(write(tmp_path, edited))
    assert [c.title for c in doc.chapters] == [
        "Introduction",
        "Are interventional pain management procedures painful?",
        "What is Interventional Pain Management?",
        "Über Schmerzen: 痛み",
        "In short",
    ]
    assert doc.chapters[1] == original.chapters[2]
    assert doc.chapters[2] == original.chapters[1]
    assert doc.chapters[-1].paragraphs[0] == "Last words, wrapped."
    assert [d.text for d in doc.dropped] == ["yes\n\ntrue"]


# ----------------------------------------------------------------- errors

ERRORS = [
    # (guide text, line, problem)
    pytest.param("title: T\nchapters: [\n", 3, "invalid YAML: ", id="yaml-syntax"),
    pytest.param(
        "title: T\n  bad: indent\nchapters: []\n",
        2,
        "invalid YAML: mapping values are not allowed here",
        id="yaml-mapping-values",
    ),
    pytest.param("title: T\n---\ntitle: U\n", 2, "invalid YAML: ", id="yaml-two-documents"),
    pytest.param(
        "title: T\nauthor: A\x07\n",
        2,
        "invalid YAML: character '\\x07' (U+0007) is not allowed",
        id="yaml-control-character",
    ),
    pytest.param("- a\n- b\n", 1, "the guide script must be a mapping of keys", id="top-list"),
    pytest.param("just text\n", 1, "the guide script must be a mapping of keys", id="top-scalar"),
    pytest.param(
        MINIMAL + "titel: X\n",
        6,
        "unknown top-level key 'titel' (known: title, publisher, author, language, "
        "source, faq_title, voice, pauses, loudness, encoding, announce, "
        "announce_template, faq, pronunciations, lexicon, hold, cover_image, locale, formats, base_url, "
        "voices, code_note, address_note, chapters)",
        id="unknown-top-key",
    ),
    pytest.param(
        "title: T\ntitle: U\nchapters: []\n", 2, "duplicate top-level key 'title'", id="duplicate-top-key"
    ),
    pytest.param(
        "title: T\n[1]: x\nchapters: []\n",
        2,
        "a top-level key must be a word, not a list",
        id="top-key-not-a-word",
    ),
    pytest.param("# c\nchapters:\n  - {title: A, text: B}\n", 2, "missing title", id="missing-title"),
    pytest.param("title: ''\n" + MINIMAL.split("\n", 1)[1], 1, "title must not be empty", id="empty-title"),
    pytest.param(
        "title: [a, b]\n" + MINIMAL.split("\n", 1)[1], 1, "title must be text, not a list", id="title-list"
    ),
    pytest.param("title: T\n", 1, "missing chapters", id="missing-chapters"),
    pytest.param("title: T\nchapters: []\n", 2, "chapters must not be empty", id="chapters-empty"),
    pytest.param("title: T\nchapters:\n", 2, "chapters must not be empty", id="chapters-null"),
    pytest.param(
        "title: T\nchapters: {a: b}\n", 2, "chapters must be a list, not a mapping", id="chapters-mapping"
    ),
    pytest.param(
        MINIMAL + "  - just a string\n",
        6,
        "chapter 2 must be a mapping, not 'just a string'",
        id="chapter-not-mapping",
    ),
    pytest.param(
        MINIMAL + "  - kind: section\n    titel: Oops\n    text: x\n",
        7,
        "unknown key 'titel' in chapter 2 (known: kind, title, lead, text, skip, group)",
        id="unknown-chapter-key",
    ),
    pytest.param(
        MINIMAL + "  - kind: section\n    title: A\n    title: B\n    text: x\n",
        8,
        "duplicate key 'title' in chapter 2",
        id="duplicate-chapter-key",
    ),
    pytest.param(
        MINIMAL + "  - kind: sectoin\n    title: A\n    text: x\n",
        6,
        "chapter 2: unknown kind 'sectoin' (known: intro, section, faq, conclusion)",
        id="unknown-kind",
    ),
    pytest.param(
        MINIMAL + "  - kind: section\n    text: x\n", 6, "chapter 2 has no title", id="chapter-missing-title"
    ),
    pytest.param(
        MINIMAL + "  - kind: section\n    title: ''\n    text: x\n",
        7,
        "chapter 2 has no title",
        id="chapter-empty-title",
    ),
    pytest.param(
        MINIMAL + "  - kind: section\n    title: A\n",
        6,
        "chapter 2 ('A') has no text",
        id="chapter-missing-text",
    ),
    pytest.param(
        MINIMAL + "  - kind: section\n    title: A\n    text: |\n\n\n",
        8,
        "chapter 2 ('A') has no text",
        id="chapter-empty-text",
    ),
    pytest.param(
        MINIMAL + "  - kind: section\n    title: A\n    text: [x, y]\n",
        8,
        "chapter 2: text must be text, not a list",
        id="chapter-text-list",
    ),
    pytest.param(
        MINIMAL + "  - title: A\n    text: x\n    skip: maybe\n",
        8,
        "chapter 2: skip must be true or false, not 'maybe'",
        id="skip-not-bool",
    ),
    pytest.param(
        "title: T\nchapters:\n  - {title: A, text: x, skip: true}\n",
        2,
        "every chapter is skipped; nothing to build",
        id="all-skipped",
    ),
    pytest.param(
        "voice: {rate: fast}\n" + MINIMAL, 1, "voice.rate must be a number, not 'fast'", id="rate-not-number"
    ),
    pytest.param(
        "voice:\n  rate: '1.2'\n" + MINIMAL, 2, "voice.rate must be a number, not '1.2'", id="rate-quoted"
    ),
    pytest.param(
        "voice: {rate: true}\n" + MINIMAL, 1, "voice.rate must be a number, not 'true'", id="rate-bool"
    ),
    pytest.param("voice: {rate: .nan}\n" + MINIMAL, 1, "voice.rate must be a number", id="rate-nan"),
    pytest.param(
        "voice: {rate: 0}\n" + MINIMAL, 1, "voice.rate must be between 0.25 and 4, not 0", id="rate-zero"
    ),
    pytest.param(
        "voice: {engine: [piper]}\n" + MINIMAL, 1, "voice.engine must be text, not a list", id="engine-list"
    ),
    pytest.param(
        "voice:\n  engine: piper\n  speed: 2\n" + MINIMAL,
        3,
        "unknown key 'speed' in voice (known: engine, voice, rate, lang, tld)",
        id="unknown-voice-key",
    ),
    pytest.param("voice: piper\n" + MINIMAL, 1, "voice must be a mapping, not 'piper'", id="voice-scalar"),
    pytest.param(
        "pauses: {head_ms: 0.5}\n" + MINIMAL,
        1,
        "pauses.head_ms must be a whole number, not '0.5'",
        id="pause-fraction",
    ),
    pytest.param(
        "pauses: {tail_ms: -1}\n" + MINIMAL,
        1,
        "pauses.tail_ms must be at least 0, not '-1'",
        id="pause-negative",
    ),
    pytest.param(
        "pauses: {tail_ms: long}\n" + MINIMAL,
        1,
        "pauses.tail_ms must be a whole number, not 'long'",
        id="pause-text",
    ),
    pytest.param(
        "pauses: {gap_ms: 1}\n" + MINIMAL, 1, "unknown key 'gap_ms' in pauses", id="unknown-pause-key"
    ),
    pytest.param(
        "loudness: {target_lufs: loud}\n" + MINIMAL,
        1,
        "loudness.target_lufs must be a number, not 'loud'",
        id="lufs-not-number",
    ),
    pytest.param(
        "encoding: {bitrate_kbps: 64k}\n" + MINIMAL,
        1,
        "encoding.bitrate_kbps must be a whole number, not '64k'",
        id="bitrate-text",
    ),
    pytest.param(
        "encoding: {bitrate_kbps: 1000}\n" + MINIMAL,
        1,
        "encoding.bitrate_kbps must be at most 320",
        id="bitrate-too-high",
    ),
    pytest.param(
        "announce: sometimes\n" + MINIMAL,
        1,
        "announce must be true or false, not 'sometimes'",
        id="announce-not-bool",
    ),
    pytest.param(
        "announce_template: 'Track {num}: {title}'\n" + MINIMAL,
        1,
        "announce_template: unknown placeholder '{num}' "
        "(allowed: {number}, {total}, {title}, {kind}, {group})",
        id="template-placeholder",
    ),
    pytest.param(
        "announce_template: 'Track {}'\n" + MINIMAL,
        1,
        "announce_template: unknown placeholder '{}'",
        id="template-positional",
    ),
    pytest.param(
        "announce_template: 'Track {title.upper}'\n" + MINIMAL,
        1,
        "announce_template: unknown placeholder '{title.upper}'",
        id="template-attribute",
    ),
    pytest.param(
        "announce_template: 'Track {number'\n" + MINIMAL,
        1,
        "announce_template: not a valid template",
        id="template-unbalanced",
    ),
    pytest.param(
        "announce_template: 'Track {title:d}'\n" + MINIMAL,
        1,
        "announce_template: '{title:d}' has a format or conversion; write {title}",
        id="template-bad-spec",
    ),
    pytest.param(
        "announce_template: 'Track {number:02d}'\n" + MINIMAL,
        1,
        "announce_template: '{number:02d}' has a format or conversion; write {number}",
        id="template-spec",
    ),
    pytest.param(
        "announce_template: 'Track {title!s}'\n" + MINIMAL,
        1,
        "announce_template: '{title!s}' has a format or conversion; write {title}",
        id="template-conversion",
    ),
    pytest.param(
        "announce_template: 'Track {title[0]}'\n" + MINIMAL,
        1,
        "announce_template: unknown placeholder '{title[0]}'",
        id="template-index",
    ),
    pytest.param(
        "faq: all\n" + MINIMAL, 1, "unknown faq mode 'all' (known: each, single)", id="unknown-faq-mode"
    ),
    pytest.param("faq: [each]\n" + MINIMAL, 1, "faq must be text, not a list", id="faq-list"),
    pytest.param(
        "pronunciations: [NSAIDs]\n" + MINIMAL,
        1,
        "pronunciations must be a mapping (word: how to say it), not a list",
        id="pronunciations-list",
    ),
    pytest.param(
        "pronunciations:\n  NSAIDs:\n" + MINIMAL,
        2,
        "pronunciation of 'NSAIDs' must not be empty",
        id="pronunciation-empty",
    ),
    pytest.param(
        "pronunciations:\n  A: a\n  A: b\n" + MINIMAL,
        3,
        "duplicate key 'A' in pronunciations",
        id="pronunciation-duplicate",
    ),
    pytest.param("language: [en]\n" + MINIMAL, 1, "language must be text, not a list", id="language-list"),
]


@pytest.mark.parametrize(("text", "line", "problem"), ERRORS)
def test_validation_errors_are_located(tmp_path: Path, text: str, line: int, problem: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(GuideScriptError) as info:
        load_guide(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}:{line}: "), message
    assert problem in message, message


def test_error_names_the_file_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, MINIMAL + "  - kind: section\n    titel: Oops\n    text: x\n")
    with pytest.raises(
        GuideScriptError,
        match=r"^guide\.yaml:7: unknown key 'titel' in chapter 2 "
        r"\(known: kind, title, lead, text, skip, group\)$",
    ):
        load_guide(Path("guide.yaml"))


def test_invalid_yaml_uses_the_problem_mark(tmp_path: Path) -> None:
    path = write(tmp_path, 'title: T\nchapters:\n  - title: "unterminated\n    text: x\n\n')
    with pytest.raises(GuideScriptError) as info:
        load_guide(path)
    message = str(info.value)
    assert message.startswith(f"{path}:6: invalid YAML: found unexpected end of stream"), message
    assert "while scanning a quoted scalar on line 3" in message


def test_not_utf8_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "guide.yaml"
    path.write_bytes(MINIMAL.encode() + "  - title: Café\n    text: x\n".encode("latin-1"))
    with pytest.raises(GuideScriptError) as info:
        load_guide(path)
    assert str(info.value) == (f"{path}:6: not UTF-8 text (byte 0xe9); save the guide script as UTF-8")


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "guide.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode())
    assert load_guide(path)[0].title == "An article"


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_file_is_rejected(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(GuideScriptError, match=r":1: guide script is empty"):
        load_guide(path)


def test_missing_file_is_a_guide_script_error(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(GuideScriptError, match="nope.yaml: cannot read guide script"):
        load_guide(path)


# ----------------------------------------------------------------- lists, lexicon, hold, cover image


def items_doc() -> Document:
    return Document(
        title="Preparing",
        chapters=(
            Chapter(
                ChapterKind.SECTION,
                "Steps",
                (
                    "Before you come:",
                    ListItem("Stop eating at midnight"),
                    ListItem("Bring a driver"),
                    "- a paragraph that starts like an item",
                    "\\ a paragraph with a backslash",
                    ListItem("- an item that starts with a dash"),
                    ListItem("1. Numbered"),
                ),
            ),
        ),
    )


def test_items_are_dash_lines_and_round_trip(tmp_path: Path) -> None:
    text = dump_guide(items_doc(), GuideSettings())
    assert (
        textwrap.indent(
            "Before you come:\n\n"
            "- Stop eating at midnight\n"
            "- Bring a driver\n\n"
            "\\- a paragraph that starts like an item\n\n"
            "\\\\ a paragraph with a backslash\n\n"
            "- - an item that starts with a dash\n"
            "- 1. Numbered\n",
            "      ",
        )
        in text
    )
    doc, _ = load_guide(write(tmp_path, text))
    assert doc == items_doc()
    assert [is_item(p) for p in doc.chapters[0].paragraphs] == [False, True, True, False, False, True, True]
    assert dump_guide(doc, GuideSettings()) == text


def test_editors_write_items_their_way(tmp_path: Path) -> None:
    doc, _ = load_text(
        tmp_path,
        """\
        title: T
        chapters:
          - title: Steps
            text: |
              Do this:
              - first, which is
                wrapped over two lines
              -   second
              Not an item: a paragraph line after the list joins the last item.

              A new paragraph.
              -no space, not an item
        """,
    )
    paragraphs = doc.chapters[0].paragraphs
    assert paragraphs == (
        "Do this:",
        "first, which is wrapped over two lines",
        "second Not an item: a paragraph line after the list joins the last item.",
        "A new paragraph. -no space, not an item",
    )
    assert [is_item(p) for p in paragraphs] == [False, True, True, False]


_item_text = _line_text.filter(lambda t: not t.startswith("- "))


@hyp_settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(st.tuples(st.booleans(), _line_text), min_size=1, max_size=6))
def test_items_round_trip_property(tmp_path: Path, parts: list[tuple[bool, str]]) -> None:
    paragraphs = tuple(ListItem(text) if item else text for item, text in parts)
    doc = Document(title="T", chapters=(Chapter(ChapterKind.SECTION, "S", paragraphs),))
    loaded, _ = load_guide(write(tmp_path, dump_guide(doc, GuideSettings())))
    assert loaded == doc
    assert [is_item(p) for p in loaded.chapters[0].paragraphs] == [item for item, _ in parts]


def test_item_pause_is_a_setting(tmp_path: Path) -> None:
    doc, settings = load_text(tmp_path, "pauses: {item_ms: 300}\n" + MINIMAL)
    assert settings.pauses == Pauses(item_ms=300)
    assert "item_ms: 450" in dump_guide(doc, GuideSettings())


def full_hold() -> HoldProgramme:
    return HoldProgramme(
        tracks=(2, 3, 5),
        gap_ms=1500,
        opening=None,
        repeat_opening=False,
        max_seconds=300.5,
        max_bytes=2_400_000,
    )


def test_lexicon_hold_and_cover_round_trip(tmp_path: Path) -> None:
    (tmp_path / "words.yaml").write_text("Toradol: TOR-a-dol\n", encoding="utf-8")
    (tmp_path / "more.pls").write_text("<lexicon version='1.0'/>", encoding="utf-8")
    write_picture(tmp_path / "cover.png")
    files = (tmp_path / "words.yaml", tmp_path / "more.pls")
    settings = replace(full_settings(), hold=full_hold(), cover_image=str(tmp_path / "cover.png"))
    text = dump_guide(full_doc(), settings, lexicon_files=files)
    top = [line.split(":")[0] for line in text.splitlines() if line and not line.startswith(("#", " "))]
    assert top[-4:] == ["lexicon", "hold", "cover_image", "chapters"]
    script = load_guide_script(write(tmp_path, text))
    assert (script.document, script.settings, script.lexicon_files) == (full_doc(), settings, files)
    assert dump_guide(script.document, script.settings, script.lexicon_files) == text


def test_paths_are_relative_to_the_guide_script(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "guides"
    (folder / "lex").mkdir(parents=True)
    (folder / "lex" / "words.yml").write_text("CT: cat scan\n", encoding="utf-8")
    write_picture(folder / "cover.jpg")
    path = write(folder, "lexicon: lex/words.yml\ncover_image: cover.jpg\n" + MINIMAL)
    monkeypatch.chdir(tmp_path)  # somewhere else
    script = load_guide_script(Path("guides") / path.name)
    assert script.lexicon_files == ((folder / "lex" / "words.yml").resolve(),)
    assert script.settings.cover_image == str((folder / "cover.jpg").resolve())
    assert (
        load_guide_script(write(folder, "lexicon:\ncover_image:\n" + MINIMAL, "empty.yaml")).lexicon_files
        == ()
    )


def test_hold_defaults_and_partial(tmp_path: Path) -> None:
    _, settings = load_text(tmp_path, MINIMAL)
    assert settings.hold == HoldProgramme()
    assert "hold:" not in dump_guide(full_doc(), settings)  # defaults are not written
    _, settings = load_text(tmp_path, "hold: {gap_ms: 0, opening: Please hold., tracks: null}\n" + MINIMAL)
    assert settings.hold == HoldProgramme(gap_ms=0, opening="Please hold.")
    _, settings = load_text(tmp_path, "hold: {opening: null, max_bytes: null}\n" + MINIMAL)
    assert settings.hold == HoldProgramme(opening=None)


@pytest.mark.parametrize(
    ("snippet", "line", "problem"),
    [
        ("hold: [1, 2]", 1, "hold must be a mapping, not a list"),
        (
            "hold: {track: [1]}",
            1,
            "unknown key 'track' in hold (known: tracks, gap_ms, opening, "
            "repeat_opening, max_seconds, max_bytes)",
        ),
        ("hold: {tracks: 3}", 1, "hold.tracks must be a list of track numbers, not '3'"),
        ("hold: {tracks: []}", 1, "hold.tracks must not be empty"),
        ("hold:\n  tracks: [1, two]", 2, "hold.tracks: a track number must be a whole number, not 'two'"),
        ("hold: {tracks: [0]}", 1, "hold.tracks: a track number must be at least 1, not '0'"),
        ("hold: {gap_ms: -5}", 1, "hold.gap_ms must be at least 0"),
        ("hold: {opening: [a]}", 1, "hold.opening must be text, not a list"),
        ("hold: {repeat_opening: sometimes}", 1, "hold.repeat_opening must be true or false"),
        ("hold: {max_seconds: 0}", 1, "hold.max_seconds must be between 1 and 86400, not 0"),
        ("hold: {max_bytes: 1.5}", 1, "hold.max_bytes must be a whole number"),
        ("cover_image: [a.png]", 1, "cover_image must be text, not a list"),
        ("cover_image: missing.png", 1, "cover_image 'missing.png': no such file"),
        ("lexicon: {CT: cat}", 1, "lexicon must be a file name or a list of file names, not a mapping"),
        ("lexicon:\n  - missing.yaml", 2, "lexicon 'missing.yaml': no such file"),
    ],
)
def test_new_keys_errors_are_located(tmp_path: Path, snippet: str, line: int, problem: str) -> None:
    (tmp_path / "words.txt").write_text("x", encoding="utf-8")
    path = write(tmp_path, snippet + "\n" + MINIMAL)
    with pytest.raises(GuideScriptError) as info:
        load_guide(path)
    message = str(info.value)
    assert "\n" not in message and message.startswith(f"{path}:{line}: "), message
    assert problem in message, message


def test_lexicon_file_of_the_wrong_type(tmp_path: Path) -> None:
    (tmp_path / "words.txt").write_text("CT: cat\n", encoding="utf-8")
    path = write(tmp_path, "lexicon: [words.txt]\n" + MINIMAL)
    with pytest.raises(
        GuideScriptError, match=r"guide.yaml:1: lexicon 'words.txt': use a .yaml, .yml or .pls file"
    ):
        load_guide(path)
