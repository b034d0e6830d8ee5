"""The ``audioguide`` group that every command module registers with."""

from __future__ import annotations

import os

import click

from audioguide import __version__
from audioguide.cli.output import fail, setup_logging


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
    check_source_date_epoch()


MAX_EPOCH = 253402300799  # 9999-12-31 23:59:59 UTC: the last second a feed's or a book's date can state


def check_source_date_epoch() -> None:
    """``$SOURCE_DATE_EPOCH`` (reproducible builds' "now") must be whole seconds a date can hold.

    Checked before anything is imported: numpy reads it on import and fails with a
    traceback on ``abc``; a huge value fails deep inside a feed's dates.
    """
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None:
        return
    text = value.strip()
    if not text.isascii() or not text.isdigit():
        fail(f"SOURCE_DATE_EPOCH={value!r}: must be whole seconds since 1970 (digits only), or unset it")
    if int(text) > MAX_EPOCH:
        fail(f"SOURCE_DATE_EPOCH={value!r}: after the year 9999; give seconds since 1970 (or unset it)")
