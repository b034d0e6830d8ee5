"""Shared fixtures: paths, the seed article, one Piper (joe) engine per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import audioguide  # noqa: F401  (before any test module imports numpy: see below)

# Test modules import numpy before audioguide (third-party imports come first), which would start
# OpenBLAS's thread pool (a thread per core) in each test process before audioguide sets
# OPENBLAS_NUM_THREADS=1 as the CLI does. Every build worker forked from such a process re-creates that
# pool when it limits itself to one thread, and each new pool thread spins before it sleeps:
# 8 % of the suite's CPU samples were in blas_thread_server (perf record -a, a whole run).
# tests/test_workers.py checks that the test processes run one BLAS thread.

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "article.txt"
# The files that take longest, longest first (test time per file, two processes on the 2-core machine:
# README 449 s, journal 353 s, cluster 192 s, ... against 2,663 s in all). xdist's loadfile gives a
# whole file to one process, in collection order (pyproject.toml turns off its reordering by test count,
# which started the 8-test cluster file last): started first, they end while the other process works
# through the many short files, instead of one of them starting late and running on alone.
SLOWEST_FIRST = (
    "test_readme.py",
    "test_library_journal.py",
    "test_library_cluster.py",
    "test_incremental.py",
    "test_corpus.py",
    "test_output_folder.py",
    "test_sources_pdf.py",
    "test_piper_engine.py",
    "test_formats_phone.py",
    "test_verify.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slowest files first; every file keeps its own order (the sort is stable)."""
    rank = {name: number for number, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


@pytest.fixture(scope="session")
def example_article() -> Path:
    return EXAMPLE


@pytest.fixture(scope="session")
def piper_engine():
    """The real offline engine with the bundled voice, loaded once."""
    from audioguide.model.settings import VoiceSettings
    from audioguide.synth.engines import create_engine

    engine = create_engine(VoiceSettings(voice="joe"))
    yield engine
    engine.close()


def _session_base(tmp_path_factory) -> Path:
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):  # pytest -n: the workers share it (it takes concurrent writers)
        base = base.parent
    return base


@pytest.fixture(scope="session", autouse=True)
def _shared_models(tmp_path_factory):
    """Every clip cache of the session, module fixtures' included, shares one folder of prepared
    voice models and pronunciation tables (they depend only on the installed packages): making
    them costs ~1 s of CPU in every cache."""
    patch = pytest.MonkeyPatch()
    patch.setenv("AUDIOGUIDE_MODELS_DIR", str(_session_base(tmp_path_factory) / "models"))
    yield
    patch.undo()


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Never touch the user's real clip cache from tests; one cache per session."""
    monkeypatch.setenv("AUDIOGUIDE_CACHE_DIR", str(_session_base(tmp_path_factory) / "clip-cache"))
