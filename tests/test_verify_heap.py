"""The recognizer's freed buffers stay in the heap for the next batch (audioguide.verify.heap).

Measured as the kernel counts it: minor page faults of a fresh process whose
new thread (as CTranslate2's threads do) mallocs, fills and frees a buffer
larger than any mmap threshold ten times over. glibc only.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's malloc settings")

CHURN = """
import ctypes, json, resource, sys, threading
from audioguide.verify.heap import freed_memory_kept

libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
SIZE = 100 * 2**20  # above the mmap threshold and a thread arena's 64 MB

def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt

def resident_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20

def churn(out):
    start = faults()
    for _ in range(10):
        buffer = libc.malloc(SIZE)  # as CTranslate2 allocates: plain malloc, no huge-page advice
        ctypes.memset(buffer, 1, SIZE)
        libc.free(buffer)
    out.append(faults() - start)

def run():
    out = []
    thread = threading.Thread(target=churn, args=(out,))
    thread.start()
    thread.join()
    return out[0]

if sys.argv[1] == "kept":
    with freed_memory_kept() as kept:
        faults_seen = run()
        held = resident_mb()
else:
    kept, faults_seen, held = None, run(), resident_mb()
print(json.dumps({"kept": kept, "faults": faults_seen, "held_mb": held, "after_mb": resident_mb()}))
"""


def _churn(mode: str) -> dict:
    done = subprocess.run([sys.executable, "-c", CHURN, mode], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_buffer_freed_and_made_again_is_not_mapped_afresh_each_time():
    plain, kept = _churn("plain"), _churn("kept")
    one_buffer = 100 * 2**20 // 4096  # pages
    assert kept["kept"] is True
    assert plain["faults"] > 8 * one_buffer  # each new buffer a fresh mapping, every page faulted in
    assert kept["faults"] < 2 * one_buffer  # the first buffer's pages, then the same heap again
    assert kept["held_mb"] > 90  # kept for the next batch while the block lasts ...
    assert kept["after_mb"] < kept["held_mb"] - 90  # ... and given back to the system at its end
