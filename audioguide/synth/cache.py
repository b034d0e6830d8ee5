"""Content-addressed cache of synthesized clips.

A clip's key is the SHA-256 of everything that changes its sound: the speech
text, the engine's identity (engine, voice or voice-file hash, settings) and
the cache format version. Entries are written to a temporary file and renamed
into place, and verified on read (magic, length, checksum): a corrupt or
truncated entry is deleted and reported as missing, never played.

Entry layout: ``AGC2`` | rate (u32) | samples (u64) | key (64 ASCII hex digits) |
sha256(rate, samples, key, payload) | int16 LE payload. An entry names its own key and
the checksum covers the whole header, so an entry copied or renamed to another key,
or a flipped bit in its sample rate, is rejected like a damaged payload.

The cache folder holds a ``CACHEDIR.TAG`` (the Cache Directory Tagging convention,
with a line naming audioguide): ``prune`` works only in a folder that has it, and
removes only entry files (``xx/<62 hex digits>.clip``), never symlinks or anything else.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import stat as stat_mode
import struct
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from audioguide.errors import AudioguideError
from audioguide.files import atomic_path, write_atomic
from audioguide.synth.engines.base import Audio

logger = logging.getLogger(__name__)

CACHE_FORMAT_VERSION = 2  # 2: entries record their key; the checksum covers the header
ENV_VAR = "AUDIOGUIDE_CACHE_DIR"
_MAGIC = b"AGC2"
_HEADER = struct.Struct("<4sIQ64s32s")
SUFFIX = ".clip"
MODELS_DIR = "_models"
MODELS_ENV_VAR = "AUDIOGUIDE_MODELS_DIR"
DOCUMENTS_DIR = "_documents"  # documents read from PDF, Word, ODT and EPUB files (sources.memo)
MARKER = "CACHEDIR.TAG"
MARKER_TEXT = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by audioguide (its clip cache).\n"
    "# For information about cache directory tags, see https://bford.info/cachedir/\n"
)
_SPARE_BYTES = 1 << 20  # kept free beyond a build's estimate
_KEY_RE = re.compile(r"^[0-9a-f]{64}$")
_FOLDER_RE = re.compile(r"^[0-9a-f]{2}$")
_ENTRY_RE = re.compile(r"^[0-9a-f]{62}" + re.escape(SUFFIX) + "$")


def default_cache_dir() -> Path:
    """$AUDIOGUIDE_CACHE_DIR, else the platform's user cache folder."""
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("audioguide")) / "clips"


