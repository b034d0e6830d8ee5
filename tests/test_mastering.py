"""Mastering on real speech from the Piper engine, measured with pyloudnorm and ffmpeg."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pyloudnorm
import pytest
from cli_helpers import piper_speech
from scipy.signal import resample_poly

from audioguide.audio.ffmpeg import decode, run
from audioguide.audio.mastering import (
    MAX_GAIN_DB,
    MasterReport,
    fade,
    integrated_loudness,
    master,
    true_peak_dbtp,
)
from audioguide.audio.mp3 import MP3_PEAK_MARGIN_DB
from audioguide.audio.truepeak import _ITU_PHASES
from audioguide.model.settings import Loudness
from audioguide.synth.engines.base import Audio

TEXT = (
    "Drink plenty of water every day, especially when it is hot. "
    "If you feel dizzy or confused, sit down and call your doctor! "
    "Keep your medicines in a cool, dry place, away from children."
)
ANNEX_2_TAPS = _ITU_PHASES.T.ravel()  # ITU-R BS.1770-4 Annex 2's 48 taps, in order
DEFAULT = Loudness()  # -16 LUFS, -1 dBTP
CEILING = DEFAULT.true_peak_dbtp - MP3_PEAK_MARGIN_DB  # master()'s default headroom


@pytest.fixture(scope="session")
def speech() -> Audio:
    """About 11 s of real speech, synthesized once per test session."""
    return piper_speech(TEXT)


def pyln(samples: np.ndarray, rate: int) -> float:
    """pyloudnorm's own reading, independent of audioguide's code."""
    return float(pyloudnorm.Meter(rate).integrated_loudness(samples.astype(np.float64)))


def at_lufs(samples: np.ndarray, rate: int, lufs: float) -> np.ndarray:
    """``samples`` scaled linearly to ``lufs``."""
    return (samples * 10 ** ((lufs - pyln(samples, rate)) / 20)).astype(np.float32)


def mp3_roundtrip(samples: np.ndarray, rate: int, path: Path) -> tuple[np.ndarray, int]:
    """Encode as 64 kbps CBR mono MP3 with ffmpeg, decode back to float."""
    run(
        [
            "-f",
            "f32le",
            "-ar",
            str(rate),
            "-ac",
            "1",
            "-i",
            "pipe:0",
            "-c:a",
            "libmp3lame",
            "-b:a",
            "64k",
            str(path),
        ],
        input_bytes=samples.astype("<f4").tobytes(),
    )
    return decode(path)


# --------------------------------------------------------------------------- loudness and peak


@pytest.mark.parametrize("target", [-16.0, -23.0])
def test_master_reaches_target_loudness_under_the_ceiling(speech: Audio, target: float) -> None:
    loudness = Loudness(target_lufs=target, true_peak_dbtp=-1.0)
    out, report = master(speech.samples, speech.sample_rate, loudness)

    measured = pyln(out, speech.sample_rate)
    assert measured == pytest.approx(target, abs=0.5)
    assert measured == pytest.approx(report.output_lufs, abs=1e-6)
    assert true_peak_dbtp(out, speech.sample_rate) <= loudness.true_peak_dbtp - MP3_PEAK_MARGIN_DB
    assert report.true_peak_dbtp == pytest.approx(true_peak_dbtp(out, speech.sample_rate), abs=1e-3)
    assert report.input_lufs == pytest.approx(pyln(speech.samples, speech.sample_rate), abs=1e-6)
    assert out.dtype == np.float32 and out.shape == speech.samples.shape
    assert np.isfinite(out).all()


def test_mp3_encoding_stays_within_the_margin(speech: Audio, tmp_path: Path) -> None:
    rate = speech.sample_rate
    out, report = master(speech.samples, rate, DEFAULT)
    decoded, decoded_rate = mp3_roundtrip(out, rate, tmp_path / "track.mp3")

    assert decoded_rate == rate
    assert pyln(decoded, rate) == pytest.approx(DEFAULT.target_lufs, abs=1.0)
    peak = true_peak_dbtp(decoded, rate)
    assert peak <= DEFAULT.true_peak_dbtp
    # What the margin is for: encoding moved the true peak by less than it (by under 1 dB on this speech).
    assert peak - report.true_peak_dbtp < min(1.0, MP3_PEAK_MARGIN_DB)


def test_loud_input_with_a_transient_is_limited(speech: Audio) -> None:
    rate = speech.sample_rate
    loud = speech.samples / np.abs(speech.samples).max()  # peak 1.0
    t = np.arange(int(0.004 * rate)) / rate
    start = len(loud) // 2
    loud[start : start + t.size] = np.sin(2 * np.pi * 3000 * t) * np.hanning(t.size)  # a click
    out, report = master(loud.astype(np.float32), rate, DEFAULT)

    assert report.limited
    assert true_peak_dbtp(out, rate) <= CEILING
    assert np.abs(out).max() < 1.0  # no clipping
    assert pyln(out, rate) == pytest.approx(DEFAULT.target_lufs, abs=0.5)


def test_quiet_input_comes_up_to_target(speech: Audio) -> None:
    rate = speech.sample_rate
    quiet = at_lufs(speech.samples, rate, -45.0)
    out, report = master(quiet, rate, DEFAULT)

    assert report.input_lufs == pytest.approx(-45.0, abs=0.01)
    assert report.gain_db > 29.0
    assert pyln(out, rate) == pytest.approx(DEFAULT.target_lufs, abs=0.5)
    assert true_peak_dbtp(out, rate) <= CEILING


def test_very_quiet_input_gain_is_capped_with_a_warning(speech: Audio, caplog) -> None:
    rate = speech.sample_rate
    whisper = at_lufs(speech.samples, rate, -62.0)
    with caplog.at_level(logging.WARNING, logger="audioguide.audio.mastering"):
        out, report = master(whisper, rate, DEFAULT)

    assert report.gain_db == MAX_GAIN_DB
    assert report.output_lufs < DEFAULT.target_lufs - 0.5
    assert "very quiet" in caplog.text
    assert true_peak_dbtp(out, rate) <= CEILING
    assert np.isfinite(out).all()


@pytest.mark.parametrize("rate", [8000, 16000, 22050, 24000, 44100])
def test_any_sample_rate(speech: Audio, rate: int) -> None:
    samples = speech.samples
    if rate != speech.sample_rate:
        samples = resample_poly(samples, rate, speech.sample_rate).astype(np.float32)
    out, report = master(samples, rate, DEFAULT)

    assert out.dtype == np.float32 and out.shape == samples.shape
    assert report.input_lufs == pytest.approx(pyln(samples, rate), abs=1e-6)
    assert pyln(out, rate) == pytest.approx(DEFAULT.target_lufs, abs=0.5)
    assert true_peak_dbtp(out, rate) <= CEILING
    assert report.true_peak_dbtp == pytest.approx(true_peak_dbtp(out, rate), abs=1e-3)


# --------------------------------------------------------------------------- edge cases


@pytest.mark.parametrize("seconds", [1.0, 0.05])
def test_silence_comes_back_as_silence(seconds: float) -> None:
    rate = 22050
    silence = np.zeros(int(seconds * rate), dtype=np.float32)
    out, report = master(silence, rate, DEFAULT)

    assert out.dtype == np.float32 and out.shape == silence.shape
    assert not out.any()
    assert report.silent and not report.limited and report.gain_db == 0.0
    assert report.input_lufs == report.output_lufs == float("-inf")
    assert not any(np.isnan(value) for value in (report.true_peak_dbtp, report.gain_db))


def test_empty_input() -> None:
    out, report = master(np.zeros(0, dtype=np.float32), 22050, DEFAULT)
    assert out.size == 0 and report.silent


def test_fifty_millisecond_clip(speech: Audio) -> None:
    rate = speech.sample_rate
    middle = len(speech.samples) // 2
    clip = speech.samples[middle : middle + int(0.05 * rate)].copy()
    out, report = master(clip, rate, DEFAULT)

    assert out.dtype == np.float32 and out.shape == clip.shape
    assert np.isfinite(out).all()
    assert true_peak_dbtp(out, rate) <= CEILING
    # Measured as pyloudnorm would, zero-padded to one 400 ms block.
    assert report.output_lufs == pytest.approx(integrated_loudness(out, rate), abs=1e-6)


def test_short_clip_loudness_is_measured_padded() -> None:
    rate = 16000
    tone = (0.1 * np.sin(2 * np.pi * 440 * np.arange(int(0.1 * rate)) / rate)).astype(np.float32)
    padded = np.concatenate([tone, np.zeros(int(0.4 * rate) - tone.size, dtype=np.float32)])
    assert integrated_loudness(tone, rate) == pytest.approx(pyln(padded, rate), abs=1e-9)
    assert integrated_loudness(np.zeros(10, dtype=np.float32), rate) == float("-inf")
    assert integrated_loudness(np.zeros(0, dtype=np.float32), rate) == float("-inf")


def test_master_is_deterministic(speech: Audio) -> None:
    first, first_report = master(speech.samples, speech.sample_rate, DEFAULT)
    second, second_report = master(speech.samples.copy(), speech.sample_rate, DEFAULT)
    assert first.tobytes() == second.tobytes()
    assert first_report == second_report


def test_master_leaves_its_input_alone(speech: Audio) -> None:
    before = speech.samples.copy()
    master(speech.samples, speech.sample_rate, DEFAULT)
    assert np.array_equal(speech.samples, before)


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError):
        master(np.array([0.1, np.nan, 0.2], dtype=np.float32), 22050, DEFAULT)
    with pytest.raises(ValueError):
        master(np.zeros((100, 2), dtype=np.float32), 22050, DEFAULT)
    with pytest.raises(ValueError):
        master(np.zeros(100, dtype=np.int16), 22050, DEFAULT)


def test_report_is_frozen() -> None:
    report = MasterReport(-20.0, -16.0, -2.0, 4.0, False)
    with pytest.raises(AttributeError):
        report.gain_db = 1.0  # type: ignore[misc]
    assert not report.silent


def test_ten_minutes_master_to_target(speech: Audio) -> None:
    """A long track masters like a short one (its time is measured by ``scripts/bench --long-track``)."""
    rate = speech.sample_rate
    pause = np.zeros(int(0.35 * rate), dtype=np.float32)
    long = np.tile(
        np.concatenate([speech.samples, pause]), 600 * rate // (speech.samples.size + pause.size) + 1
    )
    long = long[: 600 * rate]
    out, report = master(long, rate, DEFAULT)  # its time: scripts/bench --stages (target: under 5 s)
    assert out.dtype == np.float32 and out.size == long.size
    assert report.output_lufs == pytest.approx(DEFAULT.target_lufs, abs=0.5)
    assert report.true_peak_dbtp <= CEILING


# --------------------------------------------------------------------------- meters and fades


@pytest.mark.parametrize("rate", [8000, 22050, 48000])
def test_true_peak_finds_the_peak_between_samples(rate: int) -> None:
    # A full-scale sine at fs/4, 45 degrees off: every sample is at +-0.707 (-3 dB),
    # the waveform between them reaches 1.0 (0 dBTP).
    n = np.arange(rate)
    sine = np.sin(2 * np.pi * n / 4 + np.pi / 4).astype(np.float32)
    assert 20 * np.log10(np.abs(sine).max()) == pytest.approx(-3.01, abs=0.01)
    assert true_peak_dbtp(sine, rate) == pytest.approx(0.0, abs=0.5)


def test_true_peak_of_silence_and_of_a_plain_sample() -> None:
    assert true_peak_dbtp(np.zeros(100, dtype=np.float32), 22050) == float("-inf")
    spike = np.zeros(1000, dtype=np.float32)
    spike[500] = 0.5
    assert true_peak_dbtp(spike, 22050) >= 20 * np.log10(0.5)


def test_fades_start_and_end_at_zero(speech: Audio) -> None:
    rate = speech.sample_rate
    out = fade(speech.samples, rate, in_ms=20, out_ms=50)

    assert out.dtype == np.float32 and out.shape == speech.samples.shape
    assert out[0] == 0.0 and out[-1] == 0.0
    inner = slice(int(0.02 * rate), len(out) - int(0.05 * rate))
    assert np.array_equal(out[inner], speech.samples[inner])
    ramp = fade(np.ones(rate, dtype=np.float32), rate, in_ms=10, out_ms=10)
    head = ramp[: int(0.01 * rate)]
    assert np.all(np.diff(head) > 0) and head.max() < 1.0
    assert np.all(np.diff(ramp[-int(0.01 * rate) :]) < 0)


def test_fade_longer_than_the_clip_and_no_fade() -> None:
    clip = np.ones(100, dtype=np.float32)
    out = fade(clip, 22050, in_ms=1000, out_ms=1000)
    assert out.shape == clip.shape and out[0] == 0.0 and out[-1] == 0.0
    assert np.array_equal(fade(clip, 22050, 0, 0), clip)


def _annex2_reference_dbtp(x: np.ndarray) -> float:
    """BS.1770-4 Annex 2 true peak by scipy's resample_poly with the Annex's 48 taps (not our code path)."""
    up = resample_poly(x.astype(np.float64), 4, 1, window=ANNEX_2_TAPS / 4)  # resample_poly multiplies by 4
    return 20 * np.log10(max(np.abs(up).max(), np.abs(x).max()))


def _kaiser_reference_dbtp(x: np.ndarray) -> float:
    up = resample_poly(x.astype(np.float64), 4, 1)  # its default filter: Kaiser-windowed sinc, 81 taps
    return 20 * np.log10(max(np.abs(up).max(), np.abs(x).max()))


def _test_signal(rate: int, seconds: float = 3.3) -> np.ndarray:
    rng = np.random.default_rng(7)
    t = np.arange(int(rate * seconds)) / rate
    x = 0.3 * np.sin(2 * np.pi * 997 * t) * (
        1 + 0.5 * np.sin(2 * np.pi * 3 * t)
    ) + 0.05 * rng.standard_normal(t.size)
    x[rate // 3 : rate // 3 + 10] = [0.9, -0.9] * 5  # a burst at half the sample rate: peaks between samples
    return x.astype(np.float32)


@pytest.mark.parametrize("rate", [8000, 16000, 22050, 24000, 44100, 48000])
def test_measure_matches_reference_meters(rate):
    """The numpy meters agree with pyloudnorm and with resample_poly's true peaks (Annex 2 and Kaiser)."""
    from audioguide.audio.mastering import measure, measure_conservative

    x = _test_signal(rate)
    reference = pyln(x, rate)
    lufs, peak = measure(x, rate)
    assert abs(lufs - reference) < 1e-6
    assert abs(integrated_loudness(x, rate) - reference) < 1e-6
    assert abs(peak - _annex2_reference_dbtp(x)) < 1e-4
    assert abs(true_peak_dbtp(x, rate) - _annex2_reference_dbtp(x)) < 1e-4
    conservative = max(_annex2_reference_dbtp(x), _kaiser_reference_dbtp(x))
    assert abs(measure_conservative(x, rate)[1] - conservative) < 1e-4
    assert measure(np.zeros(0, np.float32), rate) == (float("-inf"), float("-inf"))


