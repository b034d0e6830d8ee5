"""Where the recognizer's large buffers live: glibc's heap, kept between batches, not fresh mmaps.

CTranslate2 allocates Whisper's encoder and attention buffers (54 MB a
window, 432 MB for a batch of eight) for every batch and decoding step, and
frees them. Above glibc's mmap threshold (at most 32 MB) each one is a new
mmap that the kernel zeroes page by page and unmaps again: verifying the
example guide took 1.6 million page faults and a third of its CPU time there.
With one arena, no mmap and no trimming while it runs, freed buffers stay in
the heap for the next batch (225,000 faults; peak memory 3 % higher), and
:func:`release_freed_memory` gives them back when the run ends.

The settings are process-wide and must come before the run's threads first
allocate: a thread that already has an arena of its own keeps it (and a
non-main arena maps anything over 64 MB anyway). glibc only; elsewhere both
functions do nothing.
"""

from __future__ import annotations

import ctypes
import logging
from collections.abc import Iterator
from contextlib import contextmanager

logger = logging.getLogger(__name__)

# mallopt's parameters (malloc.h)
_M_TRIM_THRESHOLD, _M_MMAP_MAX, _M_ARENA_MAX = -1, -4, -8
_KEEP = 2**31 - 1  # mallopt takes an int: the largest trim threshold it can say (2 GiB)
_DEFAULT_MMAP_MAX = 65536
_DEFAULT_TRIM_THRESHOLD = 128 * 1024


def _libc():
    try:
        libc = ctypes.CDLL(None)
        return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


def keep_freed_memory() -> bool:
    """Keep freed memory in this process's one heap until :func:`release_freed_memory`; whether it could.

    The arena limit stays for the rest of the process (glibc has no way back);
    only threads started later are affected by it.
    """
    libc = _libc()
    if libc is None:
        return False
    done = all(
        libc.mallopt(option, value) == 1
        for option, value in ((_M_ARENA_MAX, 1), (_M_MMAP_MAX, 0), (_M_TRIM_THRESHOLD, _KEEP))
    )
    logger.debug("recognizer's buffers kept in the heap: %s", done)
    return done


def release_freed_memory() -> None:
    """glibc's usual mmap and trim settings again, and the free heap given back to the system."""
    libc = _libc()
    if libc is None:
        return
    libc.mallopt(_M_MMAP_MAX, _DEFAULT_MMAP_MAX)
    libc.mallopt(_M_TRIM_THRESHOLD, _DEFAULT_TRIM_THRESHOLD)
    libc.malloc_trim(0)


_depth = 0  # blocks of freed_memory_kept open in this process (the outermost one releases)


@contextmanager
def freed_memory_kept() -> Iterator[bool]:
    """:func:`keep_freed_memory` for the block (whether it could), then :func:`release_freed_memory`
    at the end of the outermost such block."""
    global _depth
    kept = keep_freed_memory()
    _depth += 1
    try:
        yield kept
    finally:
        _depth -= 1
        if kept and _depth == 0:
            release_freed_memory()
