"""What a build will do, decided before any of it is done: a value, not a process.

:func:`plan_build` is pure: the document, the settings, what the previous
build left (:class:`PreviousBuild`, read by :func:`load_previous`) and a few
facts about the voice and the cover (:class:`Environment`) go in; a
:class:`BuildPlan` comes out saying which tracks are kept and which are
rendered (with every clip they need), which formats are exported or carried
over, and which files of the previous build go. ``--dry-run`` prints it;
:mod:`audioguide.pipeline.execute` carries it out.

Reuse is decided by hashes: a track's hash covers every input of its bytes
(clips, pauses, mastering, encoding, tags, file name), a format's hash every
track's hash and the settings and metadata it writes. A previous file is
reused only when it is still there with the bytes its manifest recorded.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path

from audioguide import __version__
from audioguide.audio.jobs import TrackJob
from audioguide.exporters.registry import (
    DEFAULT_FORMATS,
    FORMAT_REVISION,
    FORMATS_VERSION,
    LINKING_FORMATS,
    OUTPUTS,
    URL_FORMATS,
)
from audioguide.hashing import sha256_file
from audioguide.model.document import Document
from audioguide.model.guide import GuideInfo
from audioguide.model.manifest import MANIFEST_NAME, Manifest, TrackRecord, load_manifest
from audioguide.model.plan import TrackPlan, plan_tracks
from audioguide.model.settings import GuideSettings
from audioguide.model.tags import TrackTags
from audioguide.speech import Memo, normalize, split_sentences
from audioguide.speech.clips import SpokenTrack, plan_warnings, speak_plan
from audioguide.speech.lexicon import build_lexicon
from audioguide.synth.cache import clip_key

logger = logging.getLogger(__name__)

BUILD_FORMAT = 5  # bump when assembly/mastering/encoding change the bytes
RESAMPLE_FORMAT = 2  # bump when audio/resample.py changes the bytes (tracks of several voices)
PLAYLIST_NAME = "playlist.m3u8"
TRANSCRIPTS_DIR = "transcripts"


@dataclass(frozen=True)
class ClipJob:
    """One clip to synthesize: its cache key, its speech text and the voice (label) that says it."""

    key: str
    text: str
    voice: str = ""  # a label of Environment.voices; "" for the guide's voice


@dataclass(frozen=True)
class Environment:
    """What a plan depends on besides the document and settings: the voices, the cover's bytes."""

    engine: dict  # the guide voice's identity: part of its clips' keys
    rate: int  # the guide's sample rate: its voice's (clips of other voices are resampled to it)
    cover_sha256: str | None = None  # the M4B cover image's content ("missing" if it cannot be read)
    voice: str = ""  # the guide voice's label ("hibari:heart")
    roles: dict[str, str] = field(default_factory=dict)  # role with a voice of its own -> label
    voices: dict[str, dict] = field(default_factory=dict)  # label -> that voice's engine identity

    def label(self, roles: tuple[str, ...] = ()) -> str:
        """The voice of the first of ``roles`` that has one, else the guide's (GuideSettings.voice_for)."""
        return next((self.roles[r] for r in roles if r in self.roles), self.voice)

    def identity(self, label: str) -> dict:
        return self.voices.get(label, self.engine) if label else self.engine


@dataclass(frozen=True)
class PreviousBuild:
    """What the last build left in the output folder, and which of its files are intact."""

    manifest: Manifest
    intact: frozenset[str]  # files (relative) whose bytes match the manifest


@dataclass(frozen=True)
class TrackWork:
    """One track of the new build: its clips and how to render it, or the record it keeps."""

    spoken: SpokenTrack
    job: TrackJob
    hash: str
    reuse: TrackRecord | None  # the previous build's record when its MP3 is kept as it is

    @property
    def file(self) -> str:
        return self.job.file


@dataclass(frozen=True)
class FormatWork:
    """One asked-for format: its input hash, and the previous files when they are carried over."""

    name: str
    hash: str
    reuse: dict | None  # the previous manifest's {"hash", "files"} entry
    state: dict | None = None  # what the format's last export kept (ExportResult.state), reused or not


