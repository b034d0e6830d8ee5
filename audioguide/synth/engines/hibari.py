"""hibari: a distilled Kokoro-82M voice ("heart", en-US) with its lexicon and G2P in the wheel.

Rules this engine keeps (each measured on the engine itself):

* **Never downloads.** hibari 0.2 fetches its non-bundled voices from the
  internet on first use. Voices are resolved with
  ``voice_path(name, download_missing=False)`` and the file is handed to
  ``Hibari(model=...)``, so hibari's own downloading lookup is never reached;
  a voice that is not installed is a one-line error naming the installed ones.
* **Deterministic.** The only randomness is the noise of hibari's vocoder,
  drawn from a numpy Generator: every clip gets a fresh one seeded with
  ``SEED``, so a clip depends only on its own text (replayed from a table
  drawn once: :mod:`~audioguide.synth.engines.seeded_noise`). onnxruntime's results
  change in the last bits with its thread count, so the model always runs on
  one thread (parallelism comes from worker processes).
* **Rate is speaking time.** The stock graph rounds every phoneme's frame
  count after dividing by the speed (``round(D / speed)``), so speed 0.9 makes
  speech only ~4 % longer. For any speed but 1.0 the graph is patched in
  memory (:func:`_exact_rate_model`) to divide the rounded durations and round
  cumulatively: speech then takes ``1/rate`` as long, to within 0.2 %. At 1.0
  the patch would change nothing, so it is not applied.
"""

from __future__ import annotations

import importlib.util
import logging
import re
import shutil
from functools import lru_cache
from pathlib import Path

from audioguide.errors import EngineError, EngineUnavailable
from audioguide.files import atomic_folder
from audioguide.hashing import sha256_file
from audioguide.model.settings import VoiceSettings
from audioguide.synth.engines.base import Audio, Engine, VoiceInfo
from audioguide.synth.engines.g2p_tables import built_with_tables, tables_path
from audioguide.synth.engines.registry import register
from audioguide.synth.utterances import JOIN_MS, MAX_WORDS, POLICY_VERSION, join, utterances

logger = logging.getLogger(__name__)

SAMPLE_RATE = 24000
SEED = 0
MIN_SPEED, MAX_SPEED = 0.25, 4.0  # the graph divides durations by the speed
RATE_PATCH_VERSION = 1  # bump when _exact_rate_model changes (part of the clip key)


def _hibari():
    try:
        import hibari
    except ImportError as exc:  # pragma: no cover - a dependency of the project
        raise EngineUnavailable(
            "the hibari engine is not installed: pip install 'hibari-tts>=0.2.1,<0.3'"
        ) from exc
    return hibari


