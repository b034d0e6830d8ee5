"""MP3 encoding in this process: LAME through lameenc, and the LAME/Info frame that makes the file gapless.

lameenc (LGPL, LAME 3.100 in its wheel) gives LAME's audio frames and nothing
else. Decoders learn from the first frame, an Info frame with LAME's
extension, how many samples the encoder added before the audio (its delay,
576) and after it (the padding), and drop them: without it a track decodes
longer than it is and a listener hears the padding. This module writes that
frame as LAME does (the layout of http://gabriel.mp3-tech.org/mp3infotag.html,
LAME's VbrTag.c for what the tag's CRC covers): the frame and byte counts, a
seek table, the delay and padding, the music's length and CRC, and the CRC of
the frame up to that one.

The audio frames are LAME's own; on the same 16-bit samples they decode to
exactly what ffmpeg's libmp3lame gives at the same bit rate and quality
(tests/test_render.py compares them), at under half the CPU time: no ffmpeg
process per file, no resampler or muxer in between.
"""

from __future__ import annotations

import functools
import math
import struct
from collections.abc import Iterable
from pathlib import Path

import numpy as np

ENCODER_DELAY = 576  # samples LAME puts before the audio (decoders also drop their own 529)
ENCODER_NAME = b"LAME3.100"  # the LAME in lameenc's wheel; 9 bytes, as the tag wants
CRC_CHUNK = 1 << 18  # bytes of MP3 the encoder gathers before a CRC step (256 KiB; 32 s at 64 kbps)
_XING_FLAGS = 0x0F  # frames, bytes, seek table and quality fields present
_TAG_BYTES = 4 + 4 + 4 + 4 + 100 + 4 + 36  # "Info", flags, frames, bytes, seek table, quality, LAME part

