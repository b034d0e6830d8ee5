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

from audioguide.exporters.published import (
    QR_ERROR_LEVEL as ERROR_LEVEL,
)
from audioguide.exporters.published import (
    QR_PNG_NAME,
    QR_SVG_NAME,
    guide_url,
    qr_svg,
)
from audioguide.exporters.published import (
    QR_QUIET_ZONE as QUIET_ZONE,
)
from audioguide.model.guide import FinishedGuide

logger = logging.getLogger(__name__)

PNG_SCALE = 10


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
