"""Independent measurements of finished files (not the code under test's own meters)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pyloudnorm
from scipy.signal import resample_poly

from audioguide.audio import ffmpeg


def decode(path: Path) -> tuple[np.ndarray, int]:
    """Decode with ffmpeg at the file's own rate."""
    return ffmpeg.decode(path)


def lufs(samples: np.ndarray, rate: int) -> float:
    return float(pyloudnorm.Meter(rate).integrated_loudness(samples.astype(np.float64)))


def true_peak_dbtp(samples: np.ndarray) -> float:
    """4x oversampled peak (BS.1770-4 Annex 2 style)."""
    up = resample_poly(samples.astype(np.float64), 4, 1)
    peak = float(np.max(np.abs(up))) if up.size else 0.0
    return 20 * math.log10(peak) if peak > 0 else -math.inf
