"""Documents read before: a PDF, Word, OpenDocument or EPUB file's document, kept by its bytes.

Reading a 58-page PDF takes 5-6 s (pdfminer's content streams), and every
command re-reads its source: a rebuild with nothing changed, ``outline`` then
``build``, each save under ``watch`` of a guide script, a library's nightly run.
The document a reader made is kept as JSON beside the clip cache, keyed by
the file's SHA-256 and path, the reading options and the readers' identity (the code
of ``sources`` and ``model`` and the versions of the libraries they use), so
any change to the file or to a reader reads it again. An entry is written to
a temporary file and renamed, and carries its own digest: a damaged one is
read again from the file and replaced.

Plain text, Markdown and HTML are not kept: they read in milliseconds, and
HTML reading can log warnings a user must see on each run.
"""

from __future__ import annotations

import hashlib
import json
import logging
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from audioguide.files import atomic_path
from audioguide.model.document import (
    Chapter,
    ChapterKind,
    CodeExample,
    Document,
    Dropped,
    ListItem,
    Subheading,
)

logger = logging.getLogger(__name__)

FORMAT = 1  # bump when the entry's layout changes
KEPT_SUFFIXES = frozenset({".pdf", ".docx", ".odt", ".epub"})
_LIBRARIES = ("pdfplumber", "pdfminer.six", "pypdf", "mammoth", "odfdo", "lxml")
_PACKAGE = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=1)
def reader_identity() -> str:
    """A digest of everything that decides what a reader makes of a file."""
    digest = hashlib.sha256(str(FORMAT).encode())
    for folder in ("sources", "model"):
        for path in sorted((_PACKAGE / folder).rglob("*.py")):
            digest.update(str(path.relative_to(_PACKAGE)).encode() + b"\0" + path.read_bytes())
    for name in _LIBRARIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{name}={version}\0".encode())
    return digest.hexdigest()


def memo_key(data: bytes, name: str, keep_furniture: bool) -> str:
    """The entry's name for the file ``name`` (its path as given: the document records it)
    holding ``data``, read with these options."""
    blob = json.dumps([reader_identity(), name, keep_furniture, hashlib.sha256(data).hexdigest()])
    return hashlib.sha256(blob.encode()).hexdigest()


def _digest(body: Any) -> str:
    """The SHA-256 an entry carries of its document's JSON values (keys sorted: any order reads)."""
    return hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def read_memo(folder: Path, key: str) -> Document | None:
    """The kept document, or None (none kept, or damaged: then it is read from the file again)."""
    path = folder / f"{key}.json"
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    try:
        entry = json.loads(raw)
        if entry.get("sha256") != _digest(entry["document"]):
            raise ValueError("digest mismatch")
        return document_from_json(entry["document"])
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        logger.info("%s: damaged (%s); reading the file again", path, exc)
        return None


def write_memo(folder: Path, key: str, document: Document) -> None:
    """Keep ``document`` (a failure to write only means the next run reads the file again)."""
    body = document_to_json(document)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with atomic_path(folder / f"{key}.json", suffix=".json") as tmp:
            tmp.write_text(
                json.dumps({"sha256": _digest(body), "document": body}, ensure_ascii=False), encoding="utf-8"
            )
    except OSError as exc:
        logger.warning("cannot keep the document read in %s: %s", folder, exc)


def _paragraph_to_json(paragraph: str) -> Any:
    if isinstance(paragraph, CodeExample):
        return {"code": paragraph.what}
    if isinstance(paragraph, Subheading):
        return {"subheading": str(paragraph), "level": paragraph.level}
    if isinstance(paragraph, ListItem):
        return {"item": str(paragraph)}
    return str(paragraph)


def _paragraph_from_json(value: Any) -> str:
    if isinstance(value, str):
        return value
    if "code" in value:
        if value["code"] not in ("code", "address"):
            raise ValueError(f"code example of kind {value['code']!r}")
        return CodeExample(value["code"])
    if "subheading" in value:
        level = value["level"]
        if level is not None and not isinstance(level, int):
            raise TypeError("sub-heading level")
        return Subheading(str(value["subheading"]), level)
    return ListItem(str(value["item"]))


def document_to_json(document: Document) -> dict[str, Any]:
    """``document`` as JSON values, its paragraphs' kinds (item, sub-heading, code) kept."""
    return {
        "title": document.title,
        "chapters": [
            {
                "kind": chapter.kind.value,
                "title": chapter.title,
                "paragraphs": [_paragraph_to_json(p) for p in chapter.paragraphs],
                "lead": chapter.lead,
                "group": chapter.group,
            }
            for chapter in document.chapters
        ],
        "dropped": [
            {"text": d.text, "reason": d.reason, "line": d.line, "outside": d.outside, "kind": d.kind}
            for d in document.dropped
        ],
        "faq_title": document.faq_title,
        "publisher": document.publisher,
        "author": document.author,
        "language": document.language,
        "source": document.source,
        "notes": list(document.notes),
    }


def document_from_json(value: dict[str, Any]) -> Document:
    """The document :func:`document_to_json` wrote."""
    return Document(
        title=value["title"],
        chapters=tuple(
            Chapter(
                kind=ChapterKind(c["kind"]),
                title=c["title"],
                paragraphs=tuple(_paragraph_from_json(p) for p in c["paragraphs"]),
                lead=c["lead"],
                group=c["group"],
            )
            for c in value["chapters"]
        ),
        dropped=tuple(
            Dropped(text=d["text"], reason=d["reason"], line=d["line"], outside=d["outside"], kind=d["kind"])
            for d in value["dropped"]
        ),
        faq_title=value["faq_title"],
        publisher=value["publisher"],
        author=value["author"],
        language=value["language"],
        source=value["source"],
        notes=tuple(value["notes"]),
    )
