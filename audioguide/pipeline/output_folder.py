"""The output folder: replaced as a whole when a build succeeds, and nothing else of the user's touched.

A build writes into a hidden sibling, ``.NAME.building-PID-TOKEN`` (holding a
``.audioguide-build`` marker). Committing it, under a lock on the folder:

1. a journal ``.NAME.commit`` is written beside the folder (the staging
   folder is complete by then; the journal names it by its inode) and the
   marker removed;
2. every entry of the old folder that the previous build did not make (a
   guide script, notes, someone else's files) is moved into the staging
   folder, at the same place;
3. staging and output are exchanged in one step (Linux ``renameat2``
   ``RENAME_EXCHANGE``; elsewhere two renames), so a complete guide, old or
   new, is at the path at every moment;
4. the old guide (now at the staging name) is deleted, and the journal removed.

A build killed at any point leaves either its unfinished staging folder
(removed by the next build) or a journal, from which the next build finishes
the commit before anything else. Leftovers are recognised by exact name and
marker only: a user's ``.guide.old-backup/`` is never touched. A symlinked
output folder stays a symlink: its target is what is replaced.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import logging
import os
import re
import secrets
import shutil
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

from audioguide.errors import OutputError
from audioguide.files import write_atomic
from audioguide.model.manifest import MANIFEST_FORMAT, MANIFEST_NAME

logger = logging.getLogger(__name__)

MARKER = ".audioguide-build"
KILL_ENV = "AUDIOGUIDE_KILL_AT"  # fault injection in tests: SIGKILL this process at a named step


def checkpoint(name: str) -> None:
    """A named step of the build; tests set ``$AUDIOGUIDE_KILL_AT`` to kill the build right there."""
    if os.environ.get(KILL_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(a))


class OutputFolder:
    """One guide folder and the hidden files beside it that a build uses."""

    def __init__(self, outdir: Path) -> None:
        self.given = Path(outdir)
        # a symlinked folder: replace its target, keep the link
        self.path = (
            Path(os.path.realpath(outdir)) if Path(outdir).is_symlink() else Path(os.path.abspath(outdir))
        )
        self.parent = self.path.parent
        self.name = self.path.name
        self.journal = self.parent / f".{self.name}.commit"
        self._staging_re = re.compile(rf"^\.{re.escape(self.name)}\.building-\d+-[0-9a-f]{{8}}$")

    # ------------------------------------------------------------------ lock

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the folder for this build; a second build into it fails at once with one line.

        The lock is ``flock`` on ``.NAME.lock`` beside the folder, removed when
        the build ends; a lock file replaced between opening and locking it
        (another build just finished) is opened again.
        """
        import fcntl

        if self.path.exists() and not self.path.is_dir():
            raise OutputError(f"{self.given}: exists and is not a folder")
        lock_path = self.parent / f".{self.name}.lock"
        while True:
            try:
                self.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                raise OutputError(f"{self.given}: cannot write the output folder ({exc.strerror})") from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                raise OutputError(
                    f"another build is writing to {self.given}; wait for it to finish"
                ) from None
            try:
                same = os.stat(lock_path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                os.unlink(lock_path)
            os.close(fd)  # releases the lock

    def check(self, title: str, source: str | None, replace: bool = False) -> None:
        """Refuse a folder that is not ours, or that holds a different guide (unless ``replace``).

        A folder is ours when its manifest.json is an audioguide manifest; a
        non-empty folder without one could hold anything. A different guide
        is one with another title *and* another source (a retitled article
        or the guide script made from it is the same guide).
        """
        if not self.path.is_dir():
            return
        manifest = self.path / MANIFEST_NAME
        ours = _files_named_by(manifest)
        if not ours:
            if any(entry.name != MARKER for entry in self.path.iterdir()):
                raise OutputError(
                    f"{self.given}: folder is not empty and holds no audioguide manifest; "
                    "choose a new or empty folder"
                )
            return
        data = json.loads(manifest.read_text(encoding="utf-8"))
        old_title, old_source = data.get("title"), data.get("source")
        if not replace and old_title != title and old_source != source:
            raise OutputError(
                f"{self.given}: holds another guide ({old_title!r}, from {old_source}); "
                "choose another output folder, or use --replace to replace it"
            )

    # ------------------------------------------------------------------ recovery

    def recover(self) -> None:
        """Finish a commit a killed build left half done, then remove its unfinished staging folders."""
        if self.journal.is_file():
            try:
                state = json.loads(self.journal.read_text(encoding="utf-8"))
                Path(state["staging"]), int(state["inode"]), str(state["token"]), list(state["carried"])
            except (OSError, ValueError, KeyError, TypeError):
                logger.warning("%s: unreadable commit journal left as it is", self.journal)
                raise OutputError(
                    f"{self.journal}: a previous build left an unreadable commit journal; "
                    "check the folder beside it, then delete the journal"
                ) from None
            logger.info("finishing the commit of an interrupted build into %s", self.path)
            self._finish(state)
        for entry in self._leftovers():
            logger.info("removing %s, left by an interrupted build", entry)
            shutil.rmtree(entry, ignore_errors=True)

    def _leftovers(self) -> list[Path]:
        if not self.parent.is_dir():
            return []
        return [
            p
            for p in self.parent.iterdir()
            if self._staging_re.match(p.name) and p.is_dir() and not p.is_symlink() and (p / MARKER).is_file()
        ]

    # ------------------------------------------------------------------ staging

    def start(self) -> Path:
        """Create the hidden folder a build writes into."""
        token = secrets.token_hex(4)
        staging = self.parent / f".{self.name}.building-{os.getpid()}-{token}"
        try:
            self.parent.mkdir(parents=True, exist_ok=True)
            staging.mkdir()  # with the user's umask: the guide is an ordinary folder
            (staging / MARKER).write_text(token, encoding="utf-8")
        except OSError as exc:
            shutil.rmtree(staging, ignore_errors=True)
            raise OutputError(f"{self.given}: cannot write the output folder ({exc.strerror})") from None
        return staging

    @staticmethod
    def abandon(staging: Path) -> None:
        shutil.rmtree(staging, ignore_errors=True)

    def foreign(self) -> list[str]:
        """Paths (relative, files or whole folders) in the output folder the previous build did not make.

        What the previous build made is read from its manifest leniently (a
        hand-edited one that no longer loads still names its files), keeping
        only safe relative paths.
        """
        if not self.path.is_dir():
            return []
        ours = _files_named_by(self.path / MANIFEST_NAME)
        folders = {str(Path(p).parent) for p in ours if str(Path(p).parent) != "."}
        folders |= {str(parent) for p in folders for parent in Path(p).parents if str(parent) != "."}
        found: list[str] = []

        def walk(folder: Path, prefix: str) -> None:
            for entry in sorted(folder.iterdir()):
                rel = f"{prefix}{entry.name}"
                if rel in ours:
                    continue
                if rel in folders and entry.is_dir() and not entry.is_symlink():
                    walk(entry, rel + "/")
                else:
                    found.append(rel)

        walk(self.path, "")
        return found

    def check_carried(self, made: Path | set[str], carried: list[str]) -> None:
        """Refuse, before anything is moved, when the new build would overwrite someone else's file.

        ``made`` is the staging folder, or (before any work) the paths the plan will write.
        """
        for rel in carried:
            if (
                (rel in made)
                if isinstance(made, set)
                else ((made / rel).exists() or (made / rel).is_symlink())
            ):
                raise OutputError(
                    f"{self.given / rel}: not made by audioguide, and the new build writes a file there; "
                    "move it away or choose another output folder (nothing was changed)"
                )

    # ------------------------------------------------------------------ commit

    def commit(self, staging: Path, carried: list[str]) -> None:
        """Put the finished build in place (see the module docstring)."""
        token = (staging / MARKER).read_text(encoding="utf-8")
        state = {"staging": str(staging), "inode": staging.stat().st_ino, "token": token, "carried": carried}
        try:
            write_atomic(self.journal, json.dumps(state))
        except OSError as exc:
            raise OutputError(
                f"{self.given}: cannot commit the build ({exc.strerror}); nothing was changed"
            ) from None
        checkpoint("journal-written")
        try:
            self._finish(state)
        except OSError as exc:
            raise OutputError(
                f"{self.given}: the new build could not be moved into place ({exc.strerror}); "
                "the next build finishes it"
            ) from None

    def _finish(self, state: dict) -> None:
        """Roll a journalled commit forward from wherever it stopped; idempotent.

        The journal names the new build by its folder's inode, which the
        exchange does not change: whichever path holds that inode is the new
        build; the other, the old guide.
        """
        staging, new, token = Path(state["staging"]), int(state["inode"]), state["token"]
        aside = self.parent / f".{self.name}.old-{token}"

        def holds_new(path: Path) -> bool:
            try:
                return path.lstat().st_ino == new and path.is_dir()
            except OSError:
                return False

        if holds_new(staging):  # not yet in place: carry the user's files over, then swap
            (staging / MARKER).unlink(missing_ok=True)  # the guide never shows it
            for rel in state["carried"]:
                source, target = self.path / rel, staging / rel
                if (source.exists() or source.is_symlink()) and not (target.exists() or target.is_symlink()):
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(source, target)
                    checkpoint("carried-one")
            if not self.path.is_dir():
                os.replace(staging, self.path)
            elif not _exchange(staging, self.path):  # two renames where the file system cannot swap
                os.replace(self.path, aside)
                checkpoint("old-moved-aside")
                os.replace(staging, self.path)
            checkpoint("exchanged")
        (self.path / MARKER).unlink(missing_ok=True)
        checkpoint("marker-removed")
        for old in (staging, aside):
            if old.is_dir() and not old.is_symlink() and not holds_new(old):
                shutil.rmtree(old, ignore_errors=True)
        checkpoint("old-removed")
        self.journal.unlink(missing_ok=True)


def _files_named_by(manifest: Path) -> set[str]:
    """The files an audioguide manifest lists (tracks, transcripts, playlist, formats), if it is ours."""
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        return set()
    names: list[object] = []
    for track in data.get("tracks") or []:
        if isinstance(track, dict):
            names += [track.get("file"), track.get("transcript")]
    formats = data.get("formats")
    for entry in formats.values() if isinstance(formats, dict) else []:
        if isinstance(entry, dict) and isinstance(entry.get("files"), list):
            names += entry["files"]
    names += [MANIFEST_NAME, "playlist.m3u8"]
    safe = set()
    for name in names:
        if isinstance(name, str) and name and not Path(name).is_absolute() and ".." not in Path(name).parts:
            safe.add(str(Path(name)))
    return safe


def link_or_copy(source: Path, target: Path) -> None:
    """Hard-link an unchanged file into the new build (copy across file systems)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
