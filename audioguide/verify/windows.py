"""Packing speech into full recognition windows, and times back to the tracks.

Whisper's encoder costs the same for 3 s as for 30 s, and a guide is full of
pauses we put there ourselves. So the speech of the tracks (found by level:
the guide's pauses are digital silence under its MP3 noise) is laid end to
end with short gaps, across tracks, into windows of at most ``max_s``
seconds, cut only in a pause. :class:`Packed` maps a time in the packed audio
back to a track and a time in that track.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

FRAME_S = 0.01
SILENCE_DBFS = -55.0  # below this a 10 ms frame is a pause
MIN_PAUSE_S = 0.15  # shorter quiet stretches stay inside the speech
PAD_S = 0.05  # kept around each stretch of speech
GAP_S = 0.2  # silence between stretches in the packed audio
MAX_WINDOW_S = 29.0


def speech_spans(samples: np.ndarray, rate: int) -> list[tuple[float, float]]:
    """(start, end) seconds of each stretch of speech between pauses of ``MIN_PAUSE_S`` or more."""
    frame = max(1, int(rate * FRAME_S))
    count = len(samples) // frame
    if count == 0:
        return []
    blocks = samples[: count * frame].reshape(count, frame).astype(np.float64)
    level = 10 * np.log10(np.mean(blocks * blocks, axis=1) + 1e-12)
    loud = level > SILENCE_DBFS
    spans: list[tuple[int, int]] = []
    index = np.flatnonzero(loud)
    if index.size == 0:
        return []
    start = prev = int(index[0])
    min_gap = int(round(MIN_PAUSE_S / FRAME_S))
    for i in index[1:]:
        i = int(i)
        if i - prev > min_gap:
            spans.append((start, prev + 1))
            start = i
        prev = i
    spans.append((start, prev + 1))
    duration = len(samples) / rate
    return [(max(0.0, s * FRAME_S - PAD_S), min(duration, e * FRAME_S + PAD_S)) for s, e in spans]


def split_long(
    span: tuple[float, float], samples: np.ndarray, rate: int, limit: float
) -> list[tuple[float, float]]:
    """A stretch longer than ``limit`` cut at its quietest 10 ms in the last third before each limit."""
    start, end = span
    out = []
    frame = max(1, int(rate * FRAME_S))
    while end - start > limit:
        lo, hi = int((start + limit * 2 / 3) * rate), int((start + limit) * rate)
        piece = samples[lo:hi]
        count = len(piece) // frame
        if count == 0:
            break
        energy = np.mean(piece[: count * frame].reshape(count, frame) ** 2, axis=1)
        cut = (lo + int(np.argmin(energy)) * frame + frame // 2) / rate
        out.append((start, cut))
        start = cut
    out.append((start, end))
    return out


@dataclass
class Piece:
    packed_start: float
    track: int
    start: float  # in the track
    end: float


@dataclass
class Packed:
    """Speech of several tracks laid end to end, and the windows to recognize."""

    audio: np.ndarray
    rate: int
    pieces: list[Piece] = field(default_factory=list)
    windows: list[tuple[float, float]] = field(default_factory=list)

    def locate(self, start: float, end: float) -> tuple[int, float, float]:
        """(track, start, end in the track) of a packed time span, by the piece holding its middle."""
        starts = [p.packed_start for p in self.pieces]
        middle = (start + end) / 2
        index = max(0, bisect.bisect_right(starts, middle) - 1)
        piece = self.pieces[index]
        length = piece.end - piece.start

        def inside(t: float) -> float:
            return piece.start + min(max(t - piece.packed_start, 0.0), length)

        return piece.track, inside(start), inside(end)


def pack(tracks: Sequence[np.ndarray], rate: int, *, max_s: float = MAX_WINDOW_S) -> Packed:
    """The speech of ``tracks`` packed into windows of at most ``max_s`` seconds."""
    gap = np.zeros(int(GAP_S * rate), np.float32)
    chunks: list[np.ndarray] = []
    pieces: list[Piece] = []
    windows: list[tuple[float, float]] = []
    position = 0.0
    window_start = None
    for number, samples in enumerate(tracks):
        spans = [
            part for span in speech_spans(samples, rate) for part in split_long(span, samples, rate, max_s)
        ]
        for start, end in spans:
            length = end - start
            if window_start is not None and position + length - window_start > max_s:
                windows.append((window_start, position))
                window_start = None
            if window_start is None:
                window_start = position
            pieces.append(Piece(position, number, start, end))
            chunks.append(
                samples[int(round(start * rate)) : int(round(start * rate)) + int(round(length * rate))]
            )
            position += len(chunks[-1]) / rate
            chunks.append(gap)
            position += len(gap) / rate
    if window_start is not None:
        windows.append((window_start, position))
    audio = np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, np.float32)
    return Packed(audio=audio, rate=rate, pieces=pieces, windows=windows)
