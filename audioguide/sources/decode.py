"""Reading source files as text: encodings, binary detection, line endings.

Every failure is a :class:`SourceError` naming the file, so the CLI can
print one line.
"""

from __future__ import annotations

import codecs
import logging
import unicodedata
from dataclasses import replace
from pathlib import Path

from audioguide.errors import SourceError
from audioguide.files import read_regular_file
from audioguide.model.document import Document, ListItem, Subheading, is_code_example
from audioguide.text import recorded_url, strip_controls

logger = logging.getLogger(__name__)

MAX_SOURCE_BYTES = 50 * 1024 * 1024


def _looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters: not a text file."""
    if b"\x00" in data:
        return True
    sample = data[:8192]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls > max(4, len(sample) // 100)


def _bomless_utf16(data: bytes) -> str | None:
    """ "utf-16-le" or "utf-16-be" for UTF-16 text without a byte-order mark, else None.

    Text in a Latin script saved as UTF-16 has a NUL in every other byte (the
    high byte of each character): in the odd bytes for little-endian, the even
    ones for big-endian, and almost none on the other side. Binary data has no
    such pattern. The sample must also decode to text without control characters.
    """
    sample = data[:8192]
    if len(data) % 2 or len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    zeros_even, zeros_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if zeros_odd >= 0.3 and zeros_even <= 0.02:
        codec = "utf-16-le"
    elif zeros_even >= 0.3 and zeros_odd <= 0.02:
        codec = "utf-16-be"
    else:
        return None
    text = sample.decode(codec, errors="replace")
    if (
        any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\x0c" for ch in text)
        or "\ufffd" in text[:-1]
    ):
        return None
    return codec


# Labels that browsers read as Windows-1252 (WHATWG Encoding Standard).
_WINDOWS_1252_LABELS = {
    "iso-8859-1",
    "iso8859-1",
    "latin-1",
    "latin1",
    "l1",
    "us-ascii",
    "ascii",
    "cp819",
    "ibm819",
}


def codec_for(label: str | None) -> str | None:
    """The Python codec for a declared charset label ("utf-8", "ISO-8859-1"), or None if unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _WINDOWS_1252_LABELS:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_bytes(data: bytes, name: str, declared: str | None = None) -> str:
    """Decode text: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252.

    Windows-1252 is what scraped "Latin-1" text nearly always is; it is tried
    only when the bytes are not valid UTF-8 and look like text. ``declared``
    is a charset the source states (an HTTP header, an HTML ``<meta>``): it is
    used for bytes that are not UTF-8 (a byte-order mark and valid UTF-8 win
    over it), and ignored if the bytes do not decode with it.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise SourceError(f"{name}: invalid UTF-16 text ({exc.reason} at byte {exc.start})") from None
    codec = _bomless_utf16(data)
    if codec:
        try:
            return data.decode(codec)
        except UnicodeDecodeError as exc:
            raise SourceError(f"{name}: invalid UTF-16 text ({exc.reason} at byte {exc.start})") from None
    if _looks_binary(data):
        raise SourceError(f"{name}: not a text file (binary data)")
    try:
        # Valid UTF-8 with non-ASCII bytes is practically never another encoding,
        # whatever a page declares (a wrong <meta charset> is common).
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    codec = codec_for(declared)
    if codec and not codec.startswith("utf-"):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            logger.info("%s: declared charset %s does not fit the bytes; guessing", name, declared)
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise SourceError(
            f"{name}: not UTF-8 text ({utf8_error.reason} at byte {utf8_error.start}); save the file as UTF-8"
        ) from None
    logger.info("%s is not UTF-8; read as Windows-1252", name)
    return text


_LINE_BREAKS = "\n\x0b\x0c\x85\u2028\u2029"  # LF, vertical tab, form feed (page break), NEL, LS, PS
_SPACES = "\t\x1c\x1d\x1e\x1f\u00a0\u2007\u202f\u2009\u200a\u200b"  # tab, separators, odd spaces, ZWSP


def clean_text(text: str) -> str:
    """Unify line endings and spaces, drop other control characters; keep the words.

    Characters that separate words or lines (tab, form feed, NEL, the ASCII
    separators, a zero-width space) become a space or a line break, so the
    words on either side stay apart; other control characters are dropped.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    return text.translate(_CLEAN_TABLE)


