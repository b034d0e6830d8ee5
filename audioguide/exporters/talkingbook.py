"""What the talking-book exporters (DAISY 2.02, EPUB 3) share.

From the finished tracks and their manifest clips this module reads the book's
structure back: per track, its blocks of sentences as displayed (announcement,
heading, lead, paragraphs), the heading outline (FAQ questions one level
below the FAQ group), and the audio span of every sentence. Spans are
contiguous from 0 to the end of the MP3: the pause after a sentence belongs to
it, so playing span after span plays the whole track with its pauses.

Their XML is built as lxml trees (:func:`root`, :func:`sub`) and written by
lxml's serializer (:func:`xml_bytes`).
"""

from __future__ import annotations

import hashlib
import logging
import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree
from mutagen.mp3 import MP3, HeaderNotFoundError

from audioguide.errors import AudioguideError
from audioguide.model.guide import FinishedGuide, GuideInfo
from audioguide.model.manifest import ClipRecord
from audioguide.text import as_sentence, one_line

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sentence:
    """One clip of a track as displayed, with the audio it plays (ms, contiguous spans)."""

    index: int  # position among the track's clips
    id: str  # element id in text documents: "t03s0005"
    text: str  # as displayed (the sentence as written)
    clip: ClipRecord
    begin_ms: int
    end_ms: int


@dataclass(frozen=True)
class Block:
    """A displayed unit: announcement, heading, lead or paragraph."""

    kind: str  # "announcement", "heading", "lead", "paragraph", "item" (of a list)
    sentences: tuple[Sentence, ...]
    id: str = ""  # for headings: the element id
    level: int = 0  # for headings: 1 or 2
    text: str = ""  # for headings: the heading's text (also when nothing of it is spoken)


@dataclass(frozen=True)
class TrackText:
    """One track read back: its blocks in order, its own heading, and the FAQ group it opens."""

    number: int
    stem: str  # "03": zero-padded number, for file names and ids
    title: str
    kind: str
    audio: Path  # the track MP3
    end_ms: int  # playable length of the MP3
    blocks: tuple[Block, ...]
    heading: Block  # the track's heading (one of ``blocks``)
    group: Block | None  # FAQ group heading shown before this track (first question of an FAQ run)

    @property
    def sentences(self) -> list[Sentence]:
        return [s for block in self.blocks for s in block.sentences]


@dataclass(frozen=True)
class OutlineEntry:
    """A navigation point: a heading, the track it is in and the sentence where it starts."""

    level: int
    text: str
    track: int  # index into the book's tracks
    sentence: int  # index of the first sentence the heading covers (its "desired" start)
    id: str  # the heading's element id in the track's text document
    kind: str  # "title", "group", "track", "question"


def book_key(info: GuideInfo) -> str:
    """A hex digest that stays the same across rebuilds of the same article."""
    return hashlib.sha1(f"audioguide\n{info.title}\n{info.source_name or ''}".encode()).hexdigest()


def book_uuid(info: GuideInfo) -> str:
    """A stable name-based UUID URN for the article (EPUB unique identifier)."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'urn:audioguide:' + book_key(info))}"


def build_time() -> datetime:
    """Now (UTC, whole seconds), or $SOURCE_DATE_EPOCH for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    return datetime.now(UTC).replace(microsecond=0)


def creator(info: GuideInfo) -> str:
    """Who wrote it, as the MP3 tags say (author, else publisher, else audioguide)."""
    return info.author or info.publisher or "audioguide"


def publisher(info: GuideInfo) -> str:
    """Who published it (publisher, else author, else audioguide)."""
    return info.publisher or info.author or "audioguide"


def mp3_end_ms(path: Path, duration_s: float) -> int:
    """The playable length: the manifest duration, never past what mutagen reads in the file."""
    try:
        length = MP3(path).info.length
    except (HeaderNotFoundError, OSError) as exc:
        raise AudioguideError(f"{path.name}: cannot read the MP3 ({exc})") from None
    return int(min(duration_s, length) * 1000)


def track_stem(number: int, total: int) -> str:
    """ "03": the track number padded like the track files, for file names and ids."""
    return f"{number:0{max(2, len(str(total)))}d}"


def _same(a: str, b: str) -> bool:
    return one_line(a) == one_line(b)


