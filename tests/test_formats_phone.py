"""The "phone" format: a short guide built once with the real Piper engine, its files read back.

Variants of the hold programme call ``phone.export`` again on the same built
guide, read back with the public ``open_guide`` (its samples are the built
tracks' own: the test checks them against the MP3s), with other settings.
"""

from __future__ import annotations

import configparser
import dataclasses
import json
import logging
import math
import shutil
import wave
from pathlib import Path

import numpy as np
import pytest
from p56 import active_level
from scipy.signal import welch

from audioguide.audio import ffmpeg, telephone
from audioguide.errors import AudioguideError
from audioguide.exporters import phone
from audioguide.model.guide import FinishedGuide
from audioguide.model.manifest import load_manifest
from audioguide.model.settings import GuideSettings, HoldProgramme
from audioguide.pipeline import BuildOptions, build_guide, open_guide
from audioguide.sources.plain import parse_plain_text

pytestmark = pytest.mark.slow

ARTICLE = """Caring for Your Knee After an Injection

This short guide explains what to expect after a knee injection at our clinic. It covers the first day, the first week, and when to call us.

The First Day

Keep the knee raised when you sit down. Put an ice pack on it for fifteen minutes at a time. Some soreness is normal and usually fades within a day or two.

The First Week

You can walk as usual, but avoid running and heavy lifting for a few days. Take your regular medicines unless your doctor told you otherwise.

Conclusion

Call the clinic if the knee becomes hot, red or very swollen, or if you have a fever.
"""
STEMS = ["01-introduction", "02-the-first-day", "03-the-first-week", "04-conclusion"]
ALL_STEMS = [*STEMS, "hold-programme"]
RATE8, RATE16 = 8000, 16000
GAP8 = 2000 * RATE8 // 1000  # default gap_ms at 8 kHz
PAUSE8 = 700 * RATE8 // 1000  # after_announcement_ms: after the opening line
FULL_SCALE_CEILING = 10 ** (-1 / 20)  # -1 dBFS


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("phone") / "guide"
    cache_dir = tmp_path_factory.mktemp("phone-cache")
    document = parse_plain_text(ARTICLE)
    settings = GuideSettings()
    report = build_guide(
        document, settings, BuildOptions(outdir=out, cache_dir=cache_dir, formats=("tracks", "phone"))
    )
    assert report.formats == {"phone": "built"}
    return document, settings, out, cache_dir


@pytest.fixture(scope="module")
def guide(built):
    """The built guide as exporters see it (the public reader of a finished guide)."""
    _, _, out, cache_dir = built
    finished = open_guide(out, cache_dir=cache_dir)
    for track in finished.tracks:  # the very audio the MP3s were encoded from
        decoded, _ = ffmpeg.decode(track.path, sample_rate=finished.rate)
        samples = finished.samples(track)
        assert abs(decoded.size - samples.size) < 2 * 1152 + 1105  # LAME delay and padding
        assert track.tags.title == track.record.title
    again = open_guide(str(out), cache_dir=str(cache_dir))  # paths as a script gives them, in strings
    assert again.folder == out and [t.path for t in again.tracks] == [t.path for t in finished.tracks]
    return finished


def export_variant(guide: FinishedGuide, folder: Path, **hold) -> Path:
    """phone/ for the same guide with other hold-programme settings; returns the phone folder.

    The opening line is the build's (the default one) or, with ``opening=None``, none.
    """
    settings = dataclasses.replace(guide.settings, hold=HoldProgramme(**hold))
    assert settings.hold.opening in (None, guide.settings.hold.opening), "a new opening line needs a build"
    opening = guide.opening if settings.hold.opening else None
    variant = dataclasses.replace(guide, folder=folder, settings=settings, opening=opening)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(guide.folder / "manifest.json", folder / "manifest.json")  # same tracks, same clip times
    paths = phone.export(variant)
    assert all(p.is_file() and p.is_relative_to(folder) for p in paths)
    return folder / "phone"


# --------------------------------------------------------------------------- reading back


def decode_raw(path: Path, fmt: str, rate: int) -> np.ndarray:
    """A headerless file decoded by ffmpeg as ``fmt`` (mulaw, alaw, s16le) at ``rate`` mono."""
    out = ffmpeg.run(
        [
            "-f",
            fmt,
            "-ar",
            str(rate),
            "-ac",
            "1",
            "-i",
            str(path),
            "-f",
            "f32le",
            "-acodec",
            "pcm_f32le",
            "pipe:1",
        ]
    )
    return np.frombuffer(out, dtype="<f4").astype(np.float64)


