"""In-process MP3 encoding: exact lengths for every decoder we know, through the LAME/Info frame we write."""

from __future__ import annotations

import random
import struct

import mutagen.mp3
import numpy as np
import pytest

from audioguide.audio import ffmpeg
from audioguide.audio.decode import DecodedMp3
from audioguide.audio.lame import CRC_CHUNK, ENCODER_DELAY, FrameCounter, FrameError, crc16, frame_size
from audioguide.audio.mp3 import encode_mp3


def _crc_bitwise(data: bytes) -> int:
    """CRC-16/ARC one bit at a time, as its definition reads."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def test_crc16_is_crc16_arc_in_pieces_of_any_size():
    assert crc16(b"123456789") == 0xBB3D  # the catalogued check value of CRC-16/ARC
    rng = random.Random(7)
    for size in (0, 1, 63, 64, 65, 4096 * 64 + 17, 300_001):
        data = rng.randbytes(size)
        assert crc16(data) == _crc_bitwise(data), size
        cut = size // 3
        assert crc16(data[cut:], crc16(data[:cut])) == crc16(data), size


@pytest.mark.parametrize(
    ("rate", "kbps"),
    [(24000, 64), (22050, 64), (24000, 8), (16000, 32), (44100, 320), (8000, 32)],
    ids=lambda v: str(v),
)
def test_every_decoder_gets_exactly_the_samples_encoded(tmp_path, rate, kbps):
    """ffmpeg, libsndfile (mpg123) and mutagen all read the delay and padding from our Info frame;
    at 24 kHz and 8 kbps the frame is too short to hold it and a higher bit rate's frame carries it."""
    x = (np.random.default_rng(rate + kbps).standard_normal(rate * 2 + 77) * 0.1).astype(np.float32)
    path = tmp_path / "x.mp3"
    encode_mp3(x, rate, path, bitrate_kbps=kbps)
    decoded, decoded_rate = ffmpeg.decode(path)
    assert (decoded.size, decoded_rate) == (x.size, rate)
    with DecodedMp3(path, rate) as ours:
        assert ours.size == x.size
    info = mutagen.mp3.MP3(path).info
    assert round(info.length * rate) == x.size
    assert info.bitrate_mode == mutagen.mp3.BitrateMode.CBR
    assert info.encoder_info.startswith("LAME 3.100")

    data = path.read_bytes()
    first = frame_size(int.from_bytes(data[:4], "big"))
    tag = data.index(b"LAME3.100")
    delay_padding = int.from_bytes(data[tag + 21 : tag + 24], "big")
    assert delay_padding >> 12 == ENCODER_DELAY
    length, music_crc, tag_crc = struct.unpack(">IHH", data[tag + 28 : tag + 36])
    assert length == len(data)
    assert music_crc == _crc_bitwise(data[first:])
    assert tag_crc == _crc_bitwise(data[: tag + 34])  # LAME's: every byte of the frame before it
    frames = int.from_bytes(data[data.index(b"Info") + 8 :][:4], "big")
    counter = FrameCounter()
    counter.feed(data[first:])
    assert counter.frames == frames and counter.complete


def test_the_music_crc_of_a_file_longer_than_a_crc_chunk(tmp_path):
    """The encoder sums the CRC a CRC_CHUNK at a time; over several chunks it is the whole stream's."""
    rate = 44100
    x = (np.random.default_rng(5).standard_normal(rate * 16) * 0.1).astype(np.float32)
    path = tmp_path / "long.mp3"
    encode_mp3(x, rate, path, bitrate_kbps=320)
    data = path.read_bytes()
    first = frame_size(int.from_bytes(data[:4], "big"))
    assert len(data) - first > 2 * CRC_CHUNK
    tag = data.index(b"LAME3.100")
    assert int.from_bytes(data[tag + 32 : tag + 34], "big") == crc16(data[first:])


@pytest.mark.parametrize("count", [0, 1, 576, 1105])
def test_a_few_samples_or_none_make_a_file_of_exactly_that_length(tmp_path, count):
    path = tmp_path / "x.mp3"
    encode_mp3(np.full(count, 0.01, np.float32), 24000, path, bitrate_kbps=64)
    assert ffmpeg.decode(path)[0].size == count


def test_frames_are_counted_across_pieces_and_junk_is_refused(tmp_path):
    path = tmp_path / "x.mp3"
    encode_mp3(np.zeros(24000 * 3, np.float32), 24000, path, bitrate_kbps=64)
    audio = path.read_bytes()[192:]
    whole = FrameCounter()
    whole.feed(audio)
    pieces = FrameCounter()
    position, sizes = 0, [1, 3, 2, 1000, 191, 193, 5]
    while position < len(audio):
        size = sizes[position % len(sizes)]
        pieces.feed(audio[position : position + size])
        position += size
    assert pieces.frames == whole.frames == len(audio) // 192 and pieces.complete
    with pytest.raises(FrameError):
        FrameCounter().feed(b"ID3\x03" + bytes(100))


def test_a_failed_encode_leaves_no_file(tmp_path):
    path = tmp_path / "x.mp3"

    def blocks():
        yield np.zeros(24000, np.float32)
        raise OSError("the disk filled")

    with pytest.raises(OSError):
        encode_mp3(blocks(), 24000, path, bitrate_kbps=64)
    assert not path.exists()
