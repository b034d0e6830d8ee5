"""Aligning what was heard with the clips a track was built from.

The reference is every clip's words in order, each word knowing its clip;
the hypothesis is the heard words, each with its time in the track. One
word-level Levenshtein alignment (rapidfuzz) of the whole track gives the
errors (substitutions, deletions, insertions) per clip, and the mismatches:
runs of errors, split at clip boundaries, each with the time it was heard
(or, for words not heard at all, the time they should have been).

A run of errors is then aligned again, allowing groups of words on each
side that say the same characters (:func:`audioguide.verify.text.same_said`:
"fulltext" heard "full text", "0010" heard "0, 1, 0"): such a group is no
error. Runs a few equal words apart are aligned together, so that a "0"
matched to the wrong zero of "x7fE0, 0, 1, 0" cannot split a group.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

from audioguide.verify.text import same_said

# Re-aligning a run of errors: the largest group of words tried on each side, the longest run tried,
# and the most equal words between two runs aligned together.
GROUP_EXPECTED = 6
GROUP_HEARD = 12
MAX_RUN = 60
JOIN_GAP = 2
# A "to" the normalizer read into a hyphen the recognizer wrote between digits ("867-1139").
_DIGIT_HYPHEN = re.compile(r"\d\s*-\s*\d")

# A clip is "not heard" when at least this share of its words is wrong (and it has MIN_SENTENCE_WORDS words).
SENTENCE_ERROR_SHARE = 0.5
MIN_SENTENCE_WORDS = 3


@dataclass(frozen=True)
class HeardToken:
    """One comparable word heard, with where it came from."""

    token: str
    start: float
    end: float
    written: str  # the recognizer's own text this token came from ("15 mg")


@dataclass
class Mismatch:
    clip: int
    time_s: float
    expected: list[str]
    heard: list[HeardToken]

    @property
    def heard_text(self) -> str:
        out: list[str] = []
        for token in self.heard:
            if not out or out[-1] != token.written:
                out.append(token.written)
        return " ".join(out)

    @property
    def errors(self) -> int:
        return max(len(self.expected), len(self.heard))


@dataclass
class Alignment:
    """A track's (or one clip's) alignment."""

    words: list[int]  # reference words per clip
    errors: list[int]  # errors per clip
    mismatches: list[Mismatch] = field(default_factory=list)
    spans: list[tuple[float | None, float | None]] = field(default_factory=list)
    # per clip: the end of the last word matched before it and the start of the first matched after it
    heard_at: list[tuple[float | None, float | None]] = field(default_factory=list)
    # per clip: the start of its own first matched word and the end of its last (None: none matched)

    @property
    def total_words(self) -> int:
        return sum(self.words)

    @property
    def total_errors(self) -> int:
        return sum(self.errors)

    def not_heard(self, clip: int) -> bool:
        return (
            self.words[clip] >= MIN_SENTENCE_WORDS
            and self.errors[clip] >= SENTENCE_ERROR_SHARE * self.words[clip]
        )


def align(clips: Sequence[Sequence[str]], heard: Sequence[HeardToken], origin: float = 0.0) -> Alignment:
    """Align every clip's reference words with the heard tokens (see the module docstring).

    Words missing before anything was matched are placed at ``origin`` (where the audio begins).
    """
    ref: list[str] = []
    owner: list[int] = []
    for index, words in enumerate(clips):
        ref.extend(words)
        owner.extend([index] * len(words))
    hyp = [t.token for t in heard]
    result = Alignment(words=[len(w) for w in clips], errors=[0] * len(clips))
    matched_end: list[float | None] = [None] * len(ref)  # heard end time of each matched reference word
    matched_start: list[float | None] = [None] * len(ref)
    runs: list[tuple[int, int, int, int]] = []
    for op in Levenshtein.opcodes(ref, hyp):
        if op.tag == "equal":
            for k in range(op.src_end - op.src_start):
                matched_start[op.src_start + k] = heard[op.dest_start + k].start
                matched_end[op.src_start + k] = heard[op.dest_start + k].end
            continue
        if runs and runs[-1][1] == op.src_start and runs[-1][3] == op.dest_start:
            i1, _, j1, _ = runs[-1]
            runs[-1] = (i1, op.src_end, j1, op.dest_end)
        else:
            runs.append((op.src_start, op.src_end, op.dest_start, op.dest_end))
    runs = [
        piece
        for near in _near(runs)
        for piece in _regroup(ref, owner, heard, near, matched_start, matched_end)
    ]

    # Where each clip sits in the heard audio: between its matched neighbours.
    first_of = {}
    last_of = {}
    for i, clip in enumerate(owner):
        first_of.setdefault(clip, i)
        last_of[clip] = i
    before: list[float | None] = []
    last_end = None
    for i in range(len(ref)):
        before.append(last_end)
        if matched_end[i] is not None:
            last_end = matched_end[i]
    after: list[float | None] = [None] * len(ref)
    next_start = None
    for i in range(len(ref) - 1, -1, -1):
        after[i] = next_start
        if matched_start[i] is not None:
            next_start = matched_start[i]
    for clip in range(len(clips)):
        if clip in first_of:
            result.spans.append((before[first_of[clip]], after[last_of[clip]]))
            own = range(first_of[clip], last_of[clip] + 1)
            starts = [matched_start[i] for i in own if matched_start[i] is not None]
            ends = [matched_end[i] for i in own if matched_end[i] is not None]
            result.heard_at.append((starts[0], ends[-1]) if starts else (None, None))
        else:
            result.spans.append((None, None))
            result.heard_at.append((None, None))

    for i1, i2, j1, j2 in runs:
        tokens = list(heard[j1:j2])
        if i1 == i2:  # only insertions: the clip before them (or the first)
            clip = owner[i1 - 1] if i1 > 0 else (owner[0] if owner else 0)
            pieces = [(clip, [], tokens)]
        else:
            pieces = []
            for i in range(i1, i2):
                if not pieces or pieces[-1][0] != owner[i]:
                    pieces.append((owner[i], [], []))
                pieces[-1][1].append(ref[i])
            # heard tokens go to the clip whose place in the audio holds them, else the first
            for token in tokens:
                target = pieces[0]
                for piece in pieces:
                    start = result.spans[piece[0]][0]
                    if start is None or token.start >= start:
                        target = piece
                target[2].append(token)
        for clip, expected, got in pieces:
            if not clips:
                break
            if got:
                time = got[0].start
            else:
                index = next((k for k in range(i1, i2) if owner[k] == clip), i1)
                anchor = before[index] if index < len(before) else last_end
                time = anchor if anchor is not None else origin
            mismatch = Mismatch(clip=clip, time_s=round(time, 2), expected=expected, heard=got)
            result.mismatches.append(mismatch)
            result.errors[clip] += mismatch.errors
    return result


Run = tuple[int, int, int, int]  # reference words i1:i2 against heard words j1:j2


def _near(runs: list[Run]) -> list[list[Run]]:
    """Runs of errors in order, those at most ``JOIN_GAP`` equal words apart together."""
    out: list[list[Run]] = []
    for run in runs:
        if out and run[0] - out[-1][-1][1] <= JOIN_GAP and run[2] - out[-1][-1][3] <= JOIN_GAP:
            out[-1].append(run)
        else:
            out.append([run])
    return out


def _regroup(
    ref: list[str],
    owner: list[int],
    heard: Sequence[HeardToken],
    near: list[Run],
    matched_start: list[float | None],
    matched_end: list[float | None],
) -> list[Run]:
    """The errors left in runs of errors (a few equal words apart) once groups of words that say
    the same characters are matched (see the module docstring); the words of such groups get the
    times they were heard at. A group stays within a clip (the recognizer runs one sentence's digits
    into the next: "3.6 1.0" read "sixty-one"). Runs too long to align again, or with nothing on one
    side, stay."""
    i1, _, j1, _ = near[0]
    _, i2, _, j2 = near[-1]
    n, m = i2 - i1, j2 - j1
    if n > MAX_RUN or m > MAX_RUN or all(r[0] == r[1] or r[2] == r[3] for r in near):
        return near
    words = [t.token for t in heard[j1:j2]]
    optional = [t.token == "to" and bool(_DIGIT_HYPHEN.search(t.written)) for t in heard[j1:j2]]
    expected = ref[i1:i2]
    inf = n + m + 1
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int, bool] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0
    for i in range(n + 1):
        for j in range(m + 1):
            here = cost[i][j]
            if here == inf:
                continue
            steps = [
                (i + 1, j, here + 1, False),
                (i, j + 1, here + 1, False),
                (i + 1, j + 1, here + 1, False),
            ]
            for a in range(1, min(GROUP_EXPECTED, n - i) + 1):
                if owner[i1 + i + a - 1] != owner[i1 + i]:
                    break
                for b in range(1, min(GROUP_HEARD, m - j) + 1):
                    if same_said(expected[i : i + a], words[j : j + b], optional[j : j + b]):
                        steps.append((i + a, j + b, here, True))
            for ni, nj, c, same in steps:
                if ni <= n and nj <= m and c < cost[ni][nj]:
                    cost[ni][nj] = c
                    back[ni][nj] = (i, j, same)
    pieces: list[tuple[int, int, int, int]] = []
    i, j = n, m
    error_end: tuple[int, int] | None = None
    while i or j:
        step = back[i][j]
        assert step is not None
        pi, pj, same = step
        if same:
            if error_end is not None:
                pieces.append((i1 + i, i1 + error_end[0], j1 + j, j1 + error_end[1]))
                error_end = None
            for k in range(pi, i):
                matched_start[i1 + k] = heard[j1 + pj].start
                matched_end[i1 + k] = heard[j1 + j - 1].end
        elif error_end is None:
            error_end = (i, j)
        i, j = pi, pj
    if error_end is not None:
        pieces.append((i1, i1 + error_end[0], j1, j1 + error_end[1]))
    return pieces[::-1]
