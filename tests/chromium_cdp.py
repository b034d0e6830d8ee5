"""Headless Chromium driven over the Chrome DevTools Protocol (for browser tests).

Starts the system Chromium with the flags this offline machine needs, attaches
to its page over a websocket (``websocket-client``) and sends real input events
(``Input.dispatchKeyEvent``) and ``Runtime.evaluate`` calls. Never downloads a
browser: :func:`find_chromium` returns None when none is installed.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any, Self

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--mute-audio",
    "--remote-debugging-port=0",
)

# key -> (code, windowsVirtualKeyCode, text)
KEYS: dict[str, tuple[str, int, str | None]] = {
    "ArrowLeft": ("ArrowLeft", 37, None),
    "ArrowRight": ("ArrowRight", 39, None),
    " ": ("Space", 32, " "),
    "Tab": ("Tab", 9, None),
    "[": ("BracketLeft", 219, "["),
    "]": ("BracketRight", 221, "]"),
}
ALT, CTRL, META, SHIFT = 1, 2, 4, 8


def find_chromium() -> str | None:
    """The browser binary: $AUDIOGUIDE_CHROMIUM, else the first of CANDIDATES on PATH."""
    explicit = os.environ.get("AUDIOGUIDE_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).is_file() else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _key_info(key: str) -> tuple[str, int, str | None]:
    if key in KEYS:
        return KEYS[key]
    if len(key) == 1 and key.isalpha():
        return f"Key{key.upper()}", ord(key.upper()), key
    raise ValueError(f"no key code for {key!r}")


class Browser:
    """One headless Chromium with one page; use as a context manager."""

    def __init__(self, binary: str, timeout: float = 20.0) -> None:
        import websocket  # websocket-client

        self._profile = tempfile.TemporaryDirectory(prefix="audioguide-chromium-")
        profile = Path(self._profile.name)
        self.process = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its helpers (renderer, crashpad) form one group, ended together
        )
        try:
            port = self._wait_port(profile / "DevToolsActivePort", timeout)
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: no proxy
            deadline = time.monotonic() + timeout
            while True:
                with opener.open(f"http://127.0.0.1:{port}/json/list", timeout=5) as reply:
                    pages = [t for t in json.load(reply) if t.get("type") == "page"]
                if pages or time.monotonic() > deadline:
                    break
                time.sleep(0.1)
            if not pages:
                raise RuntimeError("Chromium opened no page")
            self.ws = websocket.create_connection(
                pages[0]["webSocketDebuggerUrl"],
                timeout=timeout,
                suppress_origin=True,
                http_no_proxy=["127.0.0.1", "localhost"],
            )
        except BaseException:
            self.close()
            raise
        self._next_id = 0
        self.call("Page.enable")
        self.call("Runtime.enable")

    def _wait_port(self, path: Path, timeout: float) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Chromium exited with code {self.process.returncode}")
            try:
                first = path.read_text().splitlines()[0]
                return int(first)
            except (OSError, IndexError, ValueError):
                time.sleep(0.05)
        raise RuntimeError("Chromium did not open its DevTools port")

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Send one command and return its result (events in between are dropped)."""
        self._next_id += 1
        ident = self._next_id
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression: str, await_promise: bool = False) -> Any:
        """The JSON value of a JavaScript expression in the page (promises awaited if asked)."""
        result = self.call(
            "Runtime.evaluate",
            expression=expression,
            returnByValue=True,
            awaitPromise=await_promise,
            userGesture=False,
        )
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            raise AssertionError(f"JavaScript error: {text}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 10.0) -> Any:
        """Poll until the expression is truthy; its value."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for: {expression}")
            time.sleep(0.05)

    def open(
        self, url: str, ready: str = "document.readyState === 'complete'", timeout: float = 15.0
    ) -> None:
        """Navigate and wait until ``ready`` is true in the new page."""
        self.call("Page.navigate", url=url)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.evaluate(
                    f"location.href.split('#')[0] === {json.dumps(url.split('#')[0])} && ({ready})"
                ):
                    return
            except (AssertionError, RuntimeError):
                pass  # the old page went away mid-call
            time.sleep(0.05)
        raise AssertionError(f"{url} did not become ready ({ready})")

    def press(self, key: str, modifiers: int = 0) -> None:
        """A real key press (down, up) as the user's keyboard would send it."""
        code, vk, text = _key_info(key)
        if modifiers & (ALT | CTRL | META):
            text = None
        common = {
            "key": key,
            "code": code,
            "windowsVirtualKeyCode": vk,
            "nativeVirtualKeyCode": vk,
            "modifiers": modifiers,
        }
        down = {"type": "keyDown", "text": text, "unmodifiedText": text} if text else {"type": "rawKeyDown"}
        self.call("Input.dispatchKeyEvent", **common, **down)
        self.call("Input.dispatchKeyEvent", type="keyUp", **common)

    def close(self) -> None:
        ws = getattr(self, "ws", None)
        if ws is not None:
            try:
                ws.close()
            except OSError:
                pass
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        # Chromium's helper processes can outlive the browser process and still write into the
        # profile (a teardown once failed with "Directory not empty"): end the group, then remove
        # the profile once nothing is writing to it.
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + 5
        while True:
            try:
                self._profile.cleanup()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
