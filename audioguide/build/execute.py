"""The build: document + settings -> a folder of mastered, tagged MP3 tracks.

Stages, in order, each in its own module: plan (``plan``), speech text
(``spoken``), synthesis into the clip cache (``synthesis``), assembly
(``assemble``), mastering (``mastering``), export (``exporters``). This module
only wires them together and decides what can be reused from the previous
build (by the per-track hashes in its manifest). It never prints: progress
goes to an optional callback.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import tempfile
import time
import unicodedata
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Callable, Literal, Sequence

from audioguide import __version__

from audioguide.files import check_file_names
from audioguide.build import scheduler
from audioguide.synth.cache import ClipCache, clip_key, default_cache_dir
from audioguide.model.settings import GuideSettings
from audioguide.model.document import Document
from audioguide.synth.engines import create_engine
from audioguide.errors import AudioguideError, OutputError
from audioguide.model.manifest import (
    MANIFEST_NAME,
    ClipRecord,
    Manifest,
    TrackRecord,
    load_manifest,
)
from audioguide.audio.mp3 import TrackTags
from audioguide.exporters.playlist import render_m3u8
from audioguide.exporters.registry import (
    DEFAULT_FORMATS,
    FinishedGuide,
    FinishedTrack,
    format_hash,
)
from audioguide.hashing import sha256_file
from audioguide.build.output_folder import abandon_staging, commit_staging, link_or_copy, start_staging
from audioguide.model.plan import TrackPlan, plan_tracks
from audioguide.audio.render import RenderedTrack, TrackJob
from audioguide.build.scheduler import ClipJob, SynthesisStats
from audioguide.speech import Lexicon, merge_layers
from audioguide.speech.clips import SpokenTrack, plan_warnings, speak_plan

logger = logging.getLogger(__name__)

BUILD_FORMAT = 2  # bump when assembly/mastering/encoding change the bytes
PLAYLIST_NAME = "playlist.m3u8"
TRANSCRIPTS_DIR = "transcripts"


@dataclass(frozen=True)
class BuildOptions:
    """Where and how to build (not what: that is the document and settings)."""

    outdir: Path
    cache_dir: Path | None = None
    use_cache: bool = True
    jobs: int | None = None
    force: bool = False
    dry_run: bool = False
    formats: tuple[str, ...] = DEFAULT_FORMATS


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
    dry_run: bool = False

    def to_dict(self) -> dict:
        data = asdict(self)
        data["outdir"] = str(self.outdir)
        return data


def slugify(title: str) -> str:
    """A folder name from a title: "Does X Work?" -> "does-x-work"."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug[:60].rstrip("-") or "guide"


def default_outdir(document: Document) -> Path:
    return Path("output") / slugify(document.title)


def build_lexicon(settings: GuideSettings, lexicon_files: Sequence[str | Path] = ()) -> Lexicon:
    """The pronunciations a build uses: built-in < lexicon files (later win) < the guide's own.

    The command line folds its ``--lexicon`` files and the guide script's
    ``lexicon:`` into ``settings.pronunciations`` (see :func:`with_lexicon_files`),
    so every stage that calls ``build_lexicon(settings)`` says the same words;
    ``lexicon_files`` is for callers that keep them apart. A lexicon changes the
    speech text, and the clip keys are made from the speech text.
    """
    lexicon = Lexicon.builtin()
    for path in lexicon_files:
        lexicon = lexicon.with_entries(Lexicon.from_file(path), source=Path(path).name)
    if settings.pronunciations:
        lexicon = lexicon.with_entries(settings.pronunciations, source="guide")
    return lexicon


def with_lexicon_files(settings: GuideSettings, lexicon_files: Sequence[str | Path]) -> GuideSettings:
    """``settings`` whose pronunciations also hold the files' entries, with the same precedence."""
    if not lexicon_files:
        return settings
    layers = [Lexicon.from_file(path) for path in lexicon_files]
    merged = merge_layers([*layers, settings.pronunciations])
    return replace(settings, pronunciations=merged)


def _track_tags(document: Document, spoken: SpokenTrack) -> TrackTags:
    source = Path(document.source).name if document.source else "unknown source"
    return TrackTags(
        title=spoken.track.title,
        album=document.title,
        artist=document.author or document.publisher or "audioguide",
        publisher=document.publisher,
        track=spoken.track.number,
        total=spoken.track.total,
        language=document.language,
        comment=f"Narrated from {source} by audioguide {__version__}",
        kind=spoken.track.kind.value,
    )


