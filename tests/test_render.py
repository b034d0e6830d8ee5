"""Mastering to MP3: the encoded file itself is measured, and re-mastered when encoding overshot."""

from __future__ import annotations

import numpy as np
import pyloudnorm
import pytest
from scipy.signal import resample_poly

from audioguide.audio import ffmpeg, render
from audioguide.audio.decode import DecodedMp3
from audioguide.audio.mastering import master, true_peak_dbtp
from audioguide.audio.mp3 import ENCODER_GAIN_DB, encode_mp3
from audioguide.audio.pcm import int16_bytes
from audioguide.audio.truepeak import _ITU_PHASES
from audioguide.model.settings import GuideSettings, Loudness

RATE = 22050


def _noise_with_square_bursts(seconds: float = 6.0) -> np.ndarray:
    """Noise with short square-wave bursts: the limiter holds the bursts at the
    ceiling and MP3's band limit rings on their edges, raising the true peak."""
    rng = np.random.default_rng(3)
    t = np.arange(int(seconds * RATE)) / RATE
    noise = rng.standard_normal(t.size) * 0.05
    square = np.sign(np.sin(2 * np.pi * 440 * t)) * 0.6
    return (noise + square * (np.sin(2 * np.pi * 0.5 * t) > 0.99)).astype(np.float32)


def _reference_peak_dbtp(x: np.ndarray) -> float:
    """Independent of the code under test: scipy's resample_poly, with its own (Kaiser) filter and with
    BS.1770-4 Annex 2's taps, the higher of the two (applied to ffmpeg's decoder output)."""
    x = x.astype(np.float64)
    kaiser = resample_poly(x, 4, 1)
    annex = resample_poly(x, 4, 1, window=_ITU_PHASES.T.ravel() / 4)
    return 20 * np.log10(max(np.abs(kaiser).max(), np.abs(annex).max(), np.abs(x).max()))


def test_overshoot_is_remastered_until_the_file_is_under_the_ceiling(tmp_path):
    settings = GuideSettings()
    ceiling = settings.loudness.true_peak_dbtp
    track = _noise_with_square_bursts()
    # No headroom on the first pass: the mastered samples are under the ceiling, their MP3 is not.
    aim = Loudness(settings.loudness.target_lufs - ENCODER_GAIN_DB, ceiling - ENCODER_GAIN_DB)
    first, report = master(track, RATE, aim, peak_margin_db=0.0)
    assert report.true_peak_dbtp <= ceiling - ENCODER_GAIN_DB
    encode_mp3(first, RATE, tmp_path / "first.mp3", bitrate_kbps=settings.encoding.bitrate_kbps)
    assert _reference_peak_dbtp(ffmpeg.decode(tmp_path / "first.mp3", sample_rate=RATE)[0]) > ceiling

    path = tmp_path / "t.mp3"
    levels = render.master_to_mp3(track, RATE, settings, path, margin_db=0.0)
    decoded, _ = ffmpeg.decode(path, sample_rate=RATE)
    assert levels.margin_db > 0.0  # it needed (and took) more headroom than the first pass had
    assert _reference_peak_dbtp(decoded) <= ceiling  # ffmpeg's decoder and scipy's interpolator agree
    assert true_peak_dbtp(decoded, RATE) <= ceiling
    assert levels.true_peak_dbtp == pytest.approx(_reference_peak_dbtp(decoded), abs=0.001)
    lufs = pyloudnorm.Meter(RATE).integrated_loudness(decoded.astype(np.float64))
    assert abs(lufs - settings.loudness.target_lufs) < 0.5
    assert levels.lufs == pytest.approx(lufs, abs=0.001)


def _counting_encodes(monkeypatch) -> list[int]:
    encodes: list[int] = []
    real = render.encode_mp3
    monkeypatch.setattr(render, "encode_mp3", lambda *a, **k: (encodes.append(1), real(*a, **k))[1])
    return encodes


def test_enough_headroom_encodes_once(tmp_path, monkeypatch):
    """Noise with speech's levels and bandwidth (under 3 kHz, under a slow envelope): mastering's
    prediction holds, one encode. (White noise would not: LAME's low-pass takes 0.4 LU of it.)"""
    t = np.arange(6 * RATE) / RATE
    noise = np.convolve(np.random.default_rng(4).standard_normal(t.size), np.ones(8) / 8, mode="same")
    x = noise * 0.1 * (1.2 + np.sin(2 * np.pi * 0.7 * t))
    encodes = _counting_encodes(monkeypatch)
    levels = render.master_to_mp3(x.astype(np.float32), RATE, GuideSettings(), tmp_path / "t.mp3")
    assert len(encodes) == 1 and levels.margin_db == render.MP3_PEAK_MARGIN_DB and levels.offset_db == 0


