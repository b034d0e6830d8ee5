"""What a changed track can take from its kept result: the words heard in clips whose audio is unchanged.

A one-sentence edit rebuilds one track, but most of that track is the same
speech as before: the same clips (the build's clip keys) at new times. The
recognizer costs the same for every 30 s window it encodes, so listening to
the whole track again costs seconds where the edit holds one sentence.

A kept result therefore also holds, per track, the words first heard (with
their times) and each clip's *print*: its level in 20 ms frames, read from
the decoded track where the manifest puts it. A clip of the changed track is
*unchanged* when a kept track held a clip with the same key whose print
matches the audio found now at the clip's new time: the same number of
frames, and every frame with speech in it within :data:`MATCH_DB` of the old
one once the overall gain change is taken out (mastering sets the track's
gain again after an edit). Different speech of the same length differs by
10 dB or more in many frames (measured on the example's eleven tracks: the
closest pair, "Track three of eleven" and "Track four of eleven", 10 dB at
the 95th percentile), the same clip re-mastered by 0-1 dB.

The words heard in an unchanged clip's stretch of the old track (from
half-way through the pause before it to half-way through the pause after it)
are moved to its new time; the stretches of the other clips are listened to.
Only words heard by the same verifier (model, settings, lexicon, language)
are moved, and a sentence said several times in a track takes the words of
its own saying.
The rest of verify (alignment, re-checks of critical clips, the findings)
runs on the whole track as always, so a fault anywhere in the new audio is
either heard now or would have changed a print.
"""

from __future__ import annotations

import base64
import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from audioguide.model.manifest import ClipRecord
from audioguide.verify.asr import RATE, Word

FRAME_S = 0.02
FLOOR_DB = -100.0  # a print's lowest level (digital silence)
SPEECH_DB = -50.0  # frames above this in either print are compared
MATCH_DB = 3.0  # the most a frame may differ, past the overall gain change, in an unchanged clip


def clip_print(samples: np.ndarray, start_s: float, end_s: float) -> bytes:
    """The level of ``samples`` (16 kHz) from ``start_s`` to ``end_s`` in 20 ms frames, one byte (−dB) each."""
    frame = int(RATE * FRAME_S)
    piece = samples[int(round(start_s * RATE)) : int(round(end_s * RATE))]
    count = len(piece) // frame
    if count == 0:
        return b""
    blocks = piece[: count * frame].reshape(count, frame).astype(np.float64)
    level = 10 * np.log10(np.mean(blocks * blocks, axis=1) + 1e-10)
    return bytes(np.clip(np.round(-level), 0, -FLOOR_DB).astype(np.uint8))


def prints_match(old: bytes, new: bytes) -> bool:
    """Whether two prints are of the same speech, give or take a change of gain (see the module docstring)."""
    if not old or len(old) != len(new):
        return False
    a = -np.frombuffer(old, np.uint8).astype(np.float64)
    b = -np.frombuffer(new, np.uint8).astype(np.float64)
    loud = (a > SPEECH_DB) | (b > SPEECH_DB)
    if not loud.any():
        return False
    difference = (b - a)[loud]
    return bool(np.abs(difference - np.median(difference)).max() <= MATCH_DB)


def stretches(clips: Sequence[tuple[float, float]], duration: float) -> list[tuple[float, float]]:
    """Each clip's stretch of its track: from half-way through the pause before it to half-way after it."""
    out = []
    for index, (start, end) in enumerate(clips):
        low = 0.0 if index == 0 else (clips[index - 1][1] + start) / 2
        high = duration if index == len(clips) - 1 else (end + clips[index + 1][0]) / 2
        out.append((low, max(low, high)))
    return out


def heard_record(
    clips: Sequence[ClipRecord], samples: np.ndarray, words: Iterable[Word], verifier: str
) -> dict[str, Any]:
    """What is kept of a track's first listening for :func:`plan_track`: its clips' keys, times and
    prints, the words heard, with their times, and who heard them (``verifier``: words heard by
    another model, or in another language, are never reused)."""
    return {
        "verifier": verifier,
        "duration": round(len(samples) / RATE, 4),
        "clips": [
            [c.key, c.start_s, c.end_s, base64.b64encode(clip_print(samples, c.start_s, c.end_s)).decode()]
            for c in clips
        ],
        "words": [[w.text, round(w.start, 3), round(w.end, 3)] for w in words],
    }


