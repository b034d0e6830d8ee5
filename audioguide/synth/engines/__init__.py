"""Speech engines behind one interface, chosen by name from a registry."""

from audioguide.synth.engines.base import Audio, Engine, VoiceInfo
from audioguide.synth.engines.registry import available_engines, create_engine, engine_class

__all__ = ["Audio", "Engine", "VoiceInfo", "available_engines", "create_engine", "engine_class"]
