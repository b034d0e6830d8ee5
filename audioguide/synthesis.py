"""Synthesizing the clips a build needs, in parallel, into the clip cache.

Each worker process creates the engine once (loading the voice once) and
writes finished clips straight into the cache; the parent only learns which
keys are done. Output does not depend on the number of jobs: a clip's audio
depends only on its key's inputs (Piper is made deterministic in
``engines.piper_engine``).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from .clip_cache import ClipCache
from .config import VoiceSettings
from .engines import Engine, create_engine

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClipJob:
    key: str
    text: str


@dataclass(frozen=True)
class SynthesisStats:
    clips: int
    audio_seconds: float
    wall_seconds: float


_worker_engine: Engine | None = None
_worker_cache: ClipCache | None = None


def _init_worker(settings: VoiceSettings, cache_root: str) -> None:
    global _worker_engine, _worker_cache
    kwargs = {"threads": 1} if settings.engine == "piper" else {}
    _worker_engine = create_engine(settings, **kwargs)
    _worker_cache = ClipCache(Path(cache_root))


def _synthesize_one(job: ClipJob) -> tuple[str, float]:
    assert _worker_engine is not None and _worker_cache is not None
    audio = _worker_engine.synthesize(job.text)
    _worker_cache.put(job.key, audio)
    return job.key, audio.duration_s


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def synthesize_missing(
    jobs: Sequence[ClipJob],
    settings: VoiceSettings,
    cache: ClipCache,
    *,
    workers: int,
    on_clip: Callable[[str], None] | None = None,
    engine: Engine | None = None,
) -> SynthesisStats:
    """Synthesize every job into ``cache``. Longest texts first, for balanced workers."""
    started = time.perf_counter()
    ordered = sorted(jobs, key=lambda job: (-len(job.text), job.key))
    audio_seconds = 0.0
    if not ordered:
        return SynthesisStats(0, 0.0, 0.0)
    if workers <= 1 or len(ordered) == 1:
        local = engine or create_engine(settings)
        for job in ordered:
            audio = local.synthesize(job.text)
            cache.put(job.key, audio)
            audio_seconds += audio.duration_s
            if on_clip:
                on_clip(job.key)
        return SynthesisStats(len(ordered), audio_seconds, time.perf_counter() - started)

    # fork: the parent never loaded the voice, and workers start in milliseconds.
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with ProcessPoolExecutor(
        max_workers=min(workers, len(ordered)),
        mp_context=context,
        initializer=_init_worker,
        initargs=(settings, str(cache.root)),
    ) as pool:
        pending = {pool.submit(_synthesize_one, job) for job in ordered}
        try:
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    key, seconds = future.result()
                    audio_seconds += seconds
                    if on_clip:
                        on_clip(key)
        except BaseException:
            for future in pending:
                future.cancel()
            raise
    return SynthesisStats(len(ordered), audio_seconds, time.perf_counter() - started)