def wav_pcm(path: Path) -> bytes:
    with wave.open(str(path), "rb") as source:
        return source.readframes(source.getnframes())


def read_any(path: Path) -> tuple[np.ndarray, int]:
    """Samples (float, full scale 1.0) and rate of any phone file."""
    if path.suffix == ".ulaw":
        return decode_raw(path, "mulaw", RATE8), RATE8
    if path.suffix == ".alaw":
        return decode_raw(path, "alaw", RATE8), RATE8
    if path.suffix == ".sln16":
        return decode_raw(path, "s16le", RATE16), RATE16
    with wave.open(str(path), "rb") as source:
        return np.frombuffer(source.readframes(source.getnframes()), "<i2") / 32768.0, source.getframerate()


def band_db(freqs: np.ndarray, psd: np.ndarray, lo: float, hi: float, ref: float) -> float:
    return 10 * math.log10(float(psd[(freqs >= lo) & (freqs < hi)].sum()) / ref)


def active_level_dbov(x: np.ndarray, rate: int) -> float:
    """Independent meter: RMS of the 50 ms frames within 25 dB of the loudest 5 % of frames."""
    frame = rate // 20
    count = x.size // frame
    power = np.mean(x[: count * frame].reshape(count, frame) ** 2, axis=1)
    active = power >= np.percentile(power, 95) * 10 ** (-25 / 10)
    return 10 * math.log10(float(power[active].mean()))


def opening_8k_length(guide: FinishedGuide) -> int:
    """The default opening line's length at 8 kHz, from the engine's own clips: its sentences
    and the sentence pause between them, resampled (resample_poly: ceil(n * 160 / 441))."""
    from audioguide.model.settings import VoiceSettings
    from audioguide.speech import normalize, split_sentences
    from audioguide.synth.engines import create_engine

    settings = guide.settings
    engine = create_engine(VoiceSettings())
    sentences = [engine.synthesize(normalize(s)).samples.size for s in split_sentences(settings.hold.opening)]
    n = sum(sentences) + (len(sentences) - 1) * round(settings.pauses.sentence_ms * guide.rate / 1000)
    return math.ceil(n * RATE8 / guide.rate)


def title_cut_8k(folder: Path, number: int) -> int:
    """Where the hold programme enters track ``number``: 0.3 s before its title clip
    (the clip after "Track n of N."), read from the guide's manifest."""
    manifest = json.loads((folder.parent / "manifest.json").read_text(encoding="utf-8"))
    clips = manifest["tracks"][number - 1]["clips"]
    assert clips[0]["role"] == "announcement" and clips[0]["written"].startswith("Track ")
    assert clips[1]["written"].rstrip(".?") == manifest["tracks"][number - 1]["title"].rstrip(".?")
    return round(max(clips[0]["end_s"], clips[1]["start_s"] - 0.3) * RATE8)


def compose(folder: Path, numbers: list[int], opening: bytes | None, repeat: bool = True) -> bytes:
    """The 8 kHz PCM a programme of these tracks must be, from the per-track files
    entered at their titles (no "Track n of N" on a hold line)."""
    parts: list[bytes] = []
    for index, number in enumerate(numbers):
        if opening is not None and (index == 0 or repeat):
            parts += [opening, bytes(2 * PAUSE8)]
        track = wav_pcm(folder / f"{STEMS[number - 1]}.wav")
        parts += [track[2 * title_cut_8k(folder, number) :], bytes(2 * GAP8)]
    return b"".join(parts)


def test_programme_enters_tracks_at_the_title_in_silence(built):
    folder = built[2] / "phone"
    for number in (1, 2, 3):
        track = np.frombuffer(wav_pcm(folder / f"{STEMS[number - 1]}.wav"), "<i2") / 32768.0
        cut = title_cut_8k(folder, number)
        assert 0 < cut < track.size
        assert np.max(np.abs(track[cut - 400 : cut + 400])) < 0.01  # 50 ms either side: silence


# --------------------------------------------------------------------------- files and formats


def test_every_file_in_every_format(built):
    folder = built[2] / "phone"
    expected = {f"{stem}{ext}" for stem in ALL_STEMS for ext in phone.EXTENSIONS} | {
        "musiconhold.conf",
        "README.txt",
    }
    assert {p.name for p in folder.iterdir()} == expected
    manifest = load_manifest(built[2])
    assert sorted(manifest.formats["phone"]["files"]) == sorted(f"phone/{name}" for name in expected)


