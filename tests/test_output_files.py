"""`say -o`, `init -o --force` and `words --lexicon-stub --force` write only regular files.

A device, a FIFO or a socket given as the output is refused with one line and
left as it was (run as root, replacing ``/dev/null`` with a file breaks the
machine); a symlink is followed: the file it points to is written, the link
stays. New files get the umask's permissions, as any program's do. The rule is
one function (``audioguide.files.atomic_path``), so every command keeps it.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from cli_helpers import invoke
from mutagen.mp3 import MP3

ARTICLE = "Knee Care\n\nRest your knee for two days. Take 200 mg of ibuprofen with food.\n"


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "knee.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


@contextmanager
def umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def one_line_error(result, *needles: str) -> str:
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("audioguide: error: "), lines
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def commands(article: Path, target: Path) -> dict[str, tuple[str, ...]]:
    return {
        "say": ("say", "Rest your knee.", "-o", str(target)),
        "init": ("init", str(article), "-o", str(target), "--force"),
        "words": ("words", str(article), "--lexicon-stub", str(target), "--force"),
    }


@pytest.mark.parametrize("command", ["say", "init", "words"])
def test_a_fifo_is_refused_and_left_a_fifo(tmp_path, article, command):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = invoke(*commands(article, fifo)[command])
    one_line_error(result, str(fifo), "a pipe, not a regular file")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["knee.txt", "pipe"]  # no temporary file left


@pytest.mark.parametrize("command", ["say", "init", "words"])
def test_a_symlink_to_a_device_is_refused(tmp_path, article, command):
    link = tmp_path / "out"
    link.symlink_to("/dev/null")
    result = invoke(*commands(article, link)[command])
    one_line_error(result, str(link), "a device, not a regular file")
    assert link.is_symlink() and os.readlink(link) == "/dev/null"
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.parametrize("command", ["say", "init", "words"])
def test_a_symlink_is_followed_and_stays_a_link(tmp_path, article, command):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "file"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "link"
    link.symlink_to(target)
    result = invoke(*commands(article, link)[command])
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    data = target.read_bytes()
    assert data != b"old"
    if command == "say":
        assert MP3(target).info.length > 0.5
    elif command == "words":
        assert data.startswith(b"# Pronunciation lexicon stub")
    else:
        assert yaml.safe_load(data)["title"] == "Knee Care"
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == ["file"]


def test_a_dangling_symlink_gets_its_file(tmp_path, article):
    link = tmp_path / "guide.yaml"
    link.symlink_to(tmp_path / "elsewhere.yaml")
    result = invoke("init", str(article), "-o", str(link))
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and yaml.safe_load((tmp_path / "elsewhere.yaml").read_text())["title"]


@pytest.mark.parametrize("mask", [0o022, 0o002], ids=["umask-022", "umask-002"])
def test_new_files_get_the_umask_s_mode(tmp_path, article, mask):
    stub, script = tmp_path / "words.yaml", tmp_path / "guide.yaml"
    with umask(mask):
        assert invoke("words", str(article), "--lexicon-stub", str(stub)).exit_code == 0
        assert invoke("init", str(article), "-o", str(script)).exit_code == 0
    for path in (stub, script):
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask, path


def test_a_replaced_file_keeps_its_mode(tmp_path, article):
    stub = tmp_path / "words.yaml"
    stub.write_text("old: one\n", encoding="utf-8")
    stub.chmod(0o640)
    result = invoke("words", str(article), "--lexicon-stub", str(stub), "--force")
    assert result.exit_code == 0, result.stderr
    assert stat.S_IMODE(stub.stat().st_mode) == 0o640 and "old" not in stub.read_text()
