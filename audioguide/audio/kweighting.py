"""ITU-R BS.1770-4 K-weighting in numpy: the two biquads run as one exact block filter.

The pre-filter (a high shelf, then the RLB high-pass, as pyloudnorm designs
them from the RBJ formulas) is a linear system with four states. A signal is
cut into segments of :data:`SEGMENT` samples; each segment's response from
rest is one matrix product with the Toeplitz matrix of the impulse response
(exact: the segment is shorter than nothing), the state each segment starts
in follows from the segments' end states by a prefix scan (doubling, so
``log2`` steps rather than a loop over segments), and the start states add
their own response. Everything is a handful of float64 matrix products per
chunk, and the output is the recursion's to float64 rounding (the tests
hold it to scipy's ``lfilter`` and pyloudnorm), without importing scipy.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

SEGMENT = 32  # samples per segment: small Toeplitz products, few scan steps


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


class _System:
    """The cascade as x -> (A, B, C, D): state s' = A s + B x, output y = C s + D x.

    Each biquad in transposed direct form II (states z1, z2); the second is fed
    the first's output, so A is block lower-triangular.
    """

    def __init__(self, rate: int) -> None:
        blocks = []
        for b, a in k_weighting_biquads(rate):
            blocks.append(
                (
                    np.array([[-a[1], 1.0], [-a[2], 0.0]]),
                    np.array([b[1] - a[1] * b[0], b[2] - a[2] * b[0]]),
                    np.array([1.0, 0.0]),
                    b[0],
                )
            )
        (a1, b1, c1, d1), (a2, b2, c2, d2) = blocks
        self.A = np.block([[a1, np.zeros((2, 2))], [np.outer(b2, c1), a2]])
        self.B = np.concatenate([b1, b2 * d1])
        self.C = np.concatenate([d2 * c1, c2])
        self.D = d2 * d1


@lru_cache(maxsize=16)
def _matrices(rate: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[np.ndarray], list[np.ndarray]]:
    """([T' G'], G, O, powers of A up to SEGMENT, A^(SEGMENT * 2^i) for the scan) at ``rate``."""
    system = _System(rate)
    n = SEGMENT
    powers = [np.eye(4)]
    for _ in range(n):
        powers.append(system.A @ powers[-1])
    impulse = np.array([system.D] + [system.C @ powers[k] @ system.B for k in range(n - 1)])
    i, j = np.indices((n, n))
    toeplitz = np.where(i >= j, impulse[np.clip(i - j, 0, n - 1)], 0.0)  # y = T x from rest
    into_state = np.stack([powers[n - 1 - k] @ system.B for k in range(n)], axis=1)  # 4 x n: G
    from_state = np.stack([system.C @ powers[k] for k in range(n)])  # n x 4: O
    doubling = [powers[n]]
    for _ in range(40):  # enough for 2^40 segments
        doubling.append(doubling[-1] @ doubling[-1])
    both = np.ascontiguousarray(np.concatenate([toeplitz.T, into_state.T], axis=1))  # n x (n + 4)
    return both, into_state, from_state, powers, doubling


class KWeighting:
    """The K-weighting filter, run chunk by chunk with its state carried from one chunk to the next."""

    def __init__(self, rate: int) -> None:
        self._t, self._g, self._o, self._powers, self._doubling = _matrices(rate)
        self._state = np.zeros(4)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """The K-weighted ``x`` (float64), continuing from the previous call's last sample."""
        n = x.size
        if n == 0:
            return np.zeros(0)
        count = -(-n // SEGMENT)
        padded = np.zeros(count * SEGMENT)
        padded[:n] = x
        segments = padded.reshape(count, SEGMENT)
        product = segments @ self._t  # each segment's response from rest, and the state it leaves
        out = product[:, :SEGMENT]
        # states at each segment's start: S[0] = state, S[k + 1] = A^SEGMENT S[k] + G x_k, by doubling
        states = np.empty((count + 1, 4))
        states[0] = self._state
        states[1:] = product[:, SEGMENT:]
        shift, level = 1, 0
        while shift <= count:
            states[shift:] += states[:-shift] @ self._doubling[level].T
            shift, level = shift * 2, level + 1
        out += states[:count] @ self._o.T
        rest = n - (count - 1) * SEGMENT  # samples of the last segment that are real
        if rest == SEGMENT:
            self._state = states[count]
        else:
            last = segments[count - 1, :rest]
            self._state = self._powers[rest] @ states[count - 1] + self._g[:, SEGMENT - rest :] @ last
        return out.ravel()[:n]
