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
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Literal

import numpy as np

from . import __version__, ffmpeg
from .assemble import assemble
from .clip_cache import ClipCache, clip_key, default_cache_dir
from .config import GuideSettings, Loudness
from .document import Document
from .engines import create_engine
from .exporters.manifest import MANIFEST_NAME, ClipRecord, Manifest, TrackRecord, load_manifest
from .exporters.mp3 import ENCODER_GAIN_DB, TrackTags, encode_mp3, write_tags
from .exporters.playlist import render_m3u8
from .mastering import conservative_true_peak_dbtp, fade, integrated_loudness, master
from .output_folder import abandon_staging, commit_staging, link_or_copy, start_staging
from .plan import TrackPlan, plan_tracks
from .speech import Lexicon
from .spoken import SpokenTrack, plan_warnings, speak_plan
from .synthesis import ClipJob, SynthesisStats, default_jobs, synthesize_missing

logger = logging.getLogger(__name__)

BUILD_FORMAT = 1  # bump when assembly/mastering/encoding change the bytes
PLAYLIST_NAME = "playlist.m3u8"
TRANSCRIPTS_DIR = "transcripts"
FADE_MS = 10.0
# True-peak headroom kept for the MP3 encoder, first try; see _master_to_mp3.
MP3_PEAK_MARGIN_DB = 1.0
PEAK_STEP_DB = 0.25
MAX_PEAK_PASSES = 4


@dataclass(frozen=True)
class BuildOptions:
    """Where and how to build (not what: that is the document and settings)."""

    outdir: Path
    cache_dir: Path | None = None
    use_cache: bool = True
    jobs: int | None = None
    force: bool = False
    dry_run: bool = False


@dataclass(frozen=True)
class ProgressEvent:
    """Reported as work advances: one clip synthesized, one track written."""

    stage: Literal["clips", "tracks"]
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


