"""gTTS: Google Translate's text-to-speech, through the ``gtts`` library (online only).

gTTS splits the text into pieces of at most 100 characters and POSTs each to
``https://translate.google.<tld>/_/TranslateWebserverUi/data/batchexecute``;
every answer carries one base64 MP3 (24 kHz mono). We keep gTTS's request
building and response parsing, and add around it:

* **Retries.** Each piece is sent up to ``attempts`` times (default 3). HTTP
  429 and 5xx, and a read timeout, are retried after ``base_delay * 2**n``
  seconds (1 s, 2 s, ...; a numeric ``Retry-After`` header, capped at
  ``max_delay``, is honoured when longer). Any other 4xx, and a 200 without
  audio, fail at once with :class:`EngineError`. Only the failing piece is
  re-sent, never the pieces already received.
* **No network.** DNS failure, connection refused or a connect timeout raise a
  single :class:`EngineUnavailable` naming the host and the fix
  (``--voice heart``), with no retry: they do not heal in a second.
* **Speed.** Google offers only "normal" and "slow" (a fixed, strong
  slow-down), so we always ask for normal speed and apply ffmpeg's ``atempo``
  filter for ``rate != 1`` (pitch is kept). ``rate`` must lie in
  [0.25, 4.0].
* **Language.** ``settings.lang`` (or ``settings.voice`` when given: the names
  ``audioguide voices --engine gtts`` lists are language codes) must be one
  of ``gtts.lang.tts_langs()``; ``settings.tld`` picks the Google host, which
  changes the accent for some languages (``com.au``, ``co.uk``, ``co.in``...).

Endpoint override (for tests and mirrors): the environment variable
``AUDIOGUIDE_GTTS_URL`` (e.g. ``http://127.0.0.1:8080``, optionally with a path
prefix) replaces the scheme and host of the batchexecute URL; the path
``/_/TranslateWebserverUi/data/batchexecute`` and the request body stay
exactly as gTTS builds them. It is read when the engine is created and is
part of :meth:`GTTSEngine.identity`, so audio from another endpoint never
shares cache entries with Google's.
"""

from __future__ import annotations

import io
import logging
import os
import time
from urllib.parse import urlsplit

import numpy as np
import requests
from gtts import gTTS
from gtts.lang import tts_langs
from gtts.tts import gTTSError

from audioguide.audio import codec
from audioguide.errors import AudioguideError, EngineError, EngineUnavailable
from audioguide.model.settings import VoiceSettings
from audioguide.net import TIMEOUT, connection_problem, http_problem
from audioguide.synth.engines.base import Audio, Engine, VoiceInfo
from audioguide.synth.engines.registry import register

logger = logging.getLogger(__name__)

ENDPOINT_ENV = "AUDIOGUIDE_GTTS_URL"
SAMPLE_RATE = 24000  # gTTS serves 24 kHz mono MP3
MIN_RATE, MAX_RATE = 0.25, 4.0
_BATCH_PATH = "_/TranslateWebserverUi/data/batchexecute"
_FIX = "use an offline voice: --voice heart (the default) or --voice joe"


def _endpoint_override() -> str | None:
    """``$AUDIOGUIDE_GTTS_URL`` without a trailing slash, validated; None when unset."""
    value = os.environ.get(ENDPOINT_ENV, "").strip()
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise EngineError(f"{ENDPOINT_ENV}={value!r} is not a base URL like http://127.0.0.1:8080")
    return value.rstrip("/")


def _resolve_lang(lang: str) -> str:
    """``lang`` as gTTS spells it (case-insensitive match), or EngineError."""
    langs = tts_langs()
    if lang in langs:
        return lang
    by_lower = {code.lower(): code for code in langs}
    if lang.lower() in by_lower:
        return by_lower[lang.lower()]
    raise EngineError(f"unknown gTTS language '{lang}' (see audioguide voices --engine gtts)")


