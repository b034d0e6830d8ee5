"""The ``audioguide`` command: the only layer that prints.

Every command turns an :class:`AudioguideError` into one line on stderr and
exit status 1 (2 for usage errors, as Click does); tracebacks are for bugs.
"""

from __future__ import annotations

import dataclasses
import errno
import functools
import json
import logging
import re
import sys
from pathlib import Path
from typing import Any, Callable

import click

from audioguide import __version__
from audioguide.model.settings import FaqMode, GuideSettings
from audioguide.errors import AudioguideError
from audioguide.text import for_terminal, minutes_seconds

logger = logging.getLogger(__name__)

# Characters JSON leaves raw (ensure_ascii=False) that a terminal acts on: C1 controls
# (8-bit CSI/OSC) and bidi overrides. Written as \uXXXX escapes, the JSON means the same.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def _echo(message: object = "", *, err: bool = False) -> None:
    """Print through the one terminal sanitizer: content (titles, dropped text, file names,
    warnings) may hold escape sequences (OSC, CSI, BEL, clear screen) from a page."""
    click.echo(for_terminal(str(message)), err=err)


def _echo_json(data: Any, indent: int | None = 2) -> None:
    """Print ``data`` as JSON; JSON escapes C0 controls itself, C1 and bidi controls are escaped here."""
    text = json.dumps(data, indent=indent, ensure_ascii=False)
    click.echo(_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


def _fail(message: str, code: int = 1) -> None:
    click.echo(f"audioguide: error: {for_terminal(message, multiline=False)}", err=True)
    sys.exit(code)


_DISK_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS}


