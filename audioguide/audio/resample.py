"""Changing a clip's sample rate: a guide's voices may come at different rates."""

from __future__ import annotations

import math

import numpy as np


def resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    """``samples`` at ``rate`` Hz as float32 at ``target`` Hz (polyphase, scipy's ``resample_poly``).

    Deterministic, so a track rendered again from its clips is the same bit for bit.
    """
    if rate == target:
        return samples
    from scipy.signal import resample_poly  # slow import: only guides with several voices need it

    step = math.gcd(rate, target)
    return resample_poly(np.asarray(samples, dtype=np.float32), target // step, rate // step).astype(
        np.float32
    )
