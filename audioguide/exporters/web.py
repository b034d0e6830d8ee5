"""index.html: an accessible, offline web player for the guide.

One self-contained page in the guide folder, next to the MP3 tracks: the
chapter list (one button per track), an ``<audio controls>`` element playing
the current track, and its transcript with the spoken sentence highlighted
(from the clip times in the manifest). Everything is inline: no network, no
external scripts, fonts or styles; a Content-Security-Policy with hashes of the
inline script and style enforces that. It works from ``file://`` and from any
static web server.

Keyboard: N, ] or Alt+Right next chapter; P, [ or Alt+Left previous chapter;
K (or Space outside buttons and the player) play/pause; J/L back/forward
10 seconds. Chapter changes, play and pause are announced in a live region.
Without JavaScript the page still shows every chapter's transcript and links
to the MP3 files.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

if TYPE_CHECKING:
    from audioguide.model.guide import FinishedGuide
    from audioguide.model.manifest import ClipRecord

logger = logging.getLogger(__name__)

PAGE_NAME = "index.html"
DATA_ID = "guide-data"
SKIP_SECONDS = 10

STYLE = """
:root { color-scheme: light dark; --fg: #111; --bg: #fff; --line: #111; --now: #ffe14d; --nowfg: #000;
  --focus: #0037a8; --muted: #333; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #f4f4f4; --bg: #111; --line: #f4f4f4; --now: #ffe14d; --nowfg: #000; --focus: #8fc1ff; --muted: #ddd; }
}
html { font-size: 125%; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  font-size: 1rem; line-height: 1.6; color: var(--fg); background: var(--bg); }
.skip { position: absolute; left: 0.5rem; top: -20rem; z-index: 10; padding: 0.5rem 1rem;
  background: var(--bg); color: var(--fg); border: 0.2rem solid var(--line); }
.skip:focus { top: 0.5rem; }
:focus-visible { outline: 0.25rem solid var(--focus); outline-offset: 0.2rem; box-shadow: 0 0 0 0.5rem var(--bg); }
header, .layout { max-width: 78rem; margin: 0 auto; padding: 0 1rem; }
h1 { font-size: 2rem; line-height: 1.25; margin: 1rem 0 0.5rem; }
h2 { font-size: 1.4rem; margin: 1.25rem 0 0.5rem; }
h3 { font-size: 1.2rem; margin: 0.5rem 0; }
.byline, .summary { margin: 0.25rem 0; color: var(--muted); }
.layout { display: grid; grid-template-columns: minmax(14rem, 24rem) minmax(0, 1fr); gap: 1.5rem; align-items: start; }
@media (max-width: 60rem) { .layout { grid-template-columns: minmax(0, 1fr); } }
ol.chapters { list-style: none; margin: 0; padding: 0; }
ol.chapters li { margin: 0 0 0.5rem; }
button, select { font: inherit; color: var(--fg); background: var(--bg); border: 0.15rem solid var(--line);
  border-radius: 0.4rem; min-height: 2.75rem; padding: 0.4rem 0.8rem; cursor: pointer; }
ol.chapters button { display: flex; gap: 0.6rem; width: 100%; text-align: left; align-items: baseline; }
ol.chapters .num { font-weight: bold; min-width: 1.6rem; }
ol.chapters .title { flex: 1; }
ol.chapters .time { white-space: nowrap; }
ol.chapters button[aria-current="true"] { background: var(--now); color: var(--nowfg); border-width: 0.3rem;
  font-weight: bold; }
ol.chapters button[aria-current="true"] .title::after { content: " (current)" / ""; font-weight: normal; }
button:hover, select:hover { text-decoration: underline; }
audio { width: 100%; margin: 0.5rem 0; }
.controls { display: flex; flex-wrap: wrap; gap: 0.6rem; align-items: center; margin: 0.5rem 0; }
.status { min-height: 1.6em; font-weight: bold; margin: 0.5rem 0; }
.js .transcript-text { max-height: 60vh; overflow-y: auto; position: relative; border: 0.15rem solid var(--line);
  border-radius: 0.4rem; padding: 0 1rem; }
.transcript-text p { margin: 0 0 1rem; max-width: 45rem; }
.s.now { background: var(--now); color: var(--nowfg); text-decoration: underline 0.15rem;
  text-underline-offset: 0.2rem; }