def _track_hash(spoken: SpokenTrack, keys: list[str], tags: TrackTags, settings: GuideSettings, rate: int) -> str:
    """Covers every input of the track's bytes: clips, pauses, mastering, encoding, tags, name."""
    blob = {
        "format": BUILD_FORMAT,
        "clips": [[key, clip.pause_after_ms] for key, clip in zip(keys, spoken.clips)],
        "head_ms": settings.pauses.head_ms,
        "tail_ms": settings.pauses.tail_ms,
        "loudness": asdict(settings.loudness),
        "encoding": asdict(settings.encoding),
        "rate": rate,
        "tags": asdict(tags),
        "file": spoken.track.stem,
    }
    return hashlib.sha256(json.dumps(blob, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass
class _TrackWork:
    spoken: SpokenTrack
    keys: list[str]
    tags: TrackTags
    hash: str

    @property
    def file(self) -> str:
        return f"{self.spoken.track.stem}.mp3"


def build_guide(
    document: Document,
    settings: GuideSettings,
    options: BuildOptions,
    progress: Progress | None = None,
) -> BuildReport:
    """Build (or update) the guide in ``options.outdir``; returns what changed."""
    started = time.perf_counter()
    _check_format_inputs(settings, options)
    plan: TrackPlan = plan_tracks(document, settings)
    check_file_names([f"{t.stem}.mp3" for t in plan.tracks], options.outdir, error=OutputError)  # before synthesis
    spoken_tracks = speak_plan(plan, settings.pauses, build_lexicon(settings))
    probe = create_engine(settings.voice)  # validates engine and voice before any work
    identity = probe.identity()
    rate = probe.sample_rate

    works: list[_TrackWork] = []
    for spoken in spoken_tracks:
        keys = [clip_key(clip.speech, identity) for clip in spoken.clips]
        tags = _track_tags(document, spoken)
        works.append(_TrackWork(spoken, keys, tags, _track_hash(spoken, keys, tags, settings, rate)))

    outdir = options.outdir
    previous = load_manifest(outdir)
    # --force: nothing is reused (tracks, formats), but removed files are still reported
    reusable = {r.hash: r for r in previous.tracks} if previous is not None and not options.force else {}

    def can_reuse(work: _TrackWork) -> TrackRecord | None:
        record = reusable.get(work.hash)
        if record is None or record.file != work.file:
            return None
        path = outdir / record.file
        return record if path.is_file() and sha256_file(path) == record.file_sha256 else None

    report = BuildReport(outdir=outdir, tracks=len(works), dry_run=options.dry_run)
    report.warnings = [f"track {number}: {w.message}" for number, w in plan_warnings(plan)]
    reuse = {work.file: can_reuse(work) for work in works}
    to_render = [work for work in works if reuse[work.file] is None]
    report.rebuilt = [w.file for w in to_render]
    report.unchanged = [w.file for w in works if reuse[w.file] is not None]
    if previous is not None:
        new_files = {w.file for w in works}
        report.removed = [r.file for r in previous.tracks if r.file not in new_files]

    with ExitStack() as stack:
        cache = ClipCache(options.cache_dir or default_cache_dir()) if options.use_cache else None
        if cache is not None and not options.dry_run:  # a full or read-only cache disk: build without it
            need = int(sum(w.spoken.track.estimated_seconds for w in to_render) * rate * 2)
            problem = cache.write_problem(need)
            if problem:
                report.warnings.append(f"{problem}; building without the clip cache")
                cache = None
        if cache is None:
            cache = ClipCache(Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="audioguide-clips-"))))
        needed: dict[str, str] = {}
        for work in to_render:
            for key, clip in zip(work.keys, work.spoken.clips):
                needed.setdefault(key, clip.speech)
        missing = [ClipJob(k, t) for k, t in needed.items() if options.force or not cache.has(k)]  # track order
        report.clips_synthesized = len(missing)
        report.clips_reused = len(needed) - len(missing)
        if options.dry_run:
            report.seconds = time.perf_counter() - started
            return report

        staging = start_staging(outdir)
        engine = scheduler.build_engine(settings.voice, cache)
        try:
            jobs = [_track_job(work, settings, rate) for work in to_render]
            clips_done = tracks_done = 0

            def on_clip() -> None:
                nonlocal clips_done
                clips_done += 1
                if progress:
                    progress(ProgressEvent("clips", clips_done, len(missing)))

            def on_track(result: RenderedTrack) -> None:
                nonlocal tracks_done
                tracks_done += 1
                if progress:
                    progress(ProgressEvent("tracks", tracks_done, len(jobs), result.file))

            rendered, report.synthesis = scheduler.run(
                missing, jobs, voice=settings.voice, cache=cache, folder=staging,
                workers=options.jobs or scheduler.default_jobs(), engine=engine,
                on_clip=on_clip, on_track=on_track,
            )
            records = []
            for work in works:
                old = reuse[work.file]
                if old is not None:
                    link_or_copy(outdir / old.file, staging / work.file)
                    records.append(old)
                else:
                    records.append(_record(work, rendered[work.file]))
            _write_companions(document, records, works, staging)
            guide = FinishedGuide(
                folder=staging, document=document, settings=settings, rate=rate, cache=cache, engine=engine,
                tracks=[FinishedTrack(r, _track_job(w, settings, rate), staging / r.file) for r, w in zip(records, works)],
            )
            formats = _export_formats(
                guide, options.formats, None if options.force else previous, outdir, report, progress,
                options.jobs or scheduler.default_jobs(),
            )
            manifest = Manifest(
                title=document.title,
                generator=f"audioguide {__version__}",
                source=Path(document.source).name if document.source else None,
                language=document.language,
                sample_rate=rate,
                engine=identity,
                tracks=records,
                dropped=[asdict(d) for d in document.dropped],
                formats=formats,
            )
            (staging / MANIFEST_NAME).write_text(manifest.to_json(), encoding="utf-8")
            commit_staging(staging, outdir)
        except BaseException:
            abandon_staging(staging)
            raise
        finally:
            engine.close()
    report.audio_seconds = sum(r.duration_s for r in records)
    report.seconds = time.perf_counter() - started
    return report


