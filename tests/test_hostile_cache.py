"""The clip cache: every entry, header field and prepared model is verified;
prune touches only what is ours; a full cache disk names the cache, not the voice."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import numpy as np
import pytest
from cli_helpers import assert_one_line_error, invoke

from audioguide.model.settings import VoiceSettings
from audioguide.synth.cache import ClipCache
from audioguide.synth.engines import create_engine
from audioguide.synth.engines.base import Audio
from audioguide.synth.engines.piper import PiperEngine

K1, K2 = "a1" * 32, "b2" * 32
MARKER = "CACHEDIR.TAG"  # the Cache Directory Tagging convention


def audio(seed: int, n: int = 2205) -> Audio:
    rng = np.random.default_rng(seed)
    return Audio((rng.standard_normal(n) * 0.1).astype(np.float32), 22050)


@pytest.fixture
def tiny_disk(tmp_path):
    """A real 256 KB file system (tmpfs), or skip where mounting is not allowed."""
    mount = tmp_path / f"disk-{uuid.uuid4().hex[:8]}"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(folder: Path, leave: int = 0) -> None:
    """Fill the file system under ``folder``, leaving about ``leave`` bytes."""
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(fd, b"\0" * 4096):
            pass
    except OSError:
        pass
    finally:
        os.close(fd)
    if leave:
        size = (folder / "filler").stat().st_size
        os.truncate(folder / "filler", max(0, size - leave))


def test_an_entry_under_another_key_is_rejected(tmp_path):
    cache = ClipCache(tmp_path)
    cache.put(K1, audio(1))
    cache.put(K2, audio(2))
    cache.path(K2).write_bytes(cache.path(K1).read_bytes())  # swapped: K2 would play K1's sentence
    assert cache.get(K2) is None
    assert not cache.path(K2).exists()
    assert cache.get(K1) is not None


def test_a_flipped_bit_in_the_sample_rate_is_caught(tmp_path):
    cache = ClipCache(tmp_path)
    cache.put(K1, audio(1))
    data = bytearray(cache.path(K1).read_bytes())
    data[4] ^= 0x01  # the rate field follows the 4-byte magic
    cache.path(K1).write_bytes(bytes(data))
    assert cache.get(K1) is None


def test_a_symlinked_entry_never_touches_its_target(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("someone's file")
    old = time.time() - 10 * 86400
    os.utime(victim, (old, old))
    cache = ClipCache(tmp_path / "cache")
    cache.put(K2, audio(2))
    link = cache.path(K1)
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(victim)
    assert cache.has(K1) is False and cache.get(K1) is None
    assert victim.stat().st_mtime == pytest.approx(old) and victim.read_text() == "someone's file"
    assert not link.is_symlink()


def test_prune_refuses_a_folder_that_is_not_a_cache(tmp_path):
    folder = tmp_path / "documents"
    (folder / "ab").mkdir(parents=True)
    (folder / "notes.txt").write_text("mine")
    (folder / "ab" / ("c" * 62 + ".clip")).write_text("looks like an entry, is not ours")
    result = invoke("cache", "prune", "--cache-dir", str(folder), "--older-than", "0")
    assert_one_line_error(result, f"{folder}: not an audioguide clip cache", "nothing removed")
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")) == [
        "ab",
        "ab/" + "c" * 62 + ".clip",
        "notes.txt",
    ]


def test_prune_removes_only_entry_files(tmp_path):
    cache = ClipCache(tmp_path / "cache")
    cache.put(K1, audio(1))
    assert (cache.root / MARKER).is_file()
    elsewhere = tmp_path / "elsewhere" / "cd"
    elsewhere.mkdir(parents=True)
    (elsewhere / ("d" * 62 + ".clip")).write_text("not in the cache")
    (cache.root / "cd").symlink_to(elsewhere)  # a fan-out folder that leads elsewhere
    (cache.root / "a1" / "readme.txt").write_text("keep me")
    (cache.root / "zz").mkdir()
    (cache.root / "zz" / ("e" * 62 + ".clip")).write_text("not a fan-out folder")
    result = invoke("cache", "prune", "--cache-dir", str(cache.root), "--older-than", "0")
    assert result.exit_code == 0, result.stderr
    assert result.output.startswith("Removed 1 clips")
    assert not cache.path(K1).exists()
    assert (elsewhere / ("d" * 62 + ".clip")).exists()
    assert (cache.root / "a1" / "readme.txt").read_text() == "keep me"
    assert (cache.root / "zz" / ("e" * 62 + ".clip")).exists() and (cache.root / MARKER).exists()


def test_a_damaged_prepared_model_is_rebuilt(tmp_path, caplog):
    models = tmp_path / "_models"
    first = PiperEngine(VoiceSettings(), threads=1, model_cache=models).synthesize("Rest the knee.")
    (prepared,) = models.glob("piper-*")
    recorded = json.loads((prepared / "stages.json").read_text(encoding="utf-8"))
    assert all(len(stage["sha256"]) == 64 for stage in recorded)  # each stage's checksum, made with it
    model = prepared / recorded[-1]["file"]  # the decoder
    data = bytearray(model.read_bytes())
    data[len(data) // 2] ^= 0xFF
    model.write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING):
        again = PiperEngine(VoiceSettings(), threads=1, model_cache=models).synthesize("Rest the knee.")
    assert "damaged" in caplog.text and str(prepared) in caplog.text
    assert np.array_equal(first.samples, again.samples)
    assert model.read_bytes() != bytes(data)


def test_a_full_disk_for_the_prepared_model_does_not_blame_the_voice(tiny_disk, caplog):
    models = tiny_disk / "_models"
    models.mkdir()
    _fill(tiny_disk)
    with caplog.at_level(logging.WARNING):
        clip = PiperEngine(VoiceSettings(), threads=1, model_cache=models).synthesize("Rest the knee.")
    assert len(clip.samples) > 0
    assert f"cannot save the prepared voice model in {models}" in caplog.text
    assert not list(models.glob("piper-*")) and not list(models.glob(".tmp-*"))


@pytest.mark.parametrize("rate", [1.0, 0.9])
def test_a_damaged_prepared_hibari_model_is_rebuilt(tmp_path, caplog, rate):
    models = tmp_path / "_models"
    settings = VoiceSettings(engine="hibari", voice="heart", rate=rate)
    first = create_engine(settings, model_cache=models).synthesize("Rest the knee.")
    (model,) = models.glob("hibari-*/model.onnx")
    data = bytearray(model.read_bytes())
    data[len(data) // 2] ^= 0xFF  # a weight: onnxruntime would load it and speak otherwise
    model.write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING):
        again = create_engine(settings, model_cache=models).synthesize("Rest the knee.")
    assert "damaged" in caplog.text and str(model.parent) in caplog.text
    assert np.array_equal(first.samples, again.samples)
    assert model.read_bytes() != bytes(data)


def test_a_prepared_hibari_copy_kept_without_its_checksum_is_replaced(tmp_path):
    """A cache made before the copies were checksummed holds the copy as one file beside where
    the checked folder goes: it is removed when the folder is made, and never used."""
    models = tmp_path / "_models"
    create_engine(VoiceSettings(engine="hibari"), model_cache=models).synthesize("Rest the knee.")
    (folder,) = models.glob("hibari-*/")
    old = Path(f"{folder}.onnx")
    old.write_bytes((folder / "model.onnx").read_bytes())
    shutil.rmtree(folder)
    create_engine(VoiceSettings(engine="hibari"), model_cache=models).synthesize("Rest the knee.")
    assert (folder / "model.onnx").is_file() and not old.exists()


def test_a_full_disk_for_the_prepared_hibari_model_does_not_blame_the_voice(tiny_disk, caplog):
    models = tiny_disk / "_models"
    models.mkdir()
    _fill(tiny_disk)
    with caplog.at_level(logging.WARNING):
        clip = create_engine(VoiceSettings(engine="hibari"), model_cache=models).synthesize("Rest the knee.")
    assert len(clip.samples) > 0
    assert f"cannot cache the optimized voice model in {models}" in caplog.text
    assert not list(models.iterdir())  # neither a copy nor a temporary folder left


def test_a_full_cache_disk_builds_without_the_cache(tiny_disk, tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("Knee Care\n\nRest the knee today.\n\nIce\n\nIce it twice a day.\n")
    cache = tiny_disk / "cache"
    cache.mkdir()
    _fill(tiny_disk, leave=80_000)  # room for the marker and a probe, not for the clips
    out = tmp_path / "out"
    result = invoke("build", str(src), "-o", str(out), "--cache-dir", str(cache), "-q", "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 1 and f"warning: {cache}: not enough space for the clip cache" in warnings[0]
    assert warnings[0].endswith("; building without the clip cache")
    assert "voice" not in warnings[0]
    assert sorted(p.name for p in out.glob("*.mp3")) == ["01 - Introduction.mp3", "02 - Ice.mp3"]


def test_a_full_cache_disk_mid_write_names_the_entry(tiny_disk):
    cache = ClipCache(tiny_disk / "cache")
    cache.put(K1, audio(1, n=100))
    _fill(tiny_disk)
    with pytest.raises(Exception) as info:
        cache.put(K2, audio(2, n=200_000))
    assert str(info.value) == f"{cache.path(K2)}: cannot write the clip cache (No space left on device)"
    assert not list(cache.path(K2).parent.glob(".tmp-*"))


def test_a_full_output_disk_is_one_line_naming_the_file(tiny_disk, tmp_path):
    src = tmp_path / "a.txt"
    src.write_text(
        "Knee Care\n\nRest the knee today. Keep it raised and still for a while.\n\n"
        "Ice\n\nIce it twice a day for twenty minutes.\n"
    )
    _fill(tiny_disk, leave=40_000)
    out = tiny_disk / "out"
    result = invoke(
        "build", str(src), "-o", str(out), "--cache-dir", str(tmp_path / "cache"), "-q", "--jobs", "1"
    )
    assert_one_line_error(result, f"{tiny_disk}/", ": cannot write (No space left on device)")
    assert not out.exists()
