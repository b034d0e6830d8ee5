"""``audioguide watch``: rebuild a guide each time its source (or lexicons) is saved, for editors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from audioguide.cli.app import main
from audioguide.cli.build import FORMAT_NAMES, chosen_formats
from audioguide.cli.options import (
    cache_dir_option,
    lexicon_option,
    load,
    outdir_option,
    settings_for,
    source_argument,
    structure_options,
    verify_options,
    voice_options,
)
from audioguide.cli.output import echo, handle_errors
from audioguide.text import shorten


@main.command()
@source_argument
@outdir_option
@voice_options
@lexicon_option
@structure_options
@cache_dir_option()
@click.option(
    "-j", "--jobs", type=click.IntRange(1, 64), default=None, help="Worker processes (default: cores)."
)
@click.option(
    "--formats", "formats", default=None, help="As for build: " + ", ".join(FORMAT_NAMES) + " or 'all'."
)
@click.option(
    "--verify",
    "then_verify",
    is_flag=True,
    help="After each rebuild, listen to the tracks that changed (verify's kept results for the others).",
)
@verify_options
@handle_errors
def watch(
    source: str,
    outdir: Path | None,
    keep_furniture: bool,
    lexicon_files: tuple[Path, ...],
    cache_dir: Path | None,
    jobs: int | None,
    formats: str | None,
    then_verify: bool,
    asr_model: Path | None,
    max_wer: float | None,
    **overrides: Any,
) -> None:
    """Build the guide for SOURCE, then rebuild it each time SOURCE or its lexicon files are saved.

    One line per rebuild: what changed and how long it took. The voice stays
    loaded between rebuilds, so an edited paragraph is heard again in about a
    second. A save that cannot be read (a broken guide script, a missing
    file) is one error line, and the watch goes on. Ctrl-C stops it.

    Example: audioguide watch guide.yaml -o output/pain-guide
    """
    from audioguide.pipeline import BuildOptions, default_outdir
    from audioguide.pipeline.watch import Prepared, watch_guide

    path = Path(source)
    if not path.is_file():
        raise click.BadParameter(f"{source}: not a file (watch follows a file on disk)", param_hint="SOURCE")
    target: list[Path] = [outdir] if outdir else []

    def prepare() -> Prepared:
        loaded = load(path, keep_furniture, cache_dir)
        settings = settings_for(loaded, lexicon_files, **overrides)
        if not target:
            target.append(default_outdir(loaded.document))
        return Prepared(loaded.document, settings, (path, *loaded.lexicon_files, *lexicon_files))

    def options_for() -> BuildOptions:
        return BuildOptions(outdir=target[0] if target else Path("output"), cache_dir=cache_dir, jobs=jobs)

    recognizer: list[Any] = []

    def verify(report: Any) -> Any:
        from audioguide.verify.run import verify_and_report

        if not recognizer:
            from audioguide.verify.asr import Recognizer, check_available

            check_available(asr_model)
            recognizer.append(Recognizer(asr_model))
        return verify_and_report(
            report.outdir, model_dir=asr_model, max_wer=max_wer, recognizer=recognizer[0]
        )

    first = (
        prepare()
    )  # a source that cannot be read at the start is an error, not a watch (read again to build)
    options = options_for()
    if formats:
        options = BuildOptions(**{**options.__dict__, "formats": chosen_formats(formats, first.settings)})
    echo(f"Watching {path} and {len(first.files) - 1} lexicon file(s); Ctrl-C to stop.")
    try:
        watch_guide(
            prepare,
            first.files,
            options,
            _print_rebuild,
            after_build=verify if then_verify else None,
        )
    except KeyboardInterrupt:
        echo("Stopped watching.")


def _print_rebuild(rebuild: Any) -> None:
    what = f"{', '.join(rebuild.changed)} changed: " if rebuild.changed else ""
    if rebuild.error:
        echo(f"{what}not rebuilt: {rebuild.error} (still watching)")
        return
    report = rebuild.report
    if report.rebuilt or report.removed:
        tracks = ", ".join(shorten(name, 40) for name in report.rebuilt[:3])
        more = f" and {len(report.rebuilt) - 3} more" if len(report.rebuilt) > 3 else ""
        done = f"rebuilt {len(report.rebuilt)} of {report.tracks} tracks ({tracks}{more})"
        if report.removed:
            done += f", removed {len(report.removed)}"
    else:
        done = f"nothing to rebuild ({report.tracks} tracks unchanged)"
    echo(f"{what}{done}; {report.clips_synthesized} clips synthesized in {rebuild.seconds:.2f} s.")
    checked = rebuild.after
    if checked is not None:
        verdict = "passed" if checked.passed else f"FAILED ({len(checked.critical)} critical)"
        echo(
            f"  verify {verdict}: {checked.listened_tracks} track(s) listened to "
            f"({checked.listened_seconds:.1f} s heard), {checked.kept_tracks} kept; "
            f"report {checked.folder / 'verify.html'}"
        )
