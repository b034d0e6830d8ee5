"""Speech engines behind one interface, chosen by name from a registry."""

from .base import Audio, Engine, VoiceInfo
from .registry import available_engines, create_engine, engine_class

__all__ = ["Audio", "Engine", "VoiceInfo", "available_engines", "create_engine", "engine_class"]