_BITRATES = {  # kbit/s by bit rate index, Layer III
    1: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


class FrameError(ValueError):
    """Bytes that are not an MPEG Layer III frame where one should start."""


def _fields(header: int) -> tuple[int, int, int, int, bool]:
    """(version id, bit rate in kbit/s, sample rate, padding, mono) of a Layer III frame header."""
    version = (header >> 19) & 3
    if header >> 21 != 0x7FF or version == 1 or (header >> 17) & 3 != 1:
        raise FrameError(f"not an MPEG audio Layer III frame header: {header:#010x}")
    index, rate_index = (header >> 12) & 15, (header >> 10) & 3
    if index in (0, 15) or rate_index == 3:
        raise FrameError(f"free-format or invalid bit rate or sample rate: {header:#010x}")
    kbps = _BITRATES[1 if version == 3 else 2][index]
    return version, kbps, _RATES[version][rate_index], (header >> 9) & 1, (header >> 6) & 3 == 3


def frame_size(header: int) -> int:
    """Bytes of the frame that starts with ``header``."""
    version, kbps, rate, padding, _mono = _fields(header)
    return (144 if version == 3 else 72) * kbps * 1000 // rate + padding


def samples_per_frame(header: int) -> int:
    return 1152 if _fields(header)[0] == 3 else 576


class FrameCounter:
    """Counts the frames of a stream fed in pieces, and keeps its first frame's header."""

    def __init__(self) -> None:
        self.frames = 0
        self.first: int | None = None
        self._pending = b""  # the start of a header cut by the end of a piece
        self._skip = 0  # bytes of the last frame still to come

    def feed(self, data: bytes) -> None:
        if self._skip >= len(data):
            self._skip -= len(data)
            return
        buffer = self._pending + data[self._skip :] if self._pending else data[self._skip :]
        position = 0
        while position + 4 <= len(buffer):
            header = int.from_bytes(buffer[position : position + 4], "big")
            if self.first is None:
                self.first = header
            self.frames += 1
            position += frame_size(header)
        self._skip = max(0, position - len(buffer))
        self._pending = buffer[position:] if position < len(buffer) else b""

    @property
    def complete(self) -> bool:
        return not self._skip and not self._pending


# CRC-16/ARC (polynomial 0x8005, reflected, starting at 0): the LAME tag's two CRCs.
def _crc_table() -> np.ndarray:
    table = np.zeros(256, np.uint16)
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table[byte] = crc
    return table


_CRC_TABLE = _crc_table()


@functools.lru_cache(maxsize=64)
def _after_zeros(count: int) -> tuple[np.ndarray, np.ndarray]:
    """The CRC register after ``count`` zero bytes, as two lookup tables (its low and high byte).

    The CRC is linear: a register followed by n bytes ends as the register run
    through n zero bytes, xor the CRC of the n bytes from zero. Running the 16
    one-bit registers through the zeros gives that map for every register.
    """
    basis = (1 << np.arange(16)).astype(np.uint16)
    for _ in range(count):
        basis = _CRC_TABLE[basis & 0xFF] ^ (basis >> 8)
    values = np.arange(256)
    low = np.zeros(256, np.uint16)
    high = np.zeros(256, np.uint16)
    for bit in range(8):
        low ^= np.where(values >> bit & 1, basis[bit], 0).astype(np.uint16)
        high ^= np.where(values >> bit & 1, basis[bit + 8], 0).astype(np.uint16)
    return low, high


def crc16(data: bytes, crc: int = 0) -> int:
    """CRC-16/ARC of ``data`` continuing from ``crc``.

    A byte-at-a-time loop in Python takes seconds for an hour of MP3 (29 MB);
    here the data is cut into equal lanes that numpy runs side by side, and
    the lanes' CRCs are joined with :func:`_after_zeros`.
    """
    # lanes * length = len(data); each lane step costs ~3 us of numpy calls, each lane's join ~0.6 us
    # of Python: about 2 * sqrt(len) lanes balances the two (1,024 lanes of 256 bytes for CRC_CHUNK)
    lanes = min(4096, 2 * math.isqrt(len(data))) if len(data) >= 256 else 0
    length = len(data) // lanes if lanes else 0
    head = lanes * length
    if lanes:
        rows = np.frombuffer(data, np.uint8, head).reshape(lanes, length).T.copy()
        state = np.zeros(lanes, np.uint16)
        for column in rows:
            state = _CRC_TABLE[(state ^ column) & 0xFF] ^ (state >> 8)
        low, high = _after_zeros(length)
        for lane in state.tolist():
            crc = int(low[crc & 0xFF] ^ high[crc >> 8]) ^ lane
    for byte in data[head:]:
        crc = int(_CRC_TABLE[(crc ^ byte) & 0xFF]) ^ (crc >> 8)
    return crc


def _info_header(first_header: int) -> tuple[int, int]:
    """The Info frame's header and the bytes of its side information (zeros) for a stream's first header."""
    version, _kbps, _rate, _padding, mono = _fields(first_header)
    side = (17 if mono else 32) if version == 3 else (9 if mono else 17)
    header = first_header & ~(1 << 9)  # no padding slot
    while frame_size(header) < 4 + side + _TAG_BYTES:  # too short at a low bit rate: LAME's way, a higher one
        header += 1 << 12
    return header, side


def info_frame_size(first_header: int) -> int:
    return frame_size(_info_header(first_header)[0])


def info_frame(first_header: int, *, frames: int, audio_bytes: int, samples: int, music_crc: int) -> bytes:
    """The Info frame (CBR Xing tag with LAME's extension) to put before ``frames`` audio frames."""
    header, side = _info_header(first_header)
    size = frame_size(header)
    kbps = _fields(first_header)[1]
    total = size + audio_bytes
    padding = frames * samples_per_frame(first_header) - ENCODER_DELAY - samples
    if not 0 <= padding < 4096:
        raise FrameError(f"{frames} frames cannot hold {samples} samples after the encoder's delay")
    seek = bytes(min(255, 256 * (size + audio_bytes * i // 100) // total) for i in range(100))
    xing = b"Info" + struct.pack(">III", _XING_FLAGS, frames, total) + seek + struct.pack(">I", 0)
    lame = (
        ENCODER_NAME
        + bytes([0x01, 0])  # tag revision 0, CBR; lowpass unknown
        + struct.pack(">fHHBB", 0.0, 0, 0, 0, min(255, kbps))  # peak, gains, flags, bit rate
        + (ENCODER_DELAY << 12 | padding).to_bytes(3, "big")
        + bytes([0, 0, 0, 0])  # misc, MP3 gain, surround and preset
        + struct.pack(">IH", total, music_crc)
    )
    frame = bytearray(size)
    frame[:4] = header.to_bytes(4, "big")
    tag = xing + lame
    frame[4 + side : 4 + side + len(tag)] = tag
    end = 4 + side + len(tag)  # LAME's tag CRC covers every byte of the frame before it
    frame[end : end + 2] = crc16(bytes(frame[:end])).to_bytes(2, "big")
    return bytes(frame)


def encode(pcm: Iterable[bytes], rate: int, path: Path, *, bitrate_kbps: int, quality: int) -> None:
    """Encode mono 16-bit PCM blocks as a CBR MP3 with its Info frame, into ``path`` (no ID3 yet).

    Room for the Info frame is left before the audio frames as soon as the
    first of them says how big it must be, and it is written there once their
    count and CRC are known. The caller removes the file if this raises.
    """
    import lameenc

    encoder = lameenc.Encoder()
    encoder.set_bit_rate(bitrate_kbps)
    encoder.set_in_sample_rate(rate)
    encoder.set_out_sample_rate(rate)  # LAME would resample to fit a low bit rate; the tracks keep theirs
    encoder.set_channels(1)
    encoder.set_quality(quality)
    counter = FrameCounter()
    crc = samples = audio_bytes = 0
    # the CRC runs on CRC_CHUNK bytes at a time: on each block's few kB it cost 6x more
    unsummed = bytearray()
    with open(path, "wb") as out:

        def put(data: bytes) -> None:
            nonlocal crc, audio_bytes
            if not data:
                return
            counter.feed(data)
            if not audio_bytes:
                assert counter.first is not None
                out.write(bytes(info_frame_size(counter.first)))
            unsummed.extend(data)
            if len(unsummed) >= CRC_CHUNK:
                crc = crc16(bytes(unsummed), crc)
                unsummed.clear()
            audio_bytes += len(data)
            out.write(data)

        for block in pcm:
            samples += len(block) // 2
            put(bytes(encoder.encode(block)))
        if not samples:
            encoder.encode(b"")  # lameenc flushes only an encoder that was given something
        put(bytes(encoder.flush()))
        crc = crc16(bytes(unsummed), crc)
        if counter.first is None or not counter.complete:
            raise FrameError(f"{path}: LAME gave no whole MP3 frames")
        if _fields(counter.first)[2] != rate:
            raise FrameError(f"{path}: LAME encoded at {_fields(counter.first)[2]} Hz, not {rate} Hz")
        out.seek(0)
        out.write(
            info_frame(
                counter.first,
                frames=counter.frames,
                audio_bytes=audio_bytes,
                samples=samples,
                music_crc=crc,
            )
        )
