"""Running a build's work on all cores: clip synthesis and track rendering, interleaved.

Clip jobs go out track by track, longest track first (see
:func:`synthesis_order`); as soon as every clip of a track is in the cache,
that track's rendering job goes out ahead of further clips, so mastering and
encoding overlap with synthesis instead of following it. Each worker process
creates each voice's engine once, when it first needs it (one voice load per
voice), and writes clips straight into the cache. A cold build starts its
workers before it plans (:func:`start_workers`), so they load the voice
meanwhile. A small job (a one-paragraph edit) uses one worker for its clips
and renders in this process, or does it all here when this process keeps the
voice loaded (``audioguide watch``). Results do not depend on the number of
workers: a clip depends only on its key's inputs (Piper is made
deterministic), a track only on its clips.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import (
    FIRST_COMPLETED,
    Future,
    ProcessPoolExecutor,
    as_completed,
    wait,
)
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from audioguide.audio.jobs import TrackJob
from audioguide.errors import AudioguideError
from audioguide.exporters.registry import EXPORT_AFTER, EXPORT_WEIGHT, exporter
from audioguide.model.guide import ExportResult, FinishedGuide
from audioguide.pipeline import threads
from audioguide.pipeline.guide import ClipSource
from audioguide.pipeline.plan import ClipJob

if TYPE_CHECKING:  # the audio stack loads when there is work (run), so a no-change rebuild never loads it
    from audioguide.audio.render import RenderedTrack

logger = logging.getLogger(__name__)


SMALL_JOB = 3  # tasks: at or below this, work in-process


@dataclass(frozen=True)
class SynthesisStats:
    clips: int
    audio_seconds: float
    wall_seconds: float


def synthesis_order(clips: Sequence[ClipJob], tracks: Sequence[TrackJob]) -> list[ClipJob]:
    """``clips`` regrouped track by track, longest track first, longest clip first within it.

    The build's last task runs alone while the other workers idle. In track
    order that was the seed's conclusion, a long track whose rendering (with
    a re-mastering pass) took 1.4 s; longest first, the build ends on the
    shortest track's rendering and on short clips. Track length is counted
    in characters of speech text, known before anything is synthesized. The
    order changes no output: every clip and track depends only on its inputs.
    """
    pending = {job.key: job for job in clips}
    ordered: list[ClipJob] = []
    for track in sorted(tracks, key=lambda t: -sum(len(text) for text in t.texts)):
        own = sorted({k: None for k in track.keys if k in pending}, key=lambda k: -len(pending[k].text))
        ordered.extend(pending.pop(key) for key in own)
    return ordered + list(pending.values())  # clips no track uses (none in a build) last


WORKER_BYTES = 600 * 1024 * 1024  # a synthesis worker's peak (Piper: 465 MB largest process on a book)


def default_jobs() -> int:
    """The CPU cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def _available_bytes() -> int | None:
    """Memory the system can give without swapping (Linux MemAvailable), or None when unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def worker_count(requested: int | None) -> int:
    """Workers for a build: ``--jobs`` (default the cores), never more than the cores or the memory holds.

    More processes than cores only add memory (``--jobs 8`` on two cores
    took 2.5 GB) and each synthesis worker needs about :data:`WORKER_BYTES`.
    """
    cores = default_jobs()
    wanted = min(requested or cores, cores)
    available = _available_bytes()
    if available is not None:
        wanted = min(wanted, max(1, available // WORKER_BYTES))
    if requested and wanted < requested:
        logger.info(
            "using %d worker processes, not %d (%d cores, %s available)",
            wanted,
            requested,
            cores,
            "unknown memory" if available is None else f"{available // 2**20} MB",
        )
    return wanted


# ---------------------------------------------------------------- worker side

_source: ClipSource | None = None  # this worker's clip cache and engine (set by _init_worker)


def _die_with_parent(parent: int) -> None:
    """Linux: end this worker when the build process dies (killed, OOM), not linger."""
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except OSError:  # pragma: no cover - no glibc
            return
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)


def _log_like_parent(level: int) -> None:
    """A spawned worker logs to stderr at the build's level, as a forked one (which inherits it) does."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("audioguide").setLevel(level)


