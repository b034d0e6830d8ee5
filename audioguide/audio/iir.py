"""Cascades of biquads in numpy, run as one exact block filter; Butterworth high-pass; zero phase.

A cascade of ``n`` biquads is a linear system with ``2 n`` states. A signal
is cut into segments of :data:`SEGMENT` samples; each segment's response from
rest is one matrix product with the Toeplitz matrix of the impulse response
(exact: the segment is shorter than nothing), the state each segment starts
in follows from the segments' end states by a prefix scan (doubling, so
``log2`` steps rather than a loop over segments), and the start states add
their own response. Everything is a handful of float64 matrix products per
chunk, and the output is the recursion's to float64 rounding (the tests hold
it to scipy's ``lfilter``, ``sosfiltfilt`` and pyloudnorm), without
importing scipy, whose ``signal`` module alone takes 0.65 s to import.

:func:`butterworth_highpass` designs as ``scipy.signal.butter`` does (analog
prototype, high-pass transform, bilinear transform, poles paired into
sections nearest the unit circle last); :func:`filtfilt` runs a cascade
forward and backward as ``sosfiltfilt`` does (odd extension, steady-state
initial conditions).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

SEGMENT = 32  # samples per segment: small Toeplitz products, few scan steps

Sections = tuple[tuple[tuple[float, float, float], tuple[float, float, float]], ...]


def sections(biquads: Sequence[tuple[Sequence[float], Sequence[float]]]) -> Sections:
    """``(b, a)`` pairs (a[0] = 1; a first-order stage has b[2] = a[2] = 0) as a hashable key."""
    return tuple((tuple(float(v) for v in b), tuple(float(v) for v in a)) for b, a in biquads)  # type: ignore[return-value]


class _System:
    """The cascade as x -> (A, B, C, D): state s' = A s + B x, output y = C s + D x.

    Each biquad in transposed direct form II (states z1, z2); each is fed the
    previous one's output, so A is block lower-triangular.
    """

    def __init__(self, cascade: Sections) -> None:
        size = 2 * len(cascade)
        self.A = np.zeros((size, size))
        self.B = np.zeros(size)
        into, direct = np.zeros(size), 1.0  # the current stage's input: into @ s + direct * x
        for k, (b, a) in enumerate(cascade):
            rows = slice(2 * k, 2 * k + 2)
            stage_b = np.array([b[1] - a[1] * b[0], b[2] - a[2] * b[0]])
            self.A[rows] += np.outer(stage_b, into)
            self.A[rows, rows] += np.array([[-a[1], 1.0], [-a[2], 0.0]])
            self.B[rows] = stage_b * direct
            into = into * b[0]
            into[2 * k] += 1.0
            direct = b[0] * direct
        self.C, self.D = into, direct


@lru_cache(maxsize=32)
def _matrices(
    cascade: Sections,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[np.ndarray], list[np.ndarray], np.ndarray]:
    """([T' G'], G, O, powers of A up to SEGMENT, A^(SEGMENT * 2^i) for the scan, the unit-step
    steady state) of ``cascade``."""
    system = _System(cascade)
    size, n = system.A.shape[0], SEGMENT
    powers = [np.eye(size)]
    for _ in range(n):
        powers.append(system.A @ powers[-1])
    impulse = np.array([system.D] + [system.C @ powers[k] @ system.B for k in range(n - 1)])
    i, j = np.indices((n, n))
    toeplitz = np.where(i >= j, impulse[np.clip(i - j, 0, n - 1)], 0.0)  # y = T x from rest
    into_state = np.stack([powers[n - 1 - k] @ system.B for k in range(n)], axis=1)  # states x n: G
    from_state = np.stack([system.C @ powers[k] for k in range(n)])  # n x states: O
    doubling = [powers[n]]
    for _ in range(40):  # enough for 2^40 segments
        doubling.append(doubling[-1] @ doubling[-1])
    both = np.ascontiguousarray(np.concatenate([toeplitz.T, into_state.T], axis=1))  # n x (n + states)
    steady = np.linalg.solve(np.eye(size) - system.A, system.B)  # s = A s + B: a unit step, settled
    return both, into_state, from_state, powers, doubling, steady


class CascadeFilter:
    """A biquad cascade, run chunk by chunk with its state carried from one chunk to the next."""

    def __init__(self, cascade: Sections) -> None:
        self._t, self._g, self._o, self._powers, self._doubling, self._steady = _matrices(cascade)
        self.states = self._g.shape[0]
        self._state = np.zeros(self.states)

    def settle(self, value: float) -> None:
        """Start as if the input had been ``value`` forever (``sosfilt_zi`` times ``value``)."""
        self._state = self._steady * value

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """The filtered ``x`` (float64), continuing from the previous call's last sample."""
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
        states = np.empty((count + 1, self.states))
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


def butterworth_highpass(order: int, cutoff_hz: float, rate: int) -> Sections:
    """``scipy.signal.butter(order, cutoff_hz, 'highpass', fs=rate, output='sos')`` for an even order."""
    if order % 2:
        raise ValueError("an even order: the sections are pole pairs")
    warped = 4.0 * math.tan(math.pi * (2 * cutoff_hz / rate) / 2.0)  # pre-warped, with fs = 2
    prototype = -np.exp(1j * math.pi * np.arange(-order + 1, order, 2) / (2 * order))  # low-pass, gain 1
    analog = warped / prototype  # high-pass: every zero at the origin
    gain = float(np.real(1.0 / np.prod(-prototype)))
    poles = (4.0 + analog) / (4.0 - analog)  # bilinear transform: the zeros go to z = 1
    gain *= float(np.real(4.0**order / np.prod(4.0 - analog)))
    upper = sorted((p for p in poles if p.imag > 0), key=lambda p: -abs(1 - abs(p)))
    out = []
    for k, pole in enumerate(upper):  # the pair nearest the unit circle last, the gain in the first
        a = np.real(np.poly([pole, pole.conjugate()]))
        b = np.array([1.0, -2.0, 1.0]) * (gain if k == 0 else 1.0)
        out.append((b, a))
    return sections(out)


def filtfilt(cascade: Sections, x: np.ndarray) -> np.ndarray:
    """Zero-phase ``cascade`` as ``scipy.signal.sosfiltfilt``: odd extension, steady-state starts."""
    zero_b = sum(b[2] == 0 for b, _ in cascade)
    zero_a = sum(a[2] == 0 for _, a in cascade)
    pad = 3 * (2 * len(cascade) + 1 - min(zero_b, zero_a))
    x = np.asarray(x, dtype=np.float64)
    if x.size <= pad:
        raise ValueError(f"{x.size} samples: the zero-phase filter needs more than {pad}")
    extended = np.concatenate([2 * x[0] - x[pad:0:-1], x, 2 * x[-1] - x[-2 : -pad - 2 : -1]])
    forward = CascadeFilter(cascade)
    forward.settle(extended[0])
    y = forward(extended)[::-1]
    backward = CascadeFilter(cascade)
    backward.settle(y[0])
    return backward(y)[::-1][pad:-pad]
