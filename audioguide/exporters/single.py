"""guide.mp3: the whole guide as one MP3 with ID3 chapters (CHAP/CTOC), and guide.vtt.

The file is encoded from the tracks' mastered samples, concatenated in
order, exactly as the track MP3s were (CBR, mono, the guide's rate and bit
rate, the same 16-bit quantization), so it sounds and measures like them.
Audio is streamed to and from ffmpeg track by track: a book-length guide
never sits in memory whole.

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
track. Encoding the same samples in another frame alignment can raise a
peak by more than the track's own MP3 did (1.0 dB more was seen at 64 kbps).
A track whose span is over the ceiling is re-mastered with more limiter
headroom, as :func:`~audioguide.audio.render.master_to_mp3` does, which keeps its
loudness; lowering the whole file instead would have taken a -2 dBTP guide
to -17.2 LUFS. Only if that fails is the whole file lowered by the excess
(plus :data:`~audioguide.audio.render.PEAK_STEP_DB`). The stream and peak
helpers here are shared with the M4B export.
"""

from __future__ import annotations

import logging
import os
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from mutagen.id3 import CHAP, CTOC, ID3, TIT2, CTOCFlags

from audioguide.audio import ffmpeg
from audioguide.errors import AudioguideError, AudioToolError
from audioguide.audio.render import MAX_PEAK_PASSES, PEAK_STEP_DB, mastered_samples
from audioguide.exporters.captions import render_vtt, track_cues
from audioguide.audio.mp3 import mp3_encoder_args, pcm16_bytes, write_tags

if TYPE_CHECKING:
    from audioguide.exporters.registry import FinishedGuide

logger = logging.getLogger(__name__)

SINGLE_NAME = "guide.mp3"
VTT_NAME = "guide.vtt"
TOC_ID = "toc"
MAX_CTOC_CHILDREN = 255  # the CTOC entry count is one byte
MP3_CODEC_DELAY = 576 + 529  # samples: libmp3lame's encoder delay + the MPEG decoder's
_CHUNK = 1 << 18  # samples per block sent to ffmpeg


@dataclass(frozen=True)
class Chapter:
    """One track's place in a single-file guide, in samples."""

    ident: str
    title: str
    start: int
    end: int

    def start_ms(self, rate: int) -> int:
        return round(self.start * 1000 / rate)

    def end_ms(self, rate: int) -> int:
        return round(self.end * 1000 / rate)


def chapters(guide: FinishedGuide, lengths: Sequence[int]) -> list[Chapter]:
    """One chapter per track from the tracks' sample counts; ids ``ch01``, ``ch02``..."""
    found: list[Chapter] = []
    position = 0
    for track, length in zip(guide.tracks, lengths, strict=True):
        found.append(Chapter(f"ch{track.record.number:02d}", track.record.title, position, position + length))
        position += length
    return found


# --------------------------------------------------------------------------- streaming


def f32_bytes(samples: np.ndarray) -> bytes:
    return np.asarray(samples, dtype="<f4").tobytes()


class SampleStore:
    """Mastered track samples kept on disk between encoding passes.

    A peak-check pass re-masters only the tracks that were over the ceiling;
    every other track's samples are read back from here instead of being
    assembled and mastered again (on the example, the second and third
    passes re-mastered 2 and 1 of 11 tracks). One float32 file per track
    and headroom, in a temporary folder: memory holds one track at a time.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def get(self, guide: FinishedGuide, index: int, extra_db: float) -> np.ndarray:
        path = self.folder / f"{index}-{extra_db!r}.f32"
        if path.is_file():
            return np.fromfile(path, dtype="<f4")
        track = guide.tracks[index]
        if extra_db:
            samples = mastered_samples(track.job, guide.cache, guide.engine, track.record.peak_margin_db + extra_db)
        else:
            samples = guide.samples(track)
        samples = np.asarray(samples, dtype="<f4")  # already float32: the copy read back is exact
        part = path.with_name(f".{path.name}.part")
        try:  # whole or not at all: a half-written file must never be read back as the track
            samples.tofile(part)
            os.replace(part, path)
        except OSError as exc:
            part.unlink(missing_ok=True)
            raise AudioguideError(f"{path}: cannot write the sample store ({exc.strerror or exc})") from None
        return samples


@dataclass
class Passes:
    """How the guide's audio is sent to the encoder: extra limiter headroom per track, overall gain."""

    store: SampleStore = field(compare=False, repr=False)
    gain_db: float = 0.0
    extra_margin_db: dict[int, float] = field(default_factory=dict)  # track index -> dB

    def samples(self, guide: FinishedGuide, index: int) -> np.ndarray:
        """Track ``index``'s mastered samples, re-mastered with more headroom if it needs it."""
        return self.store.get(guide, index, self.extra_margin_db.get(index, 0.0))


