"""What every track's tag says: one value, written by the MP3 encoder and read by exporters."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TrackTags:
    """A track's ID3 tag fields (the M4B and the single file take the guide-level ones)."""

    title: str
    album: str
    artist: str
    track: int
    total: int
    language: str
    comment: str
    publisher: str | None = None
    kind: str | None = None
