"""GTTSEngine against a local fake of Google's batchexecute endpoint (plus one live test)."""

from __future__ import annotations

import re
import socket
import threading

import numpy as np
import pytest
from fake_gtts import BATCH_PATH, HANG, NO_AUDIO, FakeGoogle, piece_duration

from audioguide.errors import EngineError, EngineUnavailable
from audioguide.model.settings import VoiceSettings
from audioguide.synth.engines import available_engines, create_engine
from audioguide.synth.engines import gtts as gtts_engine
from audioguide.synth.engines.gtts import ENDPOINT_ENV, GTTSEngine

LONG_TEXT = (
    "Drink plenty of water during the day, especially when it is hot outside. "
    "Rest as much as you can, and ask your pharmacist which medicine is right for you, "
    "because some remedies are not suitable for children or pregnant women."
)
PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


@pytest.fixture(scope="session")
def fake_server():
    server = FakeGoogle().start()
    yield server
    server.stop()


@pytest.fixture
def fake(fake_server, monkeypatch):
    """The fake endpoint, reset, with AUDIOGUIDE_GTTS_URL pointing at it."""
    fake_server.reset()
    for var in PROXY_VARS:  # gTTS passes urllib's proxies explicitly: keep 127.0.0.1 direct
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv(ENDPOINT_ENV, fake_server.url)
    yield fake_server
    fake_server.reset()


@pytest.fixture
def sleeps(monkeypatch):
    """Backoff delays the engine asked for (not actually slept)."""
    recorded: list[float] = []
    monkeypatch.setattr(gtts_engine, "_sleep", recorded.append)
    return recorded


def engine(**settings) -> GTTSEngine:
    return GTTSEngine(VoiceSettings(engine="gtts", **settings), base_delay=0.5)


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


# --- registry, settings, voices ------------------------------------------------------


def test_registered_offline_false_and_voices_include_en():
    assert available_engines()["gtts"] is GTTSEngine
    assert GTTSEngine.offline is False
    voices = {voice.name: voice for voice in GTTSEngine.voices()}
    assert "en" in voices and not voices["en"].offline
    assert not any(v.default for v in voices.values())  # the default voice is hibari's heart
    assert {"fr", "de", "zh-TW"} <= voices.keys()


def test_create_engine_by_name(fake):
    assert isinstance(create_engine(VoiceSettings(engine="gtts")), GTTSEngine)


def test_unknown_lang_is_rejected_at_creation():
    with pytest.raises(
        EngineError, match=r"unknown gTTS language 'xx' \(see audioguide voices --engine gtts\)"
    ):
        engine(lang="xx")


def test_lang_is_matched_case_insensitively_and_voice_names_a_language():
    assert engine(lang="zh-tw").lang == "zh-TW"
    assert engine(lang="en", voice="fr").lang == "fr"


@pytest.mark.parametrize("rate", [0.0, -1.0, 0.1, 5.0])
def test_rate_out_of_range_is_rejected(rate):
    with pytest.raises(EngineError, match="--rate"):
        engine(rate=rate)


def test_bad_endpoint_override(monkeypatch):
    monkeypatch.setenv(ENDPOINT_ENV, "127.0.0.1:8080")
    with pytest.raises(EngineError, match=ENDPOINT_ENV):
        engine()


def test_identity(fake):
    ident = engine(lang="fr", tld="ca", rate=1.25).identity()
    assert ident == {
        "engine": "gtts",
        "lang": "fr",
        "tld": "ca",
        "slow": False,
        "rate": 1.25,
        "endpoint": fake.url,
    }


def test_identity_without_override_and_default_url(monkeypatch):
    monkeypatch.delenv(ENDPOINT_ENV, raising=False)
    eng = engine(tld="co.uk")
    assert "endpoint" not in eng.identity()
    tts = gtts_engine._PiecewiseTTS("Hello.", tld="co.uk", lang="en", lang_check=False)
    assert [p.url for p in tts.pieces()] == [
        "https://translate.google.co.uk/_/TranslateWebserverUi/data/batchexecute"
    ]


# --- synthesis -----------------------------------------------------------------------


def test_synthesize_short_text(fake):
    text = "Hello world."
    audio = engine(lang="en").synthesize(text)
    assert audio.sample_rate == 24000 == engine().sample_rate
    assert audio.samples.dtype == np.float32 and audio.samples.ndim == 1
    assert audio.duration_s == pytest.approx(piece_duration(text), abs=0.1)
    assert 0.1 < np.abs(audio.samples).max() <= 1.0
    [request] = fake.requests
    assert (request.path, request.text, request.lang, request.speed) == (BATCH_PATH, text, "en", None)


def test_different_texts_give_different_durations(fake):
    eng = engine()
    short = eng.synthesize("Yes.")
    long = eng.synthesize("Take one tablet twice a day with food.")
    assert long.duration_s - short.duration_s == pytest.approx(
        piece_duration("Take one tablet twice a day with food.") - piece_duration("Yes."), abs=0.1
    )


def test_long_text_is_split_and_concatenated(fake):
    audio = engine(lang="de").synthesize(LONG_TEXT)
    texts = fake.texts()
    assert len(texts) >= 3
    assert all(len(text) <= 100 for text in texts)
    # gTTS splits at commas and drops them: compare the words.
    assert re.findall(r"\w+", " ".join(texts)) == re.findall(r"\w+", LONG_TEXT)
    assert {request.lang for request in fake.requests} == {"de"}
    expected = sum(piece_duration(text) for text in texts)
    assert audio.duration_s == pytest.approx(expected, abs=0.1 * len(texts))


