"""Input: what a hostile page or guide script brings stays text.

Control characters never get past the source stage, nothing printed can drive
the terminal, titles cannot add lines to line-based files, and what is
recorded of a URL holds no secrets.
"""

from __future__ import annotations

import json
import re
import textwrap

import pytest
from cli_helpers import assert_one_line_error, epubcheck_command, invoke

from audioguide.exporters.m4b import _escape as ffmetadata_escape
from audioguide.exporters.phone import render_musiconhold_conf
from audioguide.exporters.playlist import render_m3u8
from audioguide.model.plan import plan_tracks
from audioguide.model.settings import GuideSettings
from audioguide.sources.load import load_source

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
TERMINAL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")  # anything a terminal acts on (LF aside)

HOSTILE_HTML = """<!doctype html><html lang="en"><head><title>x</title></head><body><main>
<h1>Pain&#0; guide&#27;]0;owned&#7;&#27;[2J&#27;c &#x202E;gpj.exe</h1>
<p>First paragraph&#1; with a NUL&#0; and an escape &#27;[31mred&#27;[0m and enough words to count.</p>
<h2>Second&#13;#EXT-X-KEY:METHOD=AES-128,URI=http://evil/key&#10;/etc/passwd</h2>
<p>Second paragraph&#11; has a vertical tab and a form feed&#12; in it, and more words.</p>
<script type="application/ld+json">{"@type": "FAQPage", "mainEntity": [{"@type": "Question",
 "name": "Is it \\u0000safe\\u001b]0;x\\u0007?", "acceptedAnswer": {"@type": "Answer",
 "text": "Yes\\u0008, quite\\u001b[2J safe."}}]}</script>
</main><footer>Leave a comment&#27;[2J&#7;</footer></body></html>
"""

HOSTILE_SCRIPT = textwrap.dedent("""\
    title: "Guide\\x00 \\e]0;owned\\a title \\u202Eexe.txt"
    chapters:
      - kind: intro
        title: "Intro\\r#EXTINF:1,x\\n/etc/passwd"
        text: "Text with \\x01 and \\x1b[2J and \\x7f and \\x9b31m in it."
      - title: "Skipped \\e[2J"
        skip: true
        text: "gone\\x00"
    """)


def _all_text(document) -> list[str]:
    texts = [document.title, document.faq_title, document.author or "", document.publisher or ""]
    for chapter in document.chapters:
        texts += [chapter.title, chapter.lead or "", *chapter.paragraphs]
    texts += [d.text for d in document.dropped]
    return texts