def _tempo_chain(rate: float) -> str:
    """An ``atempo`` filter chain for ``rate``, each stage within [0.5, 2.0]."""
    stages: list[float] = []
    while rate > 2.0:
        stages.append(2.0)
        rate /= 2.0
    while rate < 0.5:
        stages.append(0.5)
        rate /= 0.5
    stages.append(rate)
    return ",".join(f"atempo={stage:.6f}" for stage in stages)


class _PiecewiseTTS(gTTS):
    """gTTS that can point at another endpoint and send a chosen subset of its pieces.

    ``pieces()`` returns gTTS's own prepared requests (URL rewritten when an
    endpoint is set); ``stream_piece(request)`` runs gTTS's unchanged
    ``stream()`` for that one request, so parsing and error reporting stay
    gTTS's.
    """

    def __init__(self, *args, endpoint: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._endpoint = endpoint
        self._only: list[requests.PreparedRequest] | None = None

    def _prepare_requests(self):
        if self._only is not None:
            return self._only
        prepared = super()._prepare_requests()
        if self._endpoint:
            for request in prepared:
                request.url = f"{self._endpoint}/{_BATCH_PATH}"
        return prepared

    def pieces(self) -> list[requests.PreparedRequest]:
        """One prepared POST per text piece (≤ 100 characters each)."""
        return self._prepare_requests()

    def stream_piece(self, request: requests.PreparedRequest) -> bytes:
        """Send one piece; its MP3 bytes, or gTTS's error."""
        self._only = [request]
        try:
            buffer = io.BytesIO()
            self.write_to_fp(buffer)
            return buffer.getvalue()
        finally:
            self._only = None


@register
class GTTSEngine(Engine):
    """Google Translate's voices via gTTS: many languages, needs the internet."""

    name = "gtts"
    offline = False

    def __init__(
        self,
        settings: VoiceSettings,
        *,
        attempts: int = 3,
        base_delay: float = 1.0,
        max_delay: float = 30.0,
        timeout: float | tuple[float, float] = (5.0, 30.0),
    ) -> None:
        super().__init__(settings)
        if not MIN_RATE <= settings.rate <= MAX_RATE:
            raise EngineError(
                f"--rate for gTTS must be between {MIN_RATE} and {MAX_RATE}, got {settings.rate}"
            )
        if attempts < 1:
            raise ValueError("attempts must be at least 1")
        self.lang = _resolve_lang(settings.voice or settings.lang)
        self.tld = settings.tld.strip().lstrip(".")
        if not self.tld:
            raise EngineError("the gTTS --tld must not be empty (e.g. com, co.uk)")
        self.endpoint = _endpoint_override()
        self.host = urlsplit(self.endpoint).netloc if self.endpoint else f"translate.google.{self.tld}"
        self.attempts = attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.timeout = timeout

    @property
    def sample_rate(self) -> int:
        return SAMPLE_RATE

    def synthesize(self, text: str) -> Audio:
        mp3 = self._fetch_mp3(text)
        if not mp3:
            return Audio(samples=np.zeros(0, np.float32), sample_rate=SAMPLE_RATE)
        return Audio(samples=self._decode(mp3), sample_rate=SAMPLE_RATE)

    def _fetch_mp3(self, text: str) -> bytes:
        """All of ``text`` as concatenated MP3 pieces (b"" when nothing is speakable)."""
        if not text.strip():
            return b""
        tts = _PiecewiseTTS(
            text,
            tld=self.tld,
            lang=self.lang,
            slow=False,
            lang_check=False,  # validated in __init__
            timeout=self.timeout,
            endpoint=self.endpoint,
        )
        try:
            pieces = tts.pieces()
        except AssertionError:  # gTTS: nothing left after removing punctuation
            logger.debug("gTTS found nothing to speak in %r", text)
            return b""
        except requests.RequestException as exc:
            raise EngineError(f"gTTS could not build its request: {exc}") from None
        logger.debug("gTTS: %d piece(s) for %d characters", len(pieces), len(text))
        return b"".join(
            self._send_with_retries(tts, piece, index, len(pieces)) for index, piece in enumerate(pieces)
        )

    def _send_with_retries(
        self, tts: _PiecewiseTTS, piece: requests.PreparedRequest, index: int, count: int
    ) -> bytes:
        """One piece's MP3, retrying 429/5xx/read timeouts with exponential backoff."""
        problem = "no attempt"
        for attempt in range(1, self.attempts + 1):
            try:
                return tts.stream_piece(piece)
            except gTTSError as exc:
                retry_after, problem = self._classify(exc)
            except (requests.RequestException, UnicodeDecodeError, ValueError) as exc:
                # gTTS wraps request errors itself; these come from a garbled answer.
                logger.debug("gTTS piece %d failed", index, exc_info=True)
                raise EngineError(f"gTTS: unexpected answer from {self.host}: {exc}") from None
            if attempt == self.attempts:
                break
            delay = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
            if retry_after is not None:
                delay = max(delay, min(self.max_delay, retry_after))
            logger.info(
                "gTTS piece %d/%d: %s; retrying in %.1f s (attempt %d of %d)",
                index + 1,
                count,
                problem,
                delay,
                attempt + 1,
                self.attempts,
            )
            _sleep(delay)
        if problem == TIMEOUT:
            raise EngineUnavailable(
                f"gTTS needs Google's servers and cannot reach {self.host}: "
                f"timed out {self.attempts} times (no answer from the server); {_FIX}"
            )
        raise EngineError(f"gTTS failed after {self.attempts} attempts: {problem} from {self.host}")

    def _classify(self, exc: gTTSError) -> tuple[float | None, str]:
        """For a retryable failure, (Retry-After seconds or None, description); else raise."""
        response = exc.rsp
        if response is None:
            cause = exc.__context__ or exc
            reason = connection_problem(cause)
            logger.debug("gTTS request failed: %s", cause)
            if isinstance(cause, requests.exceptions.ReadTimeout):
                return None, TIMEOUT
            raise EngineUnavailable(
                f"gTTS needs Google's servers and cannot reach {self.host}: {reason}; {_FIX}"
            ) from None
        status = response.status_code
        described = f"HTTP {status} {response.reason or ''}".strip()
        if status == 429 or status >= 500:
            return _retry_after(response), http_problem(status, response.reason)
        if status == 200:
            raise EngineError(
                f"gTTS: {self.host} answered without audio (language '{self.lang}' "
                "may not be spoken by Google)"
            ) from None
        raise EngineError(f"gTTS request rejected: {described} from {self.host}") from None

    def _decode(self, mp3: bytes) -> np.ndarray:
        """MP3 bytes to float32 mono at exactly 24 kHz, sped up or slowed by ``rate`` (pydub, ffmpeg's atempo)."""
        tempo = None if self.settings.rate == 1.0 else _tempo_chain(self.settings.rate)
        try:
            return codec.decode(mp3, format="mp3", decoder="mp3float", rate=SAMPLE_RATE, filters=tempo)
        except AudioguideError as exc:
            raise EngineError(f"gTTS: cannot decode the MP3 from {self.host}: {exc}") from None

    def identity(self) -> dict[str, object]:
        identity: dict[str, object] = {
            "engine": self.name,
            "lang": self.lang,
            "tld": self.tld,
            "slow": False,
            "rate": round(float(self.settings.rate), 6),
        }
        if self.endpoint:
            identity["endpoint"] = self.endpoint
        return identity

    @classmethod
    def voices(cls) -> list[VoiceInfo]:
        return [
            VoiceInfo(
                engine=cls.name,
                name=code,
                language=code,
                offline=False,
                sample_rate=SAMPLE_RATE,
                description=f"{language} (Google Translate; needs the internet; accent via --tld)",
            )
            for code, language in sorted(tts_langs().items())
        ]


def _sleep(seconds: float) -> None:
    """Wait between attempts (a seam so tests can record delays instead)."""
    time.sleep(seconds)


def _retry_after(response: requests.Response) -> float | None:
    """A numeric ``Retry-After`` header in seconds, else None."""
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
