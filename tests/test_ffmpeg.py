"""Which ffmpeg runs: $AUDIOGUIDE_FFMPEG is honoured on every call, not only the first."""

from __future__ import annotations

import os

import numpy as np
import pytest

from audioguide.audio import ffmpeg
from audioguide.audio.mp3 import encode_mp3
from audioguide.errors import AudioToolError

RATE = 22050


def _tone() -> np.ndarray:
    t = np.arange(RATE) / RATE
    return (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)


def test_the_override_is_read_on_every_call(tmp_path, monkeypatch):
    monkeypatch.delenv(ffmpeg.ENV_VAR, raising=False)
    bundled = ffmpeg.ffmpeg_exe()
    encode_mp3(_tone(), RATE, tmp_path / "first.mp3", bitrate_kbps=64)
    assert ffmpeg.decode(tmp_path / "first.mp3")[0].size == RATE  # the process has run ffmpeg

    own = tmp_path / "my-ffmpeg"
    os.symlink(bundled, own)
    monkeypatch.setenv(ffmpeg.ENV_VAR, str(own))
    assert ffmpeg.ffmpeg_exe() == str(own)

    missing = tmp_path / "no-such-ffmpeg"
    monkeypatch.setenv(ffmpeg.ENV_VAR, str(missing))
    with pytest.raises(AudioToolError) as caught:
        ffmpeg.decode(tmp_path / "first.mp3")
    message = str(caught.value)
    assert str(missing) in message and ffmpeg.ENV_VAR in message and "\n" not in message

    monkeypatch.delenv(ffmpeg.ENV_VAR)
    assert ffmpeg.ffmpeg_exe() == bundled
