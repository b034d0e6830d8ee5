"""Telephone audio: band limit, resample and level speech for G.711 lines; write the files PBXes play.

Telephone mastering, from the mastered track samples (numpy only: the filters
are :mod:`audioguide.audio.fir`'s and :mod:`audioguide.audio.iir`'s, the
designs scipy's, which the tests hold them to):

1. band limit, zero phase: a Kaiser-window FIR low-pass at the source rate
   (pass band to 3400 Hz, at least :data:`STOPBAND_DB` down from 3600 Hz;
   7000/7600 Hz for 16 kHz), its delay removed; then the high-pass. For the
   8 kHz files a linear-phase Kaiser FIR at the output rate: flat (within
   0.01 dB) from 300 Hz, at least :data:`STOPBAND_DB` down at 250 Hz and
   below (a 4th-order Butterworth left the 150-200 Hz band only 16 dB under
   the speech band, and 200-300 Hz hardly lower). For 16 kHz a Butterworth
   (order :data:`HIGHPASS_ORDER`, forward and backward, -3 dB at 50 Hz);
2. resample to 8 or 16 kHz (polyphase, ``resample_poly``'s Kaiser filter);
3. level the *active speech* to :data:`TARGET_DBOV` (-22 dBov, RMS 2600 of
   32767: RFC 7874 §4's -19 dBm0), measured as ITU-T P.56 method B does
   (:func:`active_speech_dbov`: the ITU-T STL ``actlev`` algorithm). dBov here
   is 10 log10 of the mean square with full scale 1.0 (a full-scale sine is
   -3.01 dBov);
4. a zero-overshoot look-ahead peak limiter holds every sample at or below
   :data:`PEAK_CEILING_DBFS` (-1 dBFS) before G.711 encoding; the gain is
   re-fitted so the limited speech still lands on the target.

No music bed is added (voice activity detection on low-bit-rate codecs can
turn sustained tones into comfort noise).

The files: raw G.711 μ-law and A-law (``.ulaw``, ``.alaw``: 8 kHz mono, no
header, one byte a sample), 8 kHz 16-bit mono WAV and raw 16 kHz 16-bit
signed linear (``.sln16``, for wideband calls), written from streams of
16-bit frames so that a long hold programme is never held in memory.
"""

from __future__ import annotations

import logging
import math
import sys
import warnings
import wave
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from audioguide.audio import fir, iir
from audioguide.audio.pcm import to_int16

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Band:
    """A telephone band: output rate, high-pass edge, low-pass pass/stop edges (Hz).

    With ``low_stop_hz`` the high-pass is a linear-phase FIR at the output
    rate, flat from ``low_hz`` and :data:`STOPBAND_DB` down at ``low_stop_hz``;
    without, a Butterworth with -3 dB at ``low_hz``.
    """

    rate: int
    low_hz: float
    high_hz: float
    stop_hz: float
    low_stop_hz: float | None = None


NARROWBAND = Band(8000, 300.0, 3400.0, 3600.0, 250.0)  # ITU-T P.48 telephone band, G.711
WIDEBAND = Band(16000, 50.0, 7000.0, 7600.0)  # G.722 band, .sln16
HIGHPASS_ORDER = 4  # Butterworth, run twice (forward and backward)
STOPBAND_DB = 60.0  # FIR low-pass attenuation from the stop edge up
TARGET_DBOV = -22.0  # active speech RMS (about -19 dBm0, RFC 7874 §4)
PEAK_CEILING_DBFS = -1.0  # sample peak before G.711 encoding
P56_TIME_CONSTANT_S = 0.03  # P.56 method B: envelope smoothing
P56_HANGOVER_S = 0.2  # ... activity kept this long after the envelope falls below a threshold
P56_MARGIN_DB = 15.9  # ... the active level is this far above its threshold
P56_THRESHOLDS = tuple(2.0 ** -(15 - j) for j in range(15))  # 2^-15 ... 2^-1 of full scale
LIMITER_HOLD_MS = 10.0  # gain reaches its minimum this long before a peak, holds, recovers
LEVEL_TOLERANCE_DB = 0.05


@lru_cache(maxsize=8)
def _highpass_sos(rate: int, low_hz: float) -> iir.Sections:
    # |H|^2 of the forward-backward pair is -3 dB at low_hz: (fc/f)^(2n) = sqrt(2) - 1.
    cutoff = low_hz * (math.sqrt(2) - 1) ** (1 / (2 * HIGHPASS_ORDER))
    return iir.butterworth_highpass(HIGHPASS_ORDER, cutoff, rate)


