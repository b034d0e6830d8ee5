"""manifest.json: the guide and, per track, what was built from what.

The manifest is the record incremental builds compare against: each track's
``hash`` covers every input of its audio and tags, so an unchanged hash means
the existing MP3 can be kept byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import MISSING, asdict, dataclass, field, fields
from pathlib import Path, PurePosixPath
from typing import Any, get_type_hints

logger = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = "audioguide-manifest"
MANIFEST_VERSION = 1


@dataclass(frozen=True)
class ClipRecord:
    """One sentence in a track: its cache key, what was said, what was written, where it is."""

    key: str
    text: str  # the speech text (what the engine said)
    written: str  # the sentence as written in the source
    role: str  # announcement, heading, lead, question, paragraph, item
    passage: int  # index of the paragraph-like passage in its track (sentences of one passage share it)
    start_s: float
    end_s: float
    pause_ms: int | None = None  # the pause after it, as assembled (None: built before it was recorded)
    voice: str | None = None  # the voice that said it ("hibari:heart"; see Manifest.voices)


@dataclass(frozen=True)
class TrackRecord:
    number: int
    kind: str
    title: str
    file: str
    duration_s: float
    text: str
    hash: str
    file_sha256: str
    loudness_lufs: float
    true_peak_dbtp: float
    transcript: str
    peak_margin_db: float
    clips: list[ClipRecord] = field(default_factory=list)
    tags: dict[str, Any] | None = None  # the ID3 fields written (model.tags.TrackTags)
    group: str | None = None  # the topic the track sits under (level-1 navigation point), if any
    loudness_offset_db: float = 0.0  # what the MP3 pass learned of mastering's loudness (usually none)


@dataclass(frozen=True)
class Manifest:
    title: str
    generator: str
    source: str | None
    language: str
    sample_rate: int
    engine: dict[str, Any]
    tracks: list[TrackRecord]
    dropped: list[dict[str, Any]]
    formats: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> {hash, files}
    info: dict[str, Any] | None = None  # model.guide.GuideInfo
    settings: dict[str, Any] | None = None  # model.settings.GuideSettings, as built
    opening: list[dict[str, Any]] | None = None  # the hold programme's opening clips: {key, text, voice}
    voices: dict[str, Any] | None = None  # voice label -> its engine identity (every voice of the guide)
    format: str = MANIFEST_FORMAT
    version: int = MANIFEST_VERSION

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n"


def heard_hash(record: TrackRecord) -> str:
    """What a listener hears in a track, apart from its "Track n of N" announcement: its clips
    (each key covers the text and the voice) and the pauses between them.

    Unlike the track's ``hash``, it leaves out the tags (their comment names the source file
    and the audioguide version): a renamed source or a new release is not new content, and
    a feed does not date its episodes again for it.
    """
    heard = [[clip.key, clip.pause_ms] for clip in record.clips if clip.role != "announcement"]
    return hashlib.sha256(json.dumps([record.title, heard]).encode("utf-8")).hexdigest()


def load_manifest(folder: Path) -> Manifest | None:
    """The manifest in ``folder``, or None when absent, unreadable, of another format, or of
    the wrong shape (a hand-edited ``[]``, ``null``, ``formats: []``, a track file
    ``/etc/passwd`` or ``../x``): such a folder is treated as having no previous build."""
    path = folder / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (
        not isinstance(data, dict)
        or data.get("format") != MANIFEST_FORMAT
        or data.get("version") != MANIFEST_VERSION
    ):
        return None
    problem = manifest_problem(data)
    if problem:
        logger.warning(
            "%s: ignoring the previous build's manifest (%s); rebuilding everything", path, problem
        )
        return None
    tracks = [
        TrackRecord(**{**t, "clips": [ClipRecord(**c) for c in t.get("clips", [])]}) for t in data["tracks"]
    ]
    return Manifest(**{**data, "tracks": tracks})


VERIFY_REPORT_NAME = "verify.html"  # written by ``audioguide verify`` into a guide folder
_SEAL_RE = re.compile(rb'<meta name="audioguide-verified-tracks" content="([0-9a-f]{64})">')


def tracks_seal(files: Iterable[tuple[str, str]]) -> str:
    """One digest of the tracks a verify report checked: (file name, SHA-256 of its bytes) each."""
    return hashlib.sha256(json.dumps(sorted(files)).encode("utf-8")).hexdigest()


def seal_tag(seal: str) -> str:
    """The ``<meta>`` a verify report carries, so a rebuild can tell whether its tracks changed."""
    return f'<meta name="audioguide-verified-tracks" content="{seal}">'


def report_seal(path: Path) -> str | None:
    """The seal of the verify report at ``path`` (read from its head), or None: not a report that
    audioguide wrote with one (a user's file of that name, or a report from an older audioguide)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        match = _SEAL_RE.search(os.read(fd, 8192))
    except OSError:
        return None
    finally:
        os.close(fd)
    return match.group(1).decode() if match else None


def require_manifest(folder: Path) -> Manifest:
    """The guide's manifest in ``folder``; else a one-line error saying what is wrong with it."""
    manifest = load_manifest(folder)
    if manifest is not None:
        return manifest
    from audioguide.errors import AudioguideError

    path = folder / MANIFEST_NAME
    if not path.exists():
        raise AudioguideError(f"{folder}: no audioguide manifest.json here (build the guide first)")
    again = "build the guide again to write a new one"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise AudioguideError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise AudioguideError(f"{path}: not UTF-8 text; {again}") from None
    except ValueError as exc:
        raise AudioguideError(f"{path}: not valid JSON ({exc}); {again}") from None
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        raise AudioguideError(f'{path}: not an audioguide manifest (no "format": "{MANIFEST_FORMAT}")')
    if data.get("version") != MANIFEST_VERSION:
        raise AudioguideError(
            f"{path}: manifest version {data.get('version')!r}, this audioguide reads {MANIFEST_VERSION}; "
            f"{again}"
        )
    raise AudioguideError(f"{path}: {manifest_problem(data) or 'unusable'} (edited by hand?); {again}")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


_CHECKS: dict[type, Any] = {
    str: lambda v: isinstance(v, str),
    int: lambda v: isinstance(v, int) and not isinstance(v, bool),
    float: _is_number,
}


def _fields_problem(record: Any, cls: type, where: str, skip: tuple[str, ...] = ()) -> str | None:
    """Whether a JSON object has exactly the fields of dataclass ``cls``, each of its type."""
    if not isinstance(record, dict):
        return f"{where} is not an object"
    hints = get_type_hints(cls)
    names = {f.name for f in fields(cls)}
    required = {f.name for f in fields(cls) if f.default is MISSING and f.default_factory is MISSING}
    unknown = sorted(set(record) - names)
    if unknown:
        return f"{where} has an unknown field '{unknown[0]}'"
    missing = sorted(required - set(record))
    if missing:
        return f"{where} has no '{missing[0]}'"
    for name, value in record.items():
        if name in skip:
            continue
        hint = hints[name]
        optional = hint == (str | None)
        check = _CHECKS.get(str if optional else hint)
        if check is not None and not (check(value) or (optional and value is None)):
            return f"{where}: '{name}' has the wrong type"
    return None


def safe_relative_path(value: Any, *, folders: bool = True) -> bool:
    """A path that stays inside the guide folder: relative, no '..', no empty part, no NUL;
    with ``folders=False`` a plain file name."""
    if not isinstance(value, str) or not value or "\0" in value or "\\" in value:
        return False
    pure = PurePosixPath(value)
    if pure.is_absolute() or any(part in ("..", ".") for part in value.split("/")) or "" in value.split("/"):
        return False
    return folders or len(pure.parts) == 1


def manifest_problem(data: Any) -> str | None:
    """What makes ``data`` (parsed manifest.json) unusable as a previous build, or None."""
    problem = _fields_problem(data, Manifest, "the manifest", skip=("tracks", "engine", "dropped", "formats"))
    if problem:
        return problem
    if not isinstance(data["engine"], dict) or not isinstance(data["dropped"], list):
        return "'engine' or 'dropped' has the wrong type"
    tracks = data["tracks"]
    if not isinstance(tracks, list):
        return "'tracks' is not a list"
    for index, track in enumerate(tracks, 1):
        problem = _fields_problem(track, TrackRecord, f"track {index}", skip=("clips",))
        if problem:
            return problem
        if not safe_relative_path(track["file"], folders=False) or not safe_relative_path(
            track["transcript"]
        ):
            return f"track {index}: a file name leads outside the guide folder"
        clips = track.get("clips", [])
        if not isinstance(clips, list):
            return f"track {index}: 'clips' is not a list"
        for clip in clips:
            problem = _fields_problem(clip, ClipRecord, f"track {index}: a clip")
            if problem:
                return problem
    formats = data.get("formats", {})
    if not isinstance(formats, dict):
        return "'formats' is not an object"
    for name, entry in formats.items():
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("hash"), str)
            or not isinstance(entry.get("files"), list)
        ):
            return f"format '{name}' is not an object with a hash and a list of files"
        if not all(safe_relative_path(f) for f in entry["files"]):
            return f"format '{name}': a file name leads outside the guide folder"
    return None


