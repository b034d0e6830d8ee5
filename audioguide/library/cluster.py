"""A library's guide builds on a Dask cluster (``audioguide library ... --scheduler``).

Dask distributed schedules, retries and moves the work; audioguide only says
what one task is. A task is one guide: a pure function of the parsed
document, the settings (lexicons included), the formats, the previous
build's manifest (for the formats' kept state, such as a feed's publication
dates) and the voice, which returns the finished guide folder's files. The
worker builds into a temporary folder with its own clip cache; it never
writes into the site. The client commits each returned guide into the site
as a local run does.

Workers must make the same bytes as the client: before any task runs, every
worker's environment (audioguide, the engines' identities, numpy, the
encoder) is compared with the client's, and a difference is a one-line
refusal naming it.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import re
import socket
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from audioguide import __version__
from audioguide.errors import AudioguideError
from audioguide.model.document import Document
from audioguide.model.manifest import MANIFEST_NAME, load_manifest
from audioguide.model.settings import GuideSettings, VoiceSettings

logger = logging.getLogger(__name__)

INSTALL_HINT = "--scheduler needs Dask: pip install 'audioguide[cluster]'"
CONNECT_TIMEOUT_S = 10
TASK_RETRIES = 2  # a task whose worker died is run again on another, at most this often
_LOCAL_RE = re.compile(r"^local:(\d{1,3})$")
MAX_FILES = 10_000  # a guide folder holds tracks, transcripts, captions, a few formats: far fewer
_warm: Any = None  # on a worker: the voices loaded by its last guide (pipeline.ClipSource), kept for the next


class ClusterError(AudioguideError):
    """The cluster cannot be used: not installed, unreachable, no workers, or workers that differ."""


@dataclass(frozen=True)
class GuideTask:
    """Everything one guide's build depends on, sent to a worker."""

    document: Document
    settings: GuideSettings
    formats: tuple[str, ...]
    previous_manifest: bytes | None = None
    cover: bytes | None = None  # the guide's cover image (settings.cover_image names it on the client)
    cache_dir: str | None = None  # on the worker; None: the worker's own default cache
    force: bool = False


@dataclass(frozen=True)
class GuideFiles:
    """What a worker sends back: the guide folder's files by relative path, and the build's report."""

    files: dict[str, bytes]
    report: Any  # pipeline.BuildReport
    worker: str = ""


def parse_scheduler(spec: str) -> tuple[str, int | None]:
    """``local:N`` -> ("local", N); ``tcp://host:8786`` -> (address, None); else a one-line error."""
    text = spec.strip()
    local = _LOCAL_RE.match(text)
    if local:
        workers = int(local.group(1))
        if not 1 <= workers <= 256:
            raise ClusterError(f"--scheduler {spec!r}: local:N needs N between 1 and 256")
        return "local", workers
    if re.match(r"^(tcp|tls|inproc|ucx)://[^\s/]+$", text):
        return text, None
    raise ClusterError(
        f"--scheduler {spec!r}: give the scheduler's address (tcp://HOST:8786) or local:N for N local workers"
    )


TRIM_VARIABLE = "MALLOC_TRIM_THRESHOLD_"
MMAP_VARIABLE = "MALLOC_MMAP_THRESHOLD_"
M_MMAP_THRESHOLD = -3  # mallopt's parameter number (malloc.h)
MMAP_THRESHOLD = 32 * 1024 * 1024  # glibc's largest dynamic threshold on 64-bit systems


@contextlib.contextmanager
def connect(spec: str) -> Iterator[Any]:
    """A ``distributed.Client`` for ``spec`` (a local cluster of N worker processes, or a scheduler)."""
    address, workers = parse_scheduler(spec)
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ClusterError(INSTALL_HINT) from None
    import dask

    # Workers sample their tasks' stacks every 10 ms for the dashboard's profile: pure cost here.
    dask.config.set({"distributed.worker.profile.enabled": False})
    if workers is not None:
        # Dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536, which also fixes glibc's mmap
        # threshold at 128 KiB: every numpy array of a build is then mapped and unmapped, page by
        # page, and a guide cost 1.5-1.8 times the CPU it costs in a plain process. glibc's defaults.
        dask.config.set({f"distributed.nanny.pre-spawn-environ.{TRIM_VARIABLE}": None})
    cluster = None
    try:
        if workers is not None:
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            client = Client(cluster)
        else:
            try:
                _refused_at_once(address)
                client = Client(address, timeout=CONNECT_TIMEOUT_S)
            except (OSError, TimeoutError) as exc:
                raise ClusterError(
                    f"cannot reach the Dask scheduler at {address} ({_reason(exc)}); start one with "
                    "'dask scheduler' and workers with 'dask worker ADDRESS'"
                ) from None
        try:
            yield client
        finally:
            client.close()
    finally:
        if cluster is not None:
            cluster.close()


def _refused_at_once(address: str) -> None:
    """Raise ``ConnectionRefusedError`` when nothing listens at a ``tcp://`` address.

    Dask's client retries a refused connection until its timeout (10 s): a
    scheduler that is not running, or a mistyped port, is known in
    milliseconds. Any other outcome is left to the client (a slow network
    still gets the whole timeout).
    """
    match = re.match(r"^tcp://(\[[^\]]+\]|[^:/]+):(\d+)$", address)
    if not match:
        return
    host = match.group(1).strip("[]")
    try:
        socket.create_connection((host, int(match.group(2))), timeout=CONNECT_TIMEOUT_S).close()
    except ConnectionRefusedError:
        raise
    except OSError:
        return


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:200] if text else type(exc).__name__


