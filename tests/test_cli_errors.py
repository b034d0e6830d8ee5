"""Every bad input: one clear line on stderr, non-zero exit, no traceback, nothing left behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import GOOD, assert_one_line_error
from cli_helpers import invoke as run


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


CASES = {
    "missing": (lambda d: d / "nope.txt", ["nope.txt", "no such file"]),
    "empty": (lambda d: _write(d / "empty.txt", b""), ["empty.txt", "empty"]),
    "whitespace": (lambda d: _write(d / "blank.txt", b"  \n\n\t\n"), ["blank.txt", "empty"]),
    "binary": (
        lambda d: _write(d / "pic.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20),
        ["pic.txt", "binary"],
    ),
    "non-utf8": (lambda d: _write(d / "bad.txt", b"Title\n\nCaf\x81\x8d\x90 text\n"), ["bad.txt", "UTF-8"]),
    "no-text": (
        lambda d: _write(d / "furn.txt", b"Only A Title\n\nLeave a Comment\n"),
        ["furn.txt", "no article text"],
    ),
    "folder": (lambda d: d, ["is a folder"]),
    "bad-suffix": (lambda d: _write(d / "a.xyz", b"%PDF-1.4"), ["a.xyz", "unsupported file type", ".pdf"]),
    "damaged-pdf": (lambda d: _write(d / "a.pdf", b"%PDF-1.4"), ["a.pdf", "damaged PDF"]),
    "invalid-yaml": (lambda d: _write(d / "g.yaml", b"title: x\nchapters: [\n"), ["g.yaml:", "invalid YAML"]),
    "unknown-key": (
        lambda d: _write(d / "k.yaml", b"title: x\nchapters:\n  - titel: y\n    text: z\n"),
        ["k.yaml:3", "unknown key 'titel'"],
    ),
}


@pytest.mark.parametrize("command", ["build", "outline", "init"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_source(tmp_path, case, command):
    make, needles = CASES[case]
    source = make(tmp_path)
    out = tmp_path / "out"
    extra = (
        ["-o", str(out / "g.yaml")] if command == "init" else (["-o", str(out)] if command == "build" else [])
    )
    result = run(command, str(source), *extra)
    assert_one_line_error(result, *needles)
    assert not out.exists()


def test_unknown_engine(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text(GOOD)
    result = run("build", str(src), "-o", str(tmp_path / "out"), "--engine", "festival")
    assert_one_line_error(result, "unknown engine 'festival'", "piper")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "voice,needle",
    [
        ("nobody", "unknown voice 'nobody' (voices here: heart, joe;"),
        ("/no/such/voice.onnx", "voice file not found"),
        (
            "fenrir",
            "hibari voice 'fenrir' is not installed (installed: heart); audioguide never downloads voices",
        ),
    ],
)
def test_unknown_voice(tmp_path, voice, needle):
    src = tmp_path / "a.txt"
    src.write_text(GOOD)
    result = run("build", str(src), "-o", str(tmp_path / "out"), "--voice", voice)
    assert_one_line_error(result, needle)
    assert not (tmp_path / "out").exists()


def test_unknown_gtts_language(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text(GOOD)
    result = run("build", str(src), "-o", str(tmp_path / "out"), "--engine", "gtts", "--lang", "xx")
    assert_one_line_error(result, "unknown gTTS language 'xx'")


def test_unwritable_output_folder(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text(GOOD)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run("build", str(src), "-o", str(blocker / "out"), "--no-cache")
    assert_one_line_error(result, str(blocker / "out"))
    assert blocker.read_text() == "not a folder"


def test_output_folder_that_is_not_ours_is_refused(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text(GOOD)
    theirs = tmp_path / "Music"
    theirs.mkdir()
    (theirs / "song.mp3").write_bytes(b"precious")
    result = run("build", str(src), "-o", str(theirs))
    assert_one_line_error(result, "Music", "not empty")
    assert (theirs / "song.mp3").read_bytes() == b"precious"


def test_init_refuses_to_overwrite(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text(GOOD)
    target = tmp_path / "g.yaml"
    target.write_text("mine")
    result = run("init", str(src), "-o", str(target))
    assert_one_line_error(result, "already exists", "--force")
    assert target.read_text() == "mine"


def test_bad_template_option(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text(GOOD)
    result = run("outline", str(src))
    assert result.exit_code == 0
    result = run("build", str(src), "-o", str(tmp_path / "o"), "--announce-template", "Track {nope}")
    assert_one_line_error(result, "unknown placeholder '{nope}'")


@pytest.mark.parametrize(
    "template, needle",
    [
        (
            "Track {title.upper}",
            "unknown placeholder '{title.upper}'",
        ),  # would be spoken "built-in method upper..."
        ("Track {title[0]}", "unknown placeholder '{title[0]}'"),
        ("Track {title:d}", "'{title:d}'"),  # would fail when the build formats it
        ("Track {number:02d}", "'{number:02d}'"),
        ("Track {title!r}", "'{title!r}'"),  # would speak the quotes
    ],
)
def test_template_option_refuses_attributes_indexes_and_formats(tmp_path, template, needle):
    src = tmp_path / "a.txt"
    src.write_text(GOOD)
    out = tmp_path / "o"
    result = run("build", str(src), "-o", str(out), "--announce-template", template)
    assert_one_line_error(result, "announcement template", needle)
    assert not out.exists()


# --------------------------------------------------------------------------- base URL and SOURCE_DATE_EPOCH


@pytest.mark.parametrize(
    ("url", "needle"),
    [
        ("https://clinic.example/audio\x07/", "must not contain control characters"),
        ("https://clinic.example/\u202eoidua/", "must not contain control characters"),
        ("https://[::1/", "not a valid URL (Invalid IPv6 URL)"),
        ("https://clinic.example:99999/audio/", "not a valid URL (Port out of range"),
        ("https://clinic.example:http/audio/", "not a valid URL"),
        ("https://clinic.example:0/audio/", "not a valid URL (port 0)"),
    ],
    ids=["bell", "rlo", "unclosed-bracket", "port-99999", "port-name", "port-0"],
)
@pytest.mark.parametrize("command", ["build", "library"])
def test_a_bad_base_url_is_one_line_before_any_work(tmp_path, url, needle, command):
    src = tmp_path / "a.txt"
    src.write_text(GOOD)
    out = tmp_path / "out"
    result = run(command, str(src), "-o", str(out), "--base-url", url, "--formats", "tracks,qr")
    assert_one_line_error(result, "--base-url", needle)
    assert not out.exists()


@pytest.mark.parametrize("value", ["99999999999999", "abc", "", "-5", "1.5"])
def test_a_bad_source_date_epoch_is_one_line(tmp_path, value):
    """Checked first: numpy (imported by a build) reads it too, and fails with a traceback on 'abc'."""
    import os
    import subprocess
    import sys

    src = tmp_path / "a.txt"
    src.write_text(GOOD)
    proc = subprocess.run(
        [sys.executable, "-m", "audioguide.cli", "build", str(src), "-o", str(tmp_path / "out"), "-q"],
        env={**os.environ, "SOURCE_DATE_EPOCH": value},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.splitlines() == [
        f"audioguide: error: SOURCE_DATE_EPOCH={value!r}: "
        + (
            "after the year 9999; give seconds since 1970 (or unset it)"
            if value.isdigit()
            else "must be whole seconds since 1970 (digits only), or unset it"
        )
    ]
    assert not (tmp_path / "out").exists()
