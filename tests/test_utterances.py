"""Whole-sentence prosody: the shared splitting policy, and hibari speaking long sentences whole."""

from __future__ import annotations

import numpy as np
import pytest

from audioguide.model.settings import VoiceSettings
from audioguide.synth.engines import create_engine
from audioguide.synth.utterances import MAX_WORDS, MIN_WHOLE_WORDS, join, utterances

# 60 words, 487 phoneme characters: hibari's own Hibari(text) cuts it at a comma (over 400).
SIXTY = (
    "After radiofrequency ablation of the medial branch nerves, most patients with chronic lumbar facet "
    "pain notice gradual improvement over several weeks, although temporary soreness, numbness or "
    "increased sensitivity around the injection site can occur, and your physician will usually recommend "
    "physical therapy, gentle stretching and anti-inflammatory medication to support recovery before "
    "considering additional interventional procedures such as epidural steroid injections."
)


def words(n: int, start: int = 0) -> str:
    return " ".join(f"w{i}" for i in range(start, start + n))


def test_a_sentence_up_to_the_limit_is_one_utterance():
    assert len(SIXTY.split()) == 60 and MAX_WORDS >= 60
    assert utterances(SIXTY) == [SIXTY]
    assert utterances("Rest.") == ["Rest."]
    assert utterances("   ") == []


def test_no_engine_may_ask_for_less_than_forty_words():
    sentence = words(20) + ", " + words(19, 20) + "."
    assert len(sentence.split()) == MIN_WHOLE_WORDS - 1
    assert utterances(sentence, max_words=14) == [sentence]


def test_a_clause_is_never_cut():
    long = words(150) + "."
    assert utterances(long) == [long]


def test_split_at_the_strongest_punctuation():
    # commas near the middle, one semicolon far from it: the semicolon wins
    sentence = words(10) + "; " + words(35, 10) + ", " + words(40, 45) + "."
    pieces = utterances(sentence, max_words=MIN_WHOLE_WORDS)
    assert pieces[0] == words(10) + ";"
    assert " ".join(pieces) == sentence
    # colon over comma, dash over comma
    colon = words(30) + ", " + words(20, 30) + ": " + words(40, 50)
    assert utterances(colon, max_words=60)[0].endswith("w49:")
    dash = words(45) + ", " + words(10, 45) + " \u2014 " + words(40, 55)
    assert utterances(dash, max_words=60)[0].endswith("\u2014")


def test_commas_split_near_the_middle_until_every_piece_fits():
    sentence = ", ".join(words(10, 10 * i) for i in range(20)) + "."  # 200 words, a comma every 10
    pieces = utterances(sentence)
    assert " ".join(pieces) == sentence
    assert all(MIN_WHOLE_WORDS // 2 <= len(p.split()) <= MAX_WORDS for p in pieces)
    assert all(p.endswith((",", ".")) for p in pieces)  # each ends at a mark, never inside a clause


def test_join_trims_the_silence_between_utterances():
    rate = 1000
    tone = np.sin(np.arange(300) / 3).astype(np.float32)
    quiet = np.zeros(400, np.float32)
    first, second = np.concatenate([quiet, tone, quiet]), np.concatenate([quiet, tone, quiet])
    joined = join([first, second], rate)
    assert joined.size < first.size + second.size
    assert np.array_equal(joined[:700], first[:700])  # the start as the engine made it
    assert np.array_equal(joined[-700:], second[-700:])  # and the end
    assert np.array_equal(join([first], rate), first)


@pytest.fixture(scope="module")
def heart():
    return create_engine(VoiceSettings(voice="heart"))


def test_hibari_speaks_sixty_words_in_one_model_call(heart):
    import hibari
    import hibari.voices

    reference = hibari.Hibari(model=hibari.voices.voice_path("heart", download_missing=False), threads=1)
    assert len(reference.phonemize(SIXTY)) == 2  # hibari alone would cut it at a comma
    assert heart.utterances(SIXTY) == [reference.g2p(SIXTY)]
    one_call = reference.from_phonemes(reference.g2p(SIXTY), speed=1.0, seed=0)
    assert np.array_equal(heart.synthesize(SIXTY).samples, one_call)