@lru_cache(maxsize=1)
def _voices_module():
    """hibari's ``voices`` module, loaded on its own.

    ``import hibari`` loads numpy's and scipy's FFT and the TTS code (~0.4 s),
    which a rebuild without changes never needs: it only needs the voice
    registry, to name the voice in the clip keys. ``hibari/voices.py`` uses
    only the standard library, so it is loaded from its file, without running
    the package's ``__init__``.
    """
    spec = importlib.util.find_spec("hibari")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - a dependency
        raise EngineUnavailable("the hibari engine is not installed: pip install 'hibari-tts>=0.2.1,<0.3'")
    path = Path(next(iter(spec.submodule_search_locations))) / "voices.py"
    module_spec = importlib.util.spec_from_file_location("audioguide_hibari_voices", path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


def registry() -> dict[str, dict]:
    """Every voice hibari knows (name -> its registry entry), installed or not."""
    return dict(_voices_module().VOICES)


def voice_file(name: str) -> str | None:
    """The installed voice's model file, or None (unknown or not installed). Never downloads."""
    voices = _voices_module()
    if name not in voices.VOICES:
        return None
    try:
        return voices.voice_path(name, download_missing=False)
    except (FileNotFoundError, ValueError):
        return None


def installed_voices() -> list[str]:
    return [name for name in registry() if voice_file(name)]


@lru_cache(maxsize=1)
def _versions() -> dict[str, str]:
    """What changes hibari's samples besides the voice, without importing it (see _voices_module)."""
    from importlib.metadata import version

    # hibari.dsp uses scipy.fft when it can be imported, numpy's FFT otherwise (not bit-identical)
    # (looked up on disk: find_spec("scipy.fft") would import scipy, and with it numpy)
    spec = importlib.util.find_spec("scipy")
    places = (spec.submodule_search_locations or []) if spec else []
    fft = "scipy" if any((Path(place) / "fft" / "__init__.py").is_file() for place in places) else "numpy"
    return {
        "hibari": version("hibari-tts"),
        "onnxruntime": version("onnxruntime"),
        "numpy": version("numpy"),
        "fft": fft,
    }


@lru_cache(maxsize=8)
def _voice_digest(path: str) -> str:
    return sha256_file(Path(path))


_G2P: dict[bool, object] = {}  # hibari's G2P (lexicons, tagger) by British-ness, once per process


def _g2p(british: bool, tables: Path | None = None):
    """The G2P, loaded once per process and shared by its engines; forked workers inherit it.

    ``tables``: a folder for its tables in a form that loads faster (0.26 s
    instead of 0.61 s of JSON; see :mod:`.g2p_tables`), made there on first use.
    """
    if british not in _G2P:
        _hibari()
        from hibari import g2p

        path = tables_path(tables, _versions()["hibari"], british) if tables is not None else None
        _G2P[british] = built_with_tables(lambda: g2p.G2P(british=british), g2p, path)
    return _G2P[british]


PREPARED_MODEL, PREPARED_DIGEST = "model.onnx", "model.json"  # a prepared voice's folder


def _read_prepared(folder: Path) -> str | None:
    """The prepared model in ``folder``, or None when absent, incomplete or not the bytes made."""
    import json

    try:
        recorded = json.loads((folder / PREPARED_DIGEST).read_text(encoding="utf-8"))["sha256"]
        model = folder / PREPARED_MODEL
        if model.is_symlink() or sha256_file(model) != recorded:
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return str(model)


def _exact_rate_model(path: str) -> bytes:
    """The voice graph with durations that scale as 1/speed.

    Stock:   frames_i = max(round(D_i / speed), 1)      (D_i: predicted frames of phoneme i)
    Patched: d_i = max(max(round(D_i), 1) / speed, 1)
             frames_i = floor(C_i + 0.5) - floor(C_{i-1} + 0.5),  C = cumsum(d)
    so the total is sum(round(D)) / speed to within one 12.5 ms frame, and
    every phoneme still gets at least one frame.
    """
    import onnx
    from onnx import TensorProto, helper

    model = onnx.load(path)
    graph = model.graph
    nodes = {node.name: node for node in graph.node}
    try:
        cast, clip, div = nodes["/Cast_32"], nodes["/Clip"], nodes["/Div_40"]
    except KeyError:
        cast = clip = div = None
    if (
        cast is None
        or list(cast.input) != ["/Clip_output_0"]
        or clip.input[0] != "/Round_output_0"
        or div.input[1] != "speed"
    ):
        raise EngineError(f"{path}: this hibari voice's graph has another layout; use --rate 1.0 with it")
    raw, low = div.input[0], clip.input[1]

    def const(name, values, dtype=TensorProto.FLOAT, dims=()):
        return helper.make_tensor(name, dtype, list(dims), values)

    graph.initializer.extend(
        [
            const("xr_half", [0.5]),
            const("xr_zero", [0.0], dims=[1]),
            const("xr_start", [0], TensorProto.INT64, [1]),
            const("xr_end", [-1], TensorProto.INT64, [1]),
            const("xr_axis", [0], TensorProto.INT64),
        ]
    )
    added = [
        helper.make_node("Round", [raw], ["xr_rounded"]),
        helper.make_node("Clip", ["xr_rounded", low, ""], ["xr_whole"]),
        helper.make_node("Div", ["xr_whole", "speed"], ["xr_scaled"]),
        helper.make_node("Max", ["xr_scaled", low], ["xr_d"]),
        helper.make_node("CumSum", ["xr_d", "xr_axis"], ["xr_c"]),
        helper.make_node("Add", ["xr_c", "xr_half"], ["xr_ch"]),
        helper.make_node("Floor", ["xr_ch"], ["xr_bounds"]),
        helper.make_node("Slice", ["xr_bounds", "xr_start", "xr_end"], ["xr_previous"]),
        helper.make_node("Concat", ["xr_zero", "xr_previous"], ["xr_shifted"], axis=0),
        helper.make_node("Sub", ["xr_bounds", "xr_shifted"], ["xr_frames"]),
    ]
    position = list(graph.node).index(cast)
    for offset, node in enumerate(added):
        graph.node.insert(position + offset, node)
    cast.input[0] = "xr_frames"
    return model.SerializeToString()


@register
class HibariEngine(Engine):
    """hibari-tts: the bundled "heart" voice (and any hibari voice already installed by hand)."""

    name = "hibari"
    offline = True
    default_voice = "heart"

    def __init__(
        self, settings: VoiceSettings, *, model_cache: Path | None = None, **_options: object
    ) -> None:
        super().__init__(settings)
        self.model_cache = model_cache
        speed = float(settings.rate)
        if not MIN_SPEED <= speed <= MAX_SPEED:
            raise EngineError(
                f"--rate for hibari must be between {MIN_SPEED} and {MAX_SPEED}, got {settings.rate}"
            )
        self.voice = settings.voice or self.default_voice
        known = registry()
        path = voice_file(self.voice)
        if path is None:
            installed = ", ".join(installed_voices()) or "none"
            if self.voice in known:
                raise EngineError(
                    f"hibari voice '{self.voice}' is not installed (installed: {installed}); "
                    "audioguide never downloads voices"
                )
            raise EngineError(f"unknown hibari voice '{self.voice}' (installed: {installed})")
        self.model_path = path
        self.british = bool(known[self.voice].get("british"))
        self.speed = speed
        self.exact_rate = speed != 1.0
        self._tts = None

    # -- claims ---------------------------------------------------------------------------------

    @classmethod
    def claims(cls, voice: str) -> bool:
        return voice in registry()

    # -- audio ----------------------------------------------------------------------------------

    def _prepared_model(self) -> str | bytes:
        """The voice's graph as this engine runs it (rate-patched or not), and pre-optimized.

        onnxruntime takes 0.34 s to optimize the graph in every worker, 0.12 s
        to load an optimized copy, which gives the same outputs: the copy is
        saved once in ``model_cache`` when one is given, in a folder made
        under a temporary name and renamed when complete, with the file's
        SHA-256 (a flipped bit would give wrong audio that the clip cache
        then keeps; a damaged copy is made again).
        """
        import hashlib
        import json

        import onnxruntime

        if self.model_cache is None:
            return _exact_rate_model(self.model_path) if self.exact_rate else self.model_path
        key = hashlib.sha256(
            json.dumps(
                [self.identity()["voice"], onnxruntime.__version__, self.identity()["exact_rate"]]
            ).encode()
        ).hexdigest()[:32]
        target = self.model_cache / f"hibari-{key}"
        made = _read_prepared(target)
        if made is not None:
            return made  # the rate patch (onnx imported, 0.3-0.5 s) only when the copy is made
        if target.exists():
            logger.warning(
                "the prepared voice model %s is damaged (checksum mismatch); preparing it again", target
            )
            shutil.rmtree(target, ignore_errors=True)
        model = _exact_rate_model(self.model_path) if self.exact_rate else self.model_path
        try:
            with atomic_folder(target, prefix=".tmp-hibari-") as tmp:
                options = onnxruntime.SessionOptions()
                options.intra_op_num_threads = options.inter_op_num_threads = 1
                options.log_severity_level = 3
                options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
                options.optimized_model_filepath = str(tmp / PREPARED_MODEL)
                onnxruntime.InferenceSession(model, sess_options=options, providers=["CPUExecutionProvider"])
                digest = {"sha256": sha256_file(tmp / PREPARED_MODEL)}
                (tmp / PREPARED_DIGEST).write_text(json.dumps(digest), encoding="utf-8")
            Path(f"{target}.onnx").unlink(missing_ok=True)  # an unchecked one-file copy: never read
        except Exception as exc:  # noqa: BLE001 - a full disk surfaces as onnxruntime's own error
            made = _read_prepared(target)  # another worker's, made meanwhile
            if made is not None:
                return made
            # a voice that cannot load fails in Hibari() below, named; here only the copy failed
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc).splitlines()[0]
            logger.warning("cannot cache the optimized voice model in %s (%s)", self.model_cache, reason)
            return model
        return _read_prepared(target) or model

    def _load(self):
        if self._tts is None:
            from hibari import Hibari

            try:
                model = self._prepared_model()
                # model= keeps Hibari from resolving (and downloading) the voice itself.
                tts = Hibari(
                    voice=self.voice, model=model, threads=1, g2p=_g2p(self.british, self.model_cache)
                )
                _ = tts.g2p.oov  # the lexicon, tagger and out-of-vocabulary net now, not mid-build
            except EngineError:
                raise
            except Exception as exc:
                raise EngineError(
                    f"{self.model_path}: cannot load hibari voice '{self.voice}': {exc}"
                ) from exc
            self._tts = tts
        return self._tts

    def _phonemizer(self):
        """The G2P the loaded voice uses, without the model session (0.12 s to create) that
        phonemes and look-ups do not need."""
        try:
            return _g2p(self.british, self.model_cache)
        except Exception as exc:
            raise EngineError(f"cannot load hibari's pronunciation dictionaries: {exc}") from exc

    def preload(self) -> None:
        """Load the pronunciation dictionaries and tagger (pure Python: safe to fork with)."""
        _g2p(self.british, self.model_cache)

    def load(self) -> None:
        """The model, its session and the G2P, now."""
        self._load()

    @property
    def sample_rate(self) -> int:
        return SAMPLE_RATE

    def utterances(self, text: str) -> list[str]:
        """The phoneme strings of ``text``, one per model call (whole sentences: synth.utterances).

        hibari's own ``Hibari(text)`` would cut a sentence longer than 400
        phoneme characters at any comma; this engine calls the model on each
        utterance of the shared policy instead (a 60-word sentence is one call).
        """
        g2p = self._phonemizer()
        return [p for p in (g2p(piece) for piece in utterances(text)) if p]

    def synthesize(self, text: str) -> Audio:
        import numpy as np

        from audioguide.synth.engines.seeded_noise import SeededNoise  # numpy: not on a no-change run

        tts = self._load()
        rng = SeededNoise(SEED)  # a fresh default_rng(SEED) per clip: a clip depends on its text only
        parts = [tts.from_ids(tts.ids(phonemes), self.speed, rng) for phonemes in self.utterances(text)]
        samples = join(parts, SAMPLE_RATE)
        return Audio(samples=np.ascontiguousarray(samples, dtype=np.float32), sample_rate=SAMPLE_RATE)

    def identity(self) -> dict[str, object]:
        entry = registry().get(self.voice, {})
        if entry.get("bundled"):
            voice = f"{self.voice}@hibari-tts=={_versions()['hibari']}"  # the wheel's version names the file
        else:
            voice = f"{self.voice}@sha256:{_voice_digest(self.model_path)}"
        return {
            "engine": self.name,
            "voice": voice,
            **_versions(),
            "threads": 1,
            "seed": SEED,
            "speed": round(self.speed, 6),
            "exact_rate": RATE_PATCH_VERSION if self.exact_rate else 0,
            "utterances": [POLICY_VERSION, MAX_WORDS, JOIN_MS],
        }

    @classmethod
    def voices(cls) -> list[VoiceInfo]:
        """Installed voices only: the others would need a download, which audioguide never does."""
        out = []
        for name in installed_voices():
            entry = registry()[name]
            out.append(
                VoiceInfo(
                    engine=cls.name,
                    name=name,
                    language=str(entry.get("language", "")).replace("-", "_"),
                    offline=True,
                    sex=str(entry.get("gender", "")),
                    sample_rate=SAMPLE_RATE,
                    description=f"{entry.get('accent', '')} English, distilled from Kokoro {entry.get('kokoro', '')}"
                    + (", bundled" if entry.get("bundled") else ", installed by hand"),
                )
            )
        return out

    # -- pronunciation review (the `words` command) -------------------------------------------

    def lookup(self, word: str) -> dict[str, object]:
        """How this voice reads one word: its phonemes and where they come from.

        ``source``: ``lexicon`` (misaki's gold or silver dictionary, also for a
        hyphenated compound of known words), ``derived`` (an -s/-ed/-ing rule on a
        known stem), ``spelled`` (read letter by letter, e.g. MRI), ``number``,
        ``special`` (context rules for a, the, to, ...), ``guessed`` (the
        out-of-vocabulary net), ``mixed`` (parts from several sources) or ``none``.
        """
        g2p = self._phonemizer()
        lexicon = g2p.lexicon
        parts = []
        for token in g2p.phonemize_tokens(g2p.tokenize(word)):
            if not token.text.strip() or (not any(ch.isalnum() for ch in token.text) and not token.phonemes):
                continue
            parts.append((token.text, token.phonemes or "", token.rating, _source(lexicon, token)))
        sources = {part[3] for part in parts}
        return {
            "word": word,
            "phonemes": " ".join(part[1] for part in parts if part[1]),
            "source": sources.pop() if len(sources) == 1 else ("mixed" if sources else "none"),
            "rating": min((part[2] for part in parts if part[2] is not None), default=None),
        }

    def pronunciation(self, word: str) -> tuple[str, bool]:
        """(phonemes, known): known when the voice reads ``word`` from its dictionary or a rule on it."""
        info = self.lookup(word)
        return str(info["phonemes"]), info["source"] in ("lexicon", "derived", "spelled", "number", "special")

    def close(self) -> None:
        self._tts = None


_SPECIAL = {"a", "an", "the", "to", "in", "i", "am", "by", "used"}


def _known(lexicon, word: str) -> bool:
    return any(w in lexicon.golds or w in lexicon.silvers for w in (word, word.lower()))


def _source(lexicon, token) -> str:
    word = token.text.replace("\u2019", "'")
    if token.rating == 2:
        return "guessed"
    if any(ch.isdigit() for ch in word):
        return "number"
    if word.lower() in _SPECIAL:
        return "special"
    if _known(lexicon, word):
        return "lexicon"
    if token.rating in (3, 4):
        pieces = [p for p in re.split(r"[-\u2013/]", word) if p]
        if len(pieces) > 1 and all(_known(lexicon, p) for p in pieces):
            return "lexicon"
        if word.isupper() or (len(word) > 1 and word[1:].isupper()) or "." in word:
            return "spelled"
        return "derived"
    return "guessed" if token.phonemes else "none"
