"""``audioguide library``: three articles built into a site, then one edited and one removed.

Everything through the real command (tests/cli_helpers.py) and the real
engine, on three very short articles; the site is read back as a reader
would: the feed with feedparser, the index in headless Chromium with axe-core.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import pytest
from axe_check import axe_violations, horizontal_overflow
from chromium_cdp import Browser, find_chromium
from cli_helpers import invoke

pytestmark = pytest.mark.slow

BASE = "https://clinic.example/audio"
ARTICLES = {
    "knee.txt": "Knee Care After Surgery\n\nRest your knee for two days.\n\nFAQs\n\nWhen can I walk?\n\n"
    "Walk a little on the second day.\n",
    "back.txt": "Back Pain & Your <Spine>\n\nMost back pain gets better.\n\nFAQs\n\nShould I stay in bed?\n\n"
    "No. Gentle movement helps.\n",
    "sleep.md": "# Sleep Well\n\nKeep a regular bedtime.\n\n## Sleep and Coffee\n\nAvoid coffee after noon.\n",
}
T0, T1 = "1700000000", "1700086400"


def run_library(articles: Path, site: Path, cache: Path, epoch: str, *extra: str):
    return invoke(
        "library",
        str(articles),
        "-o",
        str(site),
        "--cache-dir",
        str(cache),
        "--base-url",
        BASE + "/",
        "--title",
        "Riverside Clinic",
        "--json",
        *extra,
        env={"SOURCE_DATE_EPOCH": epoch},
    )


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    base = tmp_path_factory.mktemp("library")
    articles, site, cache = base / "articles", base / "site", base / "cache"
    articles.mkdir()
    for name, text in ARTICLES.items():
        (articles / name).write_text(text, encoding="utf-8")
    first = run_library(articles, site, cache, T0)
    assert first.exit_code == 0, first.stderr
    snapshot = {
        "report": json.loads(first.output),
        "state": json.loads((site / "library.json").read_text(encoding="utf-8")),
        "feed": feedparser.parse((site / "feed.xml").read_bytes()),
        "index": (site / "index.html").read_text(encoding="utf-8"),
        "mtimes": {p: p.stat().st_mtime_ns for p in site.rglob("*.mp3")},
    }
    # a folder the library did not make, which it must leave alone
    (site / "notes").mkdir()
    (site / "notes" / "keep.txt").write_text("mine", encoding="utf-8")
    # edit one article, remove another
    knee = articles / "knee.txt"
    knee.write_text(knee.read_text(encoding="utf-8").replace("two days", "three days"), encoding="utf-8")
    (articles / "back.txt").unlink()
    second = run_library(articles, site, cache, T1)
    assert second.exit_code == 0, second.stderr
    return {
        "base": base,
        "articles": articles,
        "site": site,
        "cache": cache,
        "first": snapshot,
        "second": json.loads(second.output),
        "second_stderr": second.stderr,
    }


def slug_of(report: dict, name: str) -> str:
    return next(g["slug"] for g in report["guides"] if g["source"].endswith(name))


def test_every_guide_gets_its_folder(library):
    report = library["first"]["report"]
    assert [g["status"] for g in report["guides"]] == ["built", "built", "built"]
    assert [g["slug"] for g in report["guides"]] == [
        "back-pain-your-spine",
        "knee-care-after-surgery",
        "sleep-well",
    ]
    assert set(library["first"]["state"]["guides"]) == {g["source"] for g in report["guides"]}
    for slug in ("knee-care-after-surgery", "sleep-well"):
        manifest = json.loads((library["site"] / slug / "manifest.json").read_text(encoding="utf-8"))
        assert {"single", "captions", "web", "podcast", "phone", "qr"} <= set(manifest["formats"])
    assert report["phone"] == "built" and report["feed"] is True


def test_edit_rebuilds_that_guide_only(library):
    second = library["second"]
    statuses = {Path(g["source"]).name: (g["status"], g["tracks_rebuilt"]) for g in second["guides"]}
    assert statuses == {"knee.txt": ("built", 1), "sleep.md": ("unchanged", 0)}
    # the unchanged guide's files were not written again
    sleep = library["site"] / slug_of(second, "sleep.md")
    for path, mtime in library["first"]["mtimes"].items():
        if path.is_relative_to(sleep) and path.exists():
            assert path.stat().st_mtime_ns == mtime, path


def test_removed_guide_folder_and_feed_item_are_gone(library):
    site = library["site"]
    removed = slug_of(library["first"]["report"], "back.txt")
    assert library["second"]["removed"] == [removed]
    assert not (site / removed).exists()
    assert (site / "notes" / "keep.txt").read_text(encoding="utf-8") == "mine", "not the library's: kept"
    before = library["first"]["feed"]
    after = feedparser.parse((site / "feed.xml").read_bytes())
    assert not after.bozo
    assert "Back Pain & Your <Spine>" in [e.title for e in before.entries]
    assert sorted(e.title for e in after.entries) == ["Knee Care After Surgery", "Sleep Well"]
    assert removed not in (site / "index.html").read_text(encoding="utf-8")
    assert removed not in json.dumps(json.loads((site / "library.json").read_text(encoding="utf-8")))


def test_feed_is_one_single_file_per_guide_newest_change_first(library):
    site = library["site"]
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert [e.title for e in feed.entries] == ["Knee Care After Surgery", "Sleep Well"], (
        "the edited one is newest"
    )
    assert feed.entries[0].published_parsed[:3] == (2023, 11, 15)  # T1
    assert feed.entries[1].published_parsed[:3] == (2023, 11, 14)  # T0: unchanged since
    first_ids = {e.title: e.id for e in library["first"]["feed"].entries}
    for entry in feed.entries:
        assert entry.id == first_ids[entry.title], "an episode keeps its guid"
        (enclosure,) = entry.enclosures
        path = site / unquote(urlsplit(enclosure.href).path.removeprefix("/audio/"))
        assert path.name == "guide.mp3" and int(enclosure.length) == path.stat().st_size


def test_index_lists_each_guide_with_its_facts_and_links(library):
    site = library["site"]
    html = (site / "index.html").read_text(encoding="utf-8")
    first = library["first"]["index"]
    assert "Back Pain &amp; Your &lt;Spine&gt;" in first, "titles are escaped"
    for name in ("knee.txt", "sleep.md"):
        slug = slug_of(library["second"], name)
        manifest = json.loads((site / slug / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["title"] in html
        for file in ("index.html", "feed.xml", "guide.mp3", "playlist.m3u8"):
            assert f'href="{slug}/{file}"' in html
            assert (site / slug / file).is_file()
    assert '<time datetime="2023-11-15">15 November 2023</time>' in html


def test_hold_programme_takes_faq_answers_first(library):
    phone = library["site"] / "phone"
    readme = (phone / "README.txt").read_text(encoding="utf-8")
    assert "hold-programme.*" in readme
    names = sorted(p.name for p in phone.glob("*.ulaw"))
    assert names[0].startswith("01-") and "when-can-i-walk" in names[0], names
    assert "hold-programme.ulaw" in names
    conf = (phone / "musiconhold.conf").read_text(encoding="utf-8").splitlines()
    assert [line for line in conf if line.startswith("[")] == ["[audioguide-riverside-clinic]"]
    # the programme is the chosen tracks' telephone files (from their title on) plus opening and gaps
    size = (phone / "hold-programme.ulaw").stat().st_size
    parts = sum((phone / n).stat().st_size for n in names if n != "hold-programme.ulaw")
    assert 0 < size and size > 0.8 * parts


def test_a_bad_source_fails_alone_and_the_status_counts_it(library, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(library["articles"], tmp_path / "articles")
    result = invoke(
        "library",
        str(tmp_path / "articles"),
        str(tmp_path / "nowhere.txt"),
        str(tmp_path / "also-missing.md"),
        "-o",
        str(site),
        "--cache-dir",
        str(library["cache"]),
        "--formats",
        "tracks",
        "--json",
        "-q",
    )
    assert result.exit_code == 2, result.stderr
    report = json.loads(result.output)
    assert [g["status"] for g in report["guides"]] == ["built", "built", "failed", "failed"]
    assert [line for line in result.stderr.splitlines() if "failed" in line][0].endswith(
        "nowhere.txt: no such file"
    )
    assert (site / "index.html").is_file()


def test_refuses_a_folder_it_did_not_make(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "photo.jpg").write_bytes(b"x")
    (tmp_path / "a.txt").write_text(ARTICLES["knee.txt"], encoding="utf-8")
    result = invoke("library", str(tmp_path / "a.txt"), "-o", str(site))
    assert result.exit_code == 1 and "holds no library.json" in result.stderr
    assert (site / "photo.jpg").read_bytes() == b"x"


CHROMIUM = find_chromium()


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium binary found (install Debian's 'chromium')")
def test_index_is_axe_clean_keyboard_reachable_and_reflows(library):
    pytest.importorskip("websocket", reason="websocket-client is needed to talk to Chromium")
    with Browser(CHROMIUM) as browser:
        browser.open((library["site"] / "index.html").as_uri())
        assert axe_violations(browser) == []
        assert horizontal_overflow(browser, 320) <= 0
        landmarks = browser.evaluate(
            "['header','main','footer'].map(t => document.querySelectorAll(t).length)"
        )
        assert landmarks == [1, 1, 1]
        browser.press("Tab")
        assert browser.evaluate("document.activeElement.className") == "skip"
        links = browser.evaluate("document.querySelectorAll('a[href]').length")
        seen = set()
        for _ in range(links):
            seen.add(
                browser.evaluate(
                    "Array.from(document.querySelectorAll('a[href]')).indexOf(document.activeElement)"
                )
            )
            browser.press("Tab")
        assert seen == set(range(links)), "every link is reached with Tab, in order"


def test_a_local_library_loads_the_voice_for_the_first_guide_only(tmp_path):
    """The first guide's two workers load the voice as it builds; this process then keeps it for the
    guides after it (their workers inherit it, a small guide is made here): three loads, not eight. A run
    with nothing to synthesize loads none."""
    articles = tmp_path / "articles"
    articles.mkdir()
    for n in range(1, 5):
        (articles / f"guide{n}.txt").write_text(
            f"Guide {n} About Knees\n\nRest your knee for two days, raised on a pillow.\n\nFAQs\n\n"
            "When can I walk?\n\nWalk a little on the second day.\n\nCan I shower?\n\n"
            "Yes, once the dressing is waterproof.\n\nWhen do the stitches come out?\n\n"
            f"After {n + 9} days, at your clinic.\n",
            encoding="utf-8",
        )

    def loads() -> tuple[int, int]:
        command = ["-vv", "library", str(articles), "-o", str(tmp_path / "site"), "--jobs", "2", "-q"]
        done = subprocess.run(
            [sys.executable, "-m", "audioguide.cli", *command, "--cache-dir", str(tmp_path / "cache")],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        lines = done.stderr.splitlines()
        return (
            sum(re.search(r"worker \d+: voices loaded in", line) is not None for line in lines),
            sum("voices loaded in this process" in line for line in lines),
        )

    assert loads() == (2, 1)
    assert len(list((tmp_path / "site").glob("*/0? - *.mp3"))) == 4 * 4  # four tracks in each guide
    assert loads() == (0, 0)
