"""The tests' ITU-T P.56 active speech level meter (tests/p56.py), checked on calibrated signals."""

from __future__ import annotations

import math

import numpy as np
import pytest
from p56 import active_level

RATE = 8000


def sine(dbov: float, seconds: float, freq: float = 1000.0, rate: int = RATE) -> np.ndarray:
    """A sine whose RMS is ``dbov`` (its peak is 3.01 dB higher)."""
    t = np.arange(round(seconds * rate)) / rate
    return math.sqrt(2) * 10 ** (dbov / 20) * np.sin(2 * math.pi * freq * t)


@pytest.mark.parametrize("dbov", [-10.0, -20.0, -26.0, -40.0])
def test_a_calibrated_sine_reads_its_rms(dbov):
    level, activity = active_level(sine(dbov, 5.0), RATE)
    assert abs(level - dbov) <= 0.1
    assert activity > 0.99


def test_full_scale_sine_is_minus_3_dbov():
    level, _ = active_level(sine(-3.0103, 2.0) * 0.99999, RATE)
    assert abs(level + 3.01) <= 0.1


def test_pauses_do_not_lower_the_active_level():
    """Bursts with long silences between: the long-term RMS drops, the active level does not."""
    burst, gap = sine(-20.0, 1.0), np.zeros(2 * RATE)
    signal = np.concatenate([burst, gap] * 4)
    level, activity = active_level(signal, RATE)
    long_term = 10 * math.log10(float(np.mean(signal**2)))
    assert long_term < -24.7
    # The envelope's decay and the 0.2 s hangover count some silence after each burst as active
    # (reading -21.05 dBov here, activity 0.42 for 1/3 sound): far nearer the burst than the RMS.
    assert abs(level - (-20.0)) <= 1.2 and level > long_term + 3
    assert 1 / 3 < activity < 0.5


def test_silence_is_minus_infinity():
    assert active_level(np.zeros(RATE), RATE)[0] == float("-inf")
