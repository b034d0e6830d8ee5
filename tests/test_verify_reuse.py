"""A clip's print tells the same speech re-mastered from other speech (verify's reuse of kept words).

No recognizer here: the prints are read from the real voice's audio, and
:func:`plan_track` is given a kept first listening as verify keeps it.
"""

from __future__ import annotations

import numpy as np
import pytest

from audioguide.audio.resample import resample
from audioguide.model.manifest import ClipRecord
from audioguide.model.settings import VoiceSettings
from audioguide.synth.engines import create_engine
from audioguide.verify.asr import RATE, Word
from audioguide.verify.reuse import clip_print, heard_record, old_clips, plan_track, prints_match


@pytest.fixture(scope="module")
def speech() -> dict[str, np.ndarray]:
    engine = create_engine(VoiceSettings())
    try:
        said = {
            text: engine.synthesize(text)
            for text in ("Keep the bandage on for one day.", "Ice the area for ten minutes.")
        }
    finally:
        engine.close()
    return {
        text: resample(clip.samples, clip.sample_rate, RATE).astype(np.float32) for text, clip in said.items()
    }


def _print(x: np.ndarray) -> bytes:
    return clip_print(x, 0.0, len(x) / RATE)


def test_the_same_speech_at_another_gain_matches(speech):
    x = speech["Keep the bandage on for one day."]
    assert prints_match(_print(x), _print(x * 10 ** (-2.5 / 20)))


def test_other_speech_or_another_length_does_not_match(speech):
    x, y = speech["Keep the bandage on for one day."], speech["Ice the area for ten minutes."]
    n = min(len(x), len(y))
    assert not prints_match(_print(x[:n]), _print(y[:n]))
    assert not prints_match(_print(x), _print(x[: len(x) - RATE // 10]))
    # one word's worth (0.3 s) of other speech in the middle, the length unchanged
    middle = len(x) // 2
    changed = np.concatenate(
        [x[:middle], y[middle : middle + int(0.3 * RATE)], x[middle + int(0.3 * RATE) :]]
    )
    assert not prints_match(_print(x), _print(changed))
    silence = np.zeros(RATE, np.float32)
    assert not prints_match(_print(silence), _print(silence))


def test_a_changed_track_hears_only_its_changed_clip_and_moves_the_other_words(speech):
    one, ice = speech["Keep the bandage on for one day."], speech["Ice the area for ten minutes."]
    pause = np.zeros(RATE // 2, np.float32)

    def track(first: np.ndarray, second: np.ndarray) -> tuple[np.ndarray, list[ClipRecord]]:
        audio = np.concatenate([pause, first, pause, second, pause])
        times = [
            (0.5, 0.5 + len(first) / RATE),
            (1.0 + len(first) / RATE, 1.0 + (len(first) + len(second)) / RATE),
        ]
        keys = ["one" if first is one else "other", "ice"]
        clips = [ClipRecord(k, "", "", "paragraph", 0, s, e) for k, (s, e) in zip(keys, times)]
        return audio, clips

    before, clips_before = track(one, ice)
    words = [
        Word(" Keep", 0.6, 0.9),
        Word(" day.", 2.0, 2.2),
        Word(" Ice", clips_before[1].start_s + 0.1, 3.0),
    ]
    kept = [{"heard": heard_record(clips_before, before, words, "whisper")}]

    shorter = one[: len(one) * 2 // 3]
    after, clips_after = track(shorter, ice)  # the first sentence changed: the second moved earlier
    plan = plan_track(clips_after, after, old_clips(kept, "whisper"))
    assert plan.unchanged == 1
    assert plan.listen == [(0.0, (clips_after[0].end_s + clips_after[1].start_s) / 2)]
    shift = clips_after[1].start_s - clips_before[1].start_s
    assert plan.words == [Word(" Ice", words[2].start + shift, words[2].end + shift)]

    # words heard by another verifier, damaged or foreign kept data: all of the track is heard
    for other in (old_clips(kept, "another model"), old_clips([{"heard": {"clips": "x"}}, {}], "whisper")):
        assert plan_track(clips_after, after, other).listen == [(0.0, len(after) / RATE)]


def test_a_sentence_said_twice_takes_the_words_heard_in_its_own_saying(speech):
    """The n-th saying of a repeated sentence takes the words heard in the n-th saying before
    (the recognizer may have heard them differently), not those of the first."""
    one = speech["Keep the bandage on for one day."]
    pause = np.zeros(RATE // 2, np.float32)
    length = len(one) / RATE
    audio = np.concatenate([pause, one, pause, one, pause])
    times = [(0.5, 0.5 + length), (1.0 + length, 1.0 + 2 * length)]
    clips = [ClipRecord("one", "", "", "paragraph", 0, s, e) for s, e in times]
    words = [Word(" first", 0.6, 0.9), Word(" second", times[1][0] + 0.1, times[1][0] + 0.4)]
    kept = [{"heard": heard_record(clips, audio, words, "whisper")}]

    later = np.concatenate([np.zeros(RATE, np.float32), audio])  # a new clip's room before them
    moved = [ClipRecord("one", "", "", "paragraph", 0, s + 1.0, e + 1.0) for s, e in times]
    plan = plan_track(moved, later, old_clips(kept, "whisper"))
    assert plan.unchanged == 2
    assert [(w.text, round(w.start, 3)) for w in plan.words] == [
        (" first", 1.6),
        (" second", round(times[1][0] + 1.1, 3)),
    ]
