"""The ``audioguide`` group that every command module registers with."""

from __future__ import annotations

import click

from audioguide import __version__
from audioguide.cli.output import setup_logging


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="audioguide")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
def main(verbose: int) -> None:
    """Turn a written health article into an accessible, narrated audio guide.

    \b
    Typical use:
      audioguide outline article.txt          # see the tracks it will make
      audioguide build article.txt            # MP3 tracks in output/<title>/
      audioguide build https://clinic.example/article   # a web page (or page.html)
      audioguide init article.txt -o guide.yaml   # an editable guide script
      audioguide build guide.yaml
      audioguide say "Take 2.5 mg of Toradol" --lexicon words.yaml
    """
    setup_logging(verbose)
