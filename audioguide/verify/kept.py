"""Verify's results, kept per track in the guide's folder so that only changed tracks are heard again.

``verify-results.json`` beside ``verify.html`` (a file the build did not
make, so rebuilds carry it over) maps a key to a track's result. The key is
the SHA-256 of everything the result depends on: the track's encoded audio
(the file's SHA-256, the manifest's ``file_sha256`` while it is intact), what it should say (its clips' speech and
written text, times, roles), the language, and the verifier's identity (the
model's folder and file, faster-whisper's and CTranslate2's versions,
audioguide's version, the re-check's settings, the guide's lexicon). A
result is used again only under the same key; anything else is listened to.
Each entry also keeps the track's first listening (words and clip prints), from
which a changed track takes the words of its unchanged clips
(:mod:`audioguide.verify.reuse`).
"""

from __future__ import annotations

import hashlib
import json
import logging
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from audioguide import __version__
from audioguide.files import write_atomic
from audioguide.model.manifest import TrackRecord

logger = logging.getLogger(__name__)

KEPT_NAME = "verify-results.json"
REVIEW_NAME = "verify-words.json"  # the pronunciation review's look-ups (verify/words.review's memo)
FORMAT = 2
REVIEW_FORMAT = 1


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "none"


def verifier_identity(model_dir: Path, *, recheck: bool, lexicon: Any) -> str:
    """What a verification's outcome depends on besides the track, as one string."""
    from audioguide.verify import check, text

    model = Path(model_dir) / "model.bin"
    try:
        stat = model.stat()
        model_id = f"{model.resolve()}:{stat.st_size}:{stat.st_mtime_ns}"
    except OSError:
        model_id = str(model)
    words = [sorted(dict(lexicon).items()), getattr(lexicon, "locale", None)]  # a Lexicon is a Mapping
    return json.dumps(
        {
            "audioguide": __version__,
            "model": model_id,
            "faster-whisper": _version("faster-whisper"),
            "ctranslate2": _version("ctranslate2"),
            "recheck": [
                recheck,
                check.RECHECK_BEAM,
                check.FITS_MARGIN,
                check.RECHECK_PAD_S,
                check.DRIFT_CLIPS,
            ],
            "lexicon": hashlib.sha256(repr(words).encode()).hexdigest(),
            "comparison": text.COMPARISON,
        },
        sort_keys=True,
    )


def track_key(identity: str, record: TrackRecord, audio: str | None, language: str) -> str | None:
    """The key of a track's result: its audio, what it should say, the language and the verifier.

    ``audio`` is the SHA-256 of the file as it is on disk, hashed now: it is the
    manifest's ``file_sha256`` when the file is intact, and anything else when the
    file was damaged or replaced since, which must be heard. None (no such file): no key.
    """
    if audio is None:
        return None
    said = [[c.text, c.written, c.role, c.start_s, c.end_s] for c in record.clips]
    data = json.dumps(
        [identity, audio, record.number, record.title, record.file, record.duration_s, said, language]
    )
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def entry(
    result: Any,
    rechecked_clips: int,
    false_alarms: int,
    audio_seconds: float,
    audio_sha256: str,
    heard: dict[str, Any],
) -> dict[str, Any]:
    """What is kept of a track's verification (``audio_sha256``: the file heard, see :func:`heard_audio`;
    ``heard``: its first listening, for the next version of the track, see :mod:`audioguide.verify.reuse`)."""
    return {
        "result": result.to_dict(),
        "rechecked_clips": rechecked_clips,
        "false_alarms": false_alarms,
        "audio_seconds": round(audio_seconds, 3),
        "audio": audio_sha256,
        "heard": heard,
    }


def heard_audio(entries: dict[str, dict[str, Any]]) -> set[str]:
    """The SHA-256 of every file the kept results were heard from: a track whose file is not among
    them will be listened to, known before the keys are worked out (they need the lexicon)."""
    return {e["audio"] for e in entries.values() if isinstance(e.get("audio"), str)}


def load(folder: Path) -> dict[str, dict[str, Any]]:
    """The kept results (none if the file is missing, unreadable or of another format)."""
    path = Path(folder) / KEPT_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("tracks"), dict):
        logger.info("%s: not kept results of this audioguide; every track is listened to", path)
        return {}
    tracks = data["tracks"]
    return {
        k: v for k, v in tracks.items() if isinstance(v, dict) and {"result", "rechecked_clips"} <= set(v)
    }


def save(folder: Path, entries: dict[str, dict[str, Any]]) -> None:
    """Keep ``entries`` (the guide's current tracks only: results of old audio are dropped)."""
    path = Path(folder) / KEPT_NAME
    try:
        write_atomic(path, json.dumps({"format": FORMAT, "tracks": entries}, indent=1, sort_keys=True))
    except OSError as exc:  # the check stands without it; the next verify listens again
        logger.warning("%s: cannot keep verify's results (%s)", path, exc.strerror or exc)


def load_review_memo(folder: Path) -> dict[str, Any]:
    """The pronunciation review's kept look-ups (empty when missing, unreadable or of another format)."""
    try:
        data = json.loads((Path(folder) / REVIEW_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != REVIEW_FORMAT:
        return {}
    memo = data.get("memo")
    valid = isinstance(memo, dict) and all(isinstance(memo.get(k, {}), dict) for k in ("rare", "said"))
    return memo if valid else {}


def save_review_memo(folder: Path, memo: dict[str, Any]) -> None:
    """Keep the review's look-ups for the next verify (it then loads the voice only for new words)."""
    path = Path(folder) / REVIEW_NAME
    try:
        write_atomic(path, json.dumps({"format": REVIEW_FORMAT, "memo": memo}, sort_keys=True))
    except OSError as exc:  # the review stands without it; the next one looks everything up again
        logger.warning("%s: cannot keep the review's look-ups (%s)", path, exc.strerror or exc)
