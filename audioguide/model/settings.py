"""Typed settings for a build: voice, pauses, loudness, announcements, encoding.

Each setting is declared once, as a field made by :func:`setting`: its type
and default, the range of a number, its help text, its key in the guide
script and its command-line option. Everything else walks these
declarations: the guide script's reader and writer (sources.settings_yaml),
the command line's options (cli.options), :func:`with_overrides` and
:func:`settings_from_dict`. Adding a setting is adding a field here.
"""

from __future__ import annotations

import math
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields, is_dataclass, replace
from enum import Enum
from functools import cache
from typing import Any, NamedTuple

from audioguide.errors import AudioguideError
from audioguide.model.checks import check_base_url, check_format_name, check_locale, check_template, lower
from audioguide.model.document import DEFAULT_ADDRESS_NOTE, DEFAULT_CODE_NOTE

DEFAULT_ANNOUNCE_TEMPLATE = "Track {number} of {total}. {title}"
DEFAULT_VOICE = "heart"  # a voice name; its engine follows from it (synth.engines.registry.resolve_voice)
# Parts of a guide that may have a voice of their own (GuideSettings.voices). "question" is an FAQ's
# question (also when the track's announcement says it), "answer" everything else in an FAQ
# track; the others are the roles of model.plan.Passage, wherever they are.
VOICE_ROLES = ("announcement", "heading", "lead", "question", "answer", "paragraph", "item")
MAX_PAUSE_MS = 30_000  # a pause is silence held in memory per track: 30 s is already no pause


@dataclass(frozen=True)
class Spec:
    """How users write one setting (see :func:`setting`)."""

    help: str  # one line for the guide script's header and the option's --help
    key: str | None = None  # the guide script's key, when it is not the field's name
    limit: tuple[float, float] | None = None  # a number's range (of each number, for a list)
    option: str | None = None  # the command-line option ("--rate"); None: in the guide script only
    check: Callable[[Any, str | None], Any] | None = None  # of a text value: model.checks
    keys: tuple[str, ...] | None = None  # the keys a mapping may have (None: any word)
    noun: str | None = None  # what one value is called in errors ("faq mode", "track number")
    kind: str | None = None  # a reading its type does not say: "image" (a picture beside the script)
    written: Callable[[Any, Any], bool] | None = None  # whether init writes it: f(value, owner)


def setting(default: Any = MISSING, *, factory: Any = MISSING, **spec: Any) -> Any:
    """A settings field with its :class:`Spec` (``help``, ``limit``, ``option``...)."""
    return field(default=default, default_factory=factory, metadata={"setting": Spec(**spec)})


class FaqMode(str, Enum):
    EACH = "each"  # one track per question
    SINGLE = "single"  # all questions in one track


def _gtts_or_changed(default: str) -> Callable[[Any, Any], bool]:
    """Written when the engine is gTTS (whose settings they are) or when changed."""
    return lambda value, voice: voice.engine == "gtts" or value != default


@dataclass(frozen=True)
class VoiceSettings:
    """Which engine speaks, with which voice, how fast.

    ``engine`` and ``voice`` may be left out: the engine follows from the voice
    (heart: hibari, joe or a .onnx file: Piper), the voice from the engine (its
    own default), and with neither the guide speaks in :data:`DEFAULT_VOICE`.
    """

    engine: str | None = setting(
        None,
        option="--engine",
        check=lower,
        help="speech engine: hibari or piper (offline) or gtts (online); follows from the voice when not given",
    )
    voice: str | None = setting(
        None,
        option="--voice",
        help="voice by name: heart (hibari), joe (Piper) or a path to a Piper .onnx voice; "
        "for gtts a language; 'audioguide voices' lists them",
    )
    rate: float = setting(
        1.0,
        limit=(0.25, 4.0),
        option="--rate",
        help="speaking time, 1.0 = normal: speech takes 1/rate as long (0.9: 11 % longer)",
    )
    lang: str = setting(
        "en", option="--lang", written=_gtts_or_changed("en"), help="language of gTTS (en, es)"
    )
    tld: str = setting(
        "com",
        option="--tld",
        written=_gtts_or_changed("com"),
        help="Google host of gTTS, e.g. com, co.uk (changes the accent)",
    )


