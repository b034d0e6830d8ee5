"""The single-file MP3 with chapters, the M4B audiobook and the WebVTT captions, read back.

One real guide (Piper) is built once for the module; every check reads the
written files with independent tools: mutagen, ffmpeg's own demuxers
(ffmetadata, WebVTT), pyloudnorm and scipy.
"""

from __future__ import annotations

import itertools
import json
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from audio_checks import lufs, true_peak_dbtp
from mutagen.id3 import ID3, CTOCFlags
from mutagen.mp3 import MP3
from scipy.signal import correlate

from audioguide.audio import ffmpeg
from audioguide.errors import AudioguideError
from audioguide.model.settings import GuideSettings, Loudness
from audioguide.pipeline import BuildOptions, build_guide
from audioguide.sources.plain import parse_plain_text

ARTICLE = """Caring for Your Knee After an Injection

Most people feel better within a few days. Rest, ice & elevation help.

Things to Avoid

Avoid running for two days. Swelling that lasts < 3 days is normal.

Bathing

You can shower the next day. Do not swim for a week.

FAQs

Can I drive home?

Yes, if you feel well. Ask a friend if you are unsure.

Will it hurt?

A little. It fades within a day.

Conclusion

Call the clinic if the pain gets worse.
"""
FORMATS = ("tracks", "single", "m4b", "captions")
# Chapter marks against the track boundaries. MP3 marks sit half the codec delay
# (1105 samples, 50 ms) late so both readings of it are 25 ms off; M4B marks are exact.
MP3_TOLERANCE_MS = 30
M4B_TOLERANCE_MS = 5


def build(out: Path, cache: Path, formats=FORMATS, **settings):
    document = parse_plain_text(ARTICLE, source="knee.txt")
    return build_guide(
        document, GuideSettings(**settings), BuildOptions(outdir=out, cache_dir=cache, formats=formats)
    )


