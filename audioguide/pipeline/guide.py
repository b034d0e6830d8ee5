"""A finished guide's audio, from the clip cache: for exporters, workers and :func:`open_guide`.

Every stage from a clip to a mastered track is deterministic, so a track's
mastered samples are made again, bit for bit, from its cached clips, its
pauses and the limiter headroom its MP3 pass settled on (recorded in the
manifest). A clip missing from the cache (pruned since) is synthesized again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from audioguide.audio.jobs import TrackJob
from audioguide.errors import AudioguideError
from audioguide.model.guide import FinishedGuide, FinishedTrack, GuideInfo
from audioguide.model.manifest import Manifest, TrackRecord, require_manifest
from audioguide.model.settings import GuideSettings, VoiceSettings, settings_from_dict
from audioguide.model.tags import TrackTags
from audioguide.synth.cache import ClipCache, default_cache_dir
from audioguide.synth.engines import Engine, create_engine
from audioguide.synth.engines.registry import resolve_voice, voice_label

if TYPE_CHECKING:  # the audio stack loads only when samples are made: a no-change rebuild never needs it
    import numpy as np


logger = logging.getLogger(__name__)

FADE_MS = 10.0  # the opening line's fades, as a track's


def build_engine(settings: VoiceSettings, cache: ClipCache) -> Engine:
    """The engine for a build; Piper keeps its prepared model next to the clip cache.

    Piper runs single-threaded everywhere: onnxruntime's results differ in the
    last bits with the number of intra-op threads (6 of 16 clips of a short
    article differed between 1 and 2 threads), and a clip must not depend on
    ``--jobs`` or on the machine's core count. Parallelism comes from processes.
    """
    settings = resolve_voice(settings)
    if settings.engine == "piper":
        return create_engine(settings, threads=1, model_cache=cache.models_dir)
    if settings.engine == "hibari":  # one thread by itself
        return create_engine(settings, model_cache=cache.models_dir)
    return create_engine(settings)


@dataclass(frozen=True)
class GuideVoices:
    """Every voice a guide speaks in, resolved: the guide's own, and the roles that have their own."""

    main: str  # the guide voice's label ("hibari:heart")
    roles: dict[str, str]  # role (model.settings.VOICE_ROLES) -> label
    settings: dict[str, VoiceSettings]  # label -> the voice's resolved settings


def guide_voices(settings: GuideSettings) -> GuideVoices:
    """Resolve the guide's voice and each role's (``voices: {question: joe}``) to labels."""
    main = resolve_voice(settings.voice)
    table = {voice_label(main): main}
    roles = {}
    for role in settings.voices:
        voice = resolve_voice(settings.voice_for(role))
        roles[role] = voice_label(voice)
        table.setdefault(roles[role], voice)
    return GuideVoices(voice_label(main), roles, table)


class ClipSource:
    """Clips by key from the cache; a missing one is synthesized (and cached) again.

    An engine is made for a voice only when one of its clips is missing, at most
    one per voice in a process. Pickles as its cache folder and voices, so
    worker processes (fork or spawn) can use it.
    """

    def __init__(
        self, cache_root: Path, voices: VoiceSettings | dict[str, VoiceSettings], main: str | None = None
    ) -> None:
        self.cache_root = Path(cache_root)
        if isinstance(voices, VoiceSettings):  # one voice
            voices = {voice_label(resolve_voice(voices)): voices}
        self.voices = dict(voices)
        self.main = main or next(iter(self.voices))
        self._cache: ClipCache | None = None
        self._engines: dict[str, Engine] = {}
        self._loaded: set[str] = set()

    def __getstate__(self) -> dict:
        return {"cache_root": self.cache_root, "voices": self.voices, "main": self.main}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["cache_root"], state["voices"], state["main"])

    @property
    def cache(self) -> ClipCache:
        if self._cache is None:
            self._cache = ClipCache(self.cache_root)
        return self._cache

    def engine(self, voice: str = "") -> Engine:
        """The engine of voice ``voice`` (a label; "" for the guide's voice), made on first use."""
        label = voice or self.main
        if label not in self._engines:
            self._engines[label] = build_engine(self.voices[label], self.cache)
        return self._engines[label]

    def loaded(self, voice: str = "") -> bool:
        """Whether :meth:`load` has loaded the engine of ``voice`` in this process."""
        return (voice or self.main) in self._loaded

    def load(self) -> None:
        """Make every voice's engine and load its model now (engine.load), not at the first clip."""
        for label in self.voices:
            self.engine(label).load()
            self._loaded.add(label)

    def use_engine(self, engine: Engine, voice: str = "") -> None:
        """Use ``engine`` (already loaded in this process) for any clip of ``voice`` made again."""
        self._engines[voice or self.main] = engine

    def clips(
        self, keys: Sequence[str], texts: Sequence[str], rate: int, voices: Sequence[str] = ()
    ) -> list[np.ndarray]:
        """The clips' samples at ``rate`` (a voice of another rate is resampled to it)."""
        from audioguide.audio.resample import resample

        out: list[np.ndarray] = []
        for key, text, voice in zip(keys, texts, voices or ("",) * len(keys)):
            audio = self.cache.get(key)
            if audio is None:  # evicted or corrupt since synthesis: make it again
                audio = self.cache.put(key, self.engine(voice).synthesize(text))
            out.append(resample(audio.samples, audio.sample_rate, rate))
        return out

    def preload(self) -> None:
        """Load what each voice's engine lets forked workers share (engine.preload)."""
        for label in self.voices:
            self.engine(label).preload()

    def close(self) -> None:
        for engine in self._engines.values():
            engine.close()
        self._engines = {}
        self._loaded = set()