def build_lexicon(settings: GuideSettings) -> Lexicon:
    lexicon = Lexicon.builtin()
    if settings.pronunciations:
        lexicon = lexicon.with_entries(settings.pronunciations, source="guide")
    return lexicon


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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
    plan: TrackPlan = plan_tracks(document, settings)
    spoken_tracks = speak_plan(plan, settings.pauses, build_lexicon(settings))
    engine = create_engine(settings.voice)  # validates engine and voice before any work
    identity = engine.identity()
    rate = engine.sample_rate

    works: list[_TrackWork] = []
    for spoken in spoken_tracks:
        keys = [clip_key(clip.speech, identity) for clip in spoken.clips]
        tags = _track_tags(document, spoken)
        works.append(_TrackWork(spoken, keys, tags, _track_hash(spoken, keys, tags, settings, rate)))

    outdir = options.outdir
    previous = None if options.force else load_manifest(outdir)
    reusable: dict[str, TrackRecord] = {}
    if previous is not None:
        for record in previous.tracks:
            reusable[record.hash] = record

    def can_reuse(work: _TrackWork) -> TrackRecord | None:
        record = reusable.get(work.hash)
        if record is None or record.file != work.file:
            return None
        path = outdir / record.file
        return record if path.is_file() and _sha256_file(path) == record.file_sha256 else None

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
        if options.use_cache:
            cache = ClipCache(options.cache_dir or default_cache_dir())
        else:
            cache = ClipCache(Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="audioguide-clips-"))))
        needed: dict[str, str] = {}
        for work in to_render:
            for key, clip in zip(work.keys, work.spoken.clips):
                needed.setdefault(key, clip.speech)
        missing = [ClipJob(k, t) for k, t in needed.items() if options.force or not cache.has(k)]
        report.clips_synthesized = len(missing)
        report.clips_reused = len(needed) - len(missing)
        if options.dry_run:
            report.seconds = time.perf_counter() - started
            return report

        staging = start_staging(outdir)
        try:
            done = 0

            def on_clip(_key: str) -> None:
                nonlocal done
                done += 1
                if progress:
                    progress(ProgressEvent("clips", done, len(missing)))

            report.synthesis = synthesize_missing(
                missing, settings.voice, cache,
                workers=options.jobs or default_jobs(), on_clip=on_clip, engine=engine,
            )
            records = _write_tracks(works, reuse, cache, engine, settings, rate, outdir, staging, progress)
            _write_companions(document, records, works, staging)
            manifest = Manifest(
                title=document.title,
                generator=f"audioguide {__version__}",
                source=Path(document.source).name if document.source else None,
                language=document.language,
                sample_rate=rate,
                engine=identity,
                tracks=records,
                dropped=[asdict(d) for d in document.dropped],
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


def _assemble_track(work: _TrackWork, cache: ClipCache, engine, settings: GuideSettings, rate: int):
    """The track's clips with our pauses: (samples, clip spans)."""
    clips: list[np.ndarray] = []
    for key, clip in zip(work.keys, work.spoken.clips):
        audio = cache.get(key)
        if audio is None:  # evicted or corrupt since synthesis: make it again
            audio = engine.synthesize(clip.speech)
            cache.put(key, audio)
        if audio.sample_rate != rate:
            raise RuntimeError(f"clip at {audio.sample_rate} Hz in a {rate} Hz guide")
        clips.append(audio.samples)
    return assemble(
        clips,
        [clip.pause_after_ms for clip in work.spoken.clips],
        rate,
        head_ms=settings.pauses.head_ms,
        tail_ms=settings.pauses.tail_ms,
    )


@dataclass(frozen=True)
class _Levels:
    """Loudness and true peak of the encoded file, measured by decoding it."""

    lufs: float
    true_peak_dbtp: float
    margin_db: float


def _master_to_mp3(samples: np.ndarray, rate: int, settings: GuideSettings, path: Path) -> _Levels:
    """Master, encode, then measure the decoded MP3; tighten the peak margin if the encoder overshot.

    MP3 encoding raises true peaks by an amount that depends on the content
    (up to 2.5 dB on a Piper click in the seed at 64 kbps), so the file itself
    is measured rather than trusted.
    """
    offset = -ENCODER_GAIN_DB  # aim above the target by what LAME takes away
    aim = Loudness(settings.loudness.target_lufs + offset, settings.loudness.true_peak_dbtp + offset)
    margin = MP3_PEAK_MARGIN_DB
    for attempt in range(MAX_PEAK_PASSES):
        mastered, _ = master(samples, rate, aim, peak_margin_db=margin)
        encode_mp3(fade(mastered, rate, FADE_MS, FADE_MS), rate, path, bitrate_kbps=settings.encoding.bitrate_kbps)
        decoded, _ = ffmpeg.decode(path, sample_rate=rate)
        peak = conservative_true_peak_dbtp(decoded, rate)
        excess = peak - settings.loudness.true_peak_dbtp
        if excess <= 0 or attempt == MAX_PEAK_PASSES - 1:
            break
        logger.info("%s: encoded true peak %.2f dBTP; re-mastering with %.2f dB more headroom",
                    path.name, peak, excess + PEAK_STEP_DB)
        margin += excess + PEAK_STEP_DB
    return _Levels(integrated_loudness(decoded, rate), peak, margin)


def _write_tracks(works, reuse, cache, engine, settings, rate, outdir, staging, progress) -> list[TrackRecord]:
    records: list[TrackRecord] = []
    for index, work in enumerate(works, 1):
        old = reuse[work.file]
        if old is not None:
            link_or_copy(outdir / old.file, staging / work.file)
            records.append(old)
        else:
            samples, spans = _assemble_track(work, cache, engine, settings, rate)
            path = staging / work.file
            levels = _master_to_mp3(samples, rate, settings, path)
            write_tags(path, work.tags)
            track = work.spoken.track
            records.append(
                TrackRecord(
                    number=track.number,
                    kind=track.kind.value,
                    title=track.title,
                    file=work.file,
                    duration_s=round(len(samples) / rate, 3),
                    text=work.spoken.speech_text,
                    hash=work.hash,
                    file_sha256=_sha256_file(path),
                    loudness_lufs=round(levels.lufs, 2),
                    true_peak_dbtp=round(levels.true_peak_dbtp, 2),
                    transcript=f"{TRANSCRIPTS_DIR}/{track.stem}.txt",
                    clips=[
                        ClipRecord(key=key, text=clip.speech, start_s=round(span.start_s, 3), end_s=round(span.end_s, 3))
                        for key, clip, span in zip(work.keys, work.spoken.clips, spans)
                    ],
                )
            )
        if progress:
            progress(ProgressEvent("tracks", index, len(works), work.spoken.track.title))
    return records


def _write_companions(document: Document, records: list[TrackRecord], works: list[_TrackWork], staging: Path) -> None:
    """Playlist and transcripts, from the records (reused tracks included)."""
    (staging / PLAYLIST_NAME).write_text(
        render_m3u8(document.title, [(r.file, r.title, r.duration_s) for r in records]), encoding="utf-8"
    )
    transcripts = staging / TRANSCRIPTS_DIR
    transcripts.mkdir()
    for work in works:
        (transcripts / f"{work.spoken.track.stem}.txt").write_text(work.spoken.transcript, encoding="utf-8")