@dataclass
class _Old:
    start: float  # where the clip was in its track
    words: list[tuple[str, float, float]]  # the words heard in its stretch of that track
    print_: bytes
    occurrence: int  # how many clips with its key came before it in its track


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _valid(heard: Any) -> bool:
    """Whether a kept first listening has the shape :func:`heard_record` writes (the file may be damaged)."""
    if not isinstance(heard, dict) or not _number(heard.get("duration")):
        return False
    clips, words = heard.get("clips"), heard.get("words")
    return (
        isinstance(clips, list)
        and isinstance(words, list)
        and all(
            isinstance(c, list)
            and len(c) == 4
            and isinstance(c[0], str)
            and isinstance(c[3], str)
            and _number(c[1])
            and _number(c[2])
            for c in clips
        )
        and all(
            isinstance(w, list) and len(w) == 3 and isinstance(w[0], str) and _number(w[1]) and _number(w[2])
            for w in words
        )
    )


def old_clips(kept: Iterable[dict[str, Any]], verifier: str) -> dict[str, list[_Old]]:
    """Every clip of the kept results' first listenings by ``verifier``, by clip key."""
    found: dict[str, list[_Old]] = {}
    for entry in kept:
        heard = entry.get("heard")
        if not _valid(heard) or heard.get("verifier") != verifier:
            continue
        spans = stretches([(c[1], c[2]) for c in heard["clips"]], float(heard["duration"]))
        lows = [low for low, _high in spans]
        heard_in: list[list[tuple[str, float, float]]] = [[] for _ in spans]
        for text, start, end in heard["words"]:  # each word to the stretch its middle is in
            middle = (start + end) / 2
            index = bisect.bisect_right(lows, middle) - 1
            if index >= 0 and middle < spans[index][1]:
                heard_in[index].append((text, start, end))
        seen: dict[str, int] = {}
        for index, clip in enumerate(heard["clips"]):
            occurrence = seen[clip[0]] = seen.get(clip[0], -1) + 1
            try:
                print_ = base64.b64decode(clip[3], validate=True)
            except ValueError:
                continue
            found.setdefault(clip[0], []).append(_Old(clip[1], heard_in[index], print_, occurrence))
    return found


@dataclass
class TrackPlan:
    """A changed track: the words moved from its unchanged clips, and the stretches still to hear."""

    words: list[Word]
    listen: list[tuple[float, float]]
    unchanged: int  # clips whose words were moved, not heard again


def plan_track(clips: Sequence[ClipRecord], samples: np.ndarray, old: dict[str, list[_Old]]) -> TrackPlan:
    """Which of the track's clips are unchanged (their old words, moved to the clip's new time) and
    which stretches of the track must be heard (see the module docstring)."""
    duration = len(samples) / RATE
    spans = stretches([(c.start_s, c.end_s) for c in clips], duration)
    words: list[Word] = []
    listen: list[tuple[float, float]] = []
    unchanged = 0
    seen: dict[str, int] = {}
    for clip, (low, high) in zip(clips, spans):
        occurrence = seen[clip.key] = seen.get(clip.key, -1) + 1
        # a sentence said twice in a track: its n-th saying takes the words heard in the n-th before
        candidates = sorted(old.get(clip.key, ()), key=lambda o: o.occurrence != occurrence)
        now = clip_print(samples, clip.start_s, clip.end_s) if candidates else b""
        match = next((o for o in candidates if prints_match(o.print_, now)), None)
        if match is None:
            if listen and abs(listen[-1][1] - low) < 1e-9:
                listen[-1] = (listen[-1][0], high)
            else:
                listen.append((low, high))
            continue
        unchanged += 1
        shift = clip.start_s - match.start
        words.extend(Word(text, start + shift, end + shift) for text, start, end in match.words)
    return TrackPlan(words=words, listen=listen, unchanged=unchanged)
