"""The web player of a published guide: links to the feed, files and transcripts, a QR code, reflow.

Built once with the real engine (tracks, single, captions, web, podcast, qr)
under a title with very long words, then read in headless Chromium: the QR
code on the page is decoded from a screenshot (zxing-cpp), the page is
checked at 320 CSS px (WCAG 1.4.10) and with axe-core.
"""

from __future__ import annotations

import base64
import io
import re
from dataclasses import replace
from urllib.parse import unquote

import numpy as np
import pytest
import zxingcpp
from axe_check import axe_violations, horizontal_overflow
from chromium_cdp import Browser, find_chromium
from PIL import Image

from audioguide.model.settings import GuideSettings
from audioguide.pipeline import BuildOptions, build_guide
from audioguide.sources.plain import parse_plain_text

pytestmark = pytest.mark.slow

BASE = "https://clinic.example/audio/eeg"
TITLE = "Understanding Electroencephalography and Esophagogastroduodenoscopy Appointments"
ARTICLE = f"""{TITLE}

Come a little early.

What to Bring

Bring your medication list.
"""
CHROMIUM = find_chromium()
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium binary found (Debian's 'chromium')")


@pytest.fixture(scope="module")
def guide(tmp_path_factory):
    base = tmp_path_factory.mktemp("published")
    out = base / "guide"
    settings = replace(GuideSettings(), base_url=BASE)
    build_guide(
        parse_plain_text(ARTICLE, source="eeg.txt"),
        settings,
        BuildOptions(
            outdir=out,
            cache_dir=base / "cache",
            formats=("tracks", "single", "captions", "web", "podcast", "qr"),
        ),
    )
    return out


def test_links_to_the_feed_files_and_transcripts(guide):
    html = (guide / "index.html").read_text(encoding="utf-8")
    section = html[html.index('<section id="elsewhere"') :]
    section = section[: section.index("</section>")]
    hrefs = [unquote(h) for h in re.findall(r'href="([^"]+)"', section)]
    for wanted in (
        "feed.xml",
        "guide.mp3",
        "playlist.m3u8",
        "transcripts/01 - Introduction.txt",
        "captions/02 - What to Bring.vtt",
    ):
        assert wanted in hrefs
    assert "guide.m4b" not in hrefs, "no link to a format that was not made"
    for href in hrefs:
        assert (guide / href).is_file(), href


@needs_chromium
def test_page_qr_code_decodes_reflows_at_320_px_and_is_axe_clean(guide):
    pytest.importorskip("websocket", reason="websocket-client is needed to talk to Chromium")
    with Browser(CHROMIUM) as browser:
        browser.open((guide / "index.html").as_uri(), "document.documentElement.classList.contains('js')")
        assert horizontal_overflow(browser, 320) <= 0, "the page scrolls sideways at 320 CSS px"
        browser.call(
            "Emulation.setDeviceMetricsOverride", width=1000, height=800, deviceScaleFactor=1, mobile=False
        )
        box = browser.evaluate("""(() => { const svg = document.getElementById('qr-code');
            svg.scrollIntoView({behavior: 'instant'}); const r = svg.getBoundingClientRect();
            return {x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height}; })()""")
        assert box["width"] >= 150, "printable: the code is drawn large enough"
        shot = browser.call("Page.captureScreenshot", format="png", clip={**box, "scale": 1})
        with Image.open(io.BytesIO(base64.b64decode(shot["data"]))) as picture:
            pixels = np.asarray(picture.convert("L"))
        assert [r.text for r in zxingcpp.read_barcodes(pixels)] == [BASE + "/index.html"]
        assert axe_violations(browser) == []
