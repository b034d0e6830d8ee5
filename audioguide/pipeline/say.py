"""``audioguide say``: a few sentences spoken and mastered as a track would be."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from audioguide.model.settings import GuideSettings
from audioguide.speech.clips import ClipSpec


def say_to_file(clips: Sequence[ClipSpec], settings: GuideSettings, output: Path) -> float:
    """Synthesize ``clips`` in the guide's voice and write them to ``output`` as one mastered MP3;
    returns its length in seconds. An output that is not a file (a device, a pipe) is refused
    before any synthesis."""
    from audioguide.audio.render import write_clip_file
    from audioguide.files import writable_target

    writable_target(output)
    from audioguide.pipeline.guide import build_engine
    from audioguide.synth.cache import ClipCache, default_cache_dir

    engine = build_engine(settings.voice, ClipCache(default_cache_dir()))  # as a build's: prepared model
    try:
        audio = [engine.synthesize(clip.speech) for clip in clips]
    finally:
        engine.close()
    return write_clip_file(
        [a.samples for a in audio], [c.pause_after_ms for c in clips], engine.sample_rate, settings, output
    )
