"""Mastering: bring a track to a target loudness with its true peak under a ceiling.

Loudness is ITU-R BS.1770-4 integrated loudness (K-weighting, 400 ms blocks
with 75 % overlap, -70 LUFS absolute and -10 LU relative gates) as pyloudnorm
measures it. True peak is the BS.1770-4 Annex 2 meter: the largest magnitude
of the samples and of their 4x-oversampled values, interpolated with the
Annex's 48-tap filter.

:func:`master` applies one gain and a look-ahead true-peak limiter, measures
the result, and corrects both until the loudness is within
:data:`LOUDNESS_TOLERANCE_LU` of the target and the true peak is at or below
the ceiling: ``loudness.true_peak_dbtp`` minus :data:`MP3_PEAK_MARGIN_DB`,
room for the peaks MP3 encoding adds (the encoded file is then measured, and
re-mastered with :data:`PEAK_STEP_DB` more headroom than it overshot by, at
most :data:`MAX_PEAK_PASSES` times: see ``audio.render.master_to_mp3``).

The limiter works on a grid of short blocks (``rate / 1000`` samples, 1 ms),
all vectorized:

* each block needs the attenuation that brings its true peak (the largest
  4x-oversampled value in it) down to the ceiling;
* a peak hold reaches :data:`LOOKAHEAD_MS` ahead, plus a block and the
  interpolation filter's reach either side, so the gain is fully down before
  the peak arrives and stays down across the filter's span;
* release is an exponential decay of the attenuation (in dB) with time
  constant :data:`RELEASE_MS`; the recursion ``a[n] = max(need[n], a[n-1] * k)``
  is computed exactly as a running maximum in the log domain
  (``np.maximum.accumulate``);
* a triangular moving average over the look-ahead smooths the attack; it
  only averages values held from each peak, so the gain at the peak still
  reaches the attenuation the peak needs;
* the gain is interpolated linearly between grid points, so no gain step
  clicks.

Speed (a 10-minute track in well under a second): one chunked pass over the
input yields its K-weighted energy per grid block and its true peak per grid
block; the loudness of ``gain * x`` for any gain curve that is constant per
block follows from those energies alone, so the gain search costs no pass
over the samples. The output is then rendered and measured exactly in one
more pass.

Memory: the output is never made whole unless asked for. Each round renders
the gain curve a chunk at a time into the measuring pass and drops it;
:func:`master_in_blocks` returns a :class:`MasteredTrack` that renders (and
fades) its blocks on demand, so a 60-minute track is encoded without a
mastered copy of itself (346 MB at 24 kHz) or a 16-bit one. Every output
sample is the input sample times its own gain, so blocks of any size give
the same bytes as :func:`master`.

numpy only (no scipy: importing scipy.signal took 0.65 s of every build's
start): the K-weighting is :mod:`audioguide.audio.kweighting`'s block filter,
oversampling a small matrix product per row of samples
(:mod:`audioguide.audio.truepeak`), and the tests hold both to pyloudnorm and
``scipy.signal.resample_poly``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from audioguide.audio.kweighting import KWeighting
from audioguide.audio.mp3 import MP3_PEAK_MARGIN_DB
from audioguide.audio.truepeak import (
    ANNEX_2,
    PeakTracker,
    block_peaks,
    context,
    max_true_peak,
    reach_after,
)
from audioguide.model.settings import Loudness

logger = logging.getLogger(__name__)

LOOKAHEAD_MS = 5.0  # attack: the gain starts falling this long before a peak
RELEASE_MS = 80.0  # time constant of the exponential release (dB domain)
MAX_GAIN_DB = 40.0  # never raise a track by more than this
LOUDNESS_TOLERANCE_LU = 0.05  # master() stops this close to the target

_BLOCK_S = 0.4  # BS.1770 gating block
_OVERLAP = 0.75
_ABSOLUTE_GATE_LUFS = -70.0
_RELATIVE_GATE_LU = -10.0
_MAX_ROUNDS = 6  # render-and-measure rounds in master()
_MAX_MODEL_STEPS = 20  # gain steps per round against the predicted loudness
_LIMITED_DB = 0.01  # attenuation above this counts as "limited"
_CEILING_GUARD_DB = 0.005  # the limiter aims this far under the ceiling (float32 rounding)
_PASS = 1 << 17  # samples per chunk of a measuring pass
_TP_HALF = ANNEX_2.reach


@dataclass(frozen=True)
class MasterReport:
    """What :func:`master` measured and did (LUFS, dBTP, dB)."""

    input_lufs: float
    output_lufs: float
    true_peak_dbtp: float
    gain_db: float
    limited: bool

    @property
    def silent(self) -> bool:
        """True when the input had nothing above the -70 LUFS gate (returned unchanged)."""
        return not math.isfinite(self.input_lufs)


def integrated_loudness(samples: np.ndarray, rate: int) -> float:
    """Integrated loudness in LUFS (ITU-R BS.1770-4), as ``pyloudnorm.Meter`` measures it.

    A clip shorter than one 400 ms gating block is measured zero-padded to
    400 ms (as pyloudnorm would need it): it reads as one block that
    contains it, so about ``10 * log10(duration / 0.4 s)`` lower than a long
    clip at the same level. Silence, or anything under the -70 LUFS gate,
    gives ``-inf``.
    """
    x = _mono(samples)
    if x.size == 0:
        return float("-inf")
    padded = _measured_length(x.size, rate)
    if padded > x.size:
        x = np.concatenate([x, np.zeros(padded - x.size, dtype=x.dtype)])
    gates = _Gates(x.size, rate, None)
    weighted = KWeighting(rate)(x.astype(np.float64))
    np.square(weighted, out=weighted)
    return gates.loudness(np.add.reduceat(weighted, gates.cuts[:-1]))


def true_peak_dbtp(samples: np.ndarray, rate: int) -> float:
    """True peak in dBTP: the largest of |samples| and their 4x-oversampled values.

    Oversampled with the ITU-R BS.1770-4 Annex 2 filter, which is defined
    relative to the sample rate and so serves every ``rate``. Silence gives
    ``-inf``.
    """
    del rate  # the Annex 2 filter is normalized to the sample rate
    x = _mono(samples).astype(np.float32)
    if x.size == 0:
        return float("-inf")
    step = 1 << 12
    return _db(float(block_peaks(x, 0, x.size, step, ANNEX_2).max()))


class SampleSource(Protocol):
    """Mono float32 samples read range by range (a decoded file, say), instead of an array."""

    size: int

    def read(self, lo: int, hi: int) -> np.ndarray:
        """Samples ``lo`` to ``hi`` (float32): the same values whichever ranges are asked for."""
        ...


def measure(samples: np.ndarray | SampleSource, rate: int) -> tuple[float, float]:
    """(integrated loudness in LUFS, Annex 2 true peak in dBTP) in one chunked pass.

    The same figures as :func:`integrated_loudness` and :func:`true_peak_dbtp`
    (the tests hold them together), without their full-length float64 copies:
    a 20-minute track is measured in tens of MB instead of several hundred.
    ``samples`` may be a :class:`SampleSource`, read one chunk at a time.
    """
    n, read = _reader(samples)
    if n == 0:
        return float("-inf"), float("-inf")
    pad = _measured_length(n, rate) - n
    if pad:  # shorter than one gating block: small, measured whole
        n, read = _reader(np.concatenate([read(0, n), np.zeros(pad, dtype=np.float32)]))
    gates = _Gates(n, rate, None)
    energy, peaks = _measure(read, n, rate, gates.cuts, _grid_step(rate), blocks=False)
    return gates.loudness(energy), _db(float(peaks.max()))


def conservative_true_peak_dbtp(samples: np.ndarray | SampleSource, rate: int) -> float:
    """The higher of the Annex 2 reading and a long (Kaiser) 4x interpolator's.

    The 48-tap Annex 2 filter can under-read inter-sample peaks near the top
    of the band by a few tenths of a dB (0.22 dB on a seed track); checking a
    finished file against a ceiling should not depend on that. Exact, and
    computed only where the samples could reach the peak
    (:func:`audioguide.audio.truepeak.max_true_peak`).
    """
    del rate
    n, read = _reader(samples)
    return _db(max_true_peak(read, n)) if n else float("-inf")


def measure_conservative(samples: np.ndarray | SampleSource, rate: int) -> tuple[float, float]:
    """(integrated loudness, :func:`conservative_true_peak_dbtp`) in one measuring pass.

    ``samples`` may be a :class:`SampleSource` read in order: a decoded
    60-minute track is then measured a chunk at a time, never held whole.
    """
    n, read = _reader(samples)
    if n == 0:
        return float("-inf"), float("-inf")
    pad = _measured_length(n, rate) - n
    if pad:  # shorter than one gating block: small, measured whole
        n, read = _reader(np.concatenate([read(0, n), np.zeros(pad, dtype=np.float32)]))
    gates = _Gates(n, rate, None)
    weigh = KWeighting(rate)
    tracker = PeakTracker()
    energy = np.zeros(gates.cuts.size - 1)
    for start in range(0, n, _PASS):
        stop = min(n, start + _PASS)
        chunk = context(read, n, start, stop, tracker.reach)
        _add_energy(
            energy, gates.cuts, weigh(chunk[tracker.reach : tracker.reach + stop - start]), start, stop
        )
        tracker.add(chunk)
    return gates.loudness(energy), _db(tracker.peak)


def fade(samples: np.ndarray, rate: int, in_ms: float, out_ms: float, *, copy: bool = True) -> np.ndarray:
    """A float32 copy with raised-cosine fades; the first and last samples become 0.

    A fade longer than the clip is shortened to the clip. With ``copy=False``
    float32 samples are faded in place (and returned): no second copy of a
    long track.
    """
    y = _mono(samples).astype(np.float32, copy=copy)
    _Fade(y.size, rate, in_ms, out_ms).apply(y, 0)
    return y


class _Fade:
    """The raised-cosine fades of an ``n``-sample track, applied to any block of it in place."""

    def __init__(self, n: int, rate: int, in_ms: float, out_ms: float) -> None:
        n_in = min(n, max(0, round(in_ms * rate / 1000)))
        n_out = min(n, max(0, round(out_ms * rate / 1000)))
        self._n = n
        self._in = (0.5 - 0.5 * np.cos(np.pi * np.arange(n_in) / n_in)).astype(np.float32)
        self._out = (0.5 + 0.5 * np.cos(np.pi * np.arange(1, n_out + 1) / n_out)).astype(np.float32)

    def apply(self, block: np.ndarray, offset: int) -> None:
        """Fade ``block``, samples ``offset`` onwards of the track (fade in first, as :func:`fade` does)."""
        end = offset + block.size
        if offset < self._in.size:
            block[: self._in.size - offset] *= self._in[offset:end]
        start_out = self._n - self._out.size
        if self._out.size and end > start_out:
            lo = max(offset, start_out)
            block[lo - offset :] *= self._out[lo - start_out : end - start_out]


def master(
    samples: np.ndarray,
    rate: int,
    loudness: Loudness,
    *,
    peak_margin_db: float = MP3_PEAK_MARGIN_DB,
    measure_output: bool = True,
    loudness_offset_db: float = 0.0,
) -> tuple[np.ndarray, MasterReport]:
    """Gain and true-peak limiting to ``loudness``; float32 in, float32 out, same length.

    The output's integrated loudness is within :data:`LOUDNESS_TOLERANCE_LU`
    of ``loudness.target_lufs`` and its true peak is at most
    ``loudness.true_peak_dbtp - peak_margin_db``. Silence comes back
    unchanged (``report.silent``); a track that would need more than
    :data:`MAX_GAIN_DB` is raised by that much only, with a warning.
    Deterministic: the same input gives the same output bytes.
    The whole output at once: :func:`master_in_blocks` renders it a block at a time
    (and says what ``measure_output`` and ``loudness_offset_db`` do).
    """
    track = master_in_blocks(
        samples,
        rate,
        loudness,
        peak_margin_db=peak_margin_db,
        measure_output=measure_output,
        loudness_offset_db=loudness_offset_db,
    )
    return track.samples(), track.report


class MasteredTrack:
    """A track mastered by :func:`master_in_blocks`: rendered block by block, on demand.

    Nothing but the input and the limiter's 1 ms grid is held; each block is
    the input times the gain curve (then faded), computed sample by sample, so
    :meth:`blocks` and :meth:`samples` give the same values, bit for bit, in
    any block size.
    """

    def __init__(self, output: _Rendered, size: int, report: MasterReport, fade_: _Fade | None) -> None:
        self._output = output
        self.size = size
        self.report = report
        self._fade = fade_

    def blocks(self, size: int = _PASS) -> Iterator[np.ndarray]:
        """The mastered samples, ``size`` at a time (float32, fresh arrays)."""
        for start in range(0, self.size, size):
            stop = min(self.size, start + size)
            block = self._output.read(start, stop)
            if self._fade is not None:
                self._fade.apply(block, start)
            yield block

    def samples(self) -> np.ndarray:
        """All the mastered samples in one array."""
        out = np.empty(self.size, dtype=np.float32)
        position = 0
        for block in self.blocks():
            out[position : position + block.size] = block
            position += block.size
        return out


def master_in_blocks(
    samples: np.ndarray,
    rate: int,
    loudness: Loudness,
    *,
    peak_margin_db: float = MP3_PEAK_MARGIN_DB,
    fade_ms: float = 0.0,
    measure_output: bool = True,
    loudness_offset_db: float = 0.0,
) -> MasteredTrack:
    """:func:`master`, its output rendered a block at a time: no whole-track copy is made.

    Each round renders the gain curve block by block and measures the result
    as it goes (loudness and true peak, as :func:`measure`); the track that
    comes back renders its blocks on demand, with raised-cosine fades of
    ``fade_ms`` at either end (as :func:`fade`). ``samples`` must stay
    unchanged while the track is used. A 60-minute track at 24 kHz is 346 MB
    as float32: the input is the only whole-track array.

    ``measure_output=False``: one round, not measured, for a caller that
    measures what it makes of the output anyway (the MP3 pass decodes its
    file); the report then gives the predicted loudness and the limiter's
    aim as the peak. ``loudness_offset_db``: measured minus predicted
    loudness, as such a caller learned it on an earlier pass.
    """
    if rate <= 0:
        raise ValueError(f"sample rate must be positive, got {rate}")
    x = _float32(samples)  # never written to: every block is a new array
    if not _finite(x):
        raise ValueError("samples contain NaN or infinity")
    target = float(loudness.target_lufs)
    ceiling_db = float(loudness.true_peak_dbtp) - peak_margin_db
    fader = _Fade(x.size, rate, fade_ms, fade_ms) if fade_ms else None
    if x.size == 0:
        report = MasterReport(float("-inf"), float("-inf"), float("-inf"), 0.0, False)
        return MasteredTrack(_Rendered(x, None), 0, report, fader)

    n = x.size
    # A clip shorter than a gating block is mastered as measured: zero-padded to 400 ms.
    pad = _measured_length(n, rate) - n
    work = np.concatenate([x, np.zeros(pad, dtype=np.float32)]) if pad else x
    step = _grid_step(rate)
    gates = _Gates(work.size, rate, step)
    energy, peaks = _measure(_reader(work)[1], work.size, rate, gates.cuts, step)
    input_lufs = gates.loudness(energy)
    if not math.isfinite(input_lufs):
        logger.info("silent track (nothing above %.0f LUFS): left unchanged", _ABSOLUTE_GATE_LUFS)
        report = MasterReport(input_lufs, input_lufs, _db(float(peaks.max())), 0.0, False)
        return MasteredTrack(_Rendered(x, None), n, report, fader)

    gain_db = min(target - input_lufs, MAX_GAIN_DB)
    limiter = _Limiter(peaks, rate, step)
    del peaks
    # unmeasured (the MP3 pass measures the decoded file): the output's gating blocks are never used
    output_gates = _Gates(work.size, rate, None) if measure_output else None
    limit_db = ceiling_db - _CEILING_GUARD_DB  # lowered further if the output overshoots
    offset = loudness_offset_db  # measured minus predicted loudness, learned each round
    for round_no in range(1, _MAX_ROUNDS + 1):
        gain_db, atten, predicted = _fit_gain(gates, energy, limiter, target, gain_db, limit_db, offset)
        output = _Rendered(work, _Curve(gain_db, atten, step))
        if not measure_output:
            output_lufs, peak_db = predicted, limit_db
            break
        out_energy, out_peaks = _measure(output.read, work.size, rate, output_gates.cuts, step, blocks=False)
        output_lufs = output_gates.loudness(out_energy)
        peak_db = _db(float(out_peaks.max()))
        logger.debug(
            "round %d: gain %+.2f dB, limiter at %.3f dBTP (up to %.2f dB) -> %.3f LUFS "
            "(predicted %.3f), %.3f dBTP",
            round_no,
            gain_db,
            limit_db,
            float(atten.max()),
            output_lufs,
            predicted,
            peak_db,
        )
        loud_ok = abs(output_lufs - target) <= LOUDNESS_TOLERANCE_LU or (
            gain_db >= MAX_GAIN_DB and output_lufs < target
        )
        peak_ok = peak_db <= ceiling_db
        if loud_ok and peak_ok:
            break
        offset += output_lufs - predicted
        if not peak_ok:
            limit_db -= peak_db - ceiling_db + _CEILING_GUARD_DB
    else:
        if not peak_ok:  # not seen in practice; the ceiling wins over loudness
            output.scale = np.float32(10 ** ((ceiling_db - _CEILING_GUARD_DB - peak_db) / 20))
            out_energy, out_peaks = _measure(
                output.read, work.size, rate, output_gates.cuts, step, blocks=False
            )
            output_lufs = output_gates.loudness(out_energy)
            peak_db = _db(float(out_peaks.max()))
        logger.warning(
            "mastering stopped at %.2f LUFS, %.2f dBTP (target %.1f LUFS, ceiling %.1f dBTP)",
            output_lufs,
            peak_db,
            target,
            ceiling_db,
        )
    if gain_db >= MAX_GAIN_DB and output_lufs < target - LOUDNESS_TOLERANCE_LU:
        logger.warning(
            "track is very quiet (%.1f LUFS): raised by the most allowed, %.0f dB, to %.1f LUFS",
            input_lufs,
            MAX_GAIN_DB,
            output_lufs,
        )
    max_atten = float(atten.max())
    report = MasterReport(
        input_lufs=input_lufs,
        output_lufs=output_lufs,
        true_peak_dbtp=peak_db,
        gain_db=gain_db,
        limited=max_atten > _LIMITED_DB,
    )
    logger.debug("mastered %.1f s: %s", n / rate, report)
    return MasteredTrack(output, n, report, fader)


# --------------------------------------------------------------------------- internals


def _mono(samples: np.ndarray) -> np.ndarray:
    x = np.asarray(samples)
    if x.ndim != 1:
        raise ValueError(f"expected mono samples (1-D), got shape {x.shape}")
    if not np.issubdtype(x.dtype, np.floating):
        raise ValueError(f"expected float samples in [-1, 1], got {x.dtype}")
    return x


def _reader(samples: np.ndarray | SampleSource) -> tuple[int, Callable[[int, int], np.ndarray]]:
    """(length, ``read(lo, hi)``) of an array of mono float samples (as float32) or of a :class:`SampleSource`."""
    if not hasattr(samples, "read"):
        x = _float32(samples)
        return x.size, lambda lo, hi: x[lo:hi]
    return samples.size, samples.read


def _finite(x: np.ndarray) -> bool:
    """No NaN or infinity in ``x``, checked a chunk at a time (no whole-track boolean copy)."""
    return all(np.isfinite(x[i : i + _PASS]).all() for i in range(0, x.size, _PASS))


def _float32(samples: np.ndarray) -> np.ndarray:
    """Mono samples as float32, without a copy when they already are (a 60-minute track is 320 MB)."""
    return np.asarray(_mono(samples), dtype=np.float32)


def _db(amplitude: float) -> float:
    return 20.0 * math.log10(amplitude) if amplitude > 0 else float("-inf")


def _measured_length(n: int, rate: int) -> int:
    """Length a clip is measured at: at least one gating block (zero-padded)."""
    return max(n, math.ceil(_BLOCK_S * rate))


def _grid_step(rate: int) -> int:
    """Samples per limiter grid block: about 1 ms."""
    return max(1, round(rate / 1000))


def _gated_loudness(z: np.ndarray) -> float:
    """BS.1770-4 gating of block mean squares ``z``, as pyloudnorm does it."""
    with np.errstate(divide="ignore"):
        block = -0.691 + 10.0 * np.log10(z)
    above = block >= _ABSOLUTE_GATE_LUFS
    if not above.any():
        return float("-inf")
    relative = -0.691 + 10.0 * math.log10(float(np.mean(z[above]))) + _RELATIVE_GATE_LU
    keep = (block > relative) & (block > _ABSOLUTE_GATE_LUFS)
    if not keep.any():
        return float("-inf")
    return -0.691 + 10.0 * math.log10(float(np.mean(z[keep])))


class _Gates:
    """The gating blocks of an ``n``-sample signal, for loudness from segment energies.

    ``cuts`` are the sample indices where a gating block starts or ends and,
    with ``step``, every grid block edge; :func:`_measure` sums the
    K-weighted power between consecutive cuts. Block edges, the short-clip
    padding and the gating match pyloudnorm's ``Meter.integrated_loudness``.
    """

    def __init__(self, n: int, rate: int, step: int | None) -> None:
        duration = _measured_length(n, rate) / rate
        hop = 1.0 - _OVERLAP
        count = int(np.round((duration - _BLOCK_S) / (_BLOCK_S * hop))) + 1
        j = np.arange(count)
        lower = np.minimum((_BLOCK_S * (j * hop) * rate).astype(np.int64), n)
        upper = np.minimum((_BLOCK_S * (j * hop + 1) * rate).astype(np.int64), n)
        cuts = np.unique(np.concatenate([lower, upper, [0, n]]))
        if step is not None:  # merge in the grid (sorting it all would take longer)
            grid = np.arange(0, n, step)
            extra = cuts[cuts % step != 0]
            cuts = np.insert(grid, np.searchsorted(grid, extra), extra)
            if cuts[-1] != n:
                cuts = np.append(cuts, n)
        self.cuts = cuts
        self._lower = np.searchsorted(cuts, lower)
        self._upper = np.searchsorted(cuts, upper)
        self._scale = 1.0 / (_BLOCK_S * rate)
        self._block_of = cuts[:-1] // step if step is not None else None

    def loudness(self, energy: np.ndarray, block_power: np.ndarray | None = None) -> float:
        """LUFS from segment energies, each grid block's scaled by ``block_power``."""
        if block_power is not None:
            energy = energy * block_power[self._block_of]
        total = np.concatenate([[0.0], np.cumsum(energy)])
        z = (total[self._upper] - total[self._lower]) * self._scale
        return _gated_loudness(np.maximum(z, 0.0))


