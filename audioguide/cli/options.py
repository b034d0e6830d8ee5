"""Options shared between commands, declared once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from audioguide.model.settings import VOICE_ROLES, FaqMode, GuideSettings


def source_argument(func: Callable) -> Callable:
    """SOURCE: a path (.txt, .md, .html, .docx, ... .yaml) or an http(s) URL; sources.load_source decides."""
    return click.argument("source", type=click.Path(path_type=str, dir_okay=True))(func)


def lexicon_option(func: Callable) -> Callable:
    return click.option(
        "--lexicon",
        "lexicon_files",
        multiple=True,
        type=click.Path(path_type=Path, dir_okay=False),
        help="Pronunciation lexicon (.yaml/.yml word: reading, or W3C .pls); repeatable, later files win. "
        "The guide script's pronunciations win over all files.",
    )(func)


def voice_options(func: Callable) -> Callable:
    for option in reversed(
        [
            click.option(
                "--engine",
                default=None,
                help="Speech engine: hibari or piper (offline) or gtts (online); follows from --voice when not given.",
            ),
            click.option(
                "--voice",
                default=None,
                help="Voice by name: heart (hibari), joe (Piper) or a path to a Piper .onnx voice; "
                "for --engine gtts a language. 'audioguide voices' lists them.",
            ),
            click.option(
                "--rate",
                type=float,
                default=None,
                help="Speaking time, 1.0 = normal: speech takes 1/RATE as long (0.9: 11 % longer).",
            ),
            click.option("--lang", default=None, help="gTTS language (e.g. en, es)."),
            click.option(
                "--tld", default=None, help="gTTS Google host, e.g. com, co.uk (changes the accent)."
            ),
            click.option(
                "--locale",
                default=None,
                help="The guide's locale, e.g. en-US or en-GB: how numeric dates such as 3/4/2024 are read "
                "(without one they are read as written).",
            ),
        ]
    ):
        func = option(func)
    return func


def verify_options(func: Callable) -> Callable:
    func = click.option(
        "--asr-model",
        "asr_model",
        type=click.Path(path_type=Path, file_okay=False, exists=True),
        default=None,
        help="A faster-whisper (CTranslate2) model folder; default: the bundled Whisper tiny.en of the verify extra.",
    )(func)
    func = click.option(
        "--max-wer",
        "max_wer",
        type=click.FloatRange(0, 1),
        default=None,
        help="Fail when a track's word error rate is above this (default 0.10).",
    )(func)
    return func


def structure_options(func: Callable) -> Callable:
    func = click.option(
        "--keep-furniture", is_flag=True, help="Keep page furniture (comment prompts, author bio) as content."
    )(func)
    func = click.option(
        "--faq",
        "faq_mode",
        type=click.Choice([m.value for m in FaqMode]),
        default=None,
        help="One track per FAQ question (each, default) or all in one track (single).",
    )(func)
    return func


def json_option(help: str = "Print as JSON.") -> Callable[[Callable], Callable]:
    return click.option("--json", "as_json", is_flag=True, help=help)


def cache_dir_option(help: str) -> Callable[[Callable], Callable]:
    return click.option(
        "--cache-dir", type=click.Path(path_type=Path, file_okay=False), default=None, help=help
    )


def parse_role_voices(ctx: click.Context, param: click.Parameter, value: str | None) -> dict[str, str]:
    """--voices question=joe,answer=heart -> {"question": "joe", "answer": "heart"}."""
    voices: dict[str, str] = {}
    for item in (value or "").split(","):
        if not item.strip():
            continue
        role, sep, name = (part.strip() for part in item.partition("="))
        if not sep or not name or role not in VOICE_ROLES:
            raise click.BadParameter(
                f"{item.strip()!r}: write ROLE=VOICE, ROLE one of {', '.join(VOICE_ROLES)}"
            )
        voices[role] = name
    return voices


def load(source: str | Path, keep_furniture: bool) -> Any:
    """The source read into a document (and its guide script's settings, if it is one)."""
    from audioguide.sources.load import load_source

    return load_source(source, keep_furniture=keep_furniture)


def settings_for(loaded: Any, lexicon_files: tuple[Path, ...] = (), **overrides: Any) -> GuideSettings:
    """The guide's settings: the guide script's (or the defaults), the options given on top,
    then the lexicon files (the guide script's first, then --lexicon; later files win)."""
    from audioguide.model.settings import with_overrides
    from audioguide.speech import with_lexicon_files
    from audioguide.synth.engines.registry import other_bundled_voice

    base = loaded.settings if loaded is not None else None
    settings = with_overrides(base, overrides, other_voice=other_bundled_voice)
    files = (*(loaded.lexicon_files if loaded is not None else ()), *lexicon_files)
    return with_lexicon_files(settings, files)
