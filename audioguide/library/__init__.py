"""A clinic's library of guides: ``audioguide library SOURCES -o site/`` (see :mod:`audioguide.library.site`)."""

from audioguide.library.catalog import Catalog, GuideEntry, LibraryError, read_library_file, read_sources
from audioguide.library.site import GuideOutcome, LibraryEvent, LibraryOptions, LibraryReport, build_library

__all__ = [
    "Catalog",
    "GuideEntry",
    "GuideOutcome",
    "LibraryError",
    "LibraryEvent",
    "LibraryOptions",
    "LibraryReport",
    "build_library",
    "read_library_file",
    "read_sources",
]
