"""The "web" format: index.html, an offline, accessible player, built from a real guide.

Static checks read the page with html.parser; browser checks load it in headless
Chromium (skipped when none is installed) from a localhost server and from
file://, and drive it with real key events over the DevTools protocol.
"""

from __future__ import annotations

import functools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from chromium_cdp import ALT, Browser, find_chromium

from audioguide.exporters.web import json_for_script
from audioguide.model.settings import GuideSettings
from audioguide.pipeline import BuildOptions, build_guide
from audioguide.sources.plain import parse_plain_text

pytestmark = pytest.mark.slow

ARTICLE = """Caring for Your Hearing Aid & Its Batteries

Clean your hearing aid every evening. Use a soft, dry cloth.

Changing the Battery

Open the door at the bottom. Put the new battery in with the flat side up.

Keeping It Dry

Take the hearing aid out before a shower. Store it in a dry box at night.

Conclusion

Call the clinic if it whistles or stops working.
"""
TITLE = "Caring for Your Hearing Aid & Its Batteries"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None]
    parent: Node | None = None
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def walk(self):
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.walk()

    def find_all(self, tag: str, **attrs: str) -> list[Node]:
        wanted = {k.replace("_", "-"): v for k, v in attrs.items()}
        return [
            n for n in self.walk() if n.tag == tag and all(n.attrs.get(k) == v for k, v in wanted.items())
        ]

    def find(self, tag: str, **attrs: str) -> Node:
        found = self.find_all(tag, **attrs)
        assert len(found) == 1, f"expected one <{tag} {attrs}>, found {len(found)}"
        return found[0]


