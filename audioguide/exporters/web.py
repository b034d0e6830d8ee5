"""index.html: an accessible, offline web player for the guide.

One self-contained page in the guide folder, next to the MP3 tracks: the
chapter list (one button per track), an ``<audio controls>`` element playing
the current track, and its transcript with the spoken sentence highlighted
(from the clip times in the manifest). Everything is inline: no network, no
external scripts, fonts or styles; a Content-Security-Policy with hashes of the
inline script and style enforces that. It works from ``file://`` and from any
static web server.

The page is the Jinja2 template ``templates/web/index.html.j2`` (autoescaped:
every title and sentence is escaped as it goes in); its style and script are
``player.css`` and ``player.js`` beside it, package data, inlined as they are.

Keyboard: N, ] or Alt+Right next chapter; P, [ or Alt+Left previous chapter;
K (or Space outside buttons and the player) play/pause; J/L back/forward
10 seconds. Chapter changes, play and pause are announced in a live region.
Without JavaScript the page still shows every chapter's transcript and links
to the MP3 files.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from audioguide.exporters import templates
from audioguide.text import one_line

if TYPE_CHECKING:
    from audioguide.model.guide import FinishedGuide
    from audioguide.model.manifest import ClipRecord

logger = logging.getLogger(__name__)

PAGE_NAME = "index.html"
DATA_ID = "guide-data"
SKIP_SECONDS = 10

# The page's own style and script, inline (each on lines of its own inside its tag): the CSP
# hashes are of exactly these strings.
STYLE = "\n" + templates.resource_text("web/player.css")
SCRIPT = "\n" + templates.resource_text("web/player.js")
SPEEDS = ("0.75", "1", "1.25", "1.5", "1.75", "2")


def json_for_script(data: Any) -> str:
    """JSON safe inside ``<script type="application/json">``: no ``<``, ``>``, ``&`` left.

    Those three only occur inside JSON strings, where ``\\u003c`` etc. mean the
    same; so ``</script>`` and ``<!--`` can never end or confuse the block.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def csp_hash(source: str) -> str:
    """The CSP source expression allowing exactly this inline script or style."""
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def chapter_label(track: dict[str, Any], total: int) -> str:
    """ "Chapter 3 of 11: Title", as the page shows and announces it."""
    return f"Chapter {track['number']} of {total}: {track['title']}"


def paragraph_numbers(clips: list[ClipRecord], transcript: str | None) -> list[int]:
    """Paragraph index of each clip.

    The transcript has one blank-line separated paragraph per passage, made of
    the clips' speech text joined by spaces; clips are matched against it in
    order. If it is missing or does not match, a new paragraph starts wherever
    the clip role changes.
    """
    if transcript is not None:
        paragraphs = [one_line(p) for p in transcript.split("\n\n") if p.strip()]
        numbers: list[int] = []
        index, rest = 0, paragraphs[0] if paragraphs else ""
        for clip in clips:
            text = one_line(clip.text)
            while not rest and index + 1 < len(paragraphs):
                index += 1
                rest = paragraphs[index]
            if not text or not rest.startswith(text):
                break
            numbers.append(index)
            rest = rest[len(text) :].lstrip()
        if len(numbers) == len(clips):
            return numbers
        logger.debug("transcript does not match the clips; grouping sentences by role")
    numbers, index = [], 0
    for position, clip in enumerate(clips):
        if position and clip.role != clips[position - 1].role:
            index += 1
        numbers.append(index)
    return numbers


def guide_data(guide: FinishedGuide) -> dict[str, Any]:
    """What the page's script needs (and what the tests compare with manifest.json)."""
    tracks = []
    for finished in guide.tracks:
        record = finished.record
        transcript_path = guide.folder / record.transcript
        transcript = transcript_path.read_text(encoding="utf-8") if transcript_path.is_file() else None
        paragraphs = paragraph_numbers(record.clips, transcript)
        tracks.append(
            {
                "number": record.number,
                "kind": record.kind,
                "title": record.title,
                "file": record.file,
                "src": quote(record.file),
                "duration_s": record.duration_s,
                "transcript": record.transcript,
                "sentences": [
                    {
                        "text": clip.written or clip.text,
                        "spoken": clip.text,
                        "role": clip.role,
                        "paragraph": paragraph,
                        "start_s": clip.start_s,
                        "end_s": clip.end_s,
                    }
                    for clip, paragraph in zip(record.clips, paragraphs)
                ],
            }
        )
    info = guide.info
    return {
        "title": info.title,
        "language": info.language,
        "author": info.author,
        "publisher": info.publisher,
        "skip_seconds": SKIP_SECONDS,
        "tracks": tracks,
    }


