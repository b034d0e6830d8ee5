"""daisy/: a DAISY 2.02 talking book (audio with NCC) for DAISY players.

Files: ``ncc.html`` (the navigation centre: book metadata and one heading per
navigation point), one SMIL 1.0 file per track, and the track MP3s without
their ID3v2 tags (DAISY tools strip them; the audio frames are byte for byte
those of the tracks).

Headings: the book title (``h1 class="title"``), then one ``h1`` per track;
FAQ questions are ``h2`` under one ``h1`` for the FAQ group, which points at
the start of the first FAQ track. Every heading links to a ``par`` of a SMIL
file whose audio runs until the next heading, as a ``seq`` of one audio
element per sentence (with the pause after it), so players can also skip by
phrase. Times: the seq ``dur`` is exact; ``ncc:timeInThisSmil``,
``ncc:totalElapsedTime`` and ``ncc:totalTime`` are hh:mm:ss rounded the way
the DAISY validator rounds them.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import mutagen.id3

from audioguide import __version__
from audioguide.errors import AudioguideError
from audioguide.exporters.talkingbook import (
    OutlineEntry,
    TrackText,
    book_key,
    build_time,
    creator,
    outline,
    publisher,
    read_book,
    root,
    sub,
    xml_bytes,
)
from audioguide.files import atomic_path, normal_mode
from audioguide.model.guide import FinishedGuide
from audioguide.text import daisy_hms, smil_seconds

logger = logging.getLogger(__name__)

FOLDER = "daisy"
NCC_NAME = "ncc.html"
XHTML_NS = "http://www.w3.org/1999/xhtml"
NCC_DOCTYPE = (
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
    '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">'
)
SMIL_DOCTYPE = '<!DOCTYPE smil PUBLIC "-//W3C//DTD SMIL 1.0//EN" "http://www.w3.org/TR/REC-smil/SMIL10.dtd">'


def daisy_identifier(guide: FinishedGuide) -> str:
    """dc:identifier: the same for every rebuild of the same article."""
    return f"audioguide-{book_key(guide.info)[:16]}"


def copy_without_tags(source: Path, target: Path) -> None:
    """``target``: the MPEG audio frames of ``source``, its ID3v2 and ID3v1 tags removed by mutagen.

    Written to a temporary name beside ``target`` and renamed into place.
    """
    with atomic_path(target, mode=normal_mode()) as part:
        shutil.copyfile(source, part)
        mutagen.id3.delete(part)
        with open(part, "rb") as handle:
            start = handle.read(4)
        if len(start) < 4 or start[0] != 0xFF or (start[1] & 0xE0) != 0xE0:
            raise AudioguideError(
                f"{source.name}: the MP3 does not start with an MPEG frame after its ID3 tag"
            )


def _units(track: TrackText, needed: int) -> list[tuple[int, int]]:
    """Contiguous audio spans (ms) of the track, one per sentence, at least ``needed`` of them."""
    units = [(s.begin_ms, s.end_ms) for s in track.sentences if s.end_ms > s.begin_ms]
    if not units:
        if track.end_ms <= 0:
            raise AudioguideError(f"track {track.number} has no audio")
        units = [(0, track.end_ms)]
    while len(units) < needed:  # more headings than sentences: split the longest span
        longest = max(range(len(units)), key=lambda i: units[i][1] - units[i][0])
        begin, end = units[longest]
        if end - begin < 2:
            raise AudioguideError(f"track {track.number} is too short for its {needed} headings")
        middle = (begin + end) // 2
        units[longest : longest + 1] = [(begin, middle), (middle, end)]
    return units


def _split(track: TrackText, entries: list[OutlineEntry]) -> list[list[tuple[int, int]]]:
    """The audio spans of each heading's par: the first from the track start, each up to the next."""
    units = _units(track, len(entries))

    def unit_at(ms: int) -> int:
        return next((i for i, (b, e) in enumerate(units) if b <= ms < e), len(units) - 1)

    sentences = track.sentences
    wanted = [unit_at(sentences[e.sentence].begin_ms) if e.sentence < len(sentences) else 0 for e in entries]
    starts = [0]
    for want in wanted[1:]:
        starts.append(max(want, starts[-1] + 1))
    starts[-1] = min(starts[-1], len(units) - 1)
    for k in range(len(starts) - 2, -1, -1):
        starts[k] = min(starts[k], starts[k + 1] - 1)
    bounds = starts + [len(units)]
    return [units[bounds[k] : bounds[k + 1]] for k in range(len(entries))]