def _init_worker(
    source: ClipSource, parent: int, log_level: int = logging.WARNING, load: bool = False
) -> None:
    """Runs first in every worker (fork or spawn): its state comes in as arguments, not inherited.

    With ``load`` the worker loads its voices now, before its first task: started while the
    build process plans, it is ready when the first clip comes.
    """
    global _source
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and shuts us down
    _log_like_parent(log_level)
    threads.limit_worker()
    _source = source
    if load:
        started = time.perf_counter()
        source.load()
        logger.debug("worker %d: voices loaded in %.2f s", os.getpid(), time.perf_counter() - started)


def _synthesize(source: ClipSource, job: ClipJob) -> float:
    audio = source.engine(job.voice).synthesize(job.text)
    source.cache.put(job.key, audio)
    return audio.duration_s


def _render(source: ClipSource, job: TrackJob, folder: Path) -> RenderedTrack:
    from audioguide.audio.render import render_track

    return render_track(job, source.clips(job.keys, job.texts, job.rate, job.voices), folder)


def _clip_task(job: ClipJob) -> tuple[str, float]:
    if _source is None:
        raise AudioguideError("internal error: a synthesis worker started without its clip source")
    return job.key, _synthesize(_source, job)


def _track_task(job: TrackJob, folder: str) -> RenderedTrack:
    if _source is None:
        raise AudioguideError("internal error: a rendering worker started without its clip source")
    return _render(_source, job, Path(folder))


# ---------------------------------------------------------------- parent side


def _import_mastering() -> None:
    """Import the rendering and mastering stack (numpy and our modules: ~0.15 s) in this process.

    Called before workers are forked, so that they inherit it rather than
    each import it again, or while a worker synthesizes, so that it overlaps.
    Nothing imports it before there is work: a no-change rebuild never does.
    """
    importlib.import_module("audioguide.audio.render")
    importlib.import_module("audioguide.audio.mastering")


class Workers:
    """Worker processes started ahead of the work: they load the voices while the build plans.

    A cold build knows it will synthesize before it has read its source, so
    :func:`start_workers` forks the pool first thing and each worker loads
    the guide's voices (hibari: 0.5-0.9 s) while this process parses and
    plans; :func:`run` then hands them the plan's tasks, or, when the plan
    finds every clip in the cache, the owner ends them unused (:meth:`discard`).
    The owner shuts them down (:meth:`close`, or ``with``).
    """

    def __init__(self, pool: ProcessPoolExecutor, count: int) -> None:
        self.pool = pool
        self.count = count

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    def discard(self) -> None:
        """End the workers now, without waiting for them to finish loading their voices.

        For a build that turns out to need no synthesis (its clips are all in
        the cache: a new output folder, a library's new site): each voice load
        would cost its worker about a CPU-second for nothing. A worker writes
        nothing before its first task, so killing it loses nothing.
        """
        if hasattr(self.pool, "kill_workers"):  # Python 3.14+
            self.pool.kill_workers()
            return
        processes = list((getattr(self.pool, "_processes", None) or {}).values())  # shutdown forgets them
        self.pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.kill()
        self.pool.shutdown(wait=True)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def start_workers(source: ClipSource, count: int) -> Workers:
    """``count`` worker processes, each loading ``source``'s voices as it starts."""
    pool = _pool(count, _init_worker, (source, os.getpid(), _log_level(), True))
    with threads.forking():
        if start_method() != "fork":  # spawn starts processes as tasks come: start them all now
            for _ in range(count):
                pool.submit(os.getpid)
        else:
            pool.submit(os.getpid)  # a forked pool starts its processes at the first task
    return Workers(pool, count)