def test_a_missed_loudness_is_mastered_again_from_the_decoded_file(tmp_path, monkeypatch):
    """Mastering does not measure its own output for the MP3 pass: the decoded file is measured.
    Where heavy limiting makes its prediction miss (square bursts held at the ceiling: 0.2 LU), the
    track is mastered again with the difference learned, and the other formats re-make it so."""
    settings = GuideSettings()
    track = _noise_with_square_bursts()
    aim = Loudness(
        settings.loudness.target_lufs - ENCODER_GAIN_DB, settings.loudness.true_peak_dbtp - ENCODER_GAIN_DB
    )
    predicted_only, _ = master(track, RATE, aim, measure_output=False)
    encode_mp3(predicted_only, RATE, tmp_path / "one.mp3", bitrate_kbps=settings.encoding.bitrate_kbps)
    one_pass = pyloudnorm.Meter(RATE).integrated_loudness(
        ffmpeg.decode(tmp_path / "one.mp3")[0].astype(float)
    )
    assert abs(one_pass - settings.loudness.target_lufs) > render.MP3_LOUDNESS_TOLERANCE_LU

    encodes = _counting_encodes(monkeypatch)
    path = tmp_path / "t.mp3"
    levels = render.master_to_mp3(track, RATE, settings, path)
    assert len(encodes) == 2 and levels.offset_db != 0
    lufs = pyloudnorm.Meter(RATE).integrated_loudness(ffmpeg.decode(path)[0].astype(np.float64))
    assert abs(lufs - settings.loudness.target_lufs) <= render.MP3_LOUDNESS_TOLERANCE_LU
    assert levels.lufs == pytest.approx(lufs, abs=0.001)


@pytest.mark.parametrize("rate", [16000, 22050, 24000])
def test_the_in_process_decoder_gives_ffmpegs_samples(tmp_path, rate):
    """libsndfile trims the encoder's delay and padding from the LAME header as ffmpeg does: the same
    number of samples, aligned, equal to the two decoders' rounding; read in overlapping ranges too."""
    rng = np.random.default_rng(5)
    n = int(rate * 3.7) + 123  # not a whole number of MP3 frames
    t = np.arange(n) / rate
    x = 0.4 * np.sin(2 * np.pi * 330 * t) * np.sin(2 * np.pi * 0.7 * t) + 0.02 * rng.standard_normal(n)
    path = tmp_path / "x.mp3"
    encode_mp3(x.astype(np.float32), rate, path, bitrate_kbps=64)
    theirs, _ = ffmpeg.decode(path, sample_rate=rate)
    with DecodedMp3(path, rate) as ours:
        assert ours.size == theirs.size == n
        whole = ours.read(0, ours.size)
        assert np.abs(whole - theirs).max() < 2e-5
        pieces = [ours.read(max(0, lo - 10), lo + 5000) for lo in range(0, n, 4990)]
    again = np.concatenate([p[10 if i else 0 :][:4990] for i, p in enumerate(pieces)])
    assert np.array_equal(again, whole)


def test_tracks_are_encoded_at_lame_quality_7(tmp_path):
    """LAME's -q 7 (mp3.LAME_QUALITY: half q3's CPU time at a PESQ within 0.03), in this process:
    the file decodes to exactly the samples of ffmpeg's libmp3lame asked for quality 7 on the same
    samples, not to those of its default (q3), and to exactly as many samples as went in."""
    samples = _noise_with_square_bursts(2.0) * 0.5
    ours = tmp_path / "ours.mp3"
    encode_mp3(samples, RATE, ours, bitrate_kbps=64)
    pcm = tmp_path / "x.s16"
    pcm.write_bytes(int16_bytes(samples))
    flags = ["-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact"]
    flags += ["-abr", "0", "-write_xing", "1", "-id3v2_version", "0"]

    def lame(quality: str | None) -> np.ndarray:
        out = tmp_path / f"q{quality}.mp3"
        level = ["-compression_level", quality] if quality else []
        ffmpeg.run(
            ["-f", "s16le", "-ar", str(RATE), "-ac", "1", "-i", str(pcm), "-acodec", "libmp3lame"]
            + ["-b:a", "64k", *flags, *level, "-f", "mp3", "-y", str(out)]
        )
        return ffmpeg.decode(out)[0]

    decoded = ffmpeg.decode(ours)[0]
    assert decoded.size == samples.size
    assert np.array_equal(decoded, lame("7"))
    assert not np.array_equal(decoded, lame(None))
