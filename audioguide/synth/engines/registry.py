"""Engine registry: name -> class, so CLI, guide scripts and tests pick by name."""

from __future__ import annotations

import importlib
import logging

from audioguide.model.settings import VoiceSettings
from audioguide.errors import EngineError
from audioguide.synth.engines.base import Engine

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


def create_engine(settings: VoiceSettings, **options: object) -> Engine:
    """Instantiate the engine the settings name (validates voice and options)."""
    return engine_class(settings.engine)(settings, **options)
