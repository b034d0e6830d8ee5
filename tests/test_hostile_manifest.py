"""A hand-edited manifest.json of the wrong shape means "no previous build", never a
traceback, and never a path outside the guide folder."""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest
from cli_helpers import GOOD, assert_one_line_error, invoke

from audioguide.model.manifest import ClipRecord, Manifest, TrackRecord, load_manifest


def good_manifest() -> dict:
    clip = ClipRecord(
        key="ab" * 32, text="Hi.", written="Hi.", role="paragraph", passage=0, start_s=0.5, end_s=1.0
    )
    track = TrackRecord(
        number=1,
        kind="intro",
        title="Introduction",
        file="01 - Introduction.mp3",
        duration_s=2.5,
        text="Hi.",
        hash="h1",
        file_sha256="00" * 32,
        loudness_lufs=-16.0,
        true_peak_dbtp=-1.5,
        transcript="transcripts/01 - Introduction.txt",
        peak_margin_db=0.5,
        clips=[clip],
    )
    manifest = Manifest(
        title="A Title",
        generator="audioguide test",
        source="a.txt",
        language="en",
        sample_rate=22050,
        engine={"engine": "piper"},
        tracks=[track],
        dropped=[],
        formats={"web": {"hash": "w", "files": ["index.html", "web/player.js"]}},
    )
    return json.loads(manifest.to_json())


def _set(path: tuple, value):
    def change(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return data

    return change


VARIANTS = {
    "list": lambda d: [],
    "null": lambda d: None,
    "number": lambda d: 3,
    "formats-list": _set(("formats",), []),
    "formats-files-null": _set(("formats", "web", "files"), None),
    "formats-outside": _set(("formats", "web", "files"), ["/etc/passwd"]),
    "formats-dotdot": _set(("formats", "web", "files"), ["../other-guide/index.html"]),
    "tracks-null": _set(("tracks",), None),
    "tracks-dict": _set(("tracks",), {"1": {}}),
    "track-null": _set(("tracks", 0), None),
    "track-file-etc-passwd": _set(("tracks", 0, "file"), "/etc/passwd"),
    "track-file-dotdot": _set(("tracks", 0, "file"), "../notes.txt"),
    "track-file-subfolder": _set(("tracks", 0, "file"), "sub/01.mp3"),
    "track-number-text": _set(("tracks", 0, "number"), "1"),
    "track-duration-nan": _set(("tracks", 0, "duration_s"), float("nan")),
    "track-extra-key": _set(("tracks", 0, "extra"), 1),
    "clips-null": _set(("tracks", 0, "clips"), None),
    "clip-key-number": _set(("tracks", 0, "clips", 0, "key"), 7),
    "transcript-outside": _set(("tracks", 0, "transcript"), "/etc/shadow"),
    "title-null": _set(("title",), None),
    "engine-list": _set(("engine",), []),
}


def test_the_good_manifest_loads(tmp_path):
    (tmp_path / "manifest.json").write_text(json.dumps(good_manifest()))
    manifest = load_manifest(tmp_path)
    assert manifest is not None and manifest.tracks[0].clips[0].key == "ab" * 32
    assert asdict(manifest) == good_manifest()


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_a_wrong_shape_is_no_previous_build(tmp_path, variant):
    data = VARIANTS[variant](good_manifest())
    (tmp_path / "manifest.json").write_text(json.dumps(data))
    assert load_manifest(tmp_path) is None


@pytest.mark.parametrize("variant", ["list", "null"])
def test_a_manifest_without_our_marker_is_someone_elses(tmp_path, variant):
    """Not ours (no format marker): the output folder refuses it in one line, touching nothing."""
    src = tmp_path / "a.txt"
    src.write_text(GOOD)
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_text(json.dumps(VARIANTS[variant](good_manifest())))
    result = invoke("build", str(src), "-o", str(out), "--dry-run")
    assert_one_line_error(result, str(out), "holds no audioguide manifest")
    assert [p.name for p in out.iterdir()] == ["manifest.json"]


@pytest.mark.parametrize(
    "variant",
    ["formats-list", "formats-outside", "track-file-etc-passwd", "tracks-null", "track-number-text"],
)
def test_a_build_over_a_bad_manifest_rebuilds_everything(tmp_path, variant):
    src = tmp_path / "a.txt"
    src.write_text(GOOD)
    out = tmp_path / "out"
    out.mkdir()
    data = VARIANTS[variant](good_manifest())
    (out / "manifest.json").write_text(json.dumps(data))
    result = invoke("build", str(src), "-o", str(out), "--dry-run", "--json", "--formats", "web")
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads(result.output)
    assert report["removed"] == [] and report["unchanged"] == [] and len(report["rebuilt"]) == 2
