"""Typed settings for a build: voice, pauses, loudness, announcements, encoding.

Defaults live here and nowhere else; the guide script and the CLI override them.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any
from urllib.parse import urlsplit

from audioguide.errors import AudioguideError
from audioguide.text import BIDI_CONTROLS

DEFAULT_ANNOUNCE_TEMPLATE = "Track {number} of {total}. {title}"
DEFAULT_VOICE = "heart"  # a voice name; its engine follows from it (synth.engines.registry.resolve_voice)
# Parts of a guide that may have a voice of their own (GuideSettings.voices). "question" is an FAQ's
# question (also when the track's announcement says it), "answer" everything else in an FAQ
# track; the others are the roles of model.plan.Passage, wherever they are.
VOICE_ROLES = ("announcement", "heading", "lead", "question", "answer", "paragraph", "item")

# The range of every number a user may set, by setting name. One table, checked by
# the guide script (located errors) and the command line (--rate, --target-lufs) alike:
# a rate of 1e-9 asks Piper for a 978 GB buffer, nan or +50 LUFS breaks mastering.
LIMITS: dict[str, tuple[float, float]] = {
    "voice.rate": (0.25, 4.0),
    "loudness.target_lufs": (-30.0, -10.0),  # quieter than -30 or louder than -10 is no listening level
    "loudness.true_peak_dbtp": (-20.0, 0.0),
}


def number_problem(name: str, value: float) -> str | None:
    """What is wrong with ``value`` for the setting ``name`` ("voice.rate"), or None.

    The answer completes a sentence that starts with how the user wrote the
    setting: "--rate must be between 0.25 and 4, not nan".
    """
    shown = "nan" if isinstance(value, float) and math.isnan(value) else f"{value:g}"
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
        return f"must be a number, not {shown}" if isinstance(value, (int, float)) else "must be a number"
    low, high = LIMITS[name]
    if not low <= value <= high:
        return f"must be between {low:g} and {high:g}, not {shown}"
    return None


class FaqMode(str, Enum):
    EACH = "each"  # one track per question
    SINGLE = "single"  # all questions in one track


@dataclass(frozen=True)
class VoiceSettings:
    """Which engine speaks, with which voice, how fast.

    ``engine`` and ``voice`` may be left out: the engine follows from the voice
    (heart: hibari, joe or a .onnx file: Piper), the voice from the engine (its
    own default), and with neither the guide speaks in :data:`DEFAULT_VOICE`.
    """

    engine: str | None = None  # None: the engine of ``voice``
    voice: str | None = None  # None: DEFAULT_VOICE, or the engine's own default
    rate: float = 1.0  # speaking time: speech takes 1/rate as long (0.9: 11 % longer)
    lang: str = "en"  # gTTS language
    tld: str = "com"  # gTTS Google host (translate.google.<tld>)


@dataclass(frozen=True)
class Pauses:
    """Silence we insert, in milliseconds (engines add none of their own)."""

    head_ms: int = 500
    after_announcement_ms: int = 700
    sentence_ms: int = 350
    paragraph_ms: int = 800
    question_answer_ms: int = 700
    tail_ms: int = 1500
    item_ms: int = 450  # between the items of a list (the last item gets paragraph_ms)


@dataclass(frozen=True)
class Loudness:
    """Mastering targets (ITU-R BS.1770 integrated loudness, true peak)."""

    target_lufs: float = -16.0
    true_peak_dbtp: float = -1.0


@dataclass(frozen=True)
class Encoding:
    """MP3 output: constant bit rate, mono, at the engine's sample rate."""

    bitrate_kbps: int = 64


@dataclass(frozen=True)
class HoldProgramme:
    """The phone hold-line loop: which tracks, the gaps, an opening line, a length bound."""

    tracks: tuple[int, ...] | None = None  # track numbers; None = all but the conclusion
    gap_ms: int = 2000
    opening: str | None = "Thank you for holding. While you wait, here is some information from our clinic."
    repeat_opening: bool = True  # say the opening line again between tracks
    max_seconds: float = 600.0
    max_bytes: int | None = None  # of the 8 kHz G.711 file (1 byte per sample)


@dataclass(frozen=True)
class GuideSettings:
    """Everything that shapes the audio, apart from the text itself."""

    voice: VoiceSettings = field(default_factory=VoiceSettings)
    pauses: Pauses = field(default_factory=Pauses)
    loudness: Loudness = field(default_factory=Loudness)
    encoding: Encoding = field(default_factory=Encoding)
    announce: bool = True
    announce_template: str = DEFAULT_ANNOUNCE_TEMPLATE
    faq_mode: FaqMode = FaqMode.EACH
    pronunciations: dict[str, str] = field(default_factory=dict)
    hold: HoldProgramme = field(default_factory=HoldProgramme)
    cover_image: str | None = None  # for the M4B audiobook (and the podcast feed's image)
    locale: str | None = None  # "en-US", "en-GB": decides how numeric dates (3/4/2024) are read
    formats: tuple[str, ...] | None = None  # formats the guide script asks for (None: as the output had)
    base_url: str | None = None  # where the guide folder is published (podcast, qr, web links)
    # role (VOICE_ROLES) -> voice name, e.g. {"question": "joe"}: that part speaks in that voice, at
    # the guide's rate; every other part in ``voice``
    voices: dict[str, str] = field(default_factory=dict)

    def voice_for(self, *roles: str) -> VoiceSettings:
        """The voice of the first of ``roles`` (most specific first) that has one, else ``voice``."""
        for role in roles:
            name = self.voices.get(role)
            if name:
                return VoiceSettings(
                    voice=name, rate=self.voice.rate, lang=self.voice.lang, tld=self.voice.tld
                )
        return self.voice