def _check_format_inputs(settings: GuideSettings, options: BuildOptions) -> None:
    """Fail before any synthesis on inputs a format will need (not after minutes of work)."""
    if "m4b" in options.formats and settings.cover_image:
        cover = Path(settings.cover_image).expanduser()
        if not cover.is_file():
            raise AudioguideError(f"cover image not found: {cover}")


def _track_job(work: _TrackWork, settings: GuideSettings, rate: int) -> TrackJob:
    return TrackJob(
        file=work.file,
        keys=tuple(work.keys),
        texts=tuple(clip.speech for clip in work.spoken.clips),
        pauses_ms=tuple(clip.pause_after_ms for clip in work.spoken.clips),
        tags=work.tags,
        settings=settings,
        rate=rate,
    )


def _record(work: _TrackWork, rendered: RenderedTrack) -> TrackRecord:
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
        clips=[
            ClipRecord(key=key, text=clip.speech, written=clip.written, role=clip.role, passage=clip.passage,
                       start_s=round(span.start_s, 3), end_s=round(span.end_s, 3))
            for key, clip, span in zip(work.keys, work.spoken.clips, rendered.spans)
        ],
    )


def _export_formats(
    guide: FinishedGuide,
    names: tuple[str, ...],
    previous: Manifest | None,
    outdir: Path,
    report: BuildReport,
    progress: Progress | None,
    workers: int,
) -> dict[str, dict]:
    """Run each asked-for exporter (in parallel, see ``scheduler.run_exports``), or carry
    its files over when its inputs did not change."""
    written: dict[str, dict] = {}
    extra = [name for name in names if name != "tracks"]
    digests = {name: format_hash(name, guide) for name in extra}
    done = 0

    def finished(name: str, status: str) -> None:
        nonlocal done
        report.formats[name] = status
        done += 1
        if progress:
            progress(ProgressEvent("formats", done, len(extra), name))

    to_build = []
    for name in extra:
        old = previous.formats.get(name) if previous is not None else None
        if old and old.get("hash") == digests[name] and all((outdir / f).is_file() for f in old["files"]):
            for file in old["files"]:
                (guide.folder / file).parent.mkdir(parents=True, exist_ok=True)
                link_or_copy(outdir / file, guide.folder / file)
            written[name] = old
            finished(name, "unchanged")
        else:
            to_build.append(name)

    def built(name: str, paths: list[Path]) -> None:
        files = sorted(str(p.relative_to(guide.folder)) for p in paths)
        written[name] = {"hash": digests[name], "files": files}
        finished(name, "built")

    scheduler.run_exports(to_build, guide, workers=workers, on_done=built)
    report.formats = {name: report.formats[name] for name in extra}  # the formats' own order, not finishing order
    return {name: written[name] for name in extra}


def _write_companions(document: Document, records: list[TrackRecord], works: list[_TrackWork], staging: Path) -> None:
    """Playlist and transcripts, from the records (reused tracks included)."""
    path = staging / PLAYLIST_NAME
    try:  # a full disk is one line naming the file
        path.write_text(render_m3u8(document.title, [(r.file, r.title, r.duration_s) for r in records]),
                        encoding="utf-8")
        path = staging / TRANSCRIPTS_DIR
        path.mkdir()
        for work in works:
            path = staging / TRANSCRIPTS_DIR / f"{work.spoken.track.stem}.txt"
            path.write_text(work.spoken.transcript, encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from None
