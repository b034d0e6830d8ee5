"""Pick the parser for a source file by its extension."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .config import GuideSettings
from .document import Document
from .errors import SourceError

TEXT_SUFFIXES = {".txt", ".text", ""}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
GUIDE_SUFFIXES = {".yaml", ".yml"}


@dataclass(frozen=True)
class LoadedSource:
    """A parsed source, and the settings a guide script carries (None for articles)."""

    document: Document
    settings: GuideSettings | None = None


def load_source(path: Path, *, keep_furniture: bool = False) -> LoadedSource:
    """Parse ``path`` as plain text, Markdown or a YAML guide script."""
    suffix = path.suffix.lower()
    if suffix in GUIDE_SUFFIXES:
        from .guide_script import load_guide

        document, settings = load_guide(path)
        return LoadedSource(document, settings)
    if suffix in MARKDOWN_SUFFIXES:
        from .parse_markdown import parse_markdown

        return LoadedSource(parse_markdown(path, keep_furniture=keep_furniture))
    if suffix in TEXT_SUFFIXES:
        from .parse_text import parse_text

        return LoadedSource(parse_text(path, keep_furniture=keep_furniture))
    known = ", ".join(sorted(s for s in TEXT_SUFFIXES | MARKDOWN_SUFFIXES | GUIDE_SUFFIXES if s))
    raise SourceError(f"{path}: unsupported file type '{suffix}' (use {known})")
