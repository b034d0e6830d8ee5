"""Voices per role: questions in one voice, answers in another, in a real built guide.

The guide speaks in hibari's heart (24 kHz) and asks its FAQ questions in
Piper's joe (22.05 kHz, resampled to 24 kHz). Every check reads what was
written: the manifest, the clip cache, the decoded MP3s (pyloudnorm), and
each format's files.
"""

from __future__ import annotations

import io
import json
import subprocess
import wave
import zipfile

import numpy as np
import pytest
from audio_checks import decode, lufs
from cli_helpers import invoke
from mutagen.mp3 import MP3

from audioguide.audio import ffmpeg
from audioguide.errors import GuideScriptError
from audioguide.model.plan import plan_tracks
from audioguide.model.settings import FaqMode, GuideSettings, VoiceSettings
from audioguide.pipeline import BuildOptions, build_guide
from audioguide.sources.guide_script import load_guide
from audioguide.sources.plain import parse_plain_text
from audioguide.speech.clips import speak_plan
from audioguide.speech.lexicon import build_lexicon
from audioguide.synth.cache import ClipCache
from audioguide.synth.engines import create_engine

ARTICLE = """Caring for Your Knee After an Injection

Most people feel better within a few days. Rest and ice help.

FAQs

Can I drive home after the injection?

Yes, if you feel well and the leg is not numb. Ask a friend to drive you if you are unsure.

Will the injection site hurt afterwards?

It may ache for a day or so. An ice pack for twenty minutes at a time eases it.

Conclusion

Call the clinic if the pain gets worse.
"""
DIALOGUE = GuideSettings(voice=VoiceSettings(voice="heart"), voices={"question": "joe"})
HEART, JOE = "hibari:heart", "piper:joe"
ALL_FORMATS = ("tracks", "single", "m4b", "captions", "daisy", "epub", "web", "phone")


def _spoken(settings: GuideSettings):
    document = parse_plain_text(ARTICLE, source="knee.txt")
    return speak_plan(plan_tracks(document, settings), settings.pauses, build_lexicon(settings))


def test_the_speech_stage_says_who_asks_and_who_answers():
    each = _spoken(GuideSettings())
    faq = [t for t in each if t.track.kind.value == "faq"]
    assert len(faq) == 2
    for track in faq:
        parts = [(clip.role, clip.part, clip.written) for clip in track.clips]
        assert parts[0][:2] == ("announcement", "")  # "Track 2 of 4."
        assert parts[1] == ("announcement", "question", track.track.title)  # the question, said by it
        assert {p[:2] for p in parts[2:]} == {("paragraph", "answer")}
    single = _spoken(GuideSettings(faq_mode=FaqMode.SINGLE))
    track = next(t for t in single if t.track.kind.value == "faq")
    assert [c.written for c in track.clips if c.part == "question"] == [
        "Can I drive home after the injection?",
        "Will the injection site hurt afterwards?",
    ]
    assert all(c.part == "" for c in track.clips if c.role in ("announcement", "heading"))
    assert not any(c.part for t in each if t.track.kind.value != "faq" for c in t.clips)


def test_a_role_without_a_voice_speaks_in_the_guides():
    settings = GuideSettings(voice=VoiceSettings(voice="heart", rate=0.9), voices={"question": "joe"})
    assert settings.voice_for("question", "announcement") == VoiceSettings(voice="joe", rate=0.9)
    assert settings.voice_for("answer", "paragraph") == settings.voice
    both = GuideSettings(voices={"answer": "heart", "paragraph": "joe"})
    assert both.voice_for("answer", "paragraph").voice == "heart"  # the more specific part wins
    assert both.voice_for("", "paragraph").voice == "joe"


def test_guide_script_voices(tmp_path):
    script = tmp_path / "guide.yaml"
    script.write_text(
        "title: T\nvoice: {voice: heart}\nvoices: {question: joe, answer: heart}\n"
        "chapters:\n  - title: S\n    text: P.\n",
        encoding="utf-8",
    )
    _, settings = load_guide(script)
    assert settings.voices == {"question": "joe", "answer": "heart"}
    script.write_text(
        "title: T\nvoices: {asker: joe}\nchapters:\n  - title: S\n    text: P.\n", encoding="utf-8"
    )
    with pytest.raises(
        GuideScriptError, match=r"guide.yaml:2: unknown key 'asker' in voices \(known: announcement"
    ):
        load_guide(script)


def test_cli_voices_option_is_checked(tmp_path):
    source = tmp_path / "knee.txt"
    source.write_text(ARTICLE, encoding="utf-8")
    result = invoke("build", str(source), "-o", str(tmp_path / "out"), "--voices", "asker=joe")
    assert result.exit_code == 2 and "ROLE=VOICE" in result.stderr
    result = invoke("build", str(source), "-o", str(tmp_path / "out"), "--voices", "question=alan")
    assert result.exit_code == 1 and "unknown voice 'alan'" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.fixture(scope="module")
