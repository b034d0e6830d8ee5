"""The example article built end to end with the real Piper engine, then read back."""

from __future__ import annotations

import json
import re

import pytest
from audio_checks import decode, lufs, true_peak_dbtp
from mutagen.id3 import ID3
from mutagen.mp3 import MP3, BitrateMode

from audioguide.model.settings import GuideSettings
from audioguide.pipeline import BuildOptions, build_guide
from audioguide.sources.plain import parse_text
from audioguide.speech import normalize, split_sentences

pytestmark = pytest.mark.slow

EXPECTED_FILES = [
    "01 - Introduction.mp3",
    "02 - What is Interventional Pain Management.mp3",
    "03 - What is the Difference between Pain Management and Interventional Pain Management.mp3",
    "04 - Why Not Take Medication.mp3",
    "05 - What are the Benefits of Interventional Pain Management.mp3",
    "06 - What types of conditions can be treated with interventional pain management.mp3",
    "07 - Are interventional pain management procedures painful.mp3",
    "08 - Is interventional pain management covered by insurance.mp3",
    "09 - How long does it take to see results from interventional pain management.mp3",
    "10 - Are there any risks associated with interventional pain management procedures.mp3",
    "11 - Conclusion.mp3",
]


@pytest.fixture(scope="module")
def seed_build(example_article, tmp_path_factory):
    out = tmp_path_factory.mktemp("seed") / "guide"
    cache = tmp_path_factory.mktemp("seed-cache")
    document = parse_text(example_article)
    report = build_guide(document, GuideSettings(), BuildOptions(outdir=out, cache_dir=cache))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return document, out, cache, report, manifest


def test_tracks_in_chapter_order(seed_build):
    _, out, _, report, manifest = seed_build
    assert sorted(p.name for p in out.glob("*.mp3")) == EXPECTED_FILES
    assert [t["file"] for t in manifest["tracks"]] == EXPECTED_FILES
    assert report.tracks == 11 and len(report.rebuilt) == 11
    assert not list(out.parent.glob(".guide.*")), "no staging folder left behind"


def test_mp3_format_and_duration(seed_build):
    _, out, _, _, manifest = seed_build
    for track in manifest["tracks"]:
        info = MP3(out / track["file"]).info
        assert info.sample_rate == 24000 and info.channels == 1  # hibari's heart
        assert info.bitrate_mode == BitrateMode.CBR and abs(info.bitrate - 64000) < 1000
        assert abs(info.length - track["duration_s"]) < 0.15, track["file"]
        assert track["duration_s"] > 5


def test_tags_read_back(seed_build, example_article):
    document, out, _, _, manifest = seed_build
    for track in manifest["tracks"]:
        tags = ID3(out / track["file"])
        assert tags.version[:2] == (2, 3)
        assert str(tags["TIT2"]) == track["title"]
        assert str(tags["TALB"]) == document.title
        assert str(tags["TRCK"]) == f"{track['number']}/11"
        assert str(tags["TCON"]) == "Speech"
        assert str(tags["TLAN"]) == "eng"
        assert str(tags["TPE1"]) == "Teri Franks"
        assert example_article.name in str(tags.getall("COMM")[0])


def test_every_track_within_loudness_target(seed_build):
    _, out, _, _, manifest = seed_build
    for track in manifest["tracks"]:
        samples, rate = decode(out / track["file"])
        assert -17.0 <= lufs(samples, rate) <= -15.0, track["file"]
        assert true_peak_dbtp(samples) <= -1.0, track["file"]


def test_head_room_tone_and_tail(seed_build):
    _, out, _, _, manifest = seed_build
    samples, rate = decode(out / manifest["tracks"][3]["file"])
    head = samples[: int(0.45 * rate)]
    tail = samples[-int(0.95 * rate) :]
    assert abs(head).max() < 0.01 and abs(tail).max() < 0.01


def test_playlist_matches_manifest(seed_build):
    _, out, _, _, manifest = seed_build
    lines = (out / "playlist.m3u8").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "#EXTM3U"
    entries = [(lines[i], lines[i + 1]) for i, l in enumerate(lines) if l.startswith("#EXTINF:")]
    assert [file for _, file in entries] == EXPECTED_FILES
    for (extinf, _), track in zip(entries, manifest["tracks"]):
        seconds, title = re.match(r"#EXTINF:(\d+),(.*)", extinf).groups()
        assert int(seconds) == round(track["duration_s"]) and title == track["title"]


def test_transcripts_announce_and_match_manifest(seed_build):
    _, out, _, _, manifest = seed_build
    for track in manifest["tracks"]:
        text = (out / "transcripts" / track["file"].replace(".mp3", ".txt")).read_text(encoding="utf-8")
        assert text.startswith("Track "), track["file"]  # announced (numbers as spoken words)
        assert " ".join(text.split()) == " ".join(track["text"].split())


def test_every_sentence_spoken_exactly_once_and_no_furniture(seed_build):
    document, out, _, _, manifest = seed_build
    spoken = [" ".join(t["text"].split()) for t in manifest["tracks"]]
    everything = "\n".join(spoken)
    sentences = [s for c in document.chapters for p in c.paragraphs for s in split_sentences(p)]
    assert len(sentences) >= 35  # the seed has 37
    for sentence in sentences:
        said = " ".join(normalize(sentence).split())
        assert everything.count(said) == 1, sentence
    assert everything.count(" ".join(normalize(document.title).split())) == 1
    for furniture in ("Leave a Comment", "Teri Franks", "About the author"):
        assert furniture not in everything


def test_manifest_fields(seed_build):
    document, _, _, _, manifest = seed_build
    assert manifest["title"] == document.title
    for track in manifest["tracks"]:
        assert {"number", "kind", "title", "file", "duration_s", "text", "hash"} <= set(track)
        assert re.fullmatch(r"[0-9a-f]{64}", track["hash"])
        assert track["clips"] and track["clips"][0]["start_s"] >= 0.49
    kinds = [t["kind"] for t in manifest["tracks"]]
    assert kinds == ["intro"] + ["section"] * 4 + ["faq"] * 5 + ["conclusion"]


def test_rebuild_without_change_synthesizes_nothing(seed_build, example_article):
    document, out, cache, _, _ = seed_build
    before = {p.name: p.read_bytes() for p in out.glob("*.mp3")}
    report = build_guide(
        parse_text(example_article), GuideSettings(), BuildOptions(outdir=out, cache_dir=cache)
    )
    assert report.clips_synthesized == 0 and not report.rebuilt and len(report.unchanged) == 11
    assert {p.name: p.read_bytes() for p in out.glob("*.mp3")} == before
