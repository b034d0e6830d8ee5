"""Broken and hostile zip containers (.docx, .odt, .epub): one line naming the file and the
problem, exit 1, nothing written, memory bounded; and zip documents without an extension.

Each broken file is made in the test's tmp_path from a real document or by hand.
"""

from __future__ import annotations

import shutil
import struct
import zipfile
from pathlib import Path

import pytest

from audioguide.sources.container import MAX_MEMBER_BYTES, MAX_RATIO
from audioguide.sources.load import load_source
from tests.cli_helpers import invoke
from tests.zip_documents import write_epub

REAL = Path(__file__).parent / "data" / "real"


def fails(path: Path, tmp_path: Path, *words: str) -> str:
    """``build PATH`` fails with one line naming the file and saying ``words``; nothing is written."""
    out = tmp_path / "out"
    result = invoke("build", str(path), "-o", str(out), "-q")
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("audioguide: error: ") and str(path) in lines[0], lines[0]
    for word in words:
        assert word in lines[0], lines[0]
    assert not out.exists()
    return lines[0]


@pytest.mark.parametrize("suffix", [".docx", ".odt", ".epub"])
def test_a_text_file_renamed_is_not_a_zip(tmp_path, suffix):
    path = tmp_path / f"leaflet{suffix}"
    path.write_text("Knee care\n\nRest the knee.\n", encoding="utf-8")
    fails(path, tmp_path, "not a", "not a zip container")