@dataclass(frozen=True)
class BuildPlan:
    """Everything a build will do, in order; see the module docstring."""

    outdir: Path
    info: GuideInfo
    settings: GuideSettings
    environment: Environment
    tracks: tuple[TrackWork, ...]
    formats: tuple[FormatWork, ...]
    opening: tuple[ClipJob, ...]  # the hold programme's opening line, when phone is asked for
    removed: tuple[str, ...]  # previous track files the new build no longer has
    formats_removed: tuple[str, ...]  # formats the previous build made that this one does not
    warnings: tuple[str, ...]
    dropped: tuple[dict, ...]  # what the source lost as furniture (for the manifest)
    plan: TrackPlan = field(repr=False, compare=False)

    @property
    def to_render(self) -> list[TrackWork]:
        return [work for work in self.tracks if work.reuse is None]

    @property
    def to_export(self) -> list[FormatWork]:
        return [work for work in self.formats if work.reuse is None]

    def exports(self, name: str) -> bool:
        """Whether format ``name`` is exported (asked for, and not carried over)."""
        return any(work.name == name for work in self.to_export)

    def clips(self) -> list[ClipJob]:
        """Every distinct clip the rendered tracks and the opening line need, in track order."""
        needed: dict[str, ClipJob] = {}
        for work in self.to_render:
            voices = work.job.voices or ("",) * len(work.job.keys)
            for key, text, voice in zip(work.job.keys, work.job.texts, voices):
                needed.setdefault(key, ClipJob(key, text, voice))
        if self.exports("phone"):
            for clip in self.opening:
                needed.setdefault(clip.key, clip)
        return list(needed.values())

    def outputs(self) -> set[str]:
        """What the build writes in the guide folder (relative paths; a format's folders as a whole)."""
        paths = {MANIFEST_NAME, PLAYLIST_NAME}
        for work in self.tracks:
            paths |= {work.file, f"{TRANSCRIPTS_DIR}/{work.spoken.track.stem}.txt"}
        for work in self.formats:
            paths |= set(OUTPUTS.get(work.name, ()))
        return paths

    def to_dict(self) -> dict:
        """The plan as ``--dry-run --json`` prints it."""
        return {
            "outdir": str(self.outdir),
            "tracks": [
                {"file": w.file, "action": "keep" if w.reuse else "render", "clips": len(w.job.keys)}
                for w in self.tracks
            ],
            "formats": [{"name": f.name, "action": "keep" if f.reuse else "export"} for f in self.formats],
            "removed": list(self.removed),
            "formats_removed": list(self.formats_removed),
            "opening_clips": len(self.opening) if self.exports("phone") else 0,
        }


def guide_info(document: Document) -> GuideInfo:
    """The metadata every format states, from the document."""
    return GuideInfo(
        title=document.title,
        language=document.language,
        author=document.author,
        publisher=document.publisher,
        faq_title=document.faq_title,
        source_name=Path(document.source).name if document.source else None,
    )


def track_tags(info: GuideInfo, spoken: SpokenTrack) -> TrackTags:
    """A track's ID3 fields."""
    return TrackTags(
        title=spoken.track.title,
        album=info.title,
        artist=info.author or info.publisher or "audioguide",
        publisher=info.publisher,
        track=spoken.track.number,
        total=spoken.track.total,
        language=info.language,
        comment=f"Narrated from {info.source_name or 'unknown source'} by audioguide {__version__}",
        kind=spoken.track.kind.value,
    )


