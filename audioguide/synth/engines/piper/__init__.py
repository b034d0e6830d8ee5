"""Piper: an offline engine (see :mod:`~audioguide.synth.engines.piper.engine`).

Importing the package registers the engine.
"""

from audioguide.synth.engines.piper.engine import (
    BUNDLED_VOICE,
    MAX_WORDS_PER_PASS,
    PiperEngine,
    bundled_voice_path,
    pieces,
    resolve_voice,
)

__all__ = [
    "BUNDLED_VOICE",
    "MAX_WORDS_PER_PASS",
    "PiperEngine",
    "bundled_voice_path",
    "pieces",
    "resolve_voice",
]
