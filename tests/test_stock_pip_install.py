"""A user's install: a fresh venv with the pip that ships with Python (not upgraded), then an HTML source.

pip 23 (Python 3.11's) does not install the ``lxml[html_clean]`` extra that
jusText asks for, so trafilatura failed to import and every HTML source long
enough for main-content extraction failed. The project declares
``lxml_html_clean`` itself; this test installs it as a user would and
outlines and builds web pages without a <main> landmark (the extractor's path).
Slow (a few minutes: it downloads the dependencies) and needs PyPI.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "data" / "real"

pytestmark = [pytest.mark.slow, pytest.mark.live, pytest.mark.install]

PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Ice Packs | Clinic</title></head>
<body><div class="top"><a href="/">Clinic</a> <a href="/contact">Contact</a></div>
<div class="page"><h1>Using an Ice Pack</h1>
<p>An ice pack eases swelling and pain in the first two days after a sprain or a bruise.
Wrap it in a thin towel so that the cold never touches the skin directly.</p>
<h2>How long should I leave it on?</h2>
<p>Twenty minutes at a time, every two or three hours while you are awake. Take it off at once if the skin
turns white or numb, and let it warm up again before the next time.</p></div>
<div class="bottom">Clinic, 1 Main Street</div></body></html>"""


def _online() -> bool:
    try:
        socket.create_connection(("pypi.org", 443), timeout=5).close()
        return True
    except OSError:
        return False


def _run(args: list, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, **kwargs)


def test_fresh_venv_with_stock_pip_installs_and_reads_html(tmp_path):
    if not _online():
        pytest.skip("PyPI (pypi.org:443) is not reachable: cannot install the dependencies")
    project = tmp_path / "project"
    project.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, project / name)
    shutil.copytree(
        ROOT / "audioguide", project / "audioguide", ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )

    venv = tmp_path / "v"
    made = _run([sys.executable, "-m", "venv", venv])
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    pip_version = _run([python, "-m", "pip", "--version"]).stdout.split()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    installed = _run([python, "-m", "pip", "install", "-v", project], env=env, timeout=1800)
    assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]
    log = installed.stdout + installed.stderr
    assert "SetuptoolsDeprecationWarning" not in log, "setuptools warns about the project metadata"
    assert "project.license" not in log

    imported = _run([python, "-c", "import lxml.html.clean, trafilatura; print('ok')"], env=env)
    assert imported.stdout.strip() == "ok", f"pip {pip_version}: {imported.stderr[-2000:]}"

    audioguide = venv / "bin" / "audioguide"
    page = tmp_path / "ice.html"
    page.write_text(PAGE, encoding="utf-8")
    for source in (page, REAL / "basic-defs.en.html", REAL / "survival-discrim.pdf"):  # pdfplumber, pypdf
        outline = _run([audioguide, "outline", source, "--json"], env=env, cwd=tmp_path, timeout=300)
        assert outline.returncode == 0 and "Traceback" not in outline.stderr, outline.stderr
        assert "extraction unavailable" not in outline.stderr
        assert json.loads(outline.stdout)["tracks"]
    built = _run(
        [audioguide, "build", page, "-o", tmp_path / "out", "--quiet", "--jobs", "1"],
        env=env | {"AUDIOGUIDE_CACHE_DIR": str(tmp_path / "cache")},
        cwd=tmp_path,
        timeout=900,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    assert sorted(p.name for p in (tmp_path / "out").glob("*.mp3")) == [
        "01 - Introduction.mp3",
        "02 - How long should I leave it on.mp3",
    ]