@lru_cache(maxsize=8)
def _lowpass_fir(rate: int, high_hz: float, stop_hz: float) -> np.ndarray:
    numtaps, beta = fir.kaiser_order(STOPBAND_DB, (stop_hz - high_hz) / (rate / 2))
    numtaps |= 1  # odd: a whole-sample delay, removed exactly
    return fir.kaiser_fir(numtaps, (high_hz + stop_hz) / rate, beta)


@lru_cache(maxsize=8)
def _highpass_fir(rate: int, stop_hz: float, pass_hz: float) -> np.ndarray:
    numtaps, beta = fir.kaiser_order(STOPBAND_DB, (pass_hz - stop_hz) / (rate / 2))
    numtaps |= 1  # odd (a high-pass FIR must be), a whole-sample delay
    return fir.kaiser_fir(numtaps, (pass_hz + stop_hz) / rate, beta, highpass=True)


def _fir(x: np.ndarray, taps: np.ndarray) -> np.ndarray:
    """Linear-phase FIR with its delay removed (same length, float64)."""
    delay = taps.size // 2
    return fir.convolve(x, taps)[delay : delay + x.size]


def band_limit(samples: np.ndarray, rate: int, band: Band) -> np.ndarray:
    """Low-pass at ``rate``, resample to ``band.rate``, high-pass (all zero phase); float64."""
    x = np.asarray(samples, dtype=np.float64)
    if x.size == 0:
        return x
    y = _fir(x, _lowpass_fir(rate, band.high_hz, band.stop_hz))
    if band.low_stop_hz is None and y.size > 3 * 2 * HIGHPASS_ORDER:
        y = iir.filtfilt(_highpass_sos(rate, band.low_hz), y)
    g = math.gcd(band.rate, rate)
    y = fir.resample_poly(y, band.rate // g, rate // g)
    if band.low_stop_hz is not None:
        y = _fir(y, _highpass_fir(band.rate, band.low_stop_hz, band.low_hz))
    return y


def _envelope(x: np.ndarray, rate: int) -> np.ndarray:
    """P.56's envelope: |x| through a one-pole smoother (time constant 0.03 s), twice."""
    g = math.exp(-1.0 / (rate * P56_TIME_CONSTANT_S))
    smoother = (1 - g, 0.0, 0.0), (1.0, -g, 0.0)
    return iir.CascadeFilter((smoother, smoother))(np.abs(x))


def active_speech_dbov(samples: np.ndarray, rate: int) -> float:
    """Active speech level in dBov (full scale 1.0), ITU-T P.56 method B; -inf when nothing is active.

    The rectified signal smoothed twice (time constant 0.03 s) is the
    envelope; at each of 15 thresholds (2^-15 ... 2^-1) a sample is active
    while the envelope is at or above the threshold and for 0.2 s after;
    the active level at a threshold is the mean square over its active
    samples. The level is where it lies 15.9 dB above its threshold,
    interpolated linearly (in dB) between the two thresholds that bracket
    that point (the STL's ``actlev`` bisects to 0.5 dB of margin instead).
    """
    x = np.asarray(samples, dtype=np.float64)
    energy = float(np.dot(x, x))
    if x.size == 0 or energy == 0.0:
        return float("-inf")
    hangover = math.floor(P56_HANGOVER_S * rate + 0.5)
    # a sample is active at a threshold when the envelope reached it within the hangover before it
    reached = fir.trailing_max(_envelope(x, rate), hangover + 1)
    levels: list[float] = []
    margins: list[float] = []
    for threshold in P56_THRESHOLDS:
        active = int(np.count_nonzero(reached >= threshold))
        if active == 0:
            break
        level = 10 * math.log10(energy / active)
        margin = level - 20 * math.log10(threshold)
        if margin <= P56_MARGIN_DB:
            if not levels:
                return level
            # linear in dB between the previous threshold and this one: margin(t) = P56_MARGIN_DB
            t = (margins[-1] - P56_MARGIN_DB) / (margins[-1] - margin)
            return levels[-1] + t * (level - levels[-1])
        levels.append(level)
        margins.append(margin)
    return float("-inf")


def peak_limit(samples: np.ndarray, rate: int, ceiling_dbfs: float = PEAK_CEILING_DBFS) -> np.ndarray:
    """Every sample at or below ``ceiling_dbfs``, by a smooth look-ahead gain.

    The gain each sample needs is held over ±:data:`LIMITER_HOLD_MS` (a minimum
    filter) and then averaged over the same span: an average of values that
    are all at most the need at its centre, so no sample overshoots, and the
    gain moves in linear ramps of twice the hold time.
    """
    x = np.asarray(samples, dtype=np.float64)
    ceiling = 10 ** (ceiling_dbfs / 20) * (1 - 1e-9)
    magnitude = np.abs(x)
    if x.size == 0 or float(magnitude.max()) <= ceiling:
        return x
    need = np.minimum(1.0, ceiling / np.maximum(magnitude, 1e-12))
    half = max(1, round(LIMITER_HOLD_MS / 1000 * rate))
    gain = np.minimum(fir.running_mean(fir.running_min(need, half), half), need)
    return x * gain


def telephone_master(samples: np.ndarray, rate: int, band: Band) -> np.ndarray:
    """Band-limited, resampled, levelled and peak-limited 16-bit samples at ``band.rate``."""
    y = band_limit(samples, rate, band)
    level = active_speech_dbov(y, band.rate)
    if not math.isfinite(level):
        logger.info("silent audio: left at its level")
        return to_int16(peak_limit(y, band.rate))
    gain_db = TARGET_DBOV - level
    out = y
    for _ in range(4):  # the limiter lowers the active level a little: correct for it
        out = peak_limit(y * 10 ** (gain_db / 20), band.rate)
        error = TARGET_DBOV - active_speech_dbov(out, band.rate)
        if abs(error) <= LEVEL_TOLERANCE_DB:
            break
        gain_db += error
    return to_int16(out)


# --------------------------------------------------------------------------- files


def write_wav(path: Path, pcm: np.ndarray | Iterable[bytes], rate: int) -> None:
    """A 16-bit mono PCM WAV from samples or from a stream of little-endian frames."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        if isinstance(pcm, np.ndarray):
            out.writeframes(pcm.astype("<i2").tobytes())
        else:
            for chunk in pcm:
                out.writeframes(chunk)


def read_wav_pcm(path: Path) -> bytes:
    """The frames of a 16-bit mono WAV written by :func:`write_wav`."""
    with wave.open(str(path), "rb") as source:
        return source.readframes(source.getnframes())


G711_CHUNK_FRAMES = 1 << 16  # samples encoded at a time: memory stays flat for any length


def _audioop():
    """The standard library's audio codecs (``audioop-lts`` on Python 3.13+, which pydub needs too);
    deprecated on 3.11-3.12, which is not the user's concern."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import audioop
    return audioop


def encode_g711(wav: Path, ulaw: Path, alaw: Path) -> None:
    """Raw μ-law and A-law files from an 8 kHz 16-bit WAV, by the standard library's G.711 encoders.

    In this process, a block at a time: two ffmpeg processes per file cost ~45 ms of CPU and
    ~100 ms of wall for what is a table look-up per sample. (audioop's A-law is the ITU-T G.191
    reference's bit for bit; its μ-law is the common Sun/CCITT coder.)
    """
    g711 = _audioop()
    try:
        with wave.open(str(wav), "rb") as source, open(ulaw, "wb") as mu, open(alaw, "wb") as a:
            while frames := source.readframes(G711_CHUNK_FRAMES):
                if sys.byteorder == "big":  # WAV samples are little-endian, audioop's native
                    frames = g711.byteswap(frames, 2)
                mu.write(g711.lin2ulaw(frames, 2))
                a.write(g711.lin2alaw(frames, 2))
    except BaseException:
        ulaw.unlink(missing_ok=True)  # no half-written file
        alaw.unlink(missing_ok=True)
        raise


def write_set(folder: Path, stem: str, narrow: Iterable[bytes], wide: Iterable[bytes]) -> list[Path]:
    """``stem``.wav, .sln16, .ulaw and .alaw from 8 kHz and 16 kHz 16-bit frames."""
    wav = folder / f"{stem}.wav"
    write_wav(wav, narrow, NARROWBAND.rate)
    sln16 = folder / f"{stem}.sln16"
    with open(sln16, "wb") as out:
        out.writelines(wide)
    ulaw, alaw = folder / f"{stem}.ulaw", folder / f"{stem}.alaw"
    encode_g711(wav, ulaw, alaw)
    return [ulaw, alaw, wav, sln16]


def silence(samples: int) -> bytes:
    """``samples`` of 16-bit silence."""
    return bytes(2 * samples)