class TreeBuilder(HTMLParser):
    """A strict tree: every non-void element must be closed, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]
        self.doctype: str | None = None

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.stack[-1])
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, dict(attrs), self.stack[-1]))

    def handle_endtag(self, tag):
        assert tag not in VOID, f"end tag for void element <{tag}>"
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse_page(text: str) -> Node:
    builder = TreeBuilder()
    builder.feed(text)
    builder.close()
    assert builder.stack == [builder.root], f"unclosed: {[n.tag for n in builder.stack[1:]]}"
    assert builder.doctype is not None and builder.doctype.lower() == "doctype html"
    return builder.root


@dataclass
class Guide:
    folder: Path
    manifest: dict
    html: str
    page: Node

    @property
    def tracks(self) -> list[dict]:
        return self.manifest["tracks"]


@pytest.fixture(scope="module")
def guide(tmp_path_factory) -> Guide:
    base = tmp_path_factory.mktemp("web")
    out = base / "guide"
    document = parse_plain_text(ARTICLE, source="hearing-aid.txt")
    options = BuildOptions(outdir=out, cache_dir=base / "cache", formats=("tracks", "web"))
    build_guide(document, GuideSettings(), options)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    text = (out / "index.html").read_text(encoding="utf-8")
    return Guide(out, manifest, text, parse_page(text))


def embedded(guide: Guide) -> dict:
    block = guide.page.find("script", type="application/json")
    return json.loads(block.text())


# ---- static checks -------------------------------------------------------------------------


def test_recorded_as_a_format(guide):
    assert guide.manifest["formats"]["web"]["files"] == ["index.html"]
    assert len(guide.tracks) == 4


def test_title_language_and_skip_link(guide):
    page = guide.page
    assert page.find("html").attrs["lang"] == "en"
    assert page.find("h1").text() == TITLE
    assert page.find("title").text() == TITLE
    skip = page.find("a", **{"class": "skip"})
    assert skip is next(n for n in page.walk() if n.tag in ("a", "button")), "skip link comes first"
    player = page.find("section", id=skip.attrs["href"].removeprefix("#"))
    assert player.find("audio") and player.attrs["tabindex"] == "-1"
    assert "user-scalable" not in page.find("meta", name="viewport").attrs["content"], "zoom allowed"


def test_one_chapter_button_per_track_in_order(guide):
    nav = guide.page.find("nav", aria_label="Chapters")
    buttons = nav.find_all("button")
    assert len(buttons) == len(guide.tracks)
    for button, track in zip(buttons, guide.tracks):
        words = " ".join(button.text().split())
        assert words.startswith(f"{track['number']}"), words
        assert track["title"] in words
    assert [b.attrs.get("aria-current") for b in buttons] == ["true", None, None, None]
    assert nav.find("ol"), "the chapters are a real list"


def test_audio_element_and_live_region(guide):
    audio = guide.page.find("audio")
    assert "controls" in audio.attrs
    first = guide.tracks[0]["file"]
    assert audio.attrs["src"] == quote(first) and unquote(audio.attrs["src"]) == first
    status = guide.page.find("p", role="status")
    assert status.attrs["aria-live"] == "polite" and status.attrs["aria-atomic"] == "true"
    region = guide.page.find("div", role="region")
    heading = [n for n in guide.page.walk() if n.attrs.get("id") == region.attrs["aria-labelledby"]]
    assert heading and heading[0].tag == "h2" and heading[0].text() == "Transcript"


def test_keys_documented_on_the_page(guide):
    keys = " ".join(guide.page.find("section", id="keys").text().split())
    for documented in (
        "N, ] or Alt + Right arrow",
        "Next chapter",
        "P, [ or Alt + Left arrow",
        "Previous chapter",
        "K, or Space",
        "Play or pause",
    ):
        assert documented in keys
    buttons = guide.page.find_all("button")
    shortcuts = {
        b.attrs["id"]: b.attrs["aria-keyshortcuts"] for b in buttons if "aria-keyshortcuts" in b.attrs
    }
    assert shortcuts == {"prev": "P [ Alt+ArrowLeft", "play": "K", "next": "N ] Alt+ArrowRight"}


def test_embedded_json_matches_manifest(guide):
    data = embedded(guide)
    assert data["title"] == guide.manifest["title"] == TITLE
    assert data["language"] == guide.manifest["language"]
    assert len(data["tracks"]) == len(guide.tracks)
    for mine, record in zip(data["tracks"], guide.tracks):
        for key in ("number", "title", "file", "duration_s", "transcript"):
            assert mine[key] == record[key], key
        assert mine["src"] == quote(record["file"])
        assert [(s["text"], s["spoken"], s["role"], s["start_s"], s["end_s"]) for s in mine["sentences"]] == [
            (c["written"], c["text"], c["role"], c["start_s"], c["end_s"]) for c in record["clips"]
        ]
        # the transcript on the page shows those sentences, one element per sentence
        article = guide.page.find("article", id=f"chapter-{record['number']}")
        spans = [n for n in article.walk() if n.tag == "span" and "s" in (n.attrs.get("class") or "").split()]
        assert [s.text() for s in spans] == [c["written"] for c in record["clips"]]
        # paragraphs follow the transcript file's paragraphs
        paragraphs = (guide.folder / record["transcript"]).read_text(encoding="utf-8").strip().split("\n\n")
        assert (
            len(article.find_all("p"))
            == len(paragraphs)
            == max(s["paragraph"] for s in mine["sentences"]) + 1
        )


def test_json_block_cannot_break_out():
    nasty = {"t": "</script><script>alert(1)</script> <!-- & \u2028 \u2029 ü"}
    text = json_for_script(nasty)
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == nasty


def test_page_is_self_contained(guide):
    assert "http://" not in guide.html and "https://" not in guide.html
    assert "</" not in guide.page.find("script", type="application/json").text()
    assert (
        not guide.page.find_all("link")
        and not guide.page.find_all("img")
        and not guide.page.find_all("iframe")
    )
    for script in guide.page.find_all("script"):
        assert "src" not in script.attrs
    for node in guide.page.walk():
        for attr in ("src", "href"):
            ref = node.attrs.get(attr)
            if ref is None or ref.startswith("#"):
                continue
            assert not re.match(r"^[a-z][a-z0-9+.-]*:|^//", ref, re.IGNORECASE), ref
            assert (guide.folder / unquote(ref)).is_file(), ref
    csp = guide.page.find("meta", http_equiv="Content-Security-Policy").attrs["content"]
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp and "media-src 'self'" in csp


def test_styles_cover_focus_motion_and_contrast(guide):
    style = guide.page.find("style").text()
    assert ":focus-visible" in style and "outline" in style
    assert "prefers-reduced-motion: reduce" in style
    assert "forced-colors: active" in style
    assert re.search(r"html \{ font-size: 1[2-9]\d%", style), "text larger than the browser default"


# ---- in a real browser ---------------------------------------------------------------------

CHROMIUM = find_chromium()
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium binary found (install Debian's 'chromium' or set AUDIOGUIDE_CHROMIUM)",
)
READY = "document.documentElement.classList.contains('js')"
WATCH = """window.__problems = [];
document.addEventListener('securitypolicyviolation',
  e => __problems.push('CSP ' + e.violatedDirective + ' ' + e.blockedURI));
