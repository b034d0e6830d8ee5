"""guide.m4b: the whole guide as an AAC audiobook with one chapter per track.

Encoded with ffmpeg's ``aac`` encoder from the same mastered samples as the
MP3 tracks (as 32-bit floats: no extra quantization). Chapters and global
tags go through an FFMETADATA file; an optional cover image
(``settings.cover_image``) is attached as the picture players show.

Levels: mastering aims :data:`~audioguide.audio.mp3.ENCODER_GAIN_DB`
above the target for LAME's 0.95 input scaling; AAC has no such scaling, so
the samples are lowered by the same amount and the M4B decodes at the
tracks' loudness. Its true peak is checked like the MP3's.

AAC priming (1024 samples) is hidden by the edit list the MP4 muxer writes,
so decoded audio and chapter times line up with the sample counts.

Both ffmpeg runs use :mod:`audioguide.audio.ffmpeg`'s streaming helper, not
pydub: the AAC encode streams float32 samples (pydub holds a whole file, as
16-bit integers), and the mux takes three inputs and copies the audio stream
(pydub's ``export`` takes one input and always re-encodes).
"""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

from audioguide.audio import ffmpeg
from audioguide.audio.mp3 import ENCODER_GAIN_DB
from audioguide.errors import AudioguideError, AudioToolError
from audioguide.exporters.joined import (
    Chapter,
    Passes,
    chapters,
    describe_passes,
    encode_under_ceiling,
    f32_bytes,
    guide_pcm,
)
from audioguide.exporters.published import M4B_NAME
from audioguide.files import atomic_path, normal_mode
from audioguide.model.guide import FinishedGuide
from audioguide.text import one_line

logger = logging.getLogger(__name__)

AAC_MIN_KBPS = 24
AAC_MAX_KBPS = 128  # about the most AAC-LC carries in mono at 22.05 kHz
_COPYABLE_COVERS = {"mjpeg", "png"}  # what MP4 'covr' holds as is
AAC_CODER = "fast"
"""ffmpeg's AAC quantizer search. On the example (355 s of heart, 64 kbps mono at 24 kHz) "fast"
encodes in 1.4 CPU s against 3.1-3.4 for the default "twoloop", at a wideband PESQ (P.862.2,
8-second pieces, against the samples encoded) of 4.25 against 4.14 (lowest piece 4.02 against 3.94)."""


class CoverImageError(AudioguideError):
    """The cover image for the M4B cannot be found or read."""


def ffmetadata(guide: FinishedGuide, marks: Sequence[Chapter]) -> str:
    """An FFMETADATA1 file: global tags, then one [CHAPTER] per track (ms timebase)."""
    tags = guide.tracks[0].tags
    lines = [";FFMETADATA1"]
    for key, value in (
        ("title", guide.title),
        ("album", guide.title),
        ("artist", tags.artist),
        ("album_artist", tags.artist),
        ("genre", "Speech"),
        ("comment", tags.comment),
        ("media_type", "2"),  # iTunes 'stik': audiobook
    ):
        lines.append(f"{key}={_escape(value)}")
    for mark, track in zip(marks, guide.tracks, strict=True):
        lines += [
            "",
            "[CHAPTER]",
            "TIMEBASE=1/1000",
            f"START={mark.start_ms(guide.rate)}",
            f"END={mark.end_ms(guide.rate)}",
            f"title={_escape(_chapter_title(track.record.group, mark.title))}",
        ]
    return "\n".join(lines) + "\n"


def _chapter_title(topic: str | None, title: str) -> str:
    """MP4 chapters are one flat list: a question under a topic is named with its topic."""
    return f"{topic}: {title}" if topic and topic != title else title


def _escape(value: str) -> str:
    """FFMETADATA escaping: one line (no CR or LF can start a key or a [CHAPTER]), then a
    backslash before '=', ';', '#' and '\\'."""
    return re.sub(r"([=;#\\])", r"\\\1", one_line(value))