@pytest.mark.parametrize("stem", ALL_STEMS)
def test_formats_rates_and_durations(built, stem):
    folder = built[2] / "phone"
    with wave.open(str(folder / f"{stem}.wav"), "rb") as source:
        assert (source.getframerate(), source.getnchannels(), source.getsampwidth()) == (8000, 1, 2)
        assert source.getcomptype() == "NONE"
        duration = source.getnframes() / 8000
    assert duration > 5
    for ext, fmt in ((".ulaw", "mulaw"), (".alaw", "alaw")):
        path = folder / f"{stem}{ext}"
        decoded = decode_raw(path, fmt, RATE8)
        assert abs(decoded.size / RATE8 - duration) <= 0.05, path.name
        assert abs(path.stat().st_size - 8000 * duration) <= 0.05 * 8000, path.name
    sln16 = folder / f"{stem}.sln16"
    assert sln16.stat().st_size % 2 == 0
    assert abs(sln16.stat().st_size / 32000 - duration) <= 0.05
    wide = decode_raw(sln16, "s16le", RATE16)
    assert abs(wide.size / RATE16 - duration) <= 0.05
    # the track files are the built tracks (MP3 durations from the manifest)
    records = {r.number: r for r in load_manifest(built[2]).tracks}
    if stem != "hold-programme":
        assert abs(records[int(stem[:2])].duration_s - duration) <= 0.05


@pytest.mark.parametrize(("ext", "law", "other"), [(".ulaw", "mulaw", "alaw"), (".alaw", "alaw", "mulaw")])
def test_each_g711_file_is_its_law_of_the_wav(built, ext, law, other):
    """ffmpeg's decoder of the file's law gives the WAV back to within G.711's steps; the other law's
    gives a different signal: the files really are in their law."""
    path = built[2] / "phone" / f"01-introduction{ext}"
    reference = read_any(built[2] / "phone" / "01-introduction.wav")[0]
    right, wrong = decode_raw(path, law, RATE8), decode_raw(path, other, RATE8)
    assert right.size == reference.size
    assert np.max(np.abs(right - reference)) < 0.02
    assert np.max(np.abs(wrong - reference)) > 0.2


# --------------------------------------------------------------------------- band and level


@pytest.mark.parametrize("name", [f"{stem}{ext}" for stem in ALL_STEMS for ext in (".ulaw", ".alaw", ".wav")])
def test_telephone_band(built, name):
    x, rate = read_any(built[2] / "phone" / name)
    freqs, psd = welch(x, rate, nperseg=2048)
    in_band = float(psd[(freqs >= 300) & (freqs <= 3400)].sum())
    above = band_db(freqs, psd, 3600, 4001, in_band)
    below = band_db(freqs, psd, 0, 200, in_band)
    assert above <= -30, f"{name}: energy above 3.6 kHz at {above:.1f} dB"
    assert below <= -25, f"{name}: energy below 200 Hz at {below:.1f} dB"


@pytest.mark.parametrize("name", [f"{stem}.wav" for stem in ALL_STEMS])
def test_nothing_left_below_the_telephone_band(built, name):
    """README: 300-3400 Hz. Per hertz, below 250 Hz is at least 45 dB under the speech band
    (a Butterworth high-pass left 150-200 Hz only 16 dB under it, 200-250 Hz level with it)."""
    x, rate = read_any(built[2] / "phone" / name)
    freqs, psd = welch(x, rate, nperseg=4096)
    density = float(psd[(freqs >= 300) & (freqs <= 3400)].mean())
    for lo, hi in ((100, 150), (150, 200), (200, 250)):
        below = 10 * math.log10(float(psd[(freqs >= lo) & (freqs < hi)].mean()) / density)
        assert below <= -45, f"{name}: {lo}-{hi} Hz at {below:.1f} dB"


@pytest.mark.parametrize("name", [f"{stem}{ext}" for stem in ALL_STEMS for ext in phone.EXTENSIONS])
def test_p56_active_speech_level_is_the_stated_minus_22_dbov(built, name):
    """README: -22 dBov active speech, read by an ITU-T P.56 method B meter (tests/p56.py)."""
    x, rate = read_any(built[2] / "phone" / name)
    level, _ = active_level(x, rate)
    assert abs(level - telephone.TARGET_DBOV) <= 0.3, f"{name}: P.56 active speech level {level:.2f} dBov"