def handle_errors(func: Callable) -> Callable:
    """One line and a non-zero exit for every error the user can fix."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except AudioguideError as exc:
            _fail(str(exc), exc.exit_code)
        except OSError as exc:
            # A full, read-only or over-quota disk is the user's to fix, wherever the write was.
            if exc.errno not in _DISK_ERRNOS:
                raise
            where = f"{exc.filename}: " if exc.filename else ""
            _fail(f"{where}cannot write ({exc.strerror or exc}); free some space, or write elsewhere", 1)
        except KeyboardInterrupt:
            _fail("interrupted; the previous output is unchanged", 130)

    return wrapper


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
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_TerminalFormatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler])


class _TerminalFormatter(logging.Formatter):
    """Log lines reach the terminal too (file names, page text in libraries' messages)."""

    def format(self, record: logging.LogRecord) -> str:
        return for_terminal(super().format(record))


# ---------------------------------------------------------------- shared options

def _source_argument(func: Callable) -> Callable:
    # A path (.txt, .md, .html, .yaml) or an http(s) URL: sources.load_source decides.
    return click.argument("source", type=click.Path(path_type=str, dir_okay=True))(func)


def _lexicon_option(func: Callable) -> Callable:
    return click.option(
        "--lexicon", "lexicon_files", multiple=True, type=click.Path(path_type=Path, dir_okay=False),
        help="Pronunciation lexicon (.yaml/.yml word: reading, or W3C .pls); repeatable, later files win. "
             "The guide script's pronunciations win over all files.",
    )(func)


def _voice_options(func: Callable) -> Callable:
    for option in reversed([
        click.option("--engine", default=None,
                     help="Speech engine: hibari or piper (offline) or gtts (online); "
                          "follows from --voice when not given."),
        click.option("--voice", default=None,
                     help="Voice by name: heart (hibari), joe (Piper) or a path to a Piper .onnx voice; "
                          "for --engine gtts a language. 'audioguide voices' lists them."),
        click.option("--rate", type=float, default=None,
                     help="Speaking time, 1.0 = normal: speech takes 1/RATE as long (0.9: 11 %% longer)."),
        click.option("--lang", default=None, help="gTTS language (e.g. en, es)."),
        click.option("--tld", default=None, help="gTTS Google host, e.g. com, co.uk (changes the accent)."),
        click.option("--locale", default=None,
                     help="The guide's locale, e.g. en-US or en-GB: how numeric dates such as 3/4/2024 are read "
                          "(without one they are read as written)."),
    ]):
        func = option(func)
    return func


def _verify_options(func: Callable) -> Callable:
    func = click.option("--asr-model", "asr_model", type=click.Path(path_type=Path, file_okay=False, exists=True),
                        default=None, help="A faster-whisper (CTranslate2) model folder; default: the bundled "
                                           "Whisper tiny.en of the verify extra.")(func)
    func = click.option("--max-wer", "max_wer", type=click.FloatRange(0, 1), default=None,
                        help="Fail when a track's word error rate is above this (default 0.10).")(func)
    return func


def _structure_options(func: Callable) -> Callable:
    func = click.option(
        "--keep-furniture", is_flag=True, help="Keep page furniture (comment prompts, author bio) as content."
    )(func)
    func = click.option(
        "--faq", "faq_mode", type=click.Choice([m.value for m in FaqMode]), default=None,
        help="One track per FAQ question (each, default) or all in one track (single).",
    )(func)
    return func


def _load(source: str | Path, keep_furniture: bool):
    from audioguide.sources.load import load_source

    return load_source(source, keep_furniture=keep_furniture)


def _with_lexicons(settings: GuideSettings, loaded: Any, cli_files: tuple[Path, ...]) -> GuideSettings:
    """Lexicon files into the settings: the guide script's first, then --lexicon (later win)."""
    from audioguide.speech import with_lexicon_files

    files = (*(loaded.lexicon_files if loaded is not None else ()), *cli_files)
    return with_lexicon_files(settings, files)


_NUMBER_OPTIONS = {"rate": ("voice.rate", "--rate"), "target_lufs": ("loudness.target_lufs", "--target-lufs")}


def _settings(base: GuideSettings | None, **overrides: Any) -> GuideSettings:
    """Guide-script settings (or defaults) with the command-line options given on top.

    Numbers are range-checked by the same table as the guide script's
    (:func:`~audioguide.model.settings.number_problem`).
    """
    from audioguide.model.settings import number_problem

    for key, (name, option) in _NUMBER_OPTIONS.items():
        if overrides.get(key) is not None:
            problem = number_problem(name, overrides[key])
            if problem:
                raise AudioguideError(f"{option} {problem}")
    settings = base or GuideSettings()
    voice = settings.voice
    voice_changes = {k: overrides[k] for k in ("engine", "voice", "rate", "lang", "tld") if overrides.get(k) is not None}
    if "voice" in voice_changes and "engine" not in voice_changes:
        voice_changes["engine"] = None  # the engine follows from the new voice
    if "engine" in voice_changes and "voice" not in voice_changes:
        voice_changes["voice"] = None   # the new engine's own default voice
    if voice_changes:
        voice = dataclasses.replace(voice, **voice_changes)
    changes: dict[str, Any] = {"voice": voice}
    role_voices = dict(settings.voices)
    if overrides.get("faq_dialogue"):
        role_voices["question"] = _other_voice(voice)
    role_voices.update(overrides.get("role_voices") or {})
    if role_voices != settings.voices:
        changes["voices"] = role_voices
    if overrides.get("faq_mode"):
        changes["faq_mode"] = FaqMode(overrides["faq_mode"])
    if overrides.get("no_announce"):
        changes["announce"] = False
    if overrides.get("announce_template"):
        changes["announce_template"] = overrides["announce_template"]
    if overrides.get("target_lufs") is not None:
        changes["loudness"] = dataclasses.replace(settings.loudness, target_lufs=overrides["target_lufs"])
    if overrides.get("bitrate") is not None:
        changes["encoding"] = dataclasses.replace(settings.encoding, bitrate_kbps=overrides["bitrate"])
    if overrides.get("locale"):
        changes["locale"] = overrides["locale"]
    if overrides.get("base_url"):
        from audioguide.model.settings import check_base_url

        changes["base_url"] = check_base_url(overrides["base_url"], "--base-url")
    return dataclasses.replace(settings, **changes)


def _other_voice(voice) -> str:
    """--faq-dialogue's question voice: the bundled voice that is not the guide's (joe or heart)."""
    from audioguide.synth.engines.registry import resolve_voice

    return "joe" if resolve_voice(voice).voice != "joe" else "heart"


def _parse_role_voices(ctx: click.Context, param: click.Parameter, value: str | None) -> dict[str, str]:
    from audioguide.model.settings import VOICE_ROLES

    voices: dict[str, str] = {}
    for item in (value or "").split(","):
        if not item.strip():
            continue
        role, sep, name = (part.strip() for part in item.partition("="))
        if not sep or not name or role not in VOICE_ROLES:
            raise click.BadParameter(f"{item.strip()!r}: write ROLE=VOICE, ROLE one of {', '.join(VOICE_ROLES)}")
        voices[role] = name
    return voices


# ---------------------------------------------------------------- outline

@main.command()
@_source_argument
@_structure_options
@_lexicon_option
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
@handle_errors
def outline(source: str, keep_furniture: bool, faq_mode: str | None, lexicon_files: tuple[Path, ...],
            as_json: bool) -> None:
    """Show the track plan for SOURCE: tracks, words, estimated length, dropped text.

    SOURCE is a .txt, .md, .html or .yaml file, or an http(s) URL. "Do Not
    Use" abbreviations ("QD", "5.0 mg", ".5 mg", ...) are reported on stderr
    as "warning: track N: ..." lines.

    Example: audioguide outline examples/article.txt
    """
    from audioguide.model.document import dropped_summary
    from audioguide.model.plan import LONG_TRACK_S, plan_tracks
    from audioguide.speech.clips import plan_warnings

    loaded = _load(source, keep_furniture)
    settings = _with_lexicons(_settings(loaded.settings, faq_mode=faq_mode), loaded, lexicon_files)
    plan = plan_tracks(loaded.document, settings)
    warnings = plan_warnings(plan)
    tracks = [
        {
            "number": t.number,
            "kind": t.kind.value,
            "title": t.title,
            "group": t.group,
            "file": f"{t.stem}.mp3",
            "words": t.words,
            "estimated_s": round(t.estimated_seconds, 1),
            "long": t.estimated_seconds > LONG_TRACK_S,
        }
        for t in plan.tracks
    ]
    dropped = [{"line": d.line, "reason": d.reason, "text": d.text, "words": d.words, "outside": d.outside}
               for d in plan.dropped]
    summary = dropped_summary(loaded.document)
    for number, w in warnings:  # on stderr in both modes: stdout stays the plan (or pure JSON)
        _echo(f"warning: track {number}: {w.message}", err=True)
    for line in _structure_warnings(plan, summary):
        _echo(f"warning: {line}", err=True)
    if as_json:
        _echo_json(
            {
                "title": plan.title,
                "source": str(source),
                "tracks": tracks,
                "total_words": sum(t["words"] for t in tracks),
                "estimated_s": round(sum(t["estimated_s"] for t in tracks), 1),
                "dropped": dropped,
                "dropped_words": summary.words,
                "dropped_share": round(summary.share, 4),
                "dropped_outside_words": summary.outside_words,
                "warnings": [{"track": n, "code": w.code, "text": w.text, "message": w.message} for n, w in warnings],
                "pronunciations": len(settings.pronunciations),
            },
        )
        return
    _echo(f"{plan.title}")
    _echo(f"{len(tracks)} tracks, {sum(t['words'] for t in tracks)} words, "
               f"about {minutes_seconds(sum(t['estimated_s'] for t in tracks))}; {summary.describe()}\n")
    width = len(str(len(tracks)))
    group = None
    for t in tracks:
        if t["group"] and t["group"] != group and t["group"] != t["title"]:
            _echo(f"{'':>{width}}  {t['group']}")
        group = t["group"]
        indent = "  " if t["group"] and t["group"] != t["title"] else ""
        flag = "  [over 10 minutes]" if t["long"] else ""
        _echo(f"{t['number']:>{width}}  {t['kind']:<10} {t['words']:>5} words  ~{minutes_seconds(t['estimated_s']):>6}  "
                   f"{indent}{t['title']}{flag}")
    if dropped:
        _echo(f"\nNot spoken ({summary.describe()}; page furniture, repeated or empty headings; "
                   "--keep-furniture keeps furniture):")
        for d in dropped:
            where = f"line {d['line']}: " if d["line"] else ""
            _echo(f"  - {where}{d['reason']}: {_shorten(d['text'])}")


def _structure_warnings(plan: Any, summary: Any) -> list[str]:
    """Tracks too long to find one's way in, and a source that lost much of its text."""
    from audioguide.model.document import DROPPED_WARN_SHARE
    from audioguide.model.plan import LONG_TRACK_S

    lines = [
        f"track {t.number} ({_shorten(t.title, 50)}) is about {minutes_seconds(t.estimated_seconds)} long; "
        "over 10 minutes is hard to find one's way in (split it with sub-headings)"
        for t in plan.tracks if t.estimated_seconds > LONG_TRACK_S
    ]
    if summary.share > DROPPED_WARN_SHARE:
        largest = "; ".join(f"{d.words} words, {d.reason}: {_shorten(d.text, 50)}" for d in summary.largest)
        lines.append(f"{summary.describe()} of the text; check that nothing real was lost "
                     f"(largest dropped blocks: {largest}); --keep-furniture keeps it")
    return lines


def _shorten(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


# ---------------------------------------------------------------- build

@main.command()
@_source_argument
@click.option("-o", "--outdir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Output folder (default: output/<slug of the title>/).")
@_voice_options
@_lexicon_option
@_structure_options
@click.option("--voices", "role_voices", default=None, callback=_parse_role_voices, metavar="ROLE=VOICE,...",
              help="A voice of their own for parts of the guide, e.g. question=joe,answer=heart "
                   "(parts: announcement, heading, lead, question, answer, paragraph, item).")
@click.option("--faq-dialogue", is_flag=True,
              help="FAQ questions in the other bundled voice (joe, or heart when the guide speaks in joe), "
                   "answers in the guide's: a listener hears who asks and who answers.")
@click.option("--no-announce", is_flag=True, help="Do not open tracks with 'Track n of N. Title'.")
@click.option("--announce-template", default=None,
              help="Announcement, with {number}, {total}, {title}, {kind}. Default: 'Track {number} of {total}. {title}'.")
@click.option("--target-lufs", type=float, default=None,
              help="Integrated loudness target, -30 to -10 LUFS (default -16).")
@click.option("--bitrate", type=click.IntRange(8, 320), default=None, help="MP3 constant bit rate in kbps (default 64).")
@click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Clip cache folder (default: the user cache folder, or $AUDIOGUIDE_CACHE_DIR).")
@click.option("--no-cache", is_flag=True, help="Do not read or write the clip cache.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None, help="Parallel synthesis workers (default: CPU cores).")
@click.option("--formats", "formats", default=None,
              help="What to make: 'all' or a comma list of " + ", ".join(
                  ["tracks", "single", "m4b", "captions", "daisy", "epub", "web", "phone", "podcast", "qr"])
                   + " (podcast and qr need --base-url; 'all' has them when it is given). "
                   "Default: the guide script's formats:, else what the folder's last build made "
                   "(tracks for a new folder).")
@click.option("--base-url", "base_url", default=None, metavar="URL",
              help="Where the guide folder will be published (https://clinic.example/guides/pain/): "
                   "the podcast feed's and QR code's links.")
@click.option("--force", is_flag=True, help="Re-synthesize and re-encode everything.")
@click.option("--replace", is_flag=True, help="Build into a folder that holds a different guide, replacing it.")
@click.option("--dry-run", is_flag=True, help="Show the build plan (what is kept, rendered, exported, removed) without doing it.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars or summary.")
@click.option("--json", "as_json", is_flag=True, help="Print the build report as JSON.")
@click.option("--verify", "then_verify", is_flag=True,
              help="Then listen to the guide and check it (as 'audioguide verify'; needs the verify extra).")
@_verify_options
@handle_errors
def build(source: str, outdir: Path | None, quiet: bool, as_json: bool, keep_furniture: bool,
          cache_dir: Path | None, no_cache: bool, jobs: int | None, force: bool, replace: bool, dry_run: bool,
          formats: str | None, lexicon_files: tuple[Path, ...], then_verify: bool, asr_model: Path | None,
          max_wer: float | None, **overrides: Any) -> None:
    """Build the narrated guide for SOURCE (.txt, .md, .html, a .yaml guide script, or an http(s) URL).

    "Do Not Use" abbreviations are reported on stderr as "warning: track N: ..." lines.

    Example: audioguide build examples/article.txt -o output/pain-guide
    """
    from audioguide.build import BuildOptions, ProgressEvent, build_guide, default_outdir
    from audioguide.model.document import dropped_summary
    from audioguide.model.plan import plan_tracks

    loaded = _load(source, keep_furniture)
    settings = _with_lexicons(_settings(loaded.settings, **overrides), loaded, lexicon_files)
    target = outdir or default_outdir(loaded.document)
    options = BuildOptions(outdir=target, cache_dir=cache_dir, use_cache=not no_cache,
                           jobs=jobs, force=force, dry_run=dry_run, formats=_chosen_formats(formats, settings),
                           replace=replace)
    summary = dropped_summary(loaded.document)
    for line in _structure_warnings(plan_tracks(loaded.document, settings), summary):
        _echo(f"warning: {line}", err=True)

    bars: dict[str, Any] = {}

    def progress(event: ProgressEvent) -> None:
        if quiet:
            return
        bar = bars.get(event.stage)
        if bar is None:
            label = {"clips": "Synthesizing clips", "tracks": "Writing tracks    ",
                     "formats": "Writing formats   "}[event.stage]
            bar = click.progressbar(length=event.total, label=label, file=sys.stderr,
                                    show_pos=True, item_show_func=lambda item: for_terminal(item, multiline=False) if item else item)
            bar.__enter__()
            bars[event.stage] = bar
        bar.update(event.done - bar.pos, event.label or None)
        if event.done >= event.total:
            bar.__exit__(None, None, None)

    try:
        report = build_guide(loaded.document, settings, options, progress)
    finally:
        for bar in bars.values():
            if not bar.finished:
                bar.__exit__(None, None, None)
    for warning in report.warnings:
        _echo(f"warning: {warning}", err=True)
    checked = None
    if then_verify and not dry_run:
        checked = _run_verify(report.outdir, asr_model, max_wer, quiet or as_json)
    if as_json:
        data = report.to_dict()
        data.update(dropped_words=summary.words, dropped_share=round(summary.share, 4))
        if checked is not None:
            data["verify"] = checked.to_dict()
        _echo_json(data)
    elif not quiet:
        _print_build(report, dry_run, summary)
    if checked is not None:
        if not as_json and not quiet:
            _print_verify(checked, False)
        if not checked.passed:
            sys.exit(1)


def _print_build(report: Any, dry_run: bool, summary: Any) -> None:
    verb = "Would rebuild" if dry_run else "Rebuilt"
    _echo(
        f"{verb} {len(report.rebuilt)} of {report.tracks} tracks ({len(report.unchanged)} unchanged, "
        f"{len(report.removed)} removed); clips: {report.clips_synthesized} to synthesize, "
        f"{report.clips_reused} from cache." if dry_run else
        f"{verb} {len(report.rebuilt)} of {report.tracks} tracks ({len(report.unchanged)} unchanged, "
        f"{len(report.removed)} removed); clips: {report.clips_synthesized} synthesized, "
        f"{report.clips_reused} from cache; {minutes_seconds(report.audio_seconds)} of audio in "
        f"{report.seconds:.1f} s."
    )
    if dry_run:
        for track in report.plan["tracks"]:
            _echo(f"  {track['action']:<7} {track['file']}")
        for fmt in report.plan["formats"]:
            _echo(f"  {'export' if fmt['action'] == 'export' else 'keep':<7} format {fmt['name']}")
        for file in report.plan["removed"]:
            _echo(f"  {'remove':<7} {file}")
        for name in report.formats_removed:
            _echo(f"  {'remove':<7} format {name}")
    else:
        if report.formats or report.formats_removed:
            made = ", ".join(f"{name} ({status})" for name, status in report.formats.items()) or "none"
            gone = f"; removed: {', '.join(report.formats_removed)}" if report.formats_removed else ""
            _echo(f"Formats: {made}{gone}.")
        _echo(f"Source: {summary.describe()}.")
        _echo(f"Guide written to {report.outdir}/")


def _chosen_formats(option: str | None, settings: GuideSettings) -> tuple[str, ...] | None:
    """--formats, else the guide script's formats: (None: what the folder's last build made)."""
    from audioguide.exporters.registry import parse_formats

    published = bool(settings.base_url)
    if option:
        return parse_formats(option, published=published)
    if settings.formats is not None:
        return parse_formats(",".join(settings.formats), published=published)
    return None


# ---------------------------------------------------------------- library

@main.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("-o", "--site", "site", type=click.Path(path_type=Path, file_okay=False), default=Path("site"),
              show_default=True, help="The site folder: one folder per guide, index.html, feed.xml, phone/.")
@click.option("--base-url", "base_url", default=None, metavar="URL",
              help="Where the site folder is published (feeds and QR codes need it; or base_url: in library.yaml).")
@click.option("--title", default=None, help="The library's title (index page, feed).")
@click.option("--formats", "formats", default=None,
              help="Every guide's formats (default: tracks, single, captions, web, phone, and podcast, qr "
                   "with a base URL).")
@click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="The clip cache all guides share (default: the user cache folder, or $AUDIOGUIDE_CACHE_DIR).")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None, help="Parallel workers (default: CPU cores).")
@click.option("--force", is_flag=True, help="Re-synthesize and re-encode every guide.")
@click.option("-q", "--quiet", is_flag=True, help="No progress, only failures and the summary.")
@click.option("--json", "as_json", is_flag=True, help="Print the library report as JSON.")
@handle_errors
def library(sources: tuple[str, ...], site: Path, base_url: str | None, title: str | None, formats: str | None,
            cache_dir: Path | None, jobs: int | None, force: bool, quiet: bool, as_json: bool) -> None:
    """Build a clinic's library: every guide of SOURCES into SITE/<slug>/, with an index, a feed and a hold programme.

    SOURCES are article files, guide scripts, folders of them, URLs, or a
    library.yaml listing them with per-guide settings. Unchanged guides are
    kept; a guide whose source left the library is removed. A guide that
    fails is reported and the others go on; the exit status is the number
    of guides that failed.

    Example: audioguide library articles/ -o site --base-url https://clinic.example/audio/
    """
    from audioguide.exporters.registry import parse_formats
    from audioguide.library import LibraryEvent, LibraryOptions, build_library
    from audioguide.model.settings import check_base_url

    url = check_base_url(base_url, "--base-url") if base_url else None
    options = LibraryOptions(site=site, cache_dir=cache_dir, jobs=jobs, force=force, base_url=url, title=title,
                             formats=parse_formats(formats, published=bool(url)) if formats else None)
    bars: dict[str, Any] = {}

    def close_bars() -> None:
        for bar in bars.values():
            if not bar.finished:
                bar.__exit__(None, None, None)
        bars.clear()

    def on_event(event: LibraryEvent) -> None:
        if event.kind == "failed":
            close_bars()
            click.echo(f"[{event.index}/{event.total}] failed: {event.message}", err=True)
            return
        if quiet:
            return
        if event.kind == "start":
            click.echo(f"[{event.index}/{event.total}] {event.source}", err=True)
        elif event.kind == "progress" and event.progress is not None:
            p = event.progress
            bar = bars.get(p.stage)
            if bar is None:
                label = {"clips": "  clips  ", "tracks": "  tracks ", "formats": "  formats"}[p.stage]
                bar = click.progressbar(length=p.total, label=label, file=sys.stderr, show_pos=True)
                bar.__enter__()
                bars[p.stage] = bar
            bar.update(p.done - bar.pos)
            if p.done >= p.total:
                bar.__exit__(None, None, None)
        elif event.kind in ("built", "unchanged"):
            close_bars()
            click.echo(f"[{event.index}/{event.total}] {event.slug}: {event.kind}", err=True)
        elif event.kind == "removed":
            click.echo(f"removed {event.slug}/ ({event.source} is no longer in the library)", err=True)
        elif event.kind == "site":
            click.echo("Writing the index, feed and phone programme", err=True)

    try:
        report = build_library(list(sources), options, on_event)
    finally:
        close_bars()
    failed = len(report.failed)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    elif not quiet or failed:
        counts = {status: sum(1 for g in report.guides if g.status == status) for status in ("built", "unchanged")}
        click.echo(f"{len(report.guides)} guides: {counts['built']} built, {counts['unchanged']} unchanged, "
                   f"{failed} failed, {len(report.removed)} removed; phone programme {report.phone}; "
                   f"{report.seconds:.1f} s. Site written to {report.site}/")
    if failed:
        sys.exit(min(failed, 125))


# ---------------------------------------------------------------- init

@main.command()
@_source_argument
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="Where to write the guide script (.yaml).")
@_structure_options
@click.option("--force", is_flag=True, help="Overwrite an existing guide script.")
@handle_errors
def init(source: str, output: Path, keep_furniture: bool, faq_mode: str | None, force: bool) -> None:
    """Write SOURCE's detected structure as an editable YAML guide script.

    SOURCE is a .txt, .md, .html or .yaml file, or an http(s) URL.

    Example: audioguide init examples/article.txt -o guide.yaml
    """
    import os

    from audioguide.files import write_atomic
    from audioguide.sources.guide_script import dump_guide
    from audioguide.sources.load import is_url

    if output.exists() and not force:
        raise AudioguideError(f"{output}: already exists (use --force to overwrite)")
    loaded = _load(source, keep_furniture)
    settings = _settings(loaded.settings, faq_mode=faq_mode)
    document = loaded.document
    if document.source and not is_url(document.source):
        # source: is relative to the guide script, wherever it is written.
        where = Path(document.source).resolve()
        document = dataclasses.replace(document, source=os.path.relpath(where, output.parent.resolve()))
    text = dump_guide(document, settings)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(output, text, mode=_normal_mode())
    except OSError as exc:
        raise AudioguideError(f"{output}: cannot write ({exc.strerror})") from None
    _echo(f"Wrote {output} ({len(loaded.document.chapters)} chapters). Edit it, then: audioguide build {output}")


