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

An output folder that is a mount point (a Docker or NFS volume) cannot be
renamed, and nothing can be renamed across it: there the hidden files live
inside the folder itself (same names), and step 3 moves the old guide's
entries into a hidden folder inside it, then the new build's in, under the
same journal (which records when the first half is done). The folder holds a
complete guide before and after, not during; the next build finishes a commit
killed in between.
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
from collections.abc import Callable, Iterator
from pathlib import Path

from audioguide.errors import OutputError
from audioguide.files import write_atomic
from audioguide.model.manifest import (
    MANIFEST_FORMAT,
    MANIFEST_NAME,
    VERIFY_REPORT_NAME,
    report_seal,
    tracks_seal,
)

logger = logging.getLogger(__name__)

MARKER = ".audioguide-build"
KILL_ENV = "AUDIOGUIDE_KILL_AT"  # fault injection in tests: SIGKILL this process at a named step


KILL_ONCE_ENV = "AUDIOGUIDE_KILL_ONCE"  # with KILL_AT: a file; only the process that creates it is killed


def checkpoint(name: str) -> None:
    """A named step of the build; tests set ``$AUDIOGUIDE_KILL_AT`` to kill the build right there
    (and ``$AUDIOGUIDE_KILL_ONCE`` to a file's path to kill only the first process to get there)."""
    if os.environ.get(KILL_ENV) != name:
        return
    once = os.environ.get(KILL_ONCE_ENV)
    if once:
        try:
            os.close(os.open(once, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return
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
        self.inside = is_mount_point(self.path)  # a volume: it cannot be swapped, only filled
        self.hidden = self.path if self.inside else self.parent  # where the lock, journal, staging are
        self.journal = self.hidden / f".{self.name}.commit"
        self._staging_re = re.compile(rf"^\.{re.escape(self.name)}\.building-\d+-[0-9a-f]{{8}}$")
        self._own_re = re.compile(
            rf"^\.{re.escape(self.name)}\.(?:lock|commit|commit\.tmp|old-[0-9a-f]{{8}}|building-\d+-[0-9a-f]{{8}})$"
        )

    def is_own(self, name: str) -> bool:
        """Whether ``name`` (an entry of the folder, for a mount point) is one of the build's hidden files."""
        return self.inside and bool(self._own_re.match(name))

    # ------------------------------------------------------------------ lock

    @contextlib.contextmanager
    def lock(self, who: str = "build") -> Iterator[None]:
        """Hold the folder for this build (or ``who``: "library run"); a second one fails at once with one line.

        The lock is ``flock`` on ``.NAME.lock`` beside the folder, removed when
        the build ends; a lock file replaced between opening and locking it
        (another build just finished) is opened again.
        """
        import fcntl

        if self.path.exists() and not self.path.is_dir():
            raise OutputError(f"{self.given}: exists and is not a folder")
        lock_path = self.hidden / f".{self.name}.lock"
        while True:
            try:
                self.hidden.mkdir(parents=True, exist_ok=True)
                fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                raise OutputError(f"{self.given}: cannot write the output folder ({exc.strerror})") from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                raise OutputError(
                    f"another {who} is writing to {self.given}; wait for it to finish"
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
            if any(entry.name != MARKER and not self.is_own(entry.name) for entry in self.path.iterdir()):
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
        """Finish a commit a killed build left half done, then remove its unfinished staging folders.

        A commit journalled beside a folder that has become a mount point since (a volume
        mounted there) cannot be finished: it is rolled back, and the old guide stays.
        """
        beside = self.parent / f".{self.name}.commit"
        for journal in [beside, self.journal] if self.inside else [self.journal]:
            if not journal.is_file():
                continue
            state = self._read_journal(journal)
            try:
                if journal == self.journal:
                    logger.info("finishing the commit of an interrupted build into %s", self.path)
                    self._finish(state)
                else:
                    self._roll_back(state, journal)
            except OSError as exc:
                raise OutputError(
                    f"{self.given}: cannot finish the commit of an interrupted build ({exc.strerror or exc}); "
                    f"its journal is {journal}"
                ) from None
        for entry in self._leftovers():
            logger.info("removing %s, left by an interrupted build", entry)
            shutil.rmtree(entry, ignore_errors=True)
        if self.inside:
            _remove_unheld_lock(self.parent / f".{self.name}.lock")  # a build's from before the mount

    @staticmethod
    def _read_journal(journal: Path) -> dict:
        try:
            state = json.loads(journal.read_text(encoding="utf-8"))
            Path(state["staging"]), int(state["inode"]), str(state["token"]), list(state["carried"])
        except (OSError, ValueError, KeyError, TypeError):
            logger.warning("%s: unreadable commit journal left as it is", journal)
            raise OutputError(
                f"{journal}: a previous build left an unreadable commit journal; "
                "check the folder beside it, then delete the journal"
            ) from None
        return state

    def _leftovers(self) -> list[Path]:
        places = {self.hidden, self.parent}  # a mounted folder's, and any from before it was mounted
        return [
            p
            for place in sorted(places)
            if place.is_dir()
            for p in place.iterdir()
            if self._staging_re.match(p.name) and p.is_dir() and not p.is_symlink() and (p / MARKER).is_file()
        ]

    # ------------------------------------------------------------------ staging

    def start(self) -> Path:
        """Create the hidden folder a build writes into."""
        token = secrets.token_hex(4)
        staging = self.hidden / f".{self.name}.building-{os.getpid()}-{token}"
        try:
            self.hidden.mkdir(parents=True, exist_ok=True)
            staging.mkdir()  # with the user's umask: the guide is an ordinary folder
            (staging / MARKER).write_text(token, encoding="utf-8")
        except OSError as exc:
            shutil.rmtree(staging, ignore_errors=True)
            raise OutputError(f"{self.given}: cannot write the output folder ({exc.strerror})") from None
        return staging

    @staticmethod
    def abandon(staging: Path) -> None:
        shutil.rmtree(staging, ignore_errors=True)

    def foreign(self, made: set[str] | None = None) -> list[str]:
        """Paths (relative, files or whole folders) in the output folder the previous build did not make.

        What the previous build made is read from its manifest leniently (a
        hand-edited one that no longer loads still names its files), keeping
        only safe relative paths. A folder that either build makes (``made``:
        the new build's paths, a format's folder as a whole or its files) is
        looked into, so a note left in ``captions/`` is the user's file, not a
        ``captions`` folder that the new build would collide with.
        """
        if not self.path.is_dir():
            return []
        ours = _files_named_by(self.path / MANIFEST_NAME)
        folders = {str(Path(p).parent) for p in ours | (made or set()) if str(Path(p).parent) != "."}
        folders |= {p for p in made or set() if (self.path / p).is_dir() and not (self.path / p).is_symlink()}
        folders |= {str(parent) for p in folders for parent in Path(p).parents if str(parent) != "."}
        found: list[str] = []

        def walk(folder: Path, prefix: str) -> None:
            for entry in sorted(folder.iterdir()):
                rel = f"{prefix}{entry.name}"
                if rel in ours or (not prefix and self.is_own(entry.name)):
                    continue
                if rel in folders and entry.is_dir() and not entry.is_symlink():
                    walk(entry, rel + "/")
                else:
                    found.append(rel)

        walk(self.path, "")
        return found

    def stale_report(self, tracks: list[tuple[str, str]]) -> bool:
        """Whether the folder's verify report checked other tracks than ``tracks`` ((file, SHA-256)
        of the new build's): it goes with the old guide, so no "Passed" outlives the audio it heard.
        A ``verify.html`` without audioguide's seal is the user's file, and stays."""
        seal = report_seal(self.path / VERIFY_REPORT_NAME)
        return seal is not None and seal != tracks_seal(tracks)

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

    def commit_staged(self, staging: Path, tracks: list[tuple[str, str]]) -> None:
        """Commit a finished staging folder whose tracks are ``tracks`` ((file, SHA-256)): the user's
        files are carried over (a stale verify report is not), after checking none is overwritten."""
        made = {str(p.relative_to(staging)) for p in staging.rglob("*") if not p.is_dir()}
        carried = self.foreign(made)
        if VERIFY_REPORT_NAME in carried and self.stale_report(tracks):
            carried.remove(VERIFY_REPORT_NAME)  # it heard other audio: it goes with the old guide
        self.check_carried(staging, carried)
        self.commit(staging, carried)

    def commit(self, staging: Path, carried: list[str]) -> None:
        """Put the finished build in place (see the module docstring)."""
        token = (staging / MARKER).read_text(encoding="utf-8")
        state = {"staging": str(staging), "inode": staging.stat().st_ino, "token": token, "carried": carried}
        if self.inside:
            state["inside"] = True
        try:
            self._write_journal(state)
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

    def _write_journal(self, state: dict) -> None:
        write_atomic(self.journal, json.dumps(state))

    def _finish(self, state: dict) -> None:
        """Roll a journalled commit forward from wherever it stopped; idempotent.

        The journal names the new build by its folder's inode, which the
        exchange does not change: whichever path holds that inode is the new
        build; the other, the old guide.
        """
        staging, new, token = Path(state["staging"]), int(state["inode"]), state["token"]
        aside = self.hidden / f".{self.name}.old-{token}"

        def holds_new(path: Path) -> bool:
            try:
                return path.lstat().st_ino == new and path.is_dir()
            except OSError:
                return False

        if state.get("inside"):
            if holds_new(staging):
                self._fill(state, staging, aside)
        elif holds_new(staging):  # not yet in place: carry the user's files over, then swap
            self._carry(state, staging)
            if not self.path.is_dir():
                os.replace(staging, self.path)
            elif not _exchange(staging, self.path):  # two renames where the file system cannot swap
                os.replace(self.path, aside)
                checkpoint("old-moved-aside")
                os.replace(staging, self.path)
            checkpoint("exchanged")
        (self.path / MARKER).unlink(missing_ok=True)
        checkpoint("marker-removed")
        if state.get("inside") and staging.is_dir() and not staging.is_symlink():
            shutil.rmtree(staging, ignore_errors=True)  # emptied into the folder
        for old in (staging, aside):
            if old.is_dir() and not old.is_symlink() and not holds_new(old):
                shutil.rmtree(old, ignore_errors=True)
        checkpoint("old-removed")
        self.journal.unlink(missing_ok=True)

    def _carry(self, state: dict, staging: Path) -> None:
        """Move the user's files (``state["carried"]``) from the folder into the new build."""
        (staging / MARKER).unlink(missing_ok=True)  # the guide never shows it
        for rel in state["carried"]:
            source, target = self.path / rel, staging / rel
            if (source.exists() or source.is_symlink()) and not (target.exists() or target.is_symlink()):
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(source, target)
                checkpoint("carried-one")

    def _roll_back(self, state: dict, journal: Path) -> None:
        """Undo a commit journalled beside a folder that is now a mount point (it cannot be
        swapped): the user's files go back (copied across the mount), the new build goes; the
        old guide, never moved, is the folder's again."""
        staging = Path(state["staging"])
        try:
            swapped = staging.lstat().st_ino != int(state["inode"])  # it holds the old guide then
        except OSError:
            swapped = True
        for rel in [] if swapped else state["carried"]:
            source, target = staging / rel, self.path / rel
            if (source.exists() or source.is_symlink()) and not (target.exists() or target.is_symlink()):
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(source, target)
        logger.warning("%s: is a mount point now; the interrupted build's commit was rolled back", self.path)
        if staging.parent == self.parent and self._staging_re.match(staging.name):
            shutil.rmtree(staging, ignore_errors=True)
        journal.unlink(missing_ok=True)

    def _fill(self, state: dict, staging: Path, aside: Path) -> None:
        """Step 3 for a mount point: the old guide's entries into ``aside``, then the new build's in.

        Both are inside the folder (a rename never crosses the mount). Until
        the journal records ``aside`` done, every entry of the folder that is
        not the build's own is the old guide's (the user's were carried into
        the new build first); after it, the new build's entries move in.
        """
        if not state.get("aside"):
            self._carry(state, staging)
            aside.mkdir(exist_ok=True)
            for entry in sorted(self.path.iterdir()):
                if not self.is_own(entry.name):
                    os.replace(entry, aside / entry.name)
                    checkpoint("old-entry-aside")
            state = {**state, "aside": True}
            self._write_journal(state)
            checkpoint("old-moved-aside")
        for entry in sorted(staging.iterdir()):
            if entry.name != MARKER:
                os.replace(entry, self.path / entry.name)
                checkpoint("new-entry-placed")


def _remove_unheld_lock(path: Path) -> None:
    """Delete the lock file ``path`` if no process holds it."""
    import fcntl

    try:
        fd = os.open(path, os.O_RDWR | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        path.unlink(missing_ok=True)
    except OSError:
        pass  # held: a build outside this mount is still running
    finally:
        os.close(fd)


def is_mount_point(path: Path) -> bool:
    """Whether ``path`` is a mount point: another file system (a Docker or NFS volume), or a bind
    mount of the same one (only the mount table tells those)."""
    if not path.is_dir():
        return False
    if os.path.ismount(path):
        return True
    try:
        table = Path("/proc/self/mountinfo").read_text(encoding="utf-8", errors="surrogateescape")
    except OSError:
        return False
    target = os.path.realpath(path)
    for line in table.splitlines():
        fields = line.split(" ")
        if len(fields) > 4 and _unescape_mount(fields[4]) == target:
            return True
    return False


def _unescape_mount(field: str) -> str:
    """A mountinfo path: space, tab, newline and backslash are written as octal escapes."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


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


def remove_guide(folder: Path, on_file: Callable[[], None] | None = None) -> bool:
    """Delete what audioguide made in the guide folder ``folder``; the user's own files stay.

    What audioguide made is what the folder's manifest lists (read leniently,
    safe relative paths only, never through a symlinked subfolder); the
    folders left empty go too, and the manifest last, so a removal killed
    midway is finished from it. A symlinked guide folder: the files in its
    target are deleted, and the link once the target is empty. Returns True
    when nothing is left at ``folder``.
    """
    real = Path(os.path.realpath(folder))
    if not real.is_dir():
        if folder.is_symlink():
            folder.unlink()
        return not (folder.exists() or folder.is_symlink())
    names = _files_named_by(real / MANIFEST_NAME)
    if names and report_seal(real / VERIFY_REPORT_NAME) is not None:
        names.add(VERIFY_REPORT_NAME)
    folders: set[Path] = set()
    for rel in sorted(names - {MANIFEST_NAME}):
        path = real / rel
        if not _plainly_inside(real, path):
            continue
        folders.update(p for p in path.relative_to(real).parents if str(p) != ".")
        if path.is_symlink() or path.is_file():
            path.unlink()
            if on_file is not None:
                on_file()
    for sub in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        with contextlib.suppress(OSError):  # not empty (the user's files), or not there
            if not (real / sub).is_symlink():
                (real / sub).rmdir()
    (real / MANIFEST_NAME).unlink(missing_ok=True)
    if any(real.iterdir()) or is_mount_point(real):  # a volume stays, empty
        return False
    if folder.is_symlink():
        folder.unlink()  # the link goes; its (now empty) target folder is the user's
    else:
        real.rmdir()
    return True


def _plainly_inside(root: Path, path: Path) -> bool:
    """``path`` lies in ``root`` through real folders only (a symlinked subfolder could lead anywhere)."""
    current = root
    for part in path.relative_to(root).parts[:-1]:
        current = current / part
        if current.is_symlink() or not current.is_dir():
            return False
    return True


def link_or_copy(source: Path, target: Path) -> None:
    """Hard-link an unchanged file into the new build (copy across file systems)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
