"""Build workers: numpy's BLAS on one thread in every process (parallelism is the worker processes),
and in a cold build the workers load the voice as they start, while the build process plans.

The build runs in a fresh ``audioguide -vv`` process whose environment does
not set ``OPENBLAS_NUM_THREADS`` (the test process's own setting is removed),
so what is checked is what the package sets up itself; each worker reports
``threadpoolctl.threadpool_info()`` in a debug line once its BLAS is set.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

ARTICLE = """Looking After a New Cast

Keep the cast dry. Cover it with a plastic bag when you shower. Do not push anything inside it.

Swelling

Raise the arm on a pillow for two days. Move your fingers often.

When to Call

Call the clinic if your fingers turn blue or the cast feels too tight.
"""

WORKER_LINE = re.compile(r"worker (\d+): BLAS threads (\{.*\})")
BUILD_LINE = re.compile(r"build process (\d+): BLAS threads (\{.*\})")
LOADED_LINE = re.compile(r"worker (\d+): voices loaded in")


def _build(
    tmp_path: Path, start_method: str, out: str = "out"
) -> tuple[dict[int, dict], dict[int, dict], set[int]]:
    source = tmp_path / "cast.txt"
    source.write_text(ARTICLE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
    env.update(PYTHONPATH=str(ROOT), AUDIOGUIDE_START_METHOD=start_method)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "audioguide.cli",
            "-vv",
            "build",
            str(source),
            "-o",
            str(tmp_path / out),
            "--cache-dir",
            str(tmp_path / f"cache-{start_method}"),
            "--jobs",
            "2",
            "--formats",
            "tracks,m4b,phone",
            "-q",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "mpg123" not in done.stderr  # the in-process decoder's spurious messages stay out of it
    workers = {int(m[1]): ast.literal_eval(m[2]) for m in WORKER_LINE.finditer(done.stderr)}
    builds = {int(m[1]): ast.literal_eval(m[2]) for m in BUILD_LINE.finditer(done.stderr)}
    assert sorted((tmp_path / out).glob("*.mp3")), "the build wrote no track"
    loaded = {int(m[1]) for m in LOADED_LINE.finditer(done.stderr)}
    return workers, builds, loaded


@pytest.mark.slow
@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_build_workers_and_the_build_run_one_blas_thread(tmp_path, start_method):
    workers, builds, loaded = _build(tmp_path, start_method)
    # synthesis and rendering workers (two), then the export workers of m4b and phone (two more)
    assert len(workers) >= 3, workers
    # a cold build: both synthesis workers loaded the voice as they started, before their first clip
    assert len(loaded) == 2 and loaded <= set(workers), (loaded, workers)
    assert len(builds) == 1, builds
    for threads in [*workers.values(), *builds.values()]:
        assert threads and set(threads.values()) == {1}, threads


@pytest.mark.slow
def test_a_new_folder_whose_clips_are_all_cached_loads_no_voice(tmp_path):
    """A build into a new folder starts its workers before it knows its clips; once the plan finds
    them all in the cache (a second output folder, a library's new site), the voice loads stop."""
    _, _, loaded = _build(tmp_path, "fork")
    assert len(loaded) == 2, loaded  # the first build synthesized
    _, _, loaded = _build(tmp_path, "fork", out="second")
    assert loaded == set(), loaded


def test_the_test_processes_run_one_blas_thread():
    """conftest.py imports audioguide (which sets OPENBLAS_NUM_THREADS=1) before any test module imports
    numpy: the build workers these processes fork then never start a BLAS thread pool of their own."""
    import numpy  # noqa: F401
    from threadpoolctl import threadpool_info

    blas = [info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"]
    assert blas and set(blas) == {1}, threadpool_info()


FORKED_FROM_NUMPY_FIRST = """
import os
import numpy as np
from threadpoolctl import threadpool_info
np.ones((300, 300)) @ np.ones((300, 300))  # numpy loaded before audioguide: a BLAS pool of two threads
from audioguide.pipeline import threads
with threads.forking():
    pid = os.fork()
    if pid == 0:
        threads.limit_worker()
        np.ones((300, 300)) @ np.ones((300, 300))
        blas = [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]
        os.write(1, f"{len(os.listdir('/proc/self/task'))} {blas}".encode())
        os._exit(0)
os.waitpid(pid, 0)
"""


def test_a_worker_forked_from_a_process_that_loaded_numpy_first_starts_no_blas_thread():
    """A library caller's numpy has its BLAS pool running: the workers forked for a build inherit one
    thread and run no pool thread (each would spin ~0.1 CPU s as it starts)."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "2", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", FORKED_FROM_NUMPY_FIRST], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout == "1 [1]", done.stdout
