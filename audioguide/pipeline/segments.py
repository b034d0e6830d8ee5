"""pysbd's sentence splits of paragraphs already seen, kept beside the clip cache.

A rebuild plans every track again (each clip's key comes from its speech
text), and the first sentence split in a process is pysbd compiling about
340 regular expressions: a third of a no-change rebuild. The splits are
kept in ``sentences.json`` in the cache folder, keyed by the paragraph's
text, for pysbd's version, and handed to the planner
(:func:`audioguide.speech.split_sentences`'s ``memo``). Like the clip cache it only saves time: a missing, damaged or
unwritable file means pysbd splits again, never an error.
"""

from __future__ import annotations

import hashlib
import json
import logging
from importlib.metadata import version
from pathlib import Path

from audioguide.files import write_atomic

logger = logging.getLogger(__name__)

MEMO_NAME = "sentences.json"
FORMAT = 1
MAX_ENTRIES = 50_000  # paragraphs (a 25,000-word book has about 1,500); the oldest go first


def _pysbd() -> str:
    return version("pysbd")


def _digest(entries: dict) -> str:
    return hashlib.sha256(json.dumps(entries, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def load(cache_root: Path) -> dict[str, list[str]]:
    """The splits kept in ``cache_root`` (empty when there are none, or none that can be trusted)."""
    path = Path(cache_root) / MEMO_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        if not isinstance(exc, FileNotFoundError):
            logger.debug("%s: not used (%s)", path, exc)
        return {}
    if (
        not isinstance(data, dict)
        or data.get("format") != FORMAT
        or data.get("pysbd") != _pysbd()
        or not isinstance(data.get("entries"), dict)
        or data.get("sha256") != _digest(data["entries"])
    ):
        logger.debug("%s: not used (another version, or damaged)", path)
        return {}
    return dict(data["entries"])


def save(cache_root: Path, memo: dict[str, list[str]], loaded: dict[str, list[str]]) -> None:
    """Keep ``memo`` in ``cache_root`` unless it is still what was ``loaded``."""
    if memo == loaded:
        return
    entries = dict(list(memo.items())[-MAX_ENTRIES:])
    text = json.dumps(
        {"format": FORMAT, "pysbd": _pysbd(), "sha256": _digest(entries), "entries": entries},
        ensure_ascii=False,
    )
    root = Path(cache_root)
    try:
        root.mkdir(parents=True, exist_ok=True)
        write_atomic(root / MEMO_NAME, text)
    except OSError as exc:  # a full or read-only cache: the next build splits again
        logger.debug("%s: not saved (%s)", root / MEMO_NAME, exc)
