"""WebVTT: cues from a track's clip records, and the file around them.

Shared by the per-track captions (``captions/``) and the single file's ``guide.vtt``.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
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


def render_vtt(cues: Iterable[Cue]) -> str:
    """A WebVTT file of ``cues`` in order.

    Cues are made non-overlapping and non-empty: a cue starts no earlier than
    the previous one ends and lasts at least 1 ms. Cues without text are left out.
    """
    blocks = ["WEBVTT"]
    previous_end = 0
    for cue in cues:
        text = escape_cue_text(cue.text)
        if not text:
            continue
        start = max(int(cue.start_ms), previous_end)
        end = max(int(cue.end_ms), start + 1)
        blocks.append(f"{cue.ident}\n{vtt_timestamp(start)} --> {vtt_timestamp(end)}\n{text}")
        previous_end = end
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
