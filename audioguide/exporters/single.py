"""guide.mp3: the whole guide as one MP3 with ID3 chapters (CHAP/CTOC), guide.vtt and guide.srt.

The file is encoded from the tracks' mastered samples, concatenated in
order, exactly as the track MP3s were (CBR, mono, the guide's rate and bit
rate, the same 16-bit quantization), so it sounds and measures like them.
Audio is streamed to and from ffmpeg track by track, through
:mod:`audioguide.audio.ffmpeg`'s streaming helper rather than pydub (which
holds a whole file in memory): a book-length guide never sits in memory whole.

Chapter times come from the cumulative sample counts. MP3 decoding starts
:data:`MP3_CODEC_DELAY` samples late (LAME's 576-sample encoder delay plus
the 529-sample decoder delay; about 50 ms at 22.05 kHz). ffmpeg writes it
into the LAME header and decoders that honour the header give back exactly
the encoded samples, but readers disagree about the chapters' timeline:
libavformat (ffmpeg, mpv) reads CHAP times as counting the delay, other
players that trim it as counting from the first real sample. Each
boundary is therefore written half the delay late: about 25 ms from the
true boundary either way, always inside the room tone (1.5 s of tail, 0.5 s
of head) around it. The first chapter starts at 0, the start of the file
either way.

Like the tracks, the file is decoded and its true peak measured, track by
track, and encoded again where a track's span is over the ceiling
(:mod:`audioguide.exporters.joined`, shared with the M4B export).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from mutagen.id3 import CHAP, CTOC, ID3, TIT2, BitPaddedInt, CTOCFlags

from audioguide.audio.mp3 import encode_mp3_pcm, write_tags
from audioguide.audio.pcm import int16_bytes
from audioguide.errors import AudioguideError
from audioguide.exporters.joined import (
    Chapter,
    Passes,
    chapters,
    describe_passes,
    encode_under_ceiling,
    guide_pcm,
)
from audioguide.exporters.published import SINGLE_NAME
from audioguide.exporters.published import SINGLE_SRT_NAME as SRT_NAME
from audioguide.exporters.published import SINGLE_VTT_NAME as VTT_NAME
from audioguide.exporters.vtt import Cue, render_srt, render_vtt, track_cues
from audioguide.files import atomic_path, normal_mode
from audioguide.model.guide import FinishedGuide

logger = logging.getLogger(__name__)

TOC_ID = "toc"
MAX_CTOC_CHILDREN = 255  # the CTOC entry count is one byte
MP3_CODEC_DELAY = 576 + 529  # samples: libmp3lame's encoder delay + the MPEG decoder's


# --------------------------------------------------------------------------- guide.mp3


def _encode_mp3(guide: FinishedGuide, path: Path, passes: Passes, lengths: list[int]) -> None:
    """The same encoding as the tracks' (:func:`~audioguide.audio.mp3.encode_mp3_pcm`), streamed."""
    encode_mp3_pcm(
        guide_pcm(guide, passes, int16_bytes, lengths),
        guide.rate,
        path,
        bitrate_kbps=guide.settings.encoding.bitrate_kbps,
    )


def mp3_chapter_times(marks: Sequence[Chapter], rate: int) -> list[tuple[int, int]]:
    """(start, end) in ms of each CHAP: boundaries half the codec delay late (see above), the first start 0."""
    shift = MP3_CODEC_DELAY // 2

    def at(sample: int) -> int:
        return round((sample + shift if sample else 0) * 1000 / rate)

    return [(at(mark.start), at(mark.end)) for mark in marks]


def write_chapter_tags(path: Path, guide: FinishedGuide, marks: Sequence[Chapter]) -> None:
    """ID3v2.3 tag of the guide (as the tracks', guide title, no track number) plus CHAP/CTOC."""
    tags = replace(guide.tracks[0].tags, title=guide.title, track=1, total=1, kind=None)
    write_tags(path, tags)
    id3 = ID3(path)
    id3.delall("TRCK")
    for mark, (start_ms, end_ms) in zip(marks, mp3_chapter_times(marks, guide.rate)):
        id3.add(
            CHAP(
                element_id=mark.ident,
                start_time=start_ms,
                end_time=end_ms,
                start_offset=0xFFFFFFFF,
                end_offset=0xFFFFFFFF,
                sub_frames=[TIT2(encoding=3, text=mark.title)],
            )
        )
    ids = [mark.ident for mark in marks]
    title = [TIT2(encoding=3, text=guide.title)]
    top: list[str] = []  # the top-level table: chapters, and one table per topic (its questions)
    for topic, members in _topic_runs(guide, ids):
        if topic is None:
            top.extend(members)
        else:
            ident = f"{TOC_ID}-{members[0]}"
            for part, chunk in enumerate(_chunks(members)):
                id3.add(
                    CTOC(
                        element_id=ident if part == 0 else f"{ident}-{part}",
                        flags=CTOCFlags.ORDERED,
                        child_element_ids=chunk,
                        sub_frames=[TIT2(encoding=3, text=topic)],
                    )
                )
                top.append(ident if part == 0 else f"{ident}-{part}")
    if len(top) <= MAX_CTOC_CHILDREN:
        id3.add(
            CTOC(
                element_id=TOC_ID,
                flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                child_element_ids=top,
                sub_frames=title,
            )
        )
    else:  # more entries than one CTOC holds: the top-level table lists ordered parts
        parts = [f"{TOC_ID}{n}" for n in range(1, len(_chunks(top)) + 1)]
        for part, chunk in zip(parts, _chunks(top)):
            id3.add(CTOC(element_id=part, flags=CTOCFlags.ORDERED, child_element_ids=chunk, sub_frames=[]))
        id3.add(
            CTOC(
                element_id=TOC_ID,
                flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                child_element_ids=parts,
                sub_frames=title,
            )
        )
    id3.save(path, v2_version=3)
    _order_chapter_frames(path, ids)


