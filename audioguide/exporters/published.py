"""The names by which one format's files are linked from another's, and their URLs.

The web player links the feed, the M4B and the captions; the feed states
the single file and the captions; the clinic library links every guide's
player and feed. Each name is defined here once, and the formats that write
the files use the same constants.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import quote

SINGLE_NAME = "guide.mp3"
SINGLE_VTT_NAME = "guide.vtt"
SINGLE_SRT_NAME = "guide.srt"
M4B_NAME = "guide.m4b"
PLAYER_NAME = "index.html"
FEED_NAME = "feed.xml"
CHAPTERS_NAME = "guide.chapters.json"
QR_SVG_NAME = "qr.svg"
QR_PNG_NAME = "qr.png"
COVER_STEM = "cover"
CAPTIONS_DIR = "captions"
PLAYLIST_NAME = "playlist.m3u8"


def caption_file(track_file: str, suffix: str = ".vtt") -> str:
    """The track's caption file, relative to the guide folder: ``captions/<MP3 stem>.vtt``
    (``suffix`` ``.srt``: its SubRip twin)."""
    return f"{CAPTIONS_DIR}/{PurePosixPath(track_file).stem}{suffix}"


def relative_url(path: str) -> str:
    """A relative path as a URL path: every segment percent-encoded (spaces, ``#``, ``?``, ``&``...)."""
    return "/".join(quote(part, safe="") for part in PurePosixPath(path).parts)


QR_ERROR_LEVEL = "m"  # 15 % of the code may be damaged or covered
QR_QUIET_ZONE = 4  # modules of white around it, as the standard asks


def absolute_url(base_url: str, path: str = "") -> str:
    """``path`` (relative to the guide folder) under the folder's URL ``base_url`` (no trailing slash)."""
    return f"{base_url.rstrip('/')}/{relative_url(path)}" if path else f"{base_url.rstrip('/')}/"


def guide_url(base_url: str, formats: tuple[str, ...]) -> str:
    """The guide's address for people (the QR code): its player, else its feed, else the folder."""
    if "web" in formats:
        return absolute_url(base_url, PLAYER_NAME)
    if "podcast" in formats:
        return absolute_url(base_url, FEED_NAME)
    return absolute_url(base_url)


def qr_svg(url: str, title: str, *, standalone: bool = True) -> str:
    """A QR code of ``url`` as SVG (segno), titled for screen readers, scalable (a viewBox, no size).

    ``standalone=False`` gives an element for inline use in HTML (``role="img"``, no namespace
    declaration needed there).
    """
    import io

    import segno

    out = io.BytesIO()
    segno.make(url, error=QR_ERROR_LEVEL, micro=False).save(
        out,
        kind="svg",
        border=QR_QUIET_ZONE,
        scale=1,
        xmldecl=False,
        svgns=standalone,
        title=title,
        desc=url,
        omitsize=True,
        svgclass="qr",
        lineclass=None,
        dark="#000",
        light="#fff",
        svgid=None if standalone else "qr-code",
    )
    svg = out.getvalue().decode("utf-8")
    return (
        svg
        if standalone
        else svg.replace("<svg ", '<svg role="img" aria-labelledby="qr-code-title" ', 1).replace(
            "<title>", '<title id="qr-code-title">', 1
        )
    )
