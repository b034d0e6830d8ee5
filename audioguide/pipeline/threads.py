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
    """In a worker process: numpy loaded, its BLAS on one thread for good; logged at debug level."""
    import numpy  # noqa: F401  (loads the BLAS library whose threads are limited)
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")
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
