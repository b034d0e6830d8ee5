"""The numpy filters of the telephone chain and of resampling, held to scipy's on real speech.

scipy is a test-only reference here: the code under test never imports it
(importing ``scipy.signal`` costs every process 0.65 s of serial start).
Tolerances: float64 rounding for the float64 paths (1e-9 of full scale at
most, far below a 16-bit step of 3e-5); the finished telephone files within
one 16-bit step of the scipy chain and the same P.56 level to 0.01 dB.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import numpy as np
import pytest
from cli_helpers import LOADED_MODULES, piper_speech
from scipy.ndimage import minimum_filter1d, uniform_filter1d
from scipy.signal import butter, firwin, kaiserord, lfilter, oaconvolve, resample_poly, sosfiltfilt

from audioguide.audio import fir, iir, telephone
from audioguide.audio.pcm import to_int16
from audioguide.audio.resample import resample
from audioguide.synth.engines.base import Audio

TEXT = (
    "Keep the knee raised when you sit down. Put an ice pack on it for fifteen minutes at a time! "
    "Call the clinic if the knee becomes hot, red or very swollen, or if you have a fever."
)
FLOAT64 = 1e-9  # of full scale: float64 rounding through long filters, with a wide margin
RATES = (22050, 24000)  # Piper's and hibari's rates
BANDS = (telephone.NARROWBAND, telephone.WIDEBAND)


@pytest.fixture(scope="module")
def speech() -> Audio:
    """About 8 s of real speech (Piper, 22.05 kHz)."""
    return piper_speech(TEXT)


@pytest.fixture(scope="module", params=RATES)
def voice(request, speech: Audio) -> tuple[np.ndarray, int]:
    """The speech at each voice rate (float64), resampled by scipy where needed."""
    rate = request.param
    x = speech.samples.astype(np.float64)
    if rate != speech.sample_rate:
        g = math.gcd(rate, speech.sample_rate)
        x = resample_poly(x, rate // g, speech.sample_rate // g)
    return x, rate


# --------------------------------------------------------------------------- FIR design and filtering


@pytest.mark.parametrize("band", BANDS, ids=["narrow", "wide"])
@pytest.mark.parametrize("rate", RATES)
def test_kaiser_design_is_scipys(band: telephone.Band, rate: int) -> None:
    width = (band.stop_hz - band.high_hz) / (rate / 2)
    assert fir.kaiser_order(telephone.STOPBAND_DB, width) == pytest.approx(
        kaiserord(telephone.STOPBAND_DB, width)
    )
    numtaps, beta = kaiserord(telephone.STOPBAND_DB, width)
    numtaps |= 1
    cutoff = (band.high_hz + band.stop_hz) / 2
    ours = fir.kaiser_fir(numtaps, cutoff / (rate / 2), beta)
    assert np.abs(ours - firwin(numtaps, cutoff, window=("kaiser", beta), fs=rate)).max() < 1e-12
    high = telephone.NARROWBAND
    numtaps, beta = kaiserord(telephone.STOPBAND_DB, (high.low_hz - high.low_stop_hz) / (high.rate / 2))
    numtaps |= 1
    cutoff = (high.low_hz + high.low_stop_hz) / 2
    ours = fir.kaiser_fir(numtaps, cutoff / (high.rate / 2), beta, highpass=True)
    scipys = firwin(numtaps, cutoff, window=("kaiser", beta), pass_zero=False, fs=high.rate)
    assert np.abs(ours - scipys).max() < 1e-12


def test_fft_convolution_is_scipys(voice: tuple[np.ndarray, int]) -> None:
    x, rate = voice
    for band in BANDS:
        taps = telephone._lowpass_fir(rate, band.high_hz, band.stop_hz)
        reference = oaconvolve(x, taps)
        ours = fir.convolve(x, taps)
        assert ours.shape == reference.shape
        assert np.abs(ours - reference).max() < FLOAT64
    assert fir.convolve(x[:3], taps).shape == (3 + taps.size - 1,)  # shorter than the filter


@pytest.mark.parametrize(
    "source, target",
    [(22050, 8000), (22050, 16000), (24000, 8000), (24000, 16000), (22050, 24000), (24000, 22050)],
)
def test_polyphase_resampling_is_scipys(speech: Audio, source: int, target: int) -> None:
    x = speech.samples.astype(np.float64)
    g = math.gcd(source, target)
    up, down = target // g, source // g
    reference = resample_poly(x, up, down)
    ours = fir.resample_poly(x, up, down)
    assert ours.shape == reference.shape
    assert np.abs(ours - reference).max() < FLOAT64
    for n in (0, 1, 2, 7, 441, 442):  # lengths around the period and the filter
        assert np.allclose(fir.resample_poly(x[:n], up, down), resample_poly(x[:n], up, down), atol=FLOAT64)


def test_resample_for_mixed_voices_is_scipys_to_float32(speech: Audio) -> None:
    """The mixed-voice path: float32 in and out, as close to scipy's float32 result as float32 allows."""
    ours = resample(speech.samples, 22050, 24000)
    reference = resample_poly(speech.samples.astype(np.float32), 160, 147)
    assert ours.dtype == np.float32 and ours.shape == reference.shape
    assert np.abs(ours - reference).max() < 1e-5  # float32 accumulation in scipy's filter


