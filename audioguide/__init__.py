"""audioguide: turn a written health article into a narrated, chaptered audio guide."""

import os

# onnxruntime (both offline engines run on it) has Microsoft's telemetry on by default: it writes
# ~/.cache/Microsoft/DeveloperTools/.onnxruntime/ and tries to upload to events.data.microsoft.com.
# Only this variable, set before onnxruntime is first imported, turns it off; every audioguide
# entry point imports this package first, and worker processes inherit the environment.
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
# One BLAS thread per process: a build's parallelism is its worker processes. numpy's OpenBLAS
# otherwise starts a thread per core in every process, and the threads of two workers spin against
# each other on the mastering's small matrix products (a cold build of the example: 11.5 CPU
# seconds with them, 8.1-8.6 without, the same bytes). OpenBLAS reads the variable when numpy is
# first imported, so it is set here, before anything imports numpy; workers inherit it. An
# explicit setting is kept; build workers and the build itself still run one thread
# (pipeline/threads.py) whatever loaded numpy first.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

# The one place the version is written (pyproject.toml reads it from here): looking it up in the
# installed metadata (importlib.metadata) took 32 ms of every command's start.
__version__ = "0.1.0"

__all__ = ["__version__"]
