"""Locate ffmpeg and run it: decoding to PCM, encoding from PCM.

The binary comes from the ``imageio-ffmpeg`` wheel (it carries libmp3lame,
AAC, Opus and G.711), falling back to an ``ffmpeg`` on PATH. pydub is pointed
at the same binary, so no system package is ever needed.
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np

from audioguide.errors import AudioToolError

logger = logging.getLogger(__name__)

ENV_VAR = "AUDIOGUIDE_FFMPEG"


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


def cannot_run(exe: str, exc: OSError) -> AudioToolError:
    """The one-line error for an ffmpeg binary that cannot be started."""
    reason = exc.strerror or str(exc)
    where = f" (from ${ENV_VAR})" if os.environ.get(ENV_VAR) == exe else ""
    return AudioToolError(f"cannot run ffmpeg {exe}{where}: {reason}")


def _popen(cmd: Sequence[str], **kwargs) -> subprocess.Popen:
    try:
        return subprocess.Popen(cmd, **kwargs)
    except OSError as exc:
        raise cannot_run(cmd[0], exc) from None


def configure_pydub() -> None:
    """Point pydub at our ffmpeg (it otherwise looks only on PATH), as it is now."""
    from pydub import AudioSegment

    AudioSegment.converter = ffmpeg_exe()


def run(args: Sequence[str], *, input_bytes: bytes | None = None) -> bytes:
    """Run ffmpeg with ``args`` (no binary name); return stdout, raise on failure."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", *args]
    logger.debug("ffmpeg %s", " ".join(args))
    proc = _popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    stdout, stderr = proc.communicate(input_bytes)
    if proc.returncode != 0:
        err = stderr.decode("utf-8", "replace").strip().splitlines()
        raise AudioToolError(f"ffmpeg failed: {err[-1] if err else 'exit ' + str(proc.returncode)}")
    return stdout


def stream_to_ffmpeg(args: Sequence[str], blocks: Iterable[bytes]) -> None:
    """Run ffmpeg with ``args`` (reading ``pipe:0``), writing ``blocks`` to its stdin."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", *args]
    logger.debug("ffmpeg %s", " ".join(args))
    with tempfile.TemporaryFile() as errors:
        proc = _popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors)
        assert proc.stdin is not None
        try:
            for block in blocks:
                proc.stdin.write(block)
        except BrokenPipeError:
            pass  # ffmpeg stopped early: its exit status and message say why
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        finally:
            try:
                proc.stdin.close()
            except BrokenPipeError:
                pass
        _check(proc.wait(), errors)


def _check(code: int, errors) -> None:
    if code != 0:
        errors.seek(0)
        lines = errors.read().decode("utf-8", "replace").strip().splitlines()
        raise AudioToolError(f"ffmpeg failed: {lines[-1] if lines else 'exit ' + str(code)}")


def decode_spans(path: Path, rate: int, lengths: Sequence[int]) -> Iterator[np.ndarray]:
    """Decode ``path`` as a stream of mono float32 spans of ``lengths`` samples (the last takes the rest).

    For files too long to decode whole (a 3-hour guide is 1 GB as float32).
    """
    cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-i", str(path),
           "-ac", "1", "-ar", str(rate), "-f", "f32le", "-acodec", "pcm_f32le", "pipe:1"]
    with tempfile.TemporaryFile() as errors:
        proc = _popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors)
        assert proc.stdout is not None
        try:
            for index, size in enumerate(lengths):
                data = proc.stdout.read() if index == len(lengths) - 1 else proc.stdout.read(size * 4)
                yield np.frombuffer(data[: len(data) // 4 * 4], dtype="<f4")
        finally:
            proc.stdout.close()
            code = proc.wait()
        _check(code, errors)


def decode(source: Path | bytes, *, sample_rate: int | None = None) -> tuple[np.ndarray, int]:
    """Decode any audio file (path or bytes) to mono float32 samples.

    Returns ``(samples, rate)``; ``rate`` is ``sample_rate`` when given, else
    the file's own rate (read from ffmpeg's output stream).
    """
    input_args = ["-i", "pipe:0"] if isinstance(source, (bytes, bytearray)) else ["-i", str(source)]
    rate = sample_rate or probe_sample_rate(source)
    out = run(
        [*input_args, "-ac", "1", "-ar", str(rate), "-f", "f32le", "-acodec", "pcm_f32le", "pipe:1"],
        input_bytes=bytes(source) if isinstance(source, (bytes, bytearray)) else None,
    )
    return np.frombuffer(out, dtype="<f4").astype(np.float32), rate


def probe_sample_rate(source: Path | bytes) -> int:
    """The sample rate of an audio file's first audio stream."""
    import re

    input_args = ["-i", "pipe:0"] if isinstance(source, (bytes, bytearray)) else ["-i", str(source)]
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", *input_args, "-f", "null", "-t", "0", "-"]
    proc = _popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, stderr = proc.communicate(bytes(source) if isinstance(source, (bytes, bytearray)) else None)
    text = stderr.decode("utf-8", "replace")
    match = re.search(r"Audio: .*?, (\d+) Hz", text)
    if not match:
        raise AudioToolError(f"ffmpeg could not read audio from {source if isinstance(source, Path) else 'data'}")
    return int(match.group(1))
