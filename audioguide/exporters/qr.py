"""qr.svg and qr.png: a QR code of the guide's address, for a "scan to listen" poster.

The code holds the guide's URL: its web player when the web format is made,
else its podcast feed, else the published folder (``settings.base_url``). It
is made with segno (pure Python, offline), error correction level M (15 % of
the code may be damaged or covered), with the standard four-module quiet
zone. The SVG scales to any print size; the PNG is 10 px a module, dark on
white (a code in inverted colours is not read by every phone).
"""

from __future__ import annotations

import logging
from pathlib import Path

from audioguide.exporters.published import FEED_NAME, PLAYER_NAME, QR_PNG_NAME, QR_SVG_NAME, absolute_url
from audioguide.model.guide import FinishedGuide

logger = logging.getLogger(__name__)

ERROR_LEVEL = "m"
PNG_SCALE = 10
QUIET_ZONE = 4


def guide_url(base_url: str, formats: tuple[str, ...]) -> str:
    """What the code opens: the player, else the feed, else the folder."""
    if "web" in formats:
        return absolute_url(base_url, PLAYER_NAME)
    if "podcast" in formats:
        return absolute_url(base_url, FEED_NAME)
    return absolute_url(base_url)


def qr_svg(url: str, title: str) -> str:
    """The code as a standalone SVG document with a title (what a screen reader says about it)."""
    import io

    import segno

    out = io.BytesIO()
    segno.make(url, error=ERROR_LEVEL, micro=False).save(
        out, kind="svg", border=QUIET_ZONE, scale=1, xmldecl=False, svgns=True, title=title,
        desc=url, omitsize=True, svgclass="qr", lineclass=None, dark="#000", light="#fff",
    )
    return out.getvalue().decode("utf-8")


def export(guide: FinishedGuide) -> list[Path]:
    import segno

    base = guide.settings.base_url
    if not base:  # the build refuses earlier; this guards a direct call
        raise ValueError("the qr format needs settings.base_url")
    url = guide_url(base, guide.formats)
    svg = guide.folder / QR_SVG_NAME
    svg.write_text(qr_svg(url, f"QR code: {guide.title}"), encoding="utf-8")
    png = guide.folder / QR_PNG_NAME
    segno.make(url, error=ERROR_LEVEL, micro=False).save(png, kind="png", scale=PNG_SCALE, border=QUIET_ZONE)
    logger.info("QR code of %s: %s, %s", url, svg.name, png.name)
    return [svg, png]