# --------------------------------------------------------------------------- IIR and running filters


@pytest.mark.parametrize("rate", RATES)
def test_butterworth_zero_phase_high_pass_is_scipys(voice: tuple[np.ndarray, int], rate: int) -> None:
    x, voice_rate = voice
    cutoff = telephone.WIDEBAND.low_hz * (math.sqrt(2) - 1) ** (1 / (2 * telephone.HIGHPASS_ORDER))
    sos = butter(telephone.HIGHPASS_ORDER, cutoff, btype="highpass", fs=rate, output="sos")
    ours = iir.butterworth_highpass(telephone.HIGHPASS_ORDER, cutoff, rate)
    assert np.abs(np.array([[*b, *a] for b, a in ours]) - sos).max() < 1e-12
    assert np.abs(iir.filtfilt(ours, x) - sosfiltfilt(sos, x)).max() < FLOAT64


def test_p56_envelope_is_scipys_lfilter(voice: tuple[np.ndarray, int]) -> None:
    x, rate = voice
    g = math.exp(-1.0 / (rate * telephone.P56_TIME_CONSTANT_S))
    reference = lfilter([1 - g], [1, -g], lfilter([1 - g], [1, -g], np.abs(x)))
    assert np.abs(telephone._envelope(x, rate) - reference).max() < FLOAT64


@pytest.mark.parametrize("half", [1, 80, 160])
def test_running_minimum_and_mean_are_scipys(voice: tuple[np.ndarray, int], half: int) -> None:
    x, _ = voice
    need = np.minimum(1.0, 0.5 / np.maximum(np.abs(x), 1e-12))  # the limiter's input: gains up to 1
    size = 2 * half + 1
    assert np.array_equal(fir.running_min(need, half), minimum_filter1d(need, size=size, mode="nearest"))
    reference = uniform_filter1d(need, size=size, mode="nearest")
    assert np.abs(fir.running_mean(need, half) - reference).max() < FLOAT64
    short = need[:5]  # shorter than the window: the edges fill it
    assert np.array_equal(fir.running_min(short, half), minimum_filter1d(short, size=size, mode="nearest"))
    assert np.allclose(fir.running_mean(short, half), uniform_filter1d(short, size=size, mode="nearest"))


@pytest.mark.parametrize("length", [1, 2, 7, 1601])
def test_trailing_maximum_is_the_maximum_of_the_samples_up_to_each(length: int) -> None:
    x = np.random.default_rng(length).standard_normal(3000)
    reference = np.array([x[max(0, i - length + 1) : i + 1].max() for i in range(x.size)])
    assert np.array_equal(fir.trailing_max(x, length), reference)
    assert np.array_equal(fir.trailing_max(x[:3], length), reference[:3])  # shorter than the window


def _p56_by_threshold(x: np.ndarray, rate: int) -> float:
    """P.56 method B as its text says it: at each threshold, the samples the envelope was at or above
    it within the hangover before them."""
    energy = float(np.dot(x, x))
    envelope = telephone._envelope(x, rate)
    hangover = math.floor(telephone.P56_HANGOVER_S * rate + 0.5)
    positions = np.arange(x.size)
    levels, margins = [], []
    for threshold in telephone.P56_THRESHOLDS:
        last_above = np.maximum.accumulate(np.where(envelope >= threshold, positions, -1))
        active = int(np.count_nonzero((last_above >= 0) & (positions - last_above <= hangover)))
        if active == 0:
            break
        level = 10 * math.log10(energy / active)
        margin = level - 20 * math.log10(threshold)
        if margin <= telephone.P56_MARGIN_DB:
            if not levels:
                return level
            t = (margins[-1] - telephone.P56_MARGIN_DB) / (margins[-1] - margin)
            return levels[-1] + t * (level - levels[-1])
        levels.append(level)
        margins.append(margin)
    return float("-inf")


