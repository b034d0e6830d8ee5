"""Which ffmpeg runs, and the one streaming helper for what pydub cannot do.

The binary comes from the ``imageio-ffmpeg`` wheel (it carries AAC, Opus
and G.711), falling back to an ``ffmpeg`` on PATH;
``$AUDIOGUIDE_FFMPEG`` overrides both and is read on every call. pydub is
pointed at the same binary (:func:`configure_pydub`), so no system package
is ever needed.

Whole files in and out go through pydub (:mod:`audioguide.audio.codec`).
This module runs ffmpeg itself, one subprocess runner with one way of
reporting its failure (the last line of ffmpeg's stderr), only where pydub
cannot do the job well:

* **Streaming** (:func:`stream_to_ffmpeg`, :func:`decode_spans`): a
  ``guide.m4b`` of a 3-hour book is encoded from its mastered samples as they
  are produced (MP3s are encoded in-process, :mod:`audioguide.audio.lame`),
  and files are decoded back span by span or into a file read a range at a
  time (:func:`decoded`). pydub cannot
  stream: it holds a whole file in memory as one :class:`AudioSegment` (a
  3-hour guide is 480 MB as 16-bit PCM, plus the same again as the temporary
  WAV its ``export`` writes first).
* **32-bit float** (:func:`decode`, and the M4B's AAC input): pydub's samples
  are integers, and ``from_file`` puts extra ffmpeg options after the output,
  where ffmpeg ignores them, so it always decodes to 16 bits at the file's own
  rate. The encoded tracks are measured (true peak, loudness) from ffmpeg's
  float decoder output, and the M4B is encoded from the float masters
  without another quantization: through pydub both would change the output.
* **Several inputs, streams copied** (:func:`run`, the M4B's final mux: AAC
  copied, FFMETADATA chapters, a cover picture): ``export`` takes exactly one
  input, its own WAV, and always re-encodes.
* **Probing** (:func:`probe`): pydub probes with ``ffprobe``, which the
  imageio-ffmpeg wheel does not ship; ``ffmpeg -i`` describes the streams too.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from audioguide.errors import AudioToolError

logger = logging.getLogger(__name__)

ENV_VAR = "AUDIOGUIDE_FFMPEG"
QUIET = (
    "-hide_banner",
    "-loglevel",
    "error",
    "-nostdin",
)  # only errors on stderr; ffmpeg finds these anywhere


def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary: $AUDIOGUIDE_FFMPEG, imageio-ffmpeg's, or PATH's.

    The variable is read on every call (a test or a long-lived caller may set
    it at any time); only the lookup of the bundled binary is cached.
    """
    override = os.environ.get(ENV_VAR)
    if override:
        return override
    found = _bundled_ffmpeg()
    if found:
        return found
    raise AudioToolError(
        "ffmpeg not found: install the project's dependencies (pip install imageio-ffmpeg) "
        f"or put ffmpeg on PATH, or set {ENV_VAR}"
    )


@functools.lru_cache(maxsize=1)
def _bundled_ffmpeg() -> str | None:
    """imageio-ffmpeg's binary, else an ffmpeg on PATH, else None (looked up once)."""
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except Exception as exc:  # pragma: no cover - depends on the wheel being present
        logger.debug("imageio-ffmpeg has no binary: %s", exc)
    return shutil.which("ffmpeg")


def configure_pydub() -> None:
    """Point pydub at our ffmpeg (it otherwise looks only on PATH), as it is now."""
    from pydub import AudioSegment

    AudioSegment.converter = ffmpeg_exe()


_DISK_CUES = ("No space left on device", "Disk quota exceeded", "Read-only file system", "File too large")


def cannot_run(exe: str, exc: OSError) -> AudioToolError:
    """The one-line error for an ffmpeg binary that cannot be started."""
    reason = exc.strerror or str(exc)
    where = f" (from ${ENV_VAR})" if os.environ.get(ENV_VAR) == exe else ""
    return AudioToolError(f"cannot run ffmpeg {exe}{where}: {reason}")


def failure(code: int, stderr: bytes, output: str | None = None) -> AudioToolError:
    """The one-line error for an ffmpeg run that failed: the last line it wrote, or, when the
    disk is full or read-only, the file it could not write (``output``)."""
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    disk = next((cue for cue in _DISK_CUES if any(cue in line for line in lines)), None)
    if code == -signal.SIGXFSZ:  # killed for writing past the file-size limit (ulimit -f)
        disk = "File too large"
    if disk and output:
        return AudioToolError(f"{output}: cannot write ({disk}); free some space, or write elsewhere")
    return AudioToolError(f"ffmpeg failed: {lines[-1].strip() if lines else f'exit {code}'}")


class _Ffmpeg:
    """One ffmpeg process: stdin and stdout as asked, stderr to a temporary file.

    stderr goes to a file so that a process that writes a lot of it can never
    block on a full pipe while we are busy with stdin or stdout.
    """

    def __init__(self, args: Sequence[str], *, stdin: int, stdout: int, quiet: bool = True) -> None:
        exe = ffmpeg_exe()
        cmd = [exe, *(QUIET if quiet else ("-hide_banner", "-nostdin")), *args]
        logger.debug("ffmpeg %s", " ".join(args))
        self._errors = tempfile.TemporaryFile()
        try:
            self.proc = subprocess.Popen(cmd, stdin=stdin, stdout=stdout, stderr=self._errors)
        except OSError as exc:
            self._errors.close()
            raise cannot_run(exe, exc) from None

    def stderr(self) -> bytes:
        self._errors.seek(0)
        return self._errors.read()

    def finish(self, *, check: bool = True, output: str | None = None) -> int:
        """Wait for the process; raise :func:`failure` when it failed and ``check``."""
        try:
            code = self.proc.wait()
            if check and code != 0:
                raise failure(code, self.stderr(), output)
            return code
        finally:
            self._errors.close()

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()
        self._errors.close()


