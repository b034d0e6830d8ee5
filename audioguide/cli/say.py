"""``audioguide say``: check a reading before building."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from audioguide.cli.app import main
from audioguide.cli.options import lexicon_option, settings_for, voice_options
from audioguide.cli.output import echo, handle_errors, warn
from audioguide.errors import AudioguideError


@main.command()
@click.argument("text")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("say.mp3"),
    show_default=True,
    help="Where to write the clip (MP3; an existing file is replaced).",
)
@click.option("--no-audio", is_flag=True, help="Only print the speech text; make no sound file.")
@click.option(
    "--guide",
    "guide",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Use a guide script's voice, pauses, pronunciations and lexicon files.",
)
@voice_options
@lexicon_option
@handle_errors
def say(
    text: str,
    output: Path,
    no_audio: bool,
    guide: Path | None,
    lexicon_files: tuple[Path, ...],
    **overrides: Any,
) -> None:
    """Say TEXT as a guide would: print the speech text, write a short clip.

    The speech text (after normalization and pronunciation lexicons, one
    sentence per line) goes to stdout; the clip is mastered like a track and
    written to -o (default say.mp3 in the current folder). The voice options
    are build's.

    Example: audioguide say "Take 2.5 mg twice daily" --lexicon words.pls -o dose.mp3
    """
    from audioguide.speech import build_lexicon, find_warnings
    from audioguide.speech.clips import speak_text

    loaded = None
    if guide is not None:
        from audioguide.sources.load import load_source

        loaded = load_source(guide)
        if loaded.settings is None:
            raise AudioguideError(
                f"{guide}: not a guide script (use a .yaml file written by audioguide init)"
            )
    settings = settings_for(loaded, lexicon_files, **overrides)
    clips = speak_text(text, settings.pauses, build_lexicon(settings))
    if not clips:
        raise AudioguideError("nothing to say: the text has no words")
    for clip in clips:
        echo(clip.speech)
    for warning in find_warnings(text):
        warn(f"{warning.text!r}: {warning.message}")
    if no_audio:
        return
    from audioguide.pipeline.say import say_to_file

    seconds = say_to_file(clips, settings, output)
    echo(f"Wrote {output} ({seconds:.1f} s)", err=True)
