"""Reading a file the user named (regular files only, never more than a limit), and
writing one whole or not at all.

A device (``/dev/zero``, ``/dev/urandom``) would be read until memory runs
out, and a FIFO blocks forever; both are refused before a byte is read. The
file is opened without blocking and checked on the open descriptor, so it
cannot be swapped for something else between the check and the read.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from audioguide.errors import AudioguideError

logger = logging.getLogger(__name__)


def read_regular_file(
    path: Path, *, limit: int, error: type[AudioguideError] = AudioguideError, prefix: str = ""
) -> bytes:
    """The bytes of ``path``, a regular file of at most ``limit`` bytes; else a one-line ``error``:
    "PATH: PREFIXproblem" (``prefix`` e.g. "cannot read lexicon file: ")."""
    name = f"{path}: {prefix}"
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise error(f"{name}no such file") from None
    except IsADirectoryError:
        raise error(f"{name}is a folder") from None
    except OSError as exc:
        raise error(f"{name}{exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise error(f"{name}is a folder")
        if not stat.S_ISREG(info.st_mode):
            raise error(f"{name}not a regular file ({_kind(info.st_mode)}); give a saved file")
        if info.st_size > limit:
            raise error(f"{name}file too large ({info.st_size} bytes; limit {limit})")
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:  # it grew while being read
                raise error(f"{name}file too large (over {limit} bytes)")
        return b"".join(chunks)
    except OSError as exc:
        raise error(f"{name}{exc.strerror or exc}") from None
    finally:
        os.close(fd)


def _kind(mode: int) -> str:
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a plain file"


def name_max(folder: Path) -> int:
    """The longest file name (bytes) the file system of ``folder`` (or its nearest existing
    parent) allows; 255 when it cannot tell."""
    probe = Path(folder).absolute()
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        return int(os.pathconf(probe, "PC_NAME_MAX"))
    except (OSError, ValueError):
        return 255


def check_file_names(
    names: list[str], folder: Path, *, spare: int = 8, error: type[AudioguideError] = AudioguideError
) -> None:
    """Fail (one line) if any of ``names`` is too long for ``folder``'s file system, keeping
    ``spare`` bytes for the temporary names used while writing; before any work is done."""
    limit = name_max(folder) - spare
    for name in names:
        size = len(name.encode("utf-8", errors="surrogateescape"))
        if size > limit:
            raise error(
                f"{folder}: the file name '{name}' is {size} bytes, more than the {limit} this "
                "file system allows; shorten the chapter title"
            )


def normal_mode() -> int:
    """The permissions any new file would get (0666 less the umask); mkstemp's files get 0600."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


class NotAFileError(OSError):
    """The path to write is a device, a pipe, a socket or a folder: only a regular file is replaced."""


def writable_target(path: Path) -> tuple[Path, int | None]:
    """Where writing ``path`` lands, and the permissions of the file it replaces (None: a new file).

    Only a regular file, or a path where nothing is yet, may be written: a
    device (``/dev/null``, written as root), a FIFO or a socket replaced by a
    file is lost to whatever used it. A symlink is followed, never replaced:
    the file it points to is written, the link stays. Raises
    :class:`NotAFileError` (an OSError: callers say "PATH: cannot write (...)").
    """
    path = Path(path)
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        return target, None
    if stat.S_ISLNK(info.st_mode):  # a loop of links
        raise NotAFileError(errno.ELOOP, "a loop of symbolic links", str(path))
    if stat.S_ISDIR(info.st_mode):
        raise NotAFileError(errno.EISDIR, "is a folder", str(path))
    if not stat.S_ISREG(info.st_mode):
        raise NotAFileError(
            errno.EEXIST, f"{_kind(info.st_mode)}, not a regular file; only a file is replaced", str(path)
        )
    return target, stat.S_IMODE(info.st_mode)


@contextmanager
def atomic_path(path: Path, *, mode: int | None = None, suffix: str = "") -> Iterator[Path]:
    """A temporary path beside ``path`` to write; renamed over ``path`` when the block ends
    without an error, removed whatever happens.

    ``path`` must be a regular file or not exist (:func:`writable_target`; a
    symlink's target is what is written). ``mode``: the file's permissions
    (default: those of the file it replaces, else what any new file gets under
    the umask). Raises OSError; callers say which file it was.
    """
    path = Path(path)
    target, existing = writable_target(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, mode if mode is not None else existing if existing is not None else normal_mode())
        writable_target(path)  # still a file (or nothing): it may have been swapped meanwhile
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@contextmanager
def atomic_folder(target: Path, *, prefix: str = ".tmp-") -> Iterator[Path]:
    """A temporary folder beside ``target`` to fill; renamed to ``target`` when the block ends
    without an error, removed whatever happens. Raises OSError, also when ``target`` exists
    meanwhile (another process made it first)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=prefix, dir=target.parent))
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


CHECKSUM_BYTES = 32  # the SHA-256 before a checked file's payload


def write_checked(path: Path, payload: bytes) -> None:
    """``payload`` behind its SHA-256, written whole or not at all (:func:`atomic_path`), its
    folder made if need be: for files a process keeps for the next one (prepared tables).
    Raises OSError."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path, suffix=path.suffix) as tmp:
        tmp.write_bytes(hashlib.sha256(payload).digest() + payload)


def read_checked(path: Path) -> bytes | None:
    """The payload :func:`write_checked` wrote to ``path``; None when there is no such file, and
    (logged) when its bytes are not the ones written."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    payload = data[CHECKSUM_BYTES:]
    if len(data) <= CHECKSUM_BYTES or hashlib.sha256(payload).digest() != data[:CHECKSUM_BYTES]:
        logger.info("%s: damaged; making it again", path)
        return None
    return payload


def write_atomic(path: Path, data: str | bytes, *, mode: int | None = None) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` whole or not at all (:func:`atomic_path`):
    a reader never sees half a file, and a failed write (a full disk) leaves the old file
    and no temporary one.
    """
    with atomic_path(path, mode=mode) as tmp:
        tmp.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