def _output_of(args: Sequence[str]) -> str | None:
    """The file an ffmpeg command writes (its last argument), unless it writes to a pipe."""
    return args[-1] if args and args[-1] not in ("-", "pipe:1") and not args[-1].startswith("pipe:") else None


def run(args: Sequence[str], *, input_bytes: bytes | None = None) -> bytes:
    """Run ffmpeg with ``args`` (no binary name); return stdout, raise on failure."""
    job = _Ffmpeg(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        stdout, _ = job.proc.communicate(input_bytes)
    except BaseException:
        job.kill()
        raise
    job.finish(output=_output_of(args))
    return stdout


def stream_to_ffmpeg(args: Sequence[str], blocks: Iterable[bytes]) -> None:
    """Run ffmpeg with ``args`` (reading ``pipe:0``), writing ``blocks`` to its stdin."""
    job = _Ffmpeg(args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    stdin = job.proc.stdin
    assert stdin is not None
    try:
        for block in blocks:
            stdin.write(block)
    except BrokenPipeError:
        pass  # ffmpeg stopped early: its exit status and message say why
    except BaseException:
        job.kill()
        raise
    finally:
        try:
            stdin.close()
        except BrokenPipeError:
            pass
    job.finish(output=_output_of(args))


def decode_spans(path: Path, rate: int, lengths: Sequence[int]) -> Iterator[np.ndarray]:
    """Decode ``path`` as a stream of mono float32 spans of ``lengths`` samples (the last takes the rest).

    For files too long to decode whole (a 3-hour guide is 1 GB as float32).
    """
    args = ["-i", str(path), "-ac", "1", "-ar", str(rate), "-f", "f32le", "-acodec", "pcm_f32le", "pipe:1"]
    job = _Ffmpeg(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
    stdout = job.proc.stdout
    assert stdout is not None
    try:
        for index, size in enumerate(lengths):
            data = stdout.read() if index == len(lengths) - 1 else stdout.read(size * 4)
            yield np.frombuffer(data[: len(data) // 4 * 4], dtype="<f4")
    except BaseException:
        stdout.close()
        job.kill()
        raise
    stdout.close()
    job.finish()


def decode(source: Path | bytes, *, sample_rate: int | None = None) -> tuple[np.ndarray, int]:
    """Decode any audio file (path or bytes) to mono float32 samples, ffmpeg's float decoder output.

    Returns ``(samples, rate)``; ``rate`` is ``sample_rate`` when given, else
    the file's own rate. ffmpeg writes the samples to a temporary file that
    is read back in one piece: a 60-minute track (346 MB as float32 at
    24 kHz) is held once, not also as the pipe's chunks and their join.
    """
    with decoded(source, sample_rate=sample_rate) as (samples, rate):
        return samples.read(0, samples.size), rate


class DecodedFile:
    """Decoded samples in a raw float32 file, read range by range (a ``mastering.SampleSource``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.size = path.stat().st_size // 4

    def read(self, lo: int, hi: int) -> np.ndarray:
        """Samples ``lo`` to ``hi``, read from the file."""
        return np.fromfile(self.path, dtype="<f4", count=max(0, min(hi, self.size) - lo), offset=4 * lo)


@contextlib.contextmanager
def decoded(source: Path | bytes, *, sample_rate: int | None = None) -> Iterator[tuple[DecodedFile, int]]:
    """:func:`decode` into a temporary file that is read a range at a time, for as long as the block lasts.

    A decoded 60-minute track is measured from it without being held in memory.
    """
    rate = sample_rate or probe(source).sample_rate
    if rate is None:
        raise AudioToolError(f"ffmpeg found no audio in {source if isinstance(source, Path) else 'the data'}")
    with tempfile.TemporaryDirectory(prefix="audioguide-decode-") as folder:
        if isinstance(source, (bytes, bytearray)):
            held = Path(folder) / "input"
            held.write_bytes(source)
            source = held
        out = Path(folder) / "decoded.f32"
        run(
            [
                "-i",
                str(source),
                "-ac",
                "1",
                "-ar",
                str(rate),
                "-f",
                "f32le",
                "-acodec",
                "pcm_f32le",
                "-y",
                str(out),
            ]
        )
        yield DecodedFile(out), rate


@dataclass(frozen=True)
class Streams:
    """What ``ffmpeg -i`` says about a file: its first audio stream's rate, its first video stream's codec."""

    sample_rate: int | None
    video_codec: str | None


def probe(source: Path | bytes) -> Streams:
    """The streams of a file (path or bytes), as ``ffmpeg -i`` describes them."""
    data = bytes(source) if isinstance(source, (bytes, bytearray)) else None
    job = _Ffmpeg(
        ["-i", "pipe:0" if data is not None else str(source), "-f", "null", "-t", "0", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        quiet=False,
    )
    try:
        job.proc.communicate(data)
    except BaseException:
        job.kill()
        raise
    text = job.stderr().decode("utf-8", "replace")
    job.finish(
        check=False
    )  # "-f null -t 0" on an image or a broken file fails: the description is what counts
    audio = re.search(r"Stream #\S+.*?: Audio: .*?, (\d+) Hz", text)
    video = re.search(r"Stream #\S+.*?: Video: (\w+)", text)
    return Streams(int(audio.group(1)) if audio else None, video.group(1) if video else None)