def _pause(default: int, help: str) -> Any:
    return setting(default, limit=(0, MAX_PAUSE_MS), help=help)


@dataclass(frozen=True)
class Pauses:
    """Silence we insert, in milliseconds (engines add none of their own)."""

    head_ms: int = _pause(500, "before a track's first words")
    after_announcement_ms: int = _pause(700, "after 'Track n of N. Title'")
    sentence_ms: int = _pause(350, "between sentences")
    paragraph_ms: int = _pause(800, "after a paragraph")
    question_answer_ms: int = _pause(700, "between an FAQ's question and its answer")
    tail_ms: int = _pause(1500, "after a track's last words")
    item_ms: int = _pause(450, "between the items of a list (the last item gets paragraph_ms)")


@dataclass(frozen=True)
class Loudness:
    """Mastering targets (ITU-R BS.1770 integrated loudness, true peak)."""

    # quieter than -30 or louder than -10 LUFS is no listening level
    target_lufs: float = setting(
        -16.0, limit=(-30.0, -10.0), option="--target-lufs", help="integrated loudness target in LUFS"
    )
    true_peak_dbtp: float = setting(-1.0, limit=(-20.0, 0.0), help="the highest true peak in dBTP")


@dataclass(frozen=True)
class Encoding:
    """MP3 output: constant bit rate, mono, at the engine's sample rate."""

    bitrate_kbps: int = setting(64, limit=(8, 320), option="--bitrate", help="MP3 constant bit rate in kbps")


@dataclass(frozen=True)
class HoldProgramme:
    """The phone hold-line loop: which tracks, the gaps, an opening line, a length bound."""

    tracks: tuple[int, ...] | None = setting(
        None, limit=(1, 9999), noun="track number", help="track numbers (default: all but the conclusion)"
    )
    gap_ms: int = setting(2000, limit=(0, 60_000), help="silence after each track")
    opening: str | None = setting(
        "Thank you for holding. While you wait, here is some information from our clinic.",
        help="said first (text, or null for none)",
    )
    repeat_opening: bool = setting(True, help="say the opening line again between tracks")
    max_seconds: float = setting(600.0, limit=(1, 86_400), help="the programme's longest length")
    max_bytes: int | None = setting(
        None, limit=(1, 10**12), help="the 8 kHz G.711 file's largest size (1 byte a sample)"
    )


@dataclass(frozen=True)
class GuideSettings:
    """Everything that shapes the audio, apart from the text itself.

    The fields' order is the manifest's (``manifest.json`` stores them as
    declared) and the guide script's.
    """

    voice: VoiceSettings = setting(factory=VoiceSettings, help="the voice that speaks")
    pauses: Pauses = setting(factory=Pauses, help="silences in milliseconds")
    loudness: Loudness = setting(factory=Loudness, help="mastering targets")
    encoding: Encoding = setting(factory=Encoding, help="the MP3 files")
    announce: bool = setting(
        True, option="--announce", help="open each track with the announcement template, spoken aloud"
    )
    announce_template: str = setting(
        DEFAULT_ANNOUNCE_TEMPLATE,
        option="--announce-template",
        check=check_template,
        help="the announcement, with {number}, {total}, {title}, {kind}, {group}",
    )
    faq_mode: FaqMode = setting(
        FaqMode.EACH,
        key="faq",
        option="--faq",
        noun="faq mode",
        help="each: one track per FAQ question; single: all questions in one track",
    )
    pronunciations: dict[str, str] = setting(
        factory=dict,
        noun="word: how to say it",
        help="word: how to say it (e.g. NSAIDs: en-seds); wins over lexicon files",
    )
    hold: HoldProgramme = setting(
        factory=HoldProgramme,
        written=lambda value, _: value != HoldProgramme(),
        help="the phone hold programme (formats: phone)",
    )
    cover_image: str | None = setting(
        None,
        kind="image",
        help="JPEG or PNG beside this file: the cover of the M4B audiobook and the podcast feed",
    )
    locale: str | None = setting(
        None,
        option="--locale",
        check=check_locale,
        help="the guide's locale, e.g. en-US or en-GB: how numeric dates such as 3/4/2024 are read "
        "(without one: as written)",
    )
    formats: tuple[str, ...] | None = setting(
        None,
        check=check_format_name,
        help="what build makes: all, or a list (tracks, single, m4b, captions, daisy, epub, web, "
        "phone, podcast, qr); --formats on the command line wins",
    )
    base_url: str | None = setting(
        None,
        option="--base-url",
        check=check_base_url,
        help="where the guide folder is published (https://...): the podcast feed's and QR code's links",
    )
    voices: dict[str, str] = setting(
        factory=dict,
        keys=VOICE_ROLES,
        noun="role",
        option="--voices",
        written=lambda value, _: bool(value),
        help="a voice of their own for parts of the guide (" + ", ".join(VOICE_ROLES) + ")",
    )
    # Said where the page shows code or a terminal session, and where it shows a web address on a
    # line of its own: neither is read character by character.
    code_note: str = setting(
        DEFAULT_CODE_NOTE,
        written=lambda value, _: value != DEFAULT_CODE_NOTE,
        help="said where the page shows code (default: " + DEFAULT_CODE_NOTE + ")",
    )
    address_note: str = setting(
        DEFAULT_ADDRESS_NOTE,
        written=lambda value, _: value != DEFAULT_ADDRESS_NOTE,
        help="said where the page shows a web address on a line of its own",
    )

    def voice_for(self, *roles: str) -> VoiceSettings:
        """The voice of the first of ``roles`` (most specific first) that has one, else ``voice``."""
        for role in roles:
            name = self.voices.get(role)
            if name:
                return VoiceSettings(
                    voice=name, rate=self.voice.rate, lang=self.voice.lang, tld=self.voice.tld
                )
        return self.voice


