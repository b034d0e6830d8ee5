"""Assembly: clips and the pauses between them become one track of samples.

Engines leave their own bits of silence around each clip; we trim those so the
pauses a listener hears are exactly the ones we insert (head room tone,
sentence, paragraph, question/answer, tail). The returned timings (where each
clip starts and ends in the track) are exact sample positions, used for
captions and synchronized text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

TRIM_THRESHOLD_DB = -50.0  # relative to the clip's peak
TRIM_KEEP_MS = 25.0  # keep a little around the speech so onsets are not clipped


@dataclass(frozen=True)
class ClipSpan:
    """Where a clip sits in the assembled track, in seconds."""

    start_s: float
    end_s: float


def speech_bounds(samples: np.ndarray, rate: int) -> tuple[int, int]:
    """Where the sound is: ``samples[start:end]`` without leading/trailing near-silence
    (below peak + TRIM_THRESHOLD_DB), a little kept around it; (0, 0) for silence."""
    if samples.size == 0:
        return 0, 0
    peak = float(np.max(np.abs(samples)))
    if peak <= 0.0:
        return 0, 0
    threshold = peak * 10 ** (TRIM_THRESHOLD_DB / 20)
    loud = np.flatnonzero(np.abs(samples) > threshold)
    keep = int(rate * TRIM_KEEP_MS / 1000)
    return max(0, int(loud[0]) - keep), min(samples.size, int(loud[-1]) + 1 + keep)


def trim_silence(samples: np.ndarray, rate: int) -> np.ndarray:
    """Remove leading/trailing near-silence (below peak + TRIM_THRESHOLD_DB)."""
    start, end = speech_bounds(samples, rate)
    return samples[start:end]


def silence(ms: float, rate: int) -> np.ndarray:
    return np.zeros(int(round(rate * ms / 1000)), dtype=np.float32)


def assemble(
    clips: Sequence[np.ndarray],
    pauses_after_ms: Sequence[int],
    rate: int,
    *,
    head_ms: int,
    tail_ms: int,
) -> tuple[np.ndarray, list[ClipSpan]]:
    """Concatenate trimmed clips with the given pauses; head and tail room around all."""
    if len(clips) != len(pauses_after_ms):
        raise ValueError("one pause per clip")
    parts: list[np.ndarray] = [silence(head_ms, rate)]
    spans: list[ClipSpan] = []
    position = parts[0].size
    for index, (clip, pause) in enumerate(zip(clips, pauses_after_ms)):
        trimmed = trim_silence(np.asarray(clip, dtype=np.float32), rate)
        spans.append(ClipSpan(position / rate, (position + trimmed.size) / rate))
        parts.append(trimmed)
        position += trimmed.size
        gap = silence(tail_ms if index == len(clips) - 1 else pause, rate)
        parts.append(gap)
        position += gap.size
    if not clips:
        parts.append(silence(tail_ms, rate))
    return np.concatenate(parts, dtype=np.float32), spans  # one copy of a long track, not two


def join_clips(
    clips: Sequence[np.ndarray], rate: int, *, pause_ms: float, fade_ms: float
) -> np.ndarray | None:
    """Clips as they are (untrimmed), ``pause_ms`` apart, faded in and out; None when there are none."""
    from audioguide.audio.mastering import fade

    if not clips:
        return None
    pause = np.zeros(round(pause_ms * rate / 1000), dtype=np.float32)
    pieces: list[np.ndarray] = []
    for clip in clips:
        pieces.extend([clip, pause])
    return fade(np.concatenate(pieces[:-1]), rate, fade_ms, fade_ms)
