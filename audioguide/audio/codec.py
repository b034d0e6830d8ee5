"""Whole audio files in and out through pydub: the audio I/O layer where it fits.

pydub's :class:`AudioSegment` carries 16-bit PCM with its rate and channel
count, and its ``export`` / ``from_file`` run ffmpeg (the binary
:func:`~audioguide.audio.ffmpeg.ffmpeg_exe` finds) with a codec, a bit rate
and extra ffmpeg ``parameters``. Through it go:

* the telephone G.711 files (``audio/telephone.py``);
* gTTS's MP3 answers, decoded to samples (``synth/engines/gtts.py``).

What pydub cannot do well stays on :mod:`audioguide.audio.ffmpeg`'s
streaming helper, which says why. Every MP3 is among it
(:func:`~audioguide.audio.mp3.encode_mp3`): a track is encoded as it is
mastered, block by block, and pydub cannot stream.

pydub's own failures are turned into one line: the last line ffmpeg wrote
(``-loglevel error`` keeps only errors), or why the binary would not start.
``export`` writes its input WAV and ffmpeg's output to temporary files that
it deletes only when the encode succeeds; each call here gets a private
temporary folder, removed whatever happens.
"""

from __future__ import annotations

import contextlib
import errno
import io
import logging
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from audioguide.audio import ffmpeg
from audioguide.audio.pcm import from_int16, to_int16
from audioguide.errors import AudioToolError

logger = logging.getLogger(__name__)

_QUIET = list(
    ffmpeg.QUIET
)  # pydub puts its parameters after the input (or the output): ffmpeg still finds these


def _pydub():
    """pydub's AudioSegment, pointed at our ffmpeg as it is now.

    Importing pydub warns when no ffmpeg is on PATH (we never use PATH's
    unless it is the one :func:`ffmpeg.ffmpeg_exe` chose) and, on Python
    3.11-3.12, that ``audioop`` is deprecated: neither is the user's concern.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        from pydub import AudioSegment
    ffmpeg.configure_pydub()
    return AudioSegment


def segment(samples: np.ndarray, rate: int):
    """Mono float samples as a 16-bit :class:`pydub.AudioSegment` (see :mod:`audioguide.audio.pcm`).

    The PCM is converted straight into the buffer the segment keeps (a
    bytearray, which pydub writes to its WAV as it is): one copy, not two.
    """
    x = np.asarray(samples)
    data = bytearray(2 * x.size)
    to_int16(x, out=np.frombuffer(data, dtype="<i2"))
    return _pydub()(data=data, sample_width=2, frame_rate=rate, channels=1)


def export(
    samples: np.ndarray,
    rate: int,
    path: Path,
    *,
    format: str,
    codec: str,
    bitrate_kbps: int | None = None,
    parameters: Sequence[str] = (),
) -> None:
    """Encode mono float samples into ``path`` with ``AudioSegment.export``."""
    export_segment(
        segment(samples, rate),
        path,
        format=format,
        codec=codec,
        bitrate_kbps=bitrate_kbps,
        parameters=parameters,
    )


def export_segment(
    audio,
    path: Path,
    *,
    format: str,
    codec: str,
    bitrate_kbps: int | None = None,
    parameters: Sequence[str] = (),
) -> None:
    """Write an :class:`AudioSegment` to ``path`` as ``format`` with ``codec``."""
    try:
        with open(path, "wb") as out:
            _export(audio, out, format=format, codec=codec, bitrate_kbps=bitrate_kbps, parameters=parameters)
    except OSError as exc:
        Path(path).unlink(missing_ok=True)  # no half-written file
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG):
            raise AudioToolError(
                f"{path}: cannot write ({exc.strerror}); free some space, or write elsewhere"
            ) from None
        raise
    except BaseException:
        Path(path).unlink(missing_ok=True)  # no half-written file
        raise


def load_wav(path: Path):
    """A WAV file as an :class:`AudioSegment` (read by pydub itself, no ffmpeg)."""
    AudioSegment = _pydub()
    try:
        return AudioSegment.from_wav(str(path))
    except Exception as exc:  # pydub raises several kinds for a bad header
        raise AudioToolError(f"cannot read {path.name}: {exc}") from None


def decode(data: bytes, *, format: str, decoder: str, rate: int, filters: str | None = None) -> np.ndarray:
    """An encoded file's bytes as mono float32 samples at ``rate``.

    pydub decodes to 16-bit PCM at the file's own rate and channels
    (``decoder`` names ffmpeg's decoder, which also spares pydub its
    ``ffprobe`` call: imageio-ffmpeg has no ffprobe). When the rate or the
    channels differ from what is wanted, or ffmpeg ``filters`` (``-af``) are
    to be applied, the segment goes through ffmpeg once more, by ``export``.
    """
    AudioSegment = _pydub()
    with _one_line("decode"):
        audio = AudioSegment.from_file(io.BytesIO(data), format=format, codec=decoder, parameters=_QUIET)
    if audio.sample_width == 2 and audio.channels == 1 and audio.frame_rate == rate and not filters:
        return from_int16(audio.raw_data)
    out = io.BytesIO()
    extra = ["-af", filters] if filters else []
    _export(audio, out, format="s16le", codec="pcm_s16le", parameters=[*extra, "-ac", "1", "-ar", str(rate)])
    return from_int16(out.getvalue())


def _export(
    audio, out, *, format: str, codec: str, bitrate_kbps: int | None = None, parameters: Sequence[str] = ()
) -> None:
    bitrate = f"{bitrate_kbps}k" if bitrate_kbps is not None else None
    with _private_tempdir(), _one_line("encode"):
        audio.export(out, format=format, codec=codec, bitrate=bitrate, parameters=[*_QUIET, *parameters])


@contextlib.contextmanager
def _one_line(action: str) -> Iterator[None]:
    """pydub's exceptions (ffmpeg's whole stderr and command line) as one line."""
    from pydub.exceptions import CouldntDecodeError, CouldntEncodeError

    try:
        yield
    except (CouldntDecodeError, CouldntEncodeError) as exc:
        raise AudioToolError(f"ffmpeg could not {action}: {_last_line(str(exc))}") from None
    except OSError as exc:
        if exc.filename is not None and str(exc.filename) == ffmpeg.ffmpeg_exe():
            raise ffmpeg.cannot_run(ffmpeg.ffmpeg_exe(), exc) from None
        raise


def _last_line(message: str) -> str:
    """The last line ffmpeg wrote, from a pydub exception's text."""
    head, _, output = message.partition("Output from ffmpeg/avlib:")
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    if lines:
        return lines[-1]
    return head.strip().splitlines()[0] if head.strip() else "unknown error"


@contextlib.contextmanager
def _private_tempdir() -> Iterator[None]:
    """Make ``tempfile``'s default folder a fresh one for the duration, then remove it.

    pydub's ``export`` creates ``NamedTemporaryFile(delete=False)`` files in
    the default folder and unlinks them only after a successful encode. The
    build makes no temporary files on other threads meanwhile (its worker
    pools are processes), so swapping the default is safe here.
    """
    with tempfile.TemporaryDirectory(prefix="audioguide-pydub-") as folder:
        previous = tempfile.tempdir
        tempfile.tempdir = folder
        try:
            yield
        finally:
            tempfile.tempdir = previous
