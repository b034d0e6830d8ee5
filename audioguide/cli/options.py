"""Options shared between commands, declared once."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Any

import click

from audioguide.model.settings import LIMITS, Declared, GuideSettings, all_declared


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


def _option(item: Declared) -> Callable[[Callable], Callable]:
    """The click option of one declared setting: its type, range and help as model.settings says."""
    spec = item.spec
    assert spec.option is not None
    text = spec.help[:1].upper() + spec.help[1:] + "."
    limit = LIMITS.get(item.path)
    if limit is not None:
        text += f" From {limit.low:g} to {limit.high:g}; default {item.default:g}."
    elif item.default not in (None, {}, ()) and not isinstance(item.default, bool):
        shown = item.default.value if isinstance(item.default, Enum) else item.default
        text += f" Default: {shown}."
    kwargs: dict[str, Any] = {"default": None, "help": text}
    if item.type is bool:
        name = spec.option.removeprefix("--")
        return click.option(f"{spec.option}/--no-{name}", item.name, **kwargs)
    if isinstance(item.type, type) and issubclass(item.type, Enum):
        kwargs["type"] = click.Choice([member.value for member in item.type])
    elif limit is not None:
        kwargs["type"] = int if limit.whole else float
    elif spec.keys is not None:  # --voices question=joe: the key is a role, the value a voice
        pair = f"{(spec.noun or 'key').upper()}={spec.option[2:].removesuffix('s').upper()}"
        kwargs.update(callback=_pairs(spec.keys, pair), metavar=f"{pair},...")
    return click.option(spec.option, item.name, **kwargs)


def _pairs(
    keys: tuple[str, ...], pair: str
) -> Callable[[click.Context, click.Parameter, str | None], dict[str, str]]:
    """A callback reading ``KEY=VALUE,...`` with KEY one of ``keys`` (--voices question=joe,answer=heart);
    ``pair`` is how help and errors write one ("ROLE=VOICE")."""

    def parse(ctx: click.Context, param: click.Parameter, value: str | None) -> dict[str, str]:
        pairs: dict[str, str] = {}
        for item in (value or "").split(","):
            if not item.strip():
                continue
            key, sep, name = (part.strip() for part in item.partition("="))
            if not sep or not name or key not in keys:
                key_name = pair.partition("=")[0]
                raise click.BadParameter(
                    f"{item.strip()!r}: write {pair}, {key_name} one of {', '.join(keys)}"
                )
            pairs[key] = name
        return pairs

    return parse


def setting_options(*names: str) -> Callable[[Callable], Callable]:
    """Options for the settings called ``names`` (every setting that has an option, without names),
    as model.settings declares them; the command passes them on to ``with_overrides``."""
    chosen = [item for _, item in all_declared() if item.spec.option and (not names or item.name in names)]
    assert not names or len(chosen) == len(names), names

    def add(func: Callable) -> Callable:
        for item in reversed(chosen):
            func = _option(item)(func)
        return func

    return add


def voice_options(func: Callable) -> Callable:
    """The voice that speaks, and how numeric dates are read."""
    return setting_options("engine", "voice", "rate", "lang", "tld", "locale")(func)


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


def furniture_option(func: Callable) -> Callable:
    return click.option(
        "--keep-furniture", is_flag=True, help="Keep page furniture (comment prompts, author bio) as content."
    )(func)


def structure_options(func: Callable) -> Callable:
    """How the source becomes tracks: furniture kept or not, FAQs one track each or all in one."""
    return setting_options("faq_mode")(furniture_option(func))


def json_option(help: str = "Print as JSON.") -> Callable[[Callable], Callable]:
    return click.option("--json", "as_json", is_flag=True, help=help)


CACHE_DIR_HELP = "Clip cache folder (default: the user cache folder, or $AUDIOGUIDE_CACHE_DIR)."


def cache_dir_option(help: str = CACHE_DIR_HELP) -> Callable[[Callable], Callable]:
    return click.option(
        "--cache-dir", type=click.Path(path_type=Path, file_okay=False), default=None, help=help
    )


def outdir_option(func: Callable) -> Callable:
    """The guide's folder, for the commands that build one (``build``, ``watch``)."""
    return click.option(
        "-o",
        "--outdir",
        type=click.Path(path_type=Path, file_okay=False),
        default=None,
        help="Output folder (default: output/<slug of the title>/).",
    )(func)


def load(
    source: str | Path, keep_furniture: bool, cache_dir: Path | None = None, use_cache: bool = True
) -> Any:
    """The source read into a document (and its guide script's settings, if it is one); a PDF,
    Word, OpenDocument or EPUB file read before is taken from the clip cache's ``_documents``."""
    from audioguide.sources.load import load_source
    from audioguide.synth.cache import ClipCache, default_cache_dir

    memo = ClipCache(cache_dir or default_cache_dir()).documents_dir if use_cache else None
    return load_source(source, keep_furniture=keep_furniture, memo=memo)


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
