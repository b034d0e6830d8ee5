"""A guide as one stream: what the single-file formats (guide.mp3, guide.m4b) share.

Both are encoded from the tracks' mastered samples, concatenated in order and
streamed to ffmpeg track by track (a book-length guide never sits in memory
whole), then decoded and their true peak measured per track span. Encoding
the same samples in another frame alignment can raise a peak by more than the
track's own MP3 did (1.0 dB more was seen at 64 kbps). A track whose span is
over the ceiling is re-mastered with more limiter headroom, as
:func:`~audioguide.audio.render.master_to_mp3` does, which keeps its
loudness; lowering the whole file instead would have taken a -2 dBTP guide
to -17.2 LUFS. Only if that fails is the whole file lowered by the excess
(plus :data:`~audioguide.audio.mp3.PEAK_STEP_DB`).
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from audioguide.audio import ffmpeg
from audioguide.audio.mp3 import MAX_PEAK_PASSES, PEAK_STEP_DB
from audioguide.errors import AudioguideError
from audioguide.files import atomic_path
from audioguide.model.guide import FinishedGuide

logger = logging.getLogger(__name__)

_CHUNK = 1 << 18  # samples per block sent to ffmpeg


@dataclass(frozen=True)
class Chapter:
    """One track's place in a single-file guide, in samples."""

    ident: str
    title: str
    start: int
    end: int

    def start_ms(self, rate: int) -> int:
        return round(self.start * 1000 / rate)

    def end_ms(self, rate: int) -> int:
        return round(self.end * 1000 / rate)


def chapters(guide: FinishedGuide, lengths: Sequence[int]) -> list[Chapter]:
    """One chapter per track from the tracks' sample counts; ids ``ch01``, ``ch02``..."""
    found: list[Chapter] = []
    position = 0
    for track, length in zip(guide.tracks, lengths, strict=True):
        found.append(Chapter(f"ch{track.record.number:02d}", track.record.title, position, position + length))
        position += length
    return found


def f32_bytes(samples: np.ndarray) -> bytes:
    return np.asarray(samples, dtype="<f4").tobytes()


class SampleStore:
    """Mastered track samples kept on disk between encoding passes.

    A peak-check pass re-masters only the tracks that were over the ceiling;
    every other track's samples are read back from here instead of being
    assembled and mastered again (on the example, the second and third
    passes re-mastered 2 and 1 of 11 tracks). One float32 file per track
    and headroom, in a temporary folder: memory holds one track at a time.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def get(self, guide: FinishedGuide, index: int, extra_db: float) -> np.ndarray:
        path = self.folder / f"{index}-{extra_db!r}.f32"
        if path.is_file():
            return np.fromfile(path, dtype="<f4")
        track = guide.tracks[index]
        samples = np.asarray(
            guide.samples(track, extra_db), dtype="<f4"
        )  # already float32: the copy read back is exact
        try:  # whole or not at all: a half-written file must never be read back as the track
            with atomic_path(path) as part:
                samples.tofile(part)
        except OSError as exc:
            raise AudioguideError(f"{path}: cannot write the sample store ({exc.strerror or exc})") from None
        return samples


@dataclass
class Passes:
    """How the guide's audio is sent to the encoder: extra limiter headroom per track, overall gain."""

    store: SampleStore = field(compare=False, repr=False)
    gain_db: float = 0.0
    extra_margin_db: dict[int, float] = field(default_factory=dict)  # track index -> dB

    def samples(self, guide: FinishedGuide, index: int) -> np.ndarray:
        """Track ``index``'s mastered samples, re-mastered with more headroom if it needs it."""
        return self.store.get(guide, index, self.extra_margin_db.get(index, 0.0))


