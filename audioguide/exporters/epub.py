"""guide.epub: EPUB 3 with Media Overlays, the article's text read aloud in sync.

One XHTML content document per track holds the text as written, every
sentence its own ``span`` (the announcement small, above the heading);
its SMIL 3.0 overlay pairs each sentence with its span of the track MP3
(the pause after a sentence belongs to it, so playback keeps the guide's
pauses and the highlight moves when the next sentence starts). The MP3s are
the tracks themselves. The package is checked with ``epubcheck`` in the tests.

Layout inside the zip::

    mimetype                      (first, stored)
    META-INF/container.xml
    EPUB/package.opf, EPUB/nav.xhtml, EPUB/css/guide.css
    EPUB/text/NN.xhtml, EPUB/smil/NN.smil, EPUB/audio/NN.mp3
"""

from __future__ import annotations

import logging
import zipfile
from pathlib import Path

from lxml import etree

from audioguide import __version__
from audioguide.errors import AudioguideError
from audioguide.exporters.talkingbook import (
    Block,
    OutlineEntry,
    TrackText,
    book_uuid,
    build_time,
    creator,
    outline,
    read_book,
    root,
    sub,
    xml_bytes,
)
from audioguide.model.guide import FinishedGuide
from audioguide.text import smil_clock

logger = logging.getLogger(__name__)

EPUB_NAME = "guide.epub"
ROOT = "EPUB"
XHTML_NS = "http://www.w3.org/1999/xhtml"
OPS_NS = "http://www.idpf.org/2007/ops"
OPF_NS = "http://www.idpf.org/2007/opf"
DC_NS = "http://purl.org/dc/elements/1.1/"
SMIL_NS = "http://www.w3.org/ns/SMIL"
ACTIVE_CLASS = "-epub-media-overlay-active"

# A fixed file (no value of the guide goes into it), kept as the bytes it has always been.
CONTAINER = """<?xml version="1.0" encoding="utf-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"""

CSS = f"""body {{ margin: 1em; line-height: 1.5; }}
h1, h2 {{ line-height: 1.25; }}
p.announcement {{ font-size: 0.85em; margin: 0 0 0.25em 0; }}
p.lead {{ font-weight: bold; }}
.{ACTIVE_CLASS} {{ background-color: #ffe94d; color: #000; }}
"""


def _html(language: str, title: str) -> tuple[etree._Element, etree._Element]:
    """An XHTML5 root and its head (charset, title)."""
    html = root("html", {None: XHTML_NS, "epub": OPS_NS}, lang=language, **{"xml:lang": language})
    head = sub(html, "head")
    sub(head, "meta", charset="utf-8")
    sub(head, "title", title)
    return html, head


def _content_document(track: TrackText, language: str) -> bytes:
    """The track's text: FAQ group heading if it opens one, then its section of blocks."""
    html, head = _html(language, track.title)
    sub(head, "link", rel="stylesheet", type="text/css", href="../css/guide.css")
    body = sub(html, "body")
    if track.group is not None:
        sub(body, "h1", track.group.text, id=track.group.id)
    attrs = {"id": f"t{track.stem}", "aria-labelledby": track.heading.id}
    if track.kind != "faq":
        attrs["epub:type"] = "chapter"
    section = sub(body, "section", **attrs)
    items: etree._Element | None = None
    for block in track.blocks:
        if block.kind == "item":  # a run of list items is one list
            if items is None:
                items = sub(section, "ul")
            _block(items, block)
        else:
            items = None
            _block(section, block)
    return xml_bytes(html, "<!DOCTYPE html>")


def _block(parent: etree._Element, block: Block) -> etree._Element:
    """A heading, list item or paragraph with one span per sentence, appended to ``parent``."""
    if block.kind == "heading":
        element = sub(parent, f"h{block.level}", None if block.sentences else block.text, id=block.id)
    elif block.kind == "item":
        element = sub(parent, "li")
    else:
        element = sub(parent, "p", **({"class": block.kind} if block.kind != "paragraph" else {}))
    for sentence in block.sentences:
        sub(element, "span", sentence.text, id=sentence.id)
    return element