# --------------------------------------------------------------------------- the declarations


@dataclass(frozen=True)
class Declared:
    """One declared setting, as the walkers see it."""

    name: str  # the field's name (and the command-line option's parameter name)
    key: str  # the guide script's key
    path: str  # dotted keys from the top ("voice.rate"): how errors and LIMITS name it
    type: Any  # the field's type (None removed; see ``optional``)
    optional: bool  # None is a value
    default: Any
    spec: Spec


@cache
def declared(cls: type, prefix: str = "") -> tuple[Declared, ...]:
    """The settings of the dataclass ``cls``, in field order (a nested group is one of them)."""
    hints = typing.get_type_hints(cls)
    found = []
    for item in fields(cls):
        spec = item.metadata.get("setting")
        if spec is None:
            continue
        kind, optional = hints[item.name], False
        if isinstance(kind, types.UnionType) and type(None) in kind.__args__:
            (kind,), optional = [a for a in kind.__args__ if a is not type(None)], True
        default = item.default if item.default is not MISSING else item.default_factory()  # type: ignore[misc]
        key = spec.key or item.name
        found.append(Declared(item.name, key, prefix + key, kind, optional, default, spec))
    return tuple(found)


def is_group(item: Declared) -> bool:
    """A setting that is a group of settings (``voice``, ``pauses``, ``hold``...)."""
    return is_dataclass(item.type)


def all_declared(cls: type = GuideSettings, prefix: str = "") -> list[tuple[tuple[str, ...], Declared]]:
    """Every setting under ``cls`` with the field names that lead to it, groups before their members."""
    out: list[tuple[tuple[str, ...], Declared]] = []
    for item in declared(cls, prefix):
        out.append(((item.name,), item))
        if is_group(item):
            out += [((item.name, *names), inner) for names, inner in all_declared(item.type, item.path + ".")]
    return out


class Limit(NamedTuple):
    low: float
    high: float
    whole: bool  # an int setting: no fraction


def _limits() -> dict[str, Limit]:
    table = {}
    for _, item in all_declared():
        if item.spec.limit is not None:
            whole = item.type is int or typing.get_args(item.type)[:1] == (int,)
            table[item.path] = Limit(*item.spec.limit, whole)
    return table


# The range of every number a user may set, by setting name, from the declarations above. Checked
# by the guide script (located errors), the command line and library.yaml alike: a rate of 1e-9
# asks Piper for a 978 GB buffer, nan or +50 LUFS breaks mastering, a pause of a day is gigabytes.
LIMITS: dict[str, Limit] = _limits()