def _add_energy(energy: np.ndarray, cuts: np.ndarray, weighted: np.ndarray, start: int, stop: int) -> None:
    """Add the power of K-weighted samples ``start..stop`` to the segments between ``cuts`` they fall in."""
    np.square(weighted, out=weighted)
    first = int(np.searchsorted(cuts, start, side="right")) - 1  # segment holding start
    last = int(np.searchsorted(cuts, stop, side="left"))  # cuts inside the chunk
    edges = np.concatenate([[0], cuts[first + 1 : last] - start])
    energy[first : first + edges.size] += np.add.reduceat(weighted, edges)


def _measure(
    read: Callable[[int, int], np.ndarray],
    n: int,
    rate: int,
    cuts: np.ndarray,
    step: int,
    *,
    blocks: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """One chunked pass over ``n`` samples (``read(lo, hi)`` gives ``x[lo:hi]``): K-weighted
    energy between consecutive ``cuts``, true peak per grid block (``blocks``) or only the
    largest (one value, computed only where the samples could reach it).

    Each chunk is read once, with the context its true peaks need either side.
    """
    weigh = KWeighting(rate)
    energy = np.zeros(cuts.size - 1)
    peaks = np.empty(-(-n // step) if blocks else 1, dtype=np.float32)
    tracker = PeakTracker((ANNEX_2,))
    span = step * max(1, _PASS // step)
    for start in range(0, n, span):
        stop = min(n, start + span)
        if blocks:
            lo, hi = max(0, start - _TP_HALF), min(n, reach_after(start, stop, step, ANNEX_2))
            chunk = read(lo, hi)
            peaks[start // step : -(-stop // step)] = block_peaks(chunk, start - lo, stop - lo, step, ANNEX_2)
        else:
            chunk = context(read, n, start, stop, _TP_HALF)
            lo = start - _TP_HALF
            tracker.add(chunk)
        _add_energy(energy, cuts, weigh(chunk[start - lo : stop - lo]), start, stop)
    if not blocks:
        peaks[0] = tracker.peak
    return energy, peaks


def _running_max(x: np.ndarray, before: int, after: int) -> np.ndarray:
    """``out[i] = max(x[i - before : i + after + 1])``, -inf beyond the ends."""
    padded = np.concatenate([np.full(before, -np.inf), x, np.full(after, -np.inf)])
    return np.lib.stride_tricks.sliding_window_view(padded, before + after + 1).max(axis=1)


class _Limiter:
    """Look-ahead true-peak limiter on a grid of ``step``-sample blocks."""

    def __init__(self, peaks: np.ndarray, rate: int, step: int) -> None:
        with np.errstate(divide="ignore"):
            peaks_db = 20 * np.log10(np.append(peaks, 0).astype(np.float64))
        # A grid point bounds the blocks either side of it; the filter reaches _TP_HALF further.
        reach = 1 + -(-_TP_HALF // step)
        lookahead = max(1, round(LOOKAHEAD_MS * rate / 1000 / step))
        before, after = reach, reach + lookahead
        # Holding commutes with the gain's shift and the clamp at 0 dB: hold once, here.
        self._held_db = _running_max(peaks_db, before, after)
        first = lookahead // 2 + 1
        self._attack = np.convolve(np.ones(first), np.ones(lookahead + 2 - first))
        self._attack /= self._attack.sum()  # triangular, lookahead + 1 long
        self._ramp = np.arange(peaks_db.size) * (step / (RELEASE_MS / 1000 * rate))

    def attenuation(self, gain_db: float, limit_db: float) -> np.ndarray:
        """Attenuation in dB at each grid point (one more than blocks) after ``gain_db``."""
        held = self._held_db + (gain_db - limit_db)
        np.maximum(held, 0.0, out=held)
        if not held.any():
            return held
        with np.errstate(divide="ignore"):
            np.log(held, out=held)
        held += self._ramp
        np.maximum.accumulate(held, out=held)
        held -= self._ramp
        released = np.exp(held, out=held)
        lead = self._attack.size - 1
        padded = np.concatenate([np.full(lead, released[0]), released])
        return np.maximum(np.convolve(padded, self._attack, "valid"), 0.0)


def _fit_gain(
    gates: _Gates,
    energy: np.ndarray,
    limiter: _Limiter,
    target: float,
    gain_db: float,
    limit_db: float,
    offset: float,
) -> tuple[float, np.ndarray, float]:
    """The gain (capped) whose limited output is predicted at ``target``.

    Secant steps on the loudness predicted from the input's block energies;
    returns the gain, the limiter's attenuation and the prediction.
    """
    previous: tuple[float, float] | None = None
    for _ in range(_MAX_MODEL_STEPS):
        atten = limiter.attenuation(gain_db, limit_db)
        power = 10 ** (-atten / 10)
        predicted = gates.loudness(energy, 0.5 * (power[:-1] + power[1:])) + gain_db + offset
        error = target - predicted
        if abs(error) < LOUDNESS_TOLERANCE_LU / 10:
            break
        slope = 1.0
        if previous is not None and gain_db != previous[0]:
            slope = min(1.0, max(0.05, (predicted - previous[1]) / (gain_db - previous[0])))
        previous = (gain_db, predicted)
        new_gain = min(MAX_GAIN_DB, gain_db + error / slope)
        if new_gain == gain_db:
            break
        gain_db = new_gain
    return gain_db, atten, predicted


class _Curve:
    """A gain of ``gain_db`` less the limiter's attenuation ``atten`` (dB at each grid point),
    interpolated linearly between grid points, as float32 gains."""

    def __init__(self, gain_db: float, atten: np.ndarray, step: int) -> None:
        self.gain = (10 ** ((gain_db - atten) / 20)).astype(np.float32)
        self.flat = not atten.any()
        self.step = step
        self.frac = (np.arange(step) / step).astype(np.float32)

    def apply(self, x: np.ndarray, lo: int) -> np.ndarray:
        """``x`` (samples ``lo`` onwards) times the curve: a new float32 array."""
        if self.flat:
            return x * self.gain[0]
        step, hi = self.step, lo + x.size
        first = lo // step
        g = self.gain[first : -(-hi // step) + 1]
        curve = (g[1:] - g[:-1])[:, None] * self.frac
        curve += g[:-1, None]
        return np.multiply(x, curve.ravel()[lo - first * step : hi - first * step])


class _Rendered:
    """``x`` times a :class:`_Curve` (``None``: unchanged), then times ``scale`` when set,
    for any range of samples: each value is computed on its own, so any ranges
    give the same values as the whole."""

    def __init__(self, x: np.ndarray, curve: _Curve | None) -> None:
        self._x = x
        self._curve = curve
        self.scale: np.float32 | None = None

    def read(self, lo: int, hi: int) -> np.ndarray:
        x = self._x[lo:hi]
        y = x.copy() if self._curve is None else self._curve.apply(x, lo)
        if self.scale is not None:
            y *= self.scale
        return y