# ---------------------------------------------------------------- say

@main.command()
@click.argument("text")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=Path("say.mp3"),
              show_default=True, help="Where to write the clip (MP3; an existing file is replaced).")
@click.option("--no-audio", is_flag=True, help="Only print the speech text; make no sound file.")
@click.option("--guide", "guide", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Use a guide script's voice, pauses, pronunciations and lexicon files.")
@_voice_options
@_lexicon_option
@handle_errors
def say(text: str, output: Path, no_audio: bool, guide: Path | None, lexicon_files: tuple[Path, ...],
        **overrides: Any) -> None:
    """Say TEXT as a guide would: print the speech text, write a short clip.

    The speech text (after normalization and pronunciation lexicons, one
    sentence per line) goes to stdout; the clip is mastered like a track and
    written to -o (default say.mp3 in the current folder). The voice options
    are build's.

    Example: audioguide say "Take 2.5 mg twice daily" --lexicon words.pls -o dose.mp3
    """
    from audioguide.speech import build_lexicon
    from audioguide.speech import find_warnings
    from audioguide.speech.clips import speak_text

    loaded = None
    if guide is not None:
        from audioguide.sources.load import load_source

        loaded = load_source(guide)
        if loaded.settings is None:
            raise AudioguideError(f"{guide}: not a guide script (use a .yaml file written by audioguide init)")
    settings = _with_lexicons(_settings(loaded.settings if loaded else None, **overrides), loaded, lexicon_files)
    clips = speak_text(text, settings.pauses, build_lexicon(settings))
    if not clips:
        raise AudioguideError("nothing to say: the text has no words")
    for clip in clips:
        _echo(clip.speech)
    for warning in find_warnings(text):
        _echo(f"warning: {warning.text!r}: {warning.message}", err=True)
    if no_audio:
        return
    seconds = _write_clip(clips, settings, output)
    _echo(f"Wrote {output} ({seconds:.1f} s)", err=True)


def _write_clip(clips: list, settings: GuideSettings, output: Path) -> float:
    """Synthesize, assemble with the guide's pauses, master and encode ``clips`` to ``output``."""
    import os
    import tempfile

    from audioguide.audio.assemble import assemble
    from audioguide.synth.engines import create_engine
    from audioguide.audio.render import master_to_mp3

    engine = create_engine(settings.voice)
    try:
        audio = [engine.synthesize(clip.speech) for clip in clips]
    finally:
        engine.close()
    rate = engine.sample_rate
    samples, _ = assemble([a.samples for a in audio], [c.pause_after_ms for c in clips], rate,
                          head_ms=settings.pauses.head_ms, tail_ms=settings.pauses.tail_ms)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".mp3", dir=output.parent)
        os.close(fd)
    except OSError as exc:
        raise AudioguideError(f"{output}: cannot write ({exc.strerror})") from None
    try:
        master_to_mp3(samples, rate, settings, Path(tmp))
        _normal_permissions(tmp)
        os.replace(tmp, output)
    except OSError as exc:
        raise AudioguideError(f"{output}: cannot write ({exc.strerror})") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return len(samples) / rate


