"""The engine interface: speech text in, mono float audio at a known rate out."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:  # planning a build must not load numpy (a no-change rebuild never does)
    import numpy as np

from audioguide.model.settings import VoiceSettings


@dataclass(frozen=True)
class Audio:
    """Mono audio: float32 samples in [-1, 1] at ``sample_rate`` Hz."""

    samples: np.ndarray
    sample_rate: int

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sample_rate


@dataclass(frozen=True)
class VoiceInfo:
    """One voice an engine offers, for ``audioguide voices``."""

    engine: str
    name: str
    language: str
    offline: bool
    default: bool = False
    description: str = ""
    sex: str = ""  # female, male ('' when the voice's data does not say)
    sample_rate: int = 0  # Hz of the engine's audio (0: not known without loading the voice)


class Engine(ABC):
    """A text-to-speech engine.

    Subclasses set ``name`` and ``offline``, take their settings in
    ``__init__`` (validating them: a bad voice fails here, not mid-build),
    and synthesize one clip of already-normalized speech text at a time.
    """

    name: ClassVar[str]
    offline: ClassVar[bool]
    default_voice: ClassVar[str | None] = None  # the voice when only the engine is named

    @classmethod
    def claims(cls, voice: str) -> bool:
        """Whether ``voice`` (a name or a path) is one of this engine's, so ``--voice`` alone picks it."""
        return False

    def __init__(self, settings: VoiceSettings) -> None:
        self.settings = settings

    @property
    @abstractmethod
    def sample_rate(self) -> int:
        """Rate of the audio :meth:`synthesize` returns."""

    @abstractmethod
    def synthesize(self, text: str) -> Audio:
        """Speak ``text`` (one sentence or so); no leading/trailing pause added.

        ``--rate`` is speaking time for every engine: at rate r the speech
        takes 1/r as long as at 1.0 (0.9: 11 % longer).
        """

    @abstractmethod
    def identity(self) -> dict[str, object]:
        """Everything that changes the sound: part of every clip's cache key."""

    @classmethod
    @abstractmethod
    def voices(cls) -> list[VoiceInfo]:
        """The voices this engine can use here."""

    def pronunciation(self, word: str) -> tuple[str, bool] | None:
        """How this voice will say ``word``: (its phonemes, whether its dictionary knows the word).

        ``known`` False means the voice guesses from spelling rules. None when
        the engine cannot tell (the default; an online engine never can).
        Used by ``audioguide words`` to list what an editor should review.
        """
        return None

    def preload(self) -> None:
        """Load, in this process, what worker processes forked from it may share.

        Only what is safe across a fork (plain Python data; no threads, no
        sessions, no connections). By default nothing.
        """

    def load(self) -> None:
        """Load the voice now (model, sessions) rather than at the first clip. By default nothing."""

    def close(self) -> None:
        """Release resources (sessions, connections)."""
