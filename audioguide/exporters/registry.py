"""Every listener's format, made from the same mastered audio as the MP3 tracks.

``tracks`` (the MP3 files, playlist, transcripts, manifest) are always built.
Other formats are exporters registered here by name; each gets the finished
guide (:class:`FinishedGuide`) and writes into the guide folder. An exporter
module is imported only when its format is asked for.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from audioguide.synth.cache import ClipCache
from audioguide.model.settings import GuideSettings
from audioguide.model.document import Document
from audioguide.synth.engines import Engine
from audioguide.errors import AudioguideError
from audioguide.model.manifest import TrackRecord
from audioguide.hashing import sha256_file
from audioguide.audio.render import TrackJob, mastered_samples

logger = logging.getLogger(__name__)

FORMATS_VERSION = 2  # bump when any exporter's output changes for the same input

# name -> (module, description); "tracks" is the MP3 set itself.
FORMATS: dict[str, tuple[str | None, str]] = {
    "tracks": (None, "one MP3 per chapter, playlist.m3u8, transcripts/, manifest.json"),
    "single": ("audioguide.exporters.single", "guide.mp3: one file with ID3 chapters (CHAP/CTOC) and guide.vtt"),
    "m4b": ("audioguide.exporters.m4b", "guide.m4b: AAC audiobook with chapters"),
    "captions": ("audioguide.exporters.captions", "captions/NN - Title.vtt: WebVTT, one cue per sentence"),
    "daisy": ("audioguide.exporters.daisy", "daisy/: DAISY 2.02 talking book (ncc.html, SMIL, MP3)"),
    "epub": ("audioguide.exporters.epub", "guide.epub: EPUB 3 with Media Overlays (synchronized text)"),
    "web": ("audioguide.exporters.web", "index.html: accessible offline web player"),
    "phone": ("audioguide.exporters.phone", "phone/: 8 kHz G.711 and 16 kHz files, hold programme, musiconhold.conf"),
}
DEFAULT_FORMATS = ("tracks",)
# Relative cost of an export (seconds on the example: single 8, m4b 4.4, phone 1.7, the rest
# under 0.1): exports run heaviest first, so parallel workers finish together.
EXPORT_WEIGHT = {"single": 3, "m4b": 2, "phone": 1}


def parse_formats(text: str) -> tuple[str, ...]:
    """ "all" or a comma list -> format names in canonical order (tracks always first)."""
    names = {part.strip().lower() for part in text.split(",") if part.strip()}
    if "all" in names:
        return tuple(FORMATS)
    unknown = sorted(names - set(FORMATS))
    if unknown:
        raise AudioguideError(f"unknown format '{unknown[0]}' (known: all, {', '.join(FORMATS)})")
    return tuple(name for name in FORMATS if name in names or name == "tracks")


@dataclass
class FinishedTrack:
    """A track as written: its manifest record, its MP3, and how to remake its audio."""

    record: TrackRecord
    job: TrackJob
    path: Path


@dataclass
class FinishedGuide:
    """What exporters see: the guide folder, the document, settings and the tracks."""

    folder: Path
    document: Document
    settings: GuideSettings
    rate: int
    tracks: list[FinishedTrack]
    cache: ClipCache
    engine: Engine
    extra: dict = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.document.title

    def samples(self, track: FinishedTrack) -> np.ndarray:
        """The track's mastered float32 samples, exactly those its MP3 was encoded from."""
        return mastered_samples(track.job, self.cache, self.engine, track.record.peak_margin_db)


Exporter = Callable[[FinishedGuide], list[Path]]


def exporter(name: str) -> Exporter:
    module = FORMATS[name][0]
    if module is None:
        raise ValueError(f"{name} has no exporter")
    return importlib.import_module(module).export


def _file_digest(path: str | None) -> str | None:
    """A cover image is an input by content, not by name."""
    if not path:
        return None
    try:
        return sha256_file(Path(path).expanduser())
    except OSError:
        return "missing"  # the exporter reports it


def format_hash(name: str, guide: FinishedGuide) -> str:
    """Inputs of a format's files: every track's hash, the settings, the exporter version."""
    document = guide.document
    blob = {
        "format": name,
        "version": FORMATS_VERSION,
        "tracks": [t.record.hash for t in guide.tracks],
        "settings": asdict(guide.settings),
        "document": [document.title, document.author, document.publisher, document.language,
                     document.faq_title, Path(document.source).name if document.source else None],
        "cover": _file_digest(guide.settings.cover_image),
    }
    return hashlib.sha256(json.dumps(blob, sort_keys=True, default=str).encode()).hexdigest()