def dialogue(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dialogue")
    out, cache = tmp / "guide", tmp / "cache"
    document = parse_plain_text(ARTICLE, source="knee.txt")
    build_guide(document, DIALOGUE, BuildOptions(outdir=out, cache_dir=cache, formats=ALL_FORMATS))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {"out": out, "cache": cache, "tmp": tmp, "manifest": manifest, "document": document}


def _faq_tracks(manifest):
    return [t for t in manifest["tracks"] if t["kind"] == "faq"]


@pytest.mark.slow
def test_questions_come_from_the_question_voice(dialogue):
    manifest = dialogue["manifest"]
    assert manifest["sample_rate"] == 24000 and set(manifest["voices"]) == {HEART, JOE}
    questions = []
    for track in manifest["tracks"]:
        for clip in track["clips"]:
            asks = track["kind"] == "faq" and clip["written"] == track["title"]
            assert clip["voice"] == (JOE if asks else HEART), (track["file"], clip["written"])
            if asks:
                questions.append(clip)
    assert len(questions) == 2
    # the cached clip under the question's key is joe's own reading of it, at joe's rate
    joe = create_engine(VoiceSettings(voice="joe"))
    cache = ClipCache(dialogue["cache"])
    for clip in questions:
        stored = cache.get(clip["key"])
        assert stored.sample_rate == 22050
        own = joe.synthesize(clip["text"]).samples
        assert stored.samples.size == own.size and np.max(np.abs(stored.samples - own)) <= 1 / 32767


@pytest.mark.slow
def test_both_voices_equally_loud(dialogue):
    """Each FAQ track's question (joe) and answer (heart), measured on the decoded MP3, within 1 LU."""
    for track in _faq_tracks(dialogue["manifest"]):
        samples, rate = decode(dialogue["out"] / track["file"])
        spans = {HEART: [], JOE: []}
        for clip in track["clips"]:
            if clip["role"] != "announcement" or clip["voice"] == JOE:  # the answer, and the question
                spans[clip["voice"]].append(
                    samples[round(clip["start_s"] * rate) : round(clip["end_s"] * rate)]
                )
        levels = {voice: lufs(np.concatenate(parts), rate) for voice, parts in spans.items()}
        assert abs(levels[HEART] - levels[JOE]) <= 1.0, (track["file"], levels)


@pytest.mark.slow
def test_24_khz_through_every_format(dialogue):
    out, manifest = dialogue["out"], dialogue["manifest"]
    for track in manifest["tracks"]:
        assert MP3(out / track["file"]).info.sample_rate == 24000
    assert MP3(out / "guide.mp3").info.sample_rate == 24000
    probe = subprocess.run(
        [ffmpeg.ffmpeg_exe(), "-hide_banner", "-i", str(out / "guide.m4b")], capture_output=True, text=True
    ).stderr
    assert "24000 Hz, mono" in probe
    daisy = sorted((out / "daisy").glob("*.mp3"))
    assert len(daisy) == len(manifest["tracks"])
    assert {MP3(path).info.sample_rate for path in daisy} == {24000}
    with zipfile.ZipFile(out / "guide.epub") as epub:
        audio = [name for name in epub.namelist() if name.endswith(".mp3")]
        assert len(audio) == len(manifest["tracks"])
        assert {MP3(io.BytesIO(epub.read(name))).info.sample_rate for name in audio} == {24000}
    total = sum(t["duration_s"] for t in manifest["tracks"])
    joined, rate = decode(out / "guide.mp3")
    assert rate == 24000 and abs(joined.size / rate - total) < 0.2
    for track in manifest["tracks"]:  # the phone files: resampled from 24 kHz, same length
        stem = next(p.stem for p in (out / "phone").glob(f"{track['number']:02d}-*.wav"))
        with wave.open(str(out / "phone" / f"{stem}.wav")) as handle:
            assert handle.getframerate() == 8000
            assert abs(handle.getnframes() / 8000 - track["duration_s"]) < 0.05
        assert abs((out / "phone" / f"{stem}.sln16").stat().st_size / 2 / 16000 - track["duration_s"]) < 0.05
    cues = (out / "captions" / track["file"].replace(".mp3", ".vtt")).read_text(encoding="utf-8")
    assert cues.startswith("WEBVTT") and (out / "index.html").is_file()


@pytest.mark.slow
def test_same_bytes_with_one_job(dialogue):
    """Output does not depend on --jobs, with two engines in every worker."""
    out, cache = dialogue["tmp"] / "jobs1", dialogue["tmp"] / "cache-jobs1"
    build_guide(dialogue["document"], DIALOGUE, BuildOptions(outdir=out, cache_dir=cache, jobs=1))
    for track in dialogue["manifest"]["tracks"]:
        assert (out / track["file"]).read_bytes() == (dialogue["out"] / track["file"]).read_bytes(), track[
            "file"
        ]