@pytest.mark.parametrize("stem", ALL_STEMS)
def test_wideband_file(built, stem):
    x, rate = read_any(built[2] / "phone" / f"{stem}.sln16")
    freqs, psd = welch(x, rate, nperseg=4096)
    in_band = float(psd[(freqs >= 50) & (freqs <= 7000)].sum())
    assert band_db(freqs, psd, 7600, 8001, in_band) <= -40
    assert band_db(freqs, psd, 0, 30, in_band) <= -30
    assert band_db(freqs, psd, 3600, 7000, in_band) >= -40  # the wideband file keeps the upper band


@pytest.mark.parametrize("name", [f"{stem}{ext}" for stem in ALL_STEMS for ext in phone.EXTENSIONS])
def test_active_speech_level_and_no_clipping(built, name):
    x, rate = read_any(built[2] / "phone" / name)
    level = active_level_dbov(x, rate)
    assert -24 <= level <= -20, f"{name}: active speech at {level:.2f} dBov"
    peak = float(np.max(np.abs(x)))
    assert peak < 0.99, f"{name}: sample at full scale"
    linear = name.endswith((".wav", ".sln16"))  # G.711 may round a peak up by one step
    assert peak <= FULL_SCALE_CEILING * (1.0 if linear else 10 ** (0.5 / 20)) + 1 / 32768


def test_limiter_holds_the_ceiling_on_real_speech(built):
    """Real speech pushed too loud comes out under -1 dBFS; a slight overshoot costs little level."""
    x, rate = read_any(built[2] / "phone" / "01-introduction.sln16")
    for gain_db, max_drop_db in ((8, 0.5), (13, 6.0)):  # the files are at -22 dBov (P.56)
        loud = x * 10 ** (gain_db / 20)
        assert np.max(np.abs(loud)) > FULL_SCALE_CEILING
        limited = telephone.peak_limit(loud, rate)
        assert np.max(np.abs(limited)) <= FULL_SCALE_CEILING
        assert limited.size == loud.size
        assert active_level_dbov(limited, rate) > active_level_dbov(loud, rate) - max_drop_db
        quiet = np.abs(loud) < 0.05  # far from any peak's hold: mostly untouched
        assert np.mean(np.isclose(limited[quiet], loud[quiet])) > 0.5


# --------------------------------------------------------------------------- hold programme


def test_default_programme_opening_then_all_but_the_conclusion(built, guide):
    folder = built[2] / "phone"
    programme = wav_pcm(folder / "hold-programme.wav")
    opening = opening_8k_length(guide)
    first = programme[: 2 * opening]
    assert (
        active_level_dbov(np.frombuffer(first, "<i2") / 32768.0, RATE8) > -24
    )  # speech from the first second
    assert programme == compose(folder, [1, 2, 3], first)  # tracks 1-3, each after the opening line
    assert len(programme) / 2 / RATE8 <= guide.settings.hold.max_seconds
    assert (folder / "hold-programme.ulaw").stat().st_size == len(programme) // 2


def test_small_max_seconds_keeps_whole_tracks_that_fit(guide, tmp_path):
    folder = guide.folder / "phone"
    sizes = {n: (folder / f"{STEMS[n - 1]}.ulaw").stat().st_size - title_cut_8k(folder, n) for n in (1, 2, 3)}
    bound = (sizes[1] + sizes[2] + 2 * GAP8) / RATE8 + 0.5  # track 3 cannot fit too
    assert sizes[3] / RATE8 > 0.5
    out = export_variant(guide, tmp_path / "two", opening=None, max_seconds=bound)
    programme = wav_pcm(out / "hold-programme.wav")
    assert programme == compose(out, [1, 2], None)
    assert (out / "hold-programme.ulaw").stat().st_size / RATE8 <= bound


def test_a_track_too_long_on_its_own_is_skipped_with_a_warning(guide, tmp_path, caplog):
    folder = guide.folder / "phone"
    sizes = {n: (folder / f"{STEMS[n - 1]}.ulaw").stat().st_size - title_cut_8k(folder, n) for n in (1, 2, 3)}
    assert sizes[1] > max(sizes[2], sizes[3])
    bound = (sizes[1] + GAP8) / RATE8 - 0.5  # track 1 never fits; 2 fits, then 3 does not
    assert sizes[2] + sizes[3] + 2 * GAP8 > bound * RATE8
    with caplog.at_level(logging.INFO, logger="audioguide.exporters.phone"):
        out = export_variant(guide, tmp_path / "skip", opening=None, max_seconds=bound)
    assert wav_pcm(out / "hold-programme.wav") == compose(out, [2], None)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "track 1" in warnings[0] and "skipped" in warnings[0]


