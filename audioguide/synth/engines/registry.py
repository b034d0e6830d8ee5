"""Engine registry: name -> class, and voices by name across engines.

``--voice heart`` is hibari's, ``--voice joe`` and ``--voice path/to/x.onnx``
are Piper's: the engine follows from the voice unless ``--engine`` names it
(Google's voices are languages and need ``--engine gtts``, since they go
online). :func:`resolve_voice` fills in both.
"""

from __future__ import annotations

import dataclasses
import importlib
import logging

from audioguide.errors import EngineError
from audioguide.model.settings import DEFAULT_VOICE, VoiceSettings
from audioguide.synth.engines.base import Engine, VoiceInfo

logger = logging.getLogger(__name__)

_ENGINES: dict[str, type[Engine]] = {}


def register(cls: type[Engine]) -> type[Engine]:
    """Class decorator: make an engine selectable by its ``name``."""
    _ENGINES[cls.name] = cls
    return cls


# Built-in engines by name -> module, imported only when asked for, so that
# `audioguide outline` never loads onnxruntime and a Piper build never loads requests.
_BUILTIN_MODULES = {
    "hibari": "audioguide.synth.engines.hibari",
    "piper": "audioguide.synth.engines.piper",
    "gtts": "audioguide.synth.engines.gtts",
}
# Engines whose voices are picked by name alone (gTTS's "voices" are languages, and online).
_NAMED_VOICE_ENGINES = ("hibari", "piper")


def available_engines() -> dict[str, type[Engine]]:
    """All registered engines by name, built-ins first."""
    for module in _BUILTIN_MODULES.values():
        importlib.import_module(module)
    return dict(_ENGINES)


def engine_class(name: str) -> type[Engine]:
    """The engine class called ``name``, or an error listing the known ones."""
    if name in _BUILTIN_MODULES:
        importlib.import_module(_BUILTIN_MODULES[name])
        return _ENGINES[name]
    engines = available_engines()
    try:
        return engines[name]
    except KeyError:
        known = ", ".join(sorted(engines))
        raise EngineError(f"unknown engine '{name}' (known engines: {known})") from None


def engine_for_voice(voice: str) -> str:
    """The engine whose voice ``voice`` is (a name or a voice file), or a one-line error."""
    for name in (*_NAMED_VOICE_ENGINES, *(n for n in _ENGINES if n not in _BUILTIN_MODULES)):
        if engine_class(name).claims(voice):
            return name
    names = ", ".join(v.name for name in _NAMED_VOICE_ENGINES for v in engine_class(name).voices())
    raise EngineError(
        f"unknown voice '{voice}' (voices here: {names}; or a path to a Piper .onnx voice; "
        "Google's voices: --engine gtts --lang CODE)"
    )


def resolve_voice(settings: VoiceSettings) -> VoiceSettings:
    """The settings with the engine and the voice filled in (see the module docstring)."""
    engine, voice = settings.engine, settings.voice
    if engine is None:
        voice = voice or DEFAULT_VOICE
        engine = engine_for_voice(voice)
    cls = engine_class(engine)
    return dataclasses.replace(settings, engine=cls.name, voice=voice or cls.default_voice)


def voice_label(settings: VoiceSettings) -> str:
    """A resolved voice's short name, as the manifest records it per clip: "hibari:heart"."""
    return f"{settings.engine}:{settings.voice or settings.lang}"


def list_voices(engine: str | None = None) -> list[VoiceInfo]:
    """Every voice usable here (``engine``'s only, when given), the default one marked."""
    default = resolve_voice(VoiceSettings())
    classes = [engine_class(engine)] if engine else list(available_engines().values())
    rows = []
    for cls in classes:
        for info in cls.voices():
            is_default = (cls.name, info.name) == (default.engine, default.voice)
            rows.append(dataclasses.replace(info, default=is_default))
    return rows


def create_engine(settings: VoiceSettings, **options: object) -> Engine:
    """Instantiate the engine of the settings' voice (validates voice and options)."""
    settings = resolve_voice(settings)
    return engine_class(settings.engine)(settings, **options)


def other_bundled_voice(settings: VoiceSettings) -> str:
    """The bundled voice a guide in ``settings`` does not speak in (joe, or heart for a joe guide):
    --faq-dialogue's question voice."""
    return "joe" if resolve_voice(settings).voice != "joe" else "heart"
