"""ITU-R BS.1770-4 K-weighting in numpy: the two biquads run as one exact block filter.

The pre-filter (a high shelf, then the RLB high-pass, as pyloudnorm designs
them from the RBJ formulas) runs as :mod:`audioguide.audio.iir`'s block
filter: a handful of float64 matrix products per chunk, the recursion's
output to float64 rounding (the tests hold it to scipy's ``lfilter`` and
pyloudnorm), without importing scipy.
"""

from __future__ import annotations

import math

import numpy as np

from audioguide.audio.iir import CascadeFilter, sections


def _biquad(gain_db: float, q: float, fc: float, rate: int, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """pyloudnorm's IIRfilter coefficients (RBJ cookbook), normalized so that a[0] = 1."""
    a_ = 10 ** (gain_db / 40.0)
    w0 = 2.0 * math.pi * (fc / rate)
    alpha = math.sin(w0) / (2.0 * q)
    cos = math.cos(w0)
    if kind == "high_shelf":
        root = 2 * math.sqrt(a_) * alpha
        b = [
            a_ * ((a_ + 1) + (a_ - 1) * cos + root),
            -2 * a_ * ((a_ - 1) + (a_ + 1) * cos),
            a_ * ((a_ + 1) + (a_ - 1) * cos - root),
        ]
        a = [
            (a_ + 1) - (a_ - 1) * cos + root,
            2 * ((a_ - 1) - (a_ + 1) * cos),
            (a_ + 1) - (a_ - 1) * cos - root,
        ]
    else:  # high_pass
        b = [(1 + cos) / 2, -(1 + cos), (1 + cos) / 2]
        a = [1 + alpha, -2 * cos, 1 - alpha]
    return np.array(b) / a[0], np.array(a) / a[0]


def k_weighting_biquads(rate: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """The two stages (b, a) of BS.1770's K-weighting at ``rate``, as pyloudnorm's Meter has them."""
    return [
        _biquad(4.0, 1 / math.sqrt(2), 1500.0, rate, "high_shelf"),
        _biquad(0.0, 0.5, 38.0, rate, "high_pass"),
    ]


class KWeighting(CascadeFilter):
    """The K-weighting filter, run chunk by chunk with its state carried from one chunk to the next."""

    def __init__(self, rate: int) -> None:
        super().__init__(sections(k_weighting_biquads(rate)))
