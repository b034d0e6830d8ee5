"""Rebuilding a guide each time its files are saved, in one long-lived process (``audioguide watch``).

An editor's loop: the source (an article or a guide script) and the lexicon
files it uses are watched; after each save the guide is rebuilt as
``audioguide build`` would rebuild it (only what changed), by a process that
keeps the voice loaded, so a one-paragraph edit costs its clip and its
track, not a start-up and a voice load.

* **Saves.** Editors save in several steps (write a temporary file and
  rename it over the source, or truncate and write, sometimes a backup
  first): watchfiles groups the events that come within :data:`QUIET_MS` of
  each other, and the folders are watched rather than the files, so a file
  replaced by a rename is still seen. Events for other files in those
  folders are ignored.
* **Bad input** (a broken YAML, a file that cannot be read, a voice that
  does not exist) is one :class:`Rebuild` with its error, and the watch goes
  on; the last good guide stays as it was.
* **Stopping**: ``stop`` (a :class:`threading.Event`) or Ctrl-C (the
  :class:`KeyboardInterrupt` goes to the caller, after any build in progress
  has cleaned up after itself).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from audioguide.errors import AudioguideError
from audioguide.model.document import Document
from audioguide.model.settings import GuideSettings
from audioguide.pipeline.execute import BuildOptions, BuildReport, build_guide
from audioguide.pipeline.guide import ClipSource, guide_voices
from audioguide.synth.cache import default_cache_dir

logger = logging.getLogger(__name__)

QUIET_MS = 150  # a save's events end when none came for this long
MAX_WAIT_MS = 2000  # events are grouped for at most this long


@dataclass(frozen=True)
class Prepared:
    """What a rebuild starts from: the source read again, its settings, and the files to watch."""

    document: Document
    settings: GuideSettings
    files: tuple[Path, ...]  # the source and the lexicon files it uses


@dataclass(frozen=True)
class Rebuild:
    """One build of the watch: its report, or the error that stopped it (the watch goes on)."""

    changed: tuple[str, ...]  # the watched files whose change started it (none for the first build)
    seconds: float  # reading the source and building (not after_build)
    report: BuildReport | None = None
    error: str | None = None
    after: object | None = field(default=None, compare=False)  # what ``after_build`` returned


def watch_guide(
    prepare: Callable[[], Prepared],
    files: Sequence[Path],
    options: BuildOptions,
    on_rebuild: Callable[[Rebuild], None],
    *,
    after_build: Callable[[BuildReport], object] | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Build the guide, then rebuild it after every save of one of its files, until ``stop`` is set.

    ``prepare`` reads the source (and its guide script's lexicon files)
    again; ``files`` are the files to watch until the first successful
    read says which they are. ``after_build`` runs after each successful
    build (``watch --verify``); its result or error is reported with it.
    """
    watched = {Path(f).resolve() for f in files}
    warm: ClipSource | None = None
    saves = _Saves(watched)  # watching from before the first build: a save during it is not lost
    try:
        watched, warm = _attempt(prepare, options, on_rebuild, after_build, (), watched, warm)
        saves.follow(watched)
        while not (stop is not None and stop.is_set()):
            changed = saves.next(timeout=0.2)
            if changed is None:
                continue
            watched, warm = _attempt(prepare, options, on_rebuild, after_build, changed, watched, warm)
            saves.follow(watched)
    finally:
        saves.close()
        if warm is not None:
            warm.close()


class _Saves:
    """watchfiles in a thread of its own, on the folders of the watched files; each group of
    events (one save) becomes the names of the files it touched, queued for :meth:`next`."""

    def __init__(self, files: set[Path]) -> None:
        self._files = set(files)
        self._queue: queue.Queue[tuple[str, ...]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._folders: set[Path] = set()
        self._ready = threading.Event()  # set as the watcher starts
        self.follow(files)

    def follow(self, files: set[Path]) -> None:
        """Watch ``files`` from now on (a new folder restarts the watcher)."""
        self._files = set(files)
        folders = {path.parent for path in files}
        if folders == self._folders and self._thread is not None:
            return
        self._halt()
        self._folders = folders
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(sorted(folders), self._stop), daemon=True)
        self._thread.start()
        self._ready.wait(timeout=10)

    def _run(self, folders: list[Path], stop: threading.Event) -> None:
        from watchfiles import watch

        self._ready.set()
        try:
            for changes in watch(
                *folders,
                watch_filter=lambda _change, path: Path(path).resolve() in self._files,
                step=QUIET_MS,
                debounce=MAX_WAIT_MS,
                stop_event=stop,
                yield_on_timeout=False,
                raise_interrupt=False,
            ):
                self._queue.put(tuple(sorted({Path(path).name for _change, path in changes})))
        except Exception as exc:  # a folder removed under us: reported as a save, to be read (and fail)
            logger.warning("watching stopped: %s", exc)
            self._queue.put(())

    def next(self, timeout: float) -> tuple[str, ...] | None:
        """The files of the saves since the last call (several saves: one rebuild), or None."""
        try:
            names = set(self._queue.get(timeout=timeout))
        except queue.Empty:
            return None
        while not self._queue.empty():
            names.update(self._queue.get_nowait())
        return tuple(sorted(names))

    def _halt(self) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join(timeout=5)
            self._thread = None
            self._ready = threading.Event()

    def close(self) -> None:
        self._halt()


def _attempt(
    prepare: Callable[[], Prepared],
    options: BuildOptions,
    on_rebuild: Callable[[Rebuild], None],
    after_build: Callable[[BuildReport], object] | None,
    changed: tuple[str, ...],
    watched: set[Path],
    warm: ClipSource | None,
) -> tuple[set[Path], ClipSource | None]:
    """One rebuild; returns the files to watch from now on and the loaded voices to keep."""
    began = time.perf_counter()
    try:
        prepared = prepare()
        watched = {Path(f).resolve() for f in prepared.files}
        report = build_guide(prepared.document, prepared.settings, options, warm=warm)
        built = time.perf_counter() - began  # the rebuild's own time, without after_build's
        after = after_build(report) if after_build is not None else None
    except (AudioguideError, OSError, ValueError, UnicodeError) as exc:
        on_rebuild(Rebuild(changed, time.perf_counter() - began, error=_one_line(exc)))
        return watched, warm
    on_rebuild(Rebuild(changed, built, report=report, after=after))
    return watched, warm_voices(warm, prepared.settings, options)


def warm_voices(warm: ClipSource | None, settings: GuideSettings, options: BuildOptions) -> ClipSource | None:
    """The guide's voices loaded in this process (kept while they stay the guide's), for the next build
    (an editor's next save in `watch`, a Dask worker's next guide); ``warm`` is closed when it no longer serves."""
    if not options.use_cache:
        return warm
    from dataclasses import replace

    from audioguide.synth.engines.registry import resolve_voice

    voices = guide_voices(replace(settings, voice=resolve_voice(settings.voice)))
    root = Path(options.cache_dir or default_cache_dir())
    if (
        warm is not None
        and warm.cache_root == root
        and warm.voices == voices.settings
        and warm.main == voices.main
    ):
        return warm
    if warm is not None:
        warm.close()
    source = ClipSource(root, voices.settings, voices.main)
    started = time.perf_counter()
    source.load()
    logger.info("voices loaded in this process for the next build in %.2f s", time.perf_counter() - started)
    return source


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.filename}: {exc.strerror or exc}"
    return text[0] if text else type(exc).__name__
