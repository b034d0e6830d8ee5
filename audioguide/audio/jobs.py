"""What a track's rendering needs, as plain data: planned without loading the audio stack.

The build plans every track as a :class:`TrackJob` (a no-change rebuild does
nothing else with it), so this module imports neither numpy nor the mastering
stack; :mod:`audioguide.audio.render` carries a job out.
"""

from __future__ import annotations

from dataclasses import dataclass

from audioguide.model.settings import GuideSettings
from audioguide.model.tags import TrackTags


@dataclass(frozen=True)
class TrackJob:
    """Everything needed to render one track file."""

    file: str
    keys: tuple[str, ...]
    texts: tuple[str, ...]  # speech text of each clip (to re-make one lost from the cache)
    pauses_ms: tuple[int, ...]  # pause after each clip
    tags: TrackTags
    settings: GuideSettings
    rate: int
    voices: tuple[str, ...] = ()  # the voice of each clip, when the guide has several (levels matched)