@dataclass
class CachedTrackAudio:
    """A :class:`~audioguide.model.guide.TrackAudio` backed by the clip cache (see the module docstring)."""

    source: ClipSource
    jobs: dict[str, TrackJob] = field(default_factory=dict)  # by file name

    def __call__(self, record: TrackRecord, extra_margin_db: float = 0.0) -> np.ndarray:
        from audioguide.audio.render import mastered_samples

        job = self.jobs[record.file]
        clips = self.source.clips(job.keys, job.texts, job.rate, job.voices)
        return mastered_samples(
            job, clips, record.peak_margin_db + extra_margin_db, record.loudness_offset_db
        )


def opening_samples(
    source: ClipSource,
    keys: Sequence[str],
    texts: Sequence[str],
    rate: int,
    settings: GuideSettings,
    voices: Sequence[str] = (),
) -> np.ndarray | None:
    """The hold programme's opening line: its sentences with sentence pauses, faded; None if empty."""
    if not keys:
        return None
    from audioguide.audio.assemble import join_clips

    clips = source.clips(keys, texts, rate, voices)
    return join_clips(clips, rate, pause_ms=settings.pauses.sentence_ms, fade_ms=FADE_MS)


# --------------------------------------------------------------------------- open_guide


def _job(record: TrackRecord, settings: GuideSettings, rate: int) -> TrackJob:
    if record.tags is None or any(clip.pause_ms is None for clip in record.clips):
        raise AudioguideError("the guide was built by an older audioguide; build it again to open it")
    return TrackJob(
        file=record.file,
        keys=tuple(clip.key for clip in record.clips),
        texts=tuple(clip.text for clip in record.clips),
        pauses_ms=tuple(int(clip.pause_ms) for clip in record.clips),
        tags=TrackTags(**record.tags),
        settings=settings,
        rate=rate,
        voices=tuple(clip.voice or "" for clip in record.clips) if any(c.voice for c in record.clips) else (),
    )


def finished_guide(
    folder: Path,
    manifest: Manifest,
    settings: GuideSettings,
    source: ClipSource,
    jobs: dict[str, TrackJob],
    opening: np.ndarray | None = None,
) -> FinishedGuide:
    """The guide in ``folder`` as exporters see it."""
    info = GuideInfo(**manifest.info) if manifest.info else GuideInfo(manifest.title, manifest.language)
    tracks = [
        FinishedTrack(record, jobs[record.file].tags, folder / record.file) for record in manifest.tracks
    ]
    return FinishedGuide(
        folder=folder,
        info=info,
        settings=settings,
        rate=manifest.sample_rate,
        tracks=tracks,
        audio=CachedTrackAudio(source, jobs),
        opening=opening,
    )


def open_guide(outdir: Path | str, *, cache_dir: Path | str | None = None) -> FinishedGuide:
    """The finished guide in ``outdir``: its manifest's tracks, tags and mastered samples.

    The samples are made again from the clip cache (``cache_dir``, default the
    user cache), exactly as the build made them; this is how tests and tools
    read a built guide without re-planning it.
    """
    outdir = Path(outdir)  # a str from a script works too
    manifest = require_manifest(outdir)
    if manifest.settings is None:
        raise AudioguideError(
            f"{outdir}: the guide was built by an older audioguide; build it again to open it"
        )
    settings = settings_from_dict(manifest.settings)
    voices = guide_voices(settings)
    source = ClipSource(cache_dir or default_cache_dir(), voices.settings, voices.main)
    jobs = {record.file: _job(record, settings, manifest.sample_rate) for record in manifest.tracks}
    opening = None
    if manifest.opening:
        opening = opening_samples(
            source,
            [c["key"] for c in manifest.opening],
            [c["text"] for c in manifest.opening],
            manifest.sample_rate,
            settings,
            [c.get("voice", "") for c in manifest.opening],
        )
    return finished_guide(outdir, manifest, settings, source, jobs, opening)