def _passages(guide: FinishedGuide, track_index: int) -> list[tuple[str, list[int]]]:
    """The track's clips grouped into passages (role, clip indices), as the planner made them."""
    groups: list[tuple[str, list[int]]] = []
    last = None
    for index, clip in enumerate(guide.tracks[track_index].record.clips):
        if clip.passage != last:
            groups.append((clip.role, []))
            last = clip.passage
        groups[-1][1].append(index)
    return groups


def _title_run(indices: list[int], clips: list[ClipRecord], title: str) -> tuple[int, int] | None:
    """The run of ``indices`` (start, end positions) whose written text is the title as spoken."""
    target = as_sentence(title)
    for start in range(len(indices) - 1, -1, -1):  # prefer the last match: "Track 1 of 7. Title."
        for end in range(len(indices), start, -1):
            if _same(" ".join(clips[i].written for i in indices[start:end]), target):
                return start, end
    return None


def _heading_texts(sentences: list[Sentence], title: str) -> list[Sentence]:
    """Drop the full stop the planner added to a heading that had none."""
    if sentences and title.strip() and title.strip()[-1] not in ".?!" and sentences[-1].text.endswith("."):
        last = sentences[-1]
        sentences = sentences[:-1] + [
            Sentence(last.index, last.id, last.text[:-1], last.clip, last.begin_ms, last.end_ms)
        ]
    return sentences


def read_book(guide: FinishedGuide) -> list[TrackText]:
    """Every finished track as displayed text with audio spans, and FAQ grouping."""
    info = guide.info
    total = len(guide.tracks)
    out: list[TrackText] = []
    previous_kind = None
    previous_group: str | None = None
    for track_index, track in enumerate(guide.tracks):
        record = track.record
        stem = track_stem(record.number, total)
        end_ms = mp3_end_ms(track.path, record.duration_s)
        clips = list(record.clips)
        starts = [min(round(c.start_s * 1000), end_ms) for c in clips]
        sentences = [
            Sentence(
                index=i,
                id=f"t{stem}s{i + 1:04d}",
                text=one_line(c.written),
                clip=c,
                begin_ms=0 if i == 0 else starts[i],
                end_ms=starts[i + 1] if i + 1 < len(clips) else end_ms,
            )
            for i, c in enumerate(clips)
        ]
        is_group = record.kind == "faq" and record.title == info.faq_title
        # A track under a topic ("General Information" above "What is Python?") is level 2 below it.
        topic = record.group if record.group and record.group != record.title else None
        is_question = (record.kind == "faq" and not is_group) or topic is not None
        level = 2 if is_question else 1
        heading_id = f"t{stem}h"

        blocks: list[Block] = []
        heading: Block | None = None
        questions = 0
        for role, indices in _passages(guide, track_index):
            run = [sentences[i] for i in indices]
            if role == "announcement" and heading is None:
                found = _title_run(indices, clips, record.title)
                if found is not None:
                    start, end = found
                    if start:
                        blocks.append(Block("announcement", tuple(run[:start])))
                    heading = Block(
                        "heading",
                        tuple(_heading_texts(run[start:end], record.title)),
                        id=heading_id,
                        level=level,
                        text=record.title,
                    )
                    blocks.append(heading)
                    if end < len(run):
                        blocks.append(Block("announcement", tuple(run[end:])))
                    continue
            if role == "announcement" or (
                topic
                and role == "heading"
                and heading is None
                and " ".join(x.text for x in run).rstrip(".") == topic.rstrip(".")
            ):
                blocks.append(Block("announcement", tuple(run)))  # the topic, said before the title
            elif heading is None and (role == "heading" or (role == "question" and is_question)):
                heading = Block(
                    "heading",
                    tuple(_heading_texts(run, record.title)),
                    id=heading_id,
                    level=level,
                    text=record.title,
                )
                blocks.append(heading)
            elif role in ("heading", "question"):
                questions += 1
                text = " ".join(s.text for s in run)
                blocks.append(
                    Block("heading", tuple(run), id=f"t{stem}q{questions}", level=level + 1, text=text)
                )
            elif role in ("lead", "item"):
                blocks.append(Block(role, tuple(run)))
            else:
                blocks.append(Block("paragraph", tuple(run)))
        if heading is None:  # nothing of the heading is spoken: show it anyway, first
            heading = Block("heading", (), id=heading_id, level=level, text=record.title)
            blocks.insert(0, heading)
        group = None
        if topic is not None:
            if topic != previous_group:  # the topic's first track opens its level-1 point
                group = Block("heading", (), id=f"t{stem}g", level=1, text=topic)
        elif is_question and previous_kind != "faq":
            group = Block("heading", (), id=f"t{stem}g", level=1, text=info.faq_title)
        previous_kind = record.kind
        previous_group = record.group
        out.append(
            TrackText(
                record.number,
                stem,
                record.title,
                record.kind,
                track.path,
                end_ms,
                tuple(blocks),
                heading,
                group,
            )
        )
    return out


