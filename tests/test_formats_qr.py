"""The "qr" format: qr.png and qr.svg decode (zxing-cpp, a real barcode reader) to the guide's URL."""

from __future__ import annotations

import base64
import io
from dataclasses import replace

import numpy as np
import pytest
import zxingcpp
from chromium_cdp import Browser, find_chromium
from PIL import Image

from audioguide.model.settings import GuideSettings
from audioguide.pipeline import BuildOptions, build_guide
from audioguide.sources.plain import parse_plain_text

pytestmark = pytest.mark.slow

BASE = "https://clinic.example/guides/knee%20care"
ARTICLE = "Knee Care\n\nRest your knee after walking.\n"


def decode(image: Image.Image) -> list[str]:
    pixels = np.asarray(image.convert("L"))
    return [
        found.text
        for found in zxingcpp.read_barcodes(pixels)
        if found.format == zxingcpp.BarcodeFormat.QRCode
    ]


@pytest.fixture(scope="module")
def guide(tmp_path_factory):
    base = tmp_path_factory.mktemp("qr")
    out = base / "guide"
    settings = replace(GuideSettings(), base_url=BASE + "/")
    build_guide(
        parse_plain_text(ARTICLE, source="knee.txt"),
        settings,
        BuildOptions(outdir=out, cache_dir=base / "cache", formats=("tracks", "web", "qr")),
    )
    return out


def test_png_decodes_to_the_player_url(guide):
    with Image.open(guide / "qr.png") as png:
        assert decode(png) == [BASE + "/index.html"]


def test_svg_is_titled_and_scalable(guide):
    svg = (guide / "qr.svg").read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "viewBox" in svg and "<title>QR code: Knee Care</title>" in svg


@pytest.mark.skipif(find_chromium() is None, reason="no Chromium binary found (Debian's 'chromium')")
def test_svg_as_a_browser_draws_it_decodes_to_the_url(guide):
    pytest.importorskip("websocket", reason="websocket-client is needed to talk to Chromium")
    with Browser(find_chromium()) as browser:
        browser.call(
            "Emulation.setDeviceMetricsOverride", width=400, height=400, deviceScaleFactor=1, mobile=False
        )
        browser.open((guide / "qr.svg").as_uri())
        shot = browser.call("Page.captureScreenshot", format="png")
    with Image.open(io.BytesIO(base64.b64decode(shot["data"]))) as picture:
        assert decode(picture) == [BASE + "/index.html"]
