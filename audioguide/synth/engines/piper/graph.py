"""Rewriting a Piper voice's ONNX graph: seeded noise, exact durations, stages, a faster decoder.

Piper's VITS model draws Gaussian noise inside the graph (two
``RandomNormalLike`` nodes), so the same text sounds slightly different on
every call. A guide must be reproducible (the clip cache, ``--jobs`` and
rebuilds all compare bytes), so when the voice is loaded those two nodes are
rewritten, in memory, into noise inputs the runtime feeds
(:mod:`~audioguide.synth.engines.piper.runtime`): the voice keeps its natural
variation, drawn from a seeded generator, and the same text always gives the
same samples.

The graph is cut into stages (:func:`staged_model`), each ending where the
next noise input's size becomes known, so every noise tensor is drawn at
exactly its size. The decoder's receptive field is read from the graph
(:func:`decoder_reach`) so that the runtime can run it over overlapping
windows, and its 1-D convolutions are rewritten as 2-D ones of height 1
(:func:`decoder_as_2d`): same arithmetic, but onnxruntime runs those on its
faster blocked kernels. :func:`exact_length_scale` makes ``--rate`` scale the
durations exactly.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from audioguide.errors import EngineError

logger = logging.getLogger(__name__)

NOISE_INPUT_PREFIX = "audioguide_noise_"
MODEL_PATCH_VERSION = 4  # bump when the prepared graph changes (part of the clip cache key)
DECODER_PREFIX = "/dec/"  # the names of the HiFi-GAN decoder's nodes in Piper's export
BLANK_ID = 0  # Piper's pad symbol "_", put between phonemes


def deterministic_model(model_path: Path, *, fast_decoder: bool = True):
    """The voice's graph with each RandomNormalLike replaced by a noise input we feed.

    Returns the model, its decoder's input (the latent frames; None when the
    graph has no decoder we can run in windows) and, for each noise input, the
    tensor whose shape it takes (the RandomNormalLike's input). ``fast_decoder``:
    also run the decoder's convolutions as 2-D ones (:func:`decoder_as_2d`).
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
    latent = decoder_input(model, noise)
    if fast_decoder and not decoder_as_2d(model):
        logger.debug("%s: decoder not in the expected shape; left as exported", model_path)
    if not exact_length_scale(model):
        logger.debug("%s: durations not in the expected shape; --rate stretches them as exported", model_path)
    return model, latent, noise


def exact_length_scale(model) -> bool:
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


def decoder_input(model, noise: dict[str, str], prefix: str = DECODER_PREFIX) -> str | None:
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
class Stage:
    """One part of the voice's graph, run as its own onnxruntime session."""

    model: bytes | str  # the serialized graph, or the path of its prepared file
    noise: dict[str, str] = field(default_factory=dict)  # noise input -> tensor whose shape it takes
    latent: str | None = None  # a decoder's input: run over windows of its frames (last axis)
    margin: int = 0  # frames each window reads beyond the ones it keeps, on either side
    hop: int = 0  # output samples per latent frame


def staged_model(model_path: Path, *, fast_decoder: bool = True) -> list[Stage]:
    """The voice cut into stages, run one after the other by :class:`SeededSession`.

    A stage ends where the next noise input's size becomes known (the tensor
    it is shaped like is its output), so each noise is drawn at exactly its
    size: for this voice, the text encoder (whose output sizes the duration
    predictor's noise: 2 per phoneme), then the duration predictor and the
    alignment (sizing the prior's noise: 192 per frame), then the flow, then
    the decoder, which runs over overlapping windows of latent frames when its
    receptive field can be read from the graph (:func:`decoder_reach`).
    """
    import onnx
    from onnx.utils import Extractor

    model, latent, noise = deterministic_model(model_path, fast_decoder=fast_decoder)
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
        stage = Stage(model=part.SerializeToString(), noise={n: noise[n] for n in inputs if n in noise})
        if any(stage_of.get(like, -1) >= k for like in stage.noise.values()):  # -1: a graph input
            raise EngineError(f"{model_path}: a noise input is needed before its size is known")
        if latent in inputs and k == len(made) - 1:
            reach = decoder_reach(part, latent)
            if reach is not None:
                # +1: which frame a sample belongs to is known to within one frame
                stage.latent, stage.margin, stage.hop = latent, math.ceil(reach[0]) + 1, reach[1]
        stages.append(stage)
    if latent and stages[-1].latent is None:
        logger.debug("%s: decoder's receptive field unknown; it runs on whole sentences", model_path)
    return stages


_TIME_WISE = {"LeakyRelu", "Relu", "Add", "Sub", "Mul", "Div", "Tanh", "Identity", "Unsqueeze", "Squeeze"}


def decoder_reach(model, latent: str) -> tuple[float, int] | None:
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


def decoder_as_2d(model, prefix: str = DECODER_PREFIX) -> bool:
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
