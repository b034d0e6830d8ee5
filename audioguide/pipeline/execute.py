"""Carrying out a build plan: synthesize, render, export, write the manifest, commit the folder.

:func:`build_guide` is the whole build in three steps that read top to
bottom: read what the previous build left (:func:`~audioguide.pipeline.plan.load_previous`),
decide (:func:`~audioguide.pipeline.plan.plan_build`), then :func:`execute`. The
work itself happens in a staging folder beside the output folder, which is
swapped in only when everything is written (:mod:`audioguide.pipeline.output_folder`).
Nothing here prints: progress goes to an optional callback.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from audioguide import __version__
from audioguide.errors import AudioguideError, OutputError
from audioguide.exporters.playlist import render_m3u8
from audioguide.exporters.registry import DEFAULT_FORMATS, FORMATS, URL_FORMATS
from audioguide.files import check_file_names
from audioguide.hashing import sha256_file
from audioguide.model.document import Document
from audioguide.model.guide import ExportResult, FinishedGuide
from audioguide.model.manifest import MANIFEST_NAME, ClipRecord, Manifest, TrackRecord
from audioguide.model.settings import GuideSettings
from audioguide.pipeline import scheduler, segments
from audioguide.pipeline.guide import (
    ClipSource,
    GuideVoices,
    finished_guide,
    guide_voices,
    opening_samples,
)
from audioguide.pipeline.output_folder import OutputFolder, checkpoint, link_or_copy
from audioguide.pipeline.plan import (
    PLAYLIST_NAME,
    TRANSCRIPTS_DIR,
    BuildPlan,
    Environment,
    PreviousBuild,
    TrackWork,
    cover_digest,
    load_previous,
    plan_build,
)
from audioguide.pipeline.scheduler import SynthesisStats
from audioguide.synth.cache import ClipCache, default_cache_dir
from audioguide.synth.engines import create_engine
from audioguide.synth.engines.registry import resolve_voice
from audioguide.text import folder_slug

if TYPE_CHECKING:
    from audioguide.audio.render import RenderedTrack

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildOptions:
    """Where and how to build (not what: that is the document and settings)."""

    outdir: Path
    cache_dir: Path | None = None
    use_cache: bool = True
    jobs: int | None = None
    force: bool = False
    dry_run: bool = False
    formats: tuple[str, ...] | None = None  # None: what the folder's last build made (DEFAULT_FORMATS if new)
    replace: bool = False  # build into a folder that holds a different guide


@dataclass(frozen=True)
class ProgressEvent:
    """Reported as work advances: one clip synthesized, one track written."""

    stage: Literal["clips", "tracks", "formats"]
    done: int
    total: int
    label: str = ""


Progress = Callable[[ProgressEvent], None]


@dataclass
class BuildReport:
    """What a build did."""

    outdir: Path
    tracks: int
    rebuilt: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    clips_synthesized: int = 0
    clips_reused: int = 0
    synthesis: SynthesisStats = SynthesisStats(0, 0.0, 0.0)
    seconds: float = 0.0
    audio_seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    formats: dict[str, str] = field(default_factory=dict)  # name -> "built" | "unchanged"
    formats_removed: list[str] = field(default_factory=list)  # made by the last build, not asked for now
    dry_run: bool = False
    workers: int = 0  # worker processes used (--jobs, capped to the cores and the memory)
    plan: dict = field(default_factory=dict)  # what --dry-run prints (BuildPlan.to_dict)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["outdir"] = str(self.outdir)
        return data


def slugify(title: str) -> str:
    """A folder name from a title: "Does X Work?" -> "does-x-work" (see ``text.folder_slug``)."""
    return folder_slug(title) or "guide"


def default_outdir(document: Document) -> Path:
    return Path("output") / slugify(document.title)


def remembered_formats(previous: PreviousBuild | None) -> tuple[str, ...]:
    """The formats the folder's last build made, so a plain rebuild keeps making them."""
    if previous is None:
        return DEFAULT_FORMATS
    return tuple(name for name in FORMATS if name == "tracks" or name in previous.manifest.formats)


def _check_format_inputs(settings: GuideSettings, formats: tuple[str, ...]) -> None:
    """Fail before any synthesis on inputs a format will need (not after minutes of work)."""
    if "m4b" in formats and settings.cover_image:
        cover = Path(settings.cover_image).expanduser()
        if not cover.is_file():
            raise AudioguideError(f"cover image not found: {cover}")
    needs_url = [name for name in formats if name in URL_FORMATS]
    if needs_url and not settings.base_url:
        raise AudioguideError(
            f"the {needs_url[0]} format needs the address the guide will be published at: "
            "--base-url https://... (or base_url: in the guide script)"
        )