def track_hash(
    spoken: SpokenTrack,
    keys: list[str],
    tags: TrackTags,
    settings: GuideSettings,
    rate: int,
    voices: tuple[str, ...] = (),
) -> str:
    """Covers every input of the track's bytes: clips, pauses, mastering, encoding, tags, name, and
    with more than one voice, which clip is whose (their levels are matched)."""
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
    if len(set(voices)) > 1:
        blob["voices"] = list(voices)
        blob["resample"] = RESAMPLE_FORMAT  # a voice at another rate is resampled into the track
    return hashlib.sha256(json.dumps(blob, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def format_hash(
    name: str,
    track_hashes: list[str],
    settings: GuideSettings,
    info: GuideInfo,
    cover_sha256: str | None,
    formats: tuple[str, ...] = (),
) -> str:
    """Inputs of a format's files: every track's hash, the settings, the metadata, the exporter version.

    The published URL is an input only of the formats that write it (and
    the web player, which links the feed), and the list of formats only of
    those that link other formats' files: publishing a guide somewhere new
    does not make its audio again.
    """
    stated = asdict(settings)
    if name not in URL_FORMATS | LINKING_FORMATS:
        stated.pop("base_url")
    blob = {
        "format": name,
        "version": FORMATS_VERSION,
        "tracks": track_hashes,
        "settings": stated,
        "document": [
            info.title,
            info.author,
            info.publisher,
            info.language,
            info.faq_title,
            info.source_name,
        ],
        "cover": cover_sha256,
    }
    if name in LINKING_FORMATS:
        blob["formats"] = list(formats)
    if name in FORMAT_REVISION:
        blob["revision"] = FORMAT_REVISION[name]
    return hashlib.sha256(json.dumps(blob, sort_keys=True, default=str).encode()).hexdigest()


def cover_digest(settings: GuideSettings) -> str | None:
    """A cover image is an input by content, not by name."""
    if not settings.cover_image:
        return None
    try:
        return sha256_file(Path(settings.cover_image).expanduser())
    except OSError:
        return "missing"  # the exporter reports it


def load_previous(outdir: Path) -> PreviousBuild | None:
    """The previous build in ``outdir`` (None when there is none we can read), its intact files checked."""
    manifest = load_manifest(outdir)
    if manifest is None:
        return None
    intact = set()
    for record in manifest.tracks:
        path = outdir / record.file
        if path.is_file() and sha256_file(path) == record.file_sha256:
            intact.add(record.file)
    for entry in manifest.formats.values():
        files, digests = entry.get("files", []), entry.get("sha256")
        if digests is None:  # recorded before file hashes were
            ok = all((outdir / f).is_file() for f in files)
        else:
            ok = all((outdir / f).is_file() and sha256_file(outdir / f) == digests.get(f) for f in files)
        if ok:
            intact.update(files)
    return PreviousBuild(manifest, frozenset(intact))


def opening_clips(
    settings: GuideSettings, environment: Environment, memo: Memo | None = None
) -> tuple[ClipJob, ...]:
    """The hold programme's opening line as clips, sentence by sentence, said like the guide
    (in the announcements' voice)."""
    text = settings.hold.opening
    if not text or not text.strip():
        return ()
    lexicon = build_lexicon(settings)
    voice = environment.label(("announcement",))
    clips = []
    for sentence in split_sentences(text, memo):
        speech = normalize(sentence, lexicon)
        if speech.strip():
            clips.append(ClipJob(clip_key(speech, environment.identity(voice)), speech, voice))
    return tuple(clips)


def plan_build(
    document: Document,
    settings: GuideSettings,
    previous: PreviousBuild | None,
    *,
    environment: Environment,
    outdir: Path,
    formats: tuple[str, ...] = DEFAULT_FORMATS,
    force: bool = False,
    memo: Memo | None = None,
) -> BuildPlan:
    """Decide what the build makes, keeps and removes; see the module docstring.

    ``force`` keeps nothing (tracks, formats), but still reports removed files.
    ``memo``: pysbd's splits of paragraphs seen before (pipeline.segments), added to.
    """
    info = guide_info(document)
    plan = plan_tracks(document, settings)
    spoken_tracks = speak_plan(plan, settings.pauses, build_lexicon(settings), memo)
    rate = environment.rate
    reusable = {r.hash: r for r in previous.manifest.tracks} if previous is not None and not force else {}

    works: list[TrackWork] = []
    for spoken in spoken_tracks:
        voices = tuple(environment.label(clip.voice_roles) for clip in spoken.clips)
        keys = [
            clip_key(clip.speech, environment.identity(voice)) for clip, voice in zip(spoken.clips, voices)
        ]
        tags = track_tags(info, spoken)
        digest = track_hash(spoken, keys, tags, settings, rate, voices)
        job = TrackJob(
            file=f"{spoken.track.stem}.mp3",
            keys=tuple(keys),
            texts=tuple(clip.speech for clip in spoken.clips),
            pauses_ms=tuple(clip.pause_after_ms for clip in spoken.clips),
            tags=tags,
            settings=settings,
            rate=rate,
            voices=voices,
        )
        old = reusable.get(digest)
        keep = old is not None and old.file == job.file and old.file in previous.intact
        works.append(TrackWork(spoken, job, digest, old if keep else None))

    hashes = [work.hash for work in works]
    format_works = []
    for name in (name for name in formats if name != "tracks"):
        digest = format_hash(name, hashes, settings, info, environment.cover_sha256, formats)
        old = previous.manifest.formats.get(name) if previous is not None and not force else None
        keep = bool(old) and old.get("hash") == digest and all(f in previous.intact for f in old["files"])
        last = previous.manifest.formats.get(name) if previous is not None else None
        state = last.get("state") if isinstance(last, dict) and isinstance(last.get("state"), dict) else None
        format_works.append(FormatWork(name, digest, old if keep else None, state))

    removed: tuple[str, ...] = ()
    formats_removed: tuple[str, ...] = ()
    if previous is not None:
        new_files = {work.file for work in works}
        removed = tuple(r.file for r in previous.manifest.tracks if r.file not in new_files)
        formats_removed = tuple(name for name in previous.manifest.formats if name not in formats)
    return BuildPlan(
        outdir=outdir,
        info=info,
        settings=settings,
        environment=environment,
        tracks=tuple(works),
        formats=tuple(format_works),
        opening=opening_clips(settings, environment, memo) if "phone" in formats else (),
        removed=removed,
        formats_removed=formats_removed,
        warnings=tuple(f"track {number}: {w.message}" for number, w in plan_warnings(plan)),
        dropped=tuple(asdict(d) for d in document.dropped),
        plan=plan,
    )
