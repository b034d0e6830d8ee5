"""The output folder, replaced as a whole only when a build succeeds.

A build writes into a hidden sibling folder; on success the old folder is
moved aside and the new one renamed into place, then the old one deleted.
An interrupted or failed build leaves the previous output untouched.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

from audioguide.errors import OutputError
from audioguide.model.manifest import MANIFEST_NAME

logger = logging.getLogger(__name__)


def check_outdir(outdir: Path) -> None:
    """Refuse to replace a folder that is not ours (it could hold anything)."""
    if outdir.exists() and not outdir.is_dir():
        raise OutputError(f"{outdir}: exists and is not a folder")
    if outdir.is_dir() and any(outdir.iterdir()) and not (outdir / MANIFEST_NAME).is_file():
        raise OutputError(
            f"{outdir}: folder is not empty and holds no {MANIFEST_NAME}; "
            "choose a new or empty folder (audioguide replaces its output folder as a whole)"
        )


def _leftovers(outdir: Path) -> list[Path]:
    parent = outdir.parent
    if not parent.is_dir():
        return []
    return [p for p in parent.glob(f".{outdir.name}.*") if p.name.split(".")[2].startswith(("building-", "old-"))]


def start_staging(outdir: Path) -> Path:
    """Create the hidden folder a build writes into (cleaning leftovers of killed builds)."""
    check_outdir(outdir)
    for stale in _leftovers(outdir):
        logger.info("removing leftover %s", stale)
        shutil.rmtree(stale, ignore_errors=True)
    try:
        outdir.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.building-", dir=outdir.parent))
        umask = os.umask(0)
        os.umask(umask)
        staging.chmod(0o777 & ~umask)  # mkdtemp makes it private; the guide is an ordinary folder
        return staging
    except OSError as exc:
        raise OutputError(f"{outdir}: cannot write the output folder ({exc.strerror})") from None


def commit_staging(staging: Path, outdir: Path) -> None:
    """Move the finished build into place."""
    try:
        if outdir.exists():
            old = outdir.parent / f".{outdir.name}.old-{os.getpid()}"
            os.replace(outdir, old)
            os.replace(staging, outdir)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, outdir)
    except OSError as exc:
        raise OutputError(f"{outdir}: cannot replace the output folder ({exc.strerror})") from None


def abandon_staging(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)


def link_or_copy(source: Path, target: Path) -> None:
    """Hard-link an unchanged file into the new build (copy across file systems)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