def clip_key(speech_text: str, engine_identity: dict[str, object]) -> str:
    """The cache key of one clip."""
    blob = json.dumps(
        {"format": CACHE_FORMAT_VERSION, "engine": engine_identity, "text": speech_text},
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _digest(rate: int, count: int, key: bytes, pcm: bytes) -> bytes:
    digest = hashlib.sha256(struct.pack("<IQ", rate, count))
    digest.update(key)
    digest.update(pcm)
    return digest.digest()


def _key_bytes(key: str) -> bytes:
    if not _KEY_RE.match(key):
        raise ValueError(f"not a clip key: {key!r}")
    return key.encode("ascii")


def encode_entry(audio: Audio, key: str) -> bytes:
    """The cache entry for ``audio`` stored under ``key``."""
    from audioguide.audio.pcm import int16_bytes

    pcm = int16_bytes(audio.samples)
    count, kb = len(pcm) // 2, _key_bytes(key)
    return (
        _HEADER.pack(_MAGIC, audio.sample_rate, count, kb, _digest(audio.sample_rate, count, kb, pcm)) + pcm
    )


def decode_entry(data: bytes, key: str) -> Audio | None:
    """The clip in ``data``, or None unless it is a complete, intact entry made for ``key``."""
    if len(data) < _HEADER.size:
        return None
    magic, rate, count, stored_key, digest = _HEADER.unpack_from(data)
    payload = data[_HEADER.size :]
    if magic != _MAGIC or stored_key != _key_bytes(key) or len(payload) != count * 2 or rate <= 0:
        return None
    if _digest(rate, count, stored_key, payload) != digest:
        return None
    from audioguide.audio.pcm import from_int16

    samples = from_int16(payload)
    return Audio(samples=samples, sample_rate=rate)


@dataclass(frozen=True)
class CacheStats:
    root: Path
    entries: int
    bytes: int


@dataclass
class ClipCache:
    """Clips on disk under ``root``, two-level fan-out by key."""

    root: Path

    @property
    def models_dir(self) -> Path:
        """Where engines keep prepared models and pronunciation tables (not clips; ``prune``
        leaves it alone): ``$AUDIOGUIDE_MODELS_DIR``, else ``_models`` in the cache.

        They depend only on the installed voices and libraries, so several clip caches
        (per-project ``--cache-dir``s, a cluster's worker caches) can share one copy.
        """
        override = os.environ.get(MODELS_ENV_VAR)
        if override:
            return Path(override).expanduser()
        return self.root / MODELS_DIR

    @property
    def documents_dir(self) -> Path:
        """Where the documents read from PDF, Word, ODT and EPUB files are kept (sources.memo)."""
        return self.root / DOCUMENTS_DIR

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key[2:]}{SUFFIX}"

    @property
    def marker(self) -> Path:
        return self.root / MARKER

    def is_marked(self) -> bool:
        """Whether ``root`` is an audioguide clip cache (holds our ``CACHEDIR.TAG``)."""
        try:
            return "audioguide" in self.marker.read_text(encoding="utf-8", errors="replace")[:1000]
        except OSError:
            return False

    def ensure_marker(self) -> None:
        """Create the cache folder and its marker (raises OSError if it cannot be written)."""
        self.root.mkdir(parents=True, exist_ok=True)
        if not self.is_marked():
            write_atomic(self.marker, MARKER_TEXT)

    def write_problem(self, need_bytes: int = 0) -> str | None:
        """Why clips cannot be saved here (cannot create or write the folder, not enough free
        space for about ``need_bytes``), or None. Names the folder, never the voice."""
        try:
            self.ensure_marker()
            fd, probe = tempfile.mkstemp(prefix=".tmp-probe-", dir=self.root)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(b"\0" * 65536)
                    handle.flush()
                    os.fsync(handle.fileno())
            finally:
                Path(probe).unlink(missing_ok=True)
            free = shutil.disk_usage(self.root).free
        except OSError as exc:
            return f"{self.root}: cannot write the clip cache ({exc.strerror or exc})"
        if free < need_bytes + _SPARE_BYTES:
            return (
                f"{self.root}: not enough space for the clip cache ({free / 1e6:.1f} MB free, "
                f"this build needs about {need_bytes / 1e6:.1f} MB)"
            )
        return None

    def has(self, key: str) -> bool:
        """Whether an entry exists (not verified); marks it as used now, for ``prune``.

        A symlink is not an entry: it is removed, and its target is never touched.
        """
        path = self.path(key)
        try:
            if stat_mode.S_ISLNK(os.lstat(path).st_mode):
                path.unlink()
                return False
            os.utime(path, follow_symlinks=False)
        except (OSError, NotImplementedError):
            return False
        return True

    def entries(self) -> Iterator[tuple[str, Path]]:
        """Every (key, path) in the cache: regular files named like entries, in folders named
        like fan-out folders (not symlinks to elsewhere)."""
        if not self.root.is_dir():
            return
        for folder in sorted(self.root.iterdir()):
            if not _FOLDER_RE.match(folder.name) or folder.is_symlink() or not folder.is_dir():
                continue
            for path in sorted(folder.iterdir()):
                if _ENTRY_RE.match(path.name) and not path.is_symlink() and path.is_file():
                    yield folder.name + path.name[: -len(SUFFIX)], path

    def stats(self) -> CacheStats:
        count = size = 0
        for _, path in self.entries():
            try:
                size += path.stat().st_size
                count += 1
            except OSError:
                continue
        return CacheStats(root=self.root, entries=count, bytes=size)

    def prune(
        self, *, keep: set[str] | None = None, older_than_s: float | None = None, dry_run: bool = False
    ) -> CacheStats:
        """Delete entries not in ``keep`` (when given) or unused for ``older_than_s`` seconds.

        With both, an entry goes when it is not kept *or* too old. Returns what was removed
        (with ``dry_run``, what would be, and nothing is deleted). Only a folder with our
        marker is pruned, and only entry files in it.
        """
        if not self.is_marked():
            raise AudioguideError(
                f"{self.root}: not an audioguide clip cache (no {MARKER} made by audioguide); nothing removed"
            )
        now = time.time()
        count = size = 0
        for key, path in self.entries():
            try:
                stat = path.stat()
            except OSError:
                continue
            unused = keep is not None and key not in keep
            stale = older_than_s is not None and now - stat.st_mtime > older_than_s
            if unused or stale:
                if not dry_run:
                    path.unlink(missing_ok=True)
                count += 1
                size += stat.st_size
        if dry_run:
            return CacheStats(root=self.root, entries=count, bytes=size)
        for folder in self.root.iterdir() if self.root.is_dir() else []:
            if (
                _FOLDER_RE.match(folder.name)
                and not folder.is_symlink()
                and folder.is_dir()
                and not any(folder.iterdir())
            ):
                folder.rmdir()
        return CacheStats(root=self.root, entries=count, bytes=size)

    def get(self, key: str) -> Audio | None:
        """The cached clip, or None when absent or corrupt (a corrupt entry is removed)."""
        path = self.path(key)
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(fd, "rb") as handle:
                if not stat_mode.S_ISREG(os.fstat(handle.fileno()).st_mode):
                    raise OSError("not a regular file")
                data = handle.read()
        except FileNotFoundError:
            return None
        except OSError as exc:
            logger.warning("cannot read cache entry %s: %s", path, exc)
            if path.is_symlink():
                path.unlink(missing_ok=True)
            return None
        audio = decode_entry(data, key)
        if audio is None:
            logger.warning("discarding corrupt cache entry %s", path)
            path.unlink(missing_ok=True)
        return audio

    def put(self, key: str, audio: Audio) -> Audio:
        """Store a clip atomically (temporary file, then rename); returns it as stored.

        The stored clip is 16-bit: use the returned one, not ``audio``, so that a
        track never depends on whether its clip came from the cache.
        """
        path = self.path(key)
        entry = encode_entry(audio, key)
        try:
            if not self.marker.exists():
                self.ensure_marker()
            path.parent.mkdir(parents=True, exist_ok=True)
            with atomic_path(path, suffix=SUFFIX) as tmp:
                tmp.write_bytes(entry)
        except OSError as exc:
            raise AudioguideError(f"{path}: cannot write the clip cache ({exc.strerror or exc})") from None
        stored = decode_entry(entry, key)
        assert stored is not None
        return stored
