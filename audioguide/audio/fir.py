"""FIR filters in numpy: Kaiser-window design, FFT convolution, polyphase resampling.

The designs are ``scipy.signal``'s (``kaiserord``, ``firwin`` with a Kaiser
window, ``resample_poly``'s default filter), written out here because
importing ``scipy.signal`` costs a build 0.65 s of serial start; the tests
hold each function to scipy's on speech.

Memory is bounded: :func:`convolve` overlap-adds FFT blocks a group at a
time, and :func:`resample_poly` multiplies a bounded number of rows at a time.
"""

from __future__ import annotations

import math

import numpy as np

RESAMPLE_BETA = 5.0  # resample_poly's default window: ('kaiser', 5.0)
_CHUNK = 1 << 20  # values in one vectorized step (a few MB of float64)
_RESAMPLE_COLUMNS = 64  # outputs a row at least: a matrix product BLAS runs well


def kaiser_order(attenuation_db: float, width: float) -> tuple[int, float]:
    """Taps and Kaiser beta for ``attenuation_db`` of stopband attenuation across a transition of
    ``width`` (a fraction of Nyquist); ``scipy.signal.kaiserord``'s formulas."""
    a = abs(attenuation_db)
    if a < 8:
        raise ValueError(f"attenuation {a} dB: the Kaiser formulas need at least 8")
    if a > 50:
        beta = 0.1102 * (a - 8.7)
    elif a > 21:
        beta = 0.5842 * (a - 21) ** 0.4 + 0.07886 * (a - 21)
    else:
        beta = 0.0
    return math.ceil((a - 7.95) / 2.285 / (math.pi * width) + 1), beta


def kaiser_fir(taps: int, cutoff: float, beta: float, highpass: bool = False) -> np.ndarray:
    """A linear-phase windowed-sinc FIR, ``cutoff`` a fraction of Nyquist, unit gain at 0 (or at
    Nyquist for a high-pass): ``scipy.signal.firwin(taps, cutoff, window=('kaiser', beta))``."""
    if highpass and taps % 2 == 0:
        raise ValueError("a high-pass FIR needs an odd number of taps")
    m = np.arange(taps) - 0.5 * (taps - 1)
    h = cutoff * np.sinc(cutoff * m)
    if highpass:
        h = np.sinc(m) - h
    h *= np.kaiser(taps, beta)
    return h / np.sum(h * np.cos(np.pi * m)) if highpass else h / np.sum(h)


