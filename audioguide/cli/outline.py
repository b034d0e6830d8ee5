"""``audioguide outline``: the track plan, before anything is spoken."""

from __future__ import annotations

from pathlib import Path

import click

from audioguide.cli.app import main
from audioguide.cli.options import lexicon_option, load, settings_for, source_argument, structure_options
from audioguide.cli.output import echo, echo_json, handle_errors, warn
from audioguide.text import minutes_seconds, shorten


@main.command()
@source_argument
@structure_options
@lexicon_option
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
@handle_errors
def outline(
    source: str, keep_furniture: bool, faq_mode: str | None, lexicon_files: tuple[Path, ...], as_json: bool
) -> None:
    """Show the track plan for SOURCE: tracks, words, estimated length, dropped text.

    SOURCE is a .txt, .md, .html or .yaml file, or an http(s) URL. "Do Not
    Use" abbreviations ("QD", "5.0 mg", ".5 mg", ...) are reported on stderr
    as "warning: track N: ..." lines.

    Example: audioguide outline examples/article.txt
    """
    from audioguide.pipeline.outline import outline as make_outline

    loaded = load(source, keep_furniture)
    settings = settings_for(loaded, lexicon_files, faq_mode=faq_mode)
    found = make_outline(loaded.document, settings)
    for number, w in found.speech_warnings:  # on stderr in both modes: stdout stays the plan (or pure JSON)
        warn(f"track {number}: {w.message}")
    for line in found.structure_warnings:
        warn(line)
    if as_json:
        echo_json(found.to_dict(str(source)))
        return
    tracks = found.tracks()
    summary = found.summary
    echo(f"{found.plan.title}")
    echo(
        f"{len(tracks)} tracks, {sum(t['words'] for t in tracks)} words, "
        f"about {minutes_seconds(sum(t['estimated_s'] for t in tracks))}; {summary.describe()}\n"
    )
    width = len(str(len(tracks)))
    group = None
    for t in tracks:
        if t["group"] and t["group"] != group and t["group"] != t["title"]:
            echo(f"{'':>{width}}  {t['group']}")
        group = t["group"]
        indent = "  " if t["group"] and t["group"] != t["title"] else ""
        flag = "  [over 10 minutes]" if t["long"] else ""
        echo(
            f"{t['number']:>{width}}  {t['kind']:<10} {t['words']:>5} words  ~{minutes_seconds(t['estimated_s']):>6}  "
            f"{indent}{t['title']}{flag}"
        )
    if found.plan.document.notes:
        echo("\nHow the structure was read:")
        for note in found.plan.document.notes:
            echo(f"  - {note}")
    if found.plan.dropped:
        echo(
            f"\nNot spoken ({summary.describe()}; page furniture, repeated or empty headings; "
            "--keep-furniture keeps furniture):"
        )
        for d in found.plan.dropped:
            where = f"line {d.line}: " if d.line else ""
            echo(f"  - {where}{d.reason}: {shorten(d.text)}")
