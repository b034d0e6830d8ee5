"""hibari's pronunciation tables kept as marshal: the same readings, read from the file once it is
there, and a damaged or unwritable file costs only the JSON."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from hibari import g2p

from audioguide.synth.engines.g2p_tables import built_with_tables, tables_path

ROOT = Path(__file__).resolve().parent.parent
LINES = [line for line in (ROOT / "examples" / "article.txt").read_text().splitlines() if line.strip()]


def _counting_json(monkeypatch) -> list[str]:
    """hibari's own JSON loader, counted (the tables must come from the file, not from it)."""
    calls: list[str] = []
    real = g2p._load_json
    monkeypatch.setattr(g2p, "_load_json", lambda name: (calls.append(name), real(name))[1])
    return calls


@pytest.mark.parametrize("british", [False, True], ids=["us", "gb"])
def test_the_saved_tables_read_every_line_of_the_example_as_hibari_does(tmp_path, monkeypatch, british):
    path = tables_path(tmp_path, "0.2.1", british)
    plain = g2p.G2P(british=british)
    first = built_with_tables(lambda: g2p.G2P(british=british), g2p, path)
    assert path.is_file()
    calls = _counting_json(monkeypatch)
    second = built_with_tables(lambda: g2p.G2P(british=british), g2p, path)
    assert calls == []  # every table came from the file
    for line in LINES:
        assert plain(line) == first(line) == second(line), line


def test_the_file_is_per_hibari_version_accent_and_python(tmp_path):
    names = {tables_path(tmp_path, v, b).name for v in ("0.2.1", "0.2.2") for b in (False, True)}
    assert len(names) == 4


@pytest.mark.parametrize("damage", ["truncated", "one byte flipped", "empty"])
def test_a_damaged_file_is_read_from_the_json_again_and_replaced(tmp_path, monkeypatch, damage):
    path = tables_path(tmp_path, "0.2.1", False)
    built_with_tables(lambda: g2p.G2P(), g2p, path)
    data = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        path.write_bytes(data[:-100] + bytes([data[-100] ^ 1]) + data[-99:])
    calls = _counting_json(monkeypatch)
    again = built_with_tables(lambda: g2p.G2P(), g2p, path)
    assert calls  # read from hibari's JSON
    assert again(LINES[0]) == g2p.G2P()(LINES[0])
    calls.clear()
    built_with_tables(lambda: g2p.G2P(), g2p, path)
    assert calls == []  # and written whole again


def test_an_unwritable_folder_is_a_warning_and_the_tables_come_from_the_json(tmp_path, caplog):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with caplog.at_level(logging.WARNING, logger="audioguide.synth.engines.g2p_tables"):
        built = built_with_tables(lambda: g2p.G2P(), g2p, tables_path(blocker, "0.2.1", False))
    assert built(LINES[0]) == g2p.G2P()(LINES[0])
    assert "cannot keep hibari's pronunciation tables" in caplog.text