def test_max_bytes_bounds_the_g711_file(guide, tmp_path):
    folder = guide.folder / "phone"
    opening = wav_pcm(folder / "hold-programme.wav")[: 2 * opening_8k_length(guide)]
    block = len(opening) // 2 + PAUSE8
    sizes = {n: (folder / f"{STEMS[n - 1]}.ulaw").stat().st_size - title_cut_8k(folder, n) for n in (1, 2, 3)}
    max_bytes = 2 * block + sizes[1] + sizes[2] + 2 * GAP8 + 1000
    out = export_variant(guide, tmp_path / "bytes", max_bytes=max_bytes)
    assert (out / "hold-programme.ulaw").stat().st_size <= max_bytes
    assert (out / "hold-programme.alaw").stat().st_size <= max_bytes
    assert wav_pcm(out / "hold-programme.wav") == compose(out, [1, 2], opening)


def test_no_opening_and_chosen_tracks(guide, tmp_path):
    out = export_variant(guide, tmp_path / "plain", opening=None, tracks=(4, 2))
    programme = wav_pcm(out / "hold-programme.wav")
    assert programme == compose(out, [2, 4], None)  # guide order, the conclusion when asked for
    assert not any(programme[:200])  # starts with track 2's head silence, not with speech


def test_opening_said_once_without_repeat(guide, tmp_path):
    folder = guide.folder / "phone"
    opening = wav_pcm(folder / "hold-programme.wav")[: 2 * opening_8k_length(guide)]
    out = export_variant(guide, tmp_path / "once", repeat_opening=False)
    assert wav_pcm(out / "hold-programme.wav") == compose(out, [1, 2, 3], opening, repeat=False)


@pytest.mark.parametrize(
    ("hold", "words"),
    [
        ({"max_seconds": 3.0}, "no track fits in 3 s"),
        ({"max_seconds": 600.0, "max_bytes": 8000}, "no track fits in 600 s and 8000 bytes"),
        ({"tracks": (9,)}, "no track 9"),
    ],
)
def test_impossible_programme_is_a_one_line_error(guide, tmp_path, hold, words):
    with pytest.raises(AudioguideError) as caught:
        export_variant(guide, tmp_path / "none", **hold)
    message = str(caught.value)
    assert words in message and "\n" not in message


# --------------------------------------------------------------------------- configuration and docs


def test_musiconhold_conf_is_a_ready_asterisk_class(built):
    folder = built[2] / "phone"
    parser = configparser.ConfigParser()
    parser.read(folder / "musiconhold.conf", encoding="utf-8")
    slug = "caring-for-your-knee-after-an-injection"
    assert parser.sections() == [f"audioguide-{slug}"]
    section = parser[f"audioguide-{slug}"]
    assert section["mode"] == "files"
    assert section["directory"] == f"/var/lib/asterisk/moh/{slug}"
    assert section["sort"] == "alpha"
    text = (folder / "musiconhold.conf").read_text(encoding="utf-8")
    assert "hold-programme.ulaw hold-programme.alaw hold-programme.wav hold-programme.sln16" in text
    readme = (folder / "README.txt").read_text(encoding="utf-8")
    assert (
        "hold-programme.wav" in readme
        and "CUCM" in readme
        and "FreePBX" in readme.replace("FREEPBX", "FreePBX")
    )
    for stem in STEMS[:3]:
        assert stem in readme  # the programme's contents are listed


# ----------------------------------------------------------- samples kept between peak-check passes


def test_sample_store_masters_each_track_and_headroom_once(guide, tmp_path, monkeypatch):
    """single/m4b passes read unchanged tracks back from disk, bit for bit, instead of re-mastering them."""
    from audioguide.exporters.joined import SampleStore

    store = SampleStore(tmp_path)
    track = guide.tracks[0]
    plain = store.get(guide, 0, 0.0)
    assert np.array_equal(plain, guide.samples(track))
    more = store.get(guide, 0, 0.5)
    assert np.array_equal(more, guide.samples(track, 0.5))
    assert not np.array_equal(plain, more)
    monkeypatch.setattr(FinishedGuide, "samples", lambda self, *a: pytest.fail("mastered again"))
    assert np.array_equal(store.get(guide, 0, 0.0), plain) and np.array_equal(store.get(guide, 0, 0.5), more)
    assert len(list(tmp_path.iterdir())) == 2
