"""The clip cache: entry format, verification, atomic writes, info and prune."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import numpy as np
import pytest
from cli_helpers import invoke as _run

from audioguide.synth.cache import ClipCache, clip_key, decode_entry, default_cache_dir, encode_entry
from audioguide.synth.engines.base import Audio


def audio(seed: int = 0, n: int = 2205) -> Audio:
    rng = np.random.default_rng(seed)
    return Audio((rng.standard_normal(n) * 0.1).astype(np.float32), 22050)


def test_key_covers_text_and_engine_identity():
    ident = {"engine": "piper", "voice": "v1", "length_scale": 1.0}
    base = clip_key("Hello.", ident)
    assert clip_key("Hello.", dict(ident)) == base
    assert clip_key("Hello!", ident) != base
    assert clip_key("Hello.", {**ident, "voice": "v2"}) != base
    assert clip_key("Hello.", {**ident, "length_scale": 1.1}) != base


def test_round_trip_is_16_bit(tmp_path):
    cache = ClipCache(tmp_path)
    original = audio()
    stored = cache.put("ab" * 32, original)
    assert np.array_equal(cache.get("ab" * 32).samples, stored.samples)
    assert np.max(np.abs(stored.samples - original.samples)) < 1 / 32767
    assert stored.sample_rate == 22050


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[: len(b) // 2],  # truncated
        lambda b: b[:-1] + bytes([b[-1] ^ 1]),  # one bit flipped in the audio
        lambda b: b"XXXX" + b[4:],  # wrong magic
        lambda b: b"",  # empty file
        lambda b: b + b"\x00\x00",  # trailing garbage
    ],
)
def test_damaged_entry_is_discarded(tmp_path, damage):
    cache = ClipCache(tmp_path)
    key = "cd" * 32
    cache.put(key, audio())
    path = cache.path(key)
    path.write_bytes(damage(path.read_bytes()))
    assert cache.get(key) is None
    assert not path.exists()


def test_decode_entry_rejects_short_data():
    assert decode_entry(encode_entry(audio(), "ab" * 32)[:10], "ab" * 32) is None


def test_put_leaves_no_temporary_files(tmp_path):
    cache = ClipCache(tmp_path)
    for seed in range(5):
        cache.put(f"{seed:02d}" + "e" * 62, audio(seed))
    assert not [p for p in tmp_path.rglob(".tmp-*")]
    assert cache.stats().entries == 5


def test_default_location_env_override(monkeypatch, tmp_path):
    monkeypatch.setenv("AUDIOGUIDE_CACHE_DIR", str(tmp_path / "x"))
    assert default_cache_dir() == tmp_path / "x"
    monkeypatch.delenv("AUDIOGUIDE_CACHE_DIR")
    assert "audioguide" in str(default_cache_dir())


ARTICLE = "Short Guide\n\nFirst sentence here. Second one.\n\nDetails\n\nThe details.\n"


def _prepared(folder: Path) -> list[str]:
    """What ``folder`` holds, by kind: ``hibari.marshal`` (tables), ``hibari/`` (a prepared voice)."""
    return sorted(p.name.split("-")[0] + (p.suffix if p.is_file() else "/") for p in folder.glob("*"))


def test_prepared_models_go_to_the_models_folder_else_into_the_cache(monkeypatch, tmp_path):
    """$AUDIOGUIDE_MODELS_DIR holds the prepared voice model and pronunciation tables that several
    clip caches share; without it they are kept in the cache's ``_models``, never among the clips."""
    src = tmp_path / "a.txt"
    src.write_text(ARTICLE)
    shared = tmp_path / "models"
    monkeypatch.setenv("AUDIOGUIDE_MODELS_DIR", str(shared))
    for name in ("one", "two"):
        result = _run(
            "build", str(src), "-o", str(tmp_path / name), "--cache-dir", str(tmp_path / name / "c")
        )
        assert result.exit_code == 0, result.output
    # the tables are made by the first G2P of a process (one that loaded it before keeps it)
    assert "hibari/" in _prepared(shared) and set(_prepared(shared)) <= {"hibari.marshal", "hibari/"}
    assert (
        not (tmp_path / "one" / "c" / "_models").exists()
        and not (tmp_path / "two" / "c" / "_models").exists()
    )
    monkeypatch.delenv("AUDIOGUIDE_MODELS_DIR")
    own = tmp_path / "own"
    result = _run("build", str(src), "-o", str(tmp_path / "three"), "--cache-dir", str(own))
    assert result.exit_code == 0, result.output
    assert "hibari/" in _prepared(own / "_models")
    assert ClipCache(own).stats().entries == ClipCache(tmp_path / "one" / "c").stats().entries  # clips only


