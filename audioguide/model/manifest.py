"""manifest.json: the guide and, per track, what was built from what.

The manifest is the record incremental builds compare against: each track's
``hash`` covers every input of its audio and tags, so an unchanged hash means
the existing MP3 can be kept byte for byte.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = "audioguide-manifest"
MANIFEST_VERSION = 1


@dataclass(frozen=True)
class ClipRecord:
    """One sentence in a track: its cache key, what was said, what was written, where it is."""

    key: str
    text: str      # the speech text (what the engine said)
    written: str   # the sentence as written in the source
    role: str      # announcement, heading, lead, question, paragraph, item
    passage: int   # index of the paragraph-like passage in its track (sentences of one passage share it)
    start_s: float
    end_s: float
    pause_ms: int | None = None  # the pause after it, as assembled (None: built before it was recorded)


@dataclass(frozen=True)
class TrackRecord:
    number: int
    kind: str
    title: str
    file: str
    duration_s: float
    text: str
    hash: str
    file_sha256: str
    loudness_lufs: float
    true_peak_dbtp: float
    transcript: str
    peak_margin_db: float
    clips: list[ClipRecord] = field(default_factory=list)
    tags: dict[str, Any] | None = None  # the ID3 fields written (model.tags.TrackTags)
    group: str | None = None  # the topic the track sits under (level-1 navigation point), if any


@dataclass(frozen=True)
class Manifest:
    title: str
    generator: str
    source: str | None
    language: str
    sample_rate: int
    engine: dict[str, Any]
    tracks: list[TrackRecord]
    dropped: list[dict[str, Any]]
    formats: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> {hash, files}
    info: dict[str, Any] | None = None        # model.guide.GuideInfo
    settings: dict[str, Any] | None = None    # model.settings.GuideSettings, as built
    opening: list[dict[str, Any]] | None = None  # the hold programme's opening clips: {key, text}
    format: str = MANIFEST_FORMAT
    version: int = MANIFEST_VERSION

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n"


def load_manifest(folder: Path) -> Manifest | None:
    """The manifest in ``folder``, or None when absent, unreadable or of another format."""
    path = folder / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != MANIFEST_FORMAT or data.get("version") != MANIFEST_VERSION:
            return None
        tracks = [
            TrackRecord(**{**t, "clips": [ClipRecord(**c) for c in t.get("clips", [])]})
            for t in data["tracks"]
        ]
        return Manifest(**{**data, "tracks": tracks})
    except (OSError, ValueError, TypeError, KeyError):
        return None


def clip_keys_used_under(folder: Path) -> set[str]:
    """Clip keys of every guide (manifest.json) in ``folder`` and its subfolders."""
    keys: set[str] = set()
    for path in folder.rglob(MANIFEST_NAME):
        manifest = load_manifest(path.parent)
        if manifest is not None:
            keys.update(clip.key for track in manifest.tracks for clip in track.clips)
    return keys
