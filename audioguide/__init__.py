"""audioguide: turn a written health article into a narrated, chaptered audio guide."""

import os

# onnxruntime (both offline engines run on it) has Microsoft's telemetry on by default: it writes
# ~/.cache/Microsoft/DeveloperTools/.onnxruntime/ and tries to upload to events.data.microsoft.com.
# Only this variable, set before onnxruntime is first imported, turns it off; every audioguide
# entry point imports this package first, and worker processes inherit the environment.
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("audioguide")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0"

__all__ = ["__version__"]