.role-announcement, .role-heading { font-weight: bold; }
dl.keys dt { font-weight: bold; margin-top: 0.6rem; }
dl.keys dd { margin: 0 0 0 1.5rem; }
kbd { font: inherit; font-weight: bold; border: 0.1rem solid var(--line); border-radius: 0.25rem; padding: 0 0.3rem; }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
h1, h2, h3, p, li, dt, dd, button, figcaption { overflow-wrap: anywhere; hyphens: auto; }
figure.qr { margin: 1rem 0; max-width: 16rem; } figure.qr svg { display: block; width: 100%; height: auto; }
@media (prefers-reduced-motion: no-preference) { html { scroll-behavior: smooth; } }
@media (prefers-reduced-motion: reduce) {
  *, *::before, *::after { transition: none !important; animation: none !important; scroll-behavior: auto !important; }
}
@media (forced-colors: active) {
  ol.chapters button[aria-current="true"] { border-color: Highlight; }
  .s.now { forced-color-adjust: none; background: Highlight; color: HighlightText; }
}
"""

SCRIPT = """
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("guide-data").textContent);
  var tracks = data.tracks;
  var audio = document.getElementById("audio");
  var statusBox = document.getElementById("status");
  var nowTitle = document.getElementById("now-title");
  var playButton = document.getElementById("play");
  var speed = document.getElementById("speed");
  var scroller = document.getElementById("transcript-text");
  var chapterButtons = Array.prototype.slice.call(document.querySelectorAll("#chapters button[data-track]"));
  var texts = Array.prototype.slice.call(document.querySelectorAll("#transcript-text article[data-track]"));
  var reduceMotion = window.matchMedia ? window.matchMedia("(prefers-reduced-motion: reduce)") : null;
  var SKIP = data.skip_seconds || 10;
  var current = -1;
  var lit = null;

  function label(i) {
    return "Chapter " + tracks[i].number + " of " + tracks.length + ": " + tracks[i].title;
  }

  function announce(text) {
    // The same text twice in a row would not be read again: make it differ.
    statusBox.textContent = statusBox.textContent === text ? text + "\\u00a0" : text;
  }

  function start() {
    var promise = audio.play();
    if (promise && promise.catch) {
      promise.catch(function (error) {
        if (error && error.name !== "AbortError") announce("The audio could not start: " + error.message);
      });
    }
  }

  function select(i, options) {
    if (i < 0 || i >= tracks.length) {
      if (options.announce) announce(i < 0 ? "This is the first chapter." : "This is the last chapter.");
      return;
    }
    var track = tracks[i];
    if (i !== current) {
      current = i;
      chapterButtons.forEach(function (button, j) {
        if (j === i) button.setAttribute("aria-current", "true");
        else button.removeAttribute("aria-current");
      });
      texts.forEach(function (text, j) { text.hidden = j !== i; });
      nowTitle.textContent = label(i);
      document.title = track.title + " \\u2013 " + data.title;
      if (audio.getAttribute("src") !== track.src) audio.src = track.src;
      light(-1);
      scroller.scrollTop = 0;
      if (options.announce) {  // a listener's choice: keep it in the address, for reloads and bookmarks
        try { history.replaceState(null, "", "#chapter-" + track.number); } catch (error) { /* some file:// */ }
      }
    }
    if (options.play) start();
    if (options.announce) announce(label(i));
  }

  function step(delta) {
    select(current + delta, { play: !audio.paused, announce: true });
  }

  function toggle() {
    if (audio.paused) {
      start();
      announce("Playing. " + label(current));
    } else {
      audio.pause();
      announce("Paused.");
    }
  }

  function skip(seconds) {
    if (!isFinite(audio.duration)) return;
    audio.currentTime = Math.max(0, Math.min(audio.duration, audio.currentTime + seconds));
    announce((seconds < 0 ? "Back " : "Forward ") + Math.abs(seconds) + " seconds.");
  }

  function light(k) {
    var element = k >= 0 ? document.getElementById("s-" + tracks[current].number + "-" + k) : null;
    if (element === lit) return;
    if (lit) lit.classList.remove("now");
    lit = element;
    if (!element) return;
    element.classList.add("now");
    var top = element.offsetTop, view = scroller.scrollTop, height = scroller.clientHeight;
    if (scroller.scrollHeight > height && (top < view || top + element.offsetHeight > view + height)) {
      var smooth = !(reduceMotion && reduceMotion.matches);
      scroller.scrollTo({ top: Math.max(0, top - height / 4), behavior: smooth ? "smooth" : "auto" });
    }
  }

  function follow() {
    if (current < 0) return;
    var sentences = tracks[current].sentences, time = audio.currentTime, found = -1;
    for (var k = 0; k < sentences.length && sentences[k].start_s <= time + 0.05; k++) found = k;
    light(found);
  }

  function syncPlayButton() {
    playButton.textContent = audio.paused ? "Play" : "Pause";
  }

  audio.addEventListener("timeupdate", follow);
  audio.addEventListener("seeked", follow);
  audio.addEventListener("play", syncPlayButton);
  audio.addEventListener("pause", syncPlayButton);
  audio.addEventListener("ended", function () {
    light(-1);
    if (current < tracks.length - 1) select(current + 1, { play: true, announce: true });
    else announce("End of the guide.");
  });
  audio.addEventListener("error", function () {
    if (current >= 0) announce("The audio of " + label(current) + " could not be loaded.");
  });

  chapterButtons.forEach(function (button, j) {
    button.addEventListener("click", function () { select(j, { play: true, announce: true }); });
  });
  document.getElementById("prev").addEventListener("click", function () { step(-1); });
  document.getElementById("next").addEventListener("click", function () { step(1); });
  playButton.addEventListener("click", toggle);
  speed.addEventListener("change", function () {
    var rate = parseFloat(speed.value) || 1;
    audio.defaultPlaybackRate = rate;
    audio.playbackRate = rate;
  });

  var CONTROLS = { BUTTON: 1, AUDIO: 1, VIDEO: 1, A: 1, SUMMARY: 1, INPUT: 1, SELECT: 1, TEXTAREA: 1 };
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.repeat) return;
    var target = event.target || document.body;
    var tag = target.tagName || "";
    if (event.altKey) {
      if (event.shiftKey) return;
      if (event.key === "ArrowRight") step(1);
      else if (event.key === "ArrowLeft") step(-1);
      else return;
      event.preventDefault();
      return;
    }
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || target.isContentEditable) return;
    switch (event.key) {
      case "n": case "N": case "]": step(1); break;
      case "p": case "P": case "[": step(-1); break;
      case "k": case "K": toggle(); break;
      case "j": case "J": skip(-SKIP); break;
      case "l": case "L": skip(SKIP); break;
      case " ": case "Spacebar":
        if (CONTROLS[tag]) return;
        toggle();
        break;
      default: return;
    }
    event.preventDefault();
  });
  var first = 0;
  var match = /^#chapter-(\\d+)$/.exec(window.location.hash);
  if (match) {
    tracks.forEach(function (track, j) { if (String(track.number) === match[1]) first = j; });
  }
  document.getElementById("controls").hidden = false;
  document.documentElement.classList.add("js");
  select(first, { play: false, announce: false });
  syncPlayButton();
})();
"""


def json_for_script(data: Any) -> str:
    """JSON safe inside ``<script type="application/json">``: no ``<``, ``>``, ``&`` left.

    Those three only occur inside JSON strings, where ``\\u003c`` etc. mean the
    same; so ``</script>`` and ``<!--`` can never end or confuse the block.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )


