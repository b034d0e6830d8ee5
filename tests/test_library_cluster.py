"""``audioguide library --scheduler``: the library's guides built on a real Dask cluster.

A real ``distributed.LocalCluster`` of two worker processes (``local:2``), and
for the remote case a real ``dask scheduler`` and ``dask worker`` started as
commands: the site must be byte-identical to a local run, survive a worker
killed mid-build, refuse a worker that would make other bytes, and say in one
line when the scheduler cannot be reached.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_helpers import assert_one_line_error, invoke

pytest.importorskip("distributed")
pytestmark = pytest.mark.slow

ARTICLES = {
    "knee.txt": "Knee Care After Surgery\n\nRest your knee for two days.\n\nFAQs\n\nWhen can I walk?\n\n"
    "Walk a little on the second day.\n",
    "back.txt": "Back Pain\n\nMost back pain gets better.\n\nFAQs\n\nShould I stay in bed?\n\n"
    "No. Gentle movement helps.\n",
    "sleep.md": "# Sleep Well\n\nKeep a regular bedtime.\n\n## Sleep and Coffee\n\nAvoid coffee after noon.\n",
}
EPOCH = "1790000000"


def library(articles: Path, site: Path, cache: Path, *extra: str, env: dict | None = None, timeout=600):
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "audioguide.cli",
            "library",
            str(articles),
            "-o",
            str(site),
            "--cache-dir",
            str(cache),
            "--base-url",
            "https://clinic.example/audio/",
            "--title",
            "Riverside Clinic",
            "-q",
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **(env or {})},
    )


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def articles(tmp_path_factory):
    folder = tmp_path_factory.mktemp("articles")
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def local_site(articles, tmp_path_factory):
    base = tmp_path_factory.mktemp("local")
    done = library(articles, base / "site", base / "cache")
    assert done.returncode == 0, done.stderr
    return files(base / "site")


def test_a_library_built_on_a_cluster_equals_the_local_build(articles, local_site, tmp_path):
    workers_cache = tmp_path / "worker-cache"
    done = library(
        articles,
        tmp_path / "site",
        tmp_path / "cache",
        "--scheduler",
        "local:2",
        "--worker-cache-dir",
        str(workers_cache),
    )
    assert done.returncode == 0, done.stderr
    built = files(tmp_path / "site")
    assert sorted(built) == sorted(local_site)
    assert [name for name in built if built[name] != local_site[name]] == []
    # The guides' clips were made on the workers, into their own cache; the client made only the
    # library hold programme's opening line (the site's phone programme is made where the site is).
    worker_clips = {p.name for p in workers_cache.rglob("*.clip")}
    client_clips = {p.name for p in (tmp_path / "cache").rglob("*.clip")}
    assert len(worker_clips) >= 10 and len(client_clips) <= 2
    # A second run finds nothing to do and sends no task.
    again = library(articles, tmp_path / "site", tmp_path / "cache", "--scheduler", "local:2", "--json")
    assert again.returncode == 0, again.stderr
    assert '"status": "unchanged"' in again.stdout and '"status": "built"' not in again.stdout
    assert files(tmp_path / "site") == built


def test_a_worker_killed_mid_build_is_replaced_and_the_site_is_the_same(articles, local_site, tmp_path):
    once = tmp_path / "killed-once"
    done = library(
        articles,
        tmp_path / "site",
        tmp_path / "cache",
        "--scheduler",
        "local:2",
        env={"AUDIOGUIDE_KILL_AT": "rendered", "AUDIOGUIDE_KILL_ONCE": str(once)},
    )
    assert done.returncode == 0, done.stderr
    assert once.exists()  # a worker really was killed while it built a guide
    built = files(tmp_path / "site")
    assert sorted(built) == sorted(local_site)
    assert [name for name in built if built[name] != local_site[name]] == []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_worker_that_would_make_other_bytes_is_refused_before_any_task(articles, tmp_path):
    """A real `dask scheduler` and `dask worker`; the worker runs another audioguide version."""
    other = tmp_path / "other-version"
    other.mkdir()
    (other / "sitecustomize.py").write_text("import audioguide\naudioguide.__version__ = '0.0.1-other'\n")
    port = _free_port()
    bin_dir = Path(sys.executable).parent
    scheduler = subprocess.Popen(
        [str(bin_dir / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    path = os.pathsep.join(filter(None, [str(other), os.environ.get("PYTHONPATH")]))
    worker = subprocess.Popen(
        [str(bin_dir / "dask"), "worker", f"tcp://127.0.0.1:{port}", "--nthreads", "1", "--no-dashboard"],
        env={**os.environ, "PYTHONPATH": path},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        done = None
        while time.monotonic() < deadline:
            done = library(
                articles, tmp_path / "site", tmp_path / "cache", "--scheduler", f"tcp://127.0.0.1:{port}"
            )
            # the scheduler may not listen yet, or have no worker yet: both are said, and retried
            if "no workers" not in done.stderr and "cannot reach" not in done.stderr:
                break
            time.sleep(1)
        assert done is not None and done.returncode == 1, done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1, done.stderr
        assert (
            "would make different bytes (audioguide: here '0.1.0', on the worker '0.0.1-other')" in lines[0]
        )
        assert not any((tmp_path / "site").glob("*/manifest.json"))  # no guide was built
    finally:
        for proc in (worker, scheduler):
            proc.terminate()
            proc.wait(timeout=30)


def test_an_unreachable_scheduler_is_one_line(articles, tmp_path):
    port = _free_port()  # nothing listens there
    done = library(articles, tmp_path / "site", tmp_path / "cache", "--scheduler", f"tcp://127.0.0.1:{port}")
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        "audioguide: error: cannot reach the Dask scheduler at "
    ), lines
    assert not any((tmp_path / "site").glob("*/manifest.json"))


@pytest.mark.parametrize("spec", ["local:0", "localhost", "tcp://", "local:x"])
def test_a_malformed_scheduler_is_one_line(articles, tmp_path, spec):
    done = invoke(
        "library", str(articles), "-o", str(tmp_path / "site"), "--cache-dir", str(tmp_path / "cache"),
        "--scheduler", spec,
    )  # fmt: skip
    assert_one_line_error(done, "--scheduler")
    assert done.exit_code == 1


def test_local_workers_keep_glibc_s_own_malloc_thresholds():
    """Dask's nanny would start workers with MALLOC_TRIM_THRESHOLD_=65536, which fixes glibc's mmap
    threshold: every numpy array of a build is then mapped and unmapped (a guide cost 1.5-1.8 times
    the CPU). The workers of ``--scheduler local:N`` start without it."""
    child = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os\n"
            "from audioguide.library.cluster import connect\n"
            "os.environ.pop('MALLOC_TRIM_THRESHOLD_', None)\n"
            "with connect('local:1') as client:\n"
            "    print(list(client.run(os.environ.get, 'MALLOC_TRIM_THRESHOLD_').values()))\n",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == 0, child.stderr
    assert child.stdout.strip() == "[None]"


def test_a_worker_started_with_dask_s_trim_setting_takes_large_arrays_from_the_heap():
    """Workers started by hand (`dask worker`) get MALLOC_TRIM_THRESHOLD_ from their nanny; a task
    gives large allocations the heap back, so a 1.6 MB array is no longer an mmap of its own
    (glibc's mallinfo2 counts those)."""
    script = (
        "import ctypes, numpy as np\n"
        "from audioguide.library.cluster import large_arrays_from_the_heap\n"
        "class Info(ctypes.Structure):\n"
        "    _fields_ = [(n, ctypes.c_size_t) for n in 'arena ordblks smblks hblks hblkhd usmblks fsmblks"
        " uordblks fordblks keepcost'.split()]\n"
        "libc = ctypes.CDLL('libc.so.6'); libc.mallinfo2.restype = Info\n"
        "def mapped():\n"
        "    before = libc.mallinfo2().hblks; array = np.ones(200_000); return libc.mallinfo2().hblks - before\n"
        "first = mapped()\n"
        "print(first, large_arrays_from_the_heap(), mapped(), mapped())\n"
    )
    env = {**os.environ, "MALLOC_TRIM_THRESHOLD_": "65536"}
    env.pop("MALLOC_MMAP_THRESHOLD_", None)
    child = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60
    )
    assert child.returncode == 0, child.stderr
    assert child.stdout.split() == ["1", "True", "0", "0"]