def convolve(x: np.ndarray, taps: np.ndarray) -> np.ndarray:
    """The full linear convolution of ``x`` and ``taps`` (float64), by FFT overlap-add."""
    x = np.asarray(x, dtype=np.float64)
    m = taps.size
    if x.size == 0:
        return np.zeros(0)
    size = 1 << max(10, (8 * m - 1).bit_length())  # FFT length at least 8x the filter
    step = size - m + 1
    spectrum = np.fft.rfft(np.asarray(taps, dtype=np.float64), size)
    blocks = -(-x.size // step)
    group = max(1, _CHUNK // size)
    out = np.zeros((blocks + 1) * step)  # the last block's tail spills into one more step
    for first in range(0, blocks, group):
        count = min(group, blocks - first)
        segments = np.zeros(count * step)
        piece = x[first * step : (first + count) * step]
        segments[: piece.size] = piece
        y = np.fft.irfft(np.fft.rfft(segments.reshape(count, step), size, axis=1) * spectrum, size, axis=1)
        start = first * step
        out[start : start + count * step] += y[:, :step].ravel()
        tails = np.zeros((count, step))
        tails[:, : m - 1] = y[:, step : step + m - 1]
        out[start + step : start + (count + 1) * step] += tails.ravel()
    return out[: x.size + m - 1]


def resample_poly(x: np.ndarray, up: int, down: int) -> np.ndarray:
    """``x`` resampled by ``up / down`` (float64): ``scipy.signal.resample_poly(x, up, down)``.

    Output ``k`` is ``sum_i x[i] h[k down + half - i up]`` (zeros beyond
    ``x``), ``h`` the Kaiser low-pass of ``2 half + 1`` taps at the
    ``up``-times rate. The pattern repeats every ``down`` samples in and
    ``up`` out, so a row of ``t down`` samples with ``ctx`` either side,
    times one banded matrix, gives the row's ``t up`` outputs: a BLAS
    product over rows of the signal instead of a loop over phases.
    """
    x = np.asarray(x, dtype=np.float64)
    step = math.gcd(up, down)
    up, down = up // step, down // step
    if up == down == 1:
        return x.copy()
    n_out = -(-x.size * up // down)
    if n_out == 0:
        return np.zeros(0)
    half = 10 * max(up, down)
    h = kaiser_fir(2 * half + 1, 1.0 / max(up, down), RESAMPLE_BETA) * up
    t = max(1, -(-_RESAMPLE_COLUMNS // up))
    inputs, outputs, ctx = down * t, up * t, half // up + 1
    width = inputs + 2 * ctx
    tap = np.arange(outputs)[None, :] * down + half - (np.arange(width)[:, None] - ctx) * up
    matrix = np.where((tap >= 0) & (tap <= 2 * half), h[np.clip(tap, 0, 2 * half)], 0.0)
    rows = -(-n_out // outputs)
    padded = np.zeros(rows * inputs + 2 * ctx)  # padded[ctx + i] = x[i]
    padded[ctx : ctx + x.size] = x
    view = np.lib.stride_tricks.sliding_window_view(padded, width)[::inputs]
    out = np.empty((rows, outputs))
    chunk = max(1, _CHUNK // width)
    for first in range(0, rows, chunk):
        out[first : first + chunk] = np.ascontiguousarray(view[first : first + chunk]) @ matrix
    return out.ravel()[:n_out]


def running_min(x: np.ndarray, half: int) -> np.ndarray:
    """The minimum over ``x[i - half : i + half + 1]``, edges extended (``minimum_filter1d``, 'nearest').

    Van Herk / Gil-Werman: prefix and suffix minima within blocks of the
    window's length, so any window is the minimum of one suffix and one prefix.
    """
    x = np.asarray(x, dtype=np.float64)
    n, width = x.size, 2 * half + 1
    if n == 0:
        return x.copy()
    padded = np.full(-(-(n + 2 * half) // width) * width, np.inf)
    padded[: n + 2 * half] = np.pad(x, half, mode="edge")
    blocks = padded.reshape(-1, width)
    prefix = np.minimum.accumulate(blocks, axis=1).ravel()
    suffix = np.minimum.accumulate(blocks[:, ::-1], axis=1)[:, ::-1].ravel()
    return np.minimum(suffix[:n], prefix[width - 1 : width - 1 + n])


def trailing_max(x: np.ndarray, length: int) -> np.ndarray:
    """The maximum over ``x[max(0, i - length + 1) : i + 1]``: the last ``length`` samples up to each.

    The same block prefix/suffix scheme as :func:`running_min`, with the
    window ending at the sample instead of centred on it.
    """
    x = np.asarray(x, dtype=np.float64)
    n, width = x.size, max(1, length)
    if n == 0:
        return x.copy()
    padded = np.full(-(-(n + width - 1) // width) * width, -np.inf)
    padded[width - 1 : width - 1 + n] = x
    blocks = padded.reshape(-1, width)
    prefix = np.maximum.accumulate(blocks, axis=1).ravel()
    suffix = np.maximum.accumulate(blocks[:, ::-1], axis=1)[:, ::-1].ravel()
    return np.maximum(suffix[:n], prefix[width - 1 : width - 1 + n])


def running_mean(x: np.ndarray, half: int) -> np.ndarray:
    """The mean over ``x[i - half : i + half + 1]``, edges extended (``uniform_filter1d``, 'nearest')."""
    x = np.asarray(x, dtype=np.float64)
    n, width = x.size, 2 * half + 1
    if n == 0:
        return x.copy()
    sums = np.concatenate([[0.0], np.cumsum(np.pad(x, half, mode="edge"))])
    return (sums[width : width + n] - sums[:n]) / width
