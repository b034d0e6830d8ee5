"""ITU-T P.56 (12/2011) method B active speech level, as the ITU-T STL's ``actlev``/sv56 computes it.

Written for the tests, apart from the exporter's own meter, and checked on
calibrated signals (tests/test_formats_phone.py). Samples are floats with
full scale 1.0 (16-bit PCM / 32768); the level is in dBov, 10 log10 of the
mean square over the active samples (a full-scale sine reads -3.01 dBov).

The meter: the rectified signal is smoothed twice by a one-pole filter with
time constant T = 0.03 s (the envelope); for 15 thresholds c_j = 2^-15 ...
2^-1 a sample counts as active at c_j while the envelope is at or above it,
and for a hangover of H = 0.2 s after; the active level at c_j is
A_j = 10 log10(sum x^2 / count_j). The active speech level is where
A_j - C_j (C_j = 20 log10 c_j) equals the margin M = 15.9 dB, found by
bisection between the two thresholds that bracket it (tolerance 0.5 dB, as
the STL's ``bin_interp``).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.signal import lfilter

T = 0.03
H = 0.2
M = 15.9
THRESHOLDS = [2.0 ** -(15 - j) for j in range(15)]  # c[0] = 2^-15 ... c[14] = 2^-1


def _bin_interp(
    upcount: float, lwcount: float, upthr: float, lwthr: float, margin: float, tol: float
) -> float:
    """The STL's bin_interp, step for step."""
    tol = abs(tol)
    if abs((upcount - upthr) - margin) < tol:
        return upcount
    if abs((lwcount - lwthr) - margin) < tol:
        return lwcount
    midcount = (upcount + lwcount) / 2.0
    midthr = (upthr + lwthr) / 2.0
    iterations = 1
    while True:
        diff = (midcount - midthr) - margin
        if abs(diff) <= tol:
            return midcount
        iterations += 1
        if iterations > 20:
            tol *= 1.1
        if diff > tol:  # the level is above the middle: move toward the upper bound
            midcount = (upcount + midcount) / 2.0
            midthr = (upthr + midthr) / 2.0
        elif diff < -tol:
            midcount = (midcount + lwcount) / 2.0
            midthr = (midthr + lwthr) / 2.0


def active_level(samples: np.ndarray, rate: int) -> tuple[float, float]:
    """(active speech level in dBov, activity factor 0..1)."""
    x = np.asarray(samples, dtype=np.float64)
    g = math.exp(-1.0 / (rate * T))
    p = lfilter([1 - g], [1, -g], np.abs(x))
    q = lfilter([1 - g], [1, -g], p)
    hangover = math.floor(H * rate + 0.5)
    sq = float(np.sum(x * x))
    if sq == 0:
        return float("-inf"), 0.0
    counts = []
    index = np.arange(x.size)
    for c in THRESHOLDS:
        above = q >= c
        # index of the last sample at or above c so far (-1 before the first)
        last = np.maximum.accumulate(np.where(above, index, -1))
        counts.append(int(np.count_nonzero((last >= 0) & (index - last <= hangover))))
    long_term = 10 * math.log10(sq / x.size)
    a = [10 * math.log10(sq / n) if n else 100.0 for n in counts]
    cdb = [20 * math.log10(c) for c in THRESHOLDS]
    if a[0] - cdb[0] <= M:
        level = a[0]
    else:
        level = None
        for j in range(1, len(THRESHOLDS)):
            if counts[j] and a[j] - cdb[j] <= M:
                level = _bin_interp(a[j], a[j - 1], cdb[j], cdb[j - 1], M, 0.5)
                break
        if level is None:
            return float("-inf"), 0.0
    return level, 10 ** ((long_term - level) / 10)
