"""Real mounts for tests: a read-only folder, a small full disk, a mount point as the output folder.

As root, the command runs in a private mount namespace (``unshare -m``): the
folder is bind-mounted onto itself (read-only), or a small tmpfs is mounted
there; nothing outside the test's own process sees it, and it is gone when the
command ends. Without root (or without ``unshare``), tests that need a mount
are skipped, except a read-only folder, which is then a folder without write
permission.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

CLI = [sys.executable, "-m", "audioguide.cli"]


@cache
def can_mount() -> bool:
    """Root, with ``unshare`` able to make a private mount namespace here (not in every container)."""
    if os.geteuid() != 0 or shutil.which("unshare") is None or shutil.which("mount") is None:
        return False
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    return probe.returncode == 0


def need_mounts() -> None:
    if not can_mount():
        pytest.skip("needs root and unshare -m to make a real mount")


def in_namespace(setup: str, commands: list[list[str]], **kwargs) -> subprocess.CompletedProcess:
    """Run the shell ``setup`` (mounts), then each of ``commands`` in turn, in one private mount
    namespace; stdout and stderr are those of all of them, and each command's exit status is
    printed on stderr as ``exit=N``."""
    script = "set -e\n" + setup + "\nset +e\n"
    script += "\n".join(" ".join(_quote(a) for a in command) + '; echo "exit=$?" >&2' for command in commands)
    return subprocess.run(
        ["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, timeout=600, **kwargs
    )


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\"'\"'") + "'"


def run_read_only(folder: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    """``audioguide ARGS`` while ``folder`` cannot be written (a read-only mount as root)."""
    if can_mount():
        where = _quote(str(folder))
        setup = f"mount --bind {where} {where}\nmount -o remount,bind,ro {where}"
        result = in_namespace(setup, [[*CLI, *args]], **kwargs)
        (result.returncode,) = exit_codes(result)
        result.stderr = "\n".join(line for line in result.stderr.splitlines() if not line.startswith("exit="))
        return result
    if os.geteuid() == 0:
        pytest.skip("root ignores permissions, and no mount namespace is available")
    folder.chmod(0o555)
    try:
        return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=600, **kwargs)
    finally:
        folder.chmod(0o755)


def exit_codes(result: subprocess.CompletedProcess) -> list[int]:
    """The exit status of each command :func:`in_namespace` ran."""
    return [int(line[5:]) for line in result.stderr.splitlines() if line.startswith("exit=")]