def csp_hash(source: str) -> str:
    """The CSP source expression allowing exactly this inline script or style."""
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def clock(seconds: float) -> str:
    """3725.4 -> "1:02:05"; 65 -> "1:05"."""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def spoken_duration(seconds: float) -> str:
    """65 -> "1 minute 5 seconds", for screen readers (which read "1:05" badly)."""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [(hours, "hour"), (minutes, "minute"), (secs, "second")]
    words = [f"{n} {unit}{'' if n == 1 else 's'}" for n, unit in parts if n]
    return " ".join(words) or "0 seconds"


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
        paragraphs = [" ".join(p.split()) for p in transcript.split("\n\n") if p.strip()]
        numbers: list[int] = []
        index, rest = 0, paragraphs[0] if paragraphs else ""
        for clip in clips:
            text = " ".join(clip.text.split())
            while not rest and index + 1 < len(paragraphs):
                index += 1
                rest = paragraphs[index]
            if not text or not rest.startswith(text):
                break
            numbers.append(index)
            rest = rest[len(text):].lstrip()
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
        tracks.append({
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
        })
    info = guide.info
    return {
        "title": info.title,
        "language": info.language,
        "author": info.author,
        "publisher": info.publisher,
        "skip_seconds": SKIP_SECONDS,
        "tracks": tracks,
    }


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _chapter_button(track: dict[str, Any], index: int) -> str:
    current = ' aria-current="true"' if index == 0 else ""
    return (
        f'<li><button type="button" data-track="{index}"{current}>'
        f'<span class="num">{track["number"]}<span class="sr-only">.</span></span> '
        f'<span class="title">{_e(track["title"])}</span> '
        f'<span class="time" aria-hidden="true">{clock(track["duration_s"])}</span>'
        f'<span class="sr-only">, {spoken_duration(track["duration_s"])}</span>'
        f"</button></li>"
    )