_KEY_RE = re.compile(rb'"key"\s*:\s*"([0-9a-f]{64})"')


def clip_keys_used_under(folder: Path) -> tuple[set[str], list[str]]:
    """Clip keys of every guide (manifest.json) in ``folder`` and its subfolders: each track's
    clips and the phone hold programme's opening; and a warning per manifest that does not load.

    A manifest that does not load but is valid JSON (hand-edited) still names its clips: they
    are kept, with a warning. One cut short or garbled is a one-line error (the clips it names
    may not be all its guide used, so nothing may be pruned); someone else's ``manifest.json``
    (another format, no clip keys, no playlist beside it) is not a guide.
    """
    from audioguide.errors import AudioguideError

    keys: set[str] = set()
    warnings: list[str] = []
    for path in sorted(folder.rglob(MANIFEST_NAME)):
        manifest = load_manifest(path.parent)
        if manifest is not None:
            keys.update(clip.key for track in manifest.tracks for clip in track.clips)
            keys.update(o["key"] for o in manifest.opening or [] if isinstance(o.get("key"), str))
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise AudioguideError(
                f"{path}: cannot read ({exc.strerror or exc}), so its guide's clips cannot be told apart; "
                "nothing was removed"
            ) from None
        named = {key.decode() for key in _KEY_RE.findall(data)}
        ours = bool(named) or MANIFEST_FORMAT.encode() in data or (path.parent / "playlist.m3u8").is_file()
        try:
            json.loads(data)
        except ValueError:  # cut short or garbled: the clips it names may not be all it used
            if ours:
                raise AudioguideError(
                    f"{path}: not valid JSON, so its guide's clips cannot be told apart; build that guide "
                    "again, or move it out of the folder (nothing was removed)"
                ) from None
            continue
        if ours:
            keys |= named
            warnings.append(
                f"{path}: does not load as a guide's manifest; keeping the {len(named)} clips it names"
            )
    return keys, warnings
