"""``audioguide init``: a source's detected structure as an editable guide script."""

from __future__ import annotations

from pathlib import Path

import click

from audioguide.cli.app import main
from audioguide.cli.options import load, source_argument, structure_options
from audioguide.cli.output import echo, handle_errors
from audioguide.errors import AudioguideError


@main.command()
@source_argument
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="Where to write the guide script (.yaml).",
)
@structure_options
@click.option("--force", is_flag=True, help="Overwrite an existing guide script.")
@handle_errors
def init(source: str, output: Path, keep_furniture: bool, faq_mode: str | None, force: bool) -> None:
    """Write SOURCE's detected structure as an editable YAML guide script.

    SOURCE is a .txt, .md, .html or .yaml file, or an http(s) URL.

    Example: audioguide init examples/article.txt -o guide.yaml
    """
    from audioguide.model.settings import with_overrides
    from audioguide.sources.guide_script import write_guide_script

    if output.exists() and not force:
        raise AudioguideError(f"{output}: already exists (use --force to overwrite)")
    loaded = load(source, keep_furniture)
    settings = with_overrides(loaded.settings, {"faq_mode": faq_mode})
    write_guide_script(loaded.document, settings, output)
    echo(
        f"Wrote {output} ({len(loaded.document.chapters)} chapters). Edit it, then: audioguide build {output}"
    )