def test_meters_match_the_references_on_real_speech(speech: Audio) -> None:
    from audioguide.audio.mastering import measure_conservative

    x, rate = speech.samples, speech.sample_rate
    lufs, peak = measure_conservative(x, rate)
    assert abs(lufs - pyln(x, rate)) < 1e-6
    assert abs(peak - max(_annex2_reference_dbtp(x), _kaiser_reference_dbtp(x))) < 1e-4


@pytest.mark.parametrize("rate", [8000, 24000, 48000])
def test_k_weighting_is_the_two_biquads_run_as_a_recursion(rate):
    """The block filter gives lfilter's output on the two stages in turn, whatever the chunks."""
    from scipy.signal import lfilter

    from audioguide.audio.kweighting import KWeighting, k_weighting_biquads

    x = _test_signal(rate, 2.0).astype(np.float64)
    expected = x
    for b, a in k_weighting_biquads(rate):
        expected = lfilter(b, a, expected)
    for stage, (b, a) in zip(pyloudnorm.Meter(rate)._filters.values(), k_weighting_biquads(rate)):
        assert np.allclose(stage.b, b, rtol=1e-12) and np.allclose(
            stage.a, a, rtol=1e-12
        )  # pyloudnorm's design
    weigh = KWeighting(rate)
    cuts = [0, 1, 31, 32, 33, 1000, 4097, 40000, x.size]  # chunks shorter and longer than a segment
    out = np.concatenate([weigh(x[lo:hi]) for lo, hi in zip(cuts[:-1], cuts[1:])])
    assert np.abs(out - expected).max() <= 1e-10 * np.abs(expected).max()


