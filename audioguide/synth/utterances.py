"""Whole-sentence prosody: how much of a clip an engine speaks in one breath.

A clip is one sentence. An engine that speaks it in several passes gives each
its own falling intonation and its own silence, which a listener hears as
the sentence stopping mid-way ("...holds the copyright on. | Python
versions..."). So, for every engine:

* a sentence of up to :data:`MAX_WORDS` words (at least :data:`MIN_WHOLE_WORDS`,
  whatever an engine asks for) is one utterance;
* a longer one is split only at punctuation, the strongest first: semicolon,
  then colon, then dash, then comma, at the mark of that kind nearest its
  middle, again until every piece fits or no mark is left; never inside a
  clause, so a long sentence without punctuation stays whole;
* the pieces are joined with their own silence trimmed to :data:`JOIN_MS`, the
  length of a clause pause, not the engine's sentence-final silence.

Engines call :func:`utterances` and :func:`join`; nothing else here knows an engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported by join(): an engine's identity (its cache keys) needs only the constants
    import numpy as np

MIN_WHOLE_WORDS = 40  # the policy: no engine splits a sentence this short
MAX_WORDS = 80  # the default: a sentence this long is still one utterance
MIN_PIECE_WORDS = 4  # a split never leaves fewer words than this on either side
JOIN_MS = 250  # silence between the utterances of one sentence
POLICY_VERSION = 1  # bump when the splitting or the joining changes (part of clip keys)

# Punctuation a sentence may be split after, strongest first; closing quotes and brackets after
# the mark do not hide it.
_MARKS = (";", ":", "\u2014\u2013", ",")
_CLOSING = "\"'\u201d\u2019\u00bb)]}"


def _strength(word: str) -> int | None:
    """The rank of the mark ending ``word`` (0 strongest), or None if a clause goes on there."""
    word = word.rstrip(_CLOSING)
    if word in ("-", "--"):  # a spaced hyphen used as a dash
        return 2
    for rank, marks in enumerate(_MARKS):
        if word and word[-1] in marks:
            return rank
    return None


def utterances(text: str, max_words: int = MAX_WORDS) -> list[str]:
    """``text`` (one sentence) as the utterances to synthesize, in order (see the module docstring)."""
    return split(text, max(max_words, MIN_WHOLE_WORDS))


def split(text: str, limit: int) -> list[str]:
    """The splitting rule itself, for any ``limit`` (the policy never uses less than 40 words)."""
    words = text.split()
    if len(words) <= limit:
        return [text.strip()] if text.strip() else []
    return [" ".join(piece) for piece in _split(words, limit)]


def _split(words: list[str], max_words: int) -> list[list[str]]:
    if len(words) <= max_words:
        return [words]
    cuts: dict[int, list[int]] = {}
    for index in range(MIN_PIECE_WORDS, len(words) - MIN_PIECE_WORDS + 1):
        rank = _strength(words[index - 1])
        if rank is not None:
            cuts.setdefault(rank, []).append(index)  # split before words[index]
    if not cuts:
        return [words]  # no clause boundary: never cut a clause
    middle = len(words) / 2
    cut = min(cuts[min(cuts)], key=lambda i: (abs(i - middle), i))
    return _split(words[:cut], max_words) + _split(words[cut:], max_words)


def join(parts: Sequence[np.ndarray], rate: int) -> np.ndarray:
    """One sentence's utterances as one clip: the silence between two trimmed to :data:`JOIN_MS`.

    The outer edges keep the engine's own silence (assembly trims those).
    """
    import numpy as np

    from audioguide.audio.assemble import silence, speech_bounds

    parts = [np.asarray(p, dtype=np.float32) for p in parts if len(p)]
    if len(parts) <= 1:
        return parts[0] if parts else np.zeros(0, np.float32)
    out: list[np.ndarray] = []
    for index, part in enumerate(parts):
        start, end = speech_bounds(part, rate)
        if start == end:
            continue  # a silent piece adds nothing
        if index == 0:
            start = 0
        if index == len(parts) - 1:
            end = part.size
        if out:
            out.append(silence(JOIN_MS, rate))
        out.append(part[start:end])
    return np.concatenate(out).astype(np.float32) if out else np.zeros(0, np.float32)
