"""MP3 tracks: constant bit rate, mono, at the engine's rate, with ID3v2.3 tags."""

from __future__ import annotations

import logging
import math
from pathlib import Path

import numpy as np
from mutagen.id3 import COMM, ID3, TALB, TCON, TIT2, TLAN, TPE1, TPE2, TPUB, TRCK, TXXX

from audioguide.audio import codec
from audioguide.model.tags import TrackTags

logger = logging.getLogger(__name__)

# ISO 639-1 (what guide scripts use) -> ISO 639-2/B (what ID3 TLAN wants).
_ISO639_2 = {
    "en": "eng", "es": "spa", "fr": "fre", "de": "ger", "it": "ita", "pt": "por", "nl": "dut",
    "pl": "pol", "ru": "rus", "zh": "chi", "ja": "jpn", "ko": "kor", "ar": "ara", "hi": "hin",
    "vi": "vie", "tr": "tur", "sv": "swe", "da": "dan", "fi": "fin", "no": "nor", "el": "gre",
    "he": "heb", "uk": "ukr", "cs": "cze", "hu": "hun", "ro": "rum", "tl": "tgl",
}


def iso639_2(language: str) -> str:
    """"en" or "en-US" -> "eng"; unknown codes pass through (three letters) or become "und"."""
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
PEAK_STEP_DB = 0.25       # extra headroom beyond an overshoot when re-mastering
MAX_PEAK_PASSES = 4       # encodes at most, per file


MP3_CODEC = "libmp3lame"
MP3_PARAMETERS = (
    "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact",  # no metadata or version of ffmpeg's own
    "-abr", "0", "-write_xing", "1", "-id3v2_version", "0",  # CBR with a LAME/Xing header, no ID3 (ours comes later)
)
"""ffmpeg output options of every MP3 we write, tracks (through pydub) and guide.mp3 (streamed) alike."""


def mp3_encoder_args(rate: int, path: Path, *, bitrate_kbps: int) -> list[str]:
    """ffmpeg arguments for the streaming helper: mono s16le on stdin -> the tracks' CBR MP3."""
    return [
        "-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0",
        "-acodec", MP3_CODEC, "-b:a", f"{bitrate_kbps}k", *MP3_PARAMETERS, "-f", "mp3", "-y", str(path),
    ]


def encode_mp3(samples: np.ndarray, rate: int, path: Path, *, bitrate_kbps: int) -> None:
    """Encode mono float samples as a CBR MP3 (LAME), through pydub's ``AudioSegment.export``."""
    codec.export(samples, rate, path, format="mp3", codec=MP3_CODEC, bitrate_kbps=bitrate_kbps,
                 parameters=MP3_PARAMETERS)


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