def build_guide(
    document: Document,
    settings: GuideSettings,
    options: BuildOptions,
    progress: Progress | None = None,
    *,
    warm: ClipSource | None = None,
) -> BuildReport:
    """Build (or update) the guide in ``options.outdir``; returns what changed.

    ``warm``: a clip source whose voices this process keeps loaded from one
    build to the next (``audioguide watch``); used when it serves this
    build's voices and clip cache, and left open.
    """
    started = time.perf_counter()
    settings = replace(settings, voice=resolve_voice(settings.voice))  # "heart" -> hibari, heart
    voices = guide_voices(settings)
    # validates every engine and voice before any work
    probes = {label: create_engine(voice) for label, voice in voices.settings.items()}
    main = probes[voices.main]
    environment = Environment(
        engine=main.identity(),
        rate=main.sample_rate,
        cover_sha256=cover_digest(settings),
        voice=voices.main,
        roles=voices.roles,
        voices={label: probe.identity() for label, probe in probes.items()},
    )
    folder = OutputFolder(options.outdir)
    cache_root = (options.cache_dir or default_cache_dir()) if options.use_cache else None
    with ExitStack() as stack:
        started_workers = None
        if cache_root is not None and is_cold(options) and not _serves(warm, cache_root, voices):
            started_workers = stack.enter_context(_early_workers(cache_root, voices, options))
        return _plan_and_execute(
            document,
            settings,
            options,
            progress,
            environment,
            folder,
            cache_root,
            started,
            started_workers,
            warm,
        )


def _serves(source: ClipSource | None, cache_root: Path, voices: GuideVoices) -> bool:
    """Whether ``source`` has this guide's voices and reads this clip cache."""
    return (
        source is not None
        and source.cache_root == Path(cache_root)
        and source.voices == voices.settings
        and source.main == voices.main
    )


def is_cold(options: BuildOptions) -> bool:
    """A build that will certainly synthesize: a new folder (no manifest yet), or --force."""
    return not options.dry_run and (options.force or not (options.outdir / MANIFEST_NAME).is_file())


@contextmanager
def _early_workers(cache_root: Path, voices, options: BuildOptions):
    """Worker processes that load the voices while this process parses and plans (a cold build)."""
    count = scheduler.worker_count(options.jobs)
    if count <= 1:
        yield None
        return
    with scheduler.start_workers(ClipSource(cache_root, voices.settings, voices.main), count) as workers:
        yield workers


def _plan_and_execute(
    document: Document,
    settings: GuideSettings,
    options: BuildOptions,
    progress: Progress | None,
    environment: Environment,
    folder: OutputFolder,
    cache_root: Path | None,
    started: float,
    started_workers: scheduler.Workers | None,
    warm: ClipSource | None,
) -> BuildReport:
    memo = segments.load(cache_root) if cache_root is not None else {}
    known = dict(memo)  # saved again only if planning added to it or replaced an entry
    with folder.lock():
        folder.recover()  # a build killed while committing is finished first
        previous = load_previous(options.outdir)
        formats = options.formats or remembered_formats(previous)
        _check_format_inputs(settings, formats)
        plan = plan_build(
            document,
            settings,
            previous,
            environment=environment,
            outdir=options.outdir,
            formats=formats,
            force=options.force,
            memo=memo,  # pysbd's splits of paragraphs seen before (pipeline/segments.py)
        )
        folder.check(plan.info.title, plan.info.source_name, replace=options.replace)
        outputs = plan.outputs()
        folder.check_carried(outputs, folder.foreign(outputs))  # before minutes of work, not after
        checkpoint("planned")
        report = execute(
            plan, options, progress, started=started, folder=folder, workers=started_workers, warm=warm
        )
    if cache_root is not None and not options.dry_run:
        segments.save(cache_root, memo, known)
    return report


