"""Web sources: one deadline, one distinct line per server fault, no secret recorded."""

from __future__ import annotations

import http.server
import socket
import threading
import time

import pytest
from cli_helpers import assert_one_line_error, invoke
from local_http import serving

from audioguide.errors import EngineUnavailable, SourceError
from audioguide.model.settings import VoiceSettings
from audioguide.sources.load import fetch_url, load_source
from audioguide.synth.engines.gtts import ENDPOINT_ENV, GTTSEngine

PAGE = (
    b"<html><body><main><h1>Knee Care</h1><p>Rest the knee today and keep it raised.</p>"
    b"<h2>Ice</h2><p>Ice it for twenty minutes, three times a day.</p></main></body></html>"
)
PROXY_VARS = (
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "no_proxy",
    "NO_PROXY",
)


class Handler(http.server.BaseHTTPRequestHandler):
    drip_sent: list[int] = []  # bytes of /drip written before the client went away
    drip_done = threading.Event()

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:  # http.server's name
        if self.path.startswith("/article"):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(PAGE)))
            self.end_headers()
            self.wfile.write(PAGE)
        elif self.path == "/drip":  # a byte every 0.1 s: each read is quick, the whole is not
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            sent = 0
            try:
                for _ in range(1000):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    sent += 1
                    time.sleep(0.1)
            except OSError:
                pass
            Handler.drip_sent.append(sent)
            Handler.drip_done.set()
        elif self.path.startswith("/503"):
            self.send_response(503)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/hang":
            time.sleep(3)

    do_POST = do_GET


@pytest.fixture(scope="module")
def server():
    with serving(Handler) as port:
        yield port


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    for var in PROXY_VARS:
        monkeypatch.delenv(var, raising=False)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_dripping_server_is_cut_off_at_one_deadline(server):
    """Every read is quick, the whole would take 100 s: the download's own deadline ends it, and
    the connection is dropped, so the server stops sending long before the page is whole."""
    url = f"http://127.0.0.1:{server}/drip"
    with pytest.raises(SourceError) as info:
        fetch_url(url, timeout=1.0)
    assert str(info.value) == f"{url}: timed out after 1 s (the download took too long)"
    assert Handler.drip_done.wait(timeout=30), "the server is still sending"
    assert Handler.drip_sent and Handler.drip_sent[0] < 1000


def test_each_server_fault_has_its_own_line(server):
    cases = {
        "dns": ("http://audioguide-test.invalid/article", "host not found (DNS lookup failed"),
        "refused": (f"http://127.0.0.1:{_closed_port()}/article", "connection refused"),
        "tls": (f"https://127.0.0.1:{server}/article", "secure connection failed (TLS/SSL"),
        "5xx": (f"http://127.0.0.1:{server}/503", "server error (HTTP 503 Service Unavailable"),
    }
    seen = set()
    for url, expected in cases.values():
        result = invoke("outline", url)
        assert_one_line_error(result, url, expected)
        seen.add(result.stderr.split(": ", 3)[-1])
    assert len(seen) == len(cases)
    with pytest.raises(SourceError, match="timed out after 0.5 s"):
        fetch_url(f"http://127.0.0.1:{server}/hang", timeout=0.5)


def test_gtts_says_which_fault_with_the_same_words(server, monkeypatch):
    """The engine classifies with the fetcher's helper: TLS is not a vague "connection failed"."""
    monkeypatch.setattr("audioguide.synth.engines.gtts._sleep", lambda s: None)
    monkeypatch.setenv(ENDPOINT_ENV, f"https://127.0.0.1:{server}")
    with pytest.raises(
        EngineUnavailable, match=r"cannot reach 127\.0\.0\.1:\d+: secure connection failed \(TLS/SSL"
    ):
        GTTSEngine(VoiceSettings(engine="gtts")).synthesize("Hello world.")
    monkeypatch.setenv(ENDPOINT_ENV, f"http://127.0.0.1:{server}/503")
    with pytest.raises(Exception, match=r"server error \(HTTP 503"):
        GTTSEngine(VoiceSettings(engine="gtts"), attempts=1).synthesize("Hello world.")


def test_query_and_fragment_are_not_recorded(server, tmp_path):
    url = f"http://127.0.0.1:{server}/article?access_token=SECRET123&x=1#frag"
    document = load_source(url).document
    assert document.source == f"http://127.0.0.1:{server}/article"
    guide = tmp_path / "guide.yaml"
    result = invoke("init", url, "-o", str(guide))
    assert result.exit_code == 0, result.stderr
    text = guide.read_text(encoding="utf-8")
    assert "SECRET123" not in text and "frag" not in text
    assert f"source: http://127.0.0.1:{server}/article\n" in text
