"""Why a network request failed, in a few words: one classification for every online part.

The URL fetcher (``sources/load.py``) and the gTTS engine both describe their
failures with :func:`connection_problem` and :func:`http_problem`, so a user
sees the same distinct message for the same fault: the host is unknown (DNS),
nothing listens (refused), the secure connection failed (TLS), the server
broke (HTTP 5xx), or it did not answer in time.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator

DNS = "host not found (DNS lookup failed; check the address and the internet connection)"
REFUSED = "connection refused (is the server running?)"
TLS = "secure connection failed (TLS/SSL: certificate problem or not an https server)"
TIMEOUT = "timed out (no answer from the server)"
UNREACHABLE = "network unreachable (no internet connection?)"
RESET = "connection reset by the server"
PROXY = "proxy error (check the HTTP(S)_PROXY settings)"
OTHER = "cannot connect to the server"

_DNS_CUES = (
    "NameResolutionError",
    "Name or service not known",
    "nodename nor servname",
    "getaddrinfo failed",
    "Temporary failure in name resolution",
    "No address associated",
    "Failed to resolve",
)


def exception_chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and everything behind it: causes, contexts, urllib3 ``reason``s, args."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        nxt = [current.__cause__, current.__context__, getattr(current, "reason", None)]
        nxt += list(current.args)
        todo.extend(item for item in nxt if isinstance(item, BaseException))


def connection_problem(exc: BaseException) -> str:
    """What went wrong with a request that got no HTTP answer: one of the module's phrases."""
    import requests

    chain = list(exception_chain(exc))
    checks = (
        (PROXY, lambda e: isinstance(e, requests.exceptions.ProxyError)),
        (TLS, lambda e: isinstance(e, (ssl.SSLError, requests.exceptions.SSLError))),
        (DNS, lambda e: isinstance(e, socket.gaierror) or "NameResolution" in type(e).__name__),
        (REFUSED, lambda e: isinstance(e, ConnectionRefusedError)),
        (
            TIMEOUT,
            lambda e: (
                isinstance(e, (requests.exceptions.Timeout, socket.timeout, TimeoutError))
                or "Timeout" in type(e).__name__
            ),
        ),
        (RESET, lambda e: isinstance(e, (ConnectionResetError, BrokenPipeError))),
    )
    for phrase, test in checks:
        if any(test(item) for item in chain):
            return phrase
    text = " ".join(str(item) for item in chain)
    if any(cue in text for cue in _DNS_CUES):
        return DNS
    if "Connection refused" in text or "ConnectionRefused" in text:
        return REFUSED
    if "Network is unreachable" in text:
        return UNREACHABLE
    if "timed out" in text.lower():
        return TIMEOUT
    return OTHER


def http_problem(status: int, reason: str | None = None) -> str:
    """An HTTP error status in words: a server fault (5xx) reads differently from a refusal (4xx)."""
    described = f"HTTP {status} {reason or ''}".strip()
    if status >= 500:
        return f"server error ({described}; the server failed, try again later)"
    if status == 429:
        return f"too many requests ({described}; try again later)"
    return described