def _overlay(track: TrackText) -> tuple[bytes, int]:
    """The track's SMIL 3.0 overlay and its duration (ms)."""
    smil = root("smil", {None: SMIL_NS, "epub": OPS_NS}, version="3.0")
    body = sub(smil, "body")
    seq = sub(
        body, "seq", id=f"t{track.stem}seq", **{"epub:textref": f"../text/{track.stem}.xhtml#t{track.stem}"}
    )
    duration = 0
    for sentence in track.sentences:
        if sentence.end_ms <= sentence.begin_ms:
            continue  # a silent sentence: its text stays, unsynchronized
        par = sub(seq, "par", id=f"{sentence.id}p")
        sub(par, "text", src=f"../text/{track.stem}.xhtml#{sentence.id}")
        sub(
            par,
            "audio",
            src=f"../audio/{track.stem}.mp3",
            clipBegin=smil_clock(sentence.begin_ms),
            clipEnd=smil_clock(sentence.end_ms),
        )
        duration += sentence.end_ms - sentence.begin_ms
    if not len(seq):
        raise AudioguideError(f"track {track.number} has no sentence with audio")
    return xml_bytes(smil), duration


def _nav(book: list[TrackText], entries: list[OutlineEntry], language: str) -> bytes:
    """nav.xhtml: the table of contents (questions nested under the FAQ group) and landmarks."""
    html, head = _html(language, "Contents")
    sub(head, "link", rel="stylesheet", type="text/css", href="css/guide.css")
    body = sub(html, "body")
    nav = sub(body, "nav", id="toc", role="doc-toc", **{"epub:type": "toc"})
    sub(nav, "h1", "Contents")
    stack: list[tuple[int, etree._Element]] = [(1, sub(nav, "ol"))]  # (level, its list)
    last_item: etree._Element | None = None
    for entry in entries:
        while len(stack) > 1 and entry.level < stack[-1][0]:
            stack.pop()
        if entry.level > stack[-1][0] and last_item is not None:
            stack.append((entry.level, sub(last_item, "ol")))
        track = book[entry.track]
        href = f"text/{track.stem}.xhtml" + (f"#{entry.id}" if entry.kind == "question" else "")
        last_item = sub(stack[-1][1], "li")
        sub(last_item, "a", entry.text, href=href)
    landmarks = sub(body, "nav", hidden="hidden", **{"epub:type": "landmarks"})
    sub(landmarks, "h1", "Landmarks")
    marks = sub(landmarks, "ol")
    sub(
        sub(marks, "li"),
        "a",
        "Start of the guide",
        href=f"text/{book[0].stem}.xhtml",
        **{"epub:type": "bodymatter"},
    )
    return xml_bytes(html, "<!DOCTYPE html>")


