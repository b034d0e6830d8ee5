"""Every command README.md shows runs as written, in order, on a fresh copy of the repository.

The commands are read from the README itself, top to bottom: the first cell
of every table row that is a command (`` `audioguide ...` ``) and every line
of a ``sh`` code block (a trailing backslash continues a line). A row someone
adds is tested from then on, and a row that only works after a later one,
or names a file a fresh clone does not have, fails here with its line.

Each command is one test case, run in one working folder shared by all of
them (a copy of the repository, with its own clip cache): a later command
sees what the earlier ones made, as a reader following the README would.
What cannot run in a test is skipped with its reason (:data:`SKIPS`).
"""

from __future__ import annotations

import importlib.util
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from cli_helpers import invoke

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", "output", "site", "__pycache__", ".pytest_cache", ".ruff_cache", "*.egg-info", "dist"
)
# (pattern, reason): commands a test cannot run as written, and why. Anything else must run.
SKIPS = [
    (r"^pip\b", "installs packages"),
    (r"^\./scripts/", "creates .venv and runs the build or the test suite itself"),
    (r"--engine gtts", "needs the internet (Google's voice)"),
    (r"\bpath/to/", "names a file of the reader's own"),
    (r"^audioguide watch\b", "runs until Ctrl-C (tests/test_watch.py runs it)"),
    (
        r"^(?:\w+=\S+ )*dask (scheduler|worker)\b",
        "a Dask server runs until stopped (tests/test_library_cluster.py starts them)",
    ),
    (r"--scheduler tcp://HOST", "needs the reader's Dask scheduler (tests/test_library_cluster.py runs one)"),
]
URL_OPTIONS = {"--base-url"}  # options whose URL is written into files, never fetched
VERIFY_EXTRA = importlib.util.find_spec("faster_whisper") is not None


def _table_command(line: str) -> str | None:
    match = re.match(r"^\|\s*`(audioguide\b[^`]*)`\s*\|", line)
    return match.group(1) if match else None


def readme_commands(text: str) -> list[tuple[int, str]]:
    """(line number, command) of every command the README shows, in order."""
    found: list[tuple[int, str]] = []
    fence: str | None = None  # the language of the code block we are in
    pending: tuple[int, str] | None = None  # a command continued by a trailing backslash
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("```"):
            fence = None if fence is not None else (line[3:].strip() or "text")
            continue
        if fence == "sh":
            if pending is not None:
                pending = (pending[0], pending[1] + " " + line.strip())
            elif line.strip() and not line.lstrip().startswith("#"):
                pending = (number, line.strip())
            if pending is not None and not pending[1].endswith("\\"):
                found.append(pending)
                pending = None
            elif pending is not None:
                pending = (pending[0], pending[1][:-1].rstrip())
        elif fence is None and (command := _table_command(line)):
            found.append((number, command))
    return found


def skip_reason(command: str) -> str | None:
    """Why ``command`` is not run, or None."""
    for pattern, reason in SKIPS:
        if re.search(pattern, command):
            return reason
    words = shlex.split(command, comments=True)
    for before, word in zip(["", *words], words):
        if re.match(r"https?://", word) and before not in URL_OPTIONS:
            return "needs the internet"
    if not VERIFY_EXTRA and re.search(r"^audioguide verify\b|--verify\b", command):
        return "needs the verify extra (pip install 'audioguide[verify]')"
    return None


COMMANDS = readme_commands(README.read_text(encoding="utf-8"))


def test_the_readme_shows_commands_of_both_kinds():
    """The extraction finds the table's rows and the code blocks' lines (a broken parser finds none)."""
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(COMMANDS) >= 25
    assert any(_table_command(lines[number - 1]) for number, _ in COMMANDS)
    joined = (
        "audioguide build examples/article.txt --formats tracks,single,captions,web,podcast,qr "
        "--base-url https://clinic.example/audio/knee-care/"
    )
    assert joined in [command for _, command in COMMANDS]  # from a code block, its two lines joined


def test_skips_are_only_what_cannot_run_here():
    assert skip_reason("audioguide build https://clinic.example/blog/article") == "needs the internet"
    assert skip_reason("audioguide build x.txt --base-url https://clinic.example/a/") is None
    assert (
        skip_reason("audioguide library examples/ -o site --base-url https://clinic.example/audio/") is None
    )
    assert skip_reason("pip install .") == "installs packages"


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """A copy of the repository as a fresh clone has it (no output, no .venv)."""
    folder = tmp_path_factory.mktemp("readme") / "audioguide"
    shutil.copytree(ROOT, folder, ignore=NOT_COPIED)
    return folder


@pytest.mark.slow
@pytest.mark.parametrize(("line", "command"), COMMANDS, ids=[f"README.md:{n}" for n, _ in COMMANDS])
def test_readme_command_runs_as_written(clone, monkeypatch, line, command):
    reason = skip_reason(command)
    if reason:
        pytest.skip(f"{command}: {reason}")
    monkeypatch.chdir(clone)
    monkeypatch.setenv("AUDIOGUIDE_CACHE_DIR", str(clone.parent / "cache"))  # prune must not touch others'
    words = shlex.split(command, comments=True)
    if words[0] == "audioguide":
        result = invoke(*words[1:])
        output, code = result.stderr, result.exit_code
    else:
        proc = subprocess.run(words, capture_output=True, text=True, check=False)
        output, code = proc.stderr, proc.returncode
    assert code == 0, f"README.md:{line}: `{command}` fails as written (exit {code}):\n{output}"