window.addEventListener('error', e => __problems.push('error ' + e.message));"""
STATE = """(() => {
  const current = document.querySelectorAll('nav[aria-label="Chapters"] button[aria-current="true"]');
  return {current: Array.from(current, b => Number(b.dataset.track)),
          src: document.getElementById('audio').getAttribute('src'),
          status: document.getElementById('status').textContent,
          paused: document.getElementById('audio').paused,
          shown: Array.from(document.querySelectorAll('#transcript-text article:not([hidden])'), a => a.id),
          lit: Array.from(document.querySelectorAll('.s.now'), s => s.id),
          href: location.href};
})()"""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def served(guide):
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(guide.folder))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("no Chromium binary found")
    pytest.importorskip("websocket", reason="websocket-client is needed to talk to Chromium")
    with Browser(CHROMIUM) as chromium:
        chromium.call("Page.addScriptToEvaluateOnNewDocument", source=WATCH)
        yield chromium


def load_track(browser: Browser, index: int) -> dict:
    """Choose a chapter in the player's list; its audio's src and duration once its metadata is in."""
    return browser.evaluate(
        """new Promise((resolve, reject) => {
          const audio = document.getElementById('audio');
          document.querySelectorAll('nav[aria-label="Chapters"] button')[INDEX].click();
          const done = () => resolve({src: audio.getAttribute('src'), duration: audio.duration});
          if (audio.readyState >= 1) { done(); return; }
          audio.addEventListener('loadedmetadata', done, {once: true});
          audio.addEventListener('error', () => reject(new Error('audio error ' + audio.error.code)), {once: true});
          setTimeout(() => reject(new Error('no metadata in 10 s')), 10000);
        })""".replace("INDEX", str(index)),
        await_promise=True,
    )


def state(browser: Browser) -> dict:
    return browser.evaluate(STATE)


def wait_state(browser: Browser, check, timeout: float = 10.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        now = state(browser)
        if check(now):
            return now
        if time.monotonic() > deadline:
            raise AssertionError(f"player never reached the expected state; last: {now}")
        time.sleep(0.05)


@needs_chromium
def test_browser_durations_match_manifest(guide, served, browser):
    browser.open(served, READY)
    for index, track in enumerate(guide.tracks):
        loaded = load_track(browser, index)
        assert loaded["src"] == quote(track["file"])
        assert abs(loaded["duration"] - track["duration_s"]) < 0.2, (track["file"], loaded["duration"])
    assert browser.evaluate("__problems") == []


@needs_chromium
def test_keyboard_moves_between_chapters(guide, served, browser):
    titles = [t["title"] for t in guide.tracks]
    total = len(titles)

    def at(index: int) -> dict:
        now = wait_state(browser, lambda s: s["current"] == [index])
        assert now["src"] == quote(guide.tracks[index]["file"])
        assert now["shown"] == [f"chapter-{index + 1}"]
        assert now["status"].strip() == f"Chapter {index + 1} of {total}: {titles[index]}"
        return now

    browser.open(served, READY)
    start = state(browser)
    assert start["current"] == [0] and start["status"] == "" and start["paused"]
    browser.press("n")
    at(1)
    browser.press("n")
    at(2)
    browser.press("p")
    at(1)
    browser.press("ArrowRight", ALT)
    at(2)
    browser.press("[")
    at(1)
    browser.press("]")
    now = at(2)
    browser.press("ArrowLeft", ALT)
    now = at(1)
    assert now["href"].split("#")[0] == served and now["href"].endswith("#chapter-2")
    browser.press("p")
    at(0)
    browser.press("p")  # nothing before the first chapter: said so, chapter kept
    now = wait_state(browser, lambda s: s["status"].strip() == "This is the first chapter.")
    assert now["current"] == [0]
    assert browser.evaluate("__problems") == []


@needs_chromium
def test_play_pause_highlight_and_auto_advance(guide, served, browser):
    browser.open(served, READY)
    browser.press("k")
    now = wait_state(browser, lambda s: not s["paused"] and s["lit"])
    assert now["status"].startswith("Playing. Chapter 1 of 4")
    assert now["lit"][0].startswith("s-1-")
    browser.press(" ")  # focus is on the page, not a control: space toggles too
    now = wait_state(browser, lambda s: s["paused"])
    assert now["status"] == "Paused."
    # near the end of chapter 3, then play: it ends and chapter 4 starts by itself
    browser.press("n")
    browser.press("n")
    wait_state(browser, lambda s: s["current"] == [2])
    browser.wait_for("document.getElementById('audio').readyState >= 1")
    browser.evaluate("(a => { a.currentTime = a.duration - 0.4; })(document.getElementById('audio'))")
    browser.press("k")
    now = wait_state(browser, lambda s: s["current"] == [3] and not s["paused"])
    assert now["status"].strip() == f"Chapter 4 of 4: {guide.tracks[3]['title']}"
    assert now["src"] == quote(guide.tracks[3]["file"])
    browser.press("k")
    wait_state(browser, lambda s: s["paused"])
    assert browser.evaluate("__problems") == []


@needs_chromium
def test_works_from_file_url_and_deep_link(guide, browser):
    url = (guide.folder / "index.html").as_uri()
    browser.open(url + "#chapter-3", READY)
    now = state(browser)
    assert now["current"] == [2] and now["shown"] == ["chapter-3"]
    loaded = load_track(browser, 2)
    assert abs(loaded["duration"] - guide.tracks[2]["duration_s"]) < 0.2
    assert browser.evaluate("__problems") == [], "the Content-Security-Policy lets the page run from file://"