def number_problem(name: str, value: Any, shown: str | None = None) -> str | None:
    """What is wrong with ``value`` for the setting ``name`` ("voice.rate"), or None.

    The answer completes a sentence that starts with how the user wrote the
    setting: "--rate must be between 0.25 and 4, not nan". ``shown``: the value
    as the user wrote it (default: the number).
    """
    low, high, whole = LIMITS[name]
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if shown is None:
        shown = f"{value:g}" if isinstance(value, float) else (str(value) if number else repr(value))
    if not number or not math.isfinite(value) or (whole and not float(value).is_integer()):
        return f"must be a {'whole ' if whole else ''}number, not {shown}"
    if whole and value < low:
        return f"must be at least {int(low)}, not {shown}"
    if whole and value > high:
        return f"must be at most {int(high)}, not {shown}"
    if not low <= value <= high:
        return f"must be between {low:g} and {high:g}, not {shown}"
    return None


def _from_json(kind: Any, value: Any) -> Any:
    if value is None:
        return None
    if is_dataclass(kind):
        return from_dict(kind, value)
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind(value)
    origin = typing.get_origin(kind)
    if origin is tuple:
        return tuple(value)
    if origin is dict:
        return dict(value)
    return value


def from_dict(cls: type, data: Mapping[str, Any]) -> Any:
    """A settings dataclass back from ``dataclasses.asdict``; keys it does not declare are ignored."""
    values = {}
    for item in declared(cls):
        if item.name in data:
            values[item.name] = _from_json(item.type, data[item.name])
    return cls(**values)


def settings_from_dict(data: Mapping[str, Any]) -> GuideSettings:
    """Settings back from ``dataclasses.asdict`` (as the manifest stores them)."""
    return from_dict(GuideSettings, data)


# --------------------------------------------------------------------------- the command line


def option_value(item: Declared, value: Any) -> Any:
    """A command-line option's value for a setting, checked as the guide script's is."""
    label = item.spec.option
    if item.path in LIMITS:
        problem = number_problem(item.path, value)
        if problem:
            raise AudioguideError(f"{label} {problem}")
        return int(value) if LIMITS[item.path].whole else float(value)
    if isinstance(item.type, type) and issubclass(item.type, Enum):
        return item.type(value)
    if item.type is str and not value.strip():
        raise AudioguideError(f"{label} must not be empty")
    if item.spec.check is not None:
        return item.spec.check(value, None)
    return value


def with_overrides(
    settings: GuideSettings | None,
    overrides: Mapping[str, Any],
    *,
    other_voice: Callable[[VoiceSettings], str] | None = None,
) -> GuideSettings:
    """Guide-script settings (or the defaults) with command-line options laid on top.

    ``overrides`` holds the options by their setting's name (``rate``,
    ``voice``, ``faq_mode``...; None means "not given"), checked as the guide
    script's values are. A new voice without an engine takes the engine it
    belongs to, a new engine its own default voice. ``faq_dialogue`` gives
    the questions ``other_voice(voice)``; ``voices`` win over it.
    """
    settings = settings or GuideSettings()
    given: dict[str, Any] = {}
    for names, item in all_declared():
        if item.spec.option and overrides.get(item.name) is not None:
            value = given[item.name] = option_value(item, overrides[item.name])
            if typing.get_origin(item.type) is dict:  # laid over the script's entries
                value = {**_value_at(settings, names), **value}
            settings = _replace_at(settings, names, value)
    if "voice" in given and "engine" not in given:
        settings = replace(settings, voice=replace(settings.voice, engine=None))  # follows from the voice
    if "engine" in given and "voice" not in given:
        settings = replace(settings, voice=replace(settings.voice, voice=None))  # the engine's own default
    if overrides.get("faq_dialogue") and other_voice is not None:
        question = {"question": other_voice(settings.voice)}
        settings = replace(settings, voices={**settings.voices, **question, **given.get("voices", {})})
    return settings


def _value_at(owner: Any, names: tuple[str, ...]) -> Any:
    for name in names:
        owner = getattr(owner, name)
    return owner


def _replace_at(owner: Any, names: tuple[str, ...], value: Any) -> Any:
    """``owner`` with the field at ``names`` (a path through nested groups) set to ``value``."""
    if len(names) == 1:
        return replace(owner, **{names[0]: value})
    return replace(owner, **{names[0]: _replace_at(getattr(owner, names[0]), names[1:], value)})