@pytest.mark.parametrize("scale", [1.0, 0.01, 1e-4])
def test_p56_level_is_the_per_threshold_definitions(voice: tuple[np.ndarray, int], scale: float) -> None:
    x, rate = voice
    x = x * scale
    x[: x.size // 3] = 0.0  # a silent stretch: the hangover's edge matters
    assert telephone.active_speech_dbov(x, rate) == _p56_by_threshold(x, rate)


# --------------------------------------------------------------------------- the finished telephone audio


def _scipy_band_limit(samples: np.ndarray, rate: int, band: telephone.Band) -> np.ndarray:
    """The telephone band limit written with scipy.signal (low-pass, high-pass, resample)."""

    def fir_filter(x: np.ndarray, taps: np.ndarray) -> np.ndarray:
        delay = taps.size // 2
        return oaconvolve(x, taps)[delay : delay + x.size]

    def design(rate: int, low: float, high: float, highpass: bool) -> np.ndarray:
        numtaps, beta = kaiserord(telephone.STOPBAND_DB, (high - low) / (rate / 2))
        return firwin(numtaps | 1, (low + high) / 2, window=("kaiser", beta), pass_zero=not highpass, fs=rate)

    y = fir_filter(samples.astype(np.float64), design(rate, band.high_hz, band.stop_hz, False))
    if band.low_stop_hz is None:
        cutoff = band.low_hz * (math.sqrt(2) - 1) ** (1 / (2 * telephone.HIGHPASS_ORDER))
        y = sosfiltfilt(butter(telephone.HIGHPASS_ORDER, cutoff, btype="highpass", fs=rate, output="sos"), y)
    g = math.gcd(band.rate, rate)
    y = resample_poly(y, band.rate // g, rate // g)
    if band.low_stop_hz is not None:
        y = fir_filter(y, design(band.rate, band.low_stop_hz, band.low_hz, True))
    return y


def _scipy_master(reference: np.ndarray, rate: int) -> np.ndarray:
    """telephone_master's levelling of a band-limited signal: P.56 gain, limiter, re-fitted gain."""
    gain_db = telephone.TARGET_DBOV - telephone.active_speech_dbov(reference, rate)
    for _ in range(4):
        out = telephone.peak_limit(reference * 10 ** (gain_db / 20), rate)
        error = telephone.TARGET_DBOV - telephone.active_speech_dbov(out, rate)
        if abs(error) <= telephone.LEVEL_TOLERANCE_DB:
            break
        gain_db += error
    return to_int16(out)


@pytest.mark.parametrize("band", BANDS, ids=["narrow", "wide"])
def test_telephone_audio_matches_the_scipy_chain(voice: tuple[np.ndarray, int], band: telephone.Band) -> None:
    """Band limit to float64 rounding; the finished 16-bit audio within one step, the same P.56 level."""
    x, rate = voice
    limited = telephone.band_limit(x, rate, band)
    reference = _scipy_band_limit(x, rate, band)
    assert limited.shape == reference.shape
    assert np.abs(limited - reference).max() < FLOAT64
    pcm = telephone.telephone_master(x, rate, band)
    expected = _scipy_master(reference, band.rate)
    assert pcm.shape == expected.shape
    assert np.abs(pcm.astype(np.int32) - expected).max() <= 1
    level = telephone.active_speech_dbov(pcm / 32768.0, band.rate)
    assert level == pytest.approx(telephone.active_speech_dbov(expected / 32768.0, band.rate), abs=0.01)
    assert abs(level - telephone.TARGET_DBOV) <= 0.3
    assert np.abs(pcm).max() <= round(10 ** (telephone.PEAK_CEILING_DBFS / 20) * 32767)


# --------------------------------------------------------------------------- no scipy at run time


@pytest.mark.slow
def test_a_phone_build_never_imports_scipy(tmp_path) -> None:
    """The phone format (every track and the hold programme) is rendered without scipy.

    The first build synthesizes (hibari may load ``scipy.fft`` for its own
    FFT, never ``scipy.signal`` or ``scipy.ndimage``); the second renders the
    same clips from the cache into a new folder and loads no scipy at all.
    """
    source = tmp_path / "knee.txt"
    source.write_text(f"Caring for Your Knee\n\n{TEXT}\n\nThe First Week\n\n{TEXT}\n", encoding="utf-8")
    env = {**os.environ, "AUDIOGUIDE_CACHE_DIR": str(tmp_path / "cache")}
    loaded = []
    for out in ("cold", "warm"):
        command = [sys.executable, "-c", LOADED_MODULES, "build", str(source), "-o", str(tmp_path / out)]
        done = subprocess.run(
            [*command, "--formats", "phone", "--jobs", "1", "-q"],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        assert (tmp_path / out / "phone" / "hold-programme.ulaw").stat().st_size > 8000
        loaded.append(set(json.loads(done.stderr.splitlines()[-1])))
    assert "audioguide.audio.telephone" in loaded[0] and "audioguide.audio.telephone" in loaded[1]
    assert not {"scipy.signal", "scipy.ndimage"} & loaded[0]
    assert not {m for m in loaded[1] if m == "scipy" or m.startswith("scipy.")}
