"""The exporters' template files: found as package data, and plain-text titles kept on one line."""

from __future__ import annotations

import configparser
import dataclasses
import os
import shutil
import subprocess
import sys
import zipfile
from importlib.resources import files
from pathlib import Path

import pytest

from audioguide.exporters import phone, templates
from audioguide.model.settings import HoldProgramme

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DIR = ROOT / "audioguide" / "exporters" / "templates"
# Every template file in the source tree, relative to the templates package ("web/player.css").
TEMPLATE_FILES = sorted(
    path.relative_to(TEMPLATE_DIR).as_posix()
    for path in TEMPLATE_DIR.rglob("*")
    if path.is_file() and path.suffix != ".py" and "__pycache__" not in path.parts
)
EVIL_TITLE = "Knee care\r\n[default]\nmode=custom\rdirectory=/etc"


def test_every_template_file_loads_through_importlib_resources():
    assert "phone/README.txt.j2" in TEMPLATE_FILES and "phone/musiconhold.conf.j2" in TEMPLATE_FILES
    package = files("audioguide.exporters.templates")
    for name in TEMPLATE_FILES:
        text = templates.resource_text(name)
        assert text and text == package.joinpath(name).read_text(encoding="utf-8"), name
        if name.endswith(".j2"):
            assert templates.environment().get_template(name) is not None


def test_a_title_with_line_breaks_cannot_add_lines_to_musiconhold_conf():
    conf = phone.render_musiconhold_conf(EVIL_TITLE, "knee-care", ["01-introduction"])
    parser = configparser.ConfigParser()
    parser.read_string(conf)
    assert parser.sections() == ["audioguide-knee-care"]
    assert dict(parser["audioguide-knee-care"]) == {
        "mode": "files",
        "directory": "/var/lib/asterisk/moh/knee-care",
        "sort": "alpha",
    }
    assert (
        conf.splitlines()[0]
        == '; Music on hold for "Knee care [default] mode=custom directory=/etc", made by audioguide.'
    )
    assert all(
        line == "" or line.startswith((";", "[audioguide-", "mode=", "directory=", "sort="))
        for line in conf.split("\n")
    ), conf
    assert "\r" not in conf


def test_a_title_with_line_breaks_stays_on_the_readme_title_line():
    hold = dataclasses.replace(HoldProgramme(), repeat_opening=True, gap_ms=1500)
    chosen = [phone.Candidate(1, "Introduction", 65 * 8000), phone.Candidate(3, "Pain", 8000 * 3725)]
    readme = phone.render_readme(
        EVIL_TITLE, "knee-care", chosen, {1: "01-introduction", 3: "03-pain"}, True, hold, 3800.4
    )
    lines = readme.split("\n")
    assert lines[0] == "Telephone hold-line audio for: Knee care [default] mode=custom directory=/etc"
    assert lines[2:8] == [
        "hold-programme.*  the hold loop (63:20):",
        "    - opening line",
        "    - 01-introduction  (1:05)",
        "    - opening line",
        "    - 03-pain  (62:05)",
        "    each track followed by 1.5 s of silence; the file loops on hold.",
    ]
    assert "\r" not in readme and readme.endswith("CUCM needs.\n")


@pytest.mark.slow
def test_a_built_wheel_ships_the_template_files(tmp_path):
    """pip builds a wheel (non-editable) and an install of it renders from its own package data."""
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "audioguide", source / "audioguide", ignore=shutil.ignore_patterns("__pycache__"))
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    built = subprocess.run(
        [*pip, "wheel", "--no-deps", "-w", str(tmp_path / "dist"), str(source)],
        capture_output=True,
        text=True,
    )
    if built.returncode != 0:
        pytest.skip(
            f"pip could not build the wheel (its build backend may need the network): {built.stderr[-300:]}"
        )
    (wheel,) = (tmp_path / "dist").glob("audioguide-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        shipped = set(archive.namelist())
    missing = [name for name in TEMPLATE_FILES if f"audioguide/exporters/templates/{name}" not in shipped]
    assert missing == []

    site = tmp_path / "site"
    subprocess.run(
        [*pip, "install", "--no-deps", "--no-index", "--target", str(site), str(wheel)], check=True
    )
    probe = (
        "import audioguide.exporters.templates as t, audioguide.exporters.phone as p\n"
        f"assert t.__file__.startswith({str(site)!r}), t.__file__\n"
        f"for name in {TEMPLATE_FILES!r}: assert t.resource_text(name)\n"
        "print(p.render_musiconhold_conf('Knee', 'knee', ['01-a']).splitlines()[0])\n"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == '; Music on hold for "Knee", made by audioguide.\n'
