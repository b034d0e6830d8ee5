"""Content-addressed cache of synthesized clips.

A clip's key is the SHA-256 of everything that changes its sound: the speech
text, the engine's identity (engine, voice or voice-file hash, settings) and
the cache format version. Entries are written to a temporary file and renamed
into place, and verified on read (magic, length, checksum): a corrupt or
truncated entry is deleted and reported as missing, never played.

Entry layout: ``AGC1`` | rate (u32) | samples (u64) | sha256(payload) | int16 LE payload.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import struct
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from audioguide.audio.pcm import from_int16, int16_bytes
from audioguide.synth.engines.base import Audio
from audioguide.errors import AudioguideError

logger = logging.getLogger(__name__)

CACHE_FORMAT_VERSION = 1
ENV_VAR = "AUDIOGUIDE_CACHE_DIR"
_MAGIC = b"AGC1"
_HEADER = struct.Struct("<4sIQ32s")
SUFFIX = ".clip"
MODELS_DIR = "_models"


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


def encode_entry(audio: Audio) -> bytes:
    pcm = int16_bytes(audio.samples)
    return _HEADER.pack(_MAGIC, audio.sample_rate, len(pcm) // 2, hashlib.sha256(pcm).digest()) + pcm


def decode_entry(data: bytes) -> Audio | None:
    """The clip in ``data``, or None if it is not a complete, intact entry."""
    if len(data) < _HEADER.size:
        return None
    magic, rate, count, digest = _HEADER.unpack_from(data)
    payload = data[_HEADER.size :]
    if magic != _MAGIC or len(payload) != count * 2 or hashlib.sha256(payload).digest() != digest:
        return None
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
        """Where engines keep prepared models (not clips; ``prune`` leaves it alone)."""
        return self.root / MODELS_DIR

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key[2:]}{SUFFIX}"

    def has(self, key: str) -> bool:
        """Whether an entry exists (not verified); marks it as used now, for ``prune``."""
        path = self.path(key)
        try:
            os.utime(path)
        except OSError:
            return False
        return True

    def entries(self) -> Iterator[tuple[str, Path]]:
        """Every (key, path) in the cache."""
        if not self.root.is_dir():
            return
        for folder in sorted(self.root.iterdir()):
            if len(folder.name) != 2 or not folder.is_dir():
                continue
            for path in sorted(folder.glob(f"*{SUFFIX}")):
                if not path.name.startswith(".tmp-"):
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

    def prune(self, *, keep: set[str] | None = None, older_than_s: float | None = None) -> CacheStats:
        """Delete entries not in ``keep`` (when given) or unused for ``older_than_s`` seconds.

        With both, an entry goes when it is not kept *or* too old. Returns what was removed.
        """
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
                path.unlink(missing_ok=True)
                count += 1
                size += stat.st_size
        for folder in self.root.iterdir() if self.root.is_dir() else []:
            if len(folder.name) == 2 and folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
        return CacheStats(root=self.root, entries=count, bytes=size)

    def get(self, key: str) -> Audio | None:
        """The cached clip, or None when absent or corrupt (a corrupt entry is removed)."""
        path = self.path(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            logger.warning("cannot read cache entry %s: %s", path, exc)
            return None
        audio = decode_entry(data)
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
        entry = encode_entry(audio)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=SUFFIX, dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(entry)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise AudioguideError(f"{self.root}: cannot write the clip cache ({exc.strerror})") from None
        stored = decode_entry(entry)
        assert stored is not None
        return stored
