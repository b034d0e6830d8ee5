"""``audioguide build``: the narrated guide of a source, into a folder."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from audioguide.cli.app import main
from audioguide.cli.options import (
    cache_dir_option,
    furniture_option,
    lexicon_option,
    load,
    outdir_option,
    setting_options,
    settings_for,
    source_argument,
    verify_options,
)
from audioguide.cli.output import Progress, echo, echo_json, fail, handle_errors, warn
from audioguide.cli.verify import print_verify, run_verify
from audioguide.model.settings import GuideSettings
from audioguide.text import minutes_seconds

FORMAT_NAMES = ["tracks", "single", "m4b", "captions", "daisy", "epub", "web", "phone", "podcast", "qr"]
STAGE_LABELS = {"clips": "Synthesizing clips", "tracks": "Writing tracks", "formats": "Writing formats"}


@main.command()
@source_argument
@outdir_option
@setting_options()
@lexicon_option
@furniture_option
@click.option(
    "--faq-dialogue",
    is_flag=True,
    help="FAQ questions in the other bundled voice (joe, or heart when the guide speaks in joe), "
    "answers in the guide's: a listener hears who asks and who answers.",
)
@cache_dir_option()
@click.option("--no-cache", is_flag=True, help="Do not read or write the clip cache.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 64),
    default=None,
    help="Parallel synthesis workers (default: CPU cores).",
)
@click.option(
    "--formats",
    "formats",
    default=None,
    help="What to make: 'all' or a comma list of "
    + ", ".join(FORMAT_NAMES)
    + " (podcast and qr need --base-url; "
    "'all' has them when it is given). Default: the guide script's formats:, else what the folder's last build "
    "made (tracks for a new folder).",
)
@click.option("--force", is_flag=True, help="Re-synthesize and re-encode everything.")
@click.option(
    "--replace", is_flag=True, help="Build into a folder that holds a different guide, replacing it."
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Show the build plan (what is kept, rendered, exported, removed) without doing it.",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bars or summary.")
@click.option("--json", "as_json", is_flag=True, help="Print the build report as JSON.")
@click.option(
    "--verify",
    "then_verify",
    is_flag=True,
    help="Then listen to the guide and check it (as 'audioguide verify'; needs the verify extra).",
)
@verify_options
@handle_errors
def build(
    source: str,
    outdir: Path | None,
    quiet: bool,
    as_json: bool,
    keep_furniture: bool,
    cache_dir: Path | None,
    no_cache: bool,
    jobs: int | None,
    force: bool,
    replace: bool,
    dry_run: bool,
    formats: str | None,
    lexicon_files: tuple[Path, ...],
    then_verify: bool,
    asr_model: Path | None,
    max_wer: float | None,
    **overrides: Any,
) -> None:
    """Build the narrated guide for SOURCE (.txt, .md, .html, a .yaml guide script, or an http(s) URL).

    "Do Not Use" abbreviations are reported on stderr as "warning: track N: ..." lines.

    Example: audioguide build examples/article.txt -o output/pain-guide
    """
    from audioguide.model.document import dropped_summary
    from audioguide.model.plan import plan_tracks, structure_warnings
    from audioguide.pipeline import BuildOptions, ProgressEvent, build_guide, default_outdir

    loaded = load(source, keep_furniture, cache_dir, not no_cache)
    settings = settings_for(loaded, lexicon_files, **overrides)
    target = outdir or default_outdir(loaded.document)
    options = BuildOptions(
        outdir=target,
        cache_dir=cache_dir,
        use_cache=not no_cache,
        jobs=jobs,
        force=force,
        dry_run=dry_run,
        formats=chosen_formats(formats, settings),
        replace=replace,
    )
    summary = dropped_summary(loaded.document)
    for line in structure_warnings(plan_tracks(loaded.document, settings), summary):
        warn(line)

    with Progress(enabled=not quiet and not as_json) as shown:

        def progress(event: ProgressEvent) -> None:
            shown.update(STAGE_LABELS[event.stage], event.done, event.total, event.label)

        report = build_guide(loaded.document, settings, options, progress)
    for warning in report.warnings:
        warn(warning)
    checked = None
    if then_verify and not dry_run:
        checked = run_verify(report.outdir, asr_model, max_wer, quiet or as_json)
    if as_json:
        data = report.to_dict()
        data.update(dropped_words=summary.words, dropped_share=round(summary.share, 4))
        if checked is not None:
            data["verify"] = checked.to_dict()
        echo_json(data)
    elif not quiet:
        _print_build(report, dry_run, summary)
    if checked is not None:
        if not as_json and not quiet:
            print_verify(checked, False)
        if checked.report_error:
            fail(checked.report_error)
        if not checked.passed:
            sys.exit(1)


def _print_build(report: Any, dry_run: bool, summary: Any) -> None:
    counts = (
        f"{len(report.rebuilt)} of {report.tracks} tracks ({len(report.unchanged)} unchanged, "
        f"{len(report.removed)} removed)"
    )
    if dry_run:
        echo(
            f"Would rebuild {counts}; clips: {report.clips_synthesized} to synthesize, "
            f"{report.clips_reused} from cache."
        )
        for track in report.plan["tracks"]:
            echo(f"  {track['action']:<7} {track['file']}")
        for fmt in report.plan["formats"]:
            echo(f"  {'export' if fmt['action'] == 'export' else 'keep':<7} format {fmt['name']}")
        for file in report.plan["removed"]:
            echo(f"  {'remove':<7} {file}")
        for name in report.formats_removed:
            echo(f"  {'remove':<7} format {name}")
        return
    echo(
        f"Rebuilt {counts}; clips: {report.clips_synthesized} synthesized, {report.clips_reused} from cache; "
        f"{minutes_seconds(report.audio_seconds)} of audio in {report.seconds:.1f} s."
    )
    if report.formats or report.formats_removed:
        made = ", ".join(f"{name} ({status})" for name, status in report.formats.items()) or "none"
        gone = f"; removed: {', '.join(report.formats_removed)}" if report.formats_removed else ""
        echo(f"Formats: {made}{gone}.")
    echo(f"Source: {summary.describe()}.")
    echo(f"Guide written to {report.outdir}/")


def chosen_formats(option: str | None, settings: GuideSettings) -> tuple[str, ...] | None:
    """--formats, else the guide script's formats: (None: what the folder's last build made)."""
    from audioguide.exporters.registry import parse_formats

    published = bool(settings.base_url)
    if option:
        return parse_formats(option, published=published)
    if settings.formats is not None:
        return parse_formats(",".join(settings.formats), published=published)
    return None