def guide_pcm(
    guide: FinishedGuide, passes: Passes, to_bytes: Callable[[np.ndarray], bytes], lengths: list[int]
) -> Iterator[bytes]:
    """The guide's mastered samples, track after track, times ``passes.gain_db``, in blocks.

    Appends each track's sample count to ``lengths`` as it goes.
    """
    gain = np.float32(10 ** (passes.gain_db / 20))
    for index in range(len(guide.tracks)):
        samples = passes.samples(guide, index)
        lengths.append(int(samples.size))
        for start in range(0, samples.size, _CHUNK):
            block = samples[start : start + _CHUNK]
            yield to_bytes(block * gain if passes.gain_db else block)


def decoded_track_peaks(path: Path, rate: int, lengths: Sequence[int]) -> list[float]:
    """Conservative true peak (dBTP) of each track's span of an encoded guide, decoded as a stream.

    Spans are cut at the track boundaries, which are faded room tone, so
    measuring them apart reads the same as measuring the whole file.
    """
    from audioguide.audio.mastering import conservative_true_peak_dbtp

    return [
        conservative_true_peak_dbtp(segment, rate) for segment in ffmpeg.decode_spans(path, rate, lengths)
    ]


def encode_under_ceiling(
    guide: FinishedGuide,
    path: Path,
    encode: Callable[[Passes, list[int]], None],
    gain_db: float = 0.0,
    label: str | None = None,
) -> tuple[list[int], Passes, float]:
    """Encode with ``encode(passes, lengths)``, then check the decoded true peak of every track's span.

    A span over ``settings.loudness.true_peak_dbtp`` is re-mastered with more
    limiter headroom (its excess plus :data:`PEAK_STEP_DB`, as
    :func:`~audioguide.audio.render.master_to_mp3` does), which keeps its
    loudness; if the last pass but one is still over, the whole file is
    lowered by the excess instead. At most :data:`MAX_PEAK_PASSES` encodes.
    Returns (track lengths, the passes' settings, the file's true peak).
    """
    name = label or path.name
    ceiling = guide.settings.loudness.true_peak_dbtp
    with tempfile.TemporaryDirectory(prefix=".samples-", dir=guide.folder) as kept:  # on the output disk
        return _encode_passes(
            guide, path, encode, Passes(SampleStore(Path(kept)), gain_db=gain_db), name, ceiling
        )


def _encode_passes(
    guide: FinishedGuide,
    path: Path,
    encode: Callable[[Passes, list[int]], None],
    passes: Passes,
    name: str,
    ceiling: float,
) -> tuple[list[int], Passes, float]:
    for attempt in range(MAX_PEAK_PASSES):
        lengths: list[int] = []
        encode(passes, lengths)
        peaks = decoded_track_peaks(path, guide.rate, lengths)
        over = {index: peak - ceiling for index, peak in enumerate(peaks) if peak > ceiling}
        if not over:
            break
        if attempt == MAX_PEAK_PASSES - 1:
            logger.warning("%s: true peak %.2f dBTP, over the %.1f dBTP ceiling", name, max(peaks), ceiling)
            break
        if attempt < MAX_PEAK_PASSES - 2:
            for index, excess in over.items():
                logger.info(
                    "%s: track %d encoded at %.2f dBTP; re-mastering it with %.2f dB more headroom",
                    name,
                    index + 1,
                    peaks[index],
                    excess + PEAK_STEP_DB,
                )
                passes.extra_margin_db[index] = passes.extra_margin_db.get(index, 0.0) + excess + PEAK_STEP_DB
        else:
            excess = max(over.values())
            logger.info(
                "%s: encoded true peak %.2f dBTP; lowering the whole file by %.2f dB",
                name,
                max(peaks),
                excess + PEAK_STEP_DB,
            )
            passes.gain_db -= excess + PEAK_STEP_DB
    return lengths, passes, max(peaks)


def describe_passes(passes: Passes, start_gain_db: float = 0.0) -> str:
    """What the peak check changed, for the log."""
    notes = [
        f"track {i + 1} re-mastered with {db:.2f} dB more headroom"
        for i, db in passes.extra_margin_db.items()
    ]
    if passes.gain_db != start_gain_db:
        notes.append(f"lowered {start_gain_db - passes.gain_db:.2f} dB")
    return "".join(f", {note}" for note in notes)