def execute(
    plan: BuildPlan,
    options: BuildOptions,
    progress: Progress | None = None,
    *,
    started: float | None = None,
    folder: OutputFolder | None = None,
    workers: scheduler.Workers | None = None,
    warm: ClipSource | None = None,
) -> BuildReport:
    """Carry out ``plan`` (see the module docstring); with ``options.dry_run`` only report it.

    The caller holds ``folder``'s lock (:func:`build_guide` does); without
    ``folder`` this takes it. ``workers``: worker processes already started
    on the clip cache of ``options`` (:func:`scheduler.start_workers`).
    """
    if folder is None:
        folder = OutputFolder(plan.outdir)
        with folder.lock():
            folder.recover()
            return execute(
                plan, options, progress, started=started, folder=folder, workers=workers, warm=warm
            )
    started = time.perf_counter() if started is None else started
    outdir = plan.outdir
    report = BuildReport(
        outdir=outdir,
        tracks=len(plan.tracks),
        dry_run=options.dry_run,
        warnings=list(plan.warnings),
        plan=plan.to_dict(),
    )
    report.rebuilt = [work.file for work in plan.to_render]
    report.unchanged = [work.file for work in plan.tracks if work.reuse is not None]
    report.removed = list(plan.removed)
    report.formats_removed = list(plan.formats_removed)
    report.workers = scheduler.worker_count(options.jobs)
    check_file_names([work.file for work in plan.tracks], outdir, error=OutputError)  # before any synthesis

    with ExitStack() as stack:
        cache: ClipCache | None = (
            ClipCache(options.cache_dir or default_cache_dir()) if options.use_cache else None
        )
        if cache is not None and not options.dry_run:  # a full or read-only cache disk: build without it
            need = int(
                sum(w.spoken.track.estimated_seconds for w in plan.to_render) * plan.environment.rate * 2
            )
            problem = cache.write_problem(need)
            if problem:
                report.warnings.append(f"{problem}; building without the clip cache")
                cache = None
        unused_cache = cache is None
        if cache is None:
            cache = ClipCache(
                Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="audioguide-clips-")))
            )
        needed = plan.clips()
        missing = [job for job in needed if options.force or not cache.has(job.key)]  # track order
        if workers is not None and (unused_cache or not missing):
            workers.discard()  # started on the cache that is not used, or for synthesis not needed
            workers = None
        report.clips_synthesized = len(missing)
        report.clips_reused = len(needed) - len(missing)
        if options.dry_run:
            report.seconds = time.perf_counter() - started
            return report

        voices = guide_voices(plan.settings)
        source = (
            warm
            if _serves(warm, cache.root, voices)
            else ClipSource(cache.root, voices.settings, voices.main)
        )
        staging = folder.start()
        try:
            records = _render_tracks(plan, missing, source, staging, options, progress, report, workers)
            if workers is not None:
                workers.close()  # their voices' memory is not needed by the formats' workers
            _write_companions(plan, records, staging)
            jobs = {work.file: work.job for work in plan.tracks}
            manifest = _manifest(plan, records, {})
            opening = None
            if plan.exports("phone"):
                opening = opening_samples(
                    source,
                    [c.key for c in plan.opening],
                    [c.text for c in plan.opening],
                    plan.environment.rate,
                    plan.settings,
                    [c.voice for c in plan.opening],
                )
            guide = finished_guide(staging, manifest, plan.settings, source, jobs, opening)
            guide.formats = tuple(work.name for work in plan.formats)
            guide.previous = {work.name: work.state for work in plan.formats if work.state is not None}
            checkpoint("rendered")
            formats = _export_formats(guide, plan, report, progress, report.workers)
            checkpoint("exported")
            manifest = _manifest(plan, records, formats)
            (staging / MANIFEST_NAME).write_text(manifest.to_json(), encoding="utf-8")
            checkpoint("manifest-written")
            folder.commit_staged(staging, [(r.file, r.file_sha256) for r in records])
        except BaseException:
            if staging.exists() and not folder.journal.exists():
                folder.abandon(staging)
            raise
        finally:
            if source is not warm:
                source.close()
    report.audio_seconds = sum(r.duration_s for r in records)
    report.seconds = time.perf_counter() - started
    return report


def _render_tracks(
    plan: BuildPlan,
    missing,
    source: ClipSource,
    staging: Path,
    options: BuildOptions,
    progress: Progress | None,
    report: BuildReport,
    workers: scheduler.Workers | None = None,
) -> list[TrackRecord]:
    """Synthesize the missing clips and render the tracks to render; link the kept ones."""
    jobs = [work.job for work in plan.to_render]
    clips_done = tracks_done = 0

    def on_clip() -> None:
        nonlocal clips_done
        clips_done += 1
        checkpoint("clip-synthesized")
        if progress:
            progress(ProgressEvent("clips", clips_done, len(missing)))

    def on_track(result: RenderedTrack) -> None:
        nonlocal tracks_done
        tracks_done += 1
        checkpoint("track-rendered")
        if progress:
            progress(ProgressEvent("tracks", tracks_done, len(jobs), result.file))

    rendered, report.synthesis = scheduler.run(
        missing,
        jobs,
        source=source,
        folder=staging,
        workers=report.workers,
        on_clip=on_clip,
        on_track=on_track,
        started=workers,
    )
    records = []
    for work in plan.tracks:
        if work.reuse is not None:
            link_or_copy(plan.outdir / work.reuse.file, staging / work.file)
            records.append(_refreshed(work, plan.environment.voice))
        else:
            records.append(_record(work, rendered[work.file], plan.environment.voice))
    return records