@pytest.mark.parametrize(
    "name", ["officer-example.docx", "writer2latex-sample-article.odt", "calibre-quick-start-eng.epub"]
)
def test_a_truncated_file_is_damaged(tmp_path, name):
    data = (REAL / name).read_bytes()
    path = tmp_path / name
    path.write_bytes(data[: len(data) // 2])
    fails(path, tmp_path, "damaged")


def test_a_corrupted_member_is_damaged(tmp_path):
    """Bytes flipped inside the compressed document.xml: a damaged file, not a traceback."""
    source = REAL / "officer-example.docx"
    path = tmp_path / "flipped.docx"
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as z:
        info = z.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(start + 100, start + 400):
        data[offset] ^= 0x5A
    path.write_bytes(bytes(data))
    fails(path, tmp_path, "damaged")


def test_a_docx_without_its_document_part(tmp_path):
    path = tmp_path / "empty.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("docProps/core.xml", "<coreProperties/>")
    fails(path, tmp_path, "not a Word document", "word/document.xml")


def test_an_odt_without_content_xml(tmp_path):
    path = tmp_path / "empty.odt"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("meta.xml", "<office:document-meta/>")
    fails(path, tmp_path, "content.xml")


def test_a_member_that_expands_beyond_the_limit(tmp_path):
    """A zip bomb: document.xml declares over 64 MiB (zeros deflate about 1000 times)."""
    path = tmp_path / "bomb.docx"
    chunk = b"\0" * (1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("word/document.xml", "w", force_zip64=True) as member:
            for _ in range(MAX_MEMBER_BYTES // len(chunk) + 1):
                member.write(chunk)
    assert path.stat().st_size < 1 << 20
    fails(path, tmp_path, "word/document.xml", "expands")


def test_a_member_that_expands_hundreds_of_times(tmp_path):
    """Under the size limit but with a zip bomb's ratio: refused before it is decompressed."""
    path = tmp_path / "bomb.epub"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        z.writestr("OEBPS/ch1.xhtml", b" " * (8 << 20))
    info = zipfile.ZipFile(path).getinfo("OEBPS/ch1.xhtml")
    assert info.file_size > MAX_RATIO * info.compress_size
    fails(path, tmp_path, "zip bomb")


def _set_central_field(data: bytearray, name: bytes, offset: int, fmt: str, value: int) -> None:
    """Change one field of ``name``'s central directory entry (offset from its signature)."""
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46 : at + 46 + length]) == name:
            struct.pack_into(fmt, data, at + offset, value)
            return
        at = data.find(b"PK\x01\x02", at + 4)
    raise AssertionError(f"{name!r} not in the central directory")


def test_a_member_that_lies_about_its_size_is_cut_off(tmp_path):
    """The central directory says 2 KB, the data inflates to 8 MiB: reading stops at the declared
    size (the CRC then fails), so memory stays bounded whatever the member holds."""
    path = tmp_path / "liar.epub"
    book = write_epub(tmp_path / "book.epub", {"ch1.xhtml": "<h1>One</h1><p>Text.</p>"})
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "OEBPS/ch1.xhtml":
                data = data + b"<!--" + b"x" * (8 << 20) + b"-->"
            z.writestr(info, data, compress_type=info.compress_type)
    data = bytearray(path.read_bytes())
    _set_central_field(data, b"OEBPS/ch1.xhtml", 24, "<I", 2048)  # uncompressed size
    path.write_bytes(bytes(data))
    fails(path, tmp_path, "damaged")


def test_an_encrypted_member(tmp_path):
    path = tmp_path / "locked.docx"
    shutil.copy(REAL / "python-docx-test.docx", path)
    data = bytearray(path.read_bytes())
    _set_central_field(data, b"word/document.xml", 8, "<H", 0x1)  # general purpose flag: encrypted
    path.write_bytes(bytes(data))
    fails(path, tmp_path, "encrypted", "word/document.xml")


def test_a_compression_method_these_formats_never_use(tmp_path):
    """bzip2 or LZMA members decompress without a bound per step: refused."""
    path = tmp_path / "odd.odt"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", "<x/>", compress_type=zipfile.ZIP_BZIP2)
    fails(path, tmp_path, "content.xml", "compressed with a method")


def test_an_epub_whose_spine_names_a_missing_file(tmp_path):
    path = write_epub(
        tmp_path / "gap.epub",
        {"ch1.xhtml": "<h1>One</h1><p>Text.</p>"},
        spine=["ch1.xhtml", "ch2.xhtml"],
    )
    with zipfile.ZipFile(path) as z:
        assert "OEBPS/ch2.xhtml" not in z.namelist()
    fails(path, tmp_path, "OEBPS/ch2.xhtml", "missing")


def test_a_path_outside_the_book_is_never_opened(tmp_path):
    """A manifest href climbing out of the zip names no file on disk: the book is refused."""
    secret = tmp_path / "secret.xhtml"
    secret.write_text("<html><body><h1>Secret</h1><p>Do not read me.</p></body></html>", encoding="utf-8")
    path = write_epub(
        tmp_path / "climb.epub",
        {"ch1.xhtml": "<h1>One</h1><p>Text.</p>"},
        spine=["ch1.xhtml", "../../../../../../" + str(secret).lstrip("/")],
    )
    message = fails(path, tmp_path, "outside the book")
    assert "Do not read me" not in message


def test_an_epub_without_a_container_file(tmp_path):
    path = tmp_path / "bare.epub"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/epub+zip")
        z.writestr("OEBPS/ch1.xhtml", "<html/>")
    fails(path, tmp_path, "META-INF/container.xml")


@pytest.mark.parametrize(
    "name", ["officer-example.docx", "writer2latex-sample-xhtml.odt", "calibre-quick-start-eng.epub"]
)
def test_a_zip_document_without_an_extension_is_read_by_its_members(tmp_path, name):
    bare = tmp_path / "LEAFLET"
    shutil.copy(REAL / name, bare)
    by_name = load_source(REAL / name).document
    by_content = load_source(bare).document
    assert by_content.title == by_name.title
    assert [c.title for c in by_content.chapters] == [c.title for c in by_name.chapters]


def test_a_zip_without_an_extension_that_is_no_document(tmp_path):
    bare = tmp_path / "ARCHIVE"
    with zipfile.ZipFile(bare, "w") as z:
        z.writestr("notes.txt", "Rest the knee.")
    fails(bare, tmp_path, "not a Word (.docx), OpenDocument text (.odt) or EPUB document")


def test_unsupported_type_message_lists_the_new_formats(tmp_path):
    path = tmp_path / "slides.pptx"
    path.write_bytes(b"PK\x03\x04")
    message = fails(path, tmp_path, "unsupported file type")
    for suffix in (".docx", ".odt", ".epub"):
        assert suffix in message
