"""``audioguide words``: the words to review before building."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from audioguide.cli.app import main
from audioguide.cli.options import (
    lexicon_option,
    load,
    settings_for,
    source_argument,
    structure_options,
    voice_options,
)
from audioguide.cli.output import echo, echo_json, handle_errors
from audioguide.errors import AudioguideError

KINDS = {
    "guessed": "Words the voice guesses at",
    "acronym": "Acronyms and abbreviations",
    "lexicon": "Rewritten by a lexicon",
    "rule": "Rewritten by the reading rules",
}


@main.command()
@source_argument
@voice_options
@lexicon_option
@structure_options
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@click.option(
    "--all",
    "all_readings",
    is_flag=True,
    help="Also list every token the reading rules rewrote, grouped by class (measure, date, "
    "abbreviation, ...), with how it is said.",
)
@click.option(
    "--lexicon-stub",
    "stub",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Also write the words as a YAML lexicon (word: reading) to fill in.",
)
@click.option("--force", is_flag=True, help="Overwrite an existing --lexicon-stub file.")
@handle_errors
def words(
    source: str,
    as_json: bool,
    all_readings: bool,
    stub: Path | None,
    force: bool,
    keep_furniture: bool,
    faq_mode: str | None,
    lexicon_files: tuple[Path, ...],
    **overrides: Any,
) -> None:
    """List the words of SOURCE to review before building: what the voice guesses at,
    acronyms and abbreviations, and what the lexicons and reading rules rewrote.

    Each with how it will be said (the speech text and the voice's phonemes:
    espeak's for Piper, misaki's for hibari), grouped and counted, most frequent first. Listen to one with
    audioguide say --voice V WORD. With --all, also every token the reading rules rewrote (numbers,
    units, dates, addresses, abbreviations, code, ...), by class, to review a whole document's readings.

    Example: audioguide words examples/article.txt --lexicon-stub words.yaml
    """
    from audioguide.verify.words import review_document, write_lexicon_stub

    loaded = load(source, keep_furniture)
    settings = settings_for(loaded, lexicon_files, faq_mode=faq_mode, **overrides)
    result = review_document(source, settings, loaded=loaded, with_readings=all_readings)
    found = result.words
    if stub is not None:
        if stub.exists() and not force:
            raise AudioguideError(f"{stub}: already exists (use --force to overwrite)")
        write_lexicon_stub(found, stub)
    groups = result.readings_by_class()
    if as_json:
        if not all_readings:
            echo_json([w.to_dict() for w in found])
            return
        echo_json(
            {
                "words": [w.to_dict() for w in found],
                "readings": {cls: [r.to_dict() for r in group] for cls, group in groups.items()},
                "checked": {"sentences": result.sentences, "words": result.word_count, "voice": result.voice},
            }
        )
        return
    if not found:
        echo(result.nothing_to_review())
    for kind, heading in KINDS.items():
        group = [w for w in found if w.kind == kind]
        if not group:
            continue
        echo(f"{heading} ({len(group)}):")
        for w in group:
            said = "" if w.speech == w.written else f" -> {w.speech}"
            phon = f"  /{w.phonemes}/" if w.phonemes else ""
            echo(f"  {w.count:>4}  {w.written}{said}{phon}")
    if all_readings:
        total = sum(len(group) for group in groups.values())
        echo(f"Readings by class ({total}):" if groups else "Readings by class: no token rewritten")
        for cls, group in groups.items():
            echo(f"  {cls} ({len(group)}):")
            for r in group:
                echo(f"    {r.count:>4}  {r.written} -> {r.reading or '(left unsaid)'}")
    if stub is not None:
        echo(f"Wrote {stub}: fill in the readings, then build with --lexicon {stub}", err=True)