def outline(book: list[TrackText], *, with_title: str | None = None) -> list[OutlineEntry]:
    """Headings in reading order; with ``with_title``, a first level-1 entry for the book title."""
    entries: list[OutlineEntry] = []
    if with_title is not None and book:
        entries.append(OutlineEntry(1, with_title, 0, 0, "", "title"))
    for index, track in enumerate(book):
        if track.group is not None:
            entries.append(OutlineEntry(1, track.group.text, index, 0, track.group.id, "group"))
        first_body = next(
            (
                s.index
                for b in track.blocks
                if b.kind in ("paragraph", "heading") and b is not track.heading
                for s in b.sentences
            ),
            0,
        )
        start = track.heading.sentences[0].index if track.heading.sentences else first_body
        entries.append(
            OutlineEntry(track.heading.level, track.title, index, start, track.heading.id, "track")
        )
        for block in track.blocks:
            if block.kind == "heading" and block is not track.heading and block.sentences:
                entries.append(
                    OutlineEntry(
                        block.level, block.text, index, block.sentences[0].index, block.id, "question"
                    )
                )
    return entries


# --------------------------------------------------------------------------- XML (lxml)

XML_NS = "http://www.w3.org/XML/1998/namespace"
# Inside these, white space is content: children are one space apart ("<span>One.</span>
# <span>Two.</span>") and nothing is indented.
INLINE_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "a", "span"})


def _qualified(name: str, namespaces: dict[str | None, str], *, tag: bool) -> str:
    """ "epub:type" -> "{http://www.idpf.org/2007/ops}type" through ``namespaces``.

    An unprefixed tag is in the default namespace; an unprefixed attribute in none.
    """
    prefix, colon, local = name.rpartition(":")
    if colon:
        uri = XML_NS if prefix == "xml" else namespaces[prefix]
        return f"{{{uri}}}{local}"
    default = namespaces.get(None) if tag else None
    return f"{{{default}}}{name}" if default else name


def _set(element: etree._Element, text: str | None, attrs: dict[str, str]) -> etree._Element:
    namespaces = element.nsmap
    for name, value in attrs.items():
        element.set(_qualified(name, namespaces, tag=False), value)
    if text is not None:
        element.text = text
    return element


def root(tag: str, namespaces: dict[str | None, str] | None = None, **attrs: str) -> etree._Element:
    """A document element declaring ``namespaces`` (None: the default one); attributes in order."""
    namespaces = namespaces or {}
    return _set(etree.Element(_qualified(tag, namespaces, tag=True), nsmap=namespaces), None, attrs)


def sub(
    parent: etree._Element,
    tag: str,
    text: str | None = None,
    namespaces: dict[str, str] | None = None,
    **attrs: str,
) -> etree._Element:
    """A child element; prefixed names ("dc:title", "epub:type", "xml:lang") resolve in scope."""
    scope = {**parent.nsmap, **(namespaces or {})}
    element = etree.SubElement(parent, _qualified(tag, scope, tag=True), nsmap=namespaces)
    return _set(element, text, attrs)


# lxml's own declaration is single-quoted (<?xml version='1.0' ...?>); the double-quoted one is
# what these files have always started with, and what the tests pin.
XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>\n'


def xml_bytes(document: etree._Element, doctype: str | None = None) -> bytes:
    """UTF-8 with the XML declaration (and ``doctype``), block elements indented by lxml."""
    for element in document.iter():
        if len(element) and etree.QName(element).localname in INLINE_TAGS:
            for child in element[:-1]:
                if child.tail is None:
                    child.tail = " "
            if element.text is None:
                element.text = ""  # a text node: lxml does not indent inside mixed content
    return XML_DECLARATION + etree.tostring(
        document,
        encoding="utf-8",
        xml_declaration=False,
        pretty_print=True,
        doctype=doctype,
    )
