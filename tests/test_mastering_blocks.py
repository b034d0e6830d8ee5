"""Mastering block by block gives the whole-track result, bit for bit, with no click at a block edge."""

from __future__ import annotations

import numpy as np
import pyloudnorm
import pytest

from audioguide.audio.mastering import fade, master, master_in_blocks, true_peak_dbtp
from audioguide.audio.mp3 import ENCODER_GAIN_DB, encode_mp3, write_tags
from audioguide.audio.render import FADE_MS, TrackJob, assembled, mastered_samples, render_track
from audioguide.model.settings import GuideSettings, Loudness
from audioguide.model.tags import TrackTags

RATE = 24000
BLOCK = 4800  # a block size that the track's length is not a multiple of
PEAK_AT = 7 * BLOCK  # a transient straddling this block edge
LOUDNESS = Loudness()  # -16 LUFS, -1 dBTP
MARGIN = 1.5


def _loud_speechlike(seconds: float = 20.0) -> np.ndarray:
    """Noise under a syllable-rate envelope, hot enough for the limiter to work, and a
    full-scale transient across sample ``PEAK_AT`` (the middle of it on the block edge)."""
    rng = np.random.default_rng(7)
    n = int(seconds * RATE) + 1234
    t = np.arange(n) / RATE
    envelope = 0.5 + 0.5 * np.sin(2 * np.pi * 3.1 * t) ** 2
    x = rng.standard_normal(n) * 0.25 * envelope
    x[PEAK_AT - 3 : PEAK_AT + 3] = [0.6, 0.95, 1.0, -1.0, -0.95, -0.6]
    return x.astype(np.float32)


def _joined(blocks) -> np.ndarray:
    return np.concatenate(list(blocks))


@pytest.fixture(scope="module")
def loud() -> np.ndarray:
    return _loud_speechlike()


@pytest.fixture(scope="module")
def whole(loud):
    return master(loud, RATE, LOUDNESS, peak_margin_db=MARGIN)


def test_blocks_are_the_whole_track_bit_for_bit(loud, whole):
    samples, report = whole
    assert report.limited  # the transient (and the hot noise) went through the limiter
    assert loud.size % BLOCK and samples.size == loud.size
    track = master_in_blocks(loud, RATE, LOUDNESS, peak_margin_db=MARGIN)
    assert track.report == report
    for size in (BLOCK, BLOCK + 1, 1 << 17, loud.size + 5):
        assert np.array_equal(_joined(track.blocks(size)), samples), size
    faded = master_in_blocks(loud, RATE, LOUDNESS, peak_margin_db=MARGIN, fade_ms=FADE_MS)
    for size in (BLOCK, 97):  # 97: the 10 ms fades span several blocks
        assert np.array_equal(_joined(faded.blocks(size)), fade(samples, RATE, FADE_MS, FADE_MS)), size
    assert np.array_equal(faded.samples(), fade(samples, RATE, FADE_MS, FADE_MS))


def test_blocks_meet_the_target_and_the_gain_is_smooth_across_block_edges(loud):
    out = _joined(master_in_blocks(loud, RATE, LOUDNESS, peak_margin_db=MARGIN).blocks(BLOCK))
    # Independent meters: pyloudnorm, and resample_poly with the BS.1770 filter.
    lufs = pyloudnorm.Meter(RATE).integrated_loudness(out.astype(np.float64))
    assert abs(lufs - LOUDNESS.target_lufs) < 0.1
    assert true_peak_dbtp(out, RATE) <= LOUDNESS.true_peak_dbtp - MARGIN + 0.01
    # The gain applied, sample by sample: a step in it at a block edge would be a click.
    audible = np.abs(loud) > 0.02
    gain = np.where(audible, out / np.where(audible, loud, 1), np.nan)
    index = np.flatnonzero(audible[1:] & audible[:-1])
    steps = np.abs(np.diff(gain))[index]
    edges = np.isin(index + 1, np.arange(BLOCK, loud.size, BLOCK))
    assert steps.max() < 0.01  # a 1 ms grid, linear between its points: tiny steps only
    assert steps[edges].max() <= steps[~edges].max()
    assert np.abs(gain[PEAK_AT - 2 : PEAK_AT + 2]).max() < 0.99  # the transient itself came down


def test_rendered_track_is_the_whole_track_mastering_encoded(loud, tmp_path):
    """render_track streams the mastered blocks to the encoder; mastered_samples
    re-makes them (with the margin and loudness offset the MP3 pass settled on);
    both are the whole-array master() and fade(), encoded."""
    clips = [loud[: PEAK_AT + 2000], loud[PEAK_AT + 2000 :]]
    settings = GuideSettings()
    job = TrackJob(
        file="t.mp3",
        keys=("a", "b"),
        texts=("a", "b"),
        pauses_ms=(350, 350),
        tags=TrackTags("T", "Guide", "Clinic", 1, 1, "en", "c"),
        settings=settings,
        rate=RATE,
    )
    rendered = render_track(job, list(clips), tmp_path)

    aim = Loudness(
        settings.loudness.target_lufs - ENCODER_GAIN_DB, settings.loudness.true_peak_dbtp - ENCODER_GAIN_DB
    )
    track, _ = assembled(job, clips)
    whole, _ = master(  # as the MP3 pass masters: the decoded file is measured, not the samples
        track,
        RATE,
        aim,
        peak_margin_db=rendered.peak_margin_db,
        measure_output=False,
        loudness_offset_db=rendered.loudness_offset_db,
    )
    reference = fade(whole, RATE, FADE_MS, FADE_MS)
    again = mastered_samples(job, list(clips), rendered.peak_margin_db, rendered.loudness_offset_db)
    assert again.dtype == np.float32 and np.array_equal(again, reference)

    encode_mp3(reference, RATE, tmp_path / "whole.mp3", bitrate_kbps=settings.encoding.bitrate_kbps)
    write_tags(tmp_path / "whole.mp3", job.tags)
    assert (tmp_path / "t.mp3").read_bytes() == (tmp_path / "whole.mp3").read_bytes()
