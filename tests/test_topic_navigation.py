"""Questions under topic headings: the topic is a level-1 navigation point in DAISY and EPUB, the questions level 2.

Built with the real engine (slow): the page of tests/data/faq-markup/topic-sections.html.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from audioguide.model.settings import GuideSettings
from audioguide.pipeline import BuildOptions, build_guide
from audioguide.sources.load import load_source

pytestmark = pytest.mark.slow

PAGE = Path(__file__).parent / "data" / "faq-markup" / "topic-sections.html"
X = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="module")
def guide(tmp_path_factory):
    out = tmp_path_factory.mktemp("topics") / "guide"
    document = load_source(PAGE).document
    build_guide(
        document,
        GuideSettings(),
        BuildOptions(outdir=out, cache_dir=out.parent / "cache", jobs=1, formats=("tracks", "daisy", "epub")),
    )
    return document, out


def test_manifest_records_each_tracks_topic(guide):
    _, out = guide
    tracks = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["tracks"]
    assert [(t["group"], t["title"]) for t in tracks][:3] == [
        ("Testing your blood sugar", "Testing your blood sugar"),
        ("Testing your blood sugar", "When should I test?"),
        ("Testing your blood sugar", "What is a normal reading?"),
    ]


def test_daisy_topics_are_level_1_and_their_questions_level_2(guide):
    document, out = guide
    body = list(ET.parse(out / "daisy" / "ncc.html").getroot().find(f"{X}body"))
    got = [(int(h.tag[-1]), h.find(f"{X}a").text) for h in body]
    assert got == [
        (1, document.title),
        (1, "Testing your blood sugar"),
        (2, "When should I test?"),
        (2, "What is a normal reading?"),
        (1, "Low blood sugar"),
        (2, "What are the signs?"),
        (2, "How do I treat it?"),
        (2, "How do I share my readings with the clinic?"),
    ]


def test_epub_nav_nests_the_questions_under_their_topic(guide):
    _, out = guide
    with zipfile.ZipFile(out / "guide.epub") as epub:
        name = next(n for n in epub.namelist() if n.endswith("nav.xhtml"))
        nav = ET.fromstring(epub.read(name))
    toc = next(n for n in nav.iter(f"{X}nav") if n.get("{http://www.idpf.org/2007/ops}type") == "toc")
    top = toc.find(f"{X}ol")
    labels = [li.find(f"{X}a").text for li in top.findall(f"{X}li")]
    assert "Low blood sugar" in labels
    low = next(li for li in top.findall(f"{X}li") if li.find(f"{X}a").text == "Low blood sugar")
    assert [li.find(f"{X}a").text for li in low.find(f"{X}ol").findall(f"{X}li")] == [
        "What are the signs?",
        "How do I treat it?",
        "How do I share my readings with the clinic?",
    ]


@pytest.fixture(scope="module")
def single_file_guide(guide, tmp_path_factory):
    """The same page as one MP3 and one M4B (clips from the DAISY/EPUB build's cache)."""
    document, out = guide
    single = tmp_path_factory.mktemp("topics-single") / "guide"
    build_guide(
        document,
        GuideSettings(),
        BuildOptions(
            outdir=single, cache_dir=out.parent / "cache", jobs=1, formats=("tracks", "single", "m4b")
        ),
    )
    return single


def test_single_file_chapters_nest_the_questions_under_their_topic(single_file_guide):
    from mutagen.id3 import ID3, CTOCFlags

    tag = ID3(single_file_guide / "guide.mp3")
    tables = {frame.element_id: frame for frame in tag.getall("CTOC")}
    chapters = {frame.element_id: frame.sub_frames["TIT2"].text[0] for frame in tag.getall("CHAP")}
    (top,) = [t for t in tables.values() if t.flags & CTOCFlags.TOP_LEVEL]  # the one top-level table

    reached = []

    def outline(ids, level=1):
        rows = []
        for ident in ids:
            if ident in tables:
                rows.append((level, tables[ident].sub_frames["TIT2"].text[0]))
                rows += outline(tables[ident].child_element_ids, level + 1)
            else:
                rows.append((level, chapters[ident]))
                reached.append(ident)
        return rows

    rows = outline(top.child_element_ids)
    assert (1, "Testing your blood sugar") in rows and (1, "Low blood sugar") in rows
    assert rows.index((1, "Low blood sugar")) < rows.index((2, "How do I treat it?"))
    assert (2, "When should I test?") in rows and (2, "How do I share my readings with the clinic?") in rows
    assert reached == sorted(chapters)  # every chapter once, in order (ids ch01, ch02, ...)


def test_m4b_chapters_name_each_question_with_its_topic(single_file_guide):
    from audioguide.audio import ffmpeg

    meta = ffmpeg.run(["-i", str(single_file_guide / "guide.m4b"), "-f", "ffmetadata", "-"]).decode("utf-8")
    titles = [line[len("title=") :] for line in meta.splitlines() if line.startswith("title=")]
    assert "Testing your blood sugar: When should I test?" in titles
    assert "Low blood sugar: How do I treat it?" in titles
