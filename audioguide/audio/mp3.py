"""MP3 tracks: constant bit rate, mono, at the engine's rate, with ID3v2.3 tags."""

from __future__ import annotations

import errno
import logging
import math
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from mutagen.id3 import COMM, ID3, TALB, TCON, TIT2, TLAN, TPE1, TPE2, TPUB, TRCK, TXXX

from audioguide.audio import lame
from audioguide.audio.pcm import int16_bytes
from audioguide.errors import OutputError
from audioguide.model.tags import TrackTags

logger = logging.getLogger(__name__)

# ISO 639-1 (what guide scripts use) -> ISO 639-2/B (what ID3 TLAN wants).
_ISO639_2 = {
    "en": "eng",
    "es": "spa",
    "fr": "fre",
    "de": "ger",
    "it": "ita",
    "pt": "por",
    "nl": "dut",
    "pl": "pol",
    "ru": "rus",
    "zh": "chi",
    "ja": "jpn",
    "ko": "kor",
    "ar": "ara",
    "hi": "hin",
    "vi": "vie",
    "tr": "tur",
    "sv": "swe",
    "da": "dan",
    "fi": "fin",
    "no": "nor",
    "el": "gre",
    "he": "heb",
    "uk": "ukr",
    "cs": "cze",
    "hu": "hun",
    "ro": "rum",
    "tl": "tgl",
}


def iso639_2(language: str) -> str:
    """ "en" or "en-US" -> "eng"; unknown codes pass through (three letters) or become "und"."""
    base = language.split("-")[0].split("_")[0].lower()
    if base in _ISO639_2:
        return _ISO639_2[base]
    return base if len(base) == 3 else "und"


# libmp3lame scales CBR input by 0.95 (measured: a 0.5 sine decodes at 0.475 at
# 64 and 128 kbps CBR, at 0.503 with VBR), i.e. -0.45 dB. Mastering aims this
# much higher so the *decoded* track lands on the loudness target.
ENCODER_GAIN_DB = 20 * math.log10(0.95)

MP3_PEAK_MARGIN_DB = 1.5
"""dB of true-peak headroom kept under ``Loudness.true_peak_dbtp`` on the first MP3 pass.

How much LAME raises a track's true peak is erratic (0 to 2.3 dB seen at
64 kbps on Piper speech), so every encoded file is measured again (README,
"Performance", gives the figures behind 1.5 dB rather than 1.0).
"""
PEAK_STEP_DB = 0.25  # extra headroom beyond an overshoot when re-mastering
MP3_LOUDNESS_TOLERANCE_LU = 0.1  # a decoded file further than this from the target is mastered again
MAX_PEAK_PASSES = 4  # encodes at most, per file


LAME_QUALITY = 7
"""LAME's algorithm quality (``-q``; LAME's default is 3). Measured at 64 kbps: q7 encodes the
example's 73 s first track in 0.125 CPU s against 0.225 at q3 (q8 and q9 cost the same as q7), at a
wideband PESQ (P.862.2, 8 s pieces, against the mastered input, the example's 11 tracks) of 4.045
against 4.073 (q5 and q6: 4.071; per track -0.09 to +0.05) on PESQ's scale of 1 to 4.64."""

# full, over quota, read-only, over the file-size limit (ulimit -f)
_DISK_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG)
_BLOCK = 1 << 17  # samples quantized and sent to the encoder at a time


def encode_mp3(
    samples: np.ndarray | Iterable[np.ndarray], rate: int, path: Path, *, bitrate_kbps: int
) -> None:
    """Encode mono float samples (an array, or its blocks in order) as a CBR MP3 (LAME).

    Quantized to 16 bits a block at a time (:mod:`audioguide.audio.pcm`) and
    streamed to the encoder (:func:`encode_mp3_pcm`): a 60-minute track is
    never held as one 16-bit copy (173 MB at 24 kHz).
    """
    whole = samples if isinstance(samples, np.ndarray) else None
    blocks = samples if whole is None else (whole[i : i + _BLOCK] for i in range(0, whole.size, _BLOCK))
    encode_mp3_pcm((int16_bytes(block) for block in blocks), rate, path, bitrate_kbps=bitrate_kbps)


def encode_mp3_pcm(pcm: Iterable[bytes], rate: int, path: Path, *, bitrate_kbps: int) -> None:
    """Encode mono 16-bit PCM blocks as the tracks' CBR MP3 (LAME in this process, :mod:`.lame`).

    Every MP3 we write goes through here (tracks and guide.mp3). A failed
    encode leaves no file behind.
    """
    try:
        lame.encode(pcm, rate, path, bitrate_kbps=bitrate_kbps, quality=LAME_QUALITY)
    except BaseException as exc:
        Path(path).unlink(missing_ok=True)  # no half-written file
        if isinstance(exc, OSError) and exc.errno in _DISK_ERRNOS:  # a write says no file name: add it
            raise OutputError(
                f"{path}: cannot write ({exc.strerror}); free some space, or write elsewhere"
            ) from None
        raise


def write_tags(path: Path, tags: TrackTags) -> None:
    """Replace the file's ID3 tag with ours (ID3v2.3, the most widely read)."""
    id3 = ID3()
    id3.add(TIT2(encoding=3, text=tags.title))
    id3.add(TALB(encoding=3, text=tags.album))
    id3.add(TPE1(encoding=3, text=tags.artist))
    id3.add(TPE2(encoding=3, text=tags.artist))
    if tags.publisher:
        id3.add(TPUB(encoding=3, text=tags.publisher))
    id3.add(TRCK(encoding=3, text=f"{tags.track}/{tags.total}"))
    id3.add(TCON(encoding=3, text="Speech"))
    id3.add(TLAN(encoding=3, text=iso639_2(tags.language)))
    id3.add(COMM(encoding=3, lang="eng", desc="", text=tags.comment))
    if tags.kind:
        id3.add(TXXX(encoding=3, desc="audioguide:kind", text=tags.kind))
    id3.save(path, v2_version=3)
