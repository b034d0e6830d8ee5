"""Mastering to MP3: the encoded file itself is measured, and re-mastered when encoding overshot."""

from __future__ import annotations

import numpy as np
import pyloudnorm

from audioguide.audio import ffmpeg, render
from audioguide.audio.mastering import true_peak_dbtp
from audioguide.model.settings import GuideSettings

RATE = 22050


def _noise_with_square_bursts(seconds: float = 6.0) -> np.ndarray:
    """Noise with short square-wave bursts: the limiter holds the bursts at the
    ceiling and MP3's band limit rings on their edges, raising the true peak."""
    rng = np.random.default_rng(3)
    t = np.arange(int(seconds * RATE)) / RATE
    noise = rng.standard_normal(t.size) * 0.05
    square = np.sign(np.sin(2 * np.pi * 440 * t)) * 0.3
    return (noise + square * (np.sin(2 * np.pi * 0.5 * t) > 0.99)).astype(np.float32)


def test_overshoot_is_remastered_until_the_file_is_under_the_ceiling(tmp_path, monkeypatch):
    settings = GuideSettings()
    ceiling = settings.loudness.true_peak_dbtp
    monkeypatch.setattr(render, "MP3_PEAK_MARGIN_DB", 0.0)  # no headroom: the first encode overshoots
    path = tmp_path / "t.mp3"
    levels = render.master_to_mp3(_noise_with_square_bursts(), RATE, settings, path)
    decoded, _ = ffmpeg.decode(path, sample_rate=RATE)
    assert levels.margin_db > 0.0  # it needed (and took) more headroom than the first pass had
    assert true_peak_dbtp(decoded, RATE) <= ceiling + 0.05  # measured independently, ITU meter
    assert levels.true_peak_dbtp <= ceiling
    assert (
        abs(
            pyloudnorm.Meter(RATE).integrated_loudness(decoded.astype(np.float64))
            - settings.loudness.target_lufs
        )
        < 0.5
    )


def test_enough_headroom_encodes_once(tmp_path, monkeypatch):
    encodes = []
    real = render.encode_mp3
    monkeypatch.setattr(render, "encode_mp3", lambda *a, **k: (encodes.append(1), real(*a, **k))[1])
    levels = render.master_to_mp3(_noise_with_square_bursts(), RATE, GuideSettings(), tmp_path / "t.mp3")
    assert len(encodes) == 1 and levels.margin_db == render.MP3_PEAK_MARGIN_DB
