"""The prepared voice on disk: its stages patched, cut and optimized once, kept in the model cache.

Patching, cutting and optimizing take seconds; loading the prepared files a
fraction of one. They are saved at onnxruntime's portable EXTENDED level and
give bit-identical audio (checked in the tests): a folder per voice, written
under a temporary name and renamed when complete, with each stage file's
SHA-256 (a flipped bit would give wrong audio that the clip cache then keeps).
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from pathlib import Path

from audioguide.files import atomic_folder
from audioguide.hashing import sha256_file
from audioguide.synth.engines.piper.graph import MODEL_PATCH_VERSION, Stage, staged_model
from audioguide.synth.engines.piper.runtime import session_options

logger = logging.getLogger(__name__)


def read_stages(folder: Path) -> list[Stage] | None:
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
                Stage(
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


def prepared_stages(
    model_path: Path, cache: Path, voice: str, *, fast_decoder: bool, threads: int | None
) -> list[Stage]:
    """The staged voice, from its prepared files in ``cache`` (made on first use).

    ``voice`` names the voice's exact file (the engine's identity of it): it,
    onnxruntime's version, :data:`MODEL_PATCH_VERSION` and ``fast_decoder``
    make the folder's name. A voice that cannot be saved is used from memory.
    """
    import onnxruntime

    key = hashlib.sha256(
        json.dumps([voice, onnxruntime.__version__, MODEL_PATCH_VERSION, fast_decoder]).encode()
    ).hexdigest()[:32]
    target = cache / f"piper-{key}"
    loaded = read_stages(target)
    if loaded is not None:
        return loaded
    if target.exists():
        logger.warning(
            "the prepared voice model %s is damaged (checksum mismatch); preparing it again", target
        )
        shutil.rmtree(target, ignore_errors=True)
    stages = staged_model(model_path, fast_decoder=fast_decoder)  # a bad voice fails here, named
    try:
        with atomic_folder(target, prefix=".tmp-piper-") as tmp:
            plan = []
            for number, stage in enumerate(stages):
                name = f"stage-{number}.onnx"
                options = session_options("ORT_ENABLE_EXTENDED", threads)
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
    except Exception as exc:  # noqa: BLE001 - a full disk surfaces as onnxruntime's own error
        made = read_stages(target)  # another worker's, made meanwhile
        if made is not None:
            return made
        # The voice is fine: only its prepared copy could not be saved. Say where, and go on
        # without it (the stages are prepared in memory instead).
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc).splitlines()[0]
        logger.warning(
            "cannot save the prepared voice model in %s (%s); using it from memory",
            cache,
            reason,
        )
        return stages
    return read_stages(target) or stages
