"""captions/NN - Title.vtt and .srt: captions, one cue per sentence, for every track.

Cue times are the clip positions recorded when the track was assembled
(``ClipRecord.start_s``/``end_s``, exact sample positions), not estimates;
the text is the sentence as written in the source. Each track has a WebVTT
file (browsers, podcast apps) and, beside it, a SubRip file with the same
cues (video players, editors): :mod:`audioguide.exporters.vtt`, shared with
``guide.vtt``/``guide.srt``.
"""

from __future__ import annotations

import logging
from pathlib import Path

from audioguide.exporters.published import CAPTIONS_DIR, caption_file
from audioguide.exporters.vtt import render_srt, render_vtt, track_cues
from audioguide.model.guide import FinishedGuide
from audioguide.model.manifest import TrackRecord

logger = logging.getLogger(__name__)


def caption_name(record: TrackRecord, suffix: str = ".vtt") -> str:
    """The track's caption file name: the MP3's stem with ``.vtt`` (or ``suffix``)."""
    return Path(caption_file(record.file, suffix)).name


def export(guide: FinishedGuide) -> list[Path]:
    """Write a WebVTT and a SubRip file per track into ``captions/``."""
    folder = guide.folder / CAPTIONS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for track in guide.tracks:
        cues = track_cues(track.record)
        for suffix, render in ((".vtt", render_vtt), (".srt", render_srt)):
            path = folder / caption_name(track.record, suffix)
            path.write_text(render(cues), encoding="utf-8", newline="\n")
            written.append(path)
    logger.info("captions: %d WebVTT and SRT files", len(written))
    return written