def run(
    clips: Sequence[ClipJob],
    tracks: Sequence[TrackJob],
    *,
    source: ClipSource,
    folder: Path,
    workers: int,
    on_clip: Callable[[], None] | None = None,
    on_track: Callable[[RenderedTrack], None] | None = None,
    started: Workers | None = None,
) -> tuple[dict[str, RenderedTrack], SynthesisStats]:
    """Synthesize ``clips`` into the cache and render ``tracks`` into ``folder``.

    Returns the rendered tracks by file name and synthesis statistics.
    ``source`` (the clip cache, and an engine made when needed) is used in
    this process for everything with ``workers`` 1, for a small job (at most
    ``SMALL_JOB`` tasks) whose voices it has loaded already (``audioguide
    watch``), and for rendering any other small job, whose clips one worker
    synthesizes meanwhile. ``started``: workers already running (see
    :func:`start_workers`), used instead of new ones and left running.
    """
    if not clips and not tracks:  # nothing to do: numpy and the audio stack stay unloaded
        return {}, SynthesisStats(0, 0.0, 0.0)
    with threads.one_blas_thread():
        return _run(clips, tracks, source, folder, workers, on_clip, on_track, started)


def _run(clips, tracks, source, folder, workers, on_clip, on_track, started_workers):
    started = time.perf_counter()
    missing = {job.key for job in clips}
    waiting = {track.file: {k for k in track.keys if k in missing} for track in tracks}
    by_file = {track.file: track for track in tracks}
    ready: deque[TrackJob] = deque(t for t in tracks if not waiting[t.file])
    queue: deque[ClipJob] = deque(synthesis_order(clips, tracks))
    results: dict[str, RenderedTrack] = {}
    audio_seconds = 0.0

    def clip_done(key: str, seconds: float) -> None:
        nonlocal audio_seconds
        audio_seconds += seconds
        for file, keys in waiting.items():
            if key in keys:
                keys.discard(key)
                if not keys:
                    ready.append(by_file[file])
        if on_clip:
            on_clip()

    def track_done(result: RenderedTrack) -> None:
        results[result.file] = result
        if on_track:
            on_track(result)

    small = len(queue) + len(ready) <= SMALL_JOB
    loaded = all(source.loaded(job.voice) for job in queue)
    if started_workers is not None:
        _run_pool(
            queue,
            ready,
            source,
            folder,
            started_workers.count,
            clip_done,
            track_done,
            pool=started_workers.pool,
        )
    elif workers <= 1 or (small and (not queue or loaded)):
        while ready or queue:
            if ready:
                track_done(_render(source, ready.popleft(), folder))
            else:
                job = queue.popleft()
                clip_done(job.key, _synthesize(source, job))
    elif small:
        # a one-paragraph edit: a worker loads the voice and synthesizes while
        # this process imports the mastering stack, then renders here
        _run_pool(queue, ready, source, folder, 1, clip_done, track_done, render_here=True)
    else:
        _import_mastering()
        if queue and start_method() == "fork":
            source.preload()  # e.g. hibari's dictionaries: once here instead of once per worker
        _run_pool(queue, ready, source, folder, workers, clip_done, track_done)
    stats = SynthesisStats(len(clips), audio_seconds, time.perf_counter() - started)
    return dict(sorted(results.items())), stats


START_METHOD_ENV = "AUDIOGUIDE_START_METHOD"


def start_method() -> str:
    """How worker processes start: ``fork`` on Linux (milliseconds, inheriting this process's
    imports), ``spawn`` elsewhere (macOS, Windows) or when ``$AUDIOGUIDE_START_METHOD`` says so.

    Workers get all their state through the pool initializer's arguments, so
    both give the same files (tests run the scheduler under spawn too).
    """
    wanted = os.environ.get(START_METHOD_ENV, "").strip()
    if wanted:
        if wanted not in multiprocessing.get_all_start_methods():
            raise AudioguideError(
                f"${START_METHOD_ENV}={wanted!r}: not a start method here "
                f"(use one of {', '.join(multiprocessing.get_all_start_methods())})"
            )
        return wanted
    return "fork" if sys.platform.startswith("linux") else "spawn"


def _pool(workers: int, initializer: Callable[..., None], initargs: tuple) -> ProcessPoolExecutor:
    """Worker processes. Forked ones start in milliseconds and inherit this process's imports;
    callers fork only while no other thread runs here, so none can hold a lock across the fork.
    """
    context = multiprocessing.get_context(start_method())
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=initializer, initargs=initargs
    )


def _log_level() -> int:
    return logging.getLogger("audioguide").getEffectiveLevel()


def _result(future: Future):
    """A task's result; a worker that died (killed, out of memory) is one clear error."""
    try:
        return future.result()
    except BrokenProcessPool:
        raise AudioguideError(
            "a worker process died (killed, or out of memory); nothing was changed; try again with fewer --jobs"
        ) from None