def settings_from_dict(data: dict) -> GuideSettings:
    """Settings back from ``dataclasses.asdict`` (as the manifest stores them)."""
    hold = dict(data.get("hold") or {})
    if hold.get("tracks") is not None:
        hold["tracks"] = tuple(hold["tracks"])
    return GuideSettings(
        voice=VoiceSettings(**data.get("voice", {})),
        pauses=Pauses(**data.get("pauses", {})),
        loudness=Loudness(**data.get("loudness", {})),
        encoding=Encoding(**data.get("encoding", {})),
        announce=data.get("announce", True),
        announce_template=data.get("announce_template", DEFAULT_ANNOUNCE_TEMPLATE),
        faq_mode=FaqMode(data.get("faq_mode", FaqMode.EACH.value)),
        pronunciations=dict(data.get("pronunciations") or {}),
        hold=HoldProgramme(**hold),
        cover_image=data.get("cover_image"),
        locale=data.get("locale"),
        formats=tuple(data["formats"]) if data.get("formats") else None,
        base_url=data.get("base_url"),
        voices=dict(data.get("voices") or {}),
    )


def check_base_url(url: str, what: str = "base URL") -> str:
    """An absolute http(s) URL with a host, without a trailing slash (the folder's URL); else one-line error.

    Feeds and QR codes state absolute URLs: a relative or schemeless one would
    be resolved differently by every podcast app.
    """
    text = url.strip()
    if any(unicodedata.category(c) == "Cc" or c in BIDI_CONTROLS for c in text):
        raise AudioguideError(f"{what} {url!r}: must not contain control characters")
    try:
        parts = urlsplit(text)
        host, port = parts.hostname, parts.port
    except ValueError as exc:  # an unclosed [IPv6 bracket, a port out of range or not a number
        raise AudioguideError(f"{what} {url!r}: not a valid URL ({exc})") from None
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise AudioguideError(f"{what} {url!r}: must be an absolute http:// or https:// URL with a host")
    if port == 0:
        raise AudioguideError(f"{what} {url!r}: not a valid URL (port 0)")
    if parts.query or parts.fragment:
        raise AudioguideError(f"{what} {url!r}: must be a folder's URL, without ?query or #fragment")
    if any(c.isspace() for c in text):
        raise AudioguideError(f"{what} {url!r}: must not contain spaces (write them as %20)")
    return text.rstrip("/")


_NUMBER_OVERRIDES = {
    "rate": ("voice.rate", "--rate"),
    "target_lufs": ("loudness.target_lufs", "--target-lufs"),
}


def with_overrides(
    settings: GuideSettings | None,
    overrides: Mapping[str, Any],
    *,
    other_voice: Callable[[VoiceSettings], str] | None = None,
) -> GuideSettings:
    """Guide-script settings (or the defaults) with command-line options laid on top.

    ``overrides`` holds the options by name (``rate``, ``voice``, ``faq_mode``,
    ``role_voices``...; None means "not given"). Numbers are range-checked by
    :data:`LIMITS`, as the guide script's are. ``faq_dialogue`` gives the
    questions ``other_voice(voice)``; ``role_voices`` win over it.
    """
    for key, (name, option) in _NUMBER_OVERRIDES.items():
        if overrides.get(key) is not None:
            problem = number_problem(name, overrides[key])
            if problem:
                raise AudioguideError(f"{option} {problem}")
    settings = settings or GuideSettings()
    voice = settings.voice
    voice_changes = {
        k: overrides[k] for k in ("engine", "voice", "rate", "lang", "tld") if overrides.get(k) is not None
    }
    if "voice" in voice_changes and "engine" not in voice_changes:
        voice_changes["engine"] = None  # the engine follows from the new voice
    if "engine" in voice_changes and "voice" not in voice_changes:
        voice_changes["voice"] = None  # the new engine's own default voice
    if voice_changes:
        voice = replace(voice, **voice_changes)
    changes: dict[str, Any] = {"voice": voice}
    role_voices = dict(settings.voices)
    if overrides.get("faq_dialogue") and other_voice is not None:
        role_voices["question"] = other_voice(voice)
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
        changes["loudness"] = replace(settings.loudness, target_lufs=overrides["target_lufs"])
    if overrides.get("bitrate") is not None:
        changes["encoding"] = replace(settings.encoding, bitrate_kbps=overrides["bitrate"])
    if overrides.get("locale"):
        changes["locale"] = overrides["locale"]
    if overrides.get("base_url"):
        changes["base_url"] = check_base_url(overrides["base_url"], "--base-url")
    return replace(settings, **changes)
