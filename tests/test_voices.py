"""Voices by name across engines, and --rate as speaking time for each engine."""

from __future__ import annotations

import shutil

import pytest
from cli_helpers import invoke
from mutagen.mp3 import MP3

from audioguide.audio.assemble import trim_silence
from audioguide.errors import EngineError
from audioguide.model.settings import DEFAULT_VOICE, VoiceSettings
from audioguide.synth.engines import create_engine
from audioguide.synth.engines.piper import bundled_voice_path
from audioguide.synth.engines.registry import resolve_voice

SENTENCES = [
    "Interventional pain management treats the source of pain.",
    "Most people feel better within a few days, and the swelling fades within a week.",
    "Call the clinic if the pain gets worse or you have a fever.",
]


def test_the_engine_follows_from_the_voice(tmp_path):
    assert resolve_voice(VoiceSettings(voice="heart")) == VoiceSettings(engine="hibari", voice="heart")
    assert resolve_voice(VoiceSettings(voice="joe")) == VoiceSettings(engine="piper", voice="joe")
    assert resolve_voice(VoiceSettings(voice="voices/en_GB-alan.onnx")).engine == "piper"
    assert resolve_voice(VoiceSettings(voice="fenrir")).engine == "hibari"  # known to hibari, not installed
    default = resolve_voice(VoiceSettings(rate=0.9))
    assert default.voice == DEFAULT_VOICE and default.rate == 0.9
    # an engine alone speaks in its own default voice; gTTS's voices are languages
    assert resolve_voice(VoiceSettings(engine="hibari")).voice == "heart"
    assert resolve_voice(VoiceSettings(engine="piper")).voice == "joe"
    assert resolve_voice(VoiceSettings(engine="gtts", lang="es")) == VoiceSettings(engine="gtts", lang="es")


def test_unknown_voice_names_the_voices_there_are():
    with pytest.raises(EngineError) as caught:
        resolve_voice(VoiceSettings(voice="alan"))
    message = str(caught.value)
    assert "\n" not in message and message.startswith("unknown voice 'alan'")
    assert "heart" in message and "joe" in message and "--engine gtts" in message


@pytest.mark.parametrize("voice,rate", [("heart", 24000), ("joe", 22050)])
def test_say_in_a_voice_by_name(voice, rate, tmp_path):
    out = tmp_path / f"{voice}.mp3"
    result = invoke("say", "Rest for two days.", "--voice", voice, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert MP3(out).info.sample_rate == rate


@pytest.mark.parametrize(
    "args,message",
    [
        (("--voice", "fenrir"), "hibari voice 'fenrir' is not installed (installed: heart)"),
        (("--voice", "alan"), "unknown voice 'alan'"),
        (("--voice", "heart", "--engine", "piper"), "unknown Piper voice 'heart'"),
    ],
)
def test_bad_voice_is_one_line(args, message, tmp_path):
    result = invoke("say", "Rest.", *args, "-o", str(tmp_path / "x.mp3"))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert not (tmp_path / "x.mp3").exists()


def _speech_seconds(settings: VoiceSettings) -> float:
    engine = create_engine(settings)
    total = 0.0
    for text in SENTENCES:
        audio = engine.synthesize(text)
        total += trim_silence(audio.samples, audio.sample_rate).size / audio.sample_rate
    return total


@pytest.mark.parametrize("voice", ["heart", "joe"])
def test_rate_is_speaking_time(voice):
    """--rate 0.9: speech takes 1/0.9 = 11.1 % longer, whatever the engine (Piper's own length
    scale gave 4.8 %, hibari's speed 4 %: both round per phoneme)."""
    normal = _speech_seconds(VoiceSettings(voice=voice))
    slow = _speech_seconds(VoiceSettings(voice=voice, rate=0.9))
    fast = _speech_seconds(VoiceSettings(voice=voice, rate=1.25))
    assert slow / normal == pytest.approx(1 / 0.9, abs=0.012)
    assert fast / normal == pytest.approx(1 / 1.25, abs=0.03)


def test_piper_voice_file_by_path(tmp_path):
    custom = tmp_path / "my-voice.onnx"
    shutil.copy(bundled_voice_path(), custom)
    shutil.copy(f"{bundled_voice_path()}.json", f"{custom}.json")
    assert create_engine(VoiceSettings(voice=str(custom))).name == "piper"