def test_the_true_peak_bound_comes_from_the_taps_and_is_reached():
    """S, the sum of |taps| of the worst phase, bounds the oversampled values by S times the largest
    sample, and a signal of +-1 with the taps' signs reaches it: the bound is exact, not a guess."""
    from audioguide.audio.truepeak import ANNEX_2, KAISER, max_true_peak

    assert KAISER.bound == pytest.approx(2.24, abs=0.005) and ANNEX_2.bound == pytest.approx(2.02, abs=0.005)
    for interpolator, reference in ((ANNEX_2, _annex2_reference_dbtp), (KAISER, _kaiser_reference_dbtp)):
        phase = int(np.argmax(np.abs(interpolator.taps).sum(axis=1)))
        worst = np.zeros(200, dtype=np.float32)
        # output 4 m + phase is sum_d taps[phase, reach - d] * x[m - d]: put x[m - d] = sign of that tap
        m, reach = 100, interpolator.reach
        for k in range(2 * reach + 1):
            worst[m - (reach - k)] = np.sign(interpolator.taps[phase, k])
        assert reference(worst) == pytest.approx(20 * np.log10(interpolator.bound), abs=1e-3)
        assert (
            20 * np.log10(max_true_peak(lambda lo, hi, w=worst: w[lo:hi], worst.size))
            >= reference(worst) - 1e-4
        )


def test_the_bounded_true_peak_skips_most_blocks_and_finds_the_same_peak(speech: Audio) -> None:
    from audioguide.audio.truepeak import PeakTracker, context

    x = speech.samples
    tracker = PeakTracker()
    for start in range(0, x.size, 5000):  # chunks of any size give the same peak
        tracker.add(context(lambda lo, hi: x[lo:hi], x.size, start, min(x.size, start + 5000), tracker.reach))
    full = max(_annex2_reference_dbtp(x), _kaiser_reference_dbtp(x))
    assert 20 * np.log10(tracker.peak) == pytest.approx(full, abs=1e-4)
    assert tracker.computed < 0.5 * tracker.blocks * 2  # two interpolators: most blocks never computed


def test_the_rendering_stack_does_not_import_scipy_or_pyloudnorm():
    """Mastering, rendering, the post-encode check, the telephone chain and resampling are numpy
    only: importing scipy.signal cost every build 0.65 s before its first track."""
    import subprocess
    import sys

    code = (
        "import sys; import audioguide.audio.render, audioguide.audio.mastering, audioguide.audio.decode, "
        "audioguide.audio.telephone, audioguide.audio.resample; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'scipy', 'pyloudnorm'}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
