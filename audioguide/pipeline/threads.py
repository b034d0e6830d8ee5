"""One BLAS thread in every process that renders: parallelism comes from worker processes.

``audioguide/__init__.py`` sets ``OPENBLAS_NUM_THREADS=1`` before numpy is
first imported, which covers the CLI and every worker it starts. A program
that imported numpy before audioguide (a library caller, a test runner) has
its BLAS pool already started; :func:`one_blas_thread` limits it at run time
with threadpoolctl, for the whole of a worker's life or for the length of a
build in the calling process.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Iterator

logger = logging.getLogger(__name__)


def blas_threads() -> dict[str, int]:
    """The BLAS libraries loaded in this process and the threads each runs (threadpoolctl's view)."""
    from threadpoolctl import threadpool_info

    return {
        f"{info['internal_api']}": int(info["num_threads"])
        for info in threadpool_info()
        if info["user_api"] == "blas"
    }


def limit_worker() -> None:
    """In a worker process: numpy loaded, its BLAS on one thread for good; logged at debug level.

    A BLAS that says one thread already (set by the environment, or inherited
    from a parent that forked while limited) is left alone: a forked child's
    OpenBLAS starts its thread pool again whenever its thread count is set, and
    each new pool thread spins about 0.1 CPU s before it sleeps.
    """
    import numpy  # noqa: F401  (loads the BLAS library whose threads are limited)
    from threadpoolctl import ThreadpoolController

    blas = ThreadpoolController().select(user_api="blas")
    if any(library.num_threads != 1 for library in blas.lib_controllers):
        blas.limit(limits=1)
    if logger.isEnabledFor(logging.DEBUG):  # the look-up scans every loaded library again
        logger.debug("worker %d: BLAS threads %s", os.getpid(), blas_threads())


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    """This process's BLAS on one thread while the block runs, as it was afterwards."""
    import numpy  # noqa: F401
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1, user_api="blas"):
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("build process %d: BLAS threads %s", os.getpid(), blas_threads())
        yield


@contextlib.contextmanager
def forking() -> Iterator[None]:
    """Around forking workers: a BLAS loaded here on one thread, which the workers inherit.

    Nothing is imported: workers forked from a process without numpy load it
    themselves, with the ``OPENBLAS_NUM_THREADS=1`` that ``audioguide/__init__.py`` set.
    """
    if "numpy" not in sys.modules:
        yield
        return
    with one_blas_thread():
        yield
