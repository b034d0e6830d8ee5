"""Joint Commission "Do Not Use" abbreviations: reported per track by outline and build; the dose's
digits read as written, and an abbreviation with one meaning ("QD") read in full."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import invoke

ARTICLE = """After Your Procedure

Most people go home the same day.

Your Medicine

Take 5.0 mg QD with food.

Children

A child may need .5 mg instead.
"""


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "after.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


EXPECTED_STDERR = [
    "warning: track 2: a trailing zero ('5.0 mg') can be misread as ten times the dose; write '5 mg'",
    "warning: track 2: 'QD' can be misread as QID; write 'daily'",
    "warning: track 3: a missing leading zero ('.5 mg') can be misread as 5 mg; write '0.5 mg'",
]


def test_outline_warns_on_stderr(article: Path) -> None:
    result = invoke("outline", str(article))
    assert result.exit_code == 0
    assert result.stderr.splitlines() == EXPECTED_STDERR
    assert "warning" not in result.output  # stdout keeps the plan only


def test_outline_json_lists_warnings(article: Path) -> None:
    result = invoke("outline", str(article), "--json")
    data = json.loads(result.output)
    assert [(w["track"], w["code"], w["text"]) for w in data["warnings"]] == [
        (2, "trailing-zero", "5.0"),
        (2, "QD", "QD"),
        (3, "leading-zero", ".5"),
    ]
    assert result.stderr.splitlines() == EXPECTED_STDERR


def test_build_warns_and_reads_the_dose_as_written(article: Path, tmp_path: Path) -> None:
    out = tmp_path / "guide"
    result = invoke("build", str(article), "-o", str(out), "-q", "--formats", "tracks")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == EXPECTED_STDERR
    transcript = (out / "transcripts" / "02 - Your Medicine.txt").read_text(encoding="utf-8")
    assert "Take five point zero milligrams every day with food." in transcript
    children = (out / "transcripts" / "03 - Children.txt").read_text(encoding="utf-8")
    assert "A child may need point five milligrams instead." in children


def test_no_warnings_for_safe_text(tmp_path: Path) -> None:
    path = tmp_path / "safe.txt"
    path.write_text(
        "Safe Dosing\n\nTake 5 mg daily. A child may need 0.5 mg. We are in the U.S.\n", encoding="utf-8"
    )
    result = invoke("outline", str(path))
    assert result.exit_code == 0 and result.stderr == ""