def _transcript(track: dict[str, Any], index: int, total: int) -> str:
    number = track["number"]
    paragraphs: list[list[str]] = []
    last = None
    for k, sentence in enumerate(track["sentences"]):
        if sentence["paragraph"] != last:
            paragraphs.append([])
            last = sentence["paragraph"]
        role = _e(sentence["role"])
        paragraphs[-1].append(
            f'<span class="s role-{role}" id="s-{number}-{k}">{_e(sentence["text"])}</span>'
        )
    body = "\n".join(f"<p>{' '.join(p)}</p>" for p in paragraphs)
    # All shown: the script hides all but the current one, so without it the page reads as a document.
    return (
        f'<article id="chapter-{number}" data-track="{index}" aria-labelledby="chapter-{number}-h">\n'
        f'<h3 id="chapter-{number}-h">{_e(chapter_label(track, total))}</h3>\n'
        f"{body}\n</article>"
    )


KEYS = [
    ("<kbd>N</kbd>, <kbd>]</kbd> or <kbd>Alt</kbd> + <kbd>Right arrow</kbd>", "Next chapter"),
    ("<kbd>P</kbd>, <kbd>[</kbd> or <kbd>Alt</kbd> + <kbd>Left arrow</kbd>", "Previous chapter"),
    ("<kbd>K</kbd>, or <kbd>Space</kbd> when not on a button or the player", "Play or pause"),
    ("<kbd>J</kbd> / <kbd>L</kbd>", f"Back / forward {SKIP_SECONDS} seconds"),
]


def listen_elsewhere(guide: FinishedGuide) -> str:
    """The "Other ways to listen" section: the feed, files, transcripts and a QR code of the page."""
    from audioguide.exporters.published import (
        FEED_NAME, M4B_NAME, PLAYLIST_NAME, SINGLE_NAME, caption_file, guide_url, qr_svg, relative_url,
    )

    made = set(guide.formats) | {"tracks"}
    files = [("podcast", FEED_NAME, "Podcast feed: subscribe in a podcast app"),
             ("single", SINGLE_NAME, "The whole guide as one MP3 file, with chapters"),
             ("m4b", M4B_NAME, "Audiobook (M4B), with chapters"),
             ("tracks", PLAYLIST_NAME, "Playlist of the chapters (M3U)")]
    items = [f'<li><a href="{_e(relative_url(file))}">{_e(text)}</a></li>' for name, file, text in files if name in made]
    texts = []
    for track in guide.tracks:
        record = track.record
        links = [f'<a href="{_e(relative_url(record.transcript))}">text</a>']
        if "captions" in made:
            links.append(f'<a href="{_e(relative_url(caption_file(record.file)))}">captions (WebVTT)</a>')
        texts.append(f"<li>Chapter {record.number}: {_e(record.title)}: {', '.join(links)}</li>")
    qr = ""
    if guide.settings.base_url:
        url = guide_url(guide.settings.base_url, tuple(made))
        qr = (f'<figure class="qr">{qr_svg(url, f"QR code: {guide.title}", standalone=False)}'
              f"<figcaption>Scan to listen: {_e(url)}</figcaption></figure>")
    return (
        '<section id="elsewhere" aria-labelledby="elsewhere-h">\n<h2 id="elsewhere-h">Other ways to listen</h2>\n'
        f'<ul>\n{chr(10).join(items)}\n</ul>\n<h3>Transcripts</h3>\n<ul>\n{chr(10).join(texts)}\n</ul>\n{qr}\n</section>\n'
    )