def _run_pool(
    queue, ready, source, folder, workers, clip_done, track_done, *, render_here=False, pool=None
) -> None:
    """Workers take clip and track tasks; with ``render_here`` tracks are rendered in this process.
    ``pool``: workers already started, left running (their owner shuts them down)."""
    in_flight: dict[Future, str] = {}
    limit = workers * 2
    owned = pool is None
    if owned:
        pool = _pool(workers, _init_worker, (source, os.getpid(), _log_level()))
    try:
        while ready or queue or in_flight:
            while len(in_flight) < limit and (queue or (ready and not render_here)):
                if (
                    ready and not render_here
                ):  # finishing tracks first keeps memory flat and overlaps encoding
                    in_flight[pool.submit(_track_task, ready.popleft(), str(folder))] = "track"
                else:
                    in_flight[pool.submit(_clip_task, queue.popleft())] = "clip"
            if render_here:
                _import_mastering()  # overlaps the worker's voice load (a no-op after the first time)
                if ready:
                    track_done(_render(source, ready.popleft(), folder))
                    continue
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in done:
                kind = in_flight.pop(future)
                result = _result(future)
                if kind == "clip":
                    clip_done(*result)
                else:
                    track_done(result)
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    if owned:
        pool.shutdown(wait=True)


# ---------------------------------------------------------------- formats

_guide: FinishedGuide | None = None  # what this export worker works on (set by _init_export_worker)


def _init_export_worker(guide: FinishedGuide, parent: int, log_level: int = logging.WARNING) -> None:
    global _guide
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _log_like_parent(log_level)
    threads.limit_worker()
    _guide = guide


def _export_task(name: str) -> list[Path] | ExportResult:
    if _guide is None:
        raise AudioguideError("internal error: an export worker started without its guide")
    return exporter(name)(_guide)


def run_exports(
    names: Sequence[str],
    guide: FinishedGuide,
    *,
    workers: int,
    on_done: Callable[[str, list[Path] | ExportResult], None],
) -> None:
    """Write the formats ``names`` (heaviest first, see ``formats.EXPORT_WEIGHT``) from ``guide``.

    Formats are independent (each reads the finished tracks and their
    samples and writes its own files), so with more than one worker and more
    than one heavy format each runs in its own process (they are CPU-bound;
    README, "Performance"). A format that reads another's files
    (``registry.EXPORT_AFTER``: the podcast feed states guide.mp3's size) runs
    here once the others are done. ``on_done(name, result)`` is called here as each finishes.
    """
    heavy = any(EXPORT_WEIGHT.get(name, 0) for name in names)  # light formats never load numpy
    with threads.one_blas_thread() if heavy else contextlib.nullcontext():
        _run_exports_in_order(names, guide, workers=workers, on_done=on_done)


def _run_exports_in_order(
    names: Sequence[str],
    guide: FinishedGuide,
    *,
    workers: int,
    on_done: Callable[[str, list[Path] | ExportResult], None],
) -> None:
    later = [name for name in names if name in EXPORT_AFTER]
    _run_exports(
        [name for name in names if name not in EXPORT_AFTER], guide, workers=workers, on_done=on_done
    )
    for name in later:
        on_done(name, exporter(name)(guide))


def _run_exports(
    names: Sequence[str],
    guide: FinishedGuide,
    *,
    workers: int,
    on_done: Callable[[str, list[Path] | ExportResult], None],
) -> None:
    ordered = sorted(names, key=lambda name: -EXPORT_WEIGHT.get(name, 0))
    heavy = [name for name in ordered if EXPORT_WEIGHT.get(name, 0)]
    if workers <= 1 or len(heavy) <= 1:  # the light ones take milliseconds: not worth a process
        for name in ordered:
            on_done(name, exporter(name)(guide))
        return
    _import_mastering()  # once, inherited by forked workers
    pool = _pool(min(workers, len(ordered)), _init_export_worker, (guide, os.getpid(), _log_level()))
    try:
        futures = {pool.submit(_export_task, name): name for name in ordered}
        for future in as_completed(futures):
            on_done(futures[future], _result(future))
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
