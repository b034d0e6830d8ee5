"""``audioguide cache``: inspect or prune the clip cache."""

from __future__ import annotations

from pathlib import Path

import click

from audioguide.cli.app import main
from audioguide.cli.options import cache_dir_option
from audioguide.cli.output import echo, echo_json, handle_errors, warn
from audioguide.errors import AudioguideError


@main.group()
def cache() -> None:
    """Inspect or prune the clip cache.

    Example: audioguide cache info
    """


def _size(count: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024
    return f"{count} B"


@cache.command("info")
@cache_dir_option()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@handle_errors
def cache_info(cache_dir: Path | None, as_json: bool) -> None:
    """Show where the clip cache is, how many clips it holds and their size.

    Example: audioguide cache info --json
    """
    from audioguide.synth.cache import ClipCache, default_cache_dir

    stats = ClipCache(cache_dir or default_cache_dir()).stats()
    if as_json:
        echo_json({"root": str(stats.root), "entries": stats.entries, "bytes": stats.bytes}, indent=None)
        return
    echo(f"{stats.root}\n{stats.entries} clips, {_size(stats.bytes)}")


@cache.command("prune")
@cache_dir_option()
@click.option(
    "--unused-by",
    "unused_by",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=None,
    help="Remove clips that no guide in this folder (searched recursively) uses.",
)
@click.option(
    "--older-than",
    "older_than",
    type=click.FloatRange(min=0),
    default=None,
    help="Remove clips not used for this many days.",
)
@click.option(
    "--all",
    "prune_all",
    is_flag=True,
    help="With --unused-by: remove the clips even if the folder holds no guide.",
)
@click.option("--dry-run", is_flag=True, help="Only say what would be removed.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@handle_errors
def cache_prune(
    cache_dir: Path | None,
    unused_by: Path | None,
    older_than: float | None,
    prune_all: bool,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Remove clips no guide uses, or clips unused for N days.

    Example: audioguide cache prune --unused-by output/ --older-than 30
    """
    from audioguide.model.manifest import MANIFEST_NAME, clip_keys_used_under
    from audioguide.synth.cache import ClipCache, default_cache_dir

    if unused_by is None and older_than is None:
        raise AudioguideError("cache prune: say what to remove: --unused-by FOLDER and/or --older-than DAYS")
    keep = None
    if unused_by is not None:
        keep, problems = clip_keys_used_under(unused_by)
        for problem in problems:
            warn(problem)
    if unused_by is not None and not prune_all and not any(unused_by.rglob(MANIFEST_NAME)):
        raise AudioguideError(
            f"cache prune: {unused_by} holds no guide (no {MANIFEST_NAME} in it or below), so every clip would "
            "go; give the folder your guides are in, or add --all to empty the cache"
        )
    clip_cache = ClipCache(cache_dir or default_cache_dir())
    removed = clip_cache.prune(
        keep=keep, older_than_s=None if older_than is None else older_than * 86400, dry_run=dry_run
    )
    left = clip_cache.stats()
    if as_json:
        echo_json(
            {
                "removed": removed.entries,
                "removed_bytes": removed.bytes,
                "entries": left.entries,
                "bytes": left.bytes,
                "dry_run": dry_run,
            },
            indent=None,
        )
        return
    if dry_run:
        echo(
            f"Would remove {removed.entries} clips ({_size(removed.bytes)}) of {left.entries} ({_size(left.bytes)})."
        )
        return
    echo(
        f"Removed {removed.entries} clips ({_size(removed.bytes)}); {left.entries} left ({_size(left.bytes)})."
    )