def render_page(data: dict[str, Any], elsewhere: str = "") -> str:
    """The whole page for :func:`guide_data`'s ``data`` (and :func:`listen_elsewhere`'s section)."""
    tracks = data["tracks"]
    total = len(tracks)
    first = tracks[0]
    byline = " · ".join(_e(x) for x in (data.get("author"), data.get("publisher")) if x)
    seconds = sum(t["duration_s"] for t in tracks)
    csp = (
        "default-src 'none'; "
        f"script-src {csp_hash(SCRIPT)}; style-src {csp_hash(STYLE)}; "
        "media-src 'self'; img-src 'none'; font-src 'none'; connect-src 'none'; "
        "base-uri 'none'; form-action 'none'"
    )
    chapters = "\n".join(_chapter_button(t, i) for i, t in enumerate(tracks))
    transcripts = "\n".join(_transcript(t, i, total) for i, t in enumerate(tracks))
    links = "\n".join(
        f'<li><a href="{_e(t["src"])}">Chapter {t["number"]}: {_e(t["title"])} (MP3, '
        f"{spoken_duration(t['duration_s'])})</a></li>"
        for t in tracks
    )
    keys = "\n".join(f"<dt>{k}</dt><dd>{what}</dd>" for k, what in KEYS)
    speeds = "".join(
        f'<option value="{r}"{" selected" if r == "1" else ""}>{r}×</option>'
        for r in ("0.75", "1", "1.25", "1.5", "1.75", "2")
    )
    return f"""<!DOCTYPE html>
<html lang="{_e(data["language"] or "en")}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_e(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>{_e(data["title"])}</title>
<style>{STYLE}</style>
</head>
<body>
<a class="skip" href="#player">Skip to the player</a>
<header>
<h1>{_e(data["title"])}</h1>
{f'<p class="byline">{byline}</p>' if byline else ""}
<p class="summary">Audio guide: {total} chapter{"" if total == 1 else "s"}, {spoken_duration(seconds)} in all.</p>
</header>
<div class="layout">
<nav id="chapters" aria-label="Chapters">
<h2 id="chapters-h">Chapters</h2>
<ol class="chapters">
{chapters}
</ol>
</nav>
<main id="main">
<section id="player" tabindex="-1" aria-labelledby="player-h">
<h2 id="player-h">Now playing: <span id="now-title">{_e(chapter_label(first, total))}</span></h2>
<audio id="audio" controls preload="metadata" src="{_e(first["src"])}" aria-labelledby="player-h">
<a href="{_e(first["src"])}">Chapter {first["number"]} (MP3)</a>
</audio>
<div id="controls" class="controls" hidden>
<button type="button" id="prev" aria-keyshortcuts="P [ Alt+ArrowLeft">Previous chapter</button>
<button type="button" id="play" aria-keyshortcuts="K">Play</button>
<button type="button" id="next" aria-keyshortcuts="N ] Alt+ArrowRight">Next chapter</button>
<label for="speed">Speed</label>
<select id="speed">{speeds}</select>
</div>
<p id="status" class="status" role="status" aria-live="polite" aria-atomic="true"></p>
<noscript>
<p>The player needs JavaScript. Each chapter can be played on its own:</p>
<ul>
{links}
</ul>
</noscript>
</section>
<section id="transcript">
<h2 id="transcript-h">Transcript</h2>
<div id="transcript-text" class="transcript-text" tabindex="0" role="region" aria-labelledby="transcript-h">
{transcripts}
</div>
</section>
{elsewhere}<section id="keys" aria-labelledby="keys-h">
<h2 id="keys-h">Keyboard shortcuts</h2>
<dl class="keys">
{keys}
</dl>
<p>With a screen reader in browse mode, single letters move around the page instead:
use <kbd>Alt</kbd> + arrows, or the buttons.</p>
</section>
</main>
</div>
<script type="application/json" id="{DATA_ID}">{json_for_script(data)}</script>
<script>{SCRIPT}</script>
</body>
</html>
"""


def export(guide: FinishedGuide) -> list[Path]:
    """Write ``index.html`` into the guide folder."""
    if not guide.tracks:
        logger.warning("no tracks: no web player written")
        return []
    path = guide.folder / PAGE_NAME
    path.write_text(render_page(guide_data(guide), listen_elsewhere(guide)), encoding="utf-8")
    logger.info("web player: %s", path)
    return [path]