def aac_bitrate(guide: FinishedGuide) -> int:
    """The MP3 bit rate (64 kbps by default), kept within what mono AAC-LC uses."""
    wanted = guide.settings.encoding.bitrate_kbps
    kbps = min(max(wanted, AAC_MIN_KBPS), AAC_MAX_KBPS)
    if kbps != wanted:
        logger.info("m4b: AAC at %d kbps (the MP3 rate, %d kbps, is out of range for mono AAC)", kbps, wanted)
    return kbps


def cover_image(guide: FinishedGuide) -> tuple[Path, str] | None:
    """The cover image and its codec as ffmpeg names it, or None when there is none."""
    if not guide.settings.cover_image:
        return None
    path = Path(guide.settings.cover_image).expanduser()
    if not path.is_file():
        raise CoverImageError(f"cover image not found: {path}")
    video = ffmpeg.probe(path).video_codec
    if video is not None:
        try:  # a picture's first frame must decode: a text file named .jpg is "mjpeg" to the probe
            ffmpeg.run(["-xerror", "-i", str(path), "-map", "0:v:0", "-frames:v", "1", "-f", "null", "-"])
        except AudioToolError:
            video = None
    if video is None:
        raise CoverImageError(f"cover image is not an image ffmpeg can read: {path}")
    return path, video


def _encode_aac(guide: FinishedGuide, path: Path, passes: Passes, lengths: list[int]) -> None:
    """The guide's audio alone as AAC in MP4 (chapters and cover are added by :func:`_mux`)."""
    args = [
        "-f",
        "f32le",
        "-ar",
        str(guide.rate),
        "-ac",
        "1",
        "-i",
        "pipe:0",
        "-map_metadata",
        "-1",
        "-fflags",
        "+bitexact",
        "-flags:a",
        "+bitexact",
        "-c:a",
        "aac",
        "-aac_coder",
        AAC_CODER,
        "-b:a",
        f"{aac_bitrate(guide)}k",
        "-f",
        "ipod",
        "-y",
        str(path),
    ]
    ffmpeg.stream_to_ffmpeg(args, guide_pcm(guide, passes, f32_bytes, lengths))


def _mux(audio: Path, metadata: Path, cover: tuple[Path, str] | None, path: Path) -> None:
    """Audio (copied), chapters and tags from ``metadata``, the cover as attached picture."""
    args = ["-i", str(audio), "-f", "ffmetadata", "-i", str(metadata)]
    if cover is not None:
        args += ["-i", str(cover[0])]
    args += ["-map", "0:a", "-c:a", "copy"]
    if cover is not None:
        copy = cover[1] in _COPYABLE_COVERS
        args += ["-map", "2:v:0", "-c:v", "copy" if copy else "png", "-disposition:v:0", "attached_pic"]
    args += [
        "-map_metadata",
        "1",
        "-map_chapters",
        "1",
        "-fflags",
        "+bitexact",
        "-movflags",
        "+faststart",
        "-brand",
        "M4B ",
        "-f",
        "ipod",
        "-y",
        str(path),
    ]
    ffmpeg.run(args)


def export(guide: FinishedGuide) -> list[Path]:
    """Write ``guide.m4b``: AAC, one chapter per track, tags, optional cover."""
    if not guide.tracks:
        raise AudioguideError("the guide has no tracks to join into an audiobook")
    cover = cover_image(guide)
    path = guide.folder / M4B_NAME
    with tempfile.TemporaryDirectory(prefix="audioguide-m4b-") as tmp:
        audio, metadata = Path(tmp) / "audio.m4a", Path(tmp) / "chapters.txt"
        lengths, passes, peak = encode_under_ceiling(
            guide,
            audio,
            lambda passes, lengths: _encode_aac(guide, audio, passes, lengths),
            ENCODER_GAIN_DB,
            label=path.name,
        )
        metadata.write_text(ffmetadata(guide, chapters(guide, lengths)), encoding="utf-8")
        with atomic_path(path, mode=normal_mode()) as part:
            _mux(audio, metadata, cover, part)
    logger.info(
        "%s: %d chapters, %.1f s, AAC %d kbps, true peak %.2f dBTP%s%s",
        path.name,
        len(lengths),
        sum(lengths) / guide.rate,
        aac_bitrate(guide),
        peak,
        describe_passes(passes, ENCODER_GAIN_DB),
        ", with cover" if cover else "",
    )
    return [path]
