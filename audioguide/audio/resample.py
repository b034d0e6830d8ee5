"""Changing a clip's sample rate: a guide's voices may come at different rates."""

from __future__ import annotations

import math

import numpy as np

from audioguide.audio.fir import resample_poly


def resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    """``samples`` at ``rate`` Hz as float32 at ``target`` Hz (polyphase, ``resample_poly``'s filter,
    computed in float64).

    Deterministic, so a track rendered again from its clips is the same bit for bit.
    """
    if rate == target:
        return samples
    step = math.gcd(rate, target)
    return resample_poly(samples, target // step, rate // step).astype(np.float32)
