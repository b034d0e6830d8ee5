"""Helpers the tests share: the real `audioguide` command in-process, its one-line errors, and inputs.

Every test imports these from here (``from cli_helpers import ...``), never from another test file.
"""

from __future__ import annotations

import contextlib
import logging
import os
import selectors
import shutil
import signal
import subprocess
import sys
import time
import traceback
from pathlib import Path

from click.testing import CliRunner, Result

from audioguide.cli import main

# A child that runs the CLI and prints, on stderr, the modules it loaded (for "X is never imported" tests).
LOADED_MODULES = (
    "import json, sys\n"
    "from audioguide.cli import main\n"
    "try:\n"
    "    main(sys.argv[1:], standalone_mode=False)\n"
    "finally:\n"
    "    print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
)


def epubcheck_command() -> list[str] | None:
    """How to run EPUBCheck here, or None where it is not installed."""
    found = shutil.which("epubcheck")
    if found is None:
        return None
    real = Path(found).resolve()
    with real.open("rb") as handle:
        is_jar = handle.read(2) == b"PK"
    if is_jar:  # Debian's /usr/bin/epubcheck is the jar itself (needs binfmt_misc to run directly)
        java = shutil.which("java")
        # a short run: C1 compiling only and the serial collector take half the JVM's CPU (4.8 s, not 9.4-11)
        return [java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", str(real)] if java else None
    return [found]


def read_document(path: Path):
    """``load_source(path)`` as the commands read it: PDF, Word, ODT and EPUB documents kept in the
    session's clip cache (conftest.py), so a real document several test files read is parsed once."""
    from audioguide.sources.load import load_source
    from audioguide.synth.cache import ClipCache

    return load_source(path, memo=ClipCache(Path(os.environ["AUDIOGUIDE_CACHE_DIR"])).documents_dir)


GOOD = "A Title\n\nSome introduction text.\n\nA Section\n\nSection text here.\n"  # a valid short article


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    """Run ``audioguide ARGS``; the result has ``.output`` (stdout) and ``.stderr``."""
    try:
        runner = CliRunner(mix_stderr=False)  # click < 8.2 mixes them by default
    except TypeError:
        runner = CliRunner()
    return runner.invoke(main, list(args), catch_exceptions=False, env=env)


def assert_one_line_error(result: Result, *needles: str) -> None:
    """A failed command that said what went wrong in one ``audioguide: error:`` line holding ``needles``."""
    assert result.exit_code != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("audioguide: error: ")
    assert "Traceback" not in result.output + result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


def write_picture(path: Path, size: int = 32) -> Path:
    """A small real picture at ``path``: JPEG or PNG by its suffix."""
    from PIL import Image

    Image.new("RGB", (size, size), (20, 60, 120)).save(
        path, format="PNG" if path.suffix == ".png" else "JPEG"
    )
    return path


def piper_speech(text: str):
    """``text`` spoken by the bundled Piper voice (real speech for the audio tests)."""
    from audioguide.model.settings import VoiceSettings
    from audioguide.synth.engines.piper import PiperEngine

    engine = PiperEngine(VoiceSettings())
    try:
        audio = engine.synthesize(text)
    finally:
        engine.close()
    assert audio.duration_s > 5
    return audio


def run_forked(
    *args: str, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    """``audioguide ARGS`` in a fork of this process, in a session of its own: a real process
    that can be killed (``returncode`` is minus the signal, as subprocess gives it), without a new
    interpreter's start-up and imports (about 1 CPU s per run, and as much again in its workers).

    Kill-at-a-step tests run the build many times; nothing else differs from ``python -m
    audioguide.cli``: the child sets ``env``, runs the command with stdin on /dev/null, and leaves
    with the command's exit code. As ``subprocess.run`` does, its stdout and stderr pipes are read
    to their end, which comes when every process holding them has exited: the build's workers
    too, and with them the output folder's lock they inherited.
    """
    out_read, out_write = os.pipe()
    err_read, err_write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child never returns
        code = 70
        try:
            os.setsid()
            os.close(out_read)
            os.close(err_read)
            null = os.open(os.devnull, os.O_RDONLY)
            os.dup2(null, 0)
            os.dup2(out_write, 1)
            os.dup2(err_write, 2)
            sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
            sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
            os.environ.update(env or {})
            for handler in logging.getLogger().handlers[:]:  # pytest's capture: the CLI logs as it would
                logging.getLogger().removeHandler(handler)
            try:
                main(list(args), prog_name="audioguide")
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            else:
                code = 0
        except BaseException:
            traceback.print_exc()
        finally:
            with contextlib.suppress(Exception):
                sys.stdout.flush()
                sys.stderr.flush()
            os._exit(code)
    os.close(out_write)
    os.close(err_write)
    chunks: dict[int, list[bytes]] = {out_read: [], err_read: []}
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        for fd in chunks:
            selector.register(fd, selectors.EVENT_READ)
        while selector.get_map():
            if time.monotonic() > deadline:
                os.killpg(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                raise subprocess.TimeoutExpired(["audioguide", *args], timeout)
            for key, _ in selector.select(timeout=0.5):
                data = os.read(key.fd, 65536)
                if data:
                    chunks[key.fd].append(data)
                else:
                    selector.unregister(key.fd)
                    os.close(key.fd)
    _, status = os.waitpid(pid, 0)
    return subprocess.CompletedProcess(
        ["audioguide", *args],
        os.waitstatus_to_exitcode(status),
        b"".join(chunks[out_read]).decode("utf-8", "replace"),
        b"".join(chunks[err_read]).decode("utf-8", "replace"),
    )


# Held-out documents of tests/data/real the reader failed when they came (their outlines written before
# any code read them), and why. Each is still read, in the corpus table (marked "*") and its details,
# but kept out of the totals until rules that hold for documents not seen read it; a test in
# tests/test_corpus.py says when one passes, so it leaves this list. Nobody edits an outline for that.
PENDING: dict[str, str] = {}


def corpus_cases(names: list[str]) -> list:
    """``names`` as pytest parameters, a pending document's expected to fail (not strictly: a pending
    document may pass one check and fail another; tests/test_corpus.py says when it passes them all)."""
    import pytest

    return [
        pytest.param(name, marks=pytest.mark.xfail(reason=f"pending: {PENDING[name]}", strict=False))
        if name in PENDING
        else name
        for name in names
    ]