def _normal_mode() -> int:
    """The permissions any new file would get (0666 less the umask), for one made with mkstemp (0600)."""
    import os

    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _normal_permissions(path: str | Path) -> None:
    import os

    os.chmod(path, _normal_mode())


# ---------------------------------------------------------------- cache

@main.group()
def cache() -> None:
    """Inspect or prune the clip cache.

    Example: audioguide cache info
    """


def _cache_option(func: Callable) -> Callable:
    return click.option(
        "--cache-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
        help="Clip cache folder (default: the user cache folder, or $AUDIOGUIDE_CACHE_DIR).",
    )(func)


def _size(count: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024
    return f"{count} B"


@cache.command("info")
@_cache_option
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@handle_errors
def cache_info(cache_dir: Path | None, as_json: bool) -> None:
    """Show where the clip cache is, how many clips it holds and their size.

    Example: audioguide cache info --json
    """
    from audioguide.synth.cache import ClipCache, default_cache_dir

    stats = ClipCache(cache_dir or default_cache_dir()).stats()
    if as_json:
        _echo_json({"root": str(stats.root), "entries": stats.entries, "bytes": stats.bytes}, indent=None)
        return
    _echo(f"{stats.root}\n{stats.entries} clips, {_size(stats.bytes)}")


@cache.command("prune")
@_cache_option
@click.option("--unused-by", "unused_by", type=click.Path(path_type=Path, file_okay=False, exists=True), default=None,
              help="Remove clips that no guide in this folder (searched recursively) uses.")
@click.option("--older-than", "older_than", type=click.FloatRange(min=0), default=None,
              help="Remove clips not used for this many days.")
@click.option("--all", "prune_all", is_flag=True, help="With --unused-by: remove the clips even if the folder holds no guide.")
@click.option("--dry-run", is_flag=True, help="Only say what would be removed.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@handle_errors
def cache_prune(cache_dir: Path | None, unused_by: Path | None, older_than: float | None, prune_all: bool,
                dry_run: bool, as_json: bool) -> None:
    """Remove clips no guide uses, or clips unused for N days.

    Example: audioguide cache prune --unused-by output/ --older-than 30
    """
    from audioguide.synth.cache import ClipCache, default_cache_dir
    from audioguide.model.manifest import clip_keys_used_under

    if unused_by is None and older_than is None:
        raise AudioguideError("cache prune: say what to remove: --unused-by FOLDER and/or --older-than DAYS")
    from audioguide.model.manifest import MANIFEST_NAME

    keep = clip_keys_used_under(unused_by) if unused_by is not None else None
    if unused_by is not None and not prune_all and not any(unused_by.rglob(MANIFEST_NAME)):
        raise AudioguideError(
            f"cache prune: {unused_by} holds no guide (no {MANIFEST_NAME} in it or below), so every clip would "
            "go; give the folder your guides are in, or add --all to empty the cache"
        )
    clip_cache = ClipCache(cache_dir or default_cache_dir())
    removed = clip_cache.prune(keep=keep, older_than_s=None if older_than is None else older_than * 86400,
                               dry_run=dry_run)
    left = clip_cache.stats()
    if as_json:
        _echo_json({"removed": removed.entries, "removed_bytes": removed.bytes,
                    "entries": left.entries, "bytes": left.bytes, "dry_run": dry_run}, indent=None)
        return
    if dry_run:
        _echo(f"Would remove {removed.entries} clips ({_size(removed.bytes)}) of {left.entries} "
              f"({_size(left.bytes)}).")
        return
    _echo(f"Removed {removed.entries} clips ({_size(removed.bytes)}); {left.entries} left ({_size(left.bytes)}).")


# ---------------------------------------------------------------- voices

@main.command()
@click.option("--engine", default=None, help="Only this engine's voices.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@handle_errors
def voices(engine: str | None, as_json: bool) -> None:
    """List the voices: engine, language, sex, sample rate, offline or not, the default.

    Pick one with --voice NAME (the engine follows from it).

    Example: audioguide voices --engine piper
    """
    from audioguide.synth.engines.registry import list_voices

    rows = list_voices(engine)
    if as_json:
        _echo_json([dataclasses.asdict(v) for v in rows])
        return
    named = [v for v in rows if v.offline]
    online = [v for v in rows if not v.offline]
    if named:
        _echo(f"{'voice':<8} {'engine':<7} {'language':<9} {'sex':<7} {'rate':<10} {'offline':<8} "
                   f"{'default':<8} about")
        for v in named:
            rate = f"{v.sample_rate / 1000:g} kHz" if v.sample_rate else "?"
            _echo(f"{v.name:<8} {v.engine:<7} {v.language:<9} {v.sex or '-':<7} {rate:<10} {'yes':<8} "
                       f"{'yes' if v.default else '':<8} {v.description}".rstrip())
    if online:
        if named:
            _echo("")
        by_engine: dict[str, list] = {}
        for v in online:
            by_engine.setdefault(v.engine, []).append(v)
        for name, group in by_engine.items():
            rate = f"{group[0].sample_rate / 1000:g} kHz" if group[0].sample_rate else "?"
            _echo(f"{name}: online (needs the internet), {rate}; --engine {name} --lang CODE, one of:")
            _echo("  " + ", ".join(v.name for v in group))


# ---------------------------------------------------------------- words

@main.command()
@_source_argument
@_voice_options
@_lexicon_option
@_structure_options
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@click.option("--lexicon-stub", "stub", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Also write the words as a YAML lexicon (word: reading) to fill in.")
@click.option("--force", is_flag=True, help="Overwrite an existing --lexicon-stub file.")
@handle_errors
def words(source: str, as_json: bool, stub: Path | None, force: bool, keep_furniture: bool,
          faq_mode: str | None, lexicon_files: tuple[Path, ...], **overrides: Any) -> None:
    """List the words of SOURCE to review before building: what the voice guesses at,
    acronyms and abbreviations, and what the lexicons and reading rules rewrote.

    Each with how it will be said (the speech text and the voice's phonemes:
    espeak's for Piper, misaki's for hibari), grouped and counted, most frequent first. Listen to one with
    audioguide say --voice V WORD.

    Example: audioguide words examples/article.txt --lexicon-stub words.yaml
    """
    from audioguide.files import write_atomic
    from audioguide.verify.words import lexicon_stub, review_source

    loaded = _load(source, keep_furniture)
    settings = _with_lexicons(_settings(loaded.settings, faq_mode=faq_mode, **overrides), loaded, lexicon_files)
    found = review_source(source, settings, loaded=loaded)
    if stub is not None:
        if stub.exists() and not force:
            raise AudioguideError(f"{stub}: already exists (use --force to overwrite)")
        try:
            stub.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(stub, lexicon_stub(found))
        except OSError as exc:
            raise AudioguideError(f"{stub}: cannot write ({exc.strerror})") from None
    if as_json:
        _echo_json([w.to_dict() for w in found])
        return
    kinds = {"guessed": "Words the voice guesses at", "acronym": "Acronyms and abbreviations",
             "lexicon": "Rewritten by a lexicon", "rule": "Rewritten by the reading rules"}
    for kind, heading in kinds.items():
        group = [w for w in found if w.kind == kind]
        if not group:
            continue
        _echo(f"{heading} ({len(group)}):")
        for w in group:
            said = "" if w.speech == w.written else f" -> {w.speech}"
            phon = f"  /{w.phonemes}/" if w.phonemes else ""
            _echo(f"  {w.count:>4}  {w.written}{said}{phon}")
    if stub is not None:
        _echo(f"Wrote {stub}: fill in the readings, then build with --lexicon {stub}", err=True)


# ---------------------------------------------------------------- verify

def _run_verify(outdir: Path, asr_model: Path | None, max_wer: float | None, quiet: bool) -> Any:
    from audioguide.verify import DEFAULT_MAX_WER, verify_guide
    from audioguide.verify.report import write_html

    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if quiet:
            return
        if bar is None:
            bar = click.progressbar(length=total, label="Listening to tracks", file=sys.stderr, show_pos=True)
            bar.__enter__()
        bar.update(done - bar.pos)
        if done >= total:
            bar.__exit__(None, None, None)

    report = verify_guide(outdir, model_dir=asr_model, max_wer=DEFAULT_MAX_WER if max_wer is None else max_wer,
                          progress=progress)
    words = _guide_words(outdir)
    write_html(report, outdir, words)
    return report


def _guide_words(outdir: Path) -> list:
    from audioguide.verify.words import review_guide

    try:
        return review_guide(outdir)
    except AudioguideError as exc:  # the review is a bonus: the check itself has run
        logger.warning("pronunciation review skipped: %s", exc)
        return []


def _print_verify(report: Any, as_json: bool) -> None:
    if as_json:
        _echo_json(report.to_dict())
    else:
        for track in report.tracks:
            flag = "  over the limit" if track.wer > report.max_wer else ""
            _echo(f"Track {track.number:>2}  WER {track.wer * 100:5.1f} % ({track.errors}/{track.words} words)"
                       f"  {len(track.findings)} finding{'' if len(track.findings) == 1 else 's'}{flag}  {track.title}")
            for f in track.findings:
                mark = "CRITICAL " + ",".join(f.categories) if f.critical else "minor"
                minutes, seconds = divmod(f.time_s, 60)
                _echo(f"    {int(minutes)}:{seconds:05.2f}  {mark}: should say \"{f.expected or '(nothing)'}\", "
                           f"heard \"{f.heard or '(nothing)'}\"{'  (' + f.note + ')' if f.note else ''}")
                if f.critical:
                    _echo(f"             clip: {_shorten(f.speech, 90)}")
        _echo(
            f"{'Passed' if report.passed else 'FAILED'}: {len(report.critical)} critical, WER {report.wer * 100:.1f} % "
            f"over {report.words} words; {report.rechecked_clips} clips re-checked, {report.false_alarms} alarms "
            f"dismissed; {report.audio_seconds:.0f} s of audio in {report.seconds:.1f} s with {report.model}. "
            f"Report: {report.folder / 'verify.html'}"
        )


@main.command()
@click.argument("outdir", type=click.Path(path_type=Path, file_okay=False, exists=True))
@_verify_options
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
    report = _run_verify(outdir, asr_model, max_wer, quiet or as_json)
    _print_verify(report, as_json)
    if not report.passed:
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
