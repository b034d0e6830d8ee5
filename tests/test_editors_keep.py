"""Editors keep what they built: formats in the guide script, the cache protected, loudness
checked, files written with normal permissions, guide-script hints. Through the CLI.

(A rebuild keeping the folder's formats and -o at another guide's folder are main's
build/output_folder work and are tested there.) The fast tests use ``build --dry-run``
(no synthesis); the one slow test synthesizes.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import numpy as np
import pytest
from cli_helpers import invoke

from audioguide.synth.cache import ClipCache
from audioguide.synth.engines.base import Audio

ARTICLE = """Ice Packs

Ice eases swelling in the first two days.

How long?

Twenty minutes at a time.
"""


@pytest.fixture()
def article(tmp_path) -> Path:
    path = tmp_path / "ice.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def test_a_guide_script_lists_its_formats(article, tmp_path):
    """formats: in the guide script says what a build makes when --formats does not."""
    guide = tmp_path / "guide.yaml"
    assert invoke("init", str(article), "-o", str(guide)).exit_code == 0
    guide.write_text(
        guide.read_text(encoding="utf-8").replace("\nchapters:", "\nformats: [web, captions]\nchapters:"),
        encoding="utf-8",
    )
    data = json.loads(invoke("build", str(guide), "-o", str(tmp_path / "g"), "--dry-run", "--json").output)
    assert [f["name"] for f in data["plan"]["formats"]] == ["captions", "web"]
    # --formats on the command line wins.
    data = json.loads(
        invoke(
            "build", str(guide), "-o", str(tmp_path / "g"), "--dry-run", "--json", "--formats", "tracks"
        ).output
    )
    assert data["plan"]["formats"] == []
    guide.write_text(guide.read_text(encoding="utf-8").replace("[web, captions]", "[webb]"), encoding="utf-8")
    result = invoke("build", str(guide), "-o", str(tmp_path / "g"), "--dry-run")
    assert result.exit_code == 1 and "unknown format 'webb'" in result.stderr


def test_cache_prune_unused_by_a_folder_without_guides_is_refused(tmp_path):
    cache_dir = tmp_path / "cache"
    cache = ClipCache(cache_dir)
    for n in range(3):
        cache.put(f"{n:02d}" * 32, Audio(np.zeros(100, dtype=np.float32), 22050))
    empty = tmp_path / "nothing-here"
    empty.mkdir()
    result = invoke("cache", "prune", "--cache-dir", str(cache_dir), "--unused-by", str(empty))
    assert result.exit_code == 1 and "holds no guide" in result.stderr and "--all" in result.stderr
    assert cache.stats().entries == 3
    dry = invoke(
        "cache", "prune", "--cache-dir", str(cache_dir), "--unused-by", str(empty), "--all", "--dry-run"
    )
    assert dry.exit_code == 0 and dry.output.startswith("Would remove 3 clips")
    assert cache.stats().entries == 3
    done = invoke(
        "cache", "prune", "--cache-dir", str(cache_dir), "--unused-by", str(empty), "--all", "--json"
    )
    assert json.loads(done.output)["removed"] == 3 and cache.stats().entries == 0


@pytest.mark.parametrize("value", ["-40", "-5", "0"])
def test_target_lufs_is_range_checked(article, tmp_path, value):
    result = invoke("build", str(article), "-o", str(tmp_path / "o"), "--dry-run", f"--target-lufs={value}")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"audioguide: error: --target-lufs must be between -30 and -10, not {float(value):g}"
    ]


def test_init_writes_a_normal_file_with_source_relative_to_it(article, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    old = os.umask(0o022)
    try:
        guide = tmp_path / "scripts" / "ice.yaml"
        assert invoke("init", "ice.txt", "-o", str(guide)).exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(guide.stat().st_mode) == 0o644
    assert "\nsource: ../ice.txt\n" in guide.read_text(encoding="utf-8")


def test_a_title_with_colon_space_gets_a_hint(tmp_path):
    guide = tmp_path / "guide.yaml"
    guide.write_text(
        "title: Knee Pain: Causes and Care\nchapters:\n  - title: A\n    text: Hello.\n", encoding="utf-8"
    )
    result = invoke("outline", str(guide))
    assert result.exit_code == 1
    assert result.stderr.strip().endswith(
        "a value containing ': ' must be quoted: title: \"Knee Pain: Causes and Care\""
    )


def test_build_reports_what_the_source_dropped(tmp_path):
    """Article text left out is warned about; code is counted apart (it is never read)."""
    words = " ".join(["Read this about your knee before the visit."] * 25)
    page = tmp_path / "page.html"
    page.write_text(
        "<html><body><main><h1>Ice</h1><p>Ice eases swelling.</p>"
        f'<div class="author-box"><p>{words}</p></div>'
        "<pre>" + "x = compute(1, 2, 3)\n" * 40 + "</pre></main></body></html>",
        encoding="utf-8",
    )
    result = invoke("build", str(page), "-o", str(tmp_path / "o"), "--dry-run", "--json")
    assert result.exit_code == 0
    assert (
        "warning: dropped 200 words, 94 % of the text; check that nothing real was lost "
        "(largest dropped blocks: 200 words, author box: " in result.stderr
    )
    data = json.loads(result.output)
    assert data["dropped_words"] == 200 and data["dropped_share"] > 0.9


def test_code_alone_is_counted_apart_and_not_warned_about(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "# Ice\n\nIce eases swelling.\n\n```python\n" + "x = compute(1, 2, 3)\n" * 40 + "```\n",
        encoding="utf-8",
    )
    result = invoke("outline", str(page), "--json")
    assert result.exit_code == 0
    assert "warning" not in result.stderr
    data = json.loads(result.output)
    assert data["dropped_words"] == 0 and data["dropped_code_words"] == 200
    assert [d["reason"] for d in data["dropped"]] == ["code"]


@pytest.mark.slow
def test_say_writes_a_normal_file_and_build_says_what_was_dropped(article, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    old = os.umask(0o022)
    try:
        assert invoke("say", "Ice helps.", "-o", "say.mp3").exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "say.mp3").stat().st_mode) == 0o644
    built = invoke("build", str(article), "-o", str(tmp_path / "out"), "--jobs", "1")
    assert built.exit_code == 0, built.stderr
    assert "Source: dropped 0 words, 0 %." in built.output


def test_the_example_article_warns_of_nothing(example_article):
    """Its comment box and author bio are page furniture: counted apart, not a warning about lost text."""
    result = invoke("outline", str(example_article), "--json")
    assert result.exit_code == 0
    assert "warning" not in result.stderr
    data = json.loads(result.output)
    assert data["dropped_words"] == 0 and data["dropped_furniture_words"] == 91
    furniture = {d["reason"] for d in data["dropped"] if d["kind"] == "furniture"}
    assert {"author bio", "comment prompt"} <= furniture
