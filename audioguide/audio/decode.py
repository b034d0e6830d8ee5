"""Our MP3s decoded in this process: libsndfile's MPEG decoder (mpg123), from the soundfile wheel.

The post-encode check decodes every track it writes. Through an ffmpeg
process that cost 0.61 CPU seconds on the example (process start, a float32
temporary file); libsndfile does it in 0.12, without a process or a file.
It reads the LAME/Info header that every MP3 of ours carries and drops the
encoder's delay and padding, so a track decodes to exactly the samples that
were encoded, and ffmpeg's decoder gives the same number of samples, aligned
(the tests hold the two together: they differ by at most a few 1e-6, the
two decoders' own rounding).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from audioguide.errors import AudioToolError


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """mpg123 inside libsndfile writes "part2_3_length ... too large for available bit count" to
    file descriptor 2 on some reads of our MP3s (depending on where a read ends), although the
    samples it returns are right: the same whatever the reads' sizes, and ffmpeg's to a few 1e-6
    (the tests check both). It cannot be told to be quiet through libsndfile, so its stderr goes
    to /dev/null while it decodes; this process writes nothing else meanwhile."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


class DecodedMp3:
    """A mono MP3's samples as float32, read range by range in order (a ``mastering.SampleSource``).

    Only what the last ranges need is held: reads that move forward, each
    starting a little before the last one ended (a measuring pass's context),
    decode the file once. A read further back starts decoding again.
    """

    def __init__(self, path: Path, rate: int) -> None:
        import soundfile

        self.path = Path(path)
        try:
            with _quiet_stderr():
                self._file = soundfile.SoundFile(str(path))
        except (soundfile.LibsndfileError, RuntimeError, OSError) as exc:
            raise AudioToolError(f"{path}: cannot decode ({exc})") from None
        if self._file.samplerate != rate or self._file.channels != 1:
            self._file.close()
            raise AudioToolError(
                f"{path}: decodes to {self._file.channels} channel(s) at {self._file.samplerate} Hz, "
                f"not mono at {rate} Hz"
            )
        self.size = int(self._file.frames)
        self._start = 0  # buffer[0] is sample _start
        self._buffer = np.zeros(0, dtype=np.float32)

    def read(self, lo: int, hi: int) -> np.ndarray:
        """Samples ``lo`` to ``hi`` (fewer past the end)."""
        hi = min(hi, self.size)
        if lo < self._start:  # backwards: decode again from the start
            self._file.seek(0)
            self._start, self._buffer = 0, np.zeros(0, dtype=np.float32)
        end = self._start + self._buffer.size
        if hi > end:
            with _quiet_stderr():
                more = self._file.read(hi - end, dtype="float32", always_2d=False)
            keep = self._buffer[max(0, lo - self._start) :]
            self._start = max(self._start, min(lo, end))
            self._buffer = np.concatenate([keep, more]) if keep.size else more
        return self._buffer[lo - self._start : hi - self._start].copy()

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> DecodedMp3:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