def _refreshed(work: TrackWork, voice: str) -> TrackRecord:
    """A kept track's record, with what a manifest of an older build may lack (same hash: same values)."""
    record = work.reuse
    clips = [
        replace(clip, pause_ms=pause, voice=label or voice)
        for clip, pause, label in zip(record.clips, work.job.pauses_ms, work.job.voices)
    ]
    return replace(record, clips=clips, tags=asdict(work.job.tags))


def _record(work: TrackWork, rendered: RenderedTrack, guide_voice: str) -> TrackRecord:
    track = work.spoken.track
    return TrackRecord(
        number=track.number,
        kind=track.kind.value,
        title=track.title,
        file=work.file,
        duration_s=rendered.duration_s,
        text=work.spoken.speech_text,
        hash=work.hash,
        file_sha256=rendered.sha256,
        loudness_lufs=rendered.lufs,
        true_peak_dbtp=rendered.true_peak_dbtp,
        transcript=f"{TRANSCRIPTS_DIR}/{track.stem}.txt",
        peak_margin_db=rendered.peak_margin_db,
        loudness_offset_db=rendered.loudness_offset_db,
        clips=[
            ClipRecord(
                key=key,
                text=clip.speech,
                written=clip.written,
                role=clip.role,
                passage=clip.passage,
                start_s=round(span.start_s, 3),
                end_s=round(span.end_s, 3),
                pause_ms=clip.pause_after_ms,
                voice=voice or guide_voice,
            )
            for key, clip, span, voice in zip(
                work.job.keys, work.spoken.clips, rendered.spans, work.job.voices
            )
        ],
        tags=asdict(work.job.tags),
        group=track.group,
    )


def _manifest(plan: BuildPlan, records: list[TrackRecord], formats: dict[str, dict]) -> Manifest:
    return Manifest(
        title=plan.info.title,
        generator=f"audioguide {__version__}",
        source=plan.info.source_name,
        language=plan.info.language,
        sample_rate=plan.environment.rate,
        engine=plan.environment.engine,
        tracks=records,
        dropped=list(plan.dropped),
        formats=formats,
        info=asdict(plan.info),
        settings=asdict(plan.settings),
        opening=[{"key": c.key, "text": c.text, "voice": c.voice} for c in plan.opening] or None,
        voices=plan.environment.voices or None,
    )


def _export_formats(
    guide: FinishedGuide, plan: BuildPlan, report: BuildReport, progress: Progress | None, workers: int
) -> dict[str, dict]:
    """Run each format the plan exports (in parallel, see ``scheduler.run_exports``) and carry
    the others' files over."""
    written: dict[str, dict] = {}
    done = 0

    def finished(name: str, status: str) -> None:
        nonlocal done
        report.formats[name] = status
        done += 1
        if progress:
            progress(ProgressEvent("formats", done, len(plan.formats), name))

    for work in plan.formats:
        if work.reuse is not None:
            for file in work.reuse["files"]:
                (guide.folder / file).parent.mkdir(parents=True, exist_ok=True)
                link_or_copy(plan.outdir / file, guide.folder / file)
            written[work.name] = work.reuse
            finished(work.name, "unchanged")

    digests = {work.name: work.hash for work in plan.formats}

    def built(name: str, result: list[Path] | ExportResult) -> None:
        paths, state = (result.files, result.state) if isinstance(result, ExportResult) else (result, None)
        files = sorted(str(p.relative_to(guide.folder)) for p in paths)
        # each file's bytes, so a damaged or edited one is made again, as tracks are
        written[name] = {
            "hash": digests[name],
            "files": files,
            "sha256": {f: sha256_file(guide.folder / f) for f in files},
        }
        if state is not None:
            written[name]["state"] = state
        finished(name, "built")

    scheduler.run_exports([work.name for work in plan.to_export], guide, workers=workers, on_done=built)
    order = [work.name for work in plan.formats]
    report.formats = {
        name: report.formats[name] for name in order
    }  # the formats' own order, not finishing order
    return {name: written[name] for name in order}


def _write_companions(plan: BuildPlan, records: list[TrackRecord], staging: Path) -> None:
    """Playlist and transcripts, from the records (reused tracks included)."""
    path = staging / PLAYLIST_NAME
    try:  # a full disk is one line naming the file
        path.write_text(
            render_m3u8(plan.info.title, [(r.file, r.title, r.duration_s) for r in records]), encoding="utf-8"
        )
        path = staging / TRANSCRIPTS_DIR
        path.mkdir()
        for work in plan.tracks:
            path = staging / TRANSCRIPTS_DIR / f"{work.spoken.track.stem}.txt"
            path.write_text(work.spoken.transcript, encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from None
