"""Shared fixtures: paths, the seed article, one Piper (joe) engine per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "article.txt"


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


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Never touch the user's real clip cache from tests; one cache per session."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get(
        "PYTEST_XDIST_WORKER"
    ):  # pytest -n: the workers share one cache (it takes concurrent writers)
        base = base.parent
    monkeypatch.setenv("AUDIOGUIDE_CACHE_DIR", str(base / "clip-cache"))