def _clean_table() -> dict[int, str | None]:
    """What :func:`clean_text` makes of each character it changes (one C-level pass over a text)."""
    table: dict[int, str | None] = {
        cp: None
        for cp in [*range(0x20), *range(0x7F, 0xA0), *range(0xD800, 0xE000), 0x200C, 0x200D, 0x2060]
        if cp == 0x200C or cp == 0x200D or cp == 0x2060 or unicodedata.category(chr(cp)) in ("Cc", "Cs")
    }
    table.update({ord(ch): " " for ch in _SPACES})
    table.update({ord(ch): "\n" for ch in _LINE_BREAKS})
    return table


_CLEAN_TABLE = _clean_table()


def read_source_bytes(path: Path) -> bytes:
    """The bytes of a source file (checked: a regular file, not too large, not empty)."""
    name = str(path)
    if path.is_dir():
        raise SourceError(f"{name}: is a folder, not an article file")
    data = read_regular_file(path, limit=MAX_SOURCE_BYTES, error=SourceError)
    if not data.strip():
        raise SourceError(f"{name}: file is empty")
    return data


def read_text(path: Path) -> str:
    """The cleaned text of a source file, or a one-line :class:`SourceError`."""
    name = str(path)
    text = clean_text(decode_bytes(read_source_bytes(path), name))
    if not text.strip():
        raise SourceError(f"{name}: file holds no text")
    return text


def _clean_paragraph(paragraph: str) -> str:
    if is_code_example(paragraph):  # the note, not source text
        return paragraph
    cleaned = strip_controls(paragraph, keep_layout=False)
    if cleaned != paragraph:  # no double space where a character was taken out
        cleaned = " ".join(cleaned.split())
    if isinstance(paragraph, ListItem):
        return ListItem(cleaned)
    if isinstance(paragraph, Subheading):  # a sub-heading stays one (and keeps its level)
        return Subheading(cleaned, paragraph.level)
    return cleaned


def _clean_line(text: str | None) -> str | None:
    return None if text is None else " ".join(strip_controls(text, keep_layout=False).split())


def clean_document(document: Document) -> Document:
    """``document`` without NUL, control, surrogate or bidi-override characters in any text.

    Every source goes through this (HTML entities such as ``&#27;``, JSON-LD
    strings and YAML escapes such as ``"\\x00"`` can bring them back after
    :func:`clean_text`): they break XML formats (EPUB, DAISY), reorder file
    names on screen (U+202E) and reach terminals. Titles become one line;
    dropped text keeps its line breaks. A web address as ``source`` loses its
    query and fragment (``?access_token=...``): the source is recorded in tags
    and the manifest.
    """
    source = document.source
    if source is not None and source.strip().lower().startswith(("http://", "https://")):
        source = recorded_url(source)
    chapters = []
    for chapter in document.chapters:
        paragraphs = tuple(p for p in (_clean_paragraph(p) for p in chapter.paragraphs) if p)
        # replace(), not a new Chapter: every other field (the topic group, ...) is kept as it was
        chapters.append(
            replace(
                chapter,
                title=_clean_line(chapter.title) or "Untitled",
                paragraphs=paragraphs,
                lead=_clean_line(chapter.lead) or None,
                group=_clean_line(chapter.group) or None,
            )
        )
    dropped = tuple(replace(d, text=strip_controls(d.text)) for d in document.dropped)
    return replace(
        document,
        title=_clean_line(document.title) or "Untitled",
        chapters=tuple(chapters),
        dropped=dropped,
        faq_title=_clean_line(document.faq_title) or Document.faq_title,
        publisher=_clean_line(document.publisher) or None,
        author=_clean_line(document.author) or None,
        language=document.language,
        source=source,
    )
