"""True peak: the largest magnitude of a signal's samples and of their 4x-oversampled values.

Two interpolators, both polyphase FIR filters run as matrix products (one
row of samples with its context times a banded matrix gives every
oversampled value of the row; several times faster than ``resample_poly``,
the same values to float32 rounding, and the tests hold them to it):

* :data:`ANNEX_2`: ITU-R BS.1770-4 Annex 2, 48 taps (12 a phase);
* :data:`KAISER`: a longer one, ``scipy.signal.resample_poly``'s default
  (a Kaiser-windowed sinc, beta 5, 81 taps): the 48-tap filter under-reads
  inter-sample peaks near the top of the band by a few tenths of a dB.

**Bound.** An oversampled value is a weighted sum of the samples within the
filter's reach, so its magnitude is at most ``S`` times the largest of those
samples, ``S`` the largest over the phases of the sum of |taps| (2.02 for
Annex 2, 2.24 for the Kaiser filter). A stretch of signal whose
largest nearby sample times ``S`` stays under a level cannot reach it:
:func:`max_true_peak` computes the oversampled values only in blocks whose
bound reaches the peak found so far, and its result is the full
computation's.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

OVERSAMPLING = 4

# ITU-R BS.1770-4 Annex 2: 48-tap interpolation filter, 4 phases of 12 taps.
_ITU_PHASES = np.array(
    [
        [
            0.0017089843750,
            0.0109863281250,
            -0.0196533203125,
            0.0332031250000,
            -0.0594482421875,
            0.1373291015625,
            0.9721679687500,
            -0.1022949218750,
            0.0476074218750,
            -0.0266113281250,
            0.0148925781250,
            -0.0083007812500,
        ],
        [
            -0.0291748046875,
            0.0292968750000,
            -0.0517578125000,
            0.0891113281250,
            -0.1665039062500,
            0.4650878906250,
            0.7797851562500,
            -0.2003173828125,
            0.1015625000000,
            -0.0582275390625,
            0.0330810546875,
            -0.0189208984375,
        ],
        [
            -0.0189208984375,
            0.0330810546875,
            -0.0582275390625,
            0.1015625000000,
            -0.2003173828125,
            0.7797851562500,
            0.4650878906250,
            -0.1665039062500,
            0.0891113281250,
            -0.0517578125000,
            0.0292968750000,
            -0.0291748046875,
        ],
        [
            -0.0083007812500,
            0.0148925781250,
            -0.0266113281250,
            0.0476074218750,
            -0.1022949218750,
            0.9721679687500,
            0.1373291015625,
            -0.0594482421875,
            0.0332031250000,
            -0.0196533203125,
            0.0109863281250,
            0.0017089843750,
        ],
    ]
)


def _kaiser_prototype() -> np.ndarray:
    """``resample_poly(x, 4, 1)``'s filter: ``firwin(81, 1/4, window=('kaiser', 5.0))`` times 4."""
    half = 10 * OVERSAMPLING
    m = np.arange(2 * half + 1) - half
    h = 0.25 * np.sinc(0.25 * m) * np.kaiser(2 * half + 1, 5.0)
    return h / h.sum() * OVERSAMPLING


@dataclass(frozen=True)
class Interpolator:
    """A 4x polyphase interpolator: output ``4 m + p`` is ``sum_d taps[p, reach - d] * x[m - d]``."""

    name: str
    taps: np.ndarray = field(repr=False, compare=False)  # (4, 2 reach + 1); named by `name`

    @classmethod
    def from_prototype(cls, name: str, prototype: np.ndarray, center: int) -> Interpolator:
        """The phases of a prototype filter at the 4x rate, aligned as ``resample_poly`` aligns it
        (output ``j`` centred on tap ``center``)."""
        reach = max(center, prototype.size - 1 - center) // OVERSAMPLING + 1
        taps = np.zeros((OVERSAMPLING, 2 * reach + 1))
        for phase in range(OVERSAMPLING):
            for d in range(-reach, reach + 1):
                t = OVERSAMPLING * d + phase + center
                if 0 <= t < prototype.size:
                    taps[phase, reach - d] = prototype[t]
        used = np.flatnonzero(np.abs(taps).sum(axis=0))
        trim = min(used[0], taps.shape[1] - 1 - used[-1])  # the same reach either side
        return cls(name, taps[:, trim : taps.shape[1] - trim])

    @property
    def reach(self) -> int:
        """Samples either side of ``m`` that the outputs ``4 m + p`` read."""
        return (self.taps.shape[1] - 1) // 2

    @property
    def bound(self) -> float:
        """``S``: no oversampled value exceeds ``S`` times the largest sample within :attr:`reach`."""
        return float(np.abs(self.taps).sum(axis=1).max())


ANNEX_2 = Interpolator.from_prototype("annex2", _ITU_PHASES.T.ravel(), center=23)
KAISER = Interpolator.from_prototype("kaiser", _kaiser_prototype(), center=10 * OVERSAMPLING)
_BOUND_SLACK = 1.0 + 1e-4  # float32 sums may round a little above the exact bound


@lru_cache(maxsize=16)
def _matrix(interpolator: Interpolator, rows: int) -> np.ndarray:
    """From ``rows + 2 reach`` samples to 5 values for each of the middle ``rows``: the 4 oversampled
    values of sample ``i`` in columns ``5 i .. 5 i + 3``, the sample itself in ``5 i + 4``."""
    reach = interpolator.reach
    taps = np.zeros((2 * reach + 1, OVERSAMPLING + 1))
    taps[:, :OVERSAMPLING] = interpolator.taps.T
    taps[reach, OVERSAMPLING] = 1.0
    width = OVERSAMPLING + 1
    matrix = np.zeros((rows + 2 * reach, width * rows), dtype=np.float32)
    for i in range(rows):
        matrix[i : i + 2 * reach + 1, width * i : width * (i + 1)] = taps
    return matrix