def _paragraphs(track: dict[str, Any]) -> list[list[tuple[int, dict[str, Any]]]]:
    """The track's sentences (with their index) grouped by paragraph, in order."""
    paragraphs: list[list[tuple[int, dict[str, Any]]]] = []
    last = None
    for k, sentence in enumerate(track["sentences"]):
        if sentence["paragraph"] != last:
            paragraphs.append([])
            last = sentence["paragraph"]
        paragraphs[-1].append((k, sentence))
    return paragraphs


def listen_elsewhere(guide: FinishedGuide) -> dict[str, Any]:
    """What the "Other ways to listen" section lists: the feed and files made, each track's
    transcript and captions, and a QR code of the page (when the guide has a base URL)."""
    from audioguide.exporters.published import (
        FEED_NAME,
        M4B_NAME,
        PLAYLIST_NAME,
        SINGLE_NAME,
        caption_file,
        guide_url,
        qr_svg,
        relative_url,
    )

    made = set(guide.formats) | {"tracks"}
    files = [
        ("podcast", FEED_NAME, "Podcast feed: subscribe in a podcast app"),
        ("single", SINGLE_NAME, "The whole guide as one MP3 file, with chapters"),
        ("m4b", M4B_NAME, "Audiobook (M4B), with chapters"),
        ("tracks", PLAYLIST_NAME, "Playlist of the chapters (M3U)"),
    ]
    texts = []
    for track in guide.tracks:
        record = track.record
        links = [(relative_url(record.transcript), "text")]
        if "captions" in made:
            links.append((relative_url(caption_file(record.file)), "captions (WebVTT)"))
        texts.append({"number": record.number, "title": record.title, "links": links})
    qr = None
    if guide.settings.base_url:
        url = guide_url(guide.settings.base_url, tuple(made))
        qr = {"url": url, "svg": qr_svg(url, f"QR code: {guide.title}", standalone=False)}
    return {
        "files": [(relative_url(file), text) for name, file, text in files if name in made],
        "transcripts": texts,
        "qr": qr,
    }


def render_page(data: dict[str, Any], elsewhere: dict[str, Any] | None = None) -> str:
    """The whole page for :func:`guide_data`'s ``data`` (``templates/web/index.html.j2``), with
    :func:`listen_elsewhere`'s section when given."""
    tracks = data["tracks"]
    total = len(tracks)
    csp = (
        "default-src 'none'; "
        f"script-src {csp_hash(SCRIPT)}; style-src {csp_hash(STYLE)}; "
        "media-src 'self'; img-src 'none'; font-src 'none'; connect-src 'none'; "
        "base-uri 'none'; form-action 'none'"
    )
    return templates.render(
        "web/index.html.j2",
        data=data,
        tracks=tracks,
        total=total,
        first=tracks[0],
        seconds=sum(t["duration_s"] for t in tracks),
        byline=[x for x in (data.get("author"), data.get("publisher")) if x],
        chapter_label=lambda track: chapter_label(track, total),
        paragraphs=[_paragraphs(t) for t in tracks],
        speeds=SPEEDS,
        skip_seconds=SKIP_SECONDS,
        csp=csp,
        data_id=DATA_ID,
        # put in unescaped (| safe): our own files, and JSON that cannot end or confuse its block
        style=STYLE,
        script=SCRIPT,
        data_json=json_for_script(data),
        elsewhere=elsewhere,
    )


def export(guide: FinishedGuide) -> list[Path]:
    """Write ``index.html`` into the guide folder."""
    if not guide.tracks:
        logger.warning("no tracks: no web player written")
        return []
    path = guide.folder / PAGE_NAME
    path.write_text(render_page(guide_data(guide), listen_elsewhere(guide)), encoding="utf-8")
    logger.info("web player: %s", path)
    return [path]
