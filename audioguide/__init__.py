"""audioguide: turn a written health article into a narrated, chaptered audio guide."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("audioguide")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0"

__all__ = ["__version__"]
