"""http(s) sources, fetched from a real local web server (never the internet)."""

from __future__ import annotations

import http.server
import socket
import time
from pathlib import Path

import pytest
import yaml
from cli_helpers import invoke as run
from local_http import serving

from audioguide.errors import SourceError
from audioguide.sources.load import USER_AGENT, fetch_url, is_url, load_source
from audioguide.sources.plain import parse_text

DATA = Path(__file__).parent / "data"
PAGE = (DATA / "clinic-page.html").read_bytes()
SLOW_S = 3.0
NOTES = "Knee Care After an Injection\n\nRest the knee today.\n\nWhat to Avoid\n\nNo running for two days.\n"


SEEN_AGENTS: list[str] = []


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, body: bytes, content_type: str | None, length: int | None = None) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # http.server's name
        SEEN_AGENTS.append(self.headers.get("User-Agent", ""))
        path = self.path
        if path == "/article":
            self._send(200, PAGE, "text/html; charset=utf-8")
        elif path == "/latin1":
            body = "<html><body><h1>Caf\xe9 Guide</h1><p>Na\xefve text.</p></body></html>".encode("latin-1")
            self._send(200, body, "text/html; charset=ISO-8859-1")
        elif path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/article")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/notes.txt":
            self._send(200, NOTES.encode("utf-8"), "text/plain; charset=utf-8")
        elif path == "/notes.md":
            self._send(200, b"# Knee Care\n\nRest.\n\n- Ice it\n- Lift it\n", "text/markdown")
        elif path == "/report.pdf":
            self._send(200, b"%PDF-1.4 binary", "application/pdf")
        elif path == "/huge":
            self._send(200, b"<p>x</p>", "text/html", length=50 * 1024 * 1024)
        elif path == "/empty":
            self._send(200, b"", "text/html")
        elif path == "/slow":
            time.sleep(SLOW_S)
            self._send(200, PAGE, "text/html")
        else:
            self._send(404, b"<h1>Not Found</h1>", "text/html")


@pytest.fixture(scope="module")
def server():
    with serving(Handler) as port:
        yield f"http://127.0.0.1:{port}"


def one_line_error(exc: pytest.ExceptionInfo, url: str, *needles: str) -> None:
    message = str(exc.value)
    assert "\n" not in message and message.startswith(f"{url}: ")
    for needle in needles:
        assert needle in message, message


def test_is_url():
    assert is_url("https://clinic.example/a") and is_url("HTTP://x.example")
    assert not is_url("article.txt") and not is_url(Path("http://x")) and not is_url("ftp://x")


def test_page_from_url_is_the_seed_article(server, example_article):
    doc = load_source(f"{server}/article").document
    seed = parse_text(example_article)
    assert [(c.kind, c.title, c.paragraphs) for c in doc.chapters] == [
        (c.kind, c.title, c.paragraphs) for c in seed.chapters
    ]
    assert doc.source == f"{server}/article"
    assert any(d.reason == "cookie banner" for d in doc.dropped)
    assert SEEN_AGENTS[-1] == USER_AGENT


def test_redirect_and_declared_charset(server):
    assert load_source(f"{server}/redirect").document.chapters[5].title.startswith("What types")
    doc = load_source(f"{server}/latin1").document
    assert doc.title == "Café Guide" and doc.chapters[0].paragraphs == ("Naïve text.",)


def test_text_and_markdown_pages_use_their_parsers(server):
    doc = load_source(f"{server}/notes.txt").document
    assert [c.title for c in doc.chapters] == ["Introduction", "What to Avoid"]
    doc = load_source(f"{server}/notes.md").document
    assert doc.title == "Knee Care" and doc.chapters[0].paragraphs == ("Rest.", "Ice it", "Lift it")


def test_http_404_is_one_line(server):
    url = f"{server}/missing"
    with pytest.raises(SourceError) as info:
        load_source(url)
    one_line_error(info, url, "HTTP 404", "Not Found")


def test_slow_server_times_out(server):
    """The server answers after SLOW_S: a fetch that waited for it would succeed, so the error is
    the deadline's own."""
    url = f"{server}/slow"
    with pytest.raises(SourceError) as info:
        load_source(url, timeout=0.5)
    one_line_error(info, url, "timed out after 0.5 s")


def test_non_html_content_type_is_refused(server):
    url = f"{server}/report.pdf"
    with pytest.raises(SourceError) as info:
        load_source(url)
    one_line_error(info, url, "not a web page", "application/pdf")


def test_size_cap(server):
    url = f"{server}/huge"
    with pytest.raises(SourceError) as info:
        fetch_url(url)
    one_line_error(info, url, "page too large")
    with pytest.raises(SourceError) as info:
        fetch_url(f"{server}/article", max_bytes=1000)
    one_line_error(info, f"{server}/article", "page too large")


def test_empty_page(server):
    with pytest.raises(SourceError) as info:
        load_source(f"{server}/empty")
    one_line_error(info, f"{server}/empty", "empty")


def test_connection_refused():
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/article"
    with pytest.raises(SourceError) as info:
        load_source(url, timeout=2)
    one_line_error(info, url, "connection refused")


def test_dns_failure(monkeypatch):
    """The resolver's own failure (no network needed: the lookup fails before any traffic)."""
    real = socket.getaddrinfo

    def lookup(host, *args, **kwargs):
        if host == "clinic.invalid":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    url = "https://clinic.invalid/article"
    with pytest.raises(SourceError) as info:
        load_source(url, timeout=2)
    one_line_error(info, url, "host not found")


def test_cli_outline_and_init_from_url(server, tmp_path):
    result = run("outline", f"{server}/article")
    assert result.exit_code == 0, result.stderr
    assert "11 tracks" in result.output and "cookie banner" in result.output
    guide = tmp_path / "guide.yaml"
    result = run("init", f"{server}/article", "-o", str(guide))
    assert result.exit_code == 0, result.stderr
    data = yaml.safe_load(guide.read_text(encoding="utf-8"))
    assert data["source"] == f"{server}/article" and len(data["chapters"]) == 11


@pytest.mark.parametrize("command", ["outline", "init", "build"])
def test_cli_url_errors_are_one_line(server, tmp_path, command):
    url = f"{server}/missing"
    extra = (
        ["-o", str(tmp_path / "out.yaml")]
        if command == "init"
        else ["-o", str(tmp_path / "out")]
        if command == "build"
        else []
    )
    result = run(command, url, *extra)
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [f"audioguide: error: {url}: HTTP 404 Not Found"]
    assert not (tmp_path / "out").exists() and not (tmp_path / "out.yaml").exists()
