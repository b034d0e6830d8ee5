"""The finished guide: what every exporter sees, and nothing of how it was made.

An exporter gets the guide folder, the guide's metadata (:class:`GuideInfo`),
the settings, and per track its manifest record (clips with their times and
passages), its tags and its MP3. Mastered samples come from
:meth:`FinishedGuide.samples`, which the build backs with the clip cache; an
exporter never sees the plan, the speech stage, the engine or the cache.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from audioguide.model.manifest import TrackRecord
from audioguide.model.settings import GuideSettings
from audioguide.model.tags import TrackTags

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class GuideInfo:
    """The guide's own metadata, as the track tags and every format state it."""

    title: str
    language: str
    author: str | None = None
    publisher: str | None = None
    faq_title: str = "FAQs"
    source_name: str | None = None  # the source file's (or URL path's) last name, never a query string


@dataclass(frozen=True)
class FinishedTrack:
    """A track as written: its manifest record, its tags and its MP3."""

    record: TrackRecord
    tags: TrackTags
    path: Path


class TrackAudio(Protocol):
    """Where a finished track's mastered samples come from (the build passes one; it pickles)."""

    def __call__(self, record: TrackRecord, extra_margin_db: float = 0.0) -> np.ndarray: ...


@dataclass
class FinishedGuide:
    """What exporters see: the folder they write into, the guide, its settings and its tracks."""

    folder: Path
    info: GuideInfo
    settings: GuideSettings
    rate: int
    tracks: list[FinishedTrack]
    audio: TrackAudio
    opening: np.ndarray | None = None  # the hold programme's opening line, assembled and faded
    formats: tuple[str, ...] = ()  # every format this build makes (for formats that link the others)
    previous: dict[str, dict[str, Any]] = field(default_factory=dict)  # format -> state its last export kept

    @property
    def title(self) -> str:
        return self.info.title

    def samples(self, track: FinishedTrack, extra_margin_db: float = 0.0) -> np.ndarray:
        """The track's mastered float32 samples, exactly those its MP3 was encoded from.

        With ``extra_margin_db`` the limiter keeps that much more true-peak
        headroom (for formats whose encoding raises a peak more than the MP3's).
        """
        return self.audio(track.record, extra_margin_db)


@dataclass(frozen=True)
class ExportResult:
    """What an exporter may return instead of its list of files: the files, and a state to keep.

    ``state`` (JSON-able) is stored with the format in manifest.json and handed
    back to the next export of the same format as ``guide.previous[name]``
    (the podcast feed keeps each episode's first publication date this way).
    """

    files: list[Path]
    state: dict[str, Any] | None = None