def _package(guide: FinishedGuide, book: list[TrackText], durations: list[int], modified: str) -> bytes:
    """package.opf: metadata (with accessibility and media overlay durations), manifest, spine."""
    document = guide.info
    package = root(
        "package",
        {None: OPF_NS},
        version="3.0",
        **{"unique-identifier": "bookid", "xml:lang": document.language},
    )
    metadata = sub(package, "metadata", namespaces={"dc": DC_NS})
    sub(metadata, "dc:identifier", book_uuid(document), id="bookid")
    sub(metadata, "dc:title", document.title)
    sub(metadata, "dc:language", document.language)
    sub(metadata, "dc:creator", creator(document), id="creator")
    if document.publisher:
        sub(metadata, "dc:publisher", document.publisher)
    sub(metadata, "meta", modified, property="dcterms:modified")
    sub(metadata, "meta", name="generator", content=f"audioguide {__version__}")
    for value in ("textual", "auditory"):
        sub(metadata, "meta", value, property="schema:accessMode")
        sub(metadata, "meta", value, property="schema:accessModeSufficient")
    for value in ("synchronizedAudioText", "structuralNavigation", "tableOfContents", "readingOrder"):
        sub(metadata, "meta", value, property="schema:accessibilityFeature")
    sub(metadata, "meta", "none", property="schema:accessibilityHazard")
    sub(
        metadata,
        "meta",
        "The full text of the guide, read aloud by a synthetic voice with every sentence "
        "highlighted as it is read; chapters and questions are navigable headings.",
        property="schema:accessibilitySummary",
    )
    sub(metadata, "meta", ACTIVE_CLASS, property="media:active-class")
    sub(metadata, "meta", smil_clock(sum(durations)), property="media:duration")
    for track, duration in zip(book, durations):
        sub(metadata, "meta", smil_clock(duration), property="media:duration", refines=f"#mo{track.stem}")

    manifest = sub(package, "manifest")
    sub(
        manifest,
        "item",
        id="nav",
        href="nav.xhtml",
        properties="nav",
        **{"media-type": "application/xhtml+xml"},
    )
    sub(manifest, "item", id="css", href="css/guide.css", **{"media-type": "text/css"})
    for track in book:
        sub(
            manifest,
            "item",
            id=f"x{track.stem}",
            href=f"text/{track.stem}.xhtml",
            **{"media-type": "application/xhtml+xml", "media-overlay": f"mo{track.stem}"},
        )
        sub(
            manifest,
            "item",
            id=f"mo{track.stem}",
            href=f"smil/{track.stem}.smil",
            **{"media-type": "application/smil+xml"},
        )
        sub(
            manifest,
            "item",
            id=f"a{track.stem}",
            href=f"audio/{track.stem}.mp3",
            **{"media-type": "audio/mpeg"},
        )
    spine = sub(package, "spine")
    for track in book:
        sub(spine, "itemref", idref=f"x{track.stem}")
    return xml_bytes(package)


def export(guide: FinishedGuide) -> list[Path]:
    """Write guide.epub; return [its path]."""
    book = read_book(guide)
    if not book:
        raise AudioguideError("the guide has no tracks to make an EPUB from")
    language = guide.info.language
    entries = outline(book)
    now = build_time()
    stamp = (max(now.year, 1980), now.month, now.day, now.hour, now.minute, now.second)

    files: list[tuple[str, bytes | Path, int]] = [
        ("META-INF/container.xml", CONTAINER.encode("utf-8"), zipfile.ZIP_DEFLATED),
        (f"{ROOT}/css/guide.css", CSS.encode("utf-8"), zipfile.ZIP_DEFLATED),
        (f"{ROOT}/nav.xhtml", _nav(book, entries, language), zipfile.ZIP_DEFLATED),
    ]
    durations = []
    for track in book:
        overlay, duration = _overlay(track)
        durations.append(duration)
        files.append(
            (f"{ROOT}/text/{track.stem}.xhtml", _content_document(track, language), zipfile.ZIP_DEFLATED)
        )
        files.append((f"{ROOT}/smil/{track.stem}.smil", overlay, zipfile.ZIP_DEFLATED))
        files.append((f"{ROOT}/audio/{track.stem}.mp3", track.audio, zipfile.ZIP_STORED))
    files.insert(
        1,
        (
            f"{ROOT}/package.opf",
            _package(guide, book, durations, now.strftime("%Y-%m-%dT%H:%M:%SZ")),
            zipfile.ZIP_DEFLATED,
        ),
    )

    path = guide.folder / EPUB_NAME
    with zipfile.ZipFile(path, "w") as archive:
        mimetype = zipfile.ZipInfo("mimetype", stamp)
        mimetype.compress_type = zipfile.ZIP_STORED
        archive.writestr(mimetype, b"application/epub+zip")
        for name, data, method in files:
            info = zipfile.ZipInfo(name, stamp)
            info.compress_type = method
            info.external_attr = 0o644 << 16
            archive.writestr(info, data.read_bytes() if isinstance(data, Path) else data)
    logger.info("EPUB 3 with media overlays: %d documents, %s", len(book), smil_clock(sum(durations)))
    return [path]