def _chunks(ids: Sequence[str]) -> list[list[str]]:
    """``ids`` in tables of at most :data:`MAX_CTOC_CHILDREN` (the CTOC entry count is one byte)."""
    return [list(ids[i : i + MAX_CTOC_CHILDREN]) for i in range(0, len(ids), MAX_CTOC_CHILDREN)]


def _topic_runs(guide: FinishedGuide, ids: Sequence[str]) -> list[tuple[str | None, list[str]]]:
    """The chapters in runs: consecutive tracks under one topic (the questions grouped under it)
    make one run named by the topic, every other track a run of its own named None."""
    runs: list[tuple[str | None, list[str]]] = []
    for track, ident in zip(guide.tracks, ids, strict=True):
        topic = track.record.group
        if topic and runs and runs[-1][0] == topic:
            runs[-1][1].append(ident)
        else:
            runs.append((topic or None, [ident]))
    return runs


def _order_chapter_frames(path: Path, ids: Sequence[str]) -> None:
    """Rewrite the tag with the CHAP frames last and in chapter order.

    mutagen orders frames by size; ffmpeg (and players that ignore CTOC) list
    chapters in frame order. The tag keeps its size: only frames move.

    Byte surgery because mutagen has no public way to choose the frame order:
    ``ID3.save`` always sorts frames by a fixed priority, then size, then hash
    key (``ID3Tags._write``), and its internals are no interface to build on.
    The header's syncsafe size is read with mutagen's ``BitPaddedInt``; ID3v2.3
    frame sizes are plain 32-bit big-endian numbers.
    """
    rank = {ident: index for index, ident in enumerate(ids)}
    with open(path, "r+b") as handle:
        header = handle.read(10)
        if header[:3] != b"ID3" or header[3] != 3 or header[5] != 0:  # v2.3, no unsync/extended header
            logger.debug("%s: unexpected ID3 header, chapter frames left in mutagen's order", path.name)
            return
        size = BitPaddedInt(header[6:10])
        body = handle.read(size)
        frames: list[bytes] = []
        position = 0
        while position + 10 <= len(body) and body[position : position + 4] != b"\0\0\0\0":
            end = position + 10 + int.from_bytes(body[position + 4 : position + 8], "big")
            frames.append(body[position:end])
            position = end
        if position > len(body):
            logger.debug("%s: ID3 frames overrun the tag, left as written", path.name)
            return

        def chapter_rank(frame: bytes) -> int:
            ident = frame[10 : frame.index(b"\0", 10)].decode("latin-1")
            return rank.get(ident, len(rank))

        others = [frame for frame in frames if frame[:4] != b"CHAP"]
        chaps = sorted((frame for frame in frames if frame[:4] == b"CHAP"), key=chapter_rank)
        handle.seek(10)
        handle.write(b"".join(others + chaps))


def guide_cues(guide: FinishedGuide, marks: Sequence[Chapter]) -> list[Cue]:
    """The single file's captions: every track's sentence cues, offset by the track's start."""
    cues = []
    for track, mark in zip(guide.tracks, marks, strict=True):
        cues.extend(track_cues(track.record, offset_ms=mark.start_ms(guide.rate)))
    return cues


def guide_vtt(guide: FinishedGuide, marks: Sequence[Chapter]) -> str:
    """WebVTT for the single file (:func:`guide_cues`)."""
    return render_vtt(guide_cues(guide, marks))


def export(guide: FinishedGuide) -> list[Path]:
    """Write ``guide.mp3`` (with chapters), ``guide.vtt`` and ``guide.srt``."""
    if not guide.tracks:
        raise AudioguideError("the guide has no tracks to join into one file")
    path = guide.folder / SINGLE_NAME
    with atomic_path(path, mode=normal_mode()) as part:
        lengths, passes, peak = encode_under_ceiling(
            guide, part, lambda passes, lengths: _encode_mp3(guide, part, passes, lengths), label=path.name
        )
        marks = chapters(guide, lengths)
        write_chapter_tags(part, guide, marks)
    cues = guide_cues(guide, marks)
    vtt, srt = guide.folder / VTT_NAME, guide.folder / SRT_NAME
    vtt.write_text(render_vtt(cues), encoding="utf-8", newline="\n")
    srt.write_text(render_srt(cues), encoding="utf-8", newline="\n")
    logger.info(
        "%s: %d chapters, %.1f s, true peak %.2f dBTP%s",
        path.name,
        len(marks),
        sum(lengths) / guide.rate,
        peak,
        describe_passes(passes),
    )
    return [path, vtt, srt]