def layout(start: int, stop: int, step: int, interpolator: Interpolator) -> tuple[int, int, int, int]:
    """How :func:`block_peaks` lays out ``[start, stop)``: blocks per row, samples per row, blocks, rows."""
    per_row = -(-2 * interpolator.reach // step)
    rows = per_row * step
    blocks = -(-(stop - start) // step)
    return per_row, rows, blocks, -(-blocks // per_row)


def reach_after(start: int, stop: int, step: int, interpolator: Interpolator) -> int:
    """The sample after the last one :func:`block_peaks` reads for ``[start, stop)``."""
    _, rows, _, count = layout(start, stop, step, interpolator)
    return start - interpolator.reach + (count + 1) * rows


def block_peaks(
    x: np.ndarray, start: int, stop: int, step: int, interpolator: Interpolator = ANNEX_2
) -> np.ndarray:
    """True peak of each ``step``-sample block of ``x[start:stop]`` (samples beyond ``x`` are 0).

    The largest of |x| and of its oversampled values in the block, as one
    matrix product over rows of whole blocks (at least ``2 reach`` samples a row).
    """
    reach = interpolator.reach
    per_row, rows, blocks, count = layout(start, stop, step, interpolator)
    origin = start - reach  # padded[i] is x[origin + i], zero outside x
    padded = np.zeros((count + 1) * rows, dtype=np.float32)
    lo, hi = max(0, origin), min(x.size, origin + padded.size)
    padded[lo - origin : hi - origin] = x[lo:hi]
    table = padded.reshape(count + 1, rows)
    windows = np.concatenate([table[:-1], table[1:, : 2 * reach]], axis=1)
    product = windows @ _matrix(interpolator, rows)
    np.abs(product, out=product)
    return product.reshape(count * per_row, -1).max(axis=1)[:blocks]


_CANDIDATE_BLOCK = 64  # samples in a block the bound is taken over


class PeakTracker:
    """The exact true peak of a signal given a chunk at a time, computed only where it can matter.

    Each chunk comes with ``reach`` samples of context either side (zeros
    beyond the signal); blocks whose bound (``S`` times the largest sample
    within reach) stays under the peak found so far are skipped.
    """

    def __init__(self, interpolators: tuple[Interpolator, ...] = (ANNEX_2, KAISER)) -> None:
        self.interpolators = interpolators
        self.reach = max(i.reach for i in interpolators)
        self.peak = 0.0
        self.blocks = self.computed = 0  # blocks seen and blocks computed (for the log)

    def add(self, chunk: np.ndarray) -> None:
        """``chunk``: the samples ``[start - reach, stop + reach)`` of ``[start, stop)``, as float32."""
        reach, size = self.reach, _CANDIDATE_BLOCK
        inner = chunk[reach : chunk.size - reach]
        if inner.size == 0:
            return
        magnitude = np.abs(chunk)
        self.peak = max(self.peak, float(magnitude[reach:-reach].max()))
        count = -(-inner.size // size)
        padded = np.zeros(count * size + 2 * reach, dtype=np.float32)
        padded[: magnitude.size] = magnitude
        # the largest sample within reach of each block: the block with `reach` either side
        heads = np.maximum.reduceat(padded[: count * size], np.arange(0, count * size, size))
        edges = np.lib.stride_tricks.sliding_window_view(padded, 2 * reach)[size::size][:count]
        nearby = np.maximum(heads, np.concatenate([[0.0], heads[:-1]]))
        nearby = np.maximum(nearby, edges.max(axis=1)) if edges.size else nearby
        self.blocks += count
        for interpolator in self.interpolators:
            wanted = np.flatnonzero(nearby * (interpolator.bound * _BOUND_SLACK) >= self.peak)
            if wanted.size == 0:
                continue
            self.computed += wanted.size
            source = np.zeros(count * size + 2 * reach, dtype=np.float32)
            source[: chunk.size] = chunk
            offset = reach - interpolator.reach  # this interpolator's context starts here
            starts = wanted * size + offset
            windows = source[starts[:, None] + np.arange(size + 2 * interpolator.reach)]
            product = windows @ _matrix(interpolator, size)
            self.peak = max(self.peak, float(np.abs(product).max()))


def max_true_peak(read: Callable[[int, int], np.ndarray], n: int, chunk: int = 1 << 17) -> float:
    """The larger of the two interpolators' true peaks of ``n`` samples (``read(lo, hi)`` gives
    ``x[lo:hi]``), read a chunk at a time, as a linear value."""
    tracker = PeakTracker()
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        tracker.add(context(read, n, start, stop, tracker.reach))
    return tracker.peak


def context(read: Callable[[int, int], np.ndarray], n: int, start: int, stop: int, reach: int) -> np.ndarray:
    """``x[start - reach : stop + reach]`` as float32, zeros beyond ``[0, n)``."""
    lo, hi = max(0, start - reach), min(n, stop + reach)
    out = np.zeros(stop - start + 2 * reach, dtype=np.float32)
    out[lo - (start - reach) : hi - (start - reach)] = read(lo, hi)
    return out


def db(amplitude: float) -> float:
    return 20.0 * math.log10(amplitude) if amplitude > 0 else float("-inf")
