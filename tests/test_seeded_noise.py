"""The replayed noise is bit for bit the seeded Generator's, wherever a clip's draws end."""

from __future__ import annotations

import numpy as np
import pytest

from audioguide.synth.engines import seeded_noise
from audioguide.synth.engines.seeded_noise import SeededNoise

SHAPES = [(601, 2 * 37), (601, 2 * 5), 3, (601, 2 * 410), (1, 1)]


def _generator_draws(seed: int, shapes) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape, dtype=np.float32) for shape in shapes]


@pytest.mark.parametrize("seed", [0, 12345])
def test_draws_equal_a_fresh_generators(seed):
    for _ in range(2):  # the second replay reads the table the first one drew
        noise = SeededNoise(seed)
        for want, got in zip(
            _generator_draws(seed, SHAPES), (noise.standard_normal(s, dtype=np.float32) for s in SHAPES)
        ):
            assert got.dtype == np.float32 and got.shape == want.shape
            assert np.array_equal(got, want)


def test_draws_past_the_table_go_on_with_the_generator(monkeypatch):
    seed = 99
    monkeypatch.setattr(seeded_noise, "MAX_TABLE_VALUES", 5000)
    monkeypatch.setattr(seeded_noise, "_MIN_GROWTH", 1000)
    monkeypatch.setattr(seeded_noise, "_STREAMS", {})
    shapes = [(30, 100), (40, 100), 7, (3, 11)]  # 3,000, then 4,000 across the end, then beyond it
    for _ in range(2):
        noise = SeededNoise(seed)
        for want, got in zip(
            _generator_draws(seed, shapes), (noise.standard_normal(s, dtype=np.float32) for s in shapes)
        ):
            assert np.array_equal(got, want)
    assert len(seeded_noise._STREAMS[seed].values) == 5000


def test_callers_may_change_what_they_get():
    first = SeededNoise(3).standard_normal((4, 4), dtype=np.float32)
    first *= 0
    assert np.array_equal(
        SeededNoise(3).standard_normal((4, 4), dtype=np.float32), _generator_draws(3, [(4, 4)])[0]
    )


def test_only_float32_arrays():
    with pytest.raises(TypeError, match="float32"):
        SeededNoise(0).standard_normal((2, 2))
