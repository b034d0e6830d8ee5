"""The one float <-> int16 mapping (audio/pcm.py) that the encoder, the phone files and the clip cache share."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from audioguide.audio.pcm import from_int16, int16_bytes, to_int16


def test_full_scale_rounding_and_clipping():
    x = np.array([0.0, 1.0, -1.0, 1.5, -1.5, 0.5 / 32767, -0.5 / 32767, 1 / 32767], dtype=np.float32)
    assert to_int16(x).tolist() == [0, 32767, -32767, 32767, -32768, 0, 0, 1]
    assert int16_bytes(x[:2]) == b"\x00\x00\xff\x7f"


@settings(max_examples=25, deadline=None)
@given(arrays(np.int16, st.integers(0, (1 << 18) + 1000)))
def test_integers_survive_a_round_trip(ints):
    """Decoding then encoding gives the same integers, across block boundaries (what the cache relies on)."""
    assert np.array_equal(to_int16(from_int16(ints.astype("<i2").tobytes())), ints)


def test_blocks_give_the_same_integers_as_one_pass():
    rng = np.random.default_rng(7)
    for dtype in (np.float32, np.float64):
        x = (rng.standard_normal((1 << 18) * 3 + 5) * 0.7).astype(dtype)
        whole = np.clip(np.round(x * 32767.0), -32768, 32767).astype("<i2")
        assert np.array_equal(to_int16(x), whole)
