"""16-bit PCM: the one mapping between float samples and signed 16-bit integers.

Float samples (full scale 1.0) become ``round(x * 32767)``, clipped to the
int16 range; integers come back as ``n / 32767``, so a round trip gives the
same integers. Everything that quantizes goes through here: the MP3 encoder's
input, the telephone files, the clip cache's entries.

The conversion runs in blocks: a 60-minute track at 22.05 kHz is 80 million
samples, and converting it whole took three float temporaries of 320 MB each.
Rounding is elementwise, so the blocks give the same integers as one pass.
"""

from __future__ import annotations

import numpy as np

SCALE = 32767.0
_BLOCK = 1 << 18  # samples converted at a time


def to_int16(samples: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Float samples as little-endian int16: ``round(x * 32767)``, clipped (into ``out`` when given).

    The arithmetic happens in the input's own float type (float32 samples are
    scaled in float32), as it always has: the same input gives the same bytes.
    """
    x = np.asarray(samples)
    if out is None:
        out = np.empty(x.shape, dtype="<i2")
    elif out.dtype != np.dtype("<i2") or out.size != x.size:
        raise ValueError(f"out must be {x.size} little-endian int16 samples")
    flat, dest = x.reshape(-1), out.reshape(-1)
    for start in range(0, flat.size, _BLOCK):
        block = np.round(flat[start : start + _BLOCK] * SCALE)
        np.clip(block, -32768, 32767, out=block)
        dest[start : start + _BLOCK] = block
    return out


def int16_bytes(samples: np.ndarray) -> bytes:
    """Float samples as 16-bit little-endian PCM bytes (see :func:`to_int16`)."""
    return to_int16(samples).tobytes()


def from_int16(pcm: bytes | np.ndarray) -> np.ndarray:
    """16-bit little-endian PCM (bytes or int16 samples) as float32 samples, ``n / 32767``."""
    ints = (
        np.frombuffer(pcm, dtype="<i2")
        if isinstance(pcm, (bytes, bytearray, memoryview))
        else np.asarray(pcm)
    )
    return ints.astype(np.float32) / np.float32(SCALE)
