"""``audioguide watch``: a real guide script edited on disk, rebuilt by a long-lived process.

The command runs as an editor would leave it running, in a subprocess with
the real engine; the test saves the file the ways editors do (write to a
temporary file and rename it over the source; several writes in a row), saves
a broken file and removes it, and ends the watch with Ctrl-C (SIGINT).
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

SCRIPT = """title: Cast Care
language: en
chapters:
  - kind: intro
    title: Introduction
    text: |
      Keep the cast dry.

  - kind: section
    title: Swelling
    text: |
      {swelling}
"""


class Watch:
    """The running command and the lines it prints."""

    def __init__(self, source: Path, out: Path, cache: Path) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "audioguide.cli",
                "watch",
                str(source),
                "-o",
                str(out),
                "--cache-dir",
                str(cache),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def next_line(self, timeout: float = 120.0) -> str:
        line = self.lines.get(timeout=timeout)
        self.seen.append(line)
        return line

    def quiet(self, seconds: float) -> list[str]:
        """The lines printed in the next ``seconds``."""
        end, got = time.monotonic() + seconds, []
        while (left := end - time.monotonic()) > 0:
            try:
                got.append(self.next_line(timeout=left))
            except queue.Empty:
                break
        return got


def _save_by_rename(path: Path, text: str) -> None:
    """How many editors save: a new file beside it, renamed over it."""
    tmp = path.with_name(f".{path.name}.swp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


@pytest.mark.slow
def test_watch_rebuilds_on_save_survives_bad_saves_and_stops_on_ctrl_c(tmp_path):
    source, out = tmp_path / "cast.yaml", tmp_path / "out"
    source.write_text(SCRIPT.format(swelling="Raise the arm on a pillow."), encoding="utf-8")
    watch = Watch(source, out, tmp_path / "cache")
    try:
        assert watch.next_line().startswith(f"Watching {source}")
        first = watch.next_line()
        assert "rebuilt 2 of 2 tracks" in first, watch.seen
        transcript = out / "transcripts" / "02 - Swelling.txt"
        track = out / "02 - Swelling.mp3"
        intro = (out / "01 - Introduction.mp3").read_bytes()
        before = track.read_bytes()

        # 1. write-and-rename: one rebuild of the one track that changed
        _save_by_rename(source, SCRIPT.format(swelling="Raise the arm on two pillows."))
        line = watch.next_line()
        assert line.startswith("cast.yaml changed: rebuilt 1 of 2 tracks (02 - Swelling.mp3)"), line
        assert "two pillows" in transcript.read_text(encoding="utf-8")
        assert track.read_bytes() != before
        assert (out / "01 - Introduction.mp3").read_bytes() == intro

        # 2. several writes in a row, and another file in the folder: one rebuild, of the last text
        for word in ("three", "four", "five"):
            source.write_text(SCRIPT.format(swelling=f"Raise the arm on {word} pillows."), encoding="utf-8")
        (tmp_path / "notes.txt").write_text("not the source", encoding="utf-8")
        lines = [watch.next_line()] + watch.quiet(3.0)
        assert len(lines) == 1 and "rebuilt 1 of 2 tracks" in lines[0], lines
        assert "five pillows" in transcript.read_text(encoding="utf-8")

        # 3. a broken save: one line, the guide as it was, still watching
        kept = track.read_bytes()
        _save_by_rename(source, "title: Cast Care\nchapters: [unclosed\n")
        line = watch.next_line()
        assert line.startswith("cast.yaml changed: not rebuilt: ") and line.endswith("(still watching)"), line
        assert track.read_bytes() == kept

        # 4. the file gone (an editor's delete-then-write, caught in the middle): one line again
        source.unlink()
        line = watch.next_line()
        assert "not rebuilt: " in line and line.endswith("(still watching)"), line

        # 5. a good save again rebuilds
        source.write_text(SCRIPT.format(swelling="Raise the arm on a cushion."), encoding="utf-8")
        line = watch.next_line()
        assert "rebuilt 1 of 2 tracks" in line, line
        assert "cushion" in transcript.read_text(encoding="utf-8")

        # 6. Ctrl-C: a clean stop
        watch.proc.send_signal(signal.SIGINT)
        assert watch.proc.wait(timeout=60) == 0
        rest = watch.quiet(1.0)
        assert rest and rest[-1] == "Stopped watching.", rest
        assert not any("Traceback" in line for line in watch.seen), watch.seen
    finally:
        if watch.proc.poll() is None:
            watch.proc.kill()
            watch.proc.wait()