def guide_pcm(
    guide: FinishedGuide, passes: Passes, to_bytes: Callable[[np.ndarray], bytes], lengths: list[int]
) -> Iterator[bytes]:
    """The guide's mastered samples, track after track, times ``passes.gain_db``, in blocks.

    Appends each track's sample count to ``lengths`` as it goes.
    """
    gain = np.float32(10 ** (passes.gain_db / 20))
    for index in range(len(guide.tracks)):
        samples = passes.samples(guide, index)
        lengths.append(int(samples.size))
        for start in range(0, samples.size, _CHUNK):
            block = samples[start:start + _CHUNK]
            yield to_bytes(block * gain if passes.gain_db else block)


def stream_to_ffmpeg(args: Sequence[str], blocks: Iterable[bytes]) -> None:
    """Run ffmpeg with ``args`` (reading ``pipe:0``), writing ``blocks`` to its stdin."""
    cmd = [ffmpeg.ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", *args]
    logger.debug("ffmpeg %s", " ".join(args))
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors)
        assert proc.stdin is not None
        try:
            for block in blocks:
                proc.stdin.write(block)
        except BrokenPipeError:
            pass  # ffmpeg stopped early: its exit status and message say why
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        finally:
            try:
                proc.stdin.close()
            except BrokenPipeError:
                pass
        _check(proc.wait(), errors)


def _check(code: int, errors) -> None:
    if code != 0:
        errors.seek(0)
        lines = errors.read().decode("utf-8", "replace").strip().splitlines()
        raise AudioToolError(f"ffmpeg failed: {lines[-1] if lines else 'exit ' + str(code)}")