def environment_identity(voices: list[VoiceSettings]) -> dict[str, Any]:
    """What decides a guide's bytes besides its inputs: versions and each voice's engine identity."""
    import imageio_ffmpeg
    import numpy

    from audioguide.synth.engines import create_engine

    engines = {}
    for voice in voices:
        engine = create_engine(voice)
        try:
            engines[f"{voice.engine}:{voice.voice}"] = engine.identity()
        finally:
            engine.close()
    return {
        "audioguide": __version__,
        "numpy": numpy.__version__,
        "ffmpeg": imageio_ffmpeg.get_ffmpeg_version(),
        "engines": engines,
    }


def _difference(mine: dict[str, Any], theirs: dict[str, Any], prefix: str = "") -> str | None:
    """The first key whose values differ, as "key: here X, there Y"."""
    for key in sorted(set(mine) | set(theirs)):
        a, b = mine.get(key), theirs.get(key)
        if isinstance(a, dict) and isinstance(b, dict):
            found = _difference(a, b, f"{prefix}{key}.")
            if found:
                return found
        elif a != b:
            return f"{prefix}{key}: here {a!r}, on the worker {b!r}"
    return None


def check_workers(client: Any, voices: list[VoiceSettings]) -> list[str]:
    """Every worker's environment equals this one's; returns the workers' addresses."""
    mine = environment_identity(voices)
    try:
        theirs = client.run(environment_identity, voices)
    except Exception as exc:  # a worker without audioguide, or that cannot load the voice
        raise ClusterError(
            f"a Dask worker cannot build guides ({_reason(exc)}); install the same audioguide on it"
        ) from None
    if not theirs:
        raise ClusterError("the Dask scheduler has no workers; start some with 'dask worker ADDRESS'")
    for address, identity in sorted(theirs.items()):
        found = _difference(mine, identity)
        if found:
            raise ClusterError(
                f"Dask worker {address} would make different bytes ({found}); install the same versions there"
            )
    return sorted(theirs)


def large_arrays_from_the_heap() -> bool:
    """In a process started with ``MALLOC_TRIM_THRESHOLD_`` (Dask's nanny sets it on workers you
    start yourself), give large allocations glibc's usual 32 MiB mmap threshold back: with the
    variable set it stays at 128 KiB, and each numpy array of a build is mapped and unmapped
    (a guide then costs 1.5-1.8 times the CPU). True when it was set here."""
    if TRIM_VARIABLE not in os.environ or os.environ.get(MMAP_VARIABLE):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        return bool(libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))
    except (OSError, AttributeError):  # not glibc: nothing to undo
        return False


def build_on_worker(task: GuideTask) -> GuideFiles:
    """Build the guide of ``task`` in a temporary folder; its files. Runs on a worker."""
    from audioguide.pipeline import BuildOptions, build_guide
    from audioguide.pipeline.watch import warm_voices

    large_arrays_from_the_heap()

    with tempfile.TemporaryDirectory(prefix="audioguide-task-") as tmp:
        outdir = Path(tmp) / "guide"
        outdir.mkdir()
        if task.previous_manifest is not None:
            (outdir / MANIFEST_NAME).write_bytes(task.previous_manifest)
        settings = task.settings
        if task.cover is not None and settings.cover_image:
            cover = Path(tmp) / f"cover{Path(settings.cover_image).suffix}"
            cover.write_bytes(task.cover)
            settings = replace(settings, cover_image=str(cover))
        options = BuildOptions(
            outdir=outdir,
            cache_dir=Path(task.cache_dir) if task.cache_dir else None,
            jobs=1,
            force=task.force,
            formats=task.formats,
        )
        global _warm
        _warm = warm_voices(_warm, settings, options)  # the voice stays loaded for this worker's next guide
        report = build_guide(task.document, settings, options, warm=_warm)
        if settings is not task.settings:
            _record_cover_as_given(outdir, task.settings.cover_image)
        files: dict[str, bytes] = {}
        for path in sorted(outdir.rglob("*")):
            if path.is_file() and not path.is_symlink():
                files[path.relative_to(outdir).as_posix()] = path.read_bytes()
                if len(files) > MAX_FILES:
                    raise AudioguideError(
                        f"{task.document.title}: the guide folder holds over {MAX_FILES} files"
                    )
        report.outdir = Path("")  # the worker's folder means nothing to the client
    return GuideFiles(files=files, report=report, worker=os.uname().nodename)


def _record_cover_as_given(outdir: Path, cover_image: str | None) -> None:
    """The manifest names the cover as the client's settings do, not by the worker's copy of it."""
    manifest = load_manifest(outdir)
    if manifest is None or manifest.settings is None:
        return
    settings = {**manifest.settings, "cover_image": cover_image}
    (outdir / MANIFEST_NAME).write_text(replace(manifest, settings=settings).to_json(), encoding="utf-8")


def as_completed(futures: list[Any]) -> Iterator[Any]:
    """The futures in the order they finish."""
    from distributed import as_completed as completed

    return iter(completed(futures))


def task_error(exc: BaseException) -> Exception:
    """What a failed task says to the user: its own one-line error, or what happened to its worker."""
    if isinstance(exc, AudioguideError):
        return exc
    name = type(exc).__name__
    if name == "KilledWorker":
        return ClusterError(
            f"the workers building it died {TASK_RETRIES + 1} times (killed, or out of memory); "
            "nothing of it reached the site"
        )
    if name in ("CommClosedError", "CancelledError", "FutureCancelledError"):
        return ClusterError(f"the Dask scheduler went away while it was being built ({_reason(exc)})")
    return exc