def _smil(
    guide: FinishedGuide,
    track: TrackText,
    pars: list[tuple[str, list[tuple[int, int]]]],
    audio: str,
    elapsed_ms: int,
) -> bytes:
    """One SMIL 1.0 file: a par per heading (text -> NCC heading), a seq of sentence audio in each."""
    duration_ms = track.end_ms
    smil = root("smil")
    head = sub(smil, "head")
    sub(head, "meta", name="dc:format", content="Daisy 2.02")
    sub(head, "meta", name="dc:title", content=track.title)
    sub(head, "meta", name="dc:identifier", content=daisy_identifier(guide))
    sub(head, "meta", name="ncc:generator", content=f"audioguide {__version__}")
    sub(head, "meta", name="ncc:timeInThisSmil", content=daisy_hms(duration_ms))
    sub(head, "meta", name="ncc:totalElapsedTime", content=daisy_hms(elapsed_ms))
    layout = sub(head, "layout")
    sub(layout, "region", id="txtView")
    body = sub(smil, "body")
    seq = sub(body, "seq", dur=smil_seconds(duration_ms))
    audio_number = 0
    for number, (ncc_id, spans) in enumerate(pars, 1):
        par = sub(seq, "par", endsync="last", id=f"par{number:04d}")
        sub(par, "text", src=f"{NCC_NAME}#{ncc_id}", id=f"txt{number:04d}")
        holder = sub(par, "seq") if len(spans) > 1 else par
        for begin, end in spans:
            audio_number += 1
            sub(
                holder,
                "audio",
                src=audio,
                id=f"aud{audio_number:04d}",
                **{"clip-begin": f"npt={smil_seconds(begin)}", "clip-end": f"npt={smil_seconds(end)}"},
            )
    return xml_bytes(smil, SMIL_DOCTYPE)


def export(guide: FinishedGuide) -> list[Path]:
    """Write daisy/ (ncc.html, NN.smil, NN.mp3); return the files written."""
    folder = guide.folder / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    document = guide.info
    book = read_book(guide)
    if not book:
        raise AudioguideError("the guide has no tracks to make a DAISY book from")
    entries = outline(book, with_title=document.title)
    ids = {id(entry): f"h{k:04d}" for k, entry in enumerate(entries, 1)}
    written: list[Path] = []

    links: dict[int, str] = {}  # id(entry) -> SMIL href
    elapsed_ms = 0
    for index, track in enumerate(book):
        mine = [e for e in entries if e.track == index]
        if not mine:  # cannot happen: every track has a heading
            raise AudioguideError(f"track {track.number} has no heading")
        smil_name, mp3_name = f"{track.stem}.smil", f"{track.stem}.mp3"
        copy_without_tags(track.audio, folder / mp3_name)
        written.append(folder / mp3_name)
        spans = _split(track, mine)
        pars = [(ids[id(entry)], spans[k]) for k, entry in enumerate(mine)]
        for k, entry in enumerate(mine, 1):
            links[id(entry)] = f"{smil_name}#txt{k:04d}"
        (folder / smil_name).write_bytes(_smil(guide, track, pars, mp3_name, elapsed_ms))
        written.append(folder / smil_name)
        elapsed_ms += track.end_ms

    html = root("html", {None: XHTML_NS}, lang=document.language, **{"xml:lang": document.language})
    head = sub(html, "head")
    sub(head, "meta", **{"http-equiv": "Content-type", "content": "text/html; charset=utf-8"})
    sub(head, "title", document.title)
    metas = [
        ("dc:title", document.title),
        ("dc:creator", creator(document)),
        ("dc:publisher", publisher(document)),
        ("dc:date", build_time().strftime("%Y-%m-%d")),
        ("dc:identifier", daisy_identifier(guide)),
        ("dc:language", document.language),
        ("dc:format", "Daisy 2.02"),
        ("ncc:charset", "utf-8"),
        ("ncc:generator", f"audioguide {__version__}"),
        ("ncc:multimediaType", "audioNcc"),
        ("ncc:pageFront", "0"),
        ("ncc:pageNormal", "0"),
        ("ncc:pageSpecial", "0"),
        ("ncc:tocItems", str(len(entries))),
        ("ncc:depth", str(max(e.level for e in entries))),
        ("ncc:files", str(1 + len(written))),
        ("ncc:totalTime", daisy_hms(elapsed_ms)),
    ]
    for name, content in metas:
        sub(head, "meta", name=name, content=content)
    body = sub(html, "body")
    for entry in entries:
        attrs = {"class": "title"} if entry.kind == "title" else {}
        heading = sub(body, f"h{entry.level}", id=ids[id(entry)], **attrs)
        sub(heading, "a", entry.text, href=links[id(entry)])
    (folder / NCC_NAME).write_bytes(xml_bytes(html, NCC_DOCTYPE))
    written.insert(0, folder / NCC_NAME)
    logger.info(
        "DAISY 2.02 book: %d headings, %d SMIL files, %s", len(entries), len(book), daisy_hms(elapsed_ms)
    )
    return written
