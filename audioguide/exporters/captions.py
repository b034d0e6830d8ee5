"""captions/NN - Title.vtt: WebVTT captions, one cue per sentence, for every track.

Cue times are the clip positions recorded when the track was assembled
(``ClipRecord.start_s``/``end_s``, exact sample positions), not estimates;
the text is the sentence as written in the source (WebVTT itself:
:mod:`audioguide.exporters.vtt`, shared with ``guide.vtt``).
"""

from __future__ import annotations

import logging
from pathlib import Path

from audioguide.exporters.published import CAPTIONS_DIR, caption_file
from audioguide.exporters.vtt import render_vtt, track_cues
from audioguide.model.guide import FinishedGuide
from audioguide.model.manifest import TrackRecord

logger = logging.getLogger(__name__)


def caption_name(record: TrackRecord) -> str:
    """The track's caption file name: the MP3's stem with ``.vtt``."""
    return Path(caption_file(record.file)).name


def export(guide: FinishedGuide) -> list[Path]:
    """Write one WebVTT file per track into ``captions/``."""
    folder = guide.folder / CAPTIONS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for track in guide.tracks:
        path = folder / caption_name(track.record)
        path.write_text(render_vtt(track_cues(track.record)), encoding="utf-8", newline="\n")
        written.append(path)
    logger.info("captions: %d WebVTT files", len(written))
    return written
