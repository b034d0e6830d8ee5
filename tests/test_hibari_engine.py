"""The real hibari engine (bundled "heart" voice) on short texts."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from audioguide.errors import EngineError
from audioguide.model.settings import VoiceSettings
from audioguide.synth.engines import available_engines, create_engine

TEXT = "Interventional pain management treats the source of pain."


@pytest.fixture(scope="module")
def heart():
    engine = create_engine(VoiceSettings(engine="hibari", voice="heart"))
    yield engine
    engine.close()


def test_registered_offline_with_installed_voices_only():
    cls = available_engines()["hibari"]
    assert cls.offline is True
    voices = {v.name: v for v in cls.voices()}
    assert "heart" in voices  # bundled in the wheel
    heart = voices["heart"]
    assert (heart.language, heart.sex, heart.sample_rate, heart.offline) == ("en_US", "female", 24000, True)
    # hibari knows voices that download on first use; none of them is installed here
    assert "fenrir" not in voices and "emma" not in voices


def test_speech_at_24_khz(heart):
    audio = heart.synthesize(TEXT)
    assert audio.sample_rate == heart.sample_rate == 24000
    assert audio.samples.dtype == np.float32 and audio.samples.ndim == 1
    assert 2.0 < audio.duration_s < 6.0
    rms = float(np.sqrt(np.mean(audio.samples**2)))
    assert rms > 0.01 and float(np.max(np.abs(audio.samples))) <= 1.0


def test_deterministic_whatever_came_before(heart):
    first = heart.synthesize(TEXT).samples
    heart.synthesize("Something else in between, to move any random state on.")
    assert np.array_equal(first, heart.synthesize(TEXT).samples)
    other = create_engine(VoiceSettings(engine="hibari"))  # what a second worker does
    assert np.array_equal(first, other.synthesize(TEXT).samples)


@pytest.mark.parametrize("rate", [1.0, 0.9])
def test_prepared_model_gives_the_same_samples(rate, tmp_path):
    """Workers load a pre-optimized copy of the voice from the model cache: same audio."""
    settings = VoiceSettings(engine="hibari", rate=rate)
    plain = create_engine(settings).synthesize(TEXT).samples
    first = create_engine(settings, model_cache=tmp_path).synthesize(TEXT).samples  # saves the copy
    assert len(list(tmp_path.glob("hibari-*/model.onnx"))) == 1
    again = create_engine(settings, model_cache=tmp_path).synthesize(TEXT).samples  # loads it
    assert np.array_equal(plain, first) and np.array_equal(plain, again)


def test_a_prepared_slower_voice_loads_without_patching_the_graph_again(tmp_path):
    """The rate patch (onnx's graph tools) runs when the prepared copy is made, not at every load."""
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from audioguide.model.settings import VoiceSettings
        from audioguide.synth.engines import create_engine
        engine = create_engine(VoiceSettings(engine="hibari", rate=0.9), model_cache=Path({str(tmp_path)!r}))
        engine.synthesize("Rest the knee.")
        print("onnx" in sys.modules)
        """
    )
    runs = [subprocess.run([sys.executable, "-c", script], capture_output=True, text=True) for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0], runs[-1].stderr
    assert [r.stdout.strip() for r in runs] == ["True", "False"]  # made, then loaded as it is


def test_identity_names_everything_that_changes_the_sound(heart):
    ident = heart.identity()
    import hibari
    import onnxruntime

    assert ident["engine"] == "hibari" and ident["voice"] == f"heart@hibari-tts=={hibari.__version__}"
    assert ident["hibari"] == hibari.__version__ and ident["onnxruntime"] == onnxruntime.__version__
    assert ident["threads"] == 1 and "seed" in ident and ident["exact_rate"] == 0
    slow = create_engine(VoiceSettings(engine="hibari", rate=0.9)).identity()
    assert slow != ident and slow["exact_rate"] and slow["speed"] == 0.9


@pytest.mark.parametrize(
    "voice,message",
    [
        (
            "fenrir",
            "hibari voice 'fenrir' is not installed (installed: heart); audioguide never downloads voices",
        ),
        ("nobody", "unknown hibari voice 'nobody' (installed: heart)"),
    ],
)
def test_bad_voice_is_one_line_and_never_downloads(voice, message, tmp_path, monkeypatch):
    import urllib.request

    import hibari.voices

    def no_network(*args, **kwargs):
        raise AssertionError("audioguide tried to download a voice")

    monkeypatch.setenv("HIBARI_HOME", str(tmp_path / "hibari-home"))
    monkeypatch.setattr(hibari.voices, "download", no_network)
    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    with pytest.raises(EngineError) as caught:
        create_engine(VoiceSettings(engine="hibari", voice=voice))
    assert str(caught.value) == message
    assert not (tmp_path / "hibari-home").exists()  # not even the download folder was made


@pytest.mark.parametrize("rate", [0.1, 5.0])
def test_rate_out_of_range(rate):
    with pytest.raises(EngineError, match="--rate for hibari must be between"):
        create_engine(VoiceSettings(engine="hibari", rate=rate))


def test_lexicon_lookup(heart):
    """For the `words` review: phonemes per word, and whether the dictionary knows it."""
    assert heart.pronunciation("lidocaine") == ("lˈIdəkˌAn", True)
    assert all(heart.pronunciation(word)[1] for word in ("kyphoplasty", "sacroiliac"))
    assert heart.lookup("NSAIDs")["source"] == "derived"  # from NSAID
    assert heart.lookup("MRI")["source"] == "spelled"
    guessed = heart.lookup("gabapentin")
    assert (
        guessed["source"] == "guessed"
        and guessed["phonemes"]
        and heart.pronunciation("gabapentin") == (guessed["phonemes"], False)
    )


def test_no_onnxruntime_telemetry(tmp_path):
    """onnxruntime 1.32 writes ~/.cache/Microsoft/... and phones home unless told not to before
    its first import: audioguide tells it, for both offline engines."""
    script = textwrap.dedent("""
        from audioguide.model.settings import VoiceSettings
        from audioguide.synth.engines import create_engine
        for engine in ("hibari", "piper"):
            assert create_engine(VoiceSettings(engine=engine)).synthesize("Hello there.").samples.size
    """)
    env = {k: v for k, v in os.environ.items() if k not in ("ORT_DISABLE_TELEMETRY", "XDG_CACHE_HOME")}
    env["HOME"] = str(tmp_path)
    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=300)
    assert not (tmp_path / ".cache" / "Microsoft").exists()


def test_samples_are_hibaris_own_with_the_seeded_generator(heart):
    """The engine replays its noise from a table; hibari with a fresh default_rng(0) gives the same."""
    from hibari import Hibari

    (phonemes,) = heart.utterances(TEXT)
    stock = Hibari(voice="heart", threads=1).from_phonemes(phonemes, 1.0, seed=0)
    assert np.array_equal(heart.synthesize(TEXT).samples, stock)
