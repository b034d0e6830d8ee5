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
M4B_NAME = "guide.m4b"
PLAYER_NAME = "index.html"
FEED_NAME = "feed.xml"
CHAPTERS_NAME = "guide.chapters.json"
QR_SVG_NAME = "qr.svg"
QR_PNG_NAME = "qr.png"
COVER_STEM = "cover"
CAPTIONS_DIR = "captions"
PLAYLIST_NAME = "playlist.m3u8"


def caption_file(track_file: str) -> str:
    """The track's caption file, relative to the guide folder: ``captions/<MP3 stem>.vtt``."""
    return f"{CAPTIONS_DIR}/{PurePosixPath(track_file).stem}.vtt"


def relative_url(path: str) -> str:
    """A relative path as a URL path: every segment percent-encoded (spaces, ``#``, ``?``, ``&``...)."""
    return "/".join(quote(part, safe="") for part in PurePosixPath(path).parts)


def absolute_url(base_url: str, path: str = "") -> str:
    """``path`` (relative to the guide folder) under the folder's URL ``base_url`` (no trailing slash)."""
    return f"{base_url.rstrip('/')}/{relative_url(path)}" if path else f"{base_url.rstrip('/')}/"
