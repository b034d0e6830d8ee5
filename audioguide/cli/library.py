"""``audioguide library``: a clinic's library of guides, with an index, a feed and a hold programme."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from audioguide.cli.app import main
from audioguide.cli.options import cache_dir_option
from audioguide.cli.output import Progress, echo, echo_json, handle_errors

STAGE_LABELS = {"clips": "clips", "tracks": "tracks", "formats": "formats"}


@main.command()
@click.argument("sources", nargs=-1, required=True)
@click.option(
    "-o",
    "--site",
    "site",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("site"),
    show_default=True,
    help="The site folder: one folder per guide, index.html, feed.xml, phone/.",
)
@click.option(
    "--base-url",
    "base_url",
    default=None,
    metavar="URL",
    help="Where the site folder is published (feeds and QR codes need it; or base_url: in library.yaml).",
)
@click.option("--title", default=None, help="The library's title (index page, feed).")
@click.option(
    "--formats",
    "formats",
    default=None,
    help="Every guide's formats (default: tracks, single, captions, web, phone, and podcast, qr with a base URL).",
)
@cache_dir_option(
    "The clip cache all guides share (default: the user cache folder, or $AUDIOGUIDE_CACHE_DIR)."
)
@click.option(
    "-j", "--jobs", type=click.IntRange(1, 64), default=None, help="Parallel workers (default: CPU cores)."
)
@click.option("--force", is_flag=True, help="Re-synthesize and re-encode every guide.")
@click.option(
    "--scheduler",
    default=None,
    metavar="ADDRESS",
    help="Build the guides on a Dask cluster: tcp://HOST:8786 (started with 'dask scheduler'), or local:N "
    "for N worker processes on this machine (needs pip install 'audioguide[cluster]').",
)
@click.option(
    "--worker-cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="With --scheduler: the clip cache folder on each worker (default: the worker's user cache folder).",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress, only failures and the summary.")
@click.option("--json", "as_json", is_flag=True, help="Print the library report as JSON.")
@handle_errors
def library(
    sources: tuple[str, ...],
    site: Path,
    base_url: str | None,
    title: str | None,
    formats: str | None,
    cache_dir: Path | None,
    jobs: int | None,
    force: bool,
    scheduler: str | None,
    worker_cache_dir: Path | None,
    quiet: bool,
    as_json: bool,
) -> None:
    """Build a clinic's library: every guide of SOURCES into SITE/<slug>/, with an index, a feed and a hold programme.

    SOURCES are article files, guide scripts, folders of them, URLs, or a
    library.yaml listing them with per-guide settings. Unchanged guides are
    kept; a guide whose source left the library is removed. A guide that
    fails is reported and the others go on; the exit status is the number
    of guides that failed.

    Example: audioguide library articles/ -o site --base-url https://clinic.example/audio/
    """
    from audioguide.exporters.registry import parse_formats
    from audioguide.library import LibraryEvent, LibraryOptions, build_library
    from audioguide.model.settings import check_base_url

    url = check_base_url(base_url, "--base-url") if base_url else None
    options = LibraryOptions(
        site=site,
        cache_dir=cache_dir,
        jobs=jobs,
        force=force,
        base_url=url,
        title=title,
        formats=parse_formats(formats, published=bool(url)) if formats else None,
        scheduler=scheduler,
        worker_cache_dir=worker_cache_dir,
    )
    # Failures are always shown, even with --quiet or --json (on stderr).
    failures = Progress(enabled=True)
    with Progress(enabled=not quiet and not as_json, indent="  ") as shown:

        def on_event(event: LibraryEvent) -> None:
            where = f"[{event.index}/{event.total}]"
            if event.kind == "failed":
                shown.close()
                failures.line(f"{where} failed: {event.message}")
            elif event.kind == "start":
                shown.line(f"{where} {event.source}")
            elif event.kind == "progress" and event.progress is not None:
                p = event.progress
                shown.update(STAGE_LABELS[p.stage], p.done, p.total)
            elif event.kind in ("built", "unchanged"):
                shown.line(f"{where} {event.slug}: {event.kind}")
            elif event.kind == "removed":
                shown.line(f"removed {event.slug}/ ({event.source} is no longer in the library)")
            elif event.kind == "moved":
                failures.line(
                    f"{where} {event.message}/ moves to {event.slug}/ (slug: in library.yaml); "
                    f"the guide's old URLs stop working"
                )
            elif event.kind == "site":
                shown.line("Writing the index, feed and phone programme")

        report = build_library(list(sources), options, on_event)
    failed = len(report.failed)
    if as_json:
        echo_json(report.to_dict())
    elif not quiet or failed:
        counts = {
            status: sum(1 for g in report.guides if g.status == status) for status in ("built", "unchanged")
        }
        echo(
            f"{len(report.guides)} guides: {counts['built']} built, {counts['unchanged']} unchanged, "
            f"{failed} failed, {len(report.removed)} removed; phone programme {report.phone}; "
            f"{report.seconds:.1f} s. Site written to {report.site}/"
        )
    if failed:
        sys.exit(min(failed, 125))
