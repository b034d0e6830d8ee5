"""Caption files: cues from a track's clip records, written as WebVTT and as SubRip (SRT).

Shared by the per-track captions (``captions/``) and the single file's
``guide.vtt``/``guide.srt``. WebVTT is what browsers and podcast apps read;
SRT is what most video players, editors and subtitle tools expect. Both hold
the same cues at the same times.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from audioguide.model.manifest import TrackRecord
from audioguide.text import one_line, vtt_timestamp


@dataclass(frozen=True)
class Cue:
    """One caption: an identifier, start and end in milliseconds, plain text."""

    ident: str
    start_ms: int
    end_ms: int
    text: str


def escape_cue_text(text: str) -> str:
    """Plain text as WebVTT cue text: one line, ``&``, ``<`` and ``>`` escaped."""
    return html.escape(one_line(text), quote=False)


def _timed(cues: Iterable[Cue]) -> Iterator[tuple[Cue, int, int]]:
    """``cues`` with text, made non-overlapping and non-empty: each starts no earlier than the
    one before ends and lasts at least 1 ms."""
    previous_end = 0
    for cue in cues:
        if not one_line(cue.text):
            continue
        start = max(int(cue.start_ms), previous_end)
        end = max(int(cue.end_ms), start + 1)
        yield cue, start, end
        previous_end = end


def render_vtt(cues: Iterable[Cue]) -> str:
    """A WebVTT file of ``cues`` in order (cues without text are left out)."""
    blocks = ["WEBVTT"]
    for cue, start, end in _timed(cues):
        text = escape_cue_text(cue.text)
        blocks.append(f"{cue.ident}\n{vtt_timestamp(start)} --> {vtt_timestamp(end)}\n{text}")
    return "\n\n".join(blocks) + "\n"


def srt_timestamp(ms: int) -> str:
    """SRT's ``HH:MM:SS,mmm`` (a comma before the milliseconds)."""
    return vtt_timestamp(ms).replace(".", ",")


def render_srt(cues: Iterable[Cue]) -> str:
    """A SubRip file of ``cues`` in order, numbered from 1, at the times :func:`render_vtt` gives.

    SRT has no escapes: the text is written as one plain line (a player may take ``<i>`` in
    it for italics, as it would in any subtitle file).
    """
    blocks = [
        f"{number}\n{srt_timestamp(start)} --> {srt_timestamp(end)}\n{one_line(cue.text)}"
        for number, (cue, start, end) in enumerate(_timed(cues), 1)
    ]
    return "\n\n".join(blocks) + "\n"


def track_cues(record: TrackRecord, offset_ms: int = 0) -> list[Cue]:
    """One cue per clip of ``record``, shifted by ``offset_ms``; ids ``tNN-sMMM``."""
    return [
        Cue(
            ident=f"t{record.number:02d}-s{index:03d}",
            start_ms=offset_ms + round(clip.start_s * 1000),
            end_ms=offset_ms + round(clip.end_s * 1000),
            text=clip.written or clip.text,
        )
        for index, clip in enumerate(record.clips, 1)
    ]
