"""Reading source files as text: encodings, binary detection, line endings.

Every failure is a :class:`SourceError` naming the file, so the CLI can
print one line.
"""

from __future__ import annotations

import codecs
import logging
import unicodedata
from pathlib import Path

from .errors import SourceError

logger = logging.getLogger(__name__)

MAX_SOURCE_BYTES = 50 * 1024 * 1024


def _looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters: not a text file."""
    if b"\x00" in data:
        return True
    sample = data[:8192]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls > max(4, len(sample) // 100)


def decode_bytes(data: bytes, name: str) -> str:
    """Decode text: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252.

    Windows-1252 is what scraped "Latin-1" text nearly always is; it is tried
    only when the bytes are not valid UTF-8 and look like text.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise SourceError(f"{name}: invalid UTF-16 text ({exc.reason} at byte {exc.start})") from None
    if _looks_binary(data):
        raise SourceError(f"{name}: not a text file (binary data)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise SourceError(
            f"{name}: not UTF-8 text ({utf8_error.reason} at byte {utf8_error.start}); "
            "save the file as UTF-8"
        ) from None
    logger.info("%s is not UTF-8; read as Windows-1252", name)
    return text


def clean_text(text: str) -> str:
    """Unify line endings and spaces, drop control characters; keep the words."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    out = []
    for ch in text:
        if ch in "\n\t":
            out.append(ch if ch == "\n" else " ")
        elif ch in "\u00a0\u2007\u202f\u2009\u200a":
            out.append(" ")
        elif ch in "\u200b\u200c\u200d\u2060" or unicodedata.category(ch) in ("Cc", "Cs"):
            continue
        else:
            out.append(ch)
    return "".join(out)


def read_text(path: Path) -> str:
    """The cleaned text of a source file, or a one-line :class:`SourceError`."""
    name = str(path)
    if not path.exists():
        raise SourceError(f"{name}: no such file")
    if path.is_dir():
        raise SourceError(f"{name}: is a folder, not an article file")
    try:
        size = path.stat().st_size
        if size > MAX_SOURCE_BYTES:
            raise SourceError(f"{name}: file too large ({size} bytes; limit {MAX_SOURCE_BYTES})")
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{name}: cannot read ({exc.strerror})") from None
    if not data.strip():
        raise SourceError(f"{name}: file is empty")
    text = clean_text(decode_bytes(data, name))
    if not text.strip():
        raise SourceError(f"{name}: file holds no text")
    return text
