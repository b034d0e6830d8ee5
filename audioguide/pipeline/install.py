"""A guide built elsewhere (a Dask worker) committed into its output folder as a local build is.

The files arrive whole, as bytes by relative path. They go into a staging
folder, the user's own files in the output folder are carried over, and the
staging folder is swapped in under the folder's lock: the same commit, journal
and recovery as :func:`audioguide.pipeline.build_guide`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from audioguide.errors import OutputError
from audioguide.files import normal_mode
from audioguide.model.manifest import MANIFEST_NAME, safe_relative_path
from audioguide.pipeline.output_folder import OutputFolder, checkpoint


def install_guide(outdir: Path, files: Mapping[str, bytes], *, replace: bool = False) -> None:
    """Commit the guide folder ``files`` (relative path -> bytes, manifest.json among them) at ``outdir``."""
    manifest = files.get(MANIFEST_NAME)
    if manifest is None:
        raise OutputError(f"{outdir}: the guide sent back holds no {MANIFEST_NAME}")
    bad = [name for name in files if not safe_relative_path(name)]
    if bad:
        raise OutputError(f"{outdir}: the guide sent back names a file outside its folder: {bad[0]!r}")
    data = json.loads(manifest.decode("utf-8"))
    tracks = [(t.get("file"), t.get("file_sha256")) for t in data.get("tracks", []) if isinstance(t, dict)]
    mode = normal_mode()  # as a local build's files get
    folder = OutputFolder(outdir)
    with folder.lock():
        folder.recover()
        folder.check(data.get("title", ""), data.get("source"), replace=replace)
        staging = folder.start()
        try:
            for name in sorted(files, key=lambda n: (n == MANIFEST_NAME, n)):  # the manifest last
                path = staging / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(files[name])
                path.chmod(mode)
            checkpoint("installed")
            folder.commit_staged(staging, tracks)
        except BaseException:
            if staging.exists() and not folder.journal.exists():
                folder.abandon(staging)
            raise
