"""Running the staged voice: seeded noise at each tensor's size, the decoder over windows.

A whole sentence is one utterance, and its memory does not grow with its
length. The text encoder, duration predictor and flow run on the whole
sentence: their tensors are small (192 values per latent frame of 11.6 ms).
The decoder (HiFi-GAN), whose tensors hold up to 64 values per output sample
and made one utterance cost ~19 MB per second of speech, runs over windows of
latent frames that overlap by its receptive field
(:func:`~audioguide.synth.engines.piper.graph.decoder_reach`): every output
sample is computed from the same frames as in one pass (the tests compare the
two).
"""

from __future__ import annotations

import logging
import math
import zlib
from functools import lru_cache

import numpy as np

from audioguide.errors import EngineError
from audioguide.synth.engines.piper.graph import Stage

logger = logging.getLogger(__name__)

NOISE_SEED = 20240601
DECODER_WINDOW_FRAMES = 128  # latent frames (~1.5 s of speech) the decoder makes per run, plus its overlaps
NOISE_FRAMES = 1 << 13  # frames of noise drawn at first (~95 s of speech); redrawn longer when needed


class SeededSession:
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
        self, stages: list[Stage], sessions: list, window: int | None = DECODER_WINDOW_FRAMES
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

    def _decode(self, session, stage: Stage, feeds: dict, *args, **kwargs) -> np.ndarray:
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
def shared_arena() -> None:
    """Register onnxruntime's process-wide CPU arena (once), for sessions that ask for it."""
    import onnxruntime

    info = onnxruntime.OrtMemoryInfo(
        "Cpu", onnxruntime.OrtAllocatorType.ORT_ARENA_ALLOCATOR, 0, onnxruntime.OrtMemType.DEFAULT
    )
    try:
        onnxruntime.create_and_register_allocator(info, onnxruntime.OrtArenaCfg(0, -1, -1, -1))
    except Exception as exc:  # registered already (by another engine in this process): share it
        logger.debug("onnxruntime's shared CPU arena: %s", exc)


def session_options(level: str, threads: int | None = None):
    """onnxruntime options for one stage: ``level`` of graph optimization, ``threads`` (None: its own)."""
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
    shared_arena()
    options.add_session_config_entry("session.use_env_allocators", "1")
    if threads:
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
    return options
