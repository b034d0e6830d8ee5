"""A local stand-in for Google Translate's batchexecute TTS endpoint, for offline tests.

It answers gTTS's POST in the format ``gTTS.stream()`` parses: a ``)]}'``
guard line, then a ``wrb.fr`` line holding ``"jQ1olc","[\\"<base64 MP3>\\"]"``.
The MP3 is real (24 kHz mono libmp3lame, made by our ffmpeg binary): a sine
whose length follows the text, ``piece_duration(text)`` seconds, so different
texts give different durations. Every request is recorded (text, lang, speed)
and a script of status codes lets tests simulate 429s, 5xx, 4xx, hangs and
answers without audio.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from audioguide.audio import ffmpeg

logger = logging.getLogger(__name__)

BATCH_PATH = "/_/TranslateWebserverUi/data/batchexecute"
SAMPLE_RATE = 24000
NO_AUDIO = "no-audio"  # script entry: 200 whose jQ1olc line carries no audio
HANG = "hang"  # script entry: wait ``hang_s`` before answering 200


def piece_duration(text: str) -> float:
    """Seconds of audio the fake serves for one piece of text."""
    return round(0.3 + 0.02 * len(text), 3)


@dataclass
class Recorded:
    """One request the fake received."""

    path: str
    text: str
    lang: str
    speed: object
    headers: dict[str, str]


@dataclass
class FakeGoogle:
    """A threaded HTTP server on 127.0.0.1 speaking gTTS's batchexecute protocol."""

    requests: list[Recorded] = field(default_factory=list)
    script: list[object] = field(default_factory=list)  # per request: status, NO_AUDIO or HANG
    default: object = 200  # once the script is used up
    retry_after: str | None = None  # Retry-After header on 429/503
    hang_s: float = 1.0
    _mp3_cache: dict[str, bytes] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeGoogle:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                fake._handle(self)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                logger.debug("fake google: " + format, *args)

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        server.block_on_close = False
        self._server = server
        threading.Thread(target=server.serve_forever, name="fake-google", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.script.clear()
            self.default = 200
            self.retry_after = None
            self.hang_s = 1.0

    def texts(self) -> list[str]:
        return [request.text for request in self.requests]

    def mp3_for(self, text: str) -> bytes:
        """Real MP3 bytes (raw frames, no ID3/Xing, like Google's) for ``text``."""
        with self._lock:
            cached = self._mp3_cache.get(text)
        if cached is not None:
            return cached
        frequency = 200 + 10 * (len(text) % 30)
        mp3 = ffmpeg.run(
            [
                "-f",
                "lavfi",
                "-i",
                f"sine=frequency={frequency}:sample_rate={SAMPLE_RATE}:duration={piece_duration(text)}",
                "-ac",
                "1",
                "-c:a",
                "libmp3lame",
                "-b:a",
                "32k",
                "-write_xing",
                "0",
                "-id3v2_version",
                "0",
                "-f",
                "mp3",
                "pipe:1",
            ]
        )
        with self._lock:
            self._mp3_cache[text] = mp3
        return mp3

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length", "0"))
        body = handler.rfile.read(length).decode("utf-8")
        rpc = json.loads(parse_qs(body)["f.req"][0])
        rpc_id, parameter = rpc[0][0][0], rpc[0][0][1]
        text, lang, speed, _ = json.loads(parameter)
        with self._lock:
            self.requests.append(Recorded(handler.path, text, lang, speed, dict(handler.headers.items())))
            action = self.script.pop(0) if self.script else self.default
            retry_after, hang_s = self.retry_after, self.hang_s
        if action == HANG:
            time.sleep(hang_s)
            action = 200
        if action == NO_AUDIO:
            line = json.dumps([["wrb.fr", rpc_id, None, None, None, None, "generic"]])
            self._send(handler, 200, f")]}}'\n\n{len(line)}\n{line}\n")
            return
        status = int(action)  # type: ignore[call-overload]
        if status != 200:
            headers = {"Retry-After": retry_after} if retry_after and status in (429, 503) else {}
            self._send(handler, status, "error\n", headers)
            return
        audio = base64.b64encode(self.mp3_for(text)).decode("ascii")
        line = json.dumps(
            [
                ["wrb.fr", rpc_id, json.dumps([audio]), None, None, None, "generic"],
                ["di", 42],
                ["af.httprm", 41, "-1234567890", 7],
            ],
            separators=(",", ":"),
        )
        tail = json.dumps([["e", 4, None, None, len(line) + 60]], separators=(",", ":"))
        self._send(handler, 200, f")]}}'\n\n{len(line)}\n{line}\n{len(tail)}\n{tail}\n")

    @staticmethod
    def _send(
        handler: BaseHTTPRequestHandler, status: int, body: str, headers: dict[str, str] | None = None
    ) -> None:
        data = body.encode("utf-8")
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json; charset=utf-8")
            handler.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                handler.send_header(key, value)
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout tests)
            pass
