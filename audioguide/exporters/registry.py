"""Every listener's format, by name, made from the same mastered audio as the MP3 tracks.

``tracks`` (the MP3 files, playlist, transcripts, manifest) are always built.
Other formats are exporters registered here by name: a module with
``export(guide: FinishedGuide) -> list[Path]`` (or an
:class:`~audioguide.model.guide.ExportResult`, to keep a state for the next
export) that writes into the guide folder and sees only the finished guide
(:mod:`audioguide.model.guide`). An exporter module is imported only when its
format is asked for.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from audioguide.errors import AudioguideError
from audioguide.model.guide import ExportResult, FinishedGuide

FORMATS_VERSION = 4  # bump when any exporter's output changes for the same input

# name -> (module, description); "tracks" is the MP3 set itself.
FORMATS: dict[str, tuple[str | None, str]] = {
    "tracks": (None, "one MP3 per chapter, playlist.m3u8, transcripts/, manifest.json"),
    "single": (
        "audioguide.exporters.single",
        "guide.mp3: one file with ID3 chapters (CHAP/CTOC), guide.vtt and guide.srt",
    ),
    "m4b": ("audioguide.exporters.m4b", "guide.m4b: AAC audiobook with chapters"),
    "captions": (
        "audioguide.exporters.captions",
        "captions/NN - Title.vtt and .srt: WebVTT and SubRip, one cue per sentence",
    ),
    "daisy": ("audioguide.exporters.daisy", "daisy/: DAISY 2.02 talking book (ncc.html, SMIL, MP3)"),
    "epub": ("audioguide.exporters.epub", "guide.epub: EPUB 3 with Media Overlays (synchronized text)"),
    "web": ("audioguide.exporters.web", "index.html: accessible offline web player"),
    "phone": (
        "audioguide.exporters.phone",
        "phone/: 8 kHz G.711 and 16 kHz files, hold programme, musiconhold.conf",
    ),
    "podcast": (
        "audioguide.exporters.podcast",
        "feed.xml: podcast feed (RSS 2.0, iTunes, Podcasting 2.0); needs --base-url",
    ),
    "qr": ("audioguide.exporters.qr", "qr.svg, qr.png: QR code of the guide's URL; needs --base-url"),
}
# Formats whose files state the guide's published URL: refused without one, left out of "all" then.
URL_FORMATS = frozenset({"podcast", "qr"})
# Formats whose files link other formats' files: their inputs include which formats are made.
LINKING_FORMATS = frozenset({"podcast", "qr", "web"})
# Formats that read another format's finished files (the feed states guide.mp3's size and chapters).
EXPORT_AFTER: dict[str, tuple[str, ...]] = {"podcast": ("single",)}
# A format's own revision, an input of its hash: bump one when only that exporter's output changes.
FORMAT_REVISION: dict[str, int] = {"phone": 2, "web": 1, "captions": 1, "single": 1}
DEFAULT_FORMATS = ("tracks",)
# What each format writes at the top of the guide folder (files, or folders it fills).
OUTPUTS: dict[str, tuple[str, ...]] = {
    "single": ("guide.mp3", "guide.vtt", "guide.srt"),
    "m4b": ("guide.m4b",),
    "captions": ("captions",),
    "daisy": ("daisy",),
    "epub": ("guide.epub",),
    "web": ("index.html",),
    "phone": ("phone",),
}
# Relative cost of an export (seconds on the example: single 8, m4b 4.4, phone 1.7, the rest
# under 0.1): exports run heaviest first, so parallel workers finish together.
EXPORT_WEIGHT = {"single": 3, "m4b": 2, "phone": 1}


def parse_formats(text: str, *, published: bool = False) -> tuple[str, ...]:
    """ "all" or a comma list -> format names in canonical order (tracks always first).

    "all" takes the formats that need the guide's URL (:data:`URL_FORMATS`)
    only when it is ``published`` (a base URL is given).
    """
    names = {part.strip().lower() for part in text.split(",") if part.strip()}
    if "all" in names:
        names = (names - {"all"}) | {name for name in FORMATS if published or name not in URL_FORMATS}
    unknown = sorted(names - set(FORMATS))
    if unknown:
        raise AudioguideError(f"unknown format '{unknown[0]}' (known: all, {', '.join(FORMATS)})")
    return tuple(name for name in FORMATS if name in names or name == "tracks")


Exporter = Callable[[FinishedGuide], "list[Path] | ExportResult"]


def exporter(name: str) -> Exporter:
    module = FORMATS[name][0]
    if module is None:
        raise ValueError(f"{name} has no exporter")
    return importlib.import_module(module).export
