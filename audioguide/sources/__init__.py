"""Sources: files, web pages and guide scripts read into a :class:`~audioguide.model.document.Document`."""

from audioguide.sources.load import load_source

__all__ = ["load_source"]