@pytest.mark.parametrize("name, content", [("page.html", HOSTILE_HTML), ("guide.yaml", HOSTILE_SCRIPT)])
def test_no_control_character_gets_past_the_source_stage(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    document = load_source(path).document
    texts = _all_text(document)
    assert any("Second" in t or "Intro" in t for t in texts)
    for text in texts:
        assert not CONTROL.search(text), repr(text)
    titles = [document.title] + [c.title for c in document.chapters]
    for title in titles:
        assert "\n" not in title and "\t" not in title
    for track in plan_tracks(document, GuideSettings()).tracks:
        assert not CONTROL.search(track.stem)


def test_markdown_entities_are_cleaned_too(tmp_path):
    path = tmp_path / "a.md"
    path.write_text(
        "# Title&#27;]0;x&#7;\n\nSome text&#1; here &#x202E;and more words.\n\n## Part\n\nMore text.\n"
    )
    document = load_source(path).document
    for text in _all_text(document):
        assert not CONTROL.search(text), repr(text)


@pytest.mark.parametrize("as_json", [False, True])
def test_outline_prints_no_escape_sequence(tmp_path, as_json):
    path = tmp_path / "page.html"
    path.write_text(HOSTILE_HTML, encoding="utf-8")
    result = invoke("outline", str(path), *(["--json"] if as_json else []))
    assert result.exit_code == 0, result.stderr
    for stream in (result.output, result.stderr):
        assert not TERMINAL.search(stream), repr(stream)
    if as_json:
        assert "guide" in json.loads(result.output)["title"]


def test_error_lines_print_no_escape_sequence(tmp_path):
    """A file name is content too: an error naming it cannot clear the screen or set the title."""
    name = tmp_path / "evil\x1b]0;owned\x07\x1b[2J\x1bc\x9b31m\u202e.txt"
    result = invoke("outline", str(name))
    assert_one_line_error(result, "no such file")
    assert not TERMINAL.search(result.stderr.rstrip("\n")), repr(result.stderr)
    assert "\u202e" not in result.stderr


def test_playlist_title_cannot_add_lines():
    text = render_m3u8(
        "Guide\r\n#EXT-X-KEY:METHOD=AES-128",
        [
            ("01 - A.mp3", "A\r#EXT-X-KEY:URI=http://evil\n/etc/passwd", 12.4),
            ("02 - B.mp3", "B\u2028C\x85D\x0bE", 3.0),
        ],
    )
    lines = text.split("\n")
    assert "\r" not in text
    assert lines == [
        "#EXTM3U",
        "#PLAYLIST:Guide #EXT-X-KEY:METHOD=AES-128",
        "#EXTINF:12,A #EXT-X-KEY:URI=http://evil /etc/passwd",
        "01 - A.mp3",
        "#EXTINF:3,B C D E",
        "02 - B.mp3",
        "",
    ]


def test_ffmetadata_value_cannot_add_keys_or_chapters():
    value = ffmetadata_escape("T\r\n[CHAPTER]\rTIMEBASE=1/1\nSTART=0;x#y\\z")
    assert "\n" not in value and "\r" not in value
    assert value == "T [CHAPTER] TIMEBASE\\=1/1 START\\=0\\;x\\#y\\\\z"


def test_musiconhold_conf_title_cannot_add_lines():
    text = render_musiconhold_conf("Guide\r\n[evil]\nmode=custom\napplication=/bin/sh", "guide", ["01-a"])
    assert "\r" not in text
    assert "[evil]" not in text.split("\n")
    assert not any(line.startswith(("mode=custom", "application=")) for line in text.split("\n"))


@pytest.mark.slow
def test_a_hostile_page_builds_every_format_cleanly(tmp_path):
    """Every format from a hostile page: line-based files parse to the expected entries, XML
    formats parse, and EPUBCheck (when installed) reports nothing."""
    import subprocess

    from lxml import etree

    from audioguide.audio import ffmpeg

    page = tmp_path / "page.html"
    page.write_text(HOSTILE_HTML, encoding="utf-8")
    out = tmp_path / "out"
    result = invoke("build", str(page), "-o", str(out), "--formats", "all", "-q", "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    assert not TERMINAL.search(result.output + result.stderr)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    titles = [t["title"] for t in manifest["tracks"]]
    files = [t["file"] for t in manifest["tracks"]]
    assert len(titles) >= 2 and not any(CONTROL.search(t) for t in titles + files)

    lines = (out / "playlist.m3u8").read_text(encoding="utf-8").split("\n")
    assert lines[0] == "#EXTM3U" and lines[1].startswith("#PLAYLIST:") and lines[-1] == ""
    entries = lines[2:-1]
    assert len(entries) == 2 * len(files)
    assert [e for e in entries[1::2]] == files and all(e.startswith("#EXTINF:") for e in entries[0::2])

    metadata = ffmpeg.run(["-i", str(out / "guide.m4b"), "-f", "ffmetadata", "-"]).decode("utf-8")
    assert metadata.count("[CHAPTER]") == len(files)
    assert not any(line.startswith(("/etc/passwd", "#EXT")) for line in metadata.split("\n"))

    conf = (out / "phone" / "musiconhold.conf").read_text(encoding="utf-8").split("\n")
    assert [line for line in conf if line.startswith("[")] == [next(l for l in conf if l.startswith("["))]

    for path in [out / "daisy" / "ncc.html", *sorted((out / "daisy").glob("*.smil"))]:
        etree.parse(str(path))  # well-formed XML
    command = epubcheck_command()
    if command is not None:
        done = subprocess.run(
            [*command, str(out / "guide.epub")], capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Messages: 0 fatals / 0 errors / 0 warnings" in done.stdout + done.stderr


def test_log_lines_print_no_escape_sequence(tmp_path):
    """A warning logged with a file name in it goes through the same sanitizer."""
    import logging

    from audioguide.cli.output import TerminalFormatter

    record = logging.LogRecord(
        "audioguide.x",
        logging.WARNING,
        __file__,
        1,
        "%s: ignoring it",
        ("/tmp/evil\x1b]0;owned\x07\x1b[2J.json",),
        None,
    )
    line = TerminalFormatter("%(levelname)s %(name)s: %(message)s").format(record)
    assert line == "WARNING audioguide.x: /tmp/evil.json: ignoring it"


def test_cleaning_keeps_every_field_of_the_document():
    """The source stage's cleaning rebuilt chapters field by field once, and lost the topic
    groups another change had added: a clean document comes back equal, whatever its fields."""
    import dataclasses

    from audioguide.model.document import Chapter, ChapterKind, Document, Dropped
    from audioguide.sources.decode import clean_document

    def filled(cls, **given):
        values = {}
        for field in dataclasses.fields(cls):
            if field.name in given:
                values[field.name] = given[field.name]
            elif field.type in ("str", "str | None"):
                values[field.name] = f"some {field.name}"
            elif field.type in ("bool",):
                values[field.name] = True
            elif field.type in ("int | None", "int"):
                values[field.name] = 7
        return cls(**values)

    chapter = filled(Chapter, kind=ChapterKind.FAQ, paragraphs=("One answer.",))
    dropped = filled(Dropped)
    document = filled(Document, chapters=(chapter,), dropped=(dropped,), language="en", source="a.txt")
    assert clean_document(document) == document