@pytest.fixture(scope="module")
def guide(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("formats")
    out, cache = tmp / "guide", tmp / "cache"
    report = build(out, cache)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {"out": out, "cache": cache, "tmp": tmp, "report": report, "manifest": manifest}


def boundaries_ms(manifest: dict) -> list[tuple[float, float]]:
    """(start, end) of each track in the joined audio, from the manifest durations."""
    edges = np.concatenate([[0.0], np.cumsum([t["duration_s"] for t in manifest["tracks"]])]) * 1000
    return list(itertools.pairwise(edges))


def read_ffmetadata(path: Path) -> tuple[dict[str, str], list[dict]]:
    """What ffmpeg itself reads from ``path``: global tags and chapters (times in ms)."""
    text = ffmpeg.run(["-i", str(path), "-f", "ffmetadata", "-"]).decode("utf-8")
    assert text.startswith(";FFMETADATA1")
    tags: dict[str, str] = {}
    chapters: list[dict] = []
    current = tags
    for line in text.splitlines()[1:]:
        if line == "[CHAPTER]":
            current = {}
            chapters.append(current)
        elif "=" in line:
            key, value = line.split("=", 1)
            current[key] = value.replace("\\", "")
    for chapter in chapters:
        num, den = (int(x) for x in chapter["TIMEBASE"].split("/"))
        chapter["start_ms"] = int(chapter["START"]) * num * 1000 / den
        chapter["end_ms"] = int(chapter["END"]) * num * 1000 / den
    return tags, chapters


def ffmpeg_info(path: Path) -> str:
    """ffmpeg's description of a file's streams (stderr of ``ffmpeg -i``)."""
    proc = subprocess.run(
        [ffmpeg.ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, check=False
    )
    return proc.stderr.decode("utf-8", "replace")


def parse_vtt(path: Path) -> list[dict]:
    """Cues of a WebVTT file: id, start and end in ms, text."""
    text = path.read_text(encoding="utf-8")
    blocks = text.split("\n\n")
    assert blocks[0] == "WEBVTT"
    assert text.endswith("\n") and "\r" not in text
    cues = []
    stamp = r"(\d{2}):(\d{2}):(\d{2})\.(\d{3})"
    for block in blocks[1:]:
        if not block.strip():
            continue
        ident, timing, *lines = block.split("\n")
        match = re.fullmatch(f"{stamp} --> {stamp}", timing)
        assert match, timing
        h1, m1, s1, ms1, h2, m2, s2, ms2 = (int(g) for g in match.groups())
        cues.append(
            {
                "id": ident,
                "start": ((h1 * 60 + m1) * 60 + s1) * 1000 + ms1,
                "end": ((h2 * 60 + m2) * 60 + s2) * 1000 + ms2,
                "text": "\n".join(lines).rstrip("\n"),
            }
        )
    return cues


def ffmpeg_vtt_cues(path: Path) -> list[tuple[int, int]]:
    """Cue times as ffmpeg's WebVTT demuxer reads them (converted to SRT)."""
    srt = ffmpeg.run(["-i", str(path), "-f", "srt", "-"]).decode("utf-8")
    stamps = re.findall(r"(\d+):(\d+):(\d+),(\d+) --> (\d+):(\d+):(\d+),(\d+)", srt)

    def to_ms(h: str, m: str, s: str, ms: str) -> int:
        return ((int(h) * 60 + int(m)) * 60 + int(s)) * 1000 + int(ms)

    return [(to_ms(*g[:4]), to_ms(*g[4:])) for g in stamps]


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


# --------------------------------------------------------------------------- guide.mp3


def test_build_reports_the_formats(guide):
    assert guide["report"].formats == {"single": "built", "m4b": "built", "captions": "built"}
    assert guide["manifest"]["formats"]["single"]["files"] == ["guide.mp3", "guide.srt", "guide.vtt"]
    assert guide["manifest"]["formats"]["m4b"]["files"] == ["guide.m4b"]
    assert not list(guide["out"].glob(".*.part")) and not list(guide["out"].glob(".samples-*"))


def test_single_mp3_id3_chapters(guide):
    tracks = guide["manifest"]["tracks"]
    id3 = ID3(guide["out"] / "guide.mp3")
    assert id3.version == (2, 3, 0)
    assert str(id3["TIT2"]) == str(id3["TALB"]) == "Caring for Your Knee After an Injection"
    assert str(id3["TCON"]) == "Speech" and str(id3["TLAN"]) == "eng" and str(id3["TPE1"]) == "audioguide"
    assert id3.getall("COMM")[0].text[0].startswith("Narrated from knee.txt by audioguide")
    assert not id3.getall("TRCK")

    tocs = id3.getall("CTOC")
    top = [toc for toc in tocs if toc.flags & CTOCFlags.TOP_LEVEL]
    assert len(tocs) == len(top) == 1
    toc = top[0]
    assert toc.element_id == "toc" and toc.flags & CTOCFlags.ORDERED
    chaps = sorted(id3.getall("CHAP"), key=lambda c: c.start_time)
    ids = [f"ch{n:02d}" for n in range(1, len(tracks) + 1)]
    assert toc.child_element_ids == [c.element_id for c in chaps] == ids
    for chap, track, (start, end) in zip(chaps, tracks, boundaries_ms(guide["manifest"])):
        assert str(chap.sub_frames["TIT2"]) == track["title"]
        assert (
            abs(chap.start_time - start) <= MP3_TOLERANCE_MS and abs(chap.end_time - end) <= MP3_TOLERANCE_MS
        )
    assert all(a.end_time == b.start_time for a, b in itertools.pairwise(chaps))


def test_single_mp3_stream_and_ffmpeg_chapters(guide):
    path = guide["out"] / "guide.mp3"
    tracks = guide["manifest"]["tracks"]
    info = MP3(path).info
    total = sum(t["duration_s"] for t in tracks)
    assert abs(info.length - total) <= 0.1
    assert (info.sample_rate, info.channels, info.bitrate) == (24000, 1, 64000)

    tags, chapters = read_ffmetadata(path)
    assert tags["title"] == "Caring for Your Knee After an Injection" and tags["genre"] == "Speech"
    assert [c["title"] for c in chapters] == [t["title"] for t in tracks]
    for chapter, (start, end) in zip(chapters, boundaries_ms(guide["manifest"])):
        assert (
            abs(chapter["start_ms"] - start) <= MP3_TOLERANCE_MS
            and abs(chapter["end_ms"] - end) <= MP3_TOLERANCE_MS
        )


def test_single_mp3_is_the_tracks_joined_at_target_levels(guide):
    out, tracks = guide["out"], guide["manifest"]["tracks"]
    whole, rate = ffmpeg.decode(out / "guide.mp3")
    assert rate == 24000
    assert abs(lufs(whole, rate) - -16.0) <= 1.0
    assert true_peak_dbtp(whole) <= -1.0
    # each track's audio sits where the chapters say: no shift by the codec delay (1105
    # samples); the manifest's durations are rounded to 1 ms, hence the 2 ms allowed
    start = 0
    for track in tracks:
        part, _ = ffmpeg.decode(out / track["file"])
        middle = slice(len(part) // 4, len(part) // 4 + rate)
        a, b = whole[start : start + len(part)][middle], part[middle]
        lag = int(np.argmax(correlate(a, b, mode="full", method="fft"))) - (len(b) - 1)
        assert abs(lag) <= 0.002 * rate
        aligned = whole[start + lag : start + lag + len(part)][middle]
        assert np.corrcoef(aligned, b)[0, 1] > 0.98  # the same audio, encoded twice
        start += round(track["duration_s"] * rate)
    assert abs(len(whole) - start) <= 0.01 * rate


def test_single_files_keep_a_tighter_ceiling_and_the_loudness(guide):
    # At -2 dBTP, joining moves MP3 frame boundaries and pushed one track of this
    # guide 1 dB over the ceiling; it is re-mastered, not the whole file turned down.
    out = guide["tmp"] / "tight"
    build(out, guide["cache"], formats=("tracks", "single", "m4b"), loudness=Loudness(-16.0, -2.0))
    for name in ("guide.mp3", "guide.m4b"):
        samples, rate = ffmpeg.decode(out / name)
        assert true_peak_dbtp(samples) <= -2.0, name
        assert abs(lufs(samples, rate) - -16.0) <= 0.5, name


def test_guide_vtt_offsets_cues_by_track_start(guide):
    tracks = guide["manifest"]["tracks"]
    cues = parse_vtt(guide["out"] / "guide.vtt")
    assert len(cues) == sum(len(t["clips"]) for t in tracks)
    assert len({c["id"] for c in cues}) == len(cues)
    last = tracks[-1]
    offset = boundaries_ms(guide["manifest"])[-1][0]
    for cue, clip in zip(cues[-len(last["clips"]) :], last["clips"]):
        assert abs(cue["start"] - (offset + clip["start_s"] * 1000)) <= 2
        assert abs(cue["end"] - (offset + clip["end_s"] * 1000)) <= 2
        assert unescape(cue["text"]) == clip["written"]
    assert cues[-1]["end"] <= sum(t["duration_s"] for t in tracks) * 1000
    assert ffmpeg_vtt_cues(guide["out"] / "guide.vtt") == [(c["start"], c["end"]) for c in cues]


# --------------------------------------------------------------------------- guide.m4b


def test_m4b_chapters_tags_codec_levels(guide):
    path = guide["out"] / "guide.m4b"
    tracks = guide["manifest"]["tracks"]
    tags, chapters = read_ffmetadata(path)
    assert tags["title"] == tags["album"] == "Caring for Your Knee After an Injection"
    assert tags["artist"] == "audioguide" and tags["genre"] == "Speech"
    assert [c["title"] for c in chapters] == [t["title"] for t in tracks]
    for chapter, (start, end) in zip(chapters, boundaries_ms(guide["manifest"])):
        assert (
            abs(chapter["start_ms"] - start) <= M4B_TOLERANCE_MS
            and abs(chapter["end_ms"] - end) <= M4B_TOLERANCE_MS
        )

    info = ffmpeg_info(path)
    assert re.search(r"Stream #0:0.*: Audio: aac \(LC\).*24000 Hz, mono", info)
    assert "attached pic" not in info
    samples, rate = ffmpeg.decode(path)
    assert abs(len(samples) / rate - sum(t["duration_s"] for t in tracks)) <= 0.1
    assert abs(lufs(samples, rate) - -16.0) <= 1.0
    assert true_peak_dbtp(samples) <= -1.0


def test_m4b_cover_image_is_attached(guide):
    tmp = guide["tmp"]
    cover = tmp / "cover.png"
    ffmpeg.run(["-f", "lavfi", "-i", "color=c=navy:s=96x96", "-frames:v", "1", "-y", str(cover)])
    out = tmp / "with-cover"
    report = build(out, guide["cache"], formats=("tracks", "m4b"), cover_image=str(cover))
    assert report.clips_synthesized == 0 and report.formats == {"m4b": "built"}
    info = ffmpeg_info(out / "guide.m4b")
    assert re.search(r"Stream #0:\d.*: Video: png.*96x96.*\(attached pic\)", info)
    assert re.search(r"Stream #0:0.*: Audio: aac", info)
    _, chapters = read_ffmetadata(out / "guide.m4b")
    assert len(chapters) == len(guide["manifest"]["tracks"])


def test_m4b_missing_cover_is_a_one_line_error(guide):
    out = guide["tmp"] / "no-cover"
    missing = guide["tmp"] / "nowhere" / "cover.jpg"
    with pytest.raises(AudioguideError) as caught:
        build(out, guide["cache"], formats=("tracks", "m4b"), cover_image=str(missing))
    message = str(caught.value)
    assert "\n" not in message and str(missing) in message and "cover image" in message
    assert not out.exists()  # the failed build left nothing behind


def test_m4b_cover_that_is_not_an_image_is_a_one_line_error(guide):
    out = guide["tmp"] / "text-cover"
    cover = guide["tmp"] / "cover.jpg"
    cover.write_text("not a picture\n", encoding="utf-8")
    with pytest.raises(AudioguideError) as caught:
        build(out, guide["cache"], formats=("tracks", "m4b"), cover_image=str(cover))
    message = str(caught.value)
    assert message == f"cover image is not an image ffmpeg can read: {cover}"
    assert not out.exists()


# --------------------------------------------------------------------------- captions


def test_captions_one_cue_per_clip_at_the_clip_times(guide):
    out, tracks = guide["out"], guide["manifest"]["tracks"]
    files = sorted(p.name for p in (out / "captions").iterdir())
    assert files == sorted(Path(t["file"]).stem + suffix for t in tracks for suffix in (".srt", ".vtt"))
    for track in tracks:
        path = out / "captions" / (Path(track["file"]).stem + ".vtt")
        cues = parse_vtt(path)
        clips = track["clips"]
        assert len(cues) == len(clips)
        assert len({c["id"] for c in cues}) == len(cues)
        assert clips[0]["role"] == "announcement" and unescape(cues[0]["text"]) == clips[0]["written"]
        assert cues[0]["text"].startswith(f"Track {track['number']} of {len(tracks)}")
        for cue, clip in zip(cues, clips):
            assert cue["start"] == round(clip["start_s"] * 1000) and cue["end"] == round(clip["end_s"] * 1000)
            assert unescape(cue["text"]) == clip["written"]
        for a, b in itertools.pairwise(cues):
            assert a["start"] < a["end"] <= b["start"] < b["end"]
        assert 0 <= cues[0]["start"] and cues[-1]["end"] <= track["duration_s"] * 1000
        assert ffmpeg_vtt_cues(path) == [(c["start"], c["end"]) for c in cues]


def ffmpeg_srt_cues(path: Path) -> list[tuple[int, int, str]]:
    """Cues as ffmpeg's own SubRip demuxer reads them (written back as SRT): start, end, text."""
    srt = ffmpeg.run(["-i", str(path), "-f", "srt", "-"]).decode("utf-8")
    stamp = r"(\d+):(\d+):(\d+),(\d+)"
    cues = []
    for block in srt.strip().split("\n\n"):
        number, timing, *lines = block.split("\n")
        match = re.fullmatch(f"{stamp} --> {stamp}", timing)
        assert number.isdigit() and match, block
        h1, m1, s1, ms1, h2, m2, s2, ms2 = (int(g) for g in match.groups())
        start = ((h1 * 60 + m1) * 60 + s1) * 1000 + ms1
        cues.append((start, ((h2 * 60 + m2) * 60 + s2) * 1000 + ms2, "\n".join(lines)))
    return cues


def test_captions_also_as_srt_with_the_same_cues(guide):
    """Beside each WebVTT file a SubRip file that ffmpeg reads back to the same times and text."""
    out, tracks = guide["out"], guide["manifest"]["tracks"]
    for track in tracks:
        stem = out / "captions" / Path(track["file"]).stem
        raw = stem.with_suffix(".srt").read_text(encoding="utf-8")
        assert raw.startswith("1\n00:00:") and "\r" not in raw and "&amp;" not in raw
        vtt = [(c["start"], c["end"], unescape(c["text"])) for c in parse_vtt(stem.with_suffix(".vtt"))]
        srt = ffmpeg_srt_cues(stem.with_suffix(".srt"))
        assert [(start, end) for start, end, _ in srt] == [(start, end) for start, end, _ in vtt]
        assert [text for _, _, text in srt] == [clip["written"] for clip in track["clips"]]
    whole = ffmpeg_srt_cues(out / "guide.srt")
    assert [(s, e) for s, e, _ in whole] == [(c["start"], c["end"]) for c in parse_vtt(out / "guide.vtt")]


def test_captions_escape_markup_characters(guide):
    intro = (guide["out"] / "captions" / "01 - Introduction.vtt").read_text(encoding="utf-8")
    section = (guide["out"] / "captions" / "02 - Things to Avoid.vtt").read_text(encoding="utf-8")
    assert "Rest, ice &amp; elevation help." in intro
    assert "Swelling that lasts &lt; 3 days is normal." in section
    assert not re.search(r"&(?!amp;|lt;|gt;)", intro + section) and "<" not in intro + section


# --------------------------------------------------------------------------- rebuilds


def test_rebuild_with_no_change_carries_formats_over(guide):
    out = guide["out"]
    files = [f for entry in guide["manifest"]["formats"].values() for f in entry["files"]]
    before = {f: (out / f).read_bytes() for f in files}
    report = build(out, guide["cache"])
    assert report.formats == {"single": "unchanged", "m4b": "unchanged", "captions": "unchanged"}
    assert {f: (out / f).read_bytes() for f in files} == before
    assert [c.element_id for c in ID3(out / "guide.mp3").getall("CHAP")] == [
        f"ch{n:02d}" for n in range(1, len(guide["manifest"]["tracks"]) + 1)
    ]


def test_formats_exported_in_parallel_match_one_process(guide):
    """Exports run one per worker (default --jobs); one process gives the same bytes, same report order."""
    assert list(guide["report"].formats) == ["single", "m4b", "captions"]
    serial = guide["tmp"] / "serial"
    report = build_guide(
        parse_plain_text(ARTICLE, source="knee.txt"),
        GuideSettings(),
        BuildOptions(outdir=serial, cache_dir=guide["cache"], formats=FORMATS, jobs=1),
    )
    assert list(report.formats) == ["single", "m4b", "captions"]
    files = [f for entry in guide["manifest"]["formats"].values() for f in entry["files"]]
    assert {f: (serial / f).read_bytes() for f in files} == {
        f: (guide["out"] / f).read_bytes() for f in files
    }
