"""Text files in the encodings editors actually save: real encoded bytes in, the same words out."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from audioguide.errors import SourceError
from audioguide.sources.decode import codec_for, read_text
from audioguide.sources.load import load_source

ARTICLE = (
    "Café Guide: Naïve Questions About Pain\n"
    "\n"
    "Señora Müller’s “knee” hurt — so she iced it for 20 minutes.\n"
    "\n"
    "Why Ice Helps\n"
    "\n"
    "Cold slows the nerves; the ache fades. Cost: €5 or £4.\n"
)
LATIN1_ARTICLE = "Café Guide\n\nSeñora Müller’s knee: ½ dose, 5 °C, © clinic.\n".replace("’", "'")

CASES = [
    pytest.param(ARTICLE.encode("utf-8"), ARTICLE, id="utf-8"),
    pytest.param(codecs.BOM_UTF8 + ARTICLE.encode("utf-8"), ARTICLE, id="utf-8-bom"),
    pytest.param(codecs.BOM_UTF16_LE + ARTICLE.encode("utf-16-le"), ARTICLE, id="utf-16-le-bom"),
    pytest.param(codecs.BOM_UTF16_BE + ARTICLE.encode("utf-16-be"), ARTICLE, id="utf-16-be-bom"),
    pytest.param(ARTICLE.encode("cp1252"), ARTICLE, id="windows-1252"),
    pytest.param(LATIN1_ARTICLE.encode("latin-1"), LATIN1_ARTICLE, id="latin-1"),
    pytest.param(ARTICLE.replace("\n", "\r\n").encode("cp1252"), ARTICLE, id="windows-1252-crlf"),
    pytest.param(
        codecs.BOM_UTF16_LE + ARTICLE.replace("\n", "\r\n").encode("utf-16-le"), ARTICLE, id="utf-16-crlf"
    ),
]


@pytest.mark.parametrize(("data", "expected"), CASES)
def test_text_files_decode_to_the_same_text(tmp_path: Path, data: bytes, expected: str) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(data)
    assert read_text(path) == expected


@pytest.mark.parametrize(("data", "expected"), CASES)
def test_encodings_parse_to_the_same_document(tmp_path: Path, data: bytes, expected: str) -> None:
    reference = tmp_path / "reference.txt"
    reference.write_text(expected, encoding="utf-8")
    path = tmp_path / "article.txt"
    path.write_bytes(data)
    doc, ref = load_source(path).document, load_source(reference).document
    assert (doc.title, doc.chapters) == (ref.title, ref.chapters)


@pytest.mark.parametrize(
    ("suffix", "wrap"), [(".md", "{}"), (".html", "<html><body><h1>{}</h1></body></html>")]
)
def test_other_sources_share_the_decoding(tmp_path: Path, suffix: str, wrap: str) -> None:
    body = wrap.format("Café Müller") + ("\n\nSeñora’s knee hurt a lot today.\n" if suffix == ".md" else "")
    if suffix == ".html":
        body = body.replace("</h1>", "</h1><p>Señora’s knee hurt a lot today.</p>")
    for data in (body.encode("cp1252"), codecs.BOM_UTF16_LE + body.encode("utf-16-le")):
        path = tmp_path / f"page{suffix}"
        path.write_bytes(data)
        doc = load_source(path).document
        assert doc.title.replace("# ", "") == "Café Müller"
        assert doc.chapters[0].paragraphs == ("Señora’s knee hurt a lot today.",)


def test_bytes_that_are_no_known_text_are_one_line_errors(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(b"Title\n\nCaf\x81\x8d\x90 text\n")  # undefined in Windows-1252, invalid UTF-8
    with pytest.raises(SourceError, match=r"bad.txt: not UTF-8 text .*save the file as UTF-8"):
        read_text(path)
    path.write_bytes(codecs.BOM_UTF16_LE + b"\x00\xd8")  # a lone surrogate
    with pytest.raises(SourceError, match="bad.txt: invalid UTF-16"):
        read_text(path)


def test_charset_labels() -> None:
    assert codec_for("ISO-8859-1") == "cp1252"  # as browsers read it
    assert codec_for('"utf-8"') == "utf-8"
    assert codec_for("windows-1252") == "cp1252"
    assert codec_for("no-such-charset") is None and codec_for(None) is None
