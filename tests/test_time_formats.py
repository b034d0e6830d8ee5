"""Every time and duration format the guide writes, from one table (audioguide.text)."""

from __future__ import annotations

import pytest

from audioguide.text import (
    clock,
    daisy_hms,
    minutes_seconds,
    smil_clock,
    smil_seconds,
    spoken_duration,
    vtt_timestamp,
)

TABLE = [
    # EPUB media overlays (SMIL 3 full clock value), milliseconds in
    (smil_clock, 0, "0:00:00.000"),
    (smil_clock, 62_345, "0:01:02.345"),
    (smil_clock, 3_725_004, "1:02:05.004"),
    (smil_clock, 36_000_000, "10:00:00.000"),
    # DAISY 2.02 SMIL 1.0 timecount, milliseconds in
    (smil_seconds, 0, "0.000s"),
    (smil_seconds, 1_953, "1.953s"),
    (smil_seconds, 67_150, "67.150s"),
    (smil_seconds, 3_725_004, "3725.004s"),
    # DAISY 2.02 hh:mm:ss, rounded half up
    (daisy_hms, 0, "00:00:00"),
    (daisy_hms, 499, "00:00:00"),
    (daisy_hms, 500, "00:00:01"),
    (daisy_hms, 62_500, "00:01:03"),
    (daisy_hms, 331_083, "00:05:31"),
    (daisy_hms, 3_599_500, "01:00:00"),
    (daisy_hms, 360_000_000, "100:00:00"),
    # WebVTT, milliseconds in, hours always written, negative clamped
    (vtt_timestamp, -5, "00:00:00.000"),
    (vtt_timestamp, 0, "00:00:00.000"),
    (vtt_timestamp, 62_345, "00:01:02.345"),
    (vtt_timestamp, 3_725_004, "01:02:05.004"),
    # web player clock, seconds in
    (clock, 0, "0:00"),
    (clock, 5.4, "0:05"),
    (clock, 65, "1:05"),
    (clock, 599.6, "10:00"),
    (clock, 3725.4, "1:02:05"),
    # minutes and seconds however long (phone README, CLI), seconds in
    (minutes_seconds, 0, "0:00"),
    (minutes_seconds, 65, "1:05"),
    (minutes_seconds, 59.7, "1:00"),
    (minutes_seconds, 3725.4, "62:05"),
    # in words, for screen readers
    (spoken_duration, 0, "0 seconds"),
    (spoken_duration, 0.4, "0 seconds"),
    (spoken_duration, 1, "1 second"),
    (spoken_duration, 60, "1 minute"),
    (spoken_duration, 65, "1 minute 5 seconds"),
    (spoken_duration, 3601, "1 hour 1 second"),
    (spoken_duration, 7325.2, "2 hours 2 minutes 5 seconds"),
]


@pytest.mark.parametrize(
    ("format_", "value", "expected"), TABLE, ids=[f"{f.__name__}-{v}" for f, v, _ in TABLE]
)
def test_time_format(format_, value, expected):
    assert format_(value) == expected
