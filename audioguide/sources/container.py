"""Zip containers (Word .docx, OpenDocument .odt, EPUB): their members, read within limits.

All three formats are zip files of XML. A file that is not a zip, a damaged
one, a zip bomb (members that expand far beyond their compressed size, or
to more than any document needs), an encrypted member or a compression
method these formats never use is refused with one line naming the file,
before anything is decompressed. Members are only ever read into memory,
each with a size cap: a member's name is a key, never a path on disk, so a
name such as ``../../etc/passwd`` cannot reach the file system.
"""

from __future__ import annotations

import io
import logging
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, replace
from pathlib import Path

from audioguide.errors import SourceError
from audioguide.model.document import Document
from audioguide.sources.decode import read_source_bytes

logger = logging.getLogger(__name__)

ZIP_MAGIC = b"PK\x03\x04"
# No member of a document is larger than this once decompressed (a 1,000-page Word file's
# document.xml is about 20 MB), nor all members together.
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024
# XML deflates 5-15 times (the corpus: at most 13); a zip bomb's members expand hundreds of times.
MAX_RATIO = 100
RATIO_FLOOR = 1024 * 1024  # members smaller than this cannot do harm whatever their ratio
# Stored and deflated only: DOCX, ODT and EPUB use nothing else, and bzip2/LZMA members
# decompress without a bound on each step's output.
_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflated"}


@dataclass(frozen=True)
class ZipContainer:
    """An opened, checked zip container. ``name`` is the file as the user gave it (for messages);
    ``data`` the container's bytes (a library such as mammoth reads them again)."""

    name: str
    data: bytes
    archive: zipfile.ZipFile
    kind: str = "document"

    def has(self, member: str) -> bool:
        """Whether ``member`` (a name inside the zip) exists."""
        return self._info(member) is not None

    def read(self, member: str, *, what: str | None = None, limit: int = MAX_MEMBER_BYTES) -> bytes:
        """The decompressed bytes of ``member``, never more than ``limit``; a missing or damaged
        member is a one-line SourceError (``what`` names it for the reader, e.g. "the spine's
        chapter1.xhtml")."""
        info = self._info(member)
        label = what or member
        if info is None:
            raise SourceError(f"{self.name}: {label} is missing from the file")
        try:
            with self.archive.open(info) as handle:
                data = handle.read(limit + 1)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, ValueError) as exc:
            raise SourceError(f"{self.name}: damaged {self.kind} ({label}: {_reason(exc)})") from None
        if len(data) > limit:
            raise SourceError(f"{self.name}: {label} is too large (over {limit} bytes)")
        return data

    def read_optional(self, member: str, *, what: str | None = None) -> bytes | None:
        """``member``'s bytes if it exists, else None (optional parts: core properties, styles)."""
        return self.read(member, what=what) if self.has(member) else None

    def _info(self, member: str) -> zipfile.ZipInfo | None:
        try:
            return self.archive.getinfo(member)
        except KeyError:
            return None

    @property
    def names(self) -> list[str]:
        return self.archive.namelist()


def open_container(path: Path, *, kind: str) -> ZipContainer:
    """Read ``path`` (a ``kind`` file: "Word document", "EPUB book") and check it as a zip."""
    name = str(path)
    return open_container_bytes(read_source_bytes(path), name=name, kind=kind)


def open_container_bytes(data: bytes, *, name: str, kind: str) -> ZipContainer:
    """Check ``data`` as a zip container before anything in it is decompressed."""
    if not data.startswith(ZIP_MAGIC):
        raise SourceError(f"{name}: not {with_article(kind)} (the file is not a zip container)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise SourceError(f"{name}: damaged {kind} ({_reason(exc)})") from None
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise SourceError(
                f"{name}: encrypted {kind} ({info.filename} needs a password); save it without a password"
            )
        if info.is_dir():
            continue
        if info.compress_type not in _METHODS:
            raise SourceError(
                f"{name}: {info.filename} is compressed with a method Word, OpenDocument and EPUB files "
                f"never use (zip method {info.compress_type})"
            )
        if info.file_size > MAX_MEMBER_BYTES:
            raise SourceError(
                f"{name}: {info.filename} expands to {info.file_size} bytes, over the limit of "
                f"{MAX_MEMBER_BYTES} (a zip bomb, or not a document)"
            )
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise SourceError(
                f"{name}: {info.filename} expands {info.file_size // max(info.compress_size, 1)} times "
                f"(a zip bomb; documents expand at most {MAX_RATIO} times)"
            )
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise SourceError(
                f"{name}: expands to over {MAX_TOTAL_BYTES} bytes (a zip bomb, or not a document)"
            )
    return ZipContainer(name=name, data=data, archive=archive, kind=kind)


def read_converted(html: str, container: ZipContainer, *, keep_furniture: bool) -> Document:
    """A document converted to ``html`` read by the one HTML reader (its structure rules).

    What the reader drops is listed without line numbers: they would be lines of the
    generated page, which nobody can look up in the .docx, .odt or .epub.
    """
    from audioguide.sources.html import parse_html_text

    document = parse_html_text(html, source=container.name, keep_furniture=keep_furniture)
    return replace(document, dropped=tuple(replace(d, line=None) for d in document.dropped))


def member_path(base: str, href: str) -> str | None:
    """The zip member a relative reference inside ``base`` names ("../text/ch1.xhtml#s2" from
    "OEBPS/content.opf" -> "text/ch1.xhtml"); None for a reference out of the container
    (an absolute URL, or above its root)."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    path = unquote(parts.path)
    if not path:
        return base
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(base), path))
    if joined.startswith("../") or joined == ".." or joined.startswith("/"):
        return None
    return joined


_SLUG_RE = re.compile(r"^[a-z0-9]+(?:[-_.][a-z0-9]+)+$")
_FILE_NAME_RE = re.compile(r"^(?:microsoft word - )?.*\.(?:docx?|odt|rtf|pdf|epub|html?|txt)$", re.IGNORECASE)


def metadata_title(text: str | None) -> str | None:
    """A title from a document's properties, or None when it names a file rather than the
    document ("developers-reference", "leaflet_v3", "Microsoft Word - leaflet.doc"): then the
    document's own first heading says better what a listener should hear."""
    title = " ".join((text or "").split())
    if not title or _SLUG_RE.match(title) or _FILE_NAME_RE.match(title):
        return None
    return title


def with_article(kind: str) -> str:
    """ "an EPUB book", "a Word document"."""
    return f"{'an' if kind[:1].upper() in 'AEIOU' else 'a'} {kind}"


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text[0].lower() + text[1:] if text else text