def test_cache_info_and_prune_cli(tmp_path):
    cache = tmp_path / "cache"
    src = tmp_path / "a.txt"
    src.write_text(ARTICLE)
    assert (
        _run(
            "build", str(src), "-o", str(tmp_path / "guides" / "a"), "--cache-dir", str(cache), "-q"
        ).exit_code
        == 0
    )
    info = json.loads(_run("cache", "info", "--cache-dir", str(cache), "--json").output)
    used = info["entries"]
    assert used > 3 and info["bytes"] > 1000
    # clips of a guide that no longer exists
    clip_cache = ClipCache(cache)
    for seed in range(3):
        clip_cache.put(f"{seed:02d}" + "f" * 62, audio(seed))
    result = json.loads(
        _run(
            "cache", "prune", "--cache-dir", str(cache), "--unused-by", str(tmp_path / "guides"), "--json"
        ).output
    )
    assert result["removed"] == 3 and result["entries"] == used
    # age: everything unused for 10 days goes
    old = time.time() - 10 * 86400
    for _, path in clip_cache.entries():
        os.utime(path, (old, old))
    text = _run("cache", "prune", "--cache-dir", str(cache), "--older-than", "7").output
    assert text.startswith(f"Removed {used} clips")
    assert clip_cache.stats().entries == 0
    # a rebuild puts them back, and marks reused clips as fresh
    assert (
        _run(
            "build",
            str(src),
            "-o",
            str(tmp_path / "guides" / "a"),
            "--cache-dir",
            str(cache),
            "-q",
            "--force",
        ).exit_code
        == 0
    )
    assert clip_cache.stats().entries == used


def test_prune_needs_a_criterion(tmp_path):
    result = _run("cache", "prune", "--cache-dir", str(tmp_path))
    assert result.exit_code == 1 and "--unused-by" in result.stderr


def _cache_keys(cache: Path) -> set[str]:
    return {key for key, _ in ClipCache(cache).entries()}


@pytest.mark.slow
def test_prune_keeps_the_hold_programme_opening_and_a_broken_guide_s_clips(tmp_path):
    cache, guides = tmp_path / "cache", tmp_path / "guides"
    src = tmp_path / "a.txt"
    src.write_text(ARTICLE)
    result = _run(
        "build", str(src), "-o", str(guides / "a"), "--cache-dir", str(cache), "-q", "--formats", "phone"
    )
    assert result.exit_code == 0, result.stderr
    manifest = json.loads((guides / "a" / "manifest.json").read_text(encoding="utf-8"))
    opening = {clip["key"] for clip in manifest["opening"]}
    tracks = {clip["key"] for track in manifest["tracks"] for clip in track["clips"]}
    assert opening and not opening & tracks and _cache_keys(cache) == opening | tracks
    prune = ["cache", "prune", "--cache-dir", str(cache), "--unused-by", str(guides), "--json"]
    result = _run(*prune)
    assert result.exit_code == 0 and json.loads(result.output)["removed"] == 0
    assert _cache_keys(cache) == opening | tracks, "the opening line is a clip the guide uses"

    # a hand-edited manifest that no longer loads: its clips are kept, and that is said
    broken = {**manifest, "dropped": "none"}
    (guides / "a" / "manifest.json").write_text(json.dumps(broken), encoding="utf-8")
    result = _run(*prune)
    assert result.exit_code == 0 and json.loads(result.output)["removed"] == 0
    assert result.stderr.strip().splitlines() == [
        f"warning: {guides / 'a' / 'manifest.json'}: does not load as a guide's manifest; "
        f"keeping the {len(opening | tracks)} clips it names"
    ]
    assert _cache_keys(cache) == opening | tracks

    # one cut short: which clips it used cannot be told, so nothing is pruned
    text = json.dumps(manifest)
    (guides / "a" / "manifest.json").write_text(text[: len(text) // 2], encoding="utf-8")
    result = _run(*prune)
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert "not valid JSON" in result.stderr and "nothing was removed" in result.stderr
    assert _cache_keys(cache) == opening | tracks
