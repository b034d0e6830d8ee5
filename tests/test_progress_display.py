"""The progress display as a user sees it: a real build under an 80x30 pseudo-terminal,
its bytes rendered by a terminal emulator (pyte), and the same build with stderr in a pipe."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios

import pyte
import pytest

COLUMNS, ROWS = 80, 30
LABELS = ("Synthesizing clips", "Writing tracks", "Writing formats")

ARTICLE = """Caring for a Knee After Surgery With a Title Long Enough to Wrap an Eighty Column Line

Rest, ice and gentle movement help the knee heal.

What Should I Do on the First Day After the Operation When I Get Home From the Hospital?

Keep the leg raised and take the pain medicine as your surgeon told you.

When Can I Drive Again After My Knee Replacement Operation, and Who Should I Ask About It?

Most people drive again after four to six weeks.
"""


def _run_in_terminal(args: list[str], env: dict[str, str]) -> bytes:
    """Run ``args`` with stdin, stdout and stderr on a pseudo-terminal of COLUMNS x ROWS; its output."""
    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    proc = subprocess.Popen(args, stdin=child, stdout=child, stderr=child, env=env, close_fds=True)
    os.close(child)
    output = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        output += chunk
    os.close(main)
    assert proc.wait(timeout=300) == 0, output.decode(errors="replace")
    return output


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    path = tmp_path_factory.mktemp("progress") / "knee.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def _env() -> dict[str, str]:
    return {**os.environ, "TERM": "xterm", "COLUMNS": str(COLUMNS), "LINES": str(ROWS)}


@pytest.mark.slow
def test_progress_fits_an_80_column_terminal_and_redraws_in_place(source, tmp_path):
    raw = _run_in_terminal(
        [
            sys.executable,
            "-m",
            "audioguide.cli",
            "build",
            str(source),
            "-o",
            str(tmp_path / "out"),
            "--formats",
            "tracks,captions",
            "--no-cache",
        ],
        _env(),
    )
    screen = pyte.Screen(COLUMNS, ROWS)
    screen.set_mode(pyte.modes.DECAWM)  # wrap at the right margin, as terminals do
    pyte.ByteStream(screen).feed(raw)  # the pty already turned each \n into \r\n
    lines = [line.rstrip() for line in screen.display]
    shown = [line for line in lines if line]
    # Each stage is one finished line, never two stages on one line, and nothing wrapped.
    for label in LABELS:
        matching = [line for line in shown if line.startswith(label)]
        assert len(matching) == 1, shown
        assert "/" in matching[0] and "[####################]" in matching[0], matching[0]
    assert not any(sum(label in line for label in LABELS) > 1 for line in shown), shown
    # No progress frame was ever longer than the terminal (the long track titles were cut to fit).
    frames = raw.decode("utf-8").replace("\x1b[K", "").replace("\n", "\r").split("\r")
    drawn = [frame for frame in frames if frame.startswith(LABELS)]
    assert len(drawn) > 3 and max(len(frame) for frame in drawn) < COLUMNS
    assert any(frame.endswith("…") for frame in drawn)
    # Above the summary, exactly the three finished stages: no stale frames piled up.
    summary = next(i for i, line in enumerate(shown) if line.startswith("Rebuilt"))
    assert [line.split("  ")[0] for line in shown[:summary]] == list(LABELS), shown


@pytest.mark.slow
def test_progress_in_a_pipe_is_plain_lines(source, tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "audioguide.cli",
            "build",
            str(source),
            "-o",
            str(tmp_path / "out"),
            "--no-cache",
        ],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "\r" not in done.stderr and "\x1b" not in done.stderr
    lines = done.stderr.splitlines()
    assert [line.split(":")[0] for line in lines if line.startswith(LABELS)] == [
        "Synthesizing clips",
        "Writing tracks",
    ]


@pytest.mark.slow
def test_quiet_prints_no_progress(source, tmp_path):
    raw = _run_in_terminal(
        [sys.executable, "-m", "audioguide.cli", "build", str(source), "-o", str(tmp_path / "out"), "-q"],
        _env(),
    )
    assert not any(label.encode() in raw for label in LABELS)