def decoded_track_peaks(path: Path, rate: int, lengths: Sequence[int]) -> list[float]:
    """Conservative true peak (dBTP) of each track's span of an encoded guide, decoded as a stream.

    Spans are cut at the track boundaries, which are faded room tone, so
    measuring them apart reads the same as measuring the whole file.
    """
    from audioguide.audio.mastering import conservative_true_peak_dbtp

    cmd = [ffmpeg.ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-i", str(path),
           "-ac", "1", "-ar", str(rate), "-f", "f32le", "-acodec", "pcm_f32le", "pipe:1"]
    peaks: list[float] = []
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors)
        assert proc.stdout is not None
        try:
            for index, size in enumerate(lengths):
                data = proc.stdout.read() if index == len(lengths) - 1 else proc.stdout.read(size * 4)
                segment = np.frombuffer(data[: len(data) // 4 * 4], dtype="<f4")
                peaks.append(conservative_true_peak_dbtp(segment, rate))
        finally:
            proc.stdout.close()
            code = proc.wait()
        _check(code, errors)
    return peaks


def encode_under_ceiling(
    guide: FinishedGuide,
    path: Path,
    encode: Callable[[Passes, list[int]], None],
    gain_db: float = 0.0,
    label: str | None = None,
) -> tuple[list[int], Passes, float]:
    """Encode with ``encode(passes, lengths)``, then check the decoded true peak of every track's span.

    A span over ``settings.loudness.true_peak_dbtp`` is re-mastered with more
    limiter headroom (its excess plus :data:`PEAK_STEP_DB`, as
    :func:`~audioguide.audio.render.master_to_mp3` does), which keeps its
    loudness; if the last pass but one is still over, the whole file is
    lowered by the excess instead. At most :data:`MAX_PEAK_PASSES` encodes.
    Returns (track lengths, the passes' settings, the file's true peak).
    """
    name = label or path.name
    ceiling = guide.settings.loudness.true_peak_dbtp
    with tempfile.TemporaryDirectory(prefix=".samples-", dir=guide.folder) as kept:  # on the output disk
        return _encode_passes(guide, path, encode, Passes(SampleStore(Path(kept)), gain_db=gain_db), name, ceiling)


def _encode_passes(
    guide: FinishedGuide, path: Path, encode: Callable[[Passes, list[int]], None], passes: Passes, name: str,
    ceiling: float,
) -> tuple[list[int], Passes, float]:
    for attempt in range(MAX_PEAK_PASSES):
        lengths: list[int] = []
        encode(passes, lengths)
        peaks = decoded_track_peaks(path, guide.rate, lengths)
        over = {index: peak - ceiling for index, peak in enumerate(peaks) if peak > ceiling}
        if not over:
            break
        if attempt == MAX_PEAK_PASSES - 1:
            logger.warning("%s: true peak %.2f dBTP, over the %.1f dBTP ceiling", name, max(peaks), ceiling)
            break
        if attempt < MAX_PEAK_PASSES - 2:
            for index, excess in over.items():
                logger.info("%s: track %d encoded at %.2f dBTP; re-mastering it with %.2f dB more headroom",
                            name, index + 1, peaks[index], excess + PEAK_STEP_DB)
                passes.extra_margin_db[index] = passes.extra_margin_db.get(index, 0.0) + excess + PEAK_STEP_DB
        else:
            excess = max(over.values())
            logger.info("%s: encoded true peak %.2f dBTP; lowering the whole file by %.2f dB",
                        name, max(peaks), excess + PEAK_STEP_DB)
            passes.gain_db -= excess + PEAK_STEP_DB
    return lengths, passes, max(peaks)


def describe_passes(passes: Passes, start_gain_db: float = 0.0) -> str:
    """What the peak check changed, for the log."""
    notes = [f"track {i + 1} re-mastered with {db:.2f} dB more headroom" for i, db in passes.extra_margin_db.items()]
    if passes.gain_db != start_gain_db:
        notes.append(f"lowered {start_gain_db - passes.gain_db:.2f} dB")
    return "".join(f", {note}" for note in notes)


def partial_path(path: Path) -> Path:
    """Where a file is written before it is renamed into place."""
    return path.with_name(f".{path.name}.part")


# --------------------------------------------------------------------------- guide.mp3


def _encode_mp3(guide: FinishedGuide, path: Path, passes: Passes, lengths: list[int]) -> None:
    """The same encoding as the tracks' :func:`~audioguide.audio.mp3.encode_mp3`, streamed."""
    args = mp3_encoder_args(guide.rate, path, bitrate_kbps=guide.settings.encoding.bitrate_kbps)
    stream_to_ffmpeg(args, guide_pcm(guide, passes, pcm16_bytes, lengths))


def mp3_chapter_times(marks: Sequence[Chapter], rate: int) -> list[tuple[int, int]]:
    """(start, end) in ms of each CHAP: boundaries half the codec delay late (see above), the first start 0."""
    shift = MP3_CODEC_DELAY // 2

    def at(sample: int) -> int:
        return round((sample + shift if sample else 0) * 1000 / rate)

    return [(at(mark.start), at(mark.end)) for mark in marks]


def write_chapter_tags(path: Path, guide: FinishedGuide, marks: Sequence[Chapter]) -> None:
    """ID3v2.3 tag of the guide (as the tracks', guide title, no track number) plus CHAP/CTOC."""
    tags = replace(guide.tracks[0].job.tags, title=guide.title, track=1, total=1, kind=None)
    write_tags(path, tags)
    id3 = ID3(path)
    id3.delall("TRCK")
    for mark, (start_ms, end_ms) in zip(marks, mp3_chapter_times(marks, guide.rate)):
        id3.add(CHAP(
            element_id=mark.ident,
            start_time=start_ms,
            end_time=end_ms,
            start_offset=0xFFFFFFFF,
            end_offset=0xFFFFFFFF,
            sub_frames=[TIT2(encoding=3, text=mark.title)],
        ))
    ids = [mark.ident for mark in marks]
    title = [TIT2(encoding=3, text=guide.title)]
    if len(ids) <= MAX_CTOC_CHILDREN:
        id3.add(CTOC(element_id=TOC_ID, flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                     child_element_ids=ids, sub_frames=title))
    else:  # more tracks than one CTOC holds: the top-level table lists ordered parts
        groups = [ids[i:i + MAX_CTOC_CHILDREN] for i in range(0, len(ids), MAX_CTOC_CHILDREN)]
        parts = [f"{TOC_ID}{n}" for n in range(1, len(groups) + 1)]
        for part, group in zip(parts, groups):
            id3.add(CTOC(element_id=part, flags=CTOCFlags.ORDERED, child_element_ids=group, sub_frames=[]))
        id3.add(CTOC(element_id=TOC_ID, flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                     child_element_ids=parts, sub_frames=title))
    id3.save(path, v2_version=3)
    _order_chapter_frames(path, ids)


def _order_chapter_frames(path: Path, ids: Sequence[str]) -> None:
    """Rewrite the tag with the CHAP frames last and in chapter order.

    mutagen orders frames by size; ffmpeg (and players that ignore CTOC) list
    chapters in frame order. The tag keeps its size: only frames move.
    """
    rank = {ident: index for index, ident in enumerate(ids)}
    with open(path, "r+b") as handle:
        header = handle.read(10)
        if header[:3] != b"ID3" or header[3] != 3 or header[5] != 0:  # v2.3, no unsync/extended header
            logger.debug("%s: unexpected ID3 header, chapter frames left in mutagen's order", path.name)
            return
        size = _syncsafe(header[6:10])
        body = handle.read(size)
        frames: list[bytes] = []
        position = 0
        while position + 10 <= len(body) and body[position:position + 4] != b"\0\0\0\0":
            end = position + 10 + int.from_bytes(body[position + 4:position + 8], "big")
            frames.append(body[position:end])
            position = end
        if position > len(body):
            logger.debug("%s: ID3 frames overrun the tag, left as written", path.name)
            return

        def chapter_rank(frame: bytes) -> int:
            ident = frame[10:frame.index(b"\0", 10)].decode("latin-1")
            return rank.get(ident, len(rank))

        others = [frame for frame in frames if frame[:4] != b"CHAP"]
        chaps = sorted((frame for frame in frames if frame[:4] == b"CHAP"), key=chapter_rank)
        handle.seek(10)
        handle.write(b"".join(others + chaps))


def _syncsafe(data: bytes) -> int:
    value = 0
    for byte in data:
        value = (value << 7) | (byte & 0x7F)
    return value


def guide_vtt(guide: FinishedGuide, marks: Sequence[Chapter]) -> str:
    """WebVTT for the single file: every track's sentence cues, offset by the track's start."""
    cues = []
    for track, mark in zip(guide.tracks, marks, strict=True):
        cues.extend(track_cues(track.record, offset_ms=mark.start_ms(guide.rate)))
    return render_vtt(cues)


def export(guide: FinishedGuide) -> list[Path]:
    """Write ``guide.mp3`` (with chapters) and ``guide.vtt``."""
    if not guide.tracks:
        raise AudioguideError("the guide has no tracks to join into one file")
    path = guide.folder / SINGLE_NAME
    part = partial_path(path)
    try:
        lengths, passes, peak = encode_under_ceiling(
            guide, part, lambda passes, lengths: _encode_mp3(guide, part, passes, lengths), label=path.name
        )
        marks = chapters(guide, lengths)
        write_chapter_tags(part, guide, marks)
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)
    vtt = guide.folder / VTT_NAME
    vtt.write_text(guide_vtt(guide, marks), encoding="utf-8", newline="\n")
    logger.info("%s: %d chapters, %.1f s, true peak %.2f dBTP%s", path.name, len(marks),
                sum(lengths) / guide.rate, peak, describe_passes(passes))
    return [path, vtt]