def test_rate_uses_atempo(fake):
    text = "Take one tablet twice a day with food."
    normal = engine().synthesize(text)
    fast = engine(rate=2.0).synthesize(text)
    slow = engine(rate=0.5).synthesize(text)
    assert fast.sample_rate == slow.sample_rate == 24000
    assert fast.duration_s == pytest.approx(normal.duration_s / 2, abs=0.1)
    assert slow.duration_s == pytest.approx(normal.duration_s * 2, abs=0.15)
    assert {request.speed for request in fake.requests} == {None}  # never gTTS's slow mode


def test_an_answer_that_is_not_mp3_is_one_line(fake, monkeypatch):
    monkeypatch.setattr(fake, "mp3_for", lambda text: b"<html>not audio</html>" * 40)
    for rate in (1.0, 1.5):
        with pytest.raises(EngineError) as caught:
            engine(rate=rate).synthesize("Hello world.")
        message = str(caught.value)
        assert message.startswith("gTTS: cannot decode the MP3 from 127.0.0.1") and "\n" not in message, (
            message
        )


def test_nothing_speakable_sends_nothing(fake):
    for text in ("", "   ", "..."):
        assert engine().synthesize(text).samples.size == 0
    assert fake.requests == []


# --- retries and errors --------------------------------------------------------------


def test_429_twice_then_ok_succeeds_after_backoff(fake, sleeps):
    fake.script = [429, 429]
    audio = engine().synthesize("Hello world.")
    assert audio.duration_s == pytest.approx(piece_duration("Hello world."), abs=0.1)
    assert len(fake.requests) == 3
    assert sleeps == [0.5, 1.0]


def test_retry_after_header_is_honoured(fake, sleeps):
    fake.script = [503]
    fake.retry_after = "4"
    engine().synthesize("Hello world.")
    assert len(fake.requests) == 2
    assert sleeps == [4.0]


def test_only_the_failing_piece_is_resent(fake, sleeps):
    fake.script = [200, 502]
    engine().synthesize(LONG_TEXT)
    texts = fake.texts()
    assert texts[1] == texts[2] and texts[0] != texts[1]
    assert len(set(texts)) == len(texts) - 1
    assert sleeps == [0.5]


def test_500_always_fails_after_all_attempts(fake, sleeps):
    fake.default = 500
    eng = GTTSEngine(VoiceSettings(engine="gtts"), attempts=4, base_delay=0.25)
    with pytest.raises(EngineError, match=r"after 4 attempts: server error \(HTTP 500") as info:
        eng.synthesize("Hello world.")
    assert not isinstance(info.value, EngineUnavailable)
    assert len(fake.requests) == 4
    assert sleeps == [0.25, 0.5, 1.0]


@pytest.mark.parametrize("status", [400, 403, 404])
def test_other_4xx_is_not_retried(fake, sleeps, status):
    fake.default = status
    with pytest.raises(EngineError, match=f"HTTP {status}"):
        engine().synthesize("Hello world.")
    assert len(fake.requests) == 1
    assert sleeps == []


def test_200_without_audio_is_an_error(fake, sleeps):
    fake.default = NO_AUDIO
    with pytest.raises(EngineError, match="without audio"):
        engine().synthesize("Hello world.")
    assert len(fake.requests) == 1


def test_read_timeout_is_retried_then_unavailable(fake, sleeps):
    fake.default = HANG
    fake.hang_s = 1.0
    eng = GTTSEngine(VoiceSettings(engine="gtts"), attempts=2, base_delay=0.0, timeout=(2.0, 0.2))
    with pytest.raises(EngineUnavailable, match="timed out.*--voice heart"):
        eng.synthesize("Hello world.")
    assert len(fake.requests) == 2


def test_connection_refused_is_one_clear_error(fake, monkeypatch, sleeps):
    url = closed_port_url()
    monkeypatch.setenv(ENDPOINT_ENV, url)
    with pytest.raises(EngineUnavailable) as info:
        engine().synthesize(LONG_TEXT)
    message = str(info.value)
    host = url.removeprefix("http://")
    assert message == (
        f"gTTS needs Google's servers and cannot reach {host}: connection refused (is the server running?); "
        "use an offline voice: --voice heart (the default) or --voice joe"
    )
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert sleeps == []  # no retry when nothing listens


def test_dns_failure_is_unavailable(monkeypatch, sleeps):
    monkeypatch.delenv(ENDPOINT_ENV, raising=False)
    for var in PROXY_VARS:
        monkeypatch.delenv(var, raising=False)
    eng = engine(tld="invalid")  # translate.google.invalid never resolves (RFC 2606)
    with pytest.raises(
        EngineUnavailable,
        match=r"cannot reach translate\.google\.invalid: host not found \(DNS.*--voice heart",
    ):
        eng.synthesize("Hello world.")
    assert sleeps == []


# --- the real thing ------------------------------------------------------------------


def google_reachable(timeout: float = 2.0) -> bool:
    """True if translate.google.com:443 accepts a TCP connection within ``timeout`` s."""
    result: list[bool] = []

    def probe() -> None:
        try:
            socket.create_connection(("translate.google.com", 443), timeout=timeout).close()
            result.append(True)
        except OSError:
            result.append(False)

    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join(timeout + 0.5)  # also bounds a slow DNS lookup
    return bool(result and result[0])


@pytest.mark.live
def test_live_google(monkeypatch):
    if not google_reachable():
        pytest.skip("translate.google.com:443 is not reachable (no internet): live gTTS test skipped")
    monkeypatch.delenv(ENDPOINT_ENV, raising=False)
    audio = GTTSEngine(VoiceSettings(engine="gtts")).synthesize("Drink plenty of water.")
    assert audio.sample_rate == 24000
    assert 0.5 < audio.duration_s < 5.0
    assert np.abs(audio.samples).max() > 0.05
