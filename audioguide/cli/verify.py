"""``audioguide verify``: listen to a built guide and check it says what its text says."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from audioguide.cli.app import main
from audioguide.cli.options import verify_options
from audioguide.cli.output import Progress, echo, echo_json, fail, handle_errors
from audioguide.text import shorten


def run_verify(outdir: Path, asr_model: Path | None, max_wer: float | None, quiet: bool) -> Any:
    """Verify ``outdir`` with a progress line, and write its verify.html."""
    from audioguide.verify.run import verify_and_report

    with Progress(enabled=not quiet) as shown:
        return verify_and_report(
            outdir,
            model_dir=asr_model,
            max_wer=max_wer,
            progress=lambda done, total: shown.update("Listening to tracks", done, total),
        )


def print_verify(report: Any, as_json: bool) -> None:
    if as_json:
        echo_json(report.to_dict())
        return
    for track in report.tracks:
        flag = "  over the limit" if track.wer > report.max_wer else ""
        findings = f"{len(track.findings)} finding{'' if len(track.findings) == 1 else 's'}"
        echo(
            f"Track {track.number:>2}  WER {track.wer * 100:5.1f} % ({track.errors}/{track.words} words)"
            f"  {findings}{flag}  {track.title}"
        )
        for f in track.findings:
            mark = "CRITICAL " + ",".join(f.categories) if f.critical else "minor"
            minutes, seconds = divmod(f.time_s, 60)
            note = f"  ({f.note})" if f.note else ""
            echo(
                f'    {int(minutes)}:{seconds:05.2f}  {mark}: should say "{f.expected or "(nothing)"}", '
                f'heard "{f.heard or "(nothing)"}"{note}'
            )
            if f.critical:
                echo(f"             clip: {shorten(f.speech, 90)}")
    echo(
        f"{'Passed' if report.passed else 'FAILED'}: {len(report.critical)} critical, WER {report.wer * 100:.1f} % "
        f"over {report.words} words; {report.rechecked_clips} clips re-checked, {report.false_alarms} alarms "
        f"dismissed; {report.listened_tracks} tracks listened to ({report.kept_tracks} unchanged since the last "
        f"verify, kept), {report.audio_seconds:.0f} s of audio ({report.listened_seconds:.0f} s heard now), "
        f"in {report.seconds:.1f} s with {report.model}. "
        + (f"Report: {report.folder / 'verify.html'}" if not report.report_error else "Report not written.")
    )


@main.command()
@click.argument("outdir", type=click.Path(path_type=Path, file_okay=False, exists=True))
@verify_options
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@handle_errors
def verify(outdir: Path, asr_model: Path | None, max_wer: float | None, as_json: bool, quiet: bool) -> None:
    """Listen to the built guide in OUTDIR and check it says what its text says.

    Every track is recognized offline (Whisper, with the verify extra:
    pip install 'audioguide[verify]') and aligned with the clips it was
    built from. Mismatches on numbers, units, doses, negations, lexicon
    words or whole sentences are critical; each is re-checked on its own
    before it is reported. Writes OUTDIR/verify.html (a player at each
    finding). Exit status 1 when a critical mismatch remains or a track's
    word error rate is over --max-wer.

    Example: audioguide verify output/my-guide --json
    """
    report = run_verify(outdir, asr_model, max_wer, quiet or as_json)
    print_verify(report, as_json)
    if report.report_error:
        fail(report.report_error)
    if not report.passed:
        sys.exit(1)
